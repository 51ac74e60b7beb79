"""Ticket lists with filters and keyset cursors that stay fast at millions of rows (no large OFFSET)."""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import selectinload

from ..auth.scoping import scoped, staff_merchant_id
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Customer, Ticket, TicketTag, User, utcnow
from ..search import matching_tickets, order_number_contains, searches_words_only
from ..sla import clocks
from .customers import order_key
from .services import OPEN_STATUSES

SEARCH_WINDOW = 5000  # newest tickets a word search probes one by one before it asks the index


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    next: str | None


def encode_cursor(ticket: Ticket) -> str:
    raw = f"{ticket.created_at.isoformat()}|{ticket.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, ident = raw.partition("|")
        return datetime.fromisoformat(at), int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def filtered(filters: dict[str, Any], *, pinned: bool = True) -> Select[tuple[Ticket]]:
    """The merchant's tickets that pass the filters (`pinned`: see `search.matching_tickets`)."""
    stmt = scoped(Ticket)
    if filters.get("status"):
        stmt = stmt.where(Ticket.status == filters["status"])
    if filters.get("category"):
        stmt = stmt.where(Ticket.category == filters["category"])
    if filters.get("priority"):
        stmt = stmt.where(Ticket.priority == filters["priority"])
    if filters.get("channel"):
        stmt = stmt.where(Ticket.channel == filters["channel"])
    if filters.get("assignee"):
        who = filters["assignee"]
        if who in ("none", "unassigned"):
            stmt = stmt.where(Ticket.assignee_id.is_(None))
        else:
            stmt = stmt.where(Ticket.assignee_id.in_(select(User.id).where(func.lower(User.email) == who.lower())))
    if filters.get("tag"):
        stmt = stmt.where(exists().where(TicketTag.ticket_id == Ticket.id, TicketTag.name == filters["tag"]))
    if "breached" in filters and filters["breached"] is not None:
        stmt = stmt.where(clocks.breached_clause(utcnow()) if filters["breached"]
                           else ~clocks.breached_clause(utcnow()))
    if filters.get("open"):
        stmt = stmt.where(Ticket.status.in_(OPEN_STATUSES))
    if filters.get("due_before"):
        # A promise still to keep falls between now and then (one already broken is "breached", not "due").
        due, since = filters["due_before"], filters.get("due_after") or utcnow()
        stmt = stmt.where(Ticket.sla_paused_since.is_(None), or_(
            and_(Ticket.first_response_at.is_(None), Ticket.first_response_due_at.between(since, due)),
            and_(Ticket.resolved_at.is_(None), Ticket.resolution_due_at.between(since, due))))
    if filters.get("order"):
        stmt = stmt.where(order_number_contains(order_key(filters["order"]) or filters["order"]))
    if filters.get("email"):
        stmt = stmt.where(Ticket.customer_id.in_(select(Customer.id).where(
            func.lower(Customer.email) == filters["email"].strip().lower())))
    if filters.get("q"):
        stmt = stmt.where(matching_tickets(filters["q"], staff_merchant_id(), pinned=pinned))
    return stmt


def list_tickets(filters: dict[str, Any], *, limit: int = 50, cursor: str | None = None) -> Page:
    position = None
    if cursor:
        position = decode_cursor(cursor)
        if position is None:
            raise ValidationFailed("bad cursor", fields={"cursor": ["Not a cursor this API gave out."]})
    if filters.get("q") and searches_words_only(filters["q"]):
        # Words: first among the newest tickets only, each probed in its own search rows. A page found there is
        # the exact page (nothing newer was left out); fewer matches mean rare words, which the index finds.
        newest = scoped(Ticket).with_only_columns(Ticket.id)
        if position:
            newest = newest.where(tuple_(Ticket.created_at, Ticket.id) < position)
        newest = newest.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(SEARCH_WINDOW)
        rows = _page_rows(filtered(filters, pinned=False).where(Ticket.id.in_(newest)), position, limit)
        if len(rows) > limit:
            return _page(rows, limit)
    return _page(_page_rows(filtered(filters), position, limit), limit)


def _page_rows(stmt: Select[tuple[Ticket]], position: tuple[datetime, int] | None, limit: int) -> list[Ticket]:
    if position:
        stmt = stmt.where(tuple_(Ticket.created_at, Ticket.id) < position)
    stmt = stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit + 1).options(
        selectinload(Ticket.customer), selectinload(Ticket.order), selectinload(Ticket.assignee),
        selectinload(Ticket.tag_rows))
    return list(db.session.scalars(stmt).all())


def _page(rows: list[Ticket], limit: int) -> Page:
    items = rows[:limit]
    return Page(items, encode_cursor(items[-1]) if len(rows) > limit and items else None)


def count_tickets(filters: dict[str, Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(filtered(filters).subquery())) or 0
