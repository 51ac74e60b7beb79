"""Mail the helpdesk sends: recorded first (`queue_mail`), then sent by SMTP in the `send_mail` job.

Every mail carries a signed Message-ID; mail about a ticket also carries the
reference in its subject and In-Reply-To / References pointing at the
ticket's mails, so the shopper's reply threads (SPEC 4.2). Acknowledgements
say `Auto-Submitted: auto-replied` so that other robots do not answer them.
A merchant with no way to send records `no_route`: nothing lost, nothing raised.
"""
from __future__ import annotations

import logging
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from flask import current_app
from sqlalchemy import select

from helpdesk import jobs, notifications
from helpdesk.extensions import db
from helpdesk.models import Mailbox, Merchant, Message, OutboundMail, OutboundStatus, Ticket, utcnow

from . import smtp
from .mailboxes import mailbox_for, sender_address, smtp_url_of
from .message_ids import new_message_id

log = logging.getLogger("helpdesk.mail")

MAX_ATTEMPTS = 5
MAX_REFERENCES = 20
AUTO_SUBMITTED = {"acknowledgement": "auto-replied", "reply": None}


def queue_mail(session: Any, *, merchant_id: int, to: str, subject: str, text: str, html: str | None = None,
               ticket_id: int | None = None, kind: str = "notice", language: str | None = None) -> OutboundMail:
    """Record a mail to send and enqueue its `send_mail` job (sent after the caller's commit).

    The row is the durable record (status queued / sent / failed / no_route);
    ``session`` is the caller's session (``db.session``), which the caller commits.
    """
    ticket = db.session.get(Ticket, ticket_id) if ticket_id else None
    mailbox, wrote_to = mailbox_for(merchant_id, ticket)
    sender = sender_address(mailbox, wrote_to) or _default_sender(merchant_id)
    ref = ticket.ref if ticket is not None else None
    if ref and ref not in subject:
        subject = f"[{ref}] {subject}"
    in_reply_to, references = _thread_of(ticket)
    problem = _no_route(mailbox, sender)
    mail = OutboundMail(merchant_id=merchant_id, ticket_id=ticket_id, mailbox_id=mailbox.id if mailbox else None,
                        kind=kind, to_addr=to.strip().lower(), from_addr=sender, subject=subject[:500], text=text,
                        html=html, language=language, in_reply_to=in_reply_to, references=references,
                        message_id=new_message_id(ref, _domain(sender)), attempts=0, error=problem,
                        status=OutboundStatus.NO_ROUTE if problem else OutboundStatus.QUEUED)
    session.add(mail)
    session.flush()
    if problem:
        log.info("mail %s (%s) of merchant %s not sent: %s", mail.id, kind, merchant_id, problem)
        notifications.mail_outcome(mail, False)
    else:
        jobs.enqueue(session, "send_mail", mail.id, job_id=f"send-mail-{mail.id}")
    return mail


def _default_sender(merchant_id: int) -> str | None:
    """Without a mailbox, the merchant's configured support address (only useful with HELPDESK_SMTP_URL)."""
    merchant = db.session.get(Merchant, merchant_id)
    return (merchant.settings or {}).get("support_email") if merchant is not None else None


def _route_url(mailbox: Mailbox | None) -> str | None:
    return (smtp_url_of(mailbox) if mailbox is not None else None) or current_app.config.get("HELPDESK_SMTP_URL")


def _no_route(mailbox: Mailbox | None, sender: str | None) -> str | None:
    if not _route_url(mailbox):
        return "no outbound route: connect a mailbox with --smtp-url (or set HELPDESK_SMTP_URL)"
    if not sender:
        return "no sender address: give the mailbox an --address"
    return None


def _domain(address: str | None) -> str:
    return address.rsplit("@", 1)[1] if address and "@" in address else "helpdesk.invalid"


def _thread_of(ticket: Ticket | None) -> tuple[str | None, list[str]]:
    """In-Reply-To (the shopper's latest mail, else our latest) and References (the ticket's ids, oldest first)."""
    if ticket is None:
        return None, []
    received = db.session.execute(select(Message.id, Message.email_message_id, Message.direction).where(
        Message.ticket_id == ticket.id, Message.email_message_id.is_not(None)).order_by(Message.id)).all()
    sent = db.session.execute(select(OutboundMail.id, OutboundMail.message_id, OutboundMail.created_at).where(
        OutboundMail.ticket_id == ticket.id).order_by(OutboundMail.id)).all()
    ids = list(dict.fromkeys([r.email_message_id for r in received] + [s.message_id for s in sent]))
    inbound = [r.email_message_id for r in received if r.direction.value == "inbound"]
    in_reply_to = inbound[-1] if inbound else (ids[-1] if ids else None)
    if len(ids) > MAX_REFERENCES:
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1):]
    return in_reply_to, ids


def build_message(mail: OutboundMail, merchant_name: str) -> EmailMessage:
    """The RFC 5322 message for a recorded mail."""
    msg = EmailMessage()
    msg["From"] = formataddr((merchant_name, mail.from_addr or ""))
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.created_at)
    msg["Message-ID"] = f"<{mail.message_id}>"
    if mail.in_reply_to:
        msg["In-Reply-To"] = f"<{mail.in_reply_to}>"
    if mail.references:
        msg["References"] = " ".join(f"<{r}>" for r in mail.references)
    auto = AUTO_SUBMITTED.get(mail.kind, "auto-generated")
    if auto:
        msg["Auto-Submitted"] = auto
        msg["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office answers to robots
    msg.set_content(mail.text)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    if mail.language:  # after the body: setting content clears every Content-* header
        msg["Content-Language"] = mail.language
    return msg


def send_outbound(mail_id: int, *, now: datetime | None = None) -> OutboundMail | None:
    """Send one recorded mail and commit; raises while retries remain so the job runs again. Idempotent."""
    mail = db.session.get(OutboundMail, mail_id)
    if mail is None:
        log.warning("mail %s: no such mail to send (its transaction rolled back, or the row was purged)", mail_id)
        return None
    if mail.status is not OutboundStatus.QUEUED:
        return mail
    mailbox = db.session.get(Mailbox, mail.mailbox_id) if mail.mailbox_id else None
    url = _route_url(mailbox)
    if not url or not mail.from_addr:
        mail.status, mail.error = OutboundStatus.NO_ROUTE, _no_route(mailbox, mail.from_addr)
        notifications.mail_outcome(mail, False)
        db.session.commit()
        return mail
    merchant = db.session.get(Merchant, mail.merchant_id)
    mail.attempts += 1
    try:
        smtp.send(smtp.parse_smtp_url(url), build_message(mail, merchant.name if merchant else ""))
    except Exception as exc:
        mail.error = f"{type(exc).__name__}: {exc}"[:2000]
        final = mail.attempts >= MAX_ATTEMPTS
        if final:
            mail.status = OutboundStatus.FAILED
            notifications.mail_outcome(mail, False)
        db.session.commit()
        log.warning("mail %s: attempt %d failed (%s)%s", mail.id, mail.attempts, type(exc).__name__,
                    "; giving up" if final else "; will retry")
        if not final:
            raise
        return mail
    mail.status, mail.sent_at, mail.error = OutboundStatus.SENT, now or utcnow(), None
    notifications.mail_outcome(mail, True)
    db.session.commit()
    return mail
