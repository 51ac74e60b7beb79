"""A case as one viewer may see it, shaped as SPEC 6.1 names its fields.

This is the one place that builds a case for a viewer: the API, the pages,
the portal and the documents all call it, so the room's confidentiality is
decided here and nowhere else (each party reads the joint channel and its
own caucus; the mediator reads all three).
"""
from __future__ import annotations

from typing import Any

from ..models import MediationCase, Party
from .dossier import missing_items
from .events import case_events
from .proposals import amount_of, proposals_of
from .room import attachments_of, messages_for, readable_channels


def case_view(case: MediationCase, viewer: Party = Party.MEDIATOR, *, full: bool = True) -> dict[str, Any]:
    """Every field of SPEC 6.1 for `viewer`; `full=False` leaves out the dossier, room and history (queue rows)."""
    merchant, ticket = case.merchant, case.ticket
    dossier = dict(case.dossier or {})
    if viewer is Party.SHOPPER:
        dossier.pop("timeline", None)  # the merchant's internal steps are not the shopper's to read
    amount = None if case.amount_value is None else {"value": f"{case.amount_value:.2f}",
                                                     "currency": case.amount_currency}
    outcome = None if case.outcome_kind is None else {"kind": case.outcome_kind, "summary": case.outcome_summary,
                                                      "closed_at": case.closed_at}
    return {
        "id": case.id, "ticket_ref": ticket.ref, "status": case.status.value, "opened_by": case.opened_by.value,
        "reason": case.reason,
        "merchant": {"slug": merchant.slug, "name": merchant.name, "country": merchant.country,
                     "identifiers": dict(merchant.identifiers or {})},
        "shopper": {"email": ticket.customer.email, "name": ticket.customer.name},
        "order": dossier.get("order"), "category": dossier.get("category", ticket.category.value),
        "amount_in_dispute": amount, "claim": case.claim, "first_complaint_at": case.first_complaint_at,
        "dossier_complete_at": case.dossier_complete_at, "missing": missing_items(case, merchant),
        "dossier": dossier if full else None,
        "admissibility": {"decision": case.admissibility_decision.value, "reason": case.admissibility_reason,
                          "due_at": case.admissibility_due_at, "decided_at": case.admissibility_decided_at,
                          "checks": case.admissibility_checks},
        "consent": {"merchant": case.consent_merchant.value, "shopper": case.consent_shopper.value,
                    "merchant_due_at": case.merchant_consent_due_at, "shopper_due_at": case.shopper_consent_due_at},
        "ends_at": case.ends_at, "extended_reason": case.extended_reason,
        "messages": _messages(case, viewer) if full else [],
        "proposals": _proposals(case) if full else [],
        "outcome": outcome, "collective": case.collective_id,
        "events": _events(case, viewer) if full else [],
        "created_at": case.created_at, "updated_at": case.updated_at,
    }


def _messages(case: MediationCase, viewer: Party) -> list[dict[str, Any]]:
    messages = messages_for(case, viewer)
    files = attachments_of([m.id for m in messages])
    return [{"id": m.id, "channel": m.channel.value, "author_role": m.author_role.value, "body": m.body,
             "created_at": m.created_at,
             "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                             for a in files.get(m.id, [])]}
            for m in messages]


def _proposals(case: MediationCase) -> list[dict[str, Any]]:
    return [{"id": p.id, "made_by": p.made_by.value, "terms": p.terms, "amount": amount_of(p),
             "respond_by": p.respond_by, "collective": p.collective_id, "created_at": p.created_at,
             "responses": {party.value: answers.get(party, "pending") for party in (Party.MERCHANT, Party.SHOPPER)}}
            for p, answers in proposals_of(case)]


def _events(case: MediationCase, viewer: Party) -> list[dict[str, Any]]:
    """The history, without the steps of a channel the viewer may not read."""
    channels = {c.value for c in readable_channels(viewer)}
    name = _party_of if viewer is Party.SHOPPER else str  # staff user ids are not the shopper's to read
    return [{"seq": e.seq, "kind": e.kind, "actor": name(e.actor), "data": e.data, "created_at": e.created_at}
            for e in case_events(case) if (e.data or {}).get("channel", "joint") in channels]


def _party_of(actor: str) -> str:
    role = actor.split(":", 1)[0]
    return {"agent": "merchant", "supervisor": "merchant", "rule": "merchant"}.get(role, role)
