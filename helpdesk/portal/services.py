"""What a shopper does in the portal: reply, add evidence, rate the outcome, ask for fresh links.

Each function takes the ticket a portal token opened (`links.resolve`), so a
token reaches its own ticket only. Callers commit.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..intake.complaint import Complaint, IncomingFile
from ..models import Customer, Merchant, Message, Rating, Status, Ticket, utcnow
from ..tickets.services import add_inbound
from ..tickets.timeline import record_event
from .links import base_url, current_token
from .mail import mail_language, queue_shopper_mail, render_mail

RATEABLE = (Status.RESOLVED, Status.CLOSED)
LINKS_PER_MAIL = 10


def reply_as_shopper(ticket: Ticket, body: str, files: list[IncomingFile], *, now: datetime | None = None) -> Message:
    """The shopper's answer, with any files; it reopens a resolved ticket like a mail would."""
    body = body.strip()
    if not body and not files:
        raise ValidationFailed("empty reply", fields={"body": [_("Write your message or add a file.")]})
    complaint = Complaint(email=ticket.customer.email, message=body or _("(files attached)"), attachments=files)
    return add_inbound(ticket, complaint, now=now)


def add_evidence(ticket: Ticket, files: list[IncomingFile], note: str = "", *,
                 now: datetime | None = None) -> Message:
    """Photos or documents backing the complaint, as a message of their own so staff see when they came."""
    if not files:
        raise ValidationFailed("no file", fields={"files": [_("Choose at least one photo or PDF.")]})
    names = ", ".join(f.filename for f in files)
    message = add_inbound(ticket, Complaint(email=ticket.customer.email, attachments=files,
                                            message=note.strip() or _("Evidence added: %(names)s", names=names)),
                          now=now)
    record_event(ticket, "evidence.added", "shopper", {"message_id": message.id, "files": len(files)}, at=now)
    return message


def rate_outcome(ticket: Ticket, score: int, comment: str = "", *, now: datetime | None = None) -> Rating:
    """The shopper's rating once the ticket is resolved; rating again changes it."""
    now = now or utcnow()
    if ticket.status not in RATEABLE:
        raise Conflict(_("You can rate the outcome once your request is resolved."))
    if not 1 <= score <= 5:
        raise ValidationFailed("bad score", fields={"score": [_("Choose from 1 to 5 stars.")]})
    rating = db.session.scalar(select(Rating).where(Rating.ticket_id == ticket.id))
    if rating is None:
        rating = Rating(merchant_id=ticket.merchant_id, ticket_id=ticket.id, created_at=now, score=score)
        db.session.add(rating)
    rating.score, rating.comment, rating.updated_at = score, comment.strip()[:2000], now
    db.session.flush()
    record_event(ticket, "outcome.rated", "shopper", {"score": score}, at=now)
    return rating


def rating_of(ticket: Ticket) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.ticket_id == ticket.id))


def send_new_links(email: str, ref: str | None = None) -> int:
    """Mail the owner of `email` a fresh link to each of their recent tickets, one mail per merchant.

    The answer on screen never says whether the address is known; the mail
    goes only to that address, so nobody else learns or gets anything.
    """
    email = email.strip().lower()
    sent = 0
    for customer in db.session.scalars(select(Customer).where(Customer.email == email)).all():
        stmt = select(Ticket).where(Ticket.customer_id == customer.id)
        if ref:
            stmt = stmt.where(Ticket.ref == ref.strip().upper())
        tickets = db.session.scalars(stmt.order_by(Ticket.id.desc()).limit(LINKS_PER_MAIL)).all()
        if not tickets:
            continue
        merchant = db.session.get(Merchant, customer.merchant_id)
        assert merchant is not None
        lang = mail_language(customer.language, tickets[0].language, merchant.language)
        listed = [{"ref": t.ref, "subject": t.subject, "url": f"{base_url()}/portal/{current_token(t)}"}
                  for t in tickets]
        subject, text = render_mail("new_link", lang, merchant=merchant, tickets=listed)
        queue_shopper_mail(merchant_id=merchant.id, to=email, subject=subject, text=text, kind="portal_link",
                           language=lang, ticket_id=tickets[0].id if len(tickets) == 1 else None)
        sent += 1
    return sent


def shopper_view(ticket: Ticket) -> dict[str, Any]:
    """The ticket as its shopper may see it (SPEC 6.1): no internal note, no staff address, no triage detail."""
    from ..tickets.present import messages_of
    from .mediation_cases import latest_case, shopper_case

    case = latest_case(ticket)
    return {
        "ref": ticket.ref, "status": ticket.status.value, "category": ticket.category.value,
        "subject": ticket.subject, "created_at": ticket.created_at.isoformat(),
        "messages": [{"id": m.id, "direction": m.direction.value, "body": m.body,
                      "created_at": m.created_at.isoformat(),
                      "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type,
                                       "size": a.size} for a in m.attachments]}
                     for m in messages_of(ticket, public_only=True)],
        # The newest case, active or ended, as the shopper may see it: the joint channel and their own caucus.
        "mediation": shopper_case(case) if case is not None else None,
    }
