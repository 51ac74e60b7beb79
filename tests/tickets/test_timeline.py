"""The timeline is hash-chained: an edit with raw SQL is found and named, a redaction is not an edit."""
from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import event, select, text

from helpdesk.extensions import db
from helpdesk.models import TicketEvent
from helpdesk.tickets.timeline import record_event, verify_chain
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


def _tail_reads(statements: list[str]) -> int:
    return sum(1 for s in statements if "FROM ticket_event" in s and "ORDER BY ticket_event.seq DESC" in s)


def test_the_events_of_one_change_read_the_timeline_tail_once(app):
    """A new ticket writes several events, with flushes between them: its timeline is known to be empty, so no
    tail is read. Later events read the tail once per transaction, then remember it."""
    merchant = make_merchant()
    statements: list[str] = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        ticket = make_ticket(merchant)
        assert _tail_reads(statements) == 0, statements
        statements.clear()
        record_event(ticket, "note", "agent:1", {"n": 1})
        db.session.flush()
        db.session.scalar(select(TicketEvent.id).limit(1))  # a query in between: its autoflush ends a flush
        record_event(ticket, "note", "agent:1", {"n": 2})
        db.session.commit()
        assert _tail_reads(statements) == 1, statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    report = verify_chain(ticket)
    assert report.ok and report.events >= 5


def test_a_rolled_back_savepoint_does_not_leave_a_gap_in_the_chain(app):
    ticket = make_ticket(make_merchant())
    before = db.session.scalar(select(db.func.max(TicketEvent.seq)).where(TicketEvent.ticket_id == ticket.id))
    record_event(ticket, "note", "agent:1", {"kept": True})
    savepoint = db.session.begin_nested()
    record_event(ticket, "note", "agent:1", {"kept": False})
    db.session.flush()
    savepoint.rollback()
    record_event(ticket, "note", "agent:1", {"kept": True})
    db.session.commit()
    seqs = db.session.scalars(select(TicketEvent.seq).where(TicketEvent.ticket_id == ticket.id)
                              .order_by(TicketEvent.seq)).all()
    assert seqs == list(range(1, before + 3))
    assert verify_chain(ticket).ok
