"""Mediation routes of the REST API (SPEC 6.1): the queue, one case as the caller may see it, and every step.

Each route looks the case up first (another party's or service's case is a
plain 404), then hands the caller's `Actor` to the service, which decides
403 (not yours to do) and 409 (not now). Answers are the case as this
caller may see it, built by `case_view` like every other view of a case.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..auth.principal import require_principal
from ..auth.scoping import require_role
from ..errors import NotFound
from ..extensions import db
from ..mediation import collective as collectives
from ..mediation import proposals, queue, room, transitions
from ..mediation.actors import actor_of
from ..mediation.documents_http import document_response
from ..mediation.dossier import Amount, complete_dossier
from ..mediation.present import case_view
from ..merchants import ICE_PATTERN, SIREN_PATTERN
from ..models import CaseStatus, MediationCase, Role
from ..sla.clocks import instant_for

blp = Blueprint("mediation_api", __name__, url_prefix="/api/v1/mediation", description="Mediation cases")
CONSENT = ["pending", "accepted", "declined"]


@blp.before_request
def look_up_first() -> None:
    """The case (or collective case) is looked up before the body is read or the role checked: an outsider gets
    the same 404 as for a case that does not exist, never a 422 or 403 that would say it exists (SPEC 6.1)."""
    args = request.view_args or {}
    if "id" not in args:
        return
    if request.path.startswith("/api/v1/mediation/collective/"):
        queue.get_collective(args["id"])
    else:
        queue.get_case(args["id"])
ANSWERS = ["pending", "accepted", "refused", "lapsed"]


class AmountSchema(Schema):
    """`{"value": "449.00", "currency": "MAD"}`: the value is a decimal string, never a float (SPEC 6.1)."""

    value = fields.Str(required=True, validate=validate.Regexp(r"^[0-9]{1,10}(\.[0-9]{1,2})?$"))
    currency = fields.Str(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))


class AdmissibilityOut(Schema):
    decision = fields.Str(validate=validate.OneOf(["pending", "admissible", "inadmissible"]))
    reason = fields.Str(allow_none=True)
    due_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    checks = fields.List(fields.Dict())


class ConsentOut(Schema):
    merchant = fields.Str(validate=validate.OneOf(CONSENT))
    shopper = fields.Str(validate=validate.OneOf(CONSENT))
    merchant_due_at = fields.AwareDateTime(allow_none=True)
    shopper_due_at = fields.AwareDateTime(allow_none=True)


class PartyOut(Schema):
    slug = fields.Str()
    name = fields.Str()
    country = fields.Str()
    identifiers = fields.Dict(keys=fields.Str(), values=fields.Str())


class ShopperOut(Schema):
    email = fields.Str()
    name = fields.Str()


class OutcomeOut(Schema):
    kind = fields.Str()
    summary = fields.Str(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)


class CaseEventOut(Schema):
    seq = fields.Int()
    kind = fields.Str()
    actor = fields.Str()
    data = fields.Dict()
    created_at = fields.AwareDateTime()


class RoomAttachmentOut(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()


class RoomMessageOut(Schema):
    id = fields.Int()
    channel = fields.Str(validate=validate.OneOf(["joint", "caucus:merchant", "caucus:shopper"]))
    author_role = fields.Str(validate=validate.OneOf(["mediator", "merchant", "shopper"]))
    body = fields.Str()
    created_at = fields.AwareDateTime()
    attachments = fields.List(fields.Nested(RoomAttachmentOut))


class ProposalResponsesOut(Schema):
    merchant = fields.Str(validate=validate.OneOf(ANSWERS))
    shopper = fields.Str(validate=validate.OneOf(ANSWERS))


class CaseProposalOut(Schema):
    id = fields.Int()
    made_by = fields.Str()
    terms = fields.Str()
    amount = fields.Nested(AmountSchema, allow_none=True)
    respond_by = fields.AwareDateTime()
    collective = fields.Int(allow_none=True)
    created_at = fields.AwareDateTime()
    responses = fields.Nested(ProposalResponsesOut)


class CaseOut(Schema):
    id = fields.Int()
    ticket_ref = fields.Str()
    status = fields.Str(validate=validate.OneOf([s.value for s in CaseStatus]))
    opened_by = fields.Str(validate=validate.OneOf(["merchant", "shopper", "rule"]))
    reason = fields.Str()
    merchant = fields.Nested(PartyOut)
    shopper = fields.Nested(ShopperOut)
    order = fields.Dict(allow_none=True)
    category = fields.Str()
    amount_in_dispute = fields.Nested(AmountSchema, allow_none=True)
    claim = fields.Str(allow_none=True)
    first_complaint_at = fields.AwareDateTime()
    dossier_complete_at = fields.AwareDateTime(allow_none=True)
    missing = fields.List(fields.Str())
    dossier = fields.Dict(allow_none=True)
    admissibility = fields.Nested(AdmissibilityOut)
    consent = fields.Nested(ConsentOut)
    ends_at = fields.AwareDateTime(allow_none=True)
    extended_reason = fields.Str(allow_none=True)
    messages = fields.List(fields.Nested("RoomMessageOut"))
    proposals = fields.List(fields.Nested("CaseProposalOut"))
    outcome = fields.Nested(OutcomeOut, allow_none=True)
    collective = fields.Int(allow_none=True)
    events = fields.List(fields.Nested(CaseEventOut))
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class CasePageOut(Schema):
    items = fields.List(fields.Nested(CaseOut))
    next = fields.Str(allow_none=True)


class CaseListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.Str(validate=validate.OneOf([s.value for s in CaseStatus]))
    limit = fields.Int(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.Str(validate=validate.Length(max=200))


@blp.get("/cases")
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, CasePageOut)
def list_cases(args: dict[str, Any]) -> dict[str, Any]:
    """The queue: a mediator sees its service's cases, merchant staff their merchant's; newest first."""
    page = queue.list_cases(status=args.get("status"), limit=args["limit"], cursor=args.get("cursor"))
    viewer = actor_of(require_principal()).party
    return {"items": [case_view(c, viewer, full=False) for c in page.items], "next": page.next}


@blp.get("/cases/<id>")
@blp.response(200, CaseOut)
def get_case(id: str) -> dict[str, Any]:
    """One case with its dossier and history, as the caller may see it."""
    return _view(queue.get_case(id))


class IdentifiersIn(Schema):
    class Meta:
        unknown = EXCLUDE

    ice = fields.Str(validate=validate.Regexp(ICE_PATTERN, error="An ICE has 15 digits."))
    rc = fields.Str(validate=validate.Length(1, 40))
    siren = fields.Str(validate=validate.Regexp(SIREN_PATTERN, error="A SIREN has 9 digits."))


class DossierIn(Schema):
    claim = fields.Str(validate=validate.Length(1, 5000))
    amount_in_dispute = fields.Nested(AmountSchema)
    identifiers = fields.Nested(IdentifiersIn)


@blp.patch("/cases/<id>")
@blp.arguments(DossierIn)
@blp.response(200, CaseOut)
def complete_case_dossier(data: dict[str, Any], id: str) -> dict[str, Any]:
    """Complete the dossier (the mediator, or a supervisor of the merchant); evidence goes as messages."""
    case = queue.get_case(id, for_update=True)  # looked up first: another party's case is a plain 404
    principal = require_role(Role.MEDIATOR, Role.SUPERVISOR)
    complete_dossier(case, data, principal.actor)
    db.session.commit()
    return _view(case)


def _view(case: MediationCase) -> dict[str, Any]:
    return case_view(case, actor_of(require_principal()).party)


def _amount(data: dict[str, Any] | None) -> Amount | None:
    return Amount(Decimal(data["value"]), data["currency"]) if data else None


class InstantOrDate(fields.Field):
    """An ISO 8601 instant with its offset, or a date meaning the end of that day in the merchant's time zone."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime | date:
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError("An ISO 8601 instant or date.")
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            instant = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError("An ISO 8601 instant or date.") from exc
        if instant.tzinfo is None:
            raise ValidationError("An instant needs its UTC offset (or give a date).")
        return instant


