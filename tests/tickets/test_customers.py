"""Customers as a ticket finds them: by email within the merchant, created once, one statement for a new one."""
from __future__ import annotations

from sqlalchemy import event, func, select

from helpdesk.extensions import db
from helpdesk.models import Customer
from helpdesk.tickets.customers import find_or_create_customer
from tests.conftest import make_merchant, run_together


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
