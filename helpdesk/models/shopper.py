"""What a shopper does beside complaining: rate the outcome of a ticket, withdraw from a contract."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Rating(Base):
    """The shopper's verdict on how a resolved ticket ended (1 to 5, and a word); one per ticket, changeable."""

    __tablename__ = "ticket_rating"
    __table_args__ = (UniqueConstraint("ticket_id"), CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
                      Index("ix_ticket_rating_merchant_created", "merchant_id", "created_at"))  # reports, by day

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Withdrawal(Base):
    """A shopper's withdrawal from a distance contract (EU Directive 2023/2673, art. 11a of 2011/83).

    `received_at` is the instant the merchant received the statement: the date
    and time the acknowledgement states, and the start of the refund clock.
    Idempotency: one row per inbound delivery (the widget's client key).
    """

    __tablename__ = "withdrawal"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("inbound_delivery.id"), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("shop_order.id"))
    order_number: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="fr")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
