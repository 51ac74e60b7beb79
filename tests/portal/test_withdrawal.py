"""The withdrawal function end to end (SPEC 4.3, Directive 2023/2673): order, confirmation, a `return`
ticket with its legal clock, and the acknowledgement with date and time, received by a real SMTP server."""
from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Category, Channel, Order, OutboundMail, Ticket, TicketEvent, Withdrawal, utcnow
from helpdesk.tickets.customers import order_key
from tests.conftest import make_merchant
from tests.integrations.email.servers import SmtpSink


@pytest.fixture
def smtp_sink(app):
    sink = SmtpSink().start()
    yield sink
    app.extensions["helpdesk_drain"]()  # the mails a test queued are sent before the server goes
    sink.stop()


@pytest.fixture
def shop(app, smtp_sink):
    """A French shop that sends mail through its own mailbox (`add-mailbox --smtp-url`) to the sink."""
    from integrations.email.mailboxes import add_mailbox

    merchant = make_merchant(country="FR", timezone="Europe/Paris", language="fr",
                             allowed_origins=["https://boutique.example.fr"])
    add_mailbox(merchant, host="imap.boutique.test", port=993, user="service@boutique.test", password="secret-pass",
                smtp_url=smtp_sink.url, address="service@boutique.test")
    placed = utcnow() - timedelta(days=6)
    db.session.add(Order(merchant_id=merchant.id, number="#1081", number_key=order_key("#1081"), platform="manual",
                         email="claire@example.fr", placed_at=placed, delivered_at=placed + timedelta(days=2),
                         total=Decimal("89.00"), currency="EUR"))
    db.session.commit()
    return merchant


def withdraw(client, merchant, **fields):
    data = {"email": "claire@example.fr", "name": "Claire Martin", "order_number": "#1081", "confirm": "true",
            **fields}
    return client.post(f"/widget/{merchant.widget_key}/withdrawals", data=data,
                       headers={"Accept-Language": "fr-FR,fr;q=0.9", "Origin": "https://boutique.example.fr"})


def _sent(sink, drain, subject, patience=15.0):
    """The mails received with that subject, once the queued ones had their chance (retries included)."""
    deadline = time.monotonic() + patience
    while True:
        drain()
        db.session.rollback()
        found = [m for m in sink.messages if subject in m["Subject"]]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_withdrawal_opens_a_return_ticket_and_mails_the_acknowledgement_with_date_and_time(
        client, shop, smtp_sink, drain):
    before = utcnow()
    r = withdraw(client, shop, message="Lampe intacte, dans son emballage.")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert r.headers["Access-Control-Allow-Origin"] == "https://boutique.example.fr"

    ticket = db.session.scalar(select(Ticket).where(Ticket.ref == body["ref"]))
    assert ticket.category is Category.RETURN and ticket.channel is Channel.WIDGET
    assert ticket.order is not None and ticket.order.number == "#1081"
    withdrawal = db.session.scalar(select(Withdrawal).where(Withdrawal.ticket_id == ticket.id))
    assert before <= withdrawal.received_at <= utcnow()
    assert "Je me rétracte du contrat portant sur la commande #1081." in withdrawal.statement

    event = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                        TicketEvent.kind == "withdrawal.received"))
    clocks = {c["rule"]: c for c in event.data["legal_clocks"]}
    assert "FR-REFUND-WITHDRAWAL-14D" in clocks, "the refund clock runs from the withdrawal"
    assert clocks["FR-WITHDRAWAL-14D"]["status"] == "stopped", "the withdrawal came within the 14-day period"

    mails = _sent(smtp_sink, drain, "Accusé de réception de votre rétractation")
    assert len(mails) == 1, db.session.execute(select(OutboundMail.status, OutboundMail.attempts,
                                                      OutboundMail.error)).all()
    mail = mails[0]
    assert mail["To"] == "claire@example.fr" and body["ref"] in mail["Subject"]
    text = mail.get_content()
    local = withdrawal.received_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert local.strftime("%H:%M:%S") in text, "the time of receipt, in the shop's time zone"
    assert str(local.year) in text and str(local.day) in text
    assert withdrawal.received_at.strftime("%Y-%m-%d %H:%M:%S UTC") in text
    assert "#1081" in text and "Lampe intacte" in text and "/portal/" in text
    row = db.session.scalar(select(OutboundMail).where(OutboundMail.kind == "withdrawal_ack"))
    assert row.status.value == "sent"
    assert body["acknowledgement_sent_by_email"] is True
    db.session.refresh(withdrawal)
    assert withdrawal.acknowledged_at == row.sent_at, "acknowledged when the mail server took it, not before"
    assert db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                       TicketEvent.kind == "withdrawal.acknowledged"))


