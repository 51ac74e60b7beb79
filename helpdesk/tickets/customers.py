"""Customers and orders as a ticket finds them: by email and by the number the shopper typed."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Customer, Order

_PREFIX = re.compile(r"^(?:n(?:o|um(?:ero|éro|ber)?)?|commande|order|cmd)(?=\d)", re.IGNORECASE)


def order_key(number: str | None) -> str:
    """`#1043`, `1043`, `n° 1043`, `No. 1043` and `commande 1043` all give `1043`."""
    if not number:
        return ""
    compact = re.sub(r"[\W_]+", "", number.strip().lower())
    return _PREFIX.sub("", compact)[:64]


def _insert_ignoring(model: type, values: dict, index_elements: list[str]):  # type: ignore[no-untyped-def]
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(model).values(**values).on_conflict_do_nothing(index_elements=index_elements)


def upsert_ignore(model: type, values: dict, index_elements: list[str]):  # type: ignore[no-untyped-def]
    """INSERT … ON CONFLICT DO NOTHING, on PostgreSQL and SQLite alike (concurrent deliveries race here).

    It returns the new row's primary key, so `.first() is None` means "already there"
    (`rowcount` is -1 for an ORM insert on psycopg 3, so it cannot tell).
    """
    stmt = _insert_ignoring(model, values, index_elements).returning(*model.__mapper__.primary_key)  # type: ignore[attr-defined]
    return db.session.execute(stmt)


def find_or_create_customer(merchant_id: int, email: str, name: str = "", language: str | None = None) -> Customer:
    """The merchant's customer with this email, created if new (one statement for a new shopper)."""
    email = email.strip().lower()
    customer = db.session.scalars(_insert_ignoring(
        Customer, {"merchant_id": merchant_id, "email": email, "name": name or "", "language": language},
        ["merchant_id", "email"]).returning(Customer)).first()
    if customer is not None:
        return customer
    customer = db.session.scalar(select(Customer).where(Customer.merchant_id == merchant_id,
                                                        Customer.email == email))
    assert customer is not None
    if name and not customer.name:
        customer.name = name
    if language and not customer.language:
        customer.language = language
    return customer


def find_order(merchant_id: int, number: str | None = None, *, external_id: str | None = None) -> Order | None:
    """The synced order this shopper means, newest first when a number was reused."""
    stmt = select(Order).where(Order.merchant_id == merchant_id)
    if external_id:
        stmt = stmt.where(Order.external_id == str(external_id))
    else:
        key = order_key(number)
        if not key:
            return None
        stmt = stmt.where(Order.number_key == key)
    return db.session.scalars(stmt.order_by(Order.id.desc()).limit(1)).first()
