"""Processing of storefront deliveries: orders kept current, returns opened, tickets linked (SPEC 4.1).

Each scenario posts fixtures through the real endpoint, lets the in-process
worker run, and reads the result through the REST API or the models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select, update

from helpdesk.extensions import db
from helpdesk.intake.journal import process_delivery
from helpdesk.models import (
    Customer,
    DeliveryStatus,
    Fulfilment,
    InboundDelivery,
    Order,
    Refund,
    Ticket,
    TicketEvent,
)

from .hooks import fixture, post_generic, post_shopify, post_woocommerce


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def order_of(platform: str, external_id: str) -> Order:
    return db.session.scalars(
        select(Order).where(Order.platform == platform, Order.external_id == external_id)
    ).one()


def last_delivery() -> InboundDelivery:
    return db.session.scalars(select(InboundDelivery).order_by(InboundDelivery.id.desc())).first()


def tickets(client, shop) -> list[dict]:
    r = client.get("/api/v1/tickets", headers=shop.auth)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def test_shopify_orders_create_syncs_the_order(client, shop, process):
    assert (
        post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create")).status_code == 202
    )
    process()
    order = order_of("shopify", "5820982911001")
    assert (order.number, order.number_key, order.email) == ("#1043", "1043", "salma.benali@example.com")
    assert order.placed_at == utc(2026, 3, 2, 9, 15)
    assert order.promised_delivery_at == utc(2026, 3, 6)  # the "Delivery date" note attribute
    assert (order.total, order.currency, order.status) == (Decimal("349.00"), "MAD", "paid")
    assert order.items == [{"title": "Ceramic planter", "quantity": 2, "sku": "PLNT-TC-L", "price": "159.50"}]
    customer = db.session.get(Customer, order.customer_id)
    assert (customer.email, customer.name) == ("salma.benali@example.com", "Salma Benali")
    delivery = last_delivery()
    assert (
        delivery.status is DeliveryStatus.DONE
        and delivery.ticket_id is None
        and delivery.topic == "orders/create"
    )
    assert tickets(client, shop) == []


def test_complaint_before_the_order_is_linked_when_it_syncs(client, shop, process):
    """A complaint's order number is kept; the order links when it syncs, whatever the spelling."""
    assert post_generic(client, shop.slug, fixture("generic/complaint")).status_code == 202
    process()
    [ticket] = tickets(client, shop)
    assert ticket["channel"] == "webhook" and ticket["customer"]["email"] == "nadia.elamrani@example.com"
    assert ticket["order"]["number"] == "n° 1043" and ticket["order"]["placed_at"] is None
    post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    process()
    detail = client.get(f"/api/v1/tickets/{ticket['ref']}", headers=shop.auth).get_json()
    assert detail["order"]["number"] == "#1043" and detail["order"]["total"] == "349.00"
    assert (
        detail["order"]["placed_at"] == "2026-03-02T09:15:00+00:00" and detail["order"]["currency"] == "MAD"
    )
    assert detail["order"]["promised_delivery_at"].startswith("2026-03-06T00:00:00")
    assert detail["events"][-1]["kind"] == "order.linked"
    assert detail["messages"][0]["attachments"][0]["filename"] == "capture-suivi.png"


def test_orders_updated_brings_fulfilments_and_refunds(client, shop, process):
    post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    post_shopify(client, shop.slug, "orders/updated", fixture("shopify/orders_updated"))
    process()
    order = order_of("shopify", "5820982911001")
    assert order.status == "fulfilled"
    [fulfilment] = order.fulfilments
    assert (fulfilment.tracking_company, fulfilment.tracking_number, fulfilment.status) == (
        "Amana",
        "AM123456789MA",
        "in_transit",
    )
    assert fulfilment.tracking_url.endswith("AM123456789MA") and fulfilment.shipped_at == utc(2026, 3, 3, 8)
    [refund] = order.refunds
    assert (refund.external_id, refund.amount, refund.currency) == ("9100000001", Decimal("159.50"), "MAD")
    assert order.delivered_at is None


def test_fulfilment_topics_track_and_date_the_delivery(client, shop, process):
    post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    process()
    ref = post_generic(client, shop.slug, {**fixture("generic/complaint"), "order_number": "1043"})
    assert ref.status_code == 202
    post_shopify(client, shop.slug, "fulfillments/create", fixture("shopify/fulfillments_create"))
    process()
    order = order_of("shopify", "5820982911001")
    [fulfilment] = order.fulfilments
    assert (fulfilment.tracking_company, fulfilment.tracking_number) == ("DHL Express", "1234567890")
    assert fulfilment.delivered_at is None and order.delivered_at is None
    post_shopify(client, shop.slug, "fulfillments/update", fixture("shopify/fulfillments_update"))
    process()
    db.session.refresh(order)
    db.session.refresh(fulfilment)
    assert fulfilment.status == "delivered" and fulfilment.delivered_at == utc(2026, 3, 6, 13, 5)
    assert order.delivered_at == utc(2026, 3, 6, 13, 5)
    [ticket] = tickets(client, shop)
    assert ticket["order"]["delivered_at"] == "2026-03-06T13:05:00+00:00"
    assert ticket["order"]["tracking"][0]["number"] == "1234567890"
    assert ticket["order"]["tracking"][0]["company"] == "DHL Express"


