"""WooCommerce deliveries (REST API v3 order payloads) -> order facts.

What is read from `order.created` and `order.updated`: `id`, `number` (what
the shopper sees; `id` when absent), `status`, `currency`, `total`,
`date_created_gmt` (placed; `date_created` as UTC if only that is given),
`billing.email` / `first_name` / `last_name`, `line_items` (name, quantity,
sku, total), `refunds` (`id`, `total`, negative in WooCommerce), and
`meta_data`:
- tracking from the Shipment Tracking / Advanced Shipment Tracking plugins'
  `_wc_shipment_tracking_items` (provider, number, link, `date_shipped`);
- a promised date from delivery-date plugins (`_orddd_timestamp`,
  `_orddd_lite_timestamp`, `_delivery_date`, `_estimated_delivery_date`).
WooCommerce has no delivered state of its own: `completed` means fulfilled,
not delivered; a plugin's `delivered` status dates the delivery with
`date_completed_gmt` (else `date_modified_gmt`).
Other topics (`order.deleted`, `product.*`, …) are processed with no effect.
"""
from __future__ import annotations

import json
from typing import Any

from helpdesk.intake.journal import handles
from helpdesk.models import InboundDelivery, Ticket

from . import orders as sync
from .orders import FulfilmentFacts, OrderFacts, RefundFacts
from .values import currency, ident, money, text, when

PLATFORM = "woocommerce"
TRACKING_KEY = "_wc_shipment_tracking_items"
PROMISE_KEYS = ("_orddd_timestamp", "_orddd_lite_timestamp", "_delivery_date", "_estimated_delivery_date")


def _meta(payload: dict[str, Any]) -> dict[str, Any]:
    return {m["key"]: m.get("value") for m in payload.get("meta_data") or []
            if isinstance(m, dict) and isinstance(m.get("key"), str)}


def _tracking(meta: dict[str, Any]) -> list[FulfilmentFacts]:
    out = []
    for item in meta.get(TRACKING_KEY) or []:
        if not isinstance(item, dict) or not (item.get("tracking_id") or item.get("tracking_number")):
            continue
        out.append(FulfilmentFacts(
            external_id=ident(item.get("tracking_id") or item.get("tracking_number")) or "", status="shipped",
            tracking_company=text(item.get("custom_tracking_provider") or item.get("tracking_provider"), 100),
            tracking_number=text(item.get("tracking_number"), 100),
            tracking_url=text(item.get("custom_tracking_link") or item.get("tracking_link"), 500),
            shipped_at=when(item.get("date_shipped"))))
    return out


def _promised(meta: dict[str, Any]) -> Any:
    return next((m for m in (when(meta.get(k)) for k in PROMISE_KEYS) if m is not None), None)


def _items(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": text(i.get("name"), 200), "quantity": i.get("quantity"), "sku": text(i.get("sku"), 64),
             "price": text(i.get("total") or i.get("price"), 32)}
            for i in payload.get("line_items") or [] if isinstance(i, dict)][:100]


def _refunds(payload: dict[str, Any], code: str | None) -> list[RefundFacts]:
    out = []
    for refund in payload.get("refunds") or []:
        if isinstance(refund, dict) and ident(refund.get("id")):
            amount = money(refund.get("total"))
            positive = abs(amount) if amount is not None else None
            out.append(RefundFacts(ident(refund["id"]) or "", positive, code))
    return out


def order_facts(payload: dict[str, Any]) -> OrderFacts:
    billing = payload.get("billing") if isinstance(payload.get("billing"), dict) else {}
    meta, code, status = _meta(payload), currency(payload.get("currency")), text(payload.get("status"), 32)
    email = text(billing.get("email"), 254)
    delivered = when(payload.get("date_completed_gmt") or payload.get("date_modified_gmt")) \
        if status == "delivered" else None
    return OrderFacts(
        platform=PLATFORM, external_id=ident(payload["id"]) or "",
        number=text(payload.get("number"), 64) or str(payload["id"]),
        email=email.lower() if email else None,
        customer_name=" ".join(filter(None, (text(billing.get("first_name"), 100),
                                             text(billing.get("last_name"), 100)))),
        status=status, placed_at=when(payload.get("date_created_gmt") or payload.get("date_created")),
        promised_delivery_at=_promised(meta), delivered_at=delivered, total=money(payload.get("total")),
        currency=code, items=_items(payload), fulfilments=_tracking(meta), refunds=_refunds(payload, code))


@handles("woocommerce")
def handle(delivery: InboundDelivery) -> Ticket | None:
    """Dispatch on `X-WC-Webhook-Topic`: order topics keep the order current; others change nothing."""
    if delivery.topic in ("order.created", "order.updated"):
        sync.sync_order(delivery.merchant_id, order_facts(json.loads(delivery.payload)))
    return None
