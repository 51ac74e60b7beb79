"""The channel-neutral envelope every channel produces (email, webhooks, widget, API)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class Complaint:
    """What a shopper said, wherever they said it; `open_or_thread` turns it into a ticket or a reply."""

    email: str
    message: str
    name: str = ""
    order_number: str | None = None
    subject: str = ""
    category_hint: str | None = None
    attachments: list[IncomingFile] = field(default_factory=list)
    html: str | None = None
    language: str | None = None
    # Email threading facts (Message-ID, In-Reply-To, References), kept on the stored message.
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    headers: dict[str, Any] = field(default_factory=dict)
    # Storefront facts: e.g. a Shopify return request names the platform's order id.
    external_order_id: str | None = None
    forced_category: str | None = None