def test_estimated_delivery_of_a_fulfilment_is_the_promise_when_the_order_has_none(client, shop, process):
    order = fixture("shopify/orders_create")
    order["note_attributes"] = []
    post_shopify(client, shop.slug, "orders/create", order)
    post_shopify(client, shop.slug, "fulfillments/create", fixture("shopify/fulfillments_create"))
    process()
    assert order_of("shopify", "5820982911001").promised_delivery_at == utc(2026, 3, 7, 17)


def test_refunds_create_records_successful_refund_transactions(client, shop, process):
    post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    post_shopify(client, shop.slug, "refunds/create", fixture("shopify/refunds_create"))
    process()
    [refund] = order_of("shopify", "5820982911001").refunds
    assert (refund.amount, refund.currency, refund.created_at) == (
        Decimal("30.00"),
        "MAD",
        utc(2026, 3, 8, 9),
    )


def test_returns_request_opens_a_return_ticket_on_the_synced_order(client, shop, process):
    post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    process()
    post_shopify(client, shop.slug, "returns/request", fixture("shopify/returns_request"))
    process()
    [ticket] = tickets(client, shop)
    assert ticket["channel"] == "shopify" and ticket["category"] == "return"
    assert ticket["category_source"] == "rule" and ticket["category_confidence"] == 1.0
    assert ticket["customer"] == {"email": "salma.benali@example.com", "name": "Salma Benali"}
    assert ticket["order"]["number"] == "#1043" and ticket["order"]["total"] == "349.00"
    detail = client.get(f"/api/v1/tickets/{ticket['ref']}", headers=shop.auth).get_json()
    assert "trop grand" in detail["messages"][0]["body"] and "#1043-R1" in detail["subject"]
    assert last_delivery().ticket_id is not None


def test_returns_request_waits_for_the_order_then_opens_with_what_it_has(client, shop, process):
    post_shopify(client, shop.slug, "returns/request", fixture("shopify/returns_request"))
    process()
    delivery = last_delivery()
    assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 1
    assert "has not synced yet" in delivery.last_error and count(Ticket) == 0
    for attempts in (2, 3):
        process_delivery(delivery.id)
        db.session.refresh(delivery)
        assert (delivery.status, delivery.attempts, count(Ticket)) == (DeliveryStatus.PENDING, attempts, 0)
    process_delivery(delivery.id)
    process()
    delivery = db.session.get(InboundDelivery, delivery.id)
    assert delivery.status is DeliveryStatus.DONE and delivery.ticket_id is not None
    [ticket] = tickets(client, shop)
    assert ticket["category"] == "return" and ticket["order"] is None
    assert ticket["customer"]["email"] == "shopify-order-5820982911001@customer.invalid"


def test_returns_request_that_names_the_order_links_when_the_order_syncs_late(client, shop, process):
    payload = fixture("shopify/returns_request")
    payload["order"]["name"] = "#1043"
    post_shopify(client, shop.slug, "returns/request", payload)
    process()
    delivery = last_delivery()
    for _ in range(3):
        process_delivery(delivery.id)
    post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    process()
    [ticket] = tickets(client, shop)
    assert ticket["order"]["number"] == "#1043" and ticket["order"]["placed_at"] is not None


def test_fulfilment_before_its_order_waits_then_keeps_its_facts(client, shop, process):
    post_shopify(client, shop.slug, "fulfillments/create", fixture("shopify/fulfillments_create"))
    process()
    delivery = last_delivery()
    assert delivery.status is DeliveryStatus.PENDING and count(Order) == 0
    for _ in range(3):
        process_delivery(delivery.id)
    placeholder = order_of("shopify", "5820982911001")
    assert placeholder.number == "#1043" and placeholder.fulfilments[0].tracking_number == "1234567890"
    post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    process()
    order = order_of("shopify", "5820982911001")
    assert (
        order.id == placeholder.id
        and order.email == "salma.benali@example.com"
        and len(order.fulfilments) == 1
    )
    assert count(Order) == 1


