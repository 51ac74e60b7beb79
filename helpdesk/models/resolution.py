"""What an agent does about a ticket beyond words: offers in a ledger, bulk changes, and who is looking at it."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, StrEnum, utcnow
from .types import enum_type
from .user import User


class OfferKind(StrEnum):
    REFUND = "refund"
    PARTIAL_REFUND = "partial_refund"
    REPLACEMENT = "replacement"
    REPAIR = "repair"
    VOUCHER = "voucher"


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ResolutionOffer(Base):
    """One offer made to the shopper, kept for reports and a later mediation; changes are timeline events.

    Rows are never deleted: a withdrawn offer stays in the ledger with its status.
    The amount is kept to the currency's own minor unit (3 digits for KWD, none for JPY).
    """

    __tablename__ = "resolution_offer"
    __table_args__ = (Index("ix_resolution_offer_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[OfferKind] = mapped_column(enum_type(OfferKind))
    status: Mapped[OfferStatus] = mapped_column(enum_type(OfferStatus), default=OfferStatus.OFFERED)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(15, 3))
    currency: Mapped[str | None] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(String(500), default="")
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    offered_by: Mapped[User | None] = relationship()


class BulkStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"


class BulkAction(Base):
    """A change applied to a selection of tickets by a job, one ticket per transaction.

    `done + failed` is also the position in `ticket_ids`: a retried job resumes there.
    """

    __tablename__ = "bulk_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(254), default="")
    ticket_ids: Mapped[list[Any]] = mapped_column(default=list)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[BulkStatus] = mapped_column(enum_type(BulkStatus), default=BulkStatus.QUEUED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class TicketPresence(Base):
    """The last time an agent had a ticket open; a recent row of someone else means a collision warning."""

    __tablename__ = "ticket_presence"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
