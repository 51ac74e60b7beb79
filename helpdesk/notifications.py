"""Telling people: acknowledgements to shoppers and delivery of staff replies.

Acknowledgers and senders are registered per channel by `integrations/`
(email by SMTP); a ticket whose channel has no sender is followed in the
portal, where the reply is already visible. A new ticket of a channel without
an acknowledger queues no `ticket_opened` job at all: a webhook burst would
otherwise cost a job per ticket that does nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from .extensions import db
from .models import Message, OutboundMail, Ticket

log = logging.getLogger(__name__)

ACKNOWLEDGERS: dict[str, Callable[[Ticket], None]] = {}
REPLY_SENDERS: dict[str, Callable[[Ticket, Message], None]] = {}
# Per kind of mail, what follows once it went out (True) or could not (False), in the sender's transaction:
# a withdrawal counts as acknowledged only once its mail was accepted by the mail server.
MailOutcome = Callable[[OutboundMail, bool], None]
MAIL_OUTCOMES: dict[str, MailOutcome] = {}


def on_mail_outcome(kind: str) -> Callable[[MailOutcome], MailOutcome]:
    def register(func: MailOutcome) -> MailOutcome:
        MAIL_OUTCOMES[kind] = func
        return func
    return register


def mail_outcome(mail: OutboundMail, delivered: bool) -> None:
    """Called by the mail sender when a recorded mail went out, or will not (no route, or the last attempt)."""
    follow = MAIL_OUTCOMES.get(mail.kind)
    if follow is not None:
        follow(mail, delivered)


def acknowledges(channel: str) -> bool:
    """A new ticket of this channel is acknowledged (so `ticket_opened` has work to do)."""
    return channel in ACKNOWLEDGERS


def ticket_opened(ticket_id: int) -> None:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        log.warning("ticket_opened: no ticket %s (rolled back, or purged since)", ticket_id)
        return
    acknowledge = ACKNOWLEDGERS.get(ticket.channel.value)
    if acknowledge is not None:
        acknowledge(ticket)


def deliver_reply(message_id: int) -> None:
    message = db.session.get(Message, message_id)
    if message is None:
        log.warning("deliver_reply: no message %s (rolled back, or purged since)", message_id)
        return
    if message.internal:
        return
    ticket = db.session.get(Ticket, message.ticket_id)
    assert ticket is not None
    sender = REPLY_SENDERS.get(ticket.channel.value)
    if sender is None:
        log.info("reply %s on %s is shown in the portal (no sender for channel %s)", message.id, ticket.ref,
                 ticket.channel.value)
        return
    sender(ticket, message)
