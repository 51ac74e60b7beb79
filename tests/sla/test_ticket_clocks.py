"""Clocks on real tickets: a pause across a weekend, and which legal clock a ticket's facts start."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, inspect, select, text

from helpdesk.extensions import db
from helpdesk.models import Order, Refund, Status, Ticket
from helpdesk.sla.clocks import breached_clause, calendar_for, next_check
from helpdesk.sla.clocks import view as sla_view
from helpdesk.sla.legal import legal_view
from helpdesk.tickets.customers import order_key
from helpdesk.tickets.services import change_status
from tests.conftest import make_merchant, make_ticket

PARIS_FRIDAY_4PM = datetime(2026, 6, 5, 14, 0, tzinfo=UTC)  # 16:00 in Paris (UTC+2)


def test_a_pause_across_a_weekend_moves_the_due_times_by_the_business_time_paused(app):
    merchant = make_merchant(country="FR", timezone="Europe/Paris")
    with time_machine.travel(PARIS_FRIDAY_4PM, tick=False):
        ticket = make_ticket(merchant)
    due, first_due = ticket.resolution_due_at, ticket.first_response_due_at
    friday_5pm, monday_10am = PARIS_FRIDAY_4PM + timedelta(hours=1), datetime(2026, 6, 8, 8, 0, tzinfo=UTC)
    change_status(ticket, Status.WAITING_CUSTOMER, "agent:1", now=friday_5pm)
    change_status(ticket, Status.OPEN, "shopper", now=monday_10am)
    db.session.commit()
    cal = calendar_for(merchant)
    # 17:00-18:00 on Friday and 09:00-10:00 on Monday: two business hours, the weekend counts for nothing.
    assert cal.business_time_between(due, ticket.resolution_due_at) == timedelta(hours=2)
    assert cal.business_time_between(first_due, ticket.first_response_due_at) == timedelta(hours=2)
    assert ticket.sla_paused_since is None and next_check(ticket) == ticket.first_response_warn_at


def _ticket_with_order(merchant, category, **order):
    number = f"O-{category}"
    db.session.add(Order(merchant_id=merchant.id, number=number, number_key=order_key(number), **order))
    db.session.commit()
    return make_ticket(merchant, "Un problème avec ma commande", order_number=number, forced_category=category)


NOW = datetime.now(UTC)


@pytest.mark.parametrize(("country", "category", "order", "expected"), [
    ("FR", "late_delivery", {"placed_at": NOW - timedelta(days=3)}, {"FR-DELIVERY-30D": "running"}),
    ("FR", "late_delivery", {"placed_at": NOW - timedelta(days=40), "promised_delivery_at": NOW - timedelta(days=2)},
     {"FR-DELIVERY-PROMISED": "passed"}),
    ("FR", "non_conformity", {"delivered_at": NOW - timedelta(days=20)}, {"FR-CONFORMITY-30D": "running"}),
    ("FR", "return", {"delivered_at": NOW - timedelta(days=2)},
     {"FR-WITHDRAWAL-14D": "stopped", "FR-REFUND-WITHDRAWAL-14D": "running"}),
    ("MA", "return", {"delivered_at": NOW - timedelta(days=9)}, {"MA-WITHDRAWAL-7D": "stopped"}),
    ("MA", "late_delivery", {"placed_at": NOW - timedelta(days=60)}, {}),
])
def test_a_ticket_starts_the_legal_clocks_its_facts_call_for(app, country, category, order, expected):
    merchant = make_merchant(country=country, timezone="Europe/Paris" if country == "FR" else "Africa/Casablanca")
    ticket = _ticket_with_order(merchant, category, **order)
    clocks = {c["code"]: c["status"] for c in legal_view(ticket, datetime.now(UTC))}
    assert clocks == expected


def test_a_refund_stops_the_refund_clock_and_a_late_withdrawal_is_shown_as_late(app):
    merchant = make_merchant(country="MA")
    ticket = _ticket_with_order(merchant, "return", delivered_at=NOW - timedelta(days=9))
    (clock,) = legal_view(ticket, datetime.now(UTC))
    assert clock["met"] is False  # the withdrawal came after the 7 days

    fr = make_merchant(country="FR", timezone="Europe/Paris")
    fr_ticket = _ticket_with_order(fr, "return", delivered_at=NOW - timedelta(days=2))
    db.session.add(Refund(merchant_id=fr.id, order_id=fr_ticket.order_id, external_id="r1", created_at=NOW))
    db.session.commit()
    refund = {c["code"]: c for c in legal_view(fr_ticket, NOW + timedelta(minutes=1))}["FR-REFUND-WITHDRAWAL-14D"]
    assert refund["status"] == "stopped" and refund["met"] is True


def test_a_promise_broken_before_a_pause_stays_broken_after_it(app):
    """Waiting on the shopper does not move a due time that had already passed: the ticket stays breached."""
    merchant = make_merchant(country="FR", timezone="Europe/Paris")
    with time_machine.travel(PARIS_FRIDAY_4PM, tick=False):
        ticket = make_ticket(merchant)
    first_due, resolution_due = ticket.first_response_due_at, ticket.resolution_due_at
    late = first_due + timedelta(hours=1)  # unanswered past its first-response promise
    assert late < resolution_due
    change_status(ticket, Status.WAITING_CUSTOMER, "agent:1", now=late)
    back = late + timedelta(days=3)
    change_status(ticket, Status.OPEN, "shopper", now=back)
    db.session.commit()
    assert ticket.first_response_due_at == first_due  # broken before the pause: not moved
    assert ticket.resolution_due_at > resolution_due  # still running then: moved by the business time paused
    view = sla_view(ticket, back)
    assert view["first_response_breached"] and not view["resolution_breached"]
    listed = db.session.scalars(select(Ticket.id).where(Ticket.merchant_id == merchant.id,
                                                        breached_clause(back))).all()
    assert listed == [ticket.id]


def test_a_paused_ticket_is_breached_only_if_its_promise_passed_before_the_pause(app):
    merchant = make_merchant(country="FR", timezone="Europe/Paris")
    with time_machine.travel(PARIS_FRIDAY_4PM, tick=False):
        kept, broken = make_ticket(merchant), make_ticket(merchant)
    change_status(kept, Status.WAITING_CUSTOMER, "agent:1", now=kept.first_response_due_at - timedelta(minutes=5))
    change_status(broken, Status.WAITING_CUSTOMER, "agent:1", now=broken.first_response_due_at + timedelta(minutes=5))
    db.session.commit()
    much_later = PARIS_FRIDAY_4PM + timedelta(days=30)  # both due times have long passed, but one while paused
    assert not sla_view(kept, much_later)["first_response_breached"]
    assert sla_view(broken, much_later)["first_response_breached"]
    assert db.session.scalars(select(Ticket.id).where(Ticket.merchant_id == merchant.id,
                                                      breached_clause(much_later))).all() == [broken.id]


def test_the_breach_flags_are_in_no_index_so_the_sweep_rewrites_a_ticket_in_place(app):
    """Lists and reports read breaches off the times; a flag in an index would make every recorded breach
    a new entry in each of the ticket's indexes (no HOT update), which the sweep pays for at scale."""
    flags = {"first_response_breached", "resolution_breached"}
    if db.engine.dialect.name == "postgresql":
        indexed = set(db.session.scalars(text(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'ticket'::regclass")))
        assert "first_response_due_at" in indexed  # the times the breach is read from are
    else:
        indexed = {column for index in inspect(db.engine).get_indexes("ticket") for column in index["column_names"]}
    assert not indexed & flags


def test_a_new_ticket_is_written_once_with_its_due_times_and_its_sweep_row(app):
    """The due times go out with the ticket's INSERT: no UPDATE of the row just written (each would be a new
    version of a ticket under its ten indexes), and the sweep's row knows the first time to look."""
    merchant = make_merchant(country="FR", timezone="Europe/Paris")
    db.session.commit()
    writes: list[str] = []

    def note(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        words = statement.split()
        if words[0].upper() in ("INSERT", "UPDATE"):
            writes.append(" ".join(words[:3]).upper())

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        with time_machine.travel(PARIS_FRIDAY_4PM, tick=False):
            ticket = make_ticket(merchant)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert writes.count("INSERT INTO TICKET") == 1 and not [w for w in writes if w.startswith("UPDATE TICKET")], writes
    db.session.expire_all()
    assert ticket.first_response_due_at is not None and ticket.resolution_due_at > ticket.first_response_due_at
    assert next_check(ticket) == ticket.first_response_warn_at > PARIS_FRIDAY_4PM
