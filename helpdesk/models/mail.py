"""The email channel's state: the mailboxes a merchant connected, and every mail the helpdesk sends."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, StrEnum, utcnow
from .types import enum_type


class Mailbox(Base):
    """An IMAP folder read for complaints, and how to answer from it (SPEC 4.2).

    Passwords and the SMTP URL (which may carry credentials) are encrypted at
    rest. ``uidvalidity`` and ``last_uid`` are the checkpoint: they move only
    in the transaction that journaled the messages up to that UID. The lease
    lets one process poll a mailbox at a time; the health columns are what the
    staff see, and ``alerted_at`` marks that supervisors were told it keeps failing.
    """

    __tablename__ = "mailbox"
    __table_args__ = (UniqueConstraint("merchant_id", "host", "username", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int]
    tls: Mapped[bool] = mapped_column(default=True)
    username: Mapped[str] = mapped_column(String(320))
    password_encrypted: Mapped[str] = mapped_column(Text)
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    smtp_url_encrypted: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(320))
    acknowledge: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    backlog: Mapped[int] = mapped_column(default=0)
    alerted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboundStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    NO_ROUTE = "no_route"
    BOUNCED = "bounced"


class OutboundMail(Base):
    """One mail the helpdesk sends (acknowledgement, staff reply, notice), recorded before it is sent.

    The row is the durable record: a mail is never lost to a crashed job, and
    a merchant without an outbound route gets ``no_route`` instead of an error.
    ``message_id`` (signed, without angle brackets) is what replies thread on.
    """

    __tablename__ = "outbound_mail"
    __table_args__ = (
        Index("ix_outbound_mail_recipient", "merchant_id", "to_addr", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"), index=True)
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailbox.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32), default="notice")
    to_addr: Mapped[str] = mapped_column(String(320))
    from_addr: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    references: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[OutboundStatus] = mapped_column(enum_type(OutboundStatus), default=OutboundStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
