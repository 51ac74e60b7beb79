"""Open a mediation dossier from a ticket (SPEC 6, first bullet) and put it in the service's queue.

The dossier is built from what the helpdesk already knows: the parties (the
trader with its ICE/RC or SIREN), the order, the amount in dispute, the
category, the first written complaint (the ticket itself is its proof),
what the shopper asks for, the evidence (attachments of public messages)
and the timeline so far. The party that asks has consented by asking
(SPEC 6.1: a rule counts as the merchant); the other party is asked later.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..errors import Conflict, InvalidTransition
from ..extensions import db
from ..merchants import mediation_service_for
from ..models import (
    Attachment,
    CaseStatus,
    Consent,
    Direction,
    MediationCase,
    MediationService,
    Merchant,
    Message,
    OpenedBy,
    Status,
    Ticket,
    utcnow,
)
from ..models.mediation import ACTIVE_CASE_STATUSES
from ..sla.clocks import calendar_for
from ..tickets.present import events_of, order_view
from ..tickets.services import change_status
from ..tickets.timeline import record_event
from .events import record_case_event
from .notify import tell_parties

ADMISSIBILITY_DAYS = 21  # the service decides within 3 weeks of a complete dossier (R612-2)
MEDIATION_DAYS = 90  # and the mediation ends within 90 days of it, unless extended (R612-5)
MERCHANT_ANSWER_WORKING_DAYS = 20
ONE_YEAR = timedelta(days=365)
IDENTIFIERS_BY_COUNTRY = {"MA": ("ice", "rc"), "FR": ("siren",)}


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str


def active_case(ticket: Ticket) -> MediationCase | None:
    return db.session.scalar(select(MediationCase).where(MediationCase.ticket_id == ticket.id,
                                                         MediationCase.status.in_(ACTIVE_CASE_STATUSES))
                             .order_by(MediationCase.id.desc()).limit(1))


def open_dossier(ticket: Ticket, *, by: OpenedBy, reason: str, actor: str, claim: str | None = None,
                 amount: Amount | None = None, now: datetime | None = None) -> tuple[MediationCase, bool]:
    """The ticket's case, created if it has none: (case, created). The ticket becomes `escalated`.

    Raises InvalidTransition for a closed ticket and Conflict when the merchant
    has no mediation service. Flushes; the caller commits.
    """
    now = now or utcnow()
    if ticket.status is Status.ESCALATED and (existing := active_case(ticket)) is not None:
        return existing, False
    if ticket.status is Status.CLOSED:
        raise InvalidTransition("A closed ticket cannot be escalated; reopen it first.")
    merchant = db.session.get(Merchant, ticket.merchant_id)
    assert merchant is not None
    service = mediation_service_for(merchant)
    if service is None:
        raise Conflict("This merchant has no mediation service to escalate to.", code="no_mediation_service")
    amount = amount or _order_amount(ticket)
    case = MediationCase(merchant_id=merchant.id, mediation_service_id=service.id, ticket_id=ticket.id,
                         status=CaseStatus.SUBMITTED, opened_by=by, reason=reason.strip(),
                         claim=(claim or "").strip() or None, amount_value=amount.value if amount else None,
                         amount_currency=amount.currency if amount else None, first_complaint_at=ticket.created_at,
                         dossier=build_dossier(ticket, merchant, now), admissibility_checks=[],
                         created_at=now, updated_at=now)
    _consent(case)
    db.session.add(case)
    db.session.flush()
    case.admissibility_checks = admissibility_checks(case, merchant, service, now)
    complete_if_ready(case, merchant, now)
    record_case_event(case, "case.submitted", actor, {"opened_by": by.value, "reason": case.reason}, at=now)
    record_event(ticket, "mediation.requested", actor, {"case_id": case.id, "opened_by": by.value,
                                                        "reason": case.reason}, at=now)
    change_status(ticket, Status.ESCALATED, "mediation", now=now)
    tell_parties(case, "submitted", remind_withdrawal=True)
    return case, True


def _consent(case: MediationCase) -> None:
    """The party that asks has consented by asking; the other is asked once the case is admissible."""
    if case.opened_by is OpenedBy.SHOPPER:
        case.consent_shopper = Consent.ACCEPTED
    else:
        case.consent_merchant = Consent.ACCEPTED


def _order_amount(ticket: Ticket) -> Amount | None:
    """Without a figure from the party, the amount in dispute is the order's total."""
    order = ticket.order
    if order is None or order.total is None or not order.currency:
        return None
    return Amount(Decimal(order.total), order.currency.upper())


def missing_items(case: MediationCase, merchant: Merchant) -> list[str]:
    """What the dossier still lacks before the service can decide on admissibility."""
    missing = []
    if not case.claim:
        missing.append("claim")
    if case.amount_value is None:
        missing.append("amount_in_dispute")
    wanted = IDENTIFIERS_BY_COUNTRY.get(merchant.country, ("ice", "rc", "siren"))
    if not any((merchant.identifiers or {}).get(key) for key in wanted):
        missing.append("identifiers")
    return missing


