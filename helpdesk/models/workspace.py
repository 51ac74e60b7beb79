"""The agent's workspace beyond the ticket itself: @mentions in internal notes and round-robin assignment."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .ticket import Message, Ticket
from .user import User


class Mention(Base):
    """A staff user named with `@` in an internal note; unread until they open the ticket or mark it read.

    One row per note and user (the unique key makes recording twice harmless).
    """

    __tablename__ = "mention"
    __table_args__ = (UniqueConstraint("message_id", "user_id"),
                      # The user's list, newest first, and the unread count read this index only.
                      Index("ix_mention_user_read", "user_id", "read_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship()
    message: Mapped[Message] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class RoutingMember(Base):
    """An agent who takes new tickets of one category when the merchant's round-robin is on."""

    __tablename__ = "routing_member"

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class RoutingCursor(Base):
    """Who got the last new ticket of a category: the row is locked while the next agent is chosen.

    Locking this one row (not the members) serialises only the tickets of the
    same merchant and category, so two tickets opened at once go to two agents.
    """

    __tablename__ = "routing_cursor"

    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
