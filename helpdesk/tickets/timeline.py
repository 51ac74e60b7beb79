"""The append-only, hash-chained event timeline of a ticket.

Each event's `content_hash` covers its content; its `chain_hash` covers the
previous chain hash and its own content hash. An edit, a deletion or a
reordering of history breaks the chain from that event on, and
`verify_chain` names it. Redaction (GDPR) replaces `data` and keeps
`content_hash`, so the chain still verifies.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Ticket, TicketEvent, utcnow

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(seq: int, kind: str, actor: str, data: dict[str, Any], created_at: datetime) -> str:
    body = _canonical({"seq": seq, "kind": kind, "actor": actor, "data": data,
                       "at": created_at.isoformat(timespec="microseconds")})
    return hashlib.sha256(body.encode()).hexdigest()


def chain_hash(previous: str, content: str) -> str:
    return hashlib.sha256(f"{previous}:{content}".encode()).hexdigest()


def record_event(ticket: Ticket, kind: str, actor: str, data: dict[str, Any] | None = None,
                 *, at: datetime | None = None) -> TicketEvent:
    """Append an event to the ticket's timeline. The caller commits.

    The ticket row is the lock that orders appends: the unique (ticket, seq)
    turns a concurrent append into an error rather than a fork of the chain.
    """
    data = data or {}
    at = at or utcnow()
    # Within one transaction the tail is remembered, so the events of one change (a new ticket writes
    # three) cost one read, not one each; it is forgotten when the transaction ends.
    tails: dict[int, tuple[int, str]] = db.session.info.setdefault(_TAILS, {})
    tail = tails.get(ticket.id) if ticket.id else None
    if tail is None and ticket.id:
        last = db.session.execute(
            select(TicketEvent.seq, TicketEvent.chain_hash).where(TicketEvent.ticket_id == ticket.id)
            .order_by(TicketEvent.seq.desc()).limit(1)).first()
        tail = (last.seq, last.chain_hash) if last else (0, GENESIS)
    seq, previous = (tail[0] + 1, tail[1]) if tail else (1, GENESIS)
    content = content_hash(seq, kind, actor, data, at)
    chained = chain_hash(previous, content)
    event = TicketEvent(merchant_id=ticket.merchant_id, ticket_id=ticket.id, seq=seq, kind=kind, actor=actor,
                        data=data, created_at=at, content_hash=content, chain_hash=chained)
    db.session.add(event)
    if ticket.id:
        tails[ticket.id] = (seq, chained)
    return event


_TAILS = "timeline_tails"


def start_timeline(ticket: Ticket) -> None:
    """The ticket was inserted in this transaction: its timeline is empty, so its first event reads no tail."""
    db.session.info.setdefault(_TAILS, {})[ticket.id] = (0, GENESIS)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_tails(session: Session, transaction: Any) -> None:
    # The event also ends every flush (an inner "subtransaction", which any query's autoflush starts): those keep
    # the tails, or each event would read its tail again. The transaction itself ending, or a savepoint (whose
    # rollback may drop events the tails name), forgets them.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_TAILS, None)


@dataclass(frozen=True)
class ChainReport:
    ticket_ref: str
    events: int
    ok: bool
    broken_at: int | None = None
    reason: str = ""


def verify_chain(ticket: Ticket) -> ChainReport:
    """Recompute every hash of the ticket's timeline; name the first event that does not match."""
    previous, expected_seq, count = GENESIS, 1, 0
    rows = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                              .order_by(TicketEvent.seq)).all()
    for event in rows:
        count += 1
        if event.seq != expected_seq:
            return ChainReport(ticket.ref, count, False, event.seq, f"event {expected_seq} is missing")
        if not event.redacted and content_hash(event.seq, event.kind, event.actor, event.data,
                                               event.created_at) != event.content_hash:
            return ChainReport(ticket.ref, count, False, event.seq, "its content was changed")
        if chain_hash(previous, event.content_hash) != event.chain_hash:
            return ChainReport(ticket.ref, count, False, event.seq, "the chain link does not match")
        previous, expected_seq = event.chain_hash, expected_seq + 1
    return ChainReport(ticket.ref, count, True)


def event_count(ticket: Ticket) -> int:
    return db.session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket.id)) or 0