def complete_if_ready(case: MediationCase, merchant: Merchant, now: datetime) -> bool:
    """Start the 3-week admissibility and 90-day clocks once nothing required is missing."""
    if case.dossier_complete_at is not None or missing_items(case, merchant):
        return False
    calendar = calendar_for(merchant)
    case.dossier_complete_at = now
    case.admissibility_due_at = calendar.add_calendar_days(now, ADMISSIBILITY_DAYS)
    case.ends_at = calendar.add_calendar_days(now, MEDIATION_DAYS)
    return True


def admissibility_checks(case: MediationCase, merchant: Merchant, service: MediationService,
                         now: datetime) -> list[dict[str, Any]]:
    """The automatic checks of SPEC 6 with their results; the mediator decides."""
    # `detail` is for API readers; the facts beside it (`at`, `days`, `service`) let each page word it in its language.
    days = (now - case.first_complaint_at).days
    return [
        {"code": "prior_written_complaint", "passed": True, "at": case.first_complaint_at.isoformat(),
         "detail": f"helpdesk ticket opened {case.first_complaint_at.date().isoformat()}"},
        {"code": "within_one_year", "passed": now - case.first_complaint_at <= ONE_YEAR, "days": days,
         "detail": f"requested {days} days after the first complaint"},
        {"code": "merchant_belongs_to_service", "passed": merchant.mediation_service_id in (None, service.id),
         "service": service.name, "detail": service.slug},
    ]


def build_dossier(ticket: Ticket, merchant: Merchant, now: datetime) -> dict[str, Any]:
    """The parties, order, first complaint, evidence and timeline as they stand now (JSON-ready)."""
    first = db.session.scalar(select(Message).where(Message.ticket_id == ticket.id,
                                                    Message.direction == Direction.INBOUND)
                              .order_by(Message.id).limit(1))
    evidence = db.session.execute(
        select(Attachment.filename, Attachment.content_type, Attachment.size, Attachment.sha256, Message.created_at)
        .join(Message, Message.id == Attachment.message_id)
        .where(Message.ticket_id == ticket.id, Message.internal.is_(False)).order_by(Attachment.id)).all()
    return {
        "built_at": now.isoformat(),
        "trader": {"slug": merchant.slug, "name": merchant.name, "country": merchant.country},
        "shopper": {"email": ticket.customer.email, "name": ticket.customer.name},
        "category": ticket.category.value,
        "order": _jsonable(order_view(ticket)),
        "first_complaint": {"at": ticket.created_at.isoformat(), "ticket_ref": ticket.ref,
                            "channel": ticket.channel.value, "subject": ticket.subject,
                            "text": first.new_text or first.body if first else None},
        "formal_notice": None,
        "evidence": [{"filename": e.filename, "content_type": e.content_type, "size": e.size, "sha256": e.sha256,
                      "sent_at": e.created_at.isoformat()} for e in evidence],
        "timeline": [{"kind": e.kind, "actor": e.actor, "at": e.created_at.isoformat()} for e in events_of(ticket)],
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def complete_dossier(case: MediationCase, changes: dict[str, Any], actor: str, *,
                     now: datetime | None = None) -> list[str]:
    """A party or the mediator fills in what the dossier lacks (SPEC 6.1 `PATCH`): the claim, the amount in
    dispute, the merchant's company identifiers. Recorded on the case and the ticket; once nothing required
    is missing the admissibility and 90-day clocks start. Returns the fields that changed."""
    from ..merchants import IDENTIFIER_KEYS
    from ..models import Merchant

    if case.status not in ACTIVE_CASE_STATUSES:
        raise InvalidTransition(f"the case is {case.status.value}: its dossier is closed")
    now = now or utcnow()
    merchant = db.session.get(Merchant, case.merchant_id)
    assert merchant is not None
    changed = []
    if changes.get("claim") is not None and changes["claim"] != case.claim:
        case.claim = changes["claim"]
        changed.append("claim")
    amount = changes.get("amount_in_dispute")
    if amount is not None:
        case.amount_value, case.amount_currency = Decimal(amount["value"]), amount["currency"].upper()
        changed.append("amount_in_dispute")
    identifiers = {k: v for k, v in (changes.get("identifiers") or {}).items() if k in IDENTIFIER_KEYS and v}
    if identifiers:
        merchant.identifiers = {**(merchant.identifiers or {}), **identifiers}
        changed.append("identifiers")
    if changed:
        record_case_event(case, "dossier.updated", actor, {"fields": changed}, at=now)
        ticket = db.session.get(Ticket, case.ticket_id)
        if ticket is not None:
            record_event(ticket, "mediation.dossier_updated", actor, {"case_id": case.id, "fields": changed}, at=now)
        if complete_if_ready(case, merchant, now):
            record_case_event(case, "dossier.completed", actor, {}, at=now)
    return changed
