"""The resolution ledger: typed offers made to the shopper, what became of each, and the totals per currency.

Reports and a later mediation read what was offered and what was accepted
from here. Every offer and every decision is also a timeline event, so the
ledger can be checked against the ticket's hash chain. Callers commit.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision, is_currency
from sqlalchemy import select

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import OfferKind, OfferStatus, ResolutionOffer, Ticket, User, utcnow
from .timeline import record_event

# A replacement or a repair is worth something, but the shopper is not paid: its amount is optional.
NEEDS_AMOUNT = (OfferKind.REFUND, OfferKind.PARTIAL_REFUND, OfferKind.VOUCHER)
DECISIONS = (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN)
MAX_AMOUNT = Decimal(999999999999)


@dataclass
class LedgerTotals:
    """Sums by ISO 4217 code. `offered` counts every offer not withdrawn; `pending` those still unanswered."""

    offered: dict[str, Decimal] = field(default_factory=dict)
    accepted: dict[str, Decimal] = field(default_factory=dict)
    pending: dict[str, Decimal] = field(default_factory=dict)


def _amount(raw: str | Decimal | None, currency: str | None, kind: OfferKind) -> tuple[Decimal | None, str | None]:
    text = "" if raw is None else str(raw).strip().replace(",", ".")
    if not text:
        if kind in NEEDS_AMOUNT:
            raise ValidationFailed("an amount is needed", fields={"amount": ["This offer needs an amount."]})
        return None, None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed("not an amount", fields={"amount": ["Not an amount."]}) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationFailed("not an amount", fields={"amount": ["The amount must be more than zero."]})
    code = (currency or "").strip().upper()
    if len(code) != 3 or not is_currency(code):
        raise ValidationFailed("unknown currency", fields={"currency": ["Use an ISO 4217 code such as EUR."]})
    places = Decimal(1).scaleb(-get_currency_precision(code))
    if amount != amount.quantize(places):
        raise ValidationFailed("too many decimals", fields={"amount": ["Too many decimals for this currency."]})
    return amount.quantize(places), code


def _event_data(offer: ResolutionOffer) -> dict[str, object]:
    return {"offer_id": offer.id, "kind": offer.kind.value,
            "amount": str(offer.amount) if offer.amount is not None else None, "currency": offer.currency}


def offer_resolution(ticket: Ticket, author: User, kind: str, amount: str | Decimal | None = None,
                     currency: str | None = None, note: str = "", *, now: datetime | None = None) -> ResolutionOffer:
    """Record an offer made to the shopper (a `resolution.offered` event)."""
    now = now or utcnow()
    try:
        offer_kind = OfferKind(kind)
    except ValueError:
        raise ValidationFailed("unknown offer", fields={"kind": ["Choose a kind of offer."]}) from None
    value, code = _amount(amount, currency, offer_kind)
    offer = ResolutionOffer(merchant_id=ticket.merchant_id, ticket_id=ticket.id, kind=offer_kind, amount=value,
                            currency=code, note=(note or "").strip()[:500], offered_by_id=author.id,
                            status=OfferStatus.OFFERED, created_at=now)
    db.session.add(offer)
    db.session.flush()
    record_event(ticket, "resolution.offered", f"{author.role.value}:{author.id}", _event_data(offer), at=now)
    ticket.updated_at = now
    return offer


def decide_offer(ticket: Ticket, offer_id: int, status: str, author: User, *,
                 now: datetime | None = None) -> ResolutionOffer:
    """The shopper accepted or declined, or the merchant withdrew: an offer is decided once."""
    now = now or utcnow()
    offer = db.session.scalar(select(ResolutionOffer).where(ResolutionOffer.id == offer_id,
                                                            ResolutionOffer.ticket_id == ticket.id))
    if offer is None:
        raise NotFound("No such offer.")
    try:
        decision = OfferStatus(status)
    except ValueError:
        decision = OfferStatus.OFFERED
    if decision not in DECISIONS:
        raise ValidationFailed("unknown decision", fields={"status": ["Accepted, declined or withdrawn."]})
    if offer.status is not OfferStatus.OFFERED:
        raise Conflict("This offer was already answered.")
    offer.status, offer.decided_at = decision, now
    record_event(ticket, f"resolution.{decision.value}", f"{author.role.value}:{author.id}", _event_data(offer),
                 at=now)
    ticket.updated_at = now
    return offer


def offers_of(ticket: Ticket) -> list[ResolutionOffer]:
    return list(db.session.scalars(select(ResolutionOffer).where(ResolutionOffer.ticket_id == ticket.id)
                                   .order_by(ResolutionOffer.id)).all())


def ledger_totals(ticket: Ticket, offers: list[ResolutionOffer] | None = None) -> LedgerTotals:
    """Offered, accepted and still pending amounts on the ticket, per currency (never added across currencies)."""
    sums: dict[str, dict[str, Decimal]] = {"offered": defaultdict(Decimal), "accepted": defaultdict(Decimal),
                                           "pending": defaultdict(Decimal)}
    for offer in offers if offers is not None else offers_of(ticket):
        if offer.amount is None or offer.currency is None or offer.status is OfferStatus.WITHDRAWN:
            continue
        sums["offered"][offer.currency] += offer.amount
        if offer.status is OfferStatus.ACCEPTED:
            sums["accepted"][offer.currency] += offer.amount
        elif offer.status is OfferStatus.OFFERED:
            sums["pending"][offer.currency] += offer.amount
    return LedgerTotals(**{k: dict(sorted(v.items())) for k, v in sums.items()})
