"""Merging two tickets of the same shopper, without moving or rewriting anything.

The surviving ticket gets a `merged` event naming the other; the absorbed one
gets a `merged_into` event and is closed. Both timelines only grow, so both
hash chains still verify. The survivor's page reads the absorbed ticket's
messages and events from that ticket, and search finds the survivor for the
absorbed ticket's words (extra index rows, the originals stay). Callers commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, literal, select

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import Message, SearchEntry, Status, Ticket, TicketEvent, User, utcnow
from .present import events_of, messages_of
from .services import change_status
from .timeline import record_event


@dataclass(frozen=True)
class Absorbed:
    """A ticket merged into the one on screen, with its own messages and timeline."""

    ticket: Ticket
    messages: list[Message]
    events: list[TicketEvent]


def _has_event(ticket: Ticket, kind: str) -> bool:
    return db.session.scalar(select(TicketEvent.id).where(TicketEvent.ticket_id == ticket.id,
                                                          TicketEvent.kind == kind).limit(1)) is not None


def merge_tickets(survivor: Ticket, absorbed: Ticket, actor: User, *, now: datetime | None = None) -> Ticket:
    """Fold `absorbed` into `survivor` (same merchant, same shopper); refuse anything else."""
    now = now or utcnow()
    if absorbed.id == survivor.id:
        raise ValidationFailed("a ticket cannot be merged into itself",
                               fields={"other": ["Choose another ticket than this one."]})
    if absorbed.merchant_id != survivor.merchant_id:
        raise NotFound("No such ticket.")
    if absorbed.customer_id != survivor.customer_id:
        raise Conflict("Only tickets of the same shopper can be merged.")
    if Status.ESCALATED in (absorbed.status, survivor.status):
        raise Conflict("A ticket in mediation cannot be merged.")
    if _has_event(absorbed, "merged_into") or _has_event(survivor, "merged_into"):
        raise Conflict("One of these tickets was already merged.")
    who = f"{actor.role.value}:{actor.id}"
    record_event(survivor, "merged", who, {"absorbed": absorbed.ref, "absorbed_id": absorbed.id}, at=now)
    record_event(absorbed, "merged_into", who, {"into": survivor.ref, "into_id": survivor.id}, at=now)
    if absorbed.status is not Status.CLOSED:
        change_status(absorbed, Status.CLOSED, who, now=now)
    _index_under(survivor, absorbed)
    survivor.updated_at = now
    return survivor


def _index_under(survivor: Ticket, absorbed: Ticket) -> None:
    """Copy the absorbed ticket's search rows under the survivor, so its words find the survivor too."""
    copies = select(SearchEntry.merchant_id, literal(survivor.id), literal(f"j{survivor.id}:") + SearchEntry.key,
                    SearchEntry.content, SearchEntry.document).where(SearchEntry.ticket_id == absorbed.id)
    db.session.execute(insert(SearchEntry).from_select(
        ["merchant_id", "ticket_id", "key", "content", "document"], copies))
    db.session.flush()


def absorbed_into(survivor: Ticket) -> list[Absorbed]:
    """The tickets merged into this one, oldest merge first, read from their own rows."""
    ids = [e.data.get("absorbed_id") for e in db.session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == survivor.id, TicketEvent.kind == "merged")
        .order_by(TicketEvent.seq)).all()]
    result = []
    for ticket_id in ids:
        ticket = db.session.get(Ticket, ticket_id) if isinstance(ticket_id, int) else None
        if ticket is not None and ticket.merchant_id == survivor.merchant_id:
            result.append(Absorbed(ticket, messages_of(ticket), events_of(ticket)))
    return result


def merged_into(ticket: Ticket) -> str | None:
    """The reference of the ticket this one was merged into, if any."""
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                        TicketEvent.kind == "merged_into").limit(1))
    return str(event.data.get("into")) if event is not None else None
