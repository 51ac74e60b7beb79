"""Keep the merchant's orders current from storefront facts (SPEC 4.1), whatever platform sent them.

Platform modules turn payloads into the facts below; these services upsert
them. Every write is keyed on the platform's ids (INSERT … ON CONFLICT DO
NOTHING, then an update), so processing the same delivery twice, or two
deliveries about one order at once, leaves one row each. The job commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Fulfilment, Order, Refund, Ticket, utcnow
from helpdesk.tickets.customers import find_or_create_customer, order_key, upsert_ignore
from helpdesk.tickets.timeline import record_event

RETRIES_BEFORE_FALLBACK = 3  # a delivery about an order not synced yet waits this many attempts


class OrderNotSynced(Exception):
    """The order this delivery is about has not arrived yet: an ordinary error, so the journal retries."""


@dataclass
class FulfilmentFacts:
    external_id: str
    status: str | None = None
    tracking_company: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    estimated_delivery_at: datetime | None = None


@dataclass
class RefundFacts:
    external_id: str
    amount: Decimal | None = None
    currency: str | None = None
    created_at: datetime | None = None


@dataclass
class OrderFacts:
    platform: str
    external_id: str
    number: str
    email: str | None = None
    customer_name: str = ""
    status: str | None = None
    placed_at: datetime | None = None
    promised_delivery_at: datetime | None = None
    delivered_at: datetime | None = None
    total: Decimal | None = None
    currency: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    fulfilments: list[FulfilmentFacts] = field(default_factory=list)
    refunds: list[RefundFacts] = field(default_factory=list)


def _order_row(merchant_id: int, platform: str, external_id: str, number: str) -> Order:
    """The order of these platform ids, inserted (with just its number) if it is not there yet."""
    upsert_ignore(Order, {"merchant_id": merchant_id, "platform": platform, "external_id": external_id,
                          "number": number, "number_key": order_key(number), "items": []},
                  ["merchant_id", "platform", "external_id"])
    order = find_synced(merchant_id, platform, external_id)
    assert order is not None
    return order


def find_synced(merchant_id: int, platform: str, external_id: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.merchant_id == merchant_id, Order.platform == platform,
                                                 Order.external_id == external_id))


def sync_order(merchant_id: int, facts: OrderFacts) -> Order:
    """Upsert an order with everything the payload says; a fact the payload lacks keeps its stored value."""
    order = _order_row(merchant_id, facts.platform, facts.external_id, facts.number)
    order.number, order.number_key = facts.number[:64], order_key(facts.number)
    for name in ("email", "status", "placed_at", "promised_delivery_at", "delivered_at", "total", "currency"):
        value = getattr(facts, name)
        if value is not None:
            setattr(order, name, value)
    if facts.items:
        order.items = facts.items
    if facts.email:
        order.customer_id = find_or_create_customer(merchant_id, facts.email, facts.customer_name).id
    for fulfilment in facts.fulfilments:
        sync_fulfilment(order, fulfilment)
    for refund in facts.refunds:
        add_refund(order, refund)
    db.session.flush()
    link_waiting_tickets(order)
    return order


def sync_fulfilment(order: Order, facts: FulfilmentFacts) -> Fulfilment:
    """Upsert a shipment; `delivered` also dates the order's delivery, an estimate its promise if none."""
    upsert_ignore(Fulfilment, {"merchant_id": order.merchant_id, "order_id": order.id,
                               "external_id": facts.external_id}, ["order_id", "external_id"])
    row = db.session.scalar(select(Fulfilment).where(Fulfilment.order_id == order.id,
                                                     Fulfilment.external_id == facts.external_id))
    assert row is not None
    names = ("status", "tracking_company", "tracking_number", "tracking_url", "shipped_at", "delivered_at")
    for name in names:
        value = getattr(facts, name)
        if value is not None:
            setattr(row, name, value)
    if facts.delivered_at is not None and order.delivered_at is None:
        order.delivered_at = facts.delivered_at
    if facts.estimated_delivery_at is not None and order.promised_delivery_at is None:
        order.promised_delivery_at = facts.estimated_delivery_at
    return row


def add_refund(order: Order, facts: RefundFacts) -> None:
    """Record a refund once (a refund is never edited on the platforms, so the first version stands)."""
    upsert_ignore(Refund, {"merchant_id": order.merchant_id, "order_id": order.id,
                           "external_id": facts.external_id, "amount": facts.amount,
                           "currency": facts.currency or order.currency,
                           "created_at": facts.created_at or utcnow()}, ["order_id", "external_id"])


def order_for_delivery(merchant_id: int, platform: str, external_id: str, attempts: int,
                       number_hint: str | None = None) -> Order:
    """The synced order a fulfilment or refund belongs to; wait for it, then settle for a placeholder.

    Platforms do not promise order between topics. The first attempts raise
    `OrderNotSynced` (the journal retries with backoff); after that a row known
    only by its platform id (and the number if the payload gave one) takes the
    facts, and the order's own delivery fills it in later.
    """
    order = find_synced(merchant_id, platform, external_id)
    if order is not None:
        return order
    if attempts < RETRIES_BEFORE_FALLBACK:
        raise OrderNotSynced(f"{platform} order {external_id} has not synced yet")
    return _order_row(merchant_id, platform, external_id, number_hint or "")


def link_waiting_tickets(order: Order, *, limit: int = 500) -> list[Ticket]:
    """Tickets that named this order's number before it synced get linked to it now (SPEC 4.1).

    SQL narrows the candidates to unlinked tickets whose number contains the
    key's last characters (every spelling keeps them: `#1043`, `n° 1043`);
    `order_key` then decides exactly.
    """
    if not order.number_key:
        return []
    tail = order.number_key[-3:]
    candidates = db.session.scalars(select(Ticket).where(
        Ticket.merchant_id == order.merchant_id, Ticket.order_id.is_(None), Ticket.order_number.is_not(None),
        Ticket.order_number.icontains(tail, autoescape=True)).order_by(Ticket.id).limit(limit)).all()
    linked = [t for t in candidates if order_key(t.order_number) == order.number_key]
    for ticket in linked:
        ticket.order_id = order.id
        record_event(ticket, "order.linked", "system",
                     {"order": order.number, "platform": order.platform, "external_id": order.external_id})
    return linked