class AdmissibilityIn(Schema):
    admissible = fields.Bool(required=True)
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class AnswerIn(Schema):
    accept = fields.Bool(required=True)


class RoomMessageIn(Schema):
    body = fields.Str(required=True, validate=validate.Length(1, room.MAX_BODY))
    channel = fields.Str(required=True, validate=validate.OneOf(["joint", "caucus:merchant", "caucus:shopper"]))


class ProposalIn(Schema):
    terms = fields.Str(required=True, validate=validate.Length(1, 10_000))
    amount = fields.Nested(AmountSchema, load_default=None, allow_none=True)
    respond_by = InstantOrDate(required=True)


class ExtendIn(Schema):
    until = InstantOrDate(required=True)
    reason = fields.Str(required=True, validate=validate.Length(1, 5000))


class CloseIn(Schema):
    outcome = fields.Str(required=True, validate=validate.OneOf(["agreement", "failure"]))
    summary = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=10_000))


class WithdrawIn(Schema):
    class Meta:
        unknown = EXCLUDE

    reason = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))


def _act(id: str) -> tuple[MediationCase, Any]:
    """The case (404 first, locked), and the caller as an actor of it."""
    case = queue.get_case(id, for_update=True)
    return case, actor_of(require_principal())


@blp.post("/cases/<id>/admissibility")
@blp.arguments(AdmissibilityIn)
@blp.response(200, CaseOut)
def decide_admissibility(data: dict[str, Any], id: str) -> dict[str, Any]:
    """The mediator's decision: admissible (the other party is asked) or inadmissible with its reason."""
    case, actor = _act(id)
    transitions.decide_admissibility(case, actor, data["admissible"], data.get("reason"))
    db.session.commit()
    return _view(case)


