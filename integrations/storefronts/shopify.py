"""Shopify deliveries (REST webhook payloads) -> order facts, or a `return` ticket.

What is read, per topic:
- `orders/create`, `orders/updated`: `id`, `name` (the number shoppers see,
  e.g. `#1043`), `email` (else `contact_email`, else `customer.email`),
  `customer.first_name`/`last_name`, `created_at`, `total_price`, `currency`,
  `financial_status`/`fulfillment_status`/`cancelled_at` (status),
  `line_items` (title, quantity, sku, price), `fulfillments` and `refunds`
  as in their own topics. Shopify has no promised delivery date of its own:
  it is read from a note attribute (`note_attributes`, name like
  "delivery date", "promised delivery", "estimated delivery") and otherwise
  from a fulfilment's `estimated_delivery_at` (as carrier apps report it).
- `fulfillments/create`, `fulfillments/update`: `id`, `order_id`, `status`,
  `tracking_company`, `tracking_number(s)`, `tracking_url(s)`, `created_at`
  (shipped), `shipment_status` (`delivered` dates the delivery with
  `delivered_at` if present, else `updated_at`), `estimated_delivery_at`.
- `refunds/create`: `id`, `order_id`, `created_at`, and the sum of its
  successful `refund` transactions (`amount`, `currency`).
- `returns/request`: `id`, `name`, `order.id` (and `order.name`),
  `return_line_items` (quantity, `return_reason`, `return_reason_note`,
  `customer_note`, the item's name under `fulfillment_line_item.line_item`).
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from helpdesk.extensions import db
from helpdesk.intake.complaint import Complaint
from helpdesk.intake.journal import handles
from helpdesk.models import Channel, InboundDelivery, Merchant, Ticket
from helpdesk.tickets.services import open_or_thread

from . import orders as sync
from .orders import FulfilmentFacts, OrderFacts, RefundFacts
from .values import currency, ident, money, text, when

PLATFORM = "shopify"
_PROMISE_NOTE = re.compile(r"(deliver|livraison|shipping date|ship by)", re.IGNORECASE)


def _customer(payload: dict[str, Any]) -> tuple[str | None, str]:
    customer = payload.get("customer") if isinstance(payload.get("customer"), dict) else {}
    email = text(payload.get("email") or payload.get("contact_email") or customer.get("email"), 254)
    parts = (text(customer.get("first_name"), 100), text(customer.get("last_name"), 100))
    name = " ".join(p for p in parts if p)
    return (email.lower() if email else None), name


def _promised(payload: dict[str, Any]) -> Any:
    """A promised date from the order's note attributes (set by delivery-date apps at checkout)."""
    for attr in payload.get("note_attributes") or []:
        if isinstance(attr, dict) and _PROMISE_NOTE.search(str(attr.get("name") or "")):
            moment = when(attr.get("value"))
            if moment is not None:
                return moment
    return None


def _status(payload: dict[str, Any]) -> str | None:
    if payload.get("cancelled_at"):
        return "cancelled"
    return text(payload.get("fulfillment_status") or payload.get("financial_status"), 32)


def _items(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": text(i.get("title") or i.get("name"), 200), "quantity": i.get("quantity"),
             "sku": text(i.get("sku"), 64), "price": text(i.get("price"), 32)}
            for i in payload.get("line_items") or [] if isinstance(i, dict)][:100]


def fulfilment_facts(payload: dict[str, Any]) -> FulfilmentFacts:
    numbers, urls = payload.get("tracking_numbers") or [], payload.get("tracking_urls") or []
    delivered = payload.get("shipment_status") == "delivered"
    return FulfilmentFacts(
        external_id=ident(payload.get("id")) or "",
        status=text(payload.get("shipment_status") or payload.get("status"), 32),
        tracking_company=text(payload.get("tracking_company"), 100),
        tracking_number=text(payload.get("tracking_number") or (numbers[0] if numbers else None), 100),
        tracking_url=text(payload.get("tracking_url") or (urls[0] if urls else None), 500),
        shipped_at=when(payload.get("created_at")),
        delivered_at=when(payload.get("delivered_at") or payload.get("updated_at")) if delivered else None,
        estimated_delivery_at=when(payload.get("estimated_delivery_at")))


def refund_facts(payload: dict[str, Any]) -> RefundFacts:
    moves = [t for t in payload.get("transactions") or []
             if isinstance(t, dict) and t.get("kind") == "refund" and t.get("status") in (None, "success")]
    amounts = [a for a in (money(t.get("amount")) for t in moves) if a is not None]
    return RefundFacts(external_id=ident(payload.get("id")) or "",
                       amount=sum(amounts, Decimal("0.00")) if amounts else None,
                       currency=next((c for c in (currency(t.get("currency")) for t in moves) if c), None),
                       created_at=when(payload.get("created_at")))


