"""One search for the staff pages and the API's `q`.

PostgreSQL: a `tsvector` per ticket fact row and per message, holding the words
as the French, English and Arabic dictionaries stem them plus their plain
forms (so "livraisons" finds "livraison", "returned" finds "return", and a
Darija word in Latin letters still finds itself), queried with
`websearch_to_tsquery` (quotes, `or`, `-word` as people type them); order
numbers and emails by fragment through trigram indexes. SQLite (embedded
mode): an FTS5 table over the same rows, accents folded, English words stemmed.

The services that write tickets and messages call `index_ticket` and
`index_message` in their own transaction, so a ticket is findable the moment
it exists.
"""
from __future__ import annotations

import re

from sqlalchemy import ColumnElement, exists, func, literal_column, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Customer, Message, SearchEntry, Ticket
from ..tickets.customers import order_key

CONFIGS = ("simple", "french", "english", "arabic")
MAX_QUERY = 200
_WORD = re.compile(r"\w+", re.UNICODE)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _config(name: str):  # type: ignore[no-untyped-def]
    return literal_column(f"'{name}'::regconfig")


def _document(content: str):  # type: ignore[no-untyped-def]
    # The plain forms are also kept without accents, so "recu" finds "reçu" and "regle" finds "réglé".
    parts = [func.to_tsvector(_config(c), func.unaccent(content) if c == "simple" else content) for c in CONFIGS]
    doc = parts[0]
    for part in parts[1:]:
        doc = doc.op("||")(part)
    return doc


def _upsert(merchant_id: int, ticket_id: int, key: str, content: str) -> None:
    postgres = _postgres()
    values = {"merchant_id": merchant_id, "ticket_id": ticket_id, "key": key, "content": content,
              "document": _document(content) if postgres else None}
    insert = pg_insert if postgres else sqlite_insert
    stmt = insert(SearchEntry).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={
        "content": stmt.excluded.content, "document": stmt.excluded.document})
    db.session.execute(stmt)


def index_ticket(ticket: Ticket, customer: Customer | None = None) -> None:
    """The ticket's own facts: reference, subject, order number, the shopper's email and name."""
    customer = customer or ticket.customer
    facts = [ticket.ref, ticket.subject, ticket.order_number or "",
             customer.email if customer else "", customer.name if customer else ""]
    _upsert(ticket.merchant_id, ticket.id, f"t:{ticket.id}", " ".join(f for f in facts if f))


def index_message(message: Message) -> None:
    """What the message says (without quoted history: that text is already in the message it quotes)."""
    _upsert(message.merchant_id, message.ticket_id, f"m:{message.id}", message.new_text or message.body or "")


def matching_tickets(q: str) -> ColumnElement[bool]:
    """A condition on `Ticket` for the search words `q` (the caller scopes to the merchant)."""
    q = " ".join(q.split())[:MAX_QUERY]
    if not q:
        return literal_column("1") == literal_column("1")
    lowered = q.lower()
    conditions: list[ColumnElement[bool]] = [func.lower(Ticket.ref) == lowered]
    key = order_key(q)
    if key and any(ch.isdigit() for ch in key):
        conditions.append(order_number_contains(key))
    if "@" in q or "." in q:
        conditions.append(Ticket.customer_id.in_(
            select(Customer.id).where(func.lower(Customer.email).contains(lowered, autoescape=True))))
    words = _words_condition(q)
    if words is not None:
        conditions.append(words)
    return or_(*conditions)


def order_number_contains(fragment: str) -> ColumnElement[bool]:
    """Order numbers by fragment ("00234" finds "#100234"); the trigram index on lower(order_number) serves it."""
    return func.lower(Ticket.order_number).contains(fragment.lower(), autoescape=True)


def _words_condition(q: str) -> ColumnElement[bool] | None:
    if _postgres():
        query = None
        for config in CONFIGS:
            part = func.websearch_to_tsquery(_config(config), func.unaccent(q) if config == "simple" else q)
            query = part if query is None else query.op("||")(part)
        return exists().where(SearchEntry.ticket_id == Ticket.id, SearchEntry.document.op("@@")(query))
    fts = _fts5_query(q)
    if not fts:
        return None
    hits = select(SearchEntry.ticket_id).where(SearchEntry.id.in_(
        select(literal_column("rowid")).select_from(text("search_fts")).where(
            text("search_fts MATCH :fts").bindparams(fts=fts))))
    return Ticket.id.in_(hits)


def _fts5_query(q: str) -> str:
    """Every word must appear (the last one as a prefix, for search as you type); FTS5 syntax never leaks in."""
    words = _WORD.findall(q)[:20]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)
