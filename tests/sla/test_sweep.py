"""The sweep records each warning and breach once, tells the right people, and follows the merchant's policy."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from helpdesk.extensions import db
from helpdesk.models import Category, Priority, Status, TicketEvent, utcnow
from helpdesk.sla import clocks, policies
from helpdesk.sla.sweep import sweep
from helpdesk.tickets.services import add_staff_message, assign, change_status
from helpdesk.tickets.timeline import verify_chain
from tests.conftest import PG_URL, make_merchant, make_ticket, make_user, need_service

SECOND = timedelta(seconds=1)


def kinds(ticket):
    return db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)
                              .order_by(TicketEvent.seq)).all()


def sla_events(ticket):
    return [k for k in kinds(ticket) if k.startswith("sla.")]


def test_warning_then_breach_each_recorded_once(app):
    ticket = make_ticket(make_merchant())
    assert ticket.first_response_warn_at < ticket.first_response_due_at < ticket.resolution_due_at
    assert sweep(now=ticket.first_response_warn_at - SECOND).warnings == []
    at_warning = sweep(now=ticket.first_response_warn_at + SECOND)
    assert at_warning.warnings == [(ticket.ref, "first_response")] and at_warning.breaches == []
    assert sweep(now=ticket.first_response_warn_at + 2 * SECOND).warnings == []
    at_due = sweep(now=ticket.first_response_due_at + SECOND)
    assert at_due.breaches == [(ticket.ref, "first_response")]
    assert sweep(now=ticket.resolution_warn_at + SECOND).warnings == [(ticket.ref, "resolution")]
    late = ticket.resolution_due_at + timedelta(minutes=1)
    assert sweep(now=late).breaches == [(ticket.ref, "resolution")]
    sweep(now=late + timedelta(hours=1))
    assert sla_events(ticket) == ["sla.first_response_warning", "sla.first_response_breached",
                                  "sla.resolution_warning", "sla.resolution_breached"]
    assert verify_chain(ticket).ok  # the batched appends keep the hash chain


def test_a_late_sweep_records_the_breach_without_a_stale_warning(app):
    ticket = make_ticket(make_merchant())
    result = sweep(now=ticket.first_response_due_at + timedelta(minutes=5))
    assert result.breaches == [(ticket.ref, "first_response")] and result.warnings == []
    db.session.refresh(ticket)
    assert clocks.next_check(ticket) == ticket.resolution_warn_at


def test_a_reply_stops_the_first_response_clock(app):
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    add_staff_message(ticket, make_user(merchant, "agent"), "Nous regardons.", internal=False)
    db.session.commit()
    result = sweep(now=ticket.first_response_due_at + SECOND)
    assert result.breaches == [] and result.warnings == []
    assert clocks.next_check(ticket) == ticket.resolution_warn_at


def test_waiting_on_the_shopper_pauses_and_moves_the_due_times(app):
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    created = ticket.created_at
    due, warn = ticket.resolution_due_at, ticket.resolution_warn_at
    change_status(ticket, Status.WAITING_CUSTOMER, "agent:1", now=created)
    db.session.commit()
    assert clocks.next_check(ticket) is None
    assert sweep(now=due + timedelta(days=30)).breaches == []
    back = created + timedelta(days=7)  # a whole week of business time was paused
    change_status(ticket, Status.OPEN, "shopper", now=back)
    db.session.commit()
    assert ticket.resolution_due_at - due >= timedelta(days=7) and ticket.resolution_warn_at > warn
    assert clocks.next_check(ticket) == ticket.first_response_warn_at


def test_a_resolved_ticket_is_not_swept_and_reopening_resumes(app):
    ticket = make_ticket(make_merchant())
    due = ticket.resolution_due_at
    change_status(ticket, Status.RESOLVED, "agent:1", now=ticket.created_at)
    db.session.commit()
    assert clocks.next_check(ticket) is None
    assert sweep(now=ticket.resolution_due_at + timedelta(days=1)).breaches == []
    change_status(ticket, Status.OPEN, "shopper", now=ticket.created_at + timedelta(days=3))
    db.session.commit()
    assert clocks.next_check(ticket) is not None and ticket.resolved_at is None
    assert ticket.resolution_due_at > due  # the days it spent resolved do not count against the merchant


def test_the_assignee_is_told_else_the_supervisors(app):
    merchant = make_merchant()
    boss, other_boss = make_user(merchant), make_user(merchant)
    make_user(merchant, "agent")
    unassigned, assigned = make_ticket(merchant), make_ticket(merchant, "Colis abîmé")
    agent = make_user(merchant, "agent")
    assign(assigned, agent, "supervisor:1")
    db.session.commit()
    sweep(now=assigned.first_response_warn_at + timedelta(minutes=1))
    told = {e.ticket_id: e.data["notify"] for e in db.session.scalars(
        select(TicketEvent).where(TicketEvent.kind == "sla.first_response_warning"))}
    assert told == {unassigned.id: [boss.id, other_boss.id], assigned.id: [agent.id]}


def test_due_times_follow_the_merchant_policy(app):
    merchant = make_merchant(country="FR", timezone="Europe/Paris")
    policies.set_policy(merchant, Category.LATE_DELIVERY, Priority.NORMAL, first_response_minutes=30,
                        resolution_minutes=120, warning_percent=50)
    db.session.commit()
    ticket = make_ticket(merchant, "Ma commande n'est pas arrivée", category_hint="late_delivery")
    assert ticket.category is Category.LATE_DELIVERY
    calendar_gap = ticket.resolution_due_at - ticket.first_response_due_at
    assert calendar_gap >= timedelta(minutes=90)  # 90 business minutes apart, maybe across a closing time
    from helpdesk.sla.clocks import calendar_for
    cal = calendar_for(merchant)
    opened = ticket.created_at
    assert cal.business_time_between(opened, ticket.first_response_due_at) == timedelta(minutes=30)
    assert cal.business_time_between(opened, ticket.resolution_warn_at) == timedelta(minutes=60)
    other = make_ticket(merchant, "Je veux retourner l'article", category_hint="return")
    assert cal.business_time_between(other.created_at, other.first_response_due_at) == timedelta(hours=8)


def test_the_command_reports_what_it_recorded(app):
    ticket = make_ticket(make_merchant())
    assert sweep(now=utcnow()).breaches == []
    ticket.first_response_due_at = ticket.first_response_warn_at = utcnow() - timedelta(minutes=5)
    clocks.sla_row(ticket).next_check_at = ticket.first_response_due_at
    db.session.commit()
    out = CliRunner().invoke(app.cli, ["sla-sweep", "--json"], catch_exceptions=False).stdout
    report = json.loads(out)
    assert report["breaches"] == [{"ref": ticket.ref, "clock": "first_response"}]
    assert report["warnings"] == [] and report["escalations"] == []


def test_batches_cover_every_due_ticket(app):
    merchant = make_merchant()
    tickets = [make_ticket(merchant, f"Commande {i} jamais reçue") for i in range(7)]
    result = sweep(now=max(t.first_response_due_at for t in tickets) + SECOND, batch=3)
    assert sorted(result.breaches) == sorted((t.ref, "first_response") for t in tickets)


@pytest.mark.pg_only
def test_the_sweep_query_can_use_the_due_index(app):
    """The batch is found through ix_ticket_sla_next_check (the bench shows it chosen at 1,000,000 tickets)."""
    need_service(bool(PG_URL), "PostgreSQL")
    from helpdesk.sla.sweep import claim_params, claim_statement

    make_ticket(make_merchant())
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = db.session.connection().exec_driver_sql("EXPLAIN " + claim_statement(),
                                                   claim_params(utcnow(), 1000)).scalars().all()
    assert "ix_ticket_sla_next_check" in "\n".join(plan), plan