@blp.post("/cases/<id>/consent")
@blp.arguments(AnswerIn)
@blp.response(200, CaseOut)
def consent(data: dict[str, Any], id: str) -> dict[str, Any]:
    """The merchant's answer to the shopper's request for mediation (a supervisor)."""
    case, actor = _act(id)
    transitions.answer_consent(case, actor, data["accept"])
    db.session.commit()
    return _view(case)


@blp.post("/cases/<id>/messages")
@blp.arguments(RoomMessageIn)
@blp.response(201, CaseOut)
def post_message(data: dict[str, Any], id: str) -> dict[str, Any]:
    """A message in the room: the mediator in any channel, merchant staff in `joint` and `caucus:merchant`."""
    case, actor = _act(id)
    room.post_message(case, actor, data["channel"], data["body"])
    db.session.commit()
    return _view(case)


@blp.post("/cases/<id>/proposals")
@blp.arguments(ProposalIn)
@blp.response(201, CaseOut)
def make_proposal(data: dict[str, Any], id: str) -> dict[str, Any]:
    """Terms put to both parties with a date to answer by (the mediator, or a supervisor for the merchant)."""
    case, actor = _act(id)
    proposals.make_proposal(case, actor, data["terms"], _amount(data.get("amount")),
                            instant_for(case.merchant, data["respond_by"]))
    db.session.commit()
    return _view(case)


@blp.post("/cases/<id>/proposals/<pid>/response")
@blp.arguments(AnswerIn)
@blp.response(200, CaseOut)
def respond(data: dict[str, Any], id: str, pid: str) -> dict[str, Any]:
    """The merchant's answer to a proposal (a supervisor)."""
    case, actor = _act(id)
    try:
        proposals.respond(case, pid, actor, data["accept"])
    except proposals.ProposalLapsed:
        db.session.commit()  # the silence is recorded as lapsed even though the late answer is refused
        raise
    db.session.commit()
    return _view(case)


