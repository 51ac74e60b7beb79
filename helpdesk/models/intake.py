"""The inbound journal and the storefront integrations that feed it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, StrEnum, utcnow
from .types import enum_type


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    IGNORED = "ignored"


class InboundDelivery(Base):
    """One raw delivery (webhook, email, widget post, API create), stored before anything else happens.

    The unique `(channel, key)` is the idempotency key: the platform's delivery
    id, the Message-ID, a client key. The journal, not Redis, is the source of
    truth: a pending row is processed, whatever happened to its job.
    """

    __tablename__ = "inbound_delivery"
    __table_args__ = (
        UniqueConstraint("channel", "key"),
        Index("ix_inbound_delivery_pending", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]


class IntegrationKind(StrEnum):
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
    GENERIC = "generic"


class Integration(Base):
    """A storefront connection of one merchant; its secrets are encrypted at rest (Fernet)."""

    __tablename__ = "integration"
    __table_args__ = (UniqueConstraint("merchant_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"))
    kind: Mapped[IntegrationKind] = mapped_column(enum_type(IntegrationKind))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    # Accepted too during a rotation, until the storefront uses the new one everywhere.
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rotated_at: Mapped[datetime | None]
