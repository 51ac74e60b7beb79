"""Which ticket a mail belongs to: by the ids it answers, then by the reference in its subject.

1. In-Reply-To / References, nearest first, against every Message-ID the
   helpdesk sent (its own ids are signed: a forged one is ignored) or received.
2. The ``[HD-XXXXXX]`` in the subject, only when the sender is the ticket's
   shopper or someone already on the ticket: a stranger quoting someone
   else's reference opens a ticket of their own (SPEC 4.2).
Never by subject text alone.
"""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Customer, Direction, Message, Ticket

from .message_ids import read_own, subject_reference
from .mime import ParsedMail

FROM_HEADER = "x-helpdesk-from"


def ticket_by_ref(merchant_id: int, ref: str) -> Ticket | None:
    return db.session.scalar(select(Ticket).where(Ticket.merchant_id == merchant_id, Ticket.ref == ref.upper()))


def ticket_answered(merchant_id: int, ids: list[str]) -> Ticket | None:
    """The ticket of the nearest id this mail answers, if the helpdesk sent or received it."""
    for mid in ids:
        own = read_own(mid)
        if own is not None:
            ticket = ticket_by_ref(merchant_id, own.ref) if own.valid and own.ref else None
            if ticket is not None:
                return ticket
            continue  # our shape but a bad signature: forged, never trusted
        ticket_id = db.session.scalar(select(Message.ticket_id).where(
            Message.merchant_id == merchant_id, Message.email_message_id == mid).order_by(Message.id).limit(1))
        if ticket_id is not None:
            return db.session.get(Ticket, ticket_id)
    return None


def is_participant(ticket: Ticket, address: str | None) -> bool:
    """The ticket's shopper, or someone who already wrote on it or was copied by the shopper."""
    if not address:
        return False
    address = address.lower()
    shopper = db.session.scalar(select(Customer.email).where(Customer.id == ticket.customer_id))
    if shopper and shopper.lower() == address:
        return True
    rows = db.session.scalars(select(Message.headers).where(Message.ticket_id == ticket.id,
                                                            Message.direction == Direction.INBOUND))
    for headers in rows:
        known = [headers.get(FROM_HEADER, ""), *headers.get("x-helpdesk-cc", "").split(",")]
        if address in (k.strip().lower() for k in known if k):
            return True
    return False


def find_ticket(merchant_id: int, mail: ParsedMail) -> Ticket | None:
    """The ticket this mail continues, or None for a new ticket."""
    ticket = ticket_answered(merchant_id, mail.thread_ids)
    if ticket is not None:
        return ticket
    ref = subject_reference(mail.subject)
    if ref:
        ticket = ticket_by_ref(merchant_id, ref)
        if ticket is not None and is_participant(ticket, mail.from_addr):
            return ticket
    return None
