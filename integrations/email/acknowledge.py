"""Acknowledgements and staff replies by email, plugged into `helpdesk.notifications`.

A new email ticket is acknowledged in the shopper's language (French,
English or Arabic; the merchant's language otherwise) with its reference and
portal link, unless the mail came from a robot or a list, the mailbox has
acknowledgements off, or the sender already got ``ACK_LIMIT`` of them this hour.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import render_template
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import Mailbox, Merchant, Message, OutboundMail, Ticket, utcnow
from helpdesk.portal.links import portal_url_for

from .channel import NOISE_HEADER
from .mailboxes import MAILBOX_HEADER, first_inbound
from .outbound import queue_mail

log = logging.getLogger("helpdesk.mail")

ACK_LIMIT = 3  # acknowledgements per sender per hour
LANGUAGES = ("fr", "en", "ar")
KIND = "acknowledgement"


def acknowledge_by_email(ticket: Ticket) -> None:
    """Queue the acknowledgement of a new email ticket, once, when it is due (the job commits).

    Registered for the email channel only (`wiring`): `ticket_opened` calls it for email tickets alone."""
    first = first_inbound(ticket)
    if first is None or not _wanted(ticket, first):
        return
    merchant = db.session.get(Merchant, ticket.merchant_id)
    assert merchant is not None
    to = ticket.customer.email
    if _sent_this_hour(ticket.merchant_id, to) >= ACK_LIMIT:
        log.info("no acknowledgement for %s: %d already sent to that sender this hour", ticket.ref, ACK_LIMIT)
        return
    language = _language(first.language or ticket.language, merchant)
    context = {"ref": ticket.ref, "portal_url": portal_url_for(ticket), "merchant": merchant.name,
               "subject": ticket.subject, "name": ticket.customer.name}
    subject, _, text = render_template(f"email/acknowledgement.{language}.txt", **context).partition("\n\n")
    queue_mail(db.session, merchant_id=ticket.merchant_id, to=to, subject=subject.strip(), text=text.strip() + "\n",
               ticket_id=ticket.id, kind=KIND, language=language)


def _wanted(ticket: Ticket, first: Message) -> bool:
    """Not for robots or lists, not twice, not when the mailbox turned acknowledgements off."""
    noise = first.headers.get(NOISE_HEADER, "none")
    if noise != "none":
        log.info("no acknowledgement for %s: the mail is %s", ticket.ref, noise)
        return False
    if db.session.scalar(select(OutboundMail.id).where(OutboundMail.ticket_id == ticket.id,
                                                       OutboundMail.kind == KIND).limit(1)):
        return False
    mailbox_id = first.headers.get(MAILBOX_HEADER)
    mailbox = db.session.get(Mailbox, int(mailbox_id)) if str(mailbox_id or "").isdigit() else None
    return mailbox is None or mailbox.acknowledge


def _sent_this_hour(merchant_id: int, to: str) -> int:
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(select(func.count()).select_from(OutboundMail).where(
        OutboundMail.merchant_id == merchant_id, OutboundMail.to_addr == to.lower(), OutboundMail.kind == KIND,
        OutboundMail.created_at >= since)) or 0


def _language(detected: str | None, merchant: Merchant) -> str:
    """The language the shopper wrote in; Darija in Latin letters reads French best, then the merchant's."""
    if detected == "darija":
        return "fr"
    return detected if detected in LANGUAGES else (merchant.language if merchant.language in LANGUAGES else "fr")


def send_reply_by_email(ticket: Ticket, message: Message) -> None:
    """A staff reply to an email ticket goes to the shopper, threaded on the ticket's mails. Once only."""
    if message.email_message_id is not None:  # an earlier run recorded its mail (RQ runs an abandoned job again)
        return
    mail = queue_mail(db.session, merchant_id=ticket.merchant_id, to=ticket.customer.email,
                      subject=_reply_subject(ticket.subject), text=message.body, ticket_id=ticket.id, kind="reply",
                      language=ticket.language if ticket.language in LANGUAGES else None)
    message.email_message_id = mail.message_id


def _reply_subject(subject: str) -> str:
    subject = subject or ""
    return subject if subject.lower().startswith(("re:", "re :")) else f"Re: {subject}".strip()
