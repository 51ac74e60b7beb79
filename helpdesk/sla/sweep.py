"""The SLA sweep: find due warnings and breaches by index and record each exactly once.

Cost: the sweep reads `ticket.sla_next_check_at <= now` through its index,
so it costs what is due, not the number of tickets, and works set-wise (a
dozen statements per batch of a thousand tickets, no ORM objects).

Exactly once: on PostgreSQL the batch is taken `FOR UPDATE SKIP LOCKED`, so
several workers split the work and each decides from rows nobody else can
change until it commits. Elsewhere (SQLite) each warning or breach is
claimed by a conditional bulk UPDATE (`… AND flag IS FALSE RETURNING id`)
and only the sweep that flipped the flag writes the event. Escalation steps
scheduled by a resolution breach fire from their own small table (see
`escalation.fire_due`). The sweep commits per batch.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, insert, select, text, update

from ..extensions import db
from ..models import Status, Ticket, TicketEvent, utcnow
from ..tickets.timeline import GENESIS, chain_hash, content_hash
from . import clocks, escalation, notify

BATCH = 1000
OPEN = (Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.ESCALATED)


@dataclass
class SweepResult:
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (ref, clock)
    breaches: list[tuple[str, str]] = field(default_factory=list)
    escalations: list[tuple[str, str]] = field(default_factory=list)  # (ref, action)


def sweep(*, now: datetime | None = None, batch: int = BATCH) -> SweepResult:
    """Record every warning and breach due by `now`, then fire due escalation steps. Commits per batch."""
    now = now or utcnow()
    result = SweepResult()
    locking = db.engine.dialect.name == "postgresql"
    seen: set[int] = set()
    while True:
        rows = _due_rows(now, batch, lock=locking)
        fresh = {row.id: row for row in rows if row.id not in seen}
        if not fresh:
            break
        seen.update(fresh)
        claims = _decide(fresh, now) if locking else _claim_each(list(fresh), now)
        state = fresh if locking else _state(list(fresh))
        _record(state, claims, now, result)
        _reschedule(state, claims)
        db.session.commit()
        if len(rows) < batch:
            break
    escalation.fire_due(now, result.escalations, batch=batch)
    return result


STATE = [Ticket.__table__.c[name] for name in (
    "id", "ref", "merchant_id", "assignee_id", "status", "sla_paused_since", "first_response_due_at",
    "resolution_due_at", "first_response_warn_at", "resolution_warn_at", "first_response_at", "resolved_at",
    "first_response_breached", "resolution_breached", "first_response_warned", "resolution_warned")]
Claims = list[tuple[tuple[str, ...], str, set[int]]]  # (clock, "breach" | "warning", ticket ids)
WHATS = ("breach", "warning")  # breaches first: a warning due in the same sweep is not worth an event


def _due_rows(now: datetime, batch: int, *, lock: bool) -> list[Any]:
    """The batch of tickets due for a check, read by the index on `sla_next_check_at`.

    On PostgreSQL the rows are locked (`SKIP LOCKED`: another sweep takes the
    next ones), so their state cannot change under this transaction and the
    decisions are made from it directly.
    """
    return list(db.session.execute(due_statement(now, batch, lock=lock)))


def due_statement(now: datetime, batch: int, *, lock: bool) -> Select[Any]:
    columns = STATE if lock else [Ticket.__table__.c.id]
    stmt = select(*columns).where(Ticket.sla_next_check_at <= now).order_by(Ticket.sla_next_check_at).limit(batch)
    return stmt.with_for_update(skip_locked=True) if lock else stmt


def _due(row: Any, clock: tuple[str, ...], what: str, now: datetime, flags: dict[str, bool]) -> bool:
    """The claim's condition, in Python: the twin of the WHERE clause of `_claim`."""
    _name, due, warn, done, breached, warned = clock
    at = getattr(row, due if what == "breach" else warn)
    return (not flags[breached if what == "breach" else warned] and not flags[breached]
            and getattr(row, done) is None and row.sla_paused_since is None and row.status in OPEN
            and at is not None and at <= now)


def _decide(rows: dict[int, Any], now: datetime) -> Claims:
    claims: Claims = [(clock, what, set()) for what in WHATS for clock in clocks.CLOCKS]
    for ticket_id, row in rows.items():
        flags = {c: getattr(row, c) for clock in clocks.CLOCKS for c in clock[4:]}
        for clock, what, got in claims:
            if _due(row, clock, what, now, flags):
                flags[clock[4] if what == "breach" else clock[5]] = True
                got.add(ticket_id)
    return claims


def _claim_each(ids: list[int], now: datetime) -> Claims:
    return [(clock, what, _claim(ids, clock, what, now)) for what in WHATS for clock in clocks.CLOCKS]


def _claim(ids: list[int], clock: tuple[str, ...], what: str, now: datetime) -> set[int]:
    """Flip one flag where it is still false: the ids returned are this sweep's to record, nobody else's."""
    _name, due, warn, done, breached, warned = clock
    flag, at = (breached, due) if what == "breach" else (warned, warn)
    column = getattr(Ticket, flag)
    stmt = (update(Ticket).where(Ticket.id.in_(ids), column.is_(False), getattr(Ticket, breached).is_(False),
                                 getattr(Ticket, done).is_(None), Ticket.sla_paused_since.is_(None),
                                 Ticket.status.in_(OPEN), getattr(Ticket, at) <= now)
            .values({flag: True}).returning(Ticket.id).execution_options(synchronize_session=False))
    return set(db.session.scalars(stmt))


