"""Marshmallow schemas at the HTTP boundary: what comes in, what goes out, and the OpenAPI document."""
from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..models import Category, CategorySource, Channel, Priority, Status

CATEGORIES = [c.value for c in Category]


class AttachmentIn(Schema):
    class Meta:
        unknown = EXCLUDE

    filename = fields.Str(required=True, validate=validate.Length(1, 255))
    content_type = fields.Str(load_default="application/octet-stream", validate=validate.Length(max=127))
    data_base64 = fields.Str(required=True)


class ComplaintIn(Schema):
    """A complaint (generic webhook, POST /api/v1/tickets): SPEC 4.1."""

    class Meta:
        unknown = EXCLUDE

    email = fields.Email(required=True)
    name = fields.Str(load_default="", validate=validate.Length(max=200))
    order_number = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=64))
    subject = fields.Str(load_default="", allow_none=True, validate=validate.Length(max=300))
    message = fields.Str(required=True, validate=validate.Length(1, 100_000))
    category_hint = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(CATEGORIES))
    attachments = fields.List(fields.Nested(AttachmentIn), load_default=list)


class CustomerOut(Schema):
    email = fields.Str()
    name = fields.Str()


class OrderOut(Schema):
    number = fields.Str(allow_none=True)
    placed_at = fields.AwareDateTime(allow_none=True)
    promised_delivery_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    total = fields.Decimal(as_string=True, allow_none=True)
    currency = fields.Str(allow_none=True)
    tracking = fields.List(fields.Dict(), allow_none=True)
    refunds = fields.List(fields.Dict())


class LegalClockOut(Schema):
    code = fields.Str()
    article = fields.Str()
    title = fields.Str()
    starts_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime()
    warn_at = fields.AwareDateTime()
    status = fields.Str(validate=validate.OneOf(["running", "warning", "passed", "stopped"]))
    stopped_at = fields.AwareDateTime(allow_none=True)
    met = fields.Bool(allow_none=True)


class SlaOut(Schema):
    first_response_due_at = fields.AwareDateTime(allow_none=True)
    resolution_due_at = fields.AwareDateTime(allow_none=True)
    first_response_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    first_response_breached = fields.Bool()
    resolution_breached = fields.Bool()
    first_response_warn_at = fields.AwareDateTime(allow_none=True)
    resolution_warn_at = fields.AwareDateTime(allow_none=True)
    first_response_warning = fields.Bool()
    resolution_warning = fields.Bool()
    paused = fields.Bool()
    legal_clocks = fields.List(fields.Nested(LegalClockOut))  # on one ticket, not in lists


class AttachmentOut(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()


class MessageOut(Schema):
    id = fields.Int()
    direction = fields.Str()
    internal = fields.Bool()
    body = fields.Str()
    triage_text = fields.Str(allow_none=True)
    language = fields.Str(allow_none=True)
    author = fields.Str(allow_none=True)
    created_at = fields.AwareDateTime()
    attachments = fields.List(fields.Nested(AttachmentOut))


class EventOut(Schema):
    seq = fields.Int()
    kind = fields.Str()
    actor = fields.Str()
    data = fields.Dict()
    created_at = fields.AwareDateTime()


class TicketOut(Schema):
    ref = fields.Str()
    status = fields.Str(validate=validate.OneOf([s.value for s in Status]))
    category = fields.Str(validate=validate.OneOf(CATEGORIES))
    category_confidence = fields.Float()
    category_source = fields.Str(validate=validate.OneOf([s.value for s in CategorySource]))
    needs_review = fields.Bool()
    priority = fields.Str(validate=validate.OneOf([p.value for p in Priority]))
    channel = fields.Str(validate=validate.OneOf([c.value for c in Channel]))
    subject = fields.Str()
    language = fields.Str(allow_none=True)
    customer = fields.Nested(CustomerOut)
    order = fields.Nested(OrderOut, allow_none=True)
    assignee = fields.Str(allow_none=True)
    tags = fields.List(fields.Str())
    sla = fields.Nested(SlaOut)
    portal_url = fields.Str(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class TicketDetailOut(TicketOut):
    messages = fields.List(fields.Nested(MessageOut))
    events = fields.List(fields.Nested(EventOut))


class TicketPageOut(Schema):
    items = fields.List(fields.Nested(TicketOut))
    next = fields.Str(allow_none=True)


class TicketListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.Str(validate=validate.OneOf([s.value for s in Status]))
    category = fields.Str(validate=validate.OneOf(CATEGORIES))
    assignee = fields.Str(validate=validate.Length(max=254))
    breached = fields.Bool()
    q = fields.Str(validate=validate.Length(max=200))
    limit = fields.Int(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.Str(validate=validate.Length(max=200))


class TicketPatchIn(Schema):
    status = fields.Str(validate=validate.OneOf([s.value for s in Status if s is not Status.ESCALATED]))
    category = fields.Str(validate=validate.OneOf(CATEGORIES))
    priority = fields.Str(validate=validate.OneOf([p.value for p in Priority]))
    assignee = fields.Str(allow_none=True, validate=validate.Length(max=254))
    tags = fields.List(fields.Str(validate=validate.Length(1, 64)), validate=validate.Length(max=50))

    @validates_schema
    def not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("Give at least one of status, category, priority, assignee, tags.")


class MessageIn(Schema):
    body = fields.Str(required=True, validate=validate.Length(1, 100_000))
    internal = fields.Bool(load_default=False)
