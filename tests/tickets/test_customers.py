"""Customers as a ticket finds them: by email within the merchant, created once, one statement for a new one;
and a shopper's open tickets, found through their own index."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from helpdesk.extensions import db
from helpdesk.models import Customer
from helpdesk.tickets.customers import find_or_create_customer
from helpdesk.tickets.services import open_tickets_with_an_order
from tests.conftest import PG_URL, make_merchant, make_ticket, need_service, run_together


def _statements(work):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def note(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        return work(), [s for s in seen if s in ("SELECT", "INSERT", "UPDATE")]
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_a_new_shopper_is_one_insert_and_a_known_one_is_found_by_email_whatever_its_case(app):
    merchant, other = make_merchant("atlas"), make_merchant("sahara")
    db.session.commit()
    merchant_id, other_id = merchant.id, other.id
    salma, statements = _statements(lambda: find_or_create_customer(merchant_id, " Salma@Example.com ", "", "fr"))
    assert statements == ["INSERT"] and salma.email == "salma@example.com" and salma.language == "fr"
    db.session.commit()
    again, _ = _statements(lambda: find_or_create_customer(merchant_id, "SALMA@example.com", "Salma B."))
    assert again.id == salma.id and again.name == "Salma B."  # a name learnt later fills the empty one
    elsewhere = find_or_create_customer(other_id, "salma@example.com")
    assert elsewhere.id != salma.id  # customers belong to one merchant
    db.session.commit()
    kept = find_or_create_customer(merchant_id, "salma@example.com", "Someone Else", "en")
    assert (kept.name, kept.language) == ("Salma B.", "fr")  # what the merchant already has is not overwritten


def test_the_same_new_shopper_from_several_deliveries_at_once_is_one_customer(make_app):
    app = make_app()
    with app.app_context():
        merchant_id = make_merchant("atlas").id
        db.session.commit()
    ids: list[int] = []

    def create() -> None:
        customer = find_or_create_customer(merchant_id, "amal@example.com", "Amal")
        db.session.commit()
        ids.append(customer.id)

    run_together(app, 4, create)
    with app.app_context():
        assert len(ids) == 4 and len(set(ids)) == 1
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 1


@pytest.mark.pg_only
def test_the_open_ticket_of_a_shopper_is_looked_up_through_the_customer_index(app):
    """A new complaint looks for the shopper's open ticket about the same order. Right after a burst of new
    tickets (statistics not yet updated) the planner must still go through the shopper's own tickets, not filter
    every open ticket of the merchant (that grew with the backlog: 2 ms a delivery at 6,000 open tickets)."""
    need_service(bool(PG_URL), "PostgreSQL")
    merchant = make_merchant()
    for i in range(200):
        make_ticket(merchant, f"Commande {i} jamais reçue", order_number=f"#{1000 + i}")
    ticket = make_ticket(merchant, "Commande 2000 jamais reçue", order_number="#2000")
    statement = open_tickets_with_an_order(merchant.id, ticket.customer_id)
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    plan = "\n".join(db.session.connection().exec_driver_sql("EXPLAIN " + sql).scalars().all())
    assert "ix_ticket_customer" in plan and "ix_ticket_open" not in plan, plan
