"""What full-text search reads: a ticket's own facts and each of its messages, one row each."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

# Made by the search migration, not by models: SQLite's FTS5 table (and its shadow tables), and PostgreSQL's
# trigram indexes (an operator class that exists only there).
FTS_TABLE = "search_fts"
TRIGRAM_INDEXES = frozenset({"ix_ticket_order_number_trgm", "ix_customer_email_trgm"})


class SearchEntry(Base):
    """Written by the services that write tickets and messages, in the same transaction: never behind.

    `key` is `t:<ticket id>` for the ticket's facts (reference, subject, order
    number, shopper), `m:<message id>` for a message. On PostgreSQL `document`
    holds the words in French, English, Arabic and unstemmed forms; on SQLite
    the FTS5 table `search_fts` indexes `content` (kept in step by triggers).
    """

    __tablename__ = "search_entry"
    __table_args__ = (Index("ix_search_entry_document", "document", postgresql_using="gin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchant.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    content: Mapped[str] = mapped_column(Text)
    document: Mapped[Any] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's filter: what the search migration alone owns is not compared with the models."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name in TRIGRAM_INDEXES)
