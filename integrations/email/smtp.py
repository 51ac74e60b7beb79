"""Sending one message over SMTP, from a ``smtp://[user:pass@]host[:port]`` or ``smtps://…`` URL (SPEC 4.2)."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

TIMEOUT = 30


@dataclass(frozen=True)
class SmtpRoute:
    """Where and how to hand mail over; ``secure`` means TLS from the first byte (smtps)."""

    host: str
    port: int
    secure: bool
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpRoute:
    """Read an SMTP URL; a malformed one raises ValueError with a readable message (no secret in it)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("the SMTP URL must look like smtp://[user:pass@]host[:port] or smtps://…")
    secure = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if secure else 25)
    except ValueError as exc:
        raise ValueError("the SMTP URL has an invalid port") from exc
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpRoute(parts.hostname, port, secure, user, password)


def send(route: SmtpRoute, message: EmailMessage) -> None:
    """Deliver one message; STARTTLS only when the server offers it. Raises on any failure (the job retries)."""
    context = ssl.create_default_context()
    if route.secure:
        client: smtplib.SMTP = smtplib.SMTP_SSL(route.host, route.port, timeout=TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(route.host, route.port, timeout=TIMEOUT)
    with client:
        client.ehlo()
        if not route.secure and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        if route.username:
            client.login(route.username, route.password or "")
        client.send_message(message)
