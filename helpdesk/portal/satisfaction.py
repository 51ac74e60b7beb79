"""The satisfaction survey (CSAT): once a ticket is resolved, its shopper is asked once, by email with the portal
link, to rate the outcome; the answer is the portal's rating, one per ticket, counted in the reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Merchant, Rating, Ticket, TicketEvent, utcnow
from ..tickets.timeline import record_event
from .links import portal_url_for
from .mail import mail_language, queue_shopper_mail, render_mail

ASKED = "csat.requested"


def ask_for_rating(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """Queue the survey unless this ticket's shopper was already asked or has rated; True when it was queued."""
    asked = db.session.scalar(select(TicketEvent.id).where(TicketEvent.ticket_id == ticket.id,
                                                           TicketEvent.kind == ASKED).limit(1))
    rated = db.session.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id).limit(1))
    if asked or rated or ticket.customer is None or not ticket.customer.email:
        return False
    merchant = db.session.get(Merchant, ticket.merchant_id)
    assert merchant is not None
    language = mail_language(ticket.language, ticket.customer.language, merchant.language)
    subject, text = render_mail("satisfaction", language, ticket=ticket, merchant=merchant,
                                shopper=ticket.customer.name, url=portal_url_for(ticket))
    queue_shopper_mail(merchant_id=merchant.id, to=ticket.customer.email, subject=subject, text=text,
                       kind="satisfaction", language=language, ticket_id=ticket.id)
    record_event(ticket, ASKED, "system", {}, at=now or utcnow())
    return True