def _events(ticket_ref):
    ticket = db.session.scalar(select(Ticket).where(Ticket.ref == ticket_ref))
    return [e.kind for e in db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                               .order_by(TicketEvent.seq))]


def test_a_shop_that_cannot_mail_does_not_claim_the_acknowledgement_went(client, app):
    merchant = make_merchant(country="FR", timezone="Europe/Paris", language="fr",  # no mailbox, no SMTP
                             allowed_origins=["https://boutique.example.fr"])
    r = withdraw(client, merchant)
    assert r.status_code == 201
    body = r.get_json()
    assert body["acknowledgement_sent_by_email"] is False and "conservez cette page" in body["message"]
    assert body["received_at"] and body["statement"], "the answer itself carries the date, time and statement"
    withdrawal = db.session.scalar(select(Withdrawal))
    assert withdrawal.acknowledged_at is None
    events = _events(body["ref"])
    assert "withdrawal.acknowledgement_failed" in events and "withdrawal.acknowledged" not in events


def test_an_acknowledgement_the_mail_server_keeps_refusing_is_shown_as_failed(client, shop, smtp_sink, drain):
    smtp_sink.fail_next = 100
    body = withdraw(client, shop).get_json()
    assert body["acknowledgement_sent_by_email"] is True, "queued: the server may still take it"
    drain()
    db.session.rollback()
    row = db.session.scalar(select(OutboundMail).where(OutboundMail.kind == "withdrawal_ack"))
    assert row.status.value == "failed"
    assert db.session.scalar(select(Withdrawal)).acknowledged_at is None
    assert _events(body["ref"])[-1] == "withdrawal.acknowledgement_failed"


def test_the_acknowledgement_is_sent_only_once_its_mail_is_committed(client, shop):
    """The journal runs the handler in a savepoint; were the mail's job sent as that savepoint is released, a
    worker could look for the mail before the commit, find none, and the shopper would never get it."""
    from helpdesk import jobs

    class Witness:
        def __init__(self) -> None:
            self.mails_seen: list[bool] = []

        def submit(self, call: jobs.JobCall) -> None:
            if call.name == "send_mail":
                with db.engine.connect() as other:  # what a worker would read as the job starts
                    self.mails_seen.append(other.scalar(select(OutboundMail.id).where(
                        OutboundMail.id == call.args[0])) is not None)

        def wake(self, name: str) -> None:
            pass

    previous, witness = jobs.backend(), Witness()
    jobs.install_backend(witness)
    try:
        assert withdraw(client, shop).status_code == 201
    finally:
        jobs.install_backend(previous)
    assert witness.mails_seen == [True]


def test_the_portal_shows_the_withdrawal_and_its_refund_deadline(client, shop):
    body = withdraw(client, shop).get_json()
    page = client.get(body["portal_url"].replace("http://localhost", ""), headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Je me rétracte du contrat portant sur la commande #1081." in html
    assert "L221-24" in html


def test_no_withdrawal_without_the_confirmation(client, shop):
    missing = withdraw(client, shop, confirm="")
    refused = withdraw(client, shop, confirm="false")
    assert missing.status_code == refused.status_code == 422
    assert list(missing.get_json()["errors"]) == ["confirm"] and list(refused.get_json()["errors"]) == ["confirm"]
    assert db.session.scalar(select(Withdrawal)) is None


def test_name_email_and_order_are_required(client, shop):
    r = client.post(f"/widget/{shop.widget_key}/withdrawals", data={"confirm": "true"})
    assert r.status_code == 422
    assert set(r.get_json()["errors"]) == {"email", "name", "order_number"}


def test_a_repeated_post_is_one_withdrawal(client, shop):
    first = withdraw(client, shop, idempotency_key="wd-key-0001")
    second = withdraw(client, shop, idempotency_key="wd-key-0001")
    assert first.get_json()["ref"] == second.get_json()["ref"]
    assert len(db.session.scalars(select(Withdrawal)).all()) == 1


def test_a_withdrawal_is_its_own_ticket_even_with_a_complaint_open_on_the_order(client, shop):
    complaint = client.post(f"/widget/{shop.widget_key}/complaints", json={
        "email": "claire@example.fr", "message": "La lampe clignote.", "order_number": "#1081"}).get_json()
    withdrawal = withdraw(client, shop).get_json()
    assert withdrawal["ref"] != complaint["ref"]
