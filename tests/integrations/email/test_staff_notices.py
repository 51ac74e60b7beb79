"""SLA warnings reach the assignee by email, in their language, without quoting the shopper."""
from __future__ import annotations

from datetime import timedelta

from helpdesk.extensions import db
from helpdesk.sla.sweep import sweep
from helpdesk.tickets.services import assign
from integrations.email.mailboxes import add_mailbox
from tests.conftest import make_merchant, make_ticket, make_user


def test_the_assignee_gets_a_warning_mail_in_their_language(app, drain, smtp_sink):
    merchant = make_merchant(name="Boutique Atlas")
    add_mailbox(merchant, host="127.0.0.1", port=1, user="support@shop.test", password="x", tls=False,
                smtp_url=smtp_sink.url, address="support@shop.test")
    agent = make_user(merchant, "agent", email="yasmine@example.com")
    agent.language = "en"
    ticket = make_ticket(merchant, "Mon colis n'est jamais arrivé, je suis furieuse.")
    assign(ticket, agent, "supervisor:1")
    db.session.commit()

    sweep(now=ticket.first_response_warn_at + timedelta(minutes=1))
    db.session.commit()
    drain()

    mails = [m for m in smtp_sink.messages if m["To"] == "yasmine@example.com"]
    assert len(mails) == 1
    mail = mails[0]
    assert ticket.ref in mail["Subject"] and "due soon" in mail["Subject"]
    body = mail.get_content()
    assert f"/tickets/{ticket.ref}" in body and "furieuse" not in body
    assert mail["Auto-Submitted"].startswith("auto-")