def _objects(value: Any) -> list[dict[str, Any]]:
    """The objects with an id of a payload list (a missing or malformed list is empty)."""
    return [v for v in value if isinstance(v, dict) and ident(v.get("id"))] if isinstance(value, list) else []


def order_facts(payload: dict[str, Any]) -> OrderFacts:
    email, name = _customer(payload)
    fulfilments = [fulfilment_facts(f) for f in _objects(payload.get("fulfillments"))]
    return OrderFacts(
        platform=PLATFORM, external_id=ident(payload["id"]) or "", number=text(payload["name"], 64) or "",
        email=email, customer_name=name, status=_status(payload), placed_at=when(payload.get("created_at")),
        promised_delivery_at=_promised(payload), total=money(payload.get("total_price")),
        currency=currency(payload.get("currency")), items=_items(payload), fulfilments=fulfilments,
        refunds=[refund_facts(r) for r in _objects(payload.get("refunds"))])


def _order_name_from_fulfilment(payload: dict[str, Any]) -> str | None:
    """A fulfilment is named after its order plus a sequence (`#1043.1`)."""
    name = text(payload.get("name"), 64)
    return name.rsplit(".", 1)[0] if name and "." in name else None


def _return_complaint(payload: dict[str, Any], order_number: str | None, email: str, name: str) -> Complaint:
    lines = []
    for item in payload.get("return_line_items") or []:
        if not isinstance(item, dict):
            continue
        line_item = ((item.get("fulfillment_line_item") or {}).get("line_item") or {})
        what = text(line_item.get("title") or line_item.get("name"), 200) or "item"
        notes = [text(item.get(k), 1000) for k in ("return_reason", "return_reason_note", "customer_note")]
        lines.append(f"- {item.get('quantity') or 1} × {what}: " + " / ".join(n for n in notes if n))
    ref = text(payload.get("name"), 64) or f"return {payload['id']}"
    body = f"Return requested on Shopify ({ref}) for order {order_number or '(not synced yet)'}."
    return Complaint(email=email, name=name, order_number=order_number, subject=f"Return request {ref}",
                     message="\n".join([body, *lines]), forced_category="return",
                     external_order_id=ident(payload["order"]["id"]),
                     headers={"X-Shopify-Return-Id": str(payload["id"])})


def open_return(delivery: InboundDelivery, payload: dict[str, Any]) -> Ticket:
    """`returns/request`: a `return` ticket linked to the synced order and its customer.

    The order may not have synced yet: the first attempts raise so the journal
    retries; then the ticket opens with what the payload gives (Shopify's return
    payload carries no email, so the customer is a placeholder at `.invalid`).
    A replayed delivery returns the ticket it already opened.
    """
    if delivery.ticket_id is not None:
        existing = db.session.get(Ticket, delivery.ticket_id)
        if existing is not None:
            return existing
    merchant = db.session.get(Merchant, delivery.merchant_id)
    assert merchant is not None
    order_id = ident(payload["order"]["id"]) or ""
    order = sync.find_synced(merchant.id, PLATFORM, order_id)
    if order is None and delivery.attempts < sync.RETRIES_BEFORE_FALLBACK:
        raise sync.OrderNotSynced(f"shopify order {order_id} has not synced yet (return {payload['id']})")
    if order is not None and order.email:
        email, name = order.email, order.customer.name if order.customer else ""
        number: str | None = order.number or None
    else:
        email, name = f"shopify-order-{order_id}@customer.invalid", ""
        number = text((payload["order"] or {}).get("name"), 64) or (order.number if order else None) or None
    return open_or_thread(merchant, _return_complaint(payload, number, email, name), Channel.SHOPIFY).ticket


def _sync_fulfilment(delivery: InboundDelivery, payload: dict[str, Any]) -> None:
    order = sync.order_for_delivery(delivery.merchant_id, PLATFORM, ident(payload["order_id"]) or "",
                                    delivery.attempts, _order_name_from_fulfilment(payload))
    sync.sync_fulfilment(order, fulfilment_facts(payload))


def _sync_refund(delivery: InboundDelivery, payload: dict[str, Any]) -> None:
    order = sync.order_for_delivery(delivery.merchant_id, PLATFORM, ident(payload["order_id"]) or "",
                                    delivery.attempts)
    sync.add_refund(order, refund_facts(payload))


@handles("shopify")
def handle(delivery: InboundDelivery) -> Ticket | None:
    """Dispatch on `X-Shopify-Topic`; unknown topics are processed with no effect."""
    payload = json.loads(delivery.payload)
    topic = delivery.topic or ""
    if topic in ("orders/create", "orders/updated"):
        sync.sync_order(delivery.merchant_id, order_facts(payload))
    elif topic in ("fulfillments/create", "fulfillments/update"):
        _sync_fulfilment(delivery, payload)
    elif topic == "refunds/create":
        _sync_refund(delivery, payload)
    elif topic == "returns/request":
        return open_return(delivery, payload)
    return None
