"""The timeline is hash-chained: an edit with raw SQL is found and named, a redaction is not an edit."""
from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import text

from helpdesk.extensions import db
from helpdesk.models import TicketEvent
from helpdesk.tickets.timeline import verify_chain
from tests.conftest import make_merchant, make_ticket


def test_untouched_chain_verifies(app):
    ticket = make_ticket(make_merchant())
    report = verify_chain(ticket)
    assert report.ok and report.events >= 3


def test_raw_sql_edit_is_named(app):
    merchant = make_merchant()
    good, bad = make_ticket(merchant), make_ticket(merchant, "Autre colis perdu")
    db.session.execute(text("UPDATE ticket_event SET data = :d WHERE ticket_id = :t AND seq = 2"),
                       {"d": json.dumps({"category": "other", "confidence": 1.0}), "t": bad.id})
    db.session.commit()
    db.session.expire_all()
    report = verify_chain(bad)
    assert not report.ok and report.broken_at == 2
    result = CliRunner().invoke(app.cli, ["check-chain", "--merchant", merchant.slug], catch_exceptions=False,
                                obj=None)
    assert result.exit_code == 1
    assert f"{bad.ref}: BROKEN at event 2" in result.output and f"{good.ref}: ok" in result.output


def test_deleted_event_breaks_the_chain(app):
    ticket = make_ticket(make_merchant())
    db.session.execute(text("DELETE FROM ticket_event WHERE ticket_id = :t AND seq = 1"), {"t": ticket.id})
    db.session.commit()
    assert not verify_chain(ticket).ok


def test_redaction_keeps_the_chain_valid(app):
    ticket = make_ticket(make_merchant())
    event = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).first()
    event.data, event.redacted = {"redacted": True}, True
    db.session.commit()
    assert verify_chain(ticket).ok
