"""The ticket: one shopper's dispute with one merchant, and everything said and done about it."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from .base import Base, StrEnum, utcnow
from .commerce import Customer, Order
from .types import enum_type
from .user import User

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a reference read over the phone survives.
REF_ALPHABET = "ACDEFGHJKMNPQRTUVWXY345679"


def new_ref() -> str:
    return "HD-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    ESCALATED = "escalated"


class Category(StrEnum):
    LATE_DELIVERY = "late_delivery"
    RETURN = "return"
    NON_CONFORMITY = "non_conformity"
    OTHER = "other"


class CategorySource(StrEnum):
    MODEL = "model"
    RULE = "rule"
    AGENT = "agent"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Channel(StrEnum):
    EMAIL = "email"
    WIDGET = "widget"
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
    WEBHOOK = "webhook"
    API = "api"


# The backlog (tickets.services.OPEN_STATUSES) and what the queues filter it on: see ix_ticket_open.
OPEN_TICKETS = "status IN ('new', 'open', 'waiting_customer', 'escalated')"
OPEN_TICKET_COLUMNS = ["status", "category", "priority", "channel", "assignee_id", "first_response_at",
                       "first_response_due_at", "resolved_at", "resolution_due_at", "sla_paused_since"]
# What the reports count, carried by ix_ticket_merchant_created so a year of tickets is one index-only scan.
# A breach is read off the times (sla.clocks.breached_clause): the breach flags, which the SLA sweep writes,
# stay out of every index, so recording a breach rewrites the ticket in place (a HOT update) at any scale.
REPORTED_COLUMNS = ["category", "channel", "first_response_at", "resolved_at", "first_response_due_at",
                    "resolution_due_at", "sla_paused_since"]


class Ticket(Base):
    """A dispute. Visible only once category, order and SLA due times are set (SPEC 2)."""

    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_merchant_created", "merchant_id", "created_at", "id", postgresql_include=REPORTED_COLUMNS),
        Index("ix_ticket_merchant_status", "merchant_id", "status"),
        Index("ix_ticket_first_response_due", "first_response_due_at"),
        Index("ix_ticket_resolution_due", "resolution_due_at"),
        # A shopper's tickets newest first: a new complaint looks for the open one about the same order.
        Index("ix_ticket_customer", "customer_id", "id"),
        # Open tickets only, covering what the queues filter on: the queue lists walk it in their order and
        # their counts are one index-only pass, as small as the backlog however many closed tickets pile up.
        Index("ix_ticket_open", "merchant_id", "created_at", "id", postgresql_where=text(OPEN_TICKETS),
              sqlite_where=text(OPEN_TICKETS), postgresql_include=OPEN_TICKET_COLUMNS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"))
    ref: Mapped[str] = mapped_column(String(16), unique=True, default=new_ref)
    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.NEW)
    category: Mapped[Category] = mapped_column(enum_type(Category), default=Category.OTHER)
    category_confidence: Mapped[float] = mapped_column(default=0.0)
    category_source: Mapped[CategorySource] = mapped_column(enum_type(CategorySource), default=CategorySource.MODEL)
    needs_review: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[Priority] = mapped_column(enum_type(Priority), default=Priority.NORMAL)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    subject: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("shop_order.id"), index=True)
    order_number: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    first_response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    sla_paused_since: Mapped[datetime | None]
    first_response_breached: Mapped[bool] = mapped_column(default=False)
    resolution_breached: Mapped[bool] = mapped_column(default=False)
    first_response_warn_at: Mapped[datetime | None]
    resolution_warn_at: Mapped[datetime | None]
    # Which warnings are recorded and when the sweep looks next: the narrow `TicketSla` row (models/sla.py).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship()
    order: Mapped[Order | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    tag_rows: Mapped[list[TicketTag]] = relationship(cascade="all, delete-orphan", order_by="TicketTag.name")
    messages: WriteOnlyMapped[Message] = relationship(order_by="Message.id", passive_deletes=True)
    events: WriteOnlyMapped[TicketEvent] = relationship(order_by="TicketEvent.seq", passive_deletes=True)

    @property
    def tags(self) -> list[str]:
        return [t.name for t in self.tag_rows]


class TicketTag(Base):
    __tablename__ = "ticket_tag"
    __table_args__ = (Index("ix_ticket_tag_merchant_name", "merchant_id", "name"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"))


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    NOTE = "note"


class Message(Base):
    """Something said on a ticket: the shopper's mail, a staff reply or an internal note.

    `body` is the full text received; `new_text` is what triage read (quoted
    history and signatures removed).
    """

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(enum_type(Direction))
    internal: Mapped[bool] = mapped_column(default=False)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text, default="")
    new_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    email_message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")


class Attachment(Base):
    """A file on a message; the bytes live under HELPDESK_DATA_DIR, named by their SHA-256."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    inline: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketEvent(Base):
    """One step of a ticket's timeline, append-only and hash-chained per ticket.

    `content_hash` covers the event's content; `chain_hash` covers the previous
    chain hash and this content hash, so editing or removing any event breaks
    every later link. Redacting personal data (GDPR) replaces `data` but keeps
    `content_hash`, so the chain still verifies.
    """

    __tablename__ = "ticket_event"
    __table_args__ = (UniqueConstraint("ticket_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(48))
    actor: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    redacted: Mapped[bool] = mapped_column(default=False)

