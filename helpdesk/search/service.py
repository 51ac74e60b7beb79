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

import functools
import re

from sqlalchemy import (
    ColumnElement,
    Insert,
    Integer,
    Select,
    Text,
    any_,
    bindparam,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..auth.scoping import REF_SHAPE
from ..extensions import db
from ..models import Customer, Message, SearchEntry, Ticket
from ..tickets.customers import order_key

CONFIGS = ("simple", "french", "english", "arabic")
MAX_QUERY = 200
FEW = 10_000  # up to this many matches, a branch of the search is pinned to its ticket ids
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


@functools.cache
def _upsert_statement(postgres: bool) -> Insert:
    """Built once per dialect: the statement (five text-search calls, the conflict clause) costs more to build than
    to run; the values are bound parameters."""
    content = bindparam("content", type_=Text())
    values = {"merchant_id": bindparam("merchant_id"), "ticket_id": bindparam("ticket_id"), "key": bindparam("key"),
              "content": content, "document": _document(content) if postgres else None}
    stmt = (pg_insert if postgres else sqlite_insert)(SearchEntry).values(**values)
    return stmt.on_conflict_do_update(index_elements=["key"], set_={
        "content": stmt.excluded.content, "document": stmt.excluded.document})


def _upsert(merchant_id: int, ticket_id: int, key: str, content: str) -> None:
    db.session.execute(_upsert_statement(_postgres()),
                       {"merchant_id": merchant_id, "ticket_id": ticket_id, "key": key, "content": content})


def index_ticket(ticket: Ticket, customer: Customer | None = None) -> None:
    """The ticket's own facts: reference, subject, order number, the shopper's email and name."""
    customer = customer or ticket.customer
    facts = [ticket.ref, ticket.subject, ticket.order_number or "",
             customer.email if customer else "", customer.name if customer else ""]
    _upsert(ticket.merchant_id, ticket.id, f"t:{ticket.id}", " ".join(f for f in facts if f))


def index_message(message: Message) -> None:
    """What the message says (without quoted history: that text is already in the message it quotes)."""
    _upsert(message.merchant_id, message.ticket_id, f"m:{message.id}", message.new_text or message.body or "")


def matching_tickets(q: str, merchant_id: int, *, pinned: bool = True) -> ColumnElement[bool]:
    """A condition on `Ticket` for the search words `q` among the merchant's tickets (the caller scopes too).

    On PostgreSQL, `pinned` asks each index for its matches first (see `_pinned`); unpinned, the words are an
    EXISTS probed ticket by ticket, for a caller that already narrowed the tickets to a few thousand.
    """
    q = " ".join(q.split())[:MAX_QUERY]
    if not q:
        return true()
    branches = _identifier_branches(q, merchant_id)
    if _postgres():
        said = SearchEntry.document.op("@@")(_tsquery(q))
        if not pinned:
            return or_(exists().where(SearchEntry.ticket_id == Ticket.id, said), *(Ticket.id.in_(b) for b in branches))
        return _pinned(branches, said, merchant_id)
    fts = _fts5_query(q)
    if fts:
        rows = select(literal_column("rowid")).select_from(text("search_fts")).where(
            text("search_fts MATCH :fts").bindparams(fts=fts))
        branches.append(select(SearchEntry.ticket_id).where(SearchEntry.id.in_(rows)))
    return or_(*(Ticket.id.in_(b) for b in branches)) if branches else false()


def _pinned(branches: list[Select[tuple[int]]], said: ColumnElement[bool], merchant_id: int) -> ColumnElement[bool]:
    """The matches as a list of ticket ids when there are few, whatever the planner would guess.

    Left to itself the planner walks the newest tickets probing each one's
    search rows (fast for a common word, 11 s for a word nobody wrote at a
    million tickets) or reads every match from the GIN index (slow for a common
    word); it cannot tell which from a query it only sees at run time. So each
    branch is asked its index first, at most FEW rows: few matches become
    `id = ANY(ids)` (primary-key lookups); a common word stays a semi-join,
    whose matches are dense enough that the walk down the newest tickets
    finds a page of them quickly.
    """
    words = select(SearchEntry.ticket_id).where(SearchEntry.merchant_id == merchant_id, said)
    ids: set[int] = set()
    broad: list[ColumnElement[bool]] = []
    for branch in [*branches, words]:
        found = db.session.scalars(branch.limit(FEW + 1)).all()
        if len(found) <= FEW:
            ids.update(found)
        elif branch is words:
            broad.append(exists().where(SearchEntry.ticket_id == Ticket.id, said))
        else:
            broad.append(Ticket.id.in_(branch))
    if ids:
        broad.append(Ticket.id == any_(bindparam(None, sorted(ids), type_=ARRAY(Integer))))
    return or_(*broad) if broad else false()


def searches_words_only(q: str) -> bool:
    """True on PostgreSQL for a query that names no reference, order number or email (those have few matches)."""
    q = " ".join(q.split())[:MAX_QUERY]
    return bool(q) and _postgres() and not _identifier_branches(q, 0)


def _identifier_branches(q: str, merchant_id: int) -> list[Select[tuple[int]]]:
    """The ids of the tickets whose reference, order number (or a fragment) or shopper's email (or a fragment) is q."""
    mine = Ticket.merchant_id == merchant_id
    branches: list[Select[tuple[int]]] = []
    if REF_SHAPE.fullmatch(q.upper()):
        branches.append(select(Ticket.id).where(mine, Ticket.ref == q.upper()))  # stored upper-case: unique index
    key = order_key(q)
    if key and any(ch.isdigit() for ch in key):
        branches.append(select(Ticket.id).where(mine, order_number_contains(key)))
    if "@" in q or ("." in q and " " not in q):
        shoppers = select(Customer.id).where(Customer.merchant_id == merchant_id,
                                             func.lower(Customer.email).contains(q.lower(), autoescape=True))
        branches.append(select(Ticket.id).where(mine, Ticket.customer_id.in_(shoppers)))
    return branches


def order_number_contains(fragment: str) -> ColumnElement[bool]:
    """Order numbers by fragment ("00234" finds "#100234"); the trigram index on lower(order_number) serves it."""
    return func.lower(Ticket.order_number).contains(fragment.lower(), autoescape=True)


def _tsquery(q: str):  # type: ignore[no-untyped-def]
    query = None
    for config in CONFIGS:
        part = func.websearch_to_tsquery(_config(config), func.unaccent(q) if config == "simple" else q)
        query = part if query is None else query.op("||")(part)
    return query


def _fts5_query(q: str) -> str:
    """Every word must appear (the last one as a prefix, for search as you type); FTS5 syntax never leaks in."""
    words = _WORD.findall(q)[:20]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)
