"""Raw RFC 5322 bytes -> :class:`ParsedMail`, the channel's view of one email.

This is the only place that reads MIME. The IMAP reader hands it the bytes
of ``BODY.PEEK[]``; the result carries what threading needs (Message-ID,
In-Reply-To, References), who wrote and to whom, the text a ticket shows,
sanitised HTML, attachments, the headers worth storing and every defect
met on the way. ``parse_message`` never raises: a mail that cannot be read
still becomes a ticket with whatever could be recovered, so fetching never
stops on one bad message (SPEC 4.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

from integrations.email import headers as hdr
from integrations.email.charsets import clean_text, decode_bytes
from integrations.email.headers import Mailbox
from integrations.email.htmltext import html_to_text, tidy_text
from integrations.email.parsing import parse_bytes, parse_headers_only
from integrations.email.parts import Attachment, Walk, walk

DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_DEFECTS = 100
MAX_FORWARD_DEPTH = 3
_DEFECT_HEADERS = ("From", "To", "Cc", "Reply-To", "Date", "Message-ID", "Subject", "Content-Type")

__all__ = ["Attachment", "Mailbox", "ParsedMail", "parse_message"]


@dataclass
class ParsedMail:
    """Everything ingestion needs from one email; all text is clean, storable UTF-8 (no NUL).

    Ids are without angle brackets; addresses are lower-cased; ``headers``
    maps lower-case names to decoded values (repeats joined by newlines);
    ``text`` is the whole plain body (quoted history included: split it
    with ``helpdesk.intake.quoting``); ``html`` is already sanitised.
    """

    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_addr: str | None = None
    from_name: str = ""
    to: list[Mailbox] = field(default_factory=list)
    cc: list[Mailbox] = field(default_factory=list)
    reply_to: list[Mailbox] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    defects: list[str] = field(default_factory=list)
    content_type: str = "text/plain"

    @property
    def thread_ids(self) -> list[str]:
        """Ids this mail answers, nearest first: In-Reply-To, then References newest to oldest."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        return ids + [r for r in reversed(self.references) if r not in ids]


def parse_message(raw: bytes, *, max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES) -> ParsedMail:
    """Parse one raw email; never raises, records what went wrong in ``defects``."""
    data = _as_bytes(raw)
    try:
        msg = parse_bytes(data)
        if msg is not None:
            return _build(msg, max_attachment_bytes)
        problem = "the MIME parser failed"
    except Exception as exc:  # noqa: BLE001 - last net: never stop on one mail
        problem = f"reading the message failed ({type(exc).__name__})"
    return _fallback(data, problem)


def _as_bytes(raw: bytes | bytearray | memoryview | str) -> bytes:
    """Accept what callers realistically hold, as bytes."""
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return bytes(raw)


def _build(msg: Message, max_bytes: int, depth: int = 0) -> ParsedMail:
    """Fill a ParsedMail from a parsed message tree (``depth`` counts nested forwards)."""
    hints = hdr.charset_hints(msg)
    mail = _envelope(msg, hints)
    w = Walk(hints=hints, max_bytes=max_bytes, defects=mail.defects)
    walk(msg, "message", w)
    mail.html = "\n".join(h.strip() for h in w.html) if w.html else None
    mail.text = _body_text(w)
    mail.attachments = w.attachments
    if not mail.text.strip() and w.messages and depth < MAX_FORWARD_DEPTH:
        mail.text = _render_forward(w.messages[0], max_bytes, depth + 1)
    mail.defects[:] = _unique(mail.defects)[:MAX_DEFECTS]
    return mail


def _envelope(msg: Message, hints: list[str]) -> ParsedMail:
    """Header fields: ids, addresses, subject, date and the stored header copy."""
    raw = hdr.RawHeaders(msg)
    sender = hdr.mailboxes(raw, "from", hints)
    mail = ParsedMail(
        message_id=hdr.message_id(raw.first("message-id")),
        in_reply_to=hdr.message_id(raw.first("in-reply-to")),
        references=hdr.message_ids(" ".join(raw.all("references"))),
        subject=hdr.subject(raw, hints),
        from_addr=sender[0].addr if sender else None,
        from_name=sender[0].name if sender else "",
        to=hdr.mailboxes(raw, "to", hints),
        cc=hdr.mailboxes(raw, "cc", hints),
        reply_to=hdr.mailboxes(raw, "reply-to", hints),
        date=hdr.parse_date(raw.first("date")),
        headers=hdr.stored_headers(raw, hints),
        content_type=_content_type(msg),
    )
    mail.defects.extend(_top_defects(msg))
    return mail


def _content_type(msg: Message) -> str:
    """Top-level content type, lower case."""
    try:
        return msg.get_content_type()
    except Exception:  # noqa: BLE001 - never raise on mail input
        return "text/plain"


def _top_defects(msg: Message) -> list[str]:
    """Defects of the important headers, plus a note for each missing one."""
    found: list[str] = []
    for name in _DEFECT_HEADERS:
        try:
            header = msg[name]
        except Exception as exc:  # noqa: BLE001 - never raise on mail input
            found.append(f"header {name}: unreadable ({type(exc).__name__})")
            continue
        if header is None and name in ("From", "Date", "Message-ID"):
            found.append(f"header {name}: missing")
        found.extend(f"header {name}: {type(d).__name__}" for d in getattr(header, "defects", ()))
    return found


def _body_text(w: Walk) -> str:
    """Plain parts joined; HTML converted when there is no plain text at all."""
    text = "\n\n".join(t.strip("\n") for t in w.plain if t.strip())
    if not text.strip() and w.html:
        text = "\n\n".join(html_to_text(h) for h in w.html)
    return tidy_text(text).rstrip()


def _render_forward(inner: Message, max_bytes: int, depth: int) -> str:
    """Text of a mail forwarded as an attachment, shaped like an inline forward."""
    try:
        forwarded = _build(inner, max_bytes, depth)
    except Exception:  # noqa: BLE001 - never raise on mail input
        return ""
    lines = ["---------- Forwarded message ---------"]
    if forwarded.from_addr:
        lines.append(f"From: {forwarded.from_name} <{forwarded.from_addr}>".replace(":  <", ": <"))
    if forwarded.headers.get("date"):
        lines.append(f"Date: {forwarded.headers['date']}")
    lines.append(f"Subject: {forwarded.subject}")
    return "\n".join(lines) + "\n\n" + forwarded.text


def _fallback(data: bytes, problem: str) -> ParsedMail:
    """Best effort when parsing failed: headers if they parse, the body as text."""
    head, _, body = data.replace(b"\r\n", b"\n").partition(b"\n\n")
    msg = parse_headers_only(head + b"\n\n")
    mail = ParsedMail(defects=[problem])
    if msg is not None:
        try:
            mail = _envelope(msg, hdr.charset_hints(msg))
            mail.defects.insert(0, problem)
        except Exception:  # noqa: BLE001, S110 - never raise on mail input
            pass
    mail.text = tidy_text(clean_text(decode_bytes(body, None).text))
    return mail


def _unique(items: list[str]) -> list[str]:
    """Drop repeats, keep order."""
    return list(dict.fromkeys(items))