@blp.post("/cases/<id>/withdraw")
@blp.arguments(WithdrawIn)
@blp.response(200, CaseOut)
def withdraw(data: dict[str, Any], id: str) -> dict[str, Any]:
    """The merchant leaves the mediation; it ends `withdrawn`."""
    case, actor = _act(id)
    transitions.withdraw(case, actor)
    db.session.commit()
    return _view(case)


@blp.post("/cases/<id>/extend")
@blp.arguments(ExtendIn)
@blp.response(200, CaseOut)
def extend(data: dict[str, Any], id: str) -> dict[str, Any]:
    """The mediator gives a complex case more time; both parties are told."""
    case, actor = _act(id)
    transitions.extend(case, actor, instant_for(case.merchant, data["until"]), data["reason"])
    db.session.commit()
    return _view(case)


@blp.post("/cases/<id>/close")
@blp.arguments(CloseIn)
@blp.response(200, CaseOut)
def close(data: dict[str, Any], id: str) -> dict[str, Any]:
    """The mediator ends the case: `agreement` (needs a proposal both parties accepted) or `failure`."""
    case, actor = _act(id)
    transitions.close(case, actor, data["outcome"], data.get("summary"))
    db.session.commit()
    return _view(case)


@blp.get("/cases/<id>/documents/<kind>")
@blp.response(200, content_type="application/pdf")
def document(id: str, kind: str) -> Response:
    """The settlement (after an agreement) or the certificate (when mediation did not take place or failed)."""
    case = queue.get_case(id)
    return document_response(case, kind, actor_of(require_principal()).party)


class CollectiveIn(Schema):
    title = fields.Str(required=True, validate=validate.Length(1, 200))
    cases = fields.List(fields.Int(), required=True, validate=validate.Length(2, 500))


class CollectiveProposalOut(Schema):
    id = fields.Int()
    terms = fields.Str()
    amount = fields.Nested(AmountSchema, allow_none=True)
    respond_by = fields.AwareDateTime()
    made_by = fields.Str()
    accepted = fields.Int()
    refused = fields.Int()
    pending = fields.Int()


class CollectiveOut(Schema):
    id = fields.Int()
    title = fields.Str()
    merchant = fields.Nested(PartyOut)
    cases = fields.List(fields.Int())
    proposals = fields.List(fields.Nested(CollectiveProposalOut))
    created_at = fields.AwareDateTime()


@blp.post("/collective")
@blp.arguments(CollectiveIn)
@blp.response(201, CollectiveOut)
def create_collective(data: dict[str, Any]) -> dict[str, Any]:
    """The mediator joins open cases of one merchant into one collective case."""
    principal = require_role(Role.MEDIATOR)
    if principal.mediation_service_id is None:
        raise NotFound("Not found.")
    collective = collectives.create_collective(principal.mediation_service_id, actor_of(principal), data["title"],
                                               data["cases"])
    db.session.commit()
    return collectives.collective_view(collective)


@blp.get("/collective/<id>")
@blp.response(200, CollectiveOut)
def get_collective(id: str) -> dict[str, Any]:
    """The collective case with, per proposal, how many shoppers accepted, refused or have not answered."""
    return collectives.collective_view(queue.get_collective(id))


@blp.post("/collective/<id>/proposals")
@blp.arguments(ProposalIn)
@blp.response(201, CollectiveOut)
def propose_to_all(data: dict[str, Any], id: str) -> dict[str, Any]:
    """One offer put to every shopper of the collective case; each answers from the portal."""
    collective = queue.get_collective(id)
    actor = actor_of(require_principal())
    collectives.propose_to_all(collective, actor, data["terms"], _amount(data.get("amount")),
                               instant_for(collective.merchant, data["respond_by"]))
    db.session.commit()
    return collectives.collective_view(collective)
