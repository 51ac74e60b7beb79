"""The SLA sweep: find due warnings and breaches by index and record each exactly once.

Cost: the sweep reads `ticket_sla.next_check_at <= now` through its index,
so it costs what is due, not the number of tickets, and works set-wise (a
handful of statements per batch of a thousand tickets, no ORM objects). Its
writes go mostly to the narrow `ticket_sla` row (next check, warnings); the
wide ticket row is only rewritten for a breach, and in place: the flag is in
no index (lists and reports read a breach off the times). On PostgreSQL the events go in by COPY and the arrays travel
in binary: at 10,000 due tickets a row costs tens of microseconds.

Exactly once: on PostgreSQL the batch is taken `FOR NO KEY UPDATE OF
ticket_sla, ticket SKIP LOCKED`, so several workers split the work and each
decides from rows nobody else can change until it commits (the ticket is
locked too so that the sweep, like a reply or a status change, takes the
ticket before its `ticket_sla` row: never a deadlock). A sweep that reaches
a row another one has just committed sees its new `next_check_at` (later
than now) and skips it. Elsewhere (SQLite) each warning or breach is claimed
by a conditional bulk UPDATE (`… AND flag IS FALSE RETURNING id`) and only
the sweep that flipped the flag writes the event. Escalation steps scheduled
by a resolution breach fire from their own small table (see
`escalation.fire_due`). The sweep commits per batch.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, insert, select, update

from ..extensions import db
from ..models import Status, Ticket, TicketEvent, TicketSla, utcnow
from ..tickets.timeline import GENESIS, _canonical, chain_hash, content_hash
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
    seen: set[int] = set()
    while True:
        if _postgres():
            rows, claims = _claim_batch(now, batch)
            fresh = {row.id: row for row in rows if row.id not in seen}
        else:
            rows = _due_rows(now, batch)
            fresh = {row.id: row for row in rows if row.id not in seen}
            claims = _claim_each(list(fresh), now)
        if not fresh:
            break
        seen.update(fresh)
        state = fresh if _postgres() else _state(list(fresh))
        _record(state, claims, now, result)
        if not _postgres():  # on PostgreSQL the claiming statement has rescheduled the batch already
            _reschedule(state, claims)
        db.session.commit()
        if len(rows) < batch:
            break
    escalation.fire_due(now, result.escalations, batch=batch)
    return result


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


TICKET, SLA = Ticket.__table__, TicketSla.__table__
WARNED = ("first_response_warned", "resolution_warned")
BREACHED = ("first_response_breached", "resolution_breached")
STATE = [TICKET.c[name] for name in (
    "id", "ref", "merchant_id", "assignee_id", "status", "sla_paused_since", "first_response_due_at",
    "resolution_due_at", "first_response_warn_at", "resolution_warn_at", "first_response_at", "resolved_at",
    *BREACHED)] + [SLA.c[name] for name in WARNED]
TIMES = ("first_response_due_at", "resolution_due_at", "first_response_warn_at", "resolution_warn_at")
Claims = list[tuple[tuple[str, ...], str, set[int]]]  # (clock, "breach" | "warning", ticket ids)
WHATS = ("breach", "warning")  # breaches first: a warning due in the same sweep is not worth an event


def _due_rows(now: datetime, batch: int) -> list[Any]:
    """The batch of tickets due for a check, read by the index on `ticket_sla.next_check_at` (not PostgreSQL)."""
    return list(db.session.execute(due_statement(now, batch)))


def due_statement(now: datetime, batch: int) -> Select[Any]:
    return select(SLA.c.ticket_id.label("id")).where(SLA.c.next_check_at <= now) \
        .order_by(SLA.c.next_check_at).limit(batch)


def _clock_sql() -> tuple[str, str, str]:
    """The claim conditions, flag updates and next check of `claim_statement`, written out from `clocks.CLOCKS`.

    The SQL twin of `_claim` (what is due) and of `clocks.pending_times` (what is left): a breach is due when
    not yet recorded and its time has passed on a live clock; a warning likewise, unless its clock is
    breached (already or now); the next check is the soonest breach or warning still pending.
    """
    claims, sets, pending = [], [], []
    for name, due, warn, done, breached, warned in clocks.CLOCKS:
        # coalesce: a missing time compares as NULL, which must read as "not due".
        claims.append(f"coalesce(d.live AND NOT d.{breached} AND d.{done} IS NULL AND d.{due} <= %(now)s, false) "
                      f"AS {name}_breach")
        claims.append(f"coalesce(d.live AND NOT d.{breached} AND d.{done} IS NULL AND d.{warn} <= %(now)s "
                      f"AND NOT d.{warned} AND NOT coalesce(d.{due} <= %(now)s, false), false) AS {name}_warning")
        sets.append(f"{warned} = c.{warned} OR c.{name}_warning")
        still = f"c.{done} IS NULL AND NOT (c.{breached} OR c.{name}_breach)"
        pending.append(f"CASE WHEN {still} THEN c.{due} END")
        pending.append(f"CASE WHEN {still} AND c.{due} IS NOT NULL AND NOT (c.{warned} OR c.{name}_warning) "
                       f"THEN c.{warn} END")
    next_check = f"CASE WHEN c.live THEN LEAST({', '.join(pending)}) END"
    return ", ".join(claims), ", ".join(sets), next_check


def claim_statement() -> str:
    """One statement per batch on PostgreSQL: lock the due rows, claim, write flags and next checks, return them.

    The rows are taken `FOR NO KEY UPDATE … SKIP LOCKED` (another sweep takes the next ones) and decided from
    their locked state, so nobody else can claim the same warning or breach. The ticket row is only rewritten
    where a breach is recorded (a flag outside every index: a HOT update, see the migration's fillfactor).
    """
    claims, sets, next_check = _clock_sql()
    names = [c.name for c in STATE]
    breach_sets = ", ".join(f"{clock[4]} = c.{clock[4]} OR c.{clock[0]}_breach" for clock in clocks.CLOCKS)
    any_breach = " OR ".join(f"c.{clock[0]}_breach" for clock in clocks.CLOCKS)
    claimed = [f"{clock[0]}_{what}" for what in WHATS for clock in clocks.CLOCKS]  # the order of Claims
    return f"""
    WITH due AS MATERIALIZED (
        SELECT {", ".join(f"{'s' if n in WARNED else 't'}.{n}" for n in names)},
               t.sla_paused_since IS NULL AND t.status = ANY(%(open)s::text[]) AS live
        FROM ticket_sla AS s JOIN ticket AS t ON t.id = s.ticket_id
        WHERE s.next_check_at <= %(now)s ORDER BY s.next_check_at LIMIT %(batch)s
        FOR NO KEY UPDATE OF s, t SKIP LOCKED
    ), c AS MATERIALIZED (SELECT d.*, {claims} FROM due AS d),
    sla AS (UPDATE ticket_sla SET {sets}, next_check_at = {next_check} FROM c WHERE ticket_sla.ticket_id = c.id),
    breached AS (UPDATE ticket SET {breach_sets} FROM c WHERE ticket.id = c.id AND ({any_breach}))
    SELECT c.id, c.ref, c.merchant_id, c.assignee_id, {", ".join(f"c.{n}" for n in TIMES)}, {", ".join(claimed)}
    FROM c"""


def claim_params(now: datetime, batch: int) -> dict[str, Any]:
    return {"now": now, "batch": batch, "open": [status.value for status in OPEN]}


def _claim_batch(now: datetime, batch: int) -> tuple[list[Any], Claims]:
    rows = db.session.connection().exec_driver_sql(claim_statement(), claim_params(now, batch)).all()
    claims: Claims = [(clock, what, set()) for what in WHATS for clock in clocks.CLOCKS]
    state = []
    for row in rows:
        # Raw driver rows: times come in the connection's time zone; events name them in UTC, as the ORM would.
        times = {name: None if value is None else value.astimezone(UTC) for name, value in zip(TIMES, row[4:8])}
        state.append(_State(id=row[0], ref=row[1], merchant_id=row[2], assignee_id=row[3], **times))
        for (clock, what, got), flag in zip(claims, row[8:], strict=True):
            if flag:
                got.add(row[0])
    return state, claims


def _claim_each(ids: list[int], now: datetime) -> Claims:
    return [(clock, what, _claim(ids, clock, what, now)) for what in WHATS for clock in clocks.CLOCKS]


def _claim(ids: list[int], clock: tuple[str, ...], what: str, now: datetime) -> set[int]:
    """Flip one flag where it is still false: the ids returned are this sweep's to record, nobody else's."""
    _name, due, warn, done, breached, warned = clock
    at = due if what == "breach" else warn
    still_due = [TICKET.c[breached].is_(False), TICKET.c[done].is_(None), TICKET.c.sla_paused_since.is_(None),
                 TICKET.c.status.in_(OPEN), TICKET.c[at] <= now]
    if what == "breach":
        stmt = update(TICKET).where(TICKET.c.id.in_(ids), *still_due).values({breached: True}) \
            .returning(TICKET.c.id)
    else:  # the warned flag is on ticket_sla, the conditions on the ticket
        stmt = update(SLA).where(SLA.c.ticket_id.in_(ids), SLA.c[warned].is_(False),
                                 SLA.c.ticket_id.in_(select(TICKET.c.id).where(TICKET.c.id.in_(ids), *still_due))) \
            .values({warned: True}).returning(SLA.c.ticket_id)
    return set(db.session.scalars(stmt))


def _state(ids: list[int]) -> dict[int, Any]:
    rows = db.session.execute(select(*STATE).select_from(SLA.join(TICKET, TICKET.c.id == SLA.c.ticket_id))
                              .where(TICKET.c.id.in_(ids)))
    return {row.id: row for row in rows}


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
    """Write the next check of every ticket of the batch (the claims have written the flags); not PostgreSQL."""
    claimed = {(ticket_id, clock[4] if what == "breach" else clock[5]) for clock, what, got in claims
               for ticket_id in got}
    params = []
    for ticket_id, row in state.items():
        values = dict(row._mapping)
        for flag in (*WARNED, *BREACHED):
            values[flag] = values[flag] or (ticket_id, flag) in claimed
        flat = _State(**values)
        pending = clocks.pending_times(flat, flat)
        params.append({"b_id": ticket_id, "b_next": pending[0][0] if pending else None})
    db.session.execute(update(SLA).where(SLA.c.ticket_id == bindparam("b_id"))
                       .values(next_check_at=bindparam("b_next")), params)


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
    heads = _heads({ticket.id for ticket, _k, _d in events})
    rows = []
    at_text = at.isoformat(timespec="microseconds")  # the same instant for every event: formatted once
    for ticket, kind, data in events:
        seq, previous = heads.get(ticket.id, (0, GENESIS))
        seq += 1
        content = _content_hash(seq, kind, data, at_text)
        if not rows:  # the shortcut must stay the timeline's hash: checked on the first event of each batch
            assert content == content_hash(seq, kind, "system", data, at)
        link = chain_hash(previous, content)
        heads[ticket.id] = (seq, link)
        rows.append({"merchant_id": ticket.merchant_id, "ticket_id": ticket.id, "seq": seq, "kind": kind,
                     "actor": "system", "data": data, "created_at": at, "content_hash": content,
                     "chain_hash": link, "redacted": False})
    if _postgres():
        _copy_events(rows)
    else:
        db.session.execute(insert(TicketEvent), rows)


def _content_hash(seq: int, kind: str, data: dict[str, Any], at_text: str) -> str:
    """`timeline.content_hash` of a system event, with its time already formatted."""
    return hashlib.sha256(_canonical({"seq": seq, "kind": kind, "actor": "system", "data": data, "at": at_text})
                          .encode()).hexdigest()


def _heads(ids: set[int]) -> dict[int, tuple[int, str]]:
    """The last (seq, chain hash) of each of these tickets' timelines; tickets without events are absent."""
    if _postgres():
        # DISTINCT ON walks the (ticket_id, seq) unique index backwards once per ticket; one array parameter,
        # not a thousand bound ones.
        found = db.session.connection().exec_driver_sql(
            "SELECT DISTINCT ON (ticket_id) ticket_id, seq, chain_hash FROM ticket_event "
            "WHERE ticket_id = ANY(%(ids)b::integer[]) ORDER BY ticket_id, seq DESC", {"ids": list(ids)})
        return {ticket_id: (seq, link) for ticket_id, seq, link in found}
    last = (select(TicketEvent.ticket_id, func.max(TicketEvent.seq).label("seq"))
            .where(TicketEvent.ticket_id.in_(ids)).group_by(TicketEvent.ticket_id).subquery())
    return {row.ticket_id: (row.seq, row.chain_hash) for row in db.session.execute(
        select(TicketEvent.ticket_id, TicketEvent.seq, TicketEvent.chain_hash)
        .join(last, and_(TicketEvent.ticket_id == last.c.ticket_id, TicketEvent.seq == last.c.seq)))}


EVENT_COLUMNS = ("merchant_id", "ticket_id", "seq", "kind", "actor", "data", "created_at", "content_hash",
                 "chain_hash", "redacted")


def _copy_events(rows: list[dict[str, Any]]) -> None:
    """COPY the events in, inside the session's transaction: a thousand rows cost one round trip and C code."""
    driver = db.session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY ticket_event ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[name], ensure_ascii=False) if name == "data" else row[name]
                            for name in EVENT_COLUMNS])
