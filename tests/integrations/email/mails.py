"""Small builders for the raw mails the email tests append to Dovecot."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def raw_mail(*, sender: str = "salma@example.com", name: str = "Salma B.", to: str = "support@shop.test",
             subject: str = "Colis non reçu", body: str = "Bonjour, ma commande n'est jamais arrivée.",
             message_id: str | None = None, in_reply_to: str | None = None, references: list[str] | None = None,
             headers: dict[str, str] | None = None, attachment: tuple[str, bytes] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<{message_id}>" if message_id else make_msgid(domain="mail.example.com")
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        msg["References"] = " ".join(f"<{r}>" for r in references)
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if attachment:
        msg.add_attachment(attachment[1], maintype="image", subtype="jpeg", filename=attachment[0])
    return bytes(msg)


def unique_id(prefix: str = "m") -> str:
    return f"{prefix}.{secrets.token_hex(6)}@mail.example.com"
