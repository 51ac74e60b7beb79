"""The SLA sweep: find breached clocks by index and record each breach exactly once.

A breach is claimed with a conditional UPDATE (`… AND breached = false`);
only the sweep whose UPDATE changed the row writes the event, so two
sweeps running at once (several workers) never record it twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

from ..extensions import db
from ..models import Ticket, utcnow
from ..tickets.services import OPEN_STATUSES
from ..tickets.timeline import record_event

BATCH = 1000


@dataclass
class SweepResult:
    breaches: list[tuple[str, str]] = field(default_factory=list)  # (ref, clock)


CLOCKS = (
    ("first_response", Ticket.first_response_due_at, Ticket.first_response_at, Ticket.first_response_breached),
    ("resolution", Ticket.resolution_due_at, Ticket.resolved_at, Ticket.resolution_breached),
)


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Record every clock that passed its due time since the last sweep. Commits per batch."""
    now = now or utcnow()
    result = SweepResult()
    for name, due, done, flag in CLOCKS:
        candidates = db.session.scalars(select(Ticket.id).where(
            due < now, done.is_(None), flag.is_(False), Ticket.sla_paused_since.is_(None),
            Ticket.status.in_(OPEN_STATUSES)).order_by(due).limit(BATCH)).all()
        for ticket_id in candidates:
            claimed = db.session.execute(update(Ticket).where(Ticket.id == ticket_id, flag.is_(False))
                                         .values({flag.key: True}).execution_options(synchronize_session=False))
            if claimed.rowcount != 1:
                continue  # another sweep got there first
            ticket = db.session.get(Ticket, ticket_id)
            assert ticket is not None
            record_event(ticket, f"sla.{name}_breached", "system",
                         {"due_at": getattr(ticket, due.key).isoformat()}, at=now)
            result.breaches.append((ticket.ref, name))
        db.session.commit()
    return result
