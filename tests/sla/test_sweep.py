"""The sweep records a breach once, even when run again or by two workers at once."""
from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import TicketEvent, utcnow
from helpdesk.sla.sweep import sweep
from tests.conftest import make_merchant, make_ticket


def test_breach_recorded_once(app):
    ticket = make_ticket(make_merchant())
    later = ticket.resolution_due_at + timedelta(minutes=1)
    first = sweep(now=later)
    assert {(ticket.ref, "first_response"), (ticket.ref, "resolution")} <= set(first.breaches)
    assert sweep(now=later + timedelta(hours=1)).breaches == []
    kinds = db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)).all()
    assert kinds.count("sla.resolution_breached") == 1 and kinds.count("sla.first_response_breached") == 1


def test_nothing_before_due_and_command_reports(app):
    ticket = make_ticket(make_merchant())
    assert sweep(now=utcnow()).breaches == []
    ticket.first_response_due_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    out = CliRunner().invoke(app.cli, ["sla-sweep", "--json"], catch_exceptions=False).stdout
    assert json.loads(out)["breaches"] == [{"ref": ticket.ref, "clock": "first_response"}]
