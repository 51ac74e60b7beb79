"""A supervisor sees the deliveries that did not become tickets, reads why, and queues them again."""
from __future__ import annotations

from typing import Any

import pytest

from helpdesk.extensions import db
from helpdesk.intake.complaint import Complaint
from helpdesk.intake.journal import Rejected, accept_delivery, handles, process_delivery
from helpdesk.models import Channel, DeliveryStatus, InboundDelivery, Merchant
from helpdesk.tickets.services import open_or_thread
from tests.conftest import login, make_merchant, make_user

OUTAGE = {"down": True}


@handles("test_carrier_api")
def _needs_the_carrier(delivery: InboundDelivery) -> Any:
    # Stands for a delivery whose processing depends on something outside (a carrier API, a mailbox).
    if OUTAGE["down"]:
        raise Rejected("carrier API answered 503")
    complaint = Complaint(email="shopper@example.com", message="Où est mon colis #1042 ?", order_number="#1042")
    return open_or_thread(db.session.get(Merchant, delivery.merchant_id), complaint, Channel.WEBHOOK).ticket


@pytest.fixture
def failed(app: Any) -> Any:
    OUTAGE["down"] = True
    merchant = make_merchant()
    accepted = accept_delivery(merchant.id, "test_carrier_api", "carrier-1", b'{"order": "#1042"}', enqueue=False)
    db.session.commit()
    delivery = process_delivery(accepted.delivery_id)
    assert delivery.status is DeliveryStatus.FAILED
    return merchant, delivery.id


def test_supervisor_sees_the_failure_with_its_reason_and_the_raw_payload(app, client, failed):
    merchant, delivery_id = failed
    login(client, make_user(merchant, "supervisor"))
    listing = client.get("/deliveries").get_data(as_text=True)
    assert f"/deliveries/{delivery_id}" in listing and "carrier API answered 503" in listing
    page = client.get(f"/deliveries/{delivery_id}").get_data(as_text=True)
    assert "#1042" in page and "carrier-1" in page and f"/deliveries/{delivery_id}/replay" in page


def test_replay_from_the_page_turns_it_into_a_ticket_once(app, client, failed):
    merchant, delivery_id = failed
    login(client, make_user(merchant, "supervisor"))
    OUTAGE["down"] = False  # the cause is fixed
    r = client.post(f"/deliveries/{delivery_id}/replay")
    assert r.status_code == 302
    app.extensions["helpdesk_drain"]()
    db.session.rollback()
    delivery = db.session.get(InboundDelivery, delivery_id)
    assert delivery.status is DeliveryStatus.DONE and delivery.ticket_id is not None
    assert f"/deliveries/{delivery_id}\"" not in client.get("/deliveries").get_data(as_text=True)
    # A processed delivery cannot be replayed: it would be applied twice.
    again = client.post(f"/deliveries/{delivery_id}/replay", follow_redirects=True).get_data(as_text=True)
    assert "nothing to replay" in again
    db.session.rollback()
    assert db.session.get(InboundDelivery, delivery_id).ticket_id == delivery.ticket_id


def test_agents_and_other_merchants_cannot_see_or_replay_it(app, client, failed):
    merchant, delivery_id = failed
    login(client, make_user(merchant, "agent"))
    assert client.get("/deliveries").status_code == 404
    assert client.post(f"/deliveries/{delivery_id}/replay").status_code == 404
    login(client, make_user(make_merchant(), "supervisor"))
    assert client.get(f"/deliveries/{delivery_id}").status_code == 404
    assert client.post(f"/deliveries/{delivery_id}/replay").status_code == 404
    assert "carrier-1" not in client.get("/deliveries").get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(InboundDelivery, delivery_id).status is DeliveryStatus.FAILED
