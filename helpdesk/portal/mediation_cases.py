"""The shopper's side of mediation (SPEC 6.1, shopper table): asking for it, completing the dossier, the case view.

Each function takes the ticket a portal token opened, so a token reaches its
own ticket's case only; the case is always built by `present.case_view` for
`Party.SHOPPER` (the joint channel and the shopper's caucus, never the
merchant's). Callers commit.

When may the shopper ask? Mediation comes after the merchant had a fair chance
to settle the written complaint (the ticket): `mediation_wait_days` calendar
days after the ticket opened (a merchant setting, 7 by default). What a
mediator expects beyond that:
- a ticket the merchant marked `resolved` is not a dispute until the shopper
  says the solution does not suit them: their reply reopens it (a written
  objection on the record), and they may ask at once, since the merchant has
  had its chance and answered; counting the wait again from the reopening
  would let a merchant push mediation away by resolving again and again;
- a `closed` ticket is over: the shopper writes again first;
- a dispute already brought to mediation (any earlier case of this ticket that
  ended) is not brought again from the portal: the earlier outcome stands and
  its certificate or settlement is what the shopper uses next.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..intake.complaint import IncomingFile
from ..mediation.actors import SHOPPER
from ..mediation.dossier import Amount, complete_dossier, open_dossier
from ..mediation.present import case_view
from ..mediation.room import post_message
from ..merchants import mediation_service_for, wait_days
from ..models import MediationCase, Merchant, OpenedBy, Party, Status, Ticket, utcnow
from ..models.mediation import ACTIVE_CASE_STATUSES

CURRENCY_BY_COUNTRY = {"MA": "MAD", "FR": "EUR"}


@dataclass(frozen=True)
class Eligibility:
    """Whether the shopper may ask now; if not, why (a code and a sentence) and from when, if time will tell."""

    allowed: bool
    code: str | None = None
    message: str | None = None
    available_at: datetime | None = None


def latest_case(ticket: Ticket, *, for_update: bool = False) -> MediationCase | None:
    """The ticket's newest case, active or ended (what the portal shows)."""
    stmt = select(MediationCase).where(MediationCase.ticket_id == ticket.id).order_by(MediationCase.id.desc()).limit(1)
    if for_update:
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


def shopper_case(case: MediationCase) -> dict[str, Any]:
    """The case as the shopper may see it, JSON-ready in the API's own shape (ISO 8601 instants)."""
    from ..api.mediation import CaseOut

    return CaseOut().dump(case_view(case, Party.SHOPPER))


def eligibility(ticket: Ticket, merchant: Merchant, *, now: datetime | None = None) -> Eligibility:
    """May the shopper ask for mediation on this ticket now (see the module's note)?"""
    now = now or utcnow()
    if mediation_service_for(merchant) is None:
        return Eligibility(False, "no_mediation_service", _("This shop has no mediation service."))
    case = latest_case(ticket)
    if case is not None and case.status not in ACTIVE_CASE_STATUSES:
        return Eligibility(False, "already_mediated",
                           _("This dispute has already been brought to mediation; that mediation has ended."))
    if ticket.status is Status.CLOSED:
        return Eligibility(False, "ticket_closed",
                           _("This request is closed. Write to the shop again if the problem is not solved."))
    if ticket.status is Status.RESOLVED:
        return Eligibility(False, "ticket_resolved",
                           _("The shop marked your request as resolved. If the solution does not suit you, reply "
                             "to say why; you can then ask for mediation."))
    available_at = ticket.created_at + timedelta(days=wait_days(merchant))
    if now < available_at:
        return Eligibility(False, "too_early",
                           _("The shop has until %(when)s to answer your request before it can go to mediation.",
                             when=format_datetime(available_at, "medium")), available_at)
    return Eligibility(True, available_at=available_at)


def ask_for_mediation(ticket: Ticket, merchant: Merchant, reason: str, claim: str | None, amount: Amount | None, *,
                      now: datetime | None = None) -> tuple[MediationCase, bool]:
    """The shopper asks (and so consents): (case, created). An active case is answered as it is."""
    now = now or utcnow()
    case = latest_case(ticket)
    if case is not None and case.status in ACTIVE_CASE_STATUSES:
        return case, False
    allowed = eligibility(ticket, merchant, now=now)
    if not allowed.allowed:
        raise Conflict(allowed.message or "", code=allowed.code)
    return open_dossier(ticket, by=OpenedBy.SHOPPER, reason=reason, actor=SHOPPER.name, claim=claim, amount=amount,
                        now=now)


def add_to_dossier(case: MediationCase, claim: str | None, amount: Amount | None, files: list[IncomingFile],
                   note: str = "", *, now: datetime | None = None) -> list[str]:
    """What the shopper asks for, the amount in dispute, and evidence: the files go to the joint channel, where
    the mediator and the merchant both read them (evidence is for both). Returns what changed."""
    now = now or utcnow()
    changes: dict[str, Any] = {}
    if claim and claim.strip():
        changes["claim"] = claim.strip()
    if amount is not None:
        changes["amount_in_dispute"] = {"value": str(amount.value), "currency": amount.currency}
    if not changes and not files:
        raise ValidationFailed("nothing to add", fields={"claim": [_("Say what you ask for, give the amount in "
                                                                     "dispute or add a file.")]})
    changed = complete_dossier(case, changes, SHOPPER.name, now=now) if changes else []
    if files:
        names = ", ".join(f.filename for f in files)
        post_message(case, SHOPPER, "joint", note.strip() or _("Evidence for the dossier: %(names)s", names=names),
                     files, now=now)
        changed.append("evidence")
    return changed


def default_currency(ticket: Ticket, merchant: Merchant, case: MediationCase | None = None) -> str:
    """The currency a form proposes: the case's, the order's, else the shop's country's."""
    if case is not None and case.amount_currency:
        return case.amount_currency
    if ticket.order is not None and ticket.order.currency:
        return ticket.order.currency.upper()
    return CURRENCY_BY_COUNTRY.get(merchant.country or "", "EUR")


def parse_amount(value: Any, currency: Any) -> Amount | None:
    """An amount from a checked `{"value", "currency"}` (the views' schema checked both)."""
    if value in (None, ""):
        return None
    return Amount(Decimal(str(value)), str(currency).upper())
