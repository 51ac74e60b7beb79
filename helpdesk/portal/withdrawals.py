"""The withdrawal function (EU Directive 2023/2673, art. 11a of Directive 2011/83; SPEC 4.3).

The shopper names the order and confirms; the merchant receives the
statement at once, and the shopper gets an acknowledgement on a durable
medium (email) stating its content and the date and time it was received.
The withdrawal opens a `return` ticket whose legal clocks (refund within 14
days in France; the withdrawal period itself) are computed from the rules in
`sla/legal_rules.py`. Like every channel it goes through the inbound journal:
the client's key makes a repeated post one withdrawal.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..intake.complaint import Complaint
from ..intake.journal import handles
from ..models import (
    Channel,
    InboundDelivery,
    Merchant,
    Order,
    OutboundMail,
    OutboundStatus,
    Ticket,
    Withdrawal,
    utcnow,
)
from ..notifications import on_mail_outcome
from ..sla.clocks import calendar_for
from ..sla.legal_rules import LegalClock, legal_clocks_for
from ..tickets.customers import find_order
from ..tickets.services import open_or_thread
from ..tickets.timeline import record_event
from .links import portal_url_for
from .mail import local_instant, mail_language, queue_shopper_mail, render_mail

log = logging.getLogger(__name__)

CHANNEL = "withdrawal"
# What the shopper declares, word for word, in their language (the widget shows the same sentence).
STATEMENT = {
    "fr": "Je me rétracte du contrat portant sur la commande {order}.",
    "en": "I hereby withdraw from the contract for order {order}.",
    "ar": "أعلن تراجعي عن العقد المتعلق بالطلبية {order}.",
}
SUBJECT = {"fr": "Rétractation : commande {order}", "en": "Withdrawal: order {order}",
           "ar": "تراجع: الطلبية {order}"}


@dataclass(frozen=True)
class Receipt:
    ticket: Ticket
    withdrawal: Withdrawal


def statement_for(order_number: str, language: str, note: str = "") -> str:
    text = STATEMENT[mail_language(language)].format(order=order_number)
    return f"{text}\n\n{note.strip()}" if note and note.strip() else text


def order_facts(order: Order | None) -> dict[str, datetime]:
    """The dated facts of an order that legal rules start from (names of `legal_rules.EVENTS`)."""
    if order is None:
        return {}
    facts = {"order_placed": order.placed_at, "delivery_promised": order.promised_delivery_at,
             "delivered": order.delivered_at}
    return {k: v for k, v in facts.items() if v is not None}


def legal_clocks_of(withdrawal: Withdrawal, merchant: Merchant, *, now: datetime | None = None) -> list[LegalClock]:
    order = db.session.get(Order, withdrawal.order_id) if withdrawal.order_id else None
    facts = {**order_facts(order), "withdrawal_received": withdrawal.received_at}
    return legal_clocks_for(merchant.country, "return", facts, now=now or utcnow(), calendar=calendar_for(merchant))


def record_withdrawal(merchant: Merchant, data: dict[str, Any], *, delivery_id: int,
                      received_at: datetime) -> Receipt:
    """Open the `return` ticket, keep the withdrawal, and queue its acknowledgement. The caller commits."""
    language = mail_language(data.get("language"), merchant.language)
    number = data["order_number"].strip()
    order = find_order(merchant.id, number)
    statement = statement_for(number, language, data.get("message") or "")
    # No order number on the complaint: a withdrawal is a ticket of its own, never a reply threaded into
    # another open ticket about the same order. The order is attached right after.
    complaint = Complaint(email=data["email"], name=data["name"], message=statement, language=language,
                          subject=SUBJECT[mail_language(merchant.language)].format(order=number),
                          forced_category="return")
    ticket = open_or_thread(merchant, complaint, Channel.WIDGET, now=received_at).ticket
    ticket.order_id, ticket.order_number = (order.id if order else None), (order.number if order else number)
    withdrawal = Withdrawal(merchant_id=merchant.id, ticket_id=ticket.id, delivery_id=delivery_id,
                            order_id=order.id if order else None, order_number=number, email=data["email"].lower(),
                            name=data["name"], statement=statement, language=language, received_at=received_at)
    db.session.add(withdrawal)
    db.session.flush()
    clocks = legal_clocks_of(withdrawal, merchant, now=received_at)
    record_event(ticket, "withdrawal.received", "shopper", {
        "order_number": number, "received_at": received_at.isoformat(), "order_found": order is not None,
        "legal_clocks": [{"rule": c.rule.code, "article": c.rule.article, "due_at": c.due_at.isoformat(),
                          "status": c.status} for c in clocks]}, at=received_at)
    # The fact the legal clocks of the ticket read (sla/legal.py), whatever else the ticket says later.
    record_event(ticket, "legal.withdrawal_received", "shopper", {"at": received_at.isoformat()}, at=received_at)
    acknowledge(merchant, ticket, withdrawal, clocks)
    return Receipt(ticket, withdrawal)


def acknowledge(merchant: Merchant, ticket: Ticket, withdrawal: Withdrawal, clocks: list[LegalClock]) -> None:
    """The acknowledgement on a durable medium: content, date and time of receipt, and what happens next."""
    lang = withdrawal.language
    refund = [c for c in clocks if c.rule.start_event == "withdrawal_received"]
    subject, text = render_mail(
        "withdrawal_ack", lang, merchant=merchant, withdrawal=withdrawal, ref=ticket.ref,
        received=local_instant(withdrawal.received_at, merchant, lang),
        received_utc=withdrawal.received_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        refund_due=local_instant(refund[0].due_at, merchant, lang) if refund else None,
        portal_url=portal_url_for(ticket))
    mail = queue_shopper_mail(merchant_id=merchant.id, to=withdrawal.email, subject=subject, text=text,
                              kind="withdrawal_ack", language=lang, ticket_id=ticket.id)
    if mail is None:
        _not_acknowledged(ticket, "no email channel")
    # Acknowledged once the mail server took the mail (`acknowledgement_sent`), not before.


@on_mail_outcome("withdrawal_ack")
def acknowledgement_sent(mail: OutboundMail, delivered: bool) -> None:
    ticket = db.session.get(Ticket, mail.ticket_id) if mail.ticket_id else None
    withdrawal = withdrawal_of(ticket) if ticket is not None else None
    if ticket is None or withdrawal is None:
        return
    if not delivered:
        _not_acknowledged(ticket, mail.error or "not sent")
        return
    withdrawal.acknowledged_at = mail.sent_at or utcnow()
    record_event(ticket, "withdrawal.acknowledged", "system", {"to": "shopper", "medium": "email"})


def acknowledgement_on_its_way(ticket: Ticket) -> bool:
    """A mail server may still take the acknowledgement (queued or already sent), so the shopper may expect it."""
    return db.session.scalar(select(OutboundMail.id).where(
        OutboundMail.ticket_id == ticket.id, OutboundMail.kind == "withdrawal_ack",
        OutboundMail.status.in_((OutboundStatus.QUEUED, OutboundStatus.SENT))).limit(1)) is not None


def _not_acknowledged(ticket: Ticket, reason: str | None) -> None:
    """The law wants the acknowledgement on a durable medium: staff must see at once that it did not go."""
    log.warning("withdrawal acknowledgement for %s not sent: %s", ticket.ref, reason)
    record_event(ticket, "withdrawal.acknowledgement_failed", "system", {"to": "shopper", "reason": reason})


@handles(CHANNEL)
def process_withdrawal(delivery: InboundDelivery) -> Ticket:
    """Journal handler: the instant the delivery was received is the instant of the withdrawal."""
    merchant = db.session.get(Merchant, delivery.merchant_id)
    assert merchant is not None
    return record_withdrawal(merchant, json.loads(delivery.payload), delivery_id=delivery.id,
                             received_at=delivery.received_at).ticket


def withdrawal_of(ticket: Ticket) -> Withdrawal | None:
    return db.session.scalars(select(Withdrawal).where(Withdrawal.ticket_id == ticket.id)
                              .order_by(Withdrawal.id).limit(1)).first()