def test_woocommerce_orders_are_kept_current(client, shop, process):
    assert (
        post_woocommerce(client, shop.slug, "order.created", fixture("woocommerce/order_created")).status_code
        == 202
    )
    process()
    order = order_of("woocommerce", "727")
    assert (order.number, order.email, order.status) == ("727", "camille.martin@example.fr", "processing")
    assert order.placed_at == utc(2026, 3, 2, 10, 15) and order.promised_delivery_at == utc(2026, 3, 7)
    assert (order.total, order.currency) == (Decimal("64.80"), "EUR")
    assert db.session.get(Customer, order.customer_id).name == "Camille Martin"
    post_woocommerce(client, shop.slug, "order.updated", fixture("woocommerce/order_updated"))
    process()
    db.session.refresh(order)
    assert order.status == "completed" and order.delivered_at is None  # completed = fulfilled, not delivered
    [fulfilment] = order.fulfilments
    assert (fulfilment.tracking_company, fulfilment.tracking_number) == ("colissimo", "6A12345678901")
    assert fulfilment.shipped_at == utc(2026, 3, 4, 8)
    [refund] = order.refunds
    assert (refund.amount, refund.currency) == (Decimal("15.00"), "EUR")


def test_woocommerce_delivered_status_dates_the_delivery(client, shop, process):
    payload = {**fixture("woocommerce/order_updated"), "status": "delivered"}
    post_woocommerce(client, shop.slug, "order.updated", payload)
    process()
    assert order_of("woocommerce", "727").delivered_at == utc(2026, 3, 4, 16)


def test_woocommerce_order_links_a_ticket_that_named_it(client, shop, process):
    post_generic(client, shop.slug, {**fixture("generic/complaint"), "order_number": "#727"})
    post_woocommerce(client, shop.slug, "order.created", fixture("woocommerce/order_created"))
    process()
    [ticket] = tickets(client, shop)
    assert ticket["order"]["number"] == "727" and ticket["order"]["total"] == "64.80"


def test_unknown_topics_are_processed_without_effect(client, shop, process):
    post_shopify(client, shop.slug, "products/update", {"id": 1, "title": "Planter"})
    post_woocommerce(client, shop.slug, "product.updated", {"id": 93, "name": "Lampe"})
    post_woocommerce(client, shop.slug, "order.deleted", {"id": 727})
    process()
    statuses = db.session.scalars(select(InboundDelivery.status)).all()
    assert statuses == [DeliveryStatus.DONE] * 3
    assert count(Order) == count(Ticket) == 0


def _snapshot() -> tuple[int, ...]:
    db.session.rollback()
    return tuple(count(m) for m in (Order, Fulfilment, Refund, Customer, Ticket, TicketEvent))


def test_processing_a_delivery_twice_changes_nothing(client, shop, process):
    sends = [
        ("orders/create", "orders_create"),
        ("orders/updated", "orders_updated"),
        ("fulfillments/create", "fulfillments_create"),
        ("fulfillments/update", "fulfillments_update"),
        ("refunds/create", "refunds_create"),
        ("returns/request", "returns_request"),
    ]
    for topic, name in sends:
        post_shopify(client, shop.slug, topic, fixture(f"shopify/{name}"))
        process()
    post_woocommerce(client, shop.slug, "order.updated", fixture("woocommerce/order_updated"))
    post_generic(client, shop.slug, fixture("generic/complaint"))
    process()
    before = _snapshot()
    assert before[-2] == 2  # the return and the complaint
    order_row = order_of("shopify", "5820982911001")
    facts = (order_row.number, order_row.delivered_at, order_row.total, order_row.promised_delivery_at)
    ids = db.session.scalars(select(InboundDelivery.id).where(InboundDelivery.channel != "webhook")).all()
    for delivery_id in ids:
        # As if the row had been reset to pending after processing (replay itself refuses a done delivery).
        db.session.execute(update(InboundDelivery).where(InboundDelivery.id == delivery_id).values(
            status=DeliveryStatus.PENDING))
        db.session.commit()
        process_delivery(delivery_id)
        process()
    assert _snapshot() == before
    order_row = order_of("shopify", "5820982911001")
    assert (
        order_row.number,
        order_row.delivered_at,
        order_row.total,
        order_row.promised_delivery_at,
    ) == facts
    assert set(db.session.scalars(select(InboundDelivery.status)).all()) == {DeliveryStatus.DONE}


def test_the_same_delivery_posted_twice_makes_one_ticket(client, shop, process):
    payload = fixture("generic/complaint")
    answers = [
        post_generic(client, shop.slug, payload, delivery="once").get_json()["status"] for _ in range(2)
    ]
    process()
    assert answers == ["accepted", "duplicate"]
    assert len(tickets(client, shop)) == 1 and count(InboundDelivery) == 1
    returns = fixture("shopify/returns_request")
    post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    process()
    for _ in range(2):
        post_shopify(client, shop.slug, "returns/request", returns, webhook_id="ret-1")
    process()
    assert len([t for t in tickets(client, shop) if t["channel"] == "shopify"]) == 1
