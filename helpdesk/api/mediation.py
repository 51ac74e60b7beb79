"""Mediation queue routes of the REST API (SPEC 6.1): the queue and one case, as the caller may see it."""
from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from ..auth.scoping import require_role
from ..extensions import db
from ..mediation import queue
from ..mediation.dossier import complete_dossier
from ..mediation.present import case_view
from ..models import CaseStatus, Role

blp = Blueprint("mediation_api", __name__, url_prefix="/api/v1/mediation", description="Mediation cases")
CONSENT = ["pending", "accepted", "declined"]


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


class PartyOut(Schema):
    slug = fields.Str()
    name = fields.Str()
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
    messages = fields.List(fields.Dict())
    proposals = fields.List(fields.Dict())
    outcome = fields.Nested(OutcomeOut, allow_none=True)
    collective = fields.Int(allow_none=True)
    events = fields.List(fields.Nested(CaseEventOut))
    created_at = fields.AwareDateTime()


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
    return {"items": [case_view(c, full=False) for c in page.items], "next": page.next}


@blp.get("/cases/<id>")
@blp.response(200, CaseOut)
def get_case(id: str) -> dict[str, Any]:
    """One case with its dossier and history, as the caller may see it."""
    return case_view(queue.get_case(id))


class IdentifiersIn(Schema):
    class Meta:
        unknown = EXCLUDE

    ice = fields.Str(validate=validate.Regexp(r"^\d{15}$", error="An ICE has 15 digits."))
    rc = fields.Str(validate=validate.Length(1, 40))
    siren = fields.Str(validate=validate.Regexp(r"^\d{9}$", error="A SIREN has 9 digits."))


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
    return case_view(case)
