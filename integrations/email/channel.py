"""The email channel's handler: a journaled raw mail -> a new ticket, a threaded message, or an explained no.

Runs in the `process_delivery` job. Robots are told apart first: bounces are
recorded as a delivery failure on the ticket whose mail bounced, auto-replies
never open a ticket, mail from the helpdesk's own addresses is a loop and
ignored. Everything else becomes a ticket or a message; mailing-list mail too,
but without acknowledgement (the acknowledger reads the noise kind kept on
the message).
"""
from __future__ import annotations

import re
from typing import Any

from flask import current_app
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.intake.complaint import Complaint, IncomingFile
from helpdesk.intake.journal import Ignored, handles
from helpdesk.models import Channel, InboundDelivery, Merchant, OutboundMail, OutboundStatus, Ticket
from helpdesk.tickets.services import open_or_thread
from helpdesk.tickets.timeline import record_event

from .mailboxes import MAILBOX_HEADER, WROTE_TO_HEADER, own_addresses
from .message_ids import read_own
from .mime import ParsedMail, parse_message
from .noise import Noise, classify_noise
from .threads import FROM_HEADER, find_ticket, ticket_answered, ticket_by_ref

NOISE_HEADER = "x-helpdesk-noise"
CC_HEADER = "x-helpdesk-cc"
KEPT_HEADERS = ("from", "to", "cc", "date", "subject", "reply-to", "auto-submitted", "list-id", "precedence")
_ORDER = re.compile(r"(?:commande|order|cmd|طلب|طلبية)\s*(?:n[°o]\.?|num[ée]ro|number|no\.?|#|:)?\s*#?\s*"
                    r"([A-Z0-9-]{3,20}\d)\b|#\s?(\d{3,12})\b", re.IGNORECASE)


@handles("email")
def handle_email(delivery: InboundDelivery) -> Ticket | None:
    """Turn one journaled mail into a ticket or a message; robots and loops are recorded, not answered."""
    merchant = db.session.get(Merchant, delivery.merchant_id)
    assert merchant is not None
    mail = parse_message(delivery.payload,
                         max_attachment_bytes=current_app.config.get("HELPDESK_MAX_ATTACHMENT", 10 * 2 ** 20))
    noise = classify_noise(mail)
    _refuse_own_mail(merchant.id, mail)
    if noise.bounce:
        return _record_bounce(merchant.id, mail, noise)
    ticket = find_ticket(merchant.id, mail)
    if noise.auto_reply:
        if ticket is None:
            raise Ignored(f"automatic reply, not a complaint ({noise.reason})")
        record_event(ticket, "mail.auto_reply", "system", {"from": mail.from_addr, "subject": mail.subject[:200],
                                                           "reason": noise.reason[:300]})
        return ticket
    if not mail.from_addr and mail.reply_to:  # some mailers send only Reply-To: answer there
        mail.from_addr, mail.from_name = mail.reply_to[0].addr, mail.reply_to[0].name
    if not mail.from_addr or len(mail.from_addr) > 254:
        raise Ignored("no usable sender address: nobody to answer (" + "; ".join(mail.defects[:3]) + ")")
    complaint = _complaint(mail, noise, delivery)
    return open_or_thread(merchant, complaint, Channel.EMAIL, thread_into=ticket).ticket


def _refuse_own_mail(merchant_id: int, mail: ParsedMail) -> None:
    """Mail the helpdesk sent itself (its own signed id, or from its own address) would start a loop."""
    own = read_own(mail.message_id)
    if own is not None and own.valid:
        raise Ignored("the helpdesk's own mail (its signed Message-ID)")
    if mail.from_addr and mail.from_addr in own_addresses(merchant_id):
        raise Ignored(f"sent from the helpdesk's own address {mail.from_addr} (mail loop guard)")


def _record_bounce(merchant_id: int, mail: ParsedMail, noise: Noise) -> Ticket | None:
    """A delivery report: the mail that bounced is marked, and its ticket gets a delivery-failure event.

    A mail about no ticket (a staff notice, a mention, a mailbox alert) is marked all the same: the report is
    then done with no ticket, not ignored, which would roll the mark back.
    """
    candidates = [noise.original_message_id, *mail.thread_ids]
    marked = False
    for mid in (m for m in candidates if m):
        sent = db.session.scalar(select(OutboundMail).where(OutboundMail.merchant_id == merchant_id,
                                                            OutboundMail.message_id == mid))
        ticket = db.session.get(Ticket, sent.ticket_id) if sent is not None and sent.ticket_id else None
        if sent is not None:
            sent.status, sent.error = OutboundStatus.BOUNCED, f"bounced: {noise.reason}"[:2000]
            marked = True
        if ticket is None:
            own = read_own(mid)
            ticket = ticket_by_ref(merchant_id, own.ref) if own is not None and own.valid and own.ref else None
        if ticket is not None:
            record_event(ticket, "mail.delivery_failed", "system", {
                "to": sent.to_addr if sent is not None else None, "failed_recipients": list(noise.failed_recipients),
                "reason": noise.reason[:300], "report_subject": mail.subject[:200]})
            return ticket
    if marked:
        return None
    raise Ignored(f"delivery report for a mail this helpdesk did not send ({noise.reason})")


def _complaint(mail: ParsedMail, noise: Noise, delivery: InboundDelivery) -> Complaint:
    files = [IncomingFile(a.filename, a.content_type, a.data, a.inline) for a in mail.attachments if not a.skipped]
    skipped = [a.filename for a in mail.attachments if a.skipped]
    meta = delivery.meta or {}
    headers: dict[str, Any] = {k: mail.headers[k] for k in KEPT_HEADERS if k in mail.headers}
    headers.update({FROM_HEADER: mail.from_addr, NOISE_HEADER: noise.kind, MAILBOX_HEADER: meta.get("mailbox_id"),
                    WROTE_TO_HEADER: mail.to[0].addr if mail.to else None,
                    CC_HEADER: ",".join(m.addr for m in mail.cc)})
    if skipped:
        headers["x-helpdesk-skipped-attachments"] = ", ".join(skipped)[:1000]
    if mail.defects:
        headers["x-helpdesk-defects"] = "; ".join(mail.defects[:10])[:1000]
    text = mail.text if mail.text.strip() else ("(" + ", ".join(a.filename for a in mail.attachments) + ")"
                                                if mail.attachments else "")
    return Complaint(email=mail.from_addr or "", name=mail.from_name[:200], subject=mail.subject[:300],
                     message=text, html=mail.html, order_number=_order_number(mail.subject, text),
                     attachments=files, message_id=(mail.message_id or "")[:255] or None, in_reply_to=mail.in_reply_to,
                     references=mail.references, headers={k: v for k, v in headers.items() if v not in (None, "")})


def _order_number(subject: str, text: str) -> str | None:
    """An order number the shopper wrote ("commande n° 1043", "#1043"), to link the order."""
    match = _ORDER.search(f"{subject}\n{text[:2000]}")
    if match is None:
        return None
    return match.group(1) or "#" + match.group(2)


__all__ = ["handle_email", "ticket_answered"]
