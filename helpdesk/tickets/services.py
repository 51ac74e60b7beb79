"""Open, thread and change tickets. Every change is an event on the timeline; callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nh3
from sqlalchemy import Select, select

from .. import jobs, notifications, search
from ..errors import ValidationFailed
from ..extensions import db
from ..files import clean_filename, sniff_type, store_bytes
from ..intake.complaint import Complaint, IncomingFile
from ..intake.quoting import new_text
from ..models import (
    Attachment,
    Category,
    CategorySource,
    Channel,
    Direction,
    Merchant,
    Message,
    Priority,
    Status,
    Ticket,
    TicketTag,
    User,
    utcnow,
)
from ..sla import clocks
from ..triage import service as triage
from . import mentions, routing
from .customers import find_or_create_customer, find_order, order_key
from .timeline import record_event, start_timeline

OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.ESCALATED)


@dataclass(frozen=True)
class Intake:
    ticket: Ticket
    message: Message
    created: bool


def open_tickets_with_an_order(merchant_id: int, customer_id: int) -> Select[tuple[Ticket]]:
    """The shopper's open tickets that name an order, newest first (through ix_ticket_customer)."""
    return (select(Ticket).where(Ticket.merchant_id == merchant_id, Ticket.customer_id == customer_id,
                                 Ticket.status.in_(OPEN_STATUSES), Ticket.order_number.is_not(None))
            .order_by(Ticket.id.desc()).limit(20))


def _open_ticket_about(merchant_id: int, customer_id: int, order_key_value: str | None) -> Ticket | None:
    """The shopper's still-open ticket about the same order, so a second complaint threads into it."""
    if not order_key_value:
        return None
    candidates = db.session.scalars(open_tickets_with_an_order(merchant_id, customer_id)).all()
    return next((t for t in candidates if order_key(t.order_number) == order_key_value), None)


def open_or_thread(merchant: Merchant, complaint: Complaint, channel: Channel, *,
                   now: datetime | None = None, thread_into: Ticket | None = None) -> Intake:
    """Turn a complaint into a new ticket, or a message on the ticket it belongs to.

    A ticket is created complete (category, order, SLA due times) in the
    caller's transaction, so it is never visible half-made (SPEC 2).
    """
    now = now or utcnow()
    customer = find_or_create_customer(merchant.id, complaint.email, complaint.name, complaint.language)
    ticket = thread_into or _open_ticket_about(merchant.id, customer.id, order_key(complaint.order_number))
    if ticket is not None:
        message = add_inbound(ticket, complaint, now=now)
        return Intake(ticket, message, False)
    order = find_order(merchant.id, complaint.order_number, external_id=complaint.external_order_id)
    text = new_text(complaint.message)
    verdict = triage.categorise(merchant, complaint.subject, text, order=order, hint=complaint.category_hint,
                                forced=complaint.forced_category, now=now)
    ticket = Ticket(merchant_id=merchant.id, channel=channel, customer_id=customer.id,
                    subject=(complaint.subject or _subject_from(text))[:300],
                    order_id=order.id if order else None,
                    order_number=(order.number if order else complaint.order_number) or None,
                    category=verdict.category, category_confidence=verdict.confidence,
                    category_source=verdict.source, needs_review=verdict.needs_review,
                    language=verdict.language, priority=Priority.NORMAL, status=Status.NEW, created_at=now,
                    updated_at=now)
    clocks.start(ticket, merchant, now)
    db.session.add(ticket)
    db.session.flush()
    start_timeline(ticket)
    search.index_ticket(ticket, customer)
    record_event(ticket, "ticket.created", "shopper", {"channel": channel.value, "ref": ticket.ref}, at=now)
    record_event(ticket, "ticket.categorised", f"triage:{verdict.source.value}",
                 {"category": verdict.category.value, "confidence": round(verdict.confidence, 4),
                  "needs_review": verdict.needs_review}, at=now)
    assign(ticket, routing.next_agent(merchant, ticket.category, now=now), "routing:round_robin", now=now)
    message = add_inbound(ticket, complaint, now=now, triage_text=text, language=verdict.language)
    if notifications.acknowledges(channel.value):
        jobs.enqueue(db.session, "ticket_opened", ticket.id)
    return Intake(ticket, message, True)


def _subject_from(text: str) -> str:
    first = " ".join(text.split())[:80]
    return first + ("…" if len(" ".join(text.split())) > 80 else "")


def add_inbound(ticket: Ticket, complaint: Complaint, *, now: datetime | None = None,
                triage_text: str | None = None, language: str | None = None) -> Message:
    """The shopper's words on a ticket; a reply reopens a resolved or waiting ticket."""
    now = now or utcnow()
    message = Message(merchant_id=ticket.merchant_id, ticket_id=ticket.id, direction=Direction.INBOUND,
                      body=complaint.message, new_text=triage_text or new_text(complaint.message),
                      body_html=nh3.clean(complaint.html) if complaint.html else None,
                      language=language or triage.detect_language(complaint.message),
                      email_message_id=complaint.message_id,
                      headers=_email_headers(complaint), created_at=now)
    db.session.add(message)
    db.session.flush()
    search.index_message(message)
    store_attachments(message, complaint.attachments)
    record_event(ticket, "message.received", "shopper", {"message_id": message.id}, at=now)
    if ticket.status in (Status.RESOLVED, Status.WAITING_CUSTOMER, Status.CLOSED):
        change_status(ticket, Status.OPEN, "shopper", now=now)
    ticket.updated_at = now
    return message


