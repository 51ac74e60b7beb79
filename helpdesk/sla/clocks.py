"""SLA clocks on a ticket: due times from the merchant's calendar and policy, pauses and resumptions.

First response stops at the first public reply; resolution at resolution.
While the ticket waits on the shopper the clock is paused, and on resumption
the due (and warning) times move by the business time spent paused; a
reopened ticket resumes the same way, so the time it spent resolved does not
count against the merchant. Every change here also sets the ticket's
`TicketSla.next_check_at`, the one indexed time the sweep reads.
"""
from __future__ import annotations

import functools
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_

from ..extensions import db
from ..models import Merchant, Status, Ticket, TicketSla
from . import policies
from .calendar import BusinessCalendar

PAUSING = (Status.WAITING_CUSTOMER,)
STOPPED = (Status.RESOLVED, Status.CLOSED)
# (name, due, warn, done, breached flag, warned flag): the two clocks, as column names; the warned flags are
# on `TicketSla`, the rest on the ticket.
CLOCKS = (
    ("first_response", "first_response_due_at", "first_response_warn_at", "first_response_at",
     "first_response_breached", "first_response_warned"),
    ("resolution", "resolution_due_at", "resolution_warn_at", "resolved_at", "resolution_breached",
     "resolution_warned"),
)


@functools.lru_cache(maxsize=512)
def _calendar(timezone: str, country: str, settings_json: str) -> BusinessCalendar:
    settings: dict[str, Any] = json.loads(settings_json)
    return BusinessCalendar.from_dict({"timezone": timezone, "country": country, **settings}) if settings \
        else BusinessCalendar(timezone=timezone, country=country)


def calendar_for(merchant: Merchant) -> BusinessCalendar:
    """The merchant's business calendar (its own hours and closures, else Monday–Friday 09:00–18:00)."""
    custom = (merchant.settings or {}).get("calendar") or {}
    return _calendar(merchant.timezone, merchant.country, json.dumps(custom, sort_keys=True))


def instant_for(merchant: Merchant, value: datetime | date) -> datetime:
    """An instant as given, or a date meaning the end of that day on the merchant's clock (SPEC 6.1)."""
    return value if isinstance(value, datetime) else calendar_for(merchant).end_of_day(value)


def start(ticket: Ticket, merchant: Merchant, now: datetime) -> None:
    """Due and warning times from creation, by the merchant's policy, so every ticket has them (SPEC 5).

    Called before the new ticket's first flush, so the times are part of its
    INSERT and its sweep row follows it: set after the INSERT they would cost
    an UPDATE of the ticket (and its `updated_at` another).
    """
    calendar = calendar_for(merchant)
    with db.session.no_autoflush:  # the ticket may be pending: it is inserted once, complete
        targets = policies.targets_for(merchant.id, ticket.category, ticket.priority)
    ticket.first_response_due_at = calendar.add_business_time(now, targets.first_response)
    ticket.resolution_due_at = calendar.add_business_time(now, targets.resolution)
    ticket.first_response_warn_at = calendar.add_business_time(now, targets.warning_after(targets.first_response))
    ticket.resolution_warn_at = calendar.add_business_time(now, targets.warning_after(targets.resolution))
    # A new ticket has no row yet: adding it here spares the look-up `sla_row` would make.
    row = TicketSla(ticket=ticket, merchant_id=ticket.merchant_id, first_response_warned=False,
                    resolution_warned=False)
    db.session.add(row)
    _set_next_check(ticket, row)