def _state(ids: list[int]) -> dict[int, Any]:
    return {row.id: row for row in db.session.execute(select(*STATE).where(Ticket.id.in_(ids)))}


def _record(state: dict[int, Any], claims: Claims, now: datetime, result: SweepResult) -> None:
    """One event per claim, told to the assignee or the supervisors; resolution breaches schedule escalation."""
    who = notify.recipients([state[i] for _c, _w, got in claims for i in got])
    events: list[tuple[Any, str, dict[str, Any]]] = []
    breached_resolution = []
    for clock, what, got in claims:
        name, due, warn = clock[0], clock[1], clock[2]
        for ticket_id in sorted(got):
            row = state[ticket_id]
            at = getattr(row, due if what == "breach" else warn)
            events.append((row, f"sla.{name}_{'breached' if what == 'breach' else 'warning'}",
                           {"due_at": getattr(row, due).isoformat(), "at": at.isoformat(), "notify": who[ticket_id]}))
            (result.breaches if what == "breach" else result.warnings).append((row.ref, name))
            if what == "breach" and name == "resolution":
                breached_resolution.append(row)
    append_events(events, now)
    for row, kind, data in events:
        notify.tell(row.id, kind, data["notify"])
    escalation.schedule(breached_resolution)


def _reschedule(state: dict[int, Any], claims: Claims) -> None:
    """Write the claimed flags and the next check of every ticket of the batch: one new row version each."""
    claimed = {(ticket_id, clock[4] if what == "breach" else clock[5]) for clock, what, got in claims
               for ticket_id in got}
    flag_names = [c for clock in clocks.CLOCKS for c in clock[4:]]
    params = []
    for ticket_id, row in state.items():
        values = dict(row._mapping)
        for flag in flag_names:
            values[flag] = values[flag] or (ticket_id, flag) in claimed
        pending = clocks.pending_times(_State(**values))
        params.append({"b_id": ticket_id, "b_next": pending[0][0] if pending else None,
                       **{f"b_{flag}": values[flag] for flag in flag_names}})
    if db.engine.dialect.name == "postgresql":
        # One UPDATE … FROM unnest(arrays) for the whole batch.
        sets = ", ".join(f"{flag} = v.{flag}" for flag in flag_names)
        flags = ", ".join(f"CAST(:b_{flag} AS boolean[])" for flag in flag_names)
        db.session.execute(text(
            f"UPDATE ticket AS t SET sla_next_check_at = v.next, {sets} "
            f"FROM unnest(CAST(:b_id AS integer[]), CAST(:b_next AS timestamptz[]), {flags}) "
            f"AS v(id, next, {', '.join(flag_names)}) WHERE t.id = v.id"),
            {key: [p[key] for p in params] for key in params[0]} if params else {})
        return
    table = Ticket.__table__
    db.session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
        sla_next_check_at=bindparam("b_next"), **{flag: bindparam(f"b_{flag}") for flag in flag_names}), params)


class _State:
    """The columns `clocks.pending_times` reads, without an ORM object (thousands per batch)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def append_events(events: list[tuple[Any, str, dict[str, Any]]], at: datetime) -> None:
    """Append many system events to many timelines in two statements, keeping each hash chain.

    The same chain as `timeline.record_event`, batched: the sweep may record
    thousands at once. Each event names a ticket by anything with `id` and
    `merchant_id`; callers hold the ticket rows (claimed or locked).
    """
    if not events:
        return
    ids = {ticket.id for ticket, _k, _d in events}
    last = (select(TicketEvent.ticket_id, func.max(TicketEvent.seq).label("seq"))
            .where(TicketEvent.ticket_id.in_(ids)).group_by(TicketEvent.ticket_id).subquery())
    heads = {row.ticket_id: (row.seq, row.chain_hash) for row in db.session.execute(
        select(TicketEvent.ticket_id, TicketEvent.seq, TicketEvent.chain_hash)
        .join(last, and_(TicketEvent.ticket_id == last.c.ticket_id, TicketEvent.seq == last.c.seq)))}
    rows = []
    for ticket, kind, data in events:
        seq, previous = heads.get(ticket.id, (0, GENESIS))
        seq += 1
        content = content_hash(seq, kind, "system", data, at)
        link = chain_hash(previous, content)
        heads[ticket.id] = (seq, link)
        rows.append({"merchant_id": ticket.merchant_id, "ticket_id": ticket.id, "seq": seq, "kind": kind,
                     "actor": "system", "data": data, "created_at": at, "content_hash": content,
                     "chain_hash": link, "redacted": False})
    if db.engine.dialect.name == "postgresql":
        _insert_events_unnest(rows)
    else:
        db.session.execute(insert(TicketEvent), rows)


def _insert_events_unnest(rows: list[dict[str, Any]]) -> None:
    """One INSERT … SELECT FROM unnest(arrays): a thousand events cost one statement, not a thousand."""
    columns = {"merchant_id": "integer", "ticket_id": "integer", "seq": "integer", "kind": "text", "actor": "text",
               "data": "json", "created_at": "timestamptz", "content_hash": "text", "chain_hash": "text",
               "redacted": "boolean"}
    params = {name: [json.dumps(r[name], ensure_ascii=False) if name == "data" else r[name] for r in rows]
              for name in columns}
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in columns.items())
    db.session.execute(text(f"INSERT INTO ticket_event ({', '.join(columns)}) SELECT * FROM unnest({arrays})"),
                       params)