def _email_headers(complaint: Complaint) -> dict[str, Any]:
    headers = dict(complaint.headers)
    if complaint.in_reply_to:
        headers["In-Reply-To"] = complaint.in_reply_to
    if complaint.references:
        headers["References"] = " ".join(complaint.references)
    return headers


def store_attachments(message: Message, files: list[IncomingFile]) -> list[Attachment]:
    rows = []
    for f in files:
        digest = store_bytes(f.data)
        row = Attachment(merchant_id=message.merchant_id, message_id=message.id, filename=clean_filename(f.filename),
                         content_type=sniff_type(f.data, f.content_type), size=len(f.data), sha256=digest,
                         inline=f.inline)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def add_staff_message(ticket: Ticket, author: User, body: str, *, internal: bool,
                      now: datetime | None = None) -> Message:
    """A public reply to the shopper (it stops the first-response clock) or an internal note."""
    now = now or utcnow()
    body = body.strip()
    if not body:
        raise ValidationFailed("the message is empty", fields={"body": ["Write something first."]})
    message = Message(merchant_id=ticket.merchant_id, ticket_id=ticket.id,
                      direction=Direction.NOTE if internal else Direction.OUTBOUND, internal=internal,
                      author_user_id=author.id, body=body, created_at=now)
    db.session.add(message)
    db.session.flush()
    search.index_message(message)
    actor = f"{author.role.value}:{author.id}"
    record_event(ticket, "note.added" if internal else "reply.sent", actor, {"message_id": message.id}, at=now)
    if internal:
        mentions.record_mentions(ticket, message, author, now=now)
    if not internal:
        clocks.first_response(ticket, now)
        if ticket.status is Status.NEW:
            change_status(ticket, Status.OPEN, actor, now=now)
        jobs.enqueue(db.session, "deliver_reply", message.id)
    ticket.updated_at = now
    return message


ALLOWED = {
    Status.NEW: {Status.OPEN, Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED},
    Status.WAITING_CUSTOMER: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: {Status.OPEN},
    Status.ESCALATED: set(),  # the mediation case decides; staff cannot edit the status meanwhile
}


def change_status(ticket: Ticket, status: Status, actor: str, *, now: datetime | None = None) -> None:
    from ..errors import InvalidTransition

    now = now or utcnow()
    if status == ticket.status:
        return
    if status not in ALLOWED[ticket.status] and actor not in ("shopper", "system", "mediation"):
        raise InvalidTransition(f"a ticket cannot go from {ticket.status.value} to {status.value}")
    before = ticket.status
    ticket.status = status
    clocks.on_status(ticket, before, status, now)
    if status is Status.RESOLVED:
        from ..portal.satisfaction import ask_for_rating  # the portal builds on tickets, not the reverse

        ask_for_rating(ticket, now=now)
    record_event(ticket, "status.changed", actor, {"from": before.value, "to": status.value}, at=now)
    ticket.updated_at = now


def update_ticket(ticket: Ticket, changes: dict[str, Any], actor: User, *, now: datetime | None = None) -> Ticket:
    """Apply an agent's changes (status, category, priority, assignee, tags), one event each."""
    now = now or utcnow()
    who = f"{actor.role.value}:{actor.id}"
    if "status" in changes:
        change_status(ticket, Status(changes["status"]), who, now=now)
    if "category" in changes and Category(changes["category"]) != ticket.category:
        triage.correct(ticket, Category(changes["category"]), actor, now=now)
    elif "category" in changes:
        ticket.category_source, ticket.needs_review = CategorySource.AGENT, False
    if "priority" in changes and Priority(changes["priority"]) != ticket.priority:
        before = ticket.priority
        ticket.priority = Priority(changes["priority"])
        record_event(ticket, "priority.changed", who, {"from": before.value, "to": ticket.priority.value}, at=now)
    if "assignee" in changes:
        assign(ticket, changes["assignee"], who, now=now)
    if "tags" in changes:
        set_tags(ticket, changes["tags"], who, now=now)
    ticket.updated_at = now
    return ticket


def assign(ticket: Ticket, assignee: User | None, actor: str, *, now: datetime | None = None) -> None:
    if assignee is not None and (assignee.merchant_id != ticket.merchant_id or not assignee.is_staff):
        raise ValidationFailed("no such agent", fields={"assignee": ["No agent of this merchant has that email."]})
    new_id = assignee.id if assignee else None
    if new_id == ticket.assignee_id:
        return
    ticket.assignee_id = new_id
    record_event(ticket, "ticket.assigned", actor, {"assignee": assignee.email if assignee else None}, at=now)


def set_tags(ticket: Ticket, tags: list[str], actor: str, *, now: datetime | None = None) -> None:
    wanted = sorted({t.strip().lower()[:64] for t in tags if t and t.strip()})
    if wanted == ticket.tags:
        return
    ticket.tag_rows = [TicketTag(name=t, merchant_id=ticket.merchant_id) for t in wanted]
    record_event(ticket, "tags.changed", actor, {"tags": wanted}, at=now)
