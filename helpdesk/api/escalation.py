"""`POST /api/v1/tickets/<ref>/escalate` (SPEC 4.4, 6.1): a supervisor opens a mediation dossier."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth.scoping import get_ticket, require_role
from ..extensions import db
from ..mediation.dossier import Amount, open_dossier
from ..mediation.present import case_view
from ..models import OpenedBy, Party, Role
from . import token_required
from .mediation import AmountSchema, CaseOut

blp = Blueprint("escalation_api", __name__, url_prefix="/api/v1/tickets", description="Escalation to mediation")
token_required(blp)


class EscalateIn(Schema):
    reason = fields.Str(required=True, validate=validate.Length(1, 2000))
    claim = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    amount = fields.Nested(AmountSchema)


@blp.post("/<ref>/escalate")
@blp.arguments(EscalateIn)
@blp.response(201, CaseOut)
@blp.alt_response(200, schema=CaseOut, description="The ticket was already escalated: its case")
def escalate(data: dict[str, Any], ref: str) -> Any:
    """Open a mediation dossier in the merchant's mediation service; the ticket becomes `escalated`."""
    ticket = get_ticket(ref, for_update=True)
    principal = require_role(Role.SUPERVISOR)
    amount = data.get("amount")
    case, created = open_dossier(ticket, by=OpenedBy.MERCHANT, reason=data["reason"], actor=principal.actor,
                                 claim=data.get("claim"),
                                 amount=Amount(Decimal(amount["value"]), amount["currency"]) if amount else None)
    db.session.commit()
    return case_view(case, Party.MERCHANT), 201 if created else 200
