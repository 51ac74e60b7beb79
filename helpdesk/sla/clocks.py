"""SLA clocks on a ticket: due times from the merchant's calendar and policy, pauses and resumptions.

First response stops at the first public reply; resolution at resolution.
While the ticket waits on the shopper the clock is paused, and on resumption
both due times move by the business time spent paused.
"""
from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from ..extensions import db
from ..models import Merchant, Priority, Status, Ticket
from .calendar import BusinessCalendar

# Business hours, by priority: (first response, resolution). A merchant may override in its settings.
DEFAULT_TARGETS: dict[str, tuple[float, float]] = {
    Priority.URGENT.value: (1, 8),
    Priority.HIGH.value: (4, 18),
    Priority.NORMAL.value: (8, 45),
    Priority.LOW.value: (18, 90),
}
PAUSING = (Status.WAITING_CUSTOMER,)
STOPPED = (Status.RESOLVED, Status.CLOSED)


@functools.lru_cache(maxsize=512)
def _calendar(timezone: str, country: str, settings_json: str) -> BusinessCalendar:
    settings: dict[str, Any] = json.loads(settings_json)
    return BusinessCalendar.from_dict({"timezone": timezone, "country": country, **settings}) if settings \
        else BusinessCalendar(timezone=timezone, country=country)


def calendar_for(merchant: Merchant) -> BusinessCalendar:
    """The merchant's business calendar (its own hours and closures, else Monday–Friday 09:00–18:00)."""
    custom = (merchant.settings or {}).get("calendar") or {}
    return _calendar(merchant.timezone, merchant.country, json.dumps(custom, sort_keys=True))


def targets_for(merchant: Merchant, ticket: Ticket) -> tuple[timedelta, timedelta]:
    policy = (merchant.settings or {}).get("sla", {})
    key = f"{ticket.category.value}:{ticket.priority.value}"
    first, resolution = policy.get(key) or policy.get(ticket.priority.value) or DEFAULT_TARGETS[ticket.priority.value]
    return timedelta(hours=first), timedelta(hours=resolution)


def start(ticket: Ticket, merchant: Merchant, now: datetime) -> None:
    """Both due times from creation, so every ticket has them (SPEC 5)."""
    calendar = calendar_for(merchant)
    first, resolution = targets_for(merchant, ticket)
    ticket.first_response_due_at = calendar.add_business_time(now, first)
    ticket.resolution_due_at = calendar.add_business_time(now, resolution)


def first_response(ticket: Ticket, now: datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = now


def on_status(ticket: Ticket, before: Status, after: Status, now: datetime) -> None:
    if after in PAUSING and ticket.sla_paused_since is None:
        ticket.sla_paused_since = now
    elif after not in PAUSING and ticket.sla_paused_since is not None:
        _resume(ticket, now)
    if after in STOPPED and ticket.resolved_at is None:
        ticket.resolved_at = now
    elif after not in STOPPED and before in STOPPED:
        ticket.resolved_at = None


def _resume(ticket: Ticket, now: datetime) -> None:
    merchant = db.session.get(Merchant, ticket.merchant_id)
    assert merchant is not None
    calendar = calendar_for(merchant)
    paused = calendar.business_time_between(ticket.sla_paused_since, now)  # type: ignore[arg-type]
    if ticket.first_response_at is None and ticket.first_response_due_at:
        ticket.first_response_due_at = calendar.add_business_time(ticket.first_response_due_at, paused)
    if ticket.resolution_due_at:
        ticket.resolution_due_at = calendar.add_business_time(ticket.resolution_due_at, paused)
    ticket.sla_paused_since = None


def breached_clause(now: datetime) -> ColumnElement[bool]:
    """SQL twin of the breach flags of `view`, for list filters: a passed due time counts unless paused."""
    return or_(Ticket.first_response_breached, Ticket.resolution_breached,
               and_(Ticket.first_response_at.is_(None), Ticket.sla_paused_since.is_(None),
                    Ticket.first_response_due_at < now),
               and_(Ticket.resolved_at.is_(None), Ticket.sla_paused_since.is_(None), Ticket.resolution_due_at < now))


def view(ticket: Ticket, now: datetime) -> dict[str, Any]:
    """The `sla` object of SPEC 4.4."""
    paused = ticket.sla_paused_since is not None
    first_done = ticket.first_response_at
    first_breached = ticket.first_response_breached or bool(
        ticket.first_response_due_at and (first_done or now) > ticket.first_response_due_at and not paused)
    resolved = ticket.resolved_at
    res_breached = ticket.resolution_breached or bool(
        ticket.resolution_due_at and (resolved or now) > ticket.resolution_due_at and not paused)
    return {"first_response_due_at": ticket.first_response_due_at, "resolution_due_at": ticket.resolution_due_at,
            "first_response_at": first_done, "resolved_at": resolved,
            "first_response_breached": first_breached, "resolution_breached": res_breached, "paused": paused}
