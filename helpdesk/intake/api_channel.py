"""Complaints posted as JSON (REST API, generic webhook, widget): parse, journal, open."""
from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from typing import Any

from ..errors import TryAgain, ValidationFailed
from ..extensions import db
from ..models import Channel, DeliveryStatus, InboundDelivery, Merchant, Ticket
from ..tickets.services import open_or_thread
from .complaint import Complaint, IncomingFile
from .journal import Rejected, accept_and_process, handles

log = logging.getLogger(__name__)

CHANNEL_OF = {"api": Channel.API, "webhook": Channel.WEBHOOK, "widget": Channel.WIDGET}


def complaint_from(data: dict[str, Any], *, max_attachment: int | None = None) -> Complaint:
    """The envelope from validated complaint fields (SPEC 4.1 shape)."""
    files = []
    for i, att in enumerate(data.get("attachments") or []):
        try:
            raw = base64.b64decode(att["data_base64"], validate=True)
        except (binascii.Error, ValueError, KeyError) as exc:
            raise ValidationFailed("attachment is not base64", fields={"attachments": {
                str(i): ["data_base64 is not valid base64."]}}) from exc
        if max_attachment and len(raw) > max_attachment:
            raise ValidationFailed("attachment too large", fields={"attachments": {
                str(i): [f"Larger than {max_attachment} bytes."]}})
        files.append(IncomingFile(att.get("filename") or "attachment", att.get("content_type") or "", raw))
    return Complaint(email=data["email"], name=data.get("name") or "", order_number=data.get("order_number"),
                     subject=data.get("subject") or "", message=data["message"],
                     category_hint=data.get("category_hint"), attachments=files)


def _complaint_handler(channel: Channel):  # type: ignore[no-untyped-def]
    def handle(delivery: InboundDelivery) -> Ticket:
        from marshmallow import ValidationError

        from ..api.schemas import ComplaintIn

        # A payload that cannot become a complaint never will: fail it for good, with the reason, at once.
        try:
            data = ComplaintIn().load(json.loads(delivery.payload))
        except (ValueError, ValidationError) as exc:
            raise Rejected(f"not a complaint: {exc}") from exc
        merchant = db.session.get(Merchant, delivery.merchant_id)
        assert merchant is not None
        return open_or_thread(merchant, complaint_from(data), channel).ticket
    return handle


for _name, _channel in CHANNEL_OF.items():
    handles(_name)(_complaint_handler(_channel))


def create_from_api(merchant: Merchant, data: dict[str, Any], raw: bytes,
                    key: str | None) -> tuple[Ticket, bool]:
    """Journal and process within the request (SPEC 2): the returned ref works at once."""
    complaint_from(data)  # attachment errors are the caller's 422, before anything is stored
    delivery, duplicate = accept_and_process(merchant.id, "api", f"{merchant.id}:{key or uuid.uuid4()}", raw)
    if delivery.status is DeliveryStatus.PENDING:
        # A passing failure (a lock, a deadlock): the complaint is kept and will become a ticket either way, so
        # not a 4xx that tells the client to give up; the same Idempotency-Key gets the ticket, never a second.
        log.warning("API delivery %s left pending: %s", delivery.id, delivery.last_error)
        raise TryAgain("The complaint is kept but could not be turned into a ticket yet; send it again shortly "
                       "with the same Idempotency-Key.")
    if delivery.status is not DeliveryStatus.DONE or delivery.ticket_id is None:
        raise ValidationFailed(delivery.last_error or "the complaint could not be processed")
    ticket = db.session.get(Ticket, delivery.ticket_id)
    assert ticket is not None
    return ticket, not duplicate
