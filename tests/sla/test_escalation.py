"""Escalation rules under a driven clock: warning, breach, raised priority and a dossier, each once.

The clock is driven with time-machine, so the sweep reads the time itself as
the scheduled job does. On PostgreSQL two sweeps run at the same instant, in
two threads with their own connections, and every event still appears once.
"""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import EscalationAction, MediationCase, Priority, Status, Ticket, TicketEvent
from helpdesk.sla import policies
from helpdesk.sla.clocks import calendar_for
from helpdesk.sla.sweep import sweep
from helpdesk.tickets.services import change_status
from tests.conftest import (
    PG_URL,
    make_merchant,
    make_service,
    make_ticket,
    make_user,
    need_service,
    run_together,
)

MONDAY = datetime(2026, 6, 8, 9, 0, tzinfo=UTC)  # no holiday in Morocco that week
MINUTE = timedelta(minutes=1)


def _sweeps(app, how_many: int) -> None:
    """`how_many` sweeps started together, each in its own app context (own session and connection)."""
    run_together(app, how_many, lambda: sweep(batch=4))
    db.session.expire_all()


def _scenario(app, sweeps: int) -> None:
    service = make_service()
    merchant = make_merchant(mediation_service=service.slug, identifiers={"ice": "001234567000089"})
    make_user(merchant)  # a supervisor to notify
    policies.add_rule(merchant, EscalationAction.RAISE_PRIORITY, 0)
    policies.add_rule(merchant, EscalationAction.NOTIFY, 1)
    policies.add_rule(merchant, EscalationAction.OPEN_DOSSIER, 2)
    db.session.commit()
    with time_machine.travel(MONDAY, tick=False) as clock:
        tickets = [make_ticket(merchant, f"Commande {i} jamais livrée", order_number=f"CMD-{i}") for i in range(6)]
        first = tickets[0]
        steps = [first.first_response_warn_at, first.first_response_due_at, first.resolution_warn_at,
                 first.resolution_due_at]
        two_days_on = calendar_for(merchant).add_business_days(first.resolution_due_at, 2)
        for at in [*steps, two_days_on]:
            clock.move_to(at + MINUTE)
            _sweeps(app, sweeps)
            _sweeps(app, sweeps)  # a second round finds nothing new
    for ticket in tickets:
        db.session.refresh(ticket)
        counted = Counter(db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)))
        for kind in ("sla.first_response_warning", "sla.first_response_breached", "sla.resolution_warning",
                     "sla.resolution_breached", "priority.changed", "sla.escalation_notice", "mediation.requested"):
            assert counted[kind] == 1, (ticket.ref, kind, counted)
        assert ticket.priority is Priority.HIGH and ticket.status is Status.ESCALATED
    cases = db.session.scalars(select(MediationCase)).all()
    assert len(cases) == len(tickets) and {c.opened_by.value for c in cases} == {"rule"}
    assert {c.mediation_service_id for c in cases} == {service.id}
    assert all(c.consent_merchant.value == "accepted" and c.consent_shopper.value == "pending" for c in cases)


def test_clock_driven_through_warning_breach_and_escalation(app):
    _scenario(app, sweeps=1)


@pytest.mark.pg_only
def test_two_concurrent_sweeps_record_each_event_once(app):
    need_service(bool(PG_URL), "PostgreSQL")
    _scenario(app, sweeps=2)


def test_steps_of_a_resolved_ticket_lapse(app):
    merchant = make_merchant(mediation_service=make_service().slug)
    policies.add_rule(merchant, EscalationAction.OPEN_DOSSIER, 1)
    db.session.commit()
    ticket = make_ticket(merchant)
    sweep(now=ticket.resolution_due_at + MINUTE)  # breach: a step is scheduled
    change_status(ticket, Status.RESOLVED, "agent:1", now=ticket.resolution_due_at + 2 * MINUTE)
    db.session.commit()
    result = sweep(now=ticket.resolution_due_at + timedelta(days=10))
    assert result.escalations == []
    assert db.session.scalar(select(func.count()).select_from(MediationCase)) == 0


def test_a_merchant_without_a_mediation_service_is_told_why_nothing_happened(app):
    make_service(), make_service()  # two services: none is implied
    merchant = make_merchant()
    policies.add_rule(merchant, EscalationAction.OPEN_DOSSIER, 0)
    db.session.commit()
    ticket = make_ticket(merchant)
    sweep(now=ticket.resolution_due_at + MINUTE)
    kinds = db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)).all()
    assert "sla.escalation_failed" in kinds
    assert db.session.get(Ticket, ticket.id).status is not Status.ESCALATED


def test_an_urgent_ticket_stays_urgent_and_a_removed_rule_fires_nothing(app):
    merchant = make_merchant()
    raise_rule = policies.add_rule(merchant, EscalationAction.RAISE_PRIORITY, 0)
    notify_rule = policies.add_rule(merchant, EscalationAction.NOTIFY, 3)
    db.session.commit()
    ticket = make_ticket(merchant)
    ticket.priority = Priority.URGENT
    db.session.commit()
    result = sweep(now=ticket.resolution_due_at + MINUTE)
    assert result.escalations == [] and raise_rule.id
    policies.remove_rule(merchant, notify_rule.id)
    db.session.commit()
    assert sweep(now=ticket.resolution_due_at + timedelta(days=30)).escalations == []
