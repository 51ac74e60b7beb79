"""Mailboxes of a merchant: connect one (SPEC 8 `add-mailbox`), find the one a ticket's mail came through."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from helpdesk.crypto import decrypt, encrypt
from helpdesk.errors import Conflict, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models import Direction, Mailbox, Merchant, Message, Ticket

from .smtp import parse_smtp_url

MAILBOX_HEADER = "x-helpdesk-mailbox"  # kept on a stored inbound message: which mailbox it came through
WROTE_TO_HEADER = "x-helpdesk-to"  # the support address the shopper wrote to


def _address(value: str, what: str) -> str:
    try:
        return validate_email(value, check_deliverability=False, globally_deliverable=False,
                              test_environment=True).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(f"{what} is not an email address: {exc}") from None


def add_mailbox(merchant: Merchant, *, host: str, port: int, user: str, password: str, folder: str = "INBOX",
                tls: bool = True, smtp_url: str | None = None, address: str | None = None) -> Mailbox:
    """Connect an IMAP folder to the merchant; secrets are stored encrypted. The caller commits.

    Its first poll reads every message already in the folder (SPEC 4.2).
    """
    if not host.strip() or not 0 < port < 65536:
        raise ValidationFailed("the IMAP host and a port between 1 and 65535 are required")
    if smtp_url:
        try:
            parse_smtp_url(smtp_url)
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None
    address = _address(address, "--address") if address else None
    folder = folder or "INBOX"
    if db.session.scalar(select(Mailbox.id).where(Mailbox.merchant_id == merchant.id, Mailbox.host == host,
                                                  Mailbox.username == user, Mailbox.folder == folder)):
        raise Conflict(f"mailbox {user} on {host} ({folder}) is already connected to {merchant.slug}")
    mailbox = Mailbox(merchant_id=merchant.id, host=host.strip(), port=port, tls=tls, username=user,
                      password_encrypted=encrypt(password), folder=folder,
                      smtp_url_encrypted=encrypt(smtp_url) if smtp_url else None, address=address,
                      acknowledge=True, active=True, last_uid=0, consecutive_failures=0, backlog=0)
    db.session.add(mailbox)
    db.session.flush()
    return mailbox


def password_of(mailbox: Mailbox) -> str:
    return decrypt(mailbox.password_encrypted)


def smtp_url_of(mailbox: Mailbox) -> str | None:
    return decrypt(mailbox.smtp_url_encrypted) if mailbox.smtp_url_encrypted else None


def sender_address(mailbox: Mailbox | None, wrote_to: str | None = None) -> str | None:
    """From: --address, else the IMAP user when it is an address, else the address the shopper wrote to."""
    if mailbox is not None and mailbox.address:
        return mailbox.address
    if mailbox is not None and "@" in mailbox.username:
        return mailbox.username.lower()
    return wrote_to or None


def own_addresses(merchant_id: int) -> set[str]:
    """Every address the merchant's helpdesk sends from: mail from these is the helpdesk's own."""
    rows = db.session.execute(select(Mailbox.address, Mailbox.username).where(Mailbox.merchant_id == merchant_id))
    found = set()
    for address, username in rows:
        found.update(a.lower() for a in (address, username) if a and "@" in a)
    return found


def mailboxes_of(merchant_id: int) -> list[Mailbox]:
    return list(db.session.scalars(select(Mailbox).where(Mailbox.merchant_id == merchant_id, Mailbox.active)
                                   .order_by(Mailbox.id)))


def first_inbound(ticket: Ticket) -> Message | None:
    return db.session.scalars(select(Message).where(Message.ticket_id == ticket.id,
                                                    Message.direction == Direction.INBOUND)
                              .order_by(Message.id).limit(1)).first()


def mailbox_for(merchant_id: int, ticket: Ticket | None) -> tuple[Mailbox | None, str | None]:
    """The mailbox to answer from, and the address the shopper wrote to (for the From fallback).

    A ticket is answered from the mailbox its first mail came through; otherwise
    the merchant's first mailbox that can send, else its first mailbox.
    """
    wrote_to = None
    if ticket is not None:
        first = first_inbound(ticket)
        headers = first.headers if first is not None else {}
        wrote_to = headers.get(WROTE_TO_HEADER)
        mailbox_id = headers.get(MAILBOX_HEADER)
        mailbox = db.session.get(Mailbox, int(mailbox_id)) if str(mailbox_id or "").isdigit() else None
        if mailbox is not None and mailbox.merchant_id == merchant_id:
            return mailbox, wrote_to
    boxes = mailboxes_of(merchant_id)
    sending = [m for m in boxes if m.smtp_url_encrypted]
    return ((sending or boxes or [None])[0], wrote_to)