def first_response(ticket: Ticket, now: datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        refresh(ticket)


def on_status(ticket: Ticket, before: Status, after: Status, now: datetime) -> None:
    held = PAUSING + STOPPED
    # Resolution first: a reopened ticket's resolution clock runs again, so `_resume` must see it running.
    if after in STOPPED and ticket.resolved_at is None:
        ticket.resolved_at = now
    elif after not in STOPPED and before in STOPPED:
        ticket.resolved_at = None
    if after in held and ticket.sla_paused_since is None:
        ticket.sla_paused_since = now
    elif after not in held and ticket.sla_paused_since is not None:
        _resume(ticket, now)
    refresh(ticket)


def _resume(ticket: Ticket, now: datetime) -> None:
    merchant = db.session.get(Merchant, ticket.merchant_id)
    assert merchant is not None
    calendar = calendar_for(merchant)
    paused_since = ticket.sla_paused_since
    assert paused_since is not None
    paused = calendar.business_time_between(paused_since, now)
    # A clock that was already broken when the pause began stays broken: its due time is a fact, not a
    # promise still running, so it does not move (and `breached_clause` can read a breach off the times alone).
    for _name, due, warn, done, breached, _warned in CLOCKS:
        due_at = getattr(ticket, due)
        if getattr(ticket, done) is not None or due_at is None or getattr(ticket, breached) or due_at <= paused_since:
            continue
        setattr(ticket, due, calendar.add_business_time(due_at, paused))
        if getattr(ticket, warn) is not None:
            setattr(ticket, warn, calendar.add_business_time(getattr(ticket, warn), paused))
    ticket.sla_paused_since = None


def pending_times(ticket: Any, sla: Any) -> list[tuple[datetime, str, str]]:
    """(when, clock, "warning" | "breach") still to record, soonest first; none while paused or stopped.

    `ticket` has the ticket's columns, `sla` the warned flags (a `TicketSla`); the sweep passes one row for both.
    """
    if ticket.sla_paused_since is not None or ticket.status in STOPPED:
        return []
    found = []
    for name, due, warn, done, breached, warned in CLOCKS:
        if getattr(ticket, done) is not None:
            continue
        if not getattr(ticket, breached) and getattr(ticket, due) is not None:
            found.append((getattr(ticket, due), name, "breach"))
            if not getattr(sla, warned) and getattr(ticket, warn) is not None:
                found.append((getattr(ticket, warn), name, "warning"))
    return sorted(found)


def sla_row(ticket: Ticket) -> TicketSla:
    """The ticket's sweep row; one is made for a ticket that has none (e.g. written before it existed)."""
    row = db.session.get(TicketSla, ticket.id)
    if row is None:
        row = TicketSla(ticket_id=ticket.id, merchant_id=ticket.merchant_id, first_response_warned=False,
                        resolution_warned=False)
        db.session.add(row)
    return row


def next_check(ticket: Ticket) -> datetime | None:
    """When the sweep will next look at the ticket (None: nothing pending)."""
    return sla_row(ticket).next_check_at


def refresh(ticket: Ticket) -> None:
    """Set the one time the sweep looks at: the soonest warning or breach not yet recorded."""
    _set_next_check(ticket, sla_row(ticket))


def _set_next_check(ticket: Ticket, row: TicketSla) -> None:
    pending = pending_times(ticket, row)
    row.next_check_at = pending[0][0] if pending else None


def breached_clause(now: datetime) -> ColumnElement[bool]:
    """SQL twin of the breach flags of `view`, for list filters and reports, read off the times alone.

    A clock is broken when it stopped after its due time, or is still running (or was paused, or the ticket
    stopped) past it. No flag is read: the covering indexes carry the times, and keeping the sweep's flags out
    of every index lets the sweep record a breach without rewriting the ticket's index entries.
    """
    return or_(*(_late(Ticket.__table__.c[due], Ticket.__table__.c[done], now)
                 for _name, due, _warn, done, _breached, _warned in CLOCKS))


def _late(due: Any, done: Any, now: datetime) -> ColumnElement[bool]:
    # When the clock stopped (done), or was held (paused, or the ticket stopped), or else now: past the due time?
    return func.coalesce(done, Ticket.__table__.c.sla_paused_since, literal(now, due.type)) > due


def is_late(due_at: datetime | None, done_at: datetime | None, paused_since: datetime | None,
            now: datetime) -> bool:
    """`breached_clause` for one clock of one ticket, in Python."""
    return due_at is not None and (done_at or paused_since or now) > due_at


def view(ticket: Ticket, now: datetime) -> dict[str, Any]:
    """The `sla` object of SPEC 4.4: due times, breach and warning flags, paused."""
    paused = ticket.sla_paused_since is not None and ticket.status not in STOPPED
    held = ticket.sla_paused_since is not None
    data: dict[str, Any] = {"paused": paused}
    for name, due, warn, done, _breached, _warned in CLOCKS:
        due_at, warn_at, done_at = getattr(ticket, due), getattr(ticket, warn), getattr(ticket, done)
        is_breached = is_late(due_at, done_at, ticket.sla_paused_since, now)
        data[f"{name}_due_at"] = due_at
        data[f"{name}_warn_at"] = warn_at
        data[f"{name}_breached"] = is_breached
        data[f"{name}_warning"] = bool(not is_breached and done_at is None and not held and warn_at
                                       and now >= warn_at)
    data["first_response_at"], data["resolved_at"] = ticket.first_response_at, ticket.resolved_at
    return data

