"""A case shaped as SPEC 6.1 names its fields, for the API and the pages (one place, so both agree).

The room (messages) and proposals arrive with the mediation issue; until
then they are empty lists, so clients can rely on the fields existing.
"""
from __future__ import annotations

from typing import Any

from ..models import MediationCase
from .dossier import missing_items
from .events import case_events


def case_view(case: MediationCase, *, full: bool = True) -> dict[str, Any]:
    """Every field of SPEC 6.1; `full=False` leaves out the dossier and history (queue rows)."""
    merchant, ticket = case.merchant, case.ticket
    dossier = case.dossier or {}
    amount = None if case.amount_value is None else {"value": f"{case.amount_value:.2f}",
                                                     "currency": case.amount_currency}
    outcome = None if case.outcome_kind is None else {"kind": case.outcome_kind, "summary": case.outcome_summary,
                                                      "closed_at": case.closed_at}
    return {
        "id": case.id, "ticket_ref": ticket.ref, "status": case.status.value, "opened_by": case.opened_by.value,
        "reason": case.reason,
        "merchant": {"slug": merchant.slug, "name": merchant.name, "identifiers": dict(merchant.identifiers or {})},
        "shopper": {"email": ticket.customer.email, "name": ticket.customer.name},
        "order": dossier.get("order"), "category": dossier.get("category", ticket.category.value),
        "amount_in_dispute": amount, "claim": case.claim, "first_complaint_at": case.first_complaint_at,
        "dossier_complete_at": case.dossier_complete_at, "missing": missing_items(case, merchant),
        "dossier": dossier if full else None,
        "admissibility": {"decision": case.admissibility_decision.value, "reason": case.admissibility_reason,
                          "due_at": case.admissibility_due_at, "decided_at": case.admissibility_decided_at,
                          "checks": case.admissibility_checks},
        "consent": {"merchant": case.consent_merchant.value, "shopper": case.consent_shopper.value,
                    "merchant_due_at": case.merchant_consent_due_at},
        "ends_at": case.ends_at, "messages": [], "proposals": [], "outcome": outcome,
        "collective": case.collective_id,
        "events": [{"seq": e.seq, "kind": e.kind, "actor": e.actor, "data": e.data, "created_at": e.created_at}
                   for e in case_events(case)] if full else [],
        "created_at": case.created_at,
    }

