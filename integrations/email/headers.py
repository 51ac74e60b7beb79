"""Read header values the way a helpdesk needs them, without ever raising.

The stdlib's header objects are good on well-formed mail but raise on some
real messages (a group in ``To`` without addresses, RFC 2231 parameters in a
charset that does not decode) and replace raw 8-bit bytes with U+FFFD. Here
we start from the raw value (``Message.raw_items``), repair 8-bit bytes with
the message's own charsets, decode RFC 2047 encoded words with the tolerant
decoder of :mod:`integrations.email.charsets`, and only then parse.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import headerregistry, policy, utils
from email.message import Message

from integrations.email.charsets import clean_text, decode_bytes, repair_surrogates

MAX_HEADER_CHARS = 8000
MAX_ADDRESSES = 500

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,60})\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(=\?[^?\s]{1,60}\?[QqBb]\?[^?\s]*\?=)\s+(?==\?[^?\s]{1,60}\?[QqBb]\?)")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Mailbox:
    """One address from an address header: lower-cased address and decoded display name."""

    addr: str
    name: str = ""


class RawHeaders:
    """A message's raw header values by lower-case name, read once (messages repeat lookups)."""

    def __init__(self, msg: Message) -> None:
        self._values: dict[str, list[str]] = {}
        try:
            items = list(msg.raw_items())
        except Exception:  # noqa: BLE001 - a broken message object must not stop ingestion
            items = []
        for key, value in items:
            self._values.setdefault(str(key).lower(), []).append(_unfold(str(value)))

    def all(self, name: str) -> list[str]:
        """Every raw value of ``name``, unfolded."""
        return self._values.get(name.lower(), [])

    def first(self, name: str) -> str | None:
        """The first raw value of ``name``, or None."""
        values = self.all(name)
        return values[0] if values else None


def raw_header(msg: Message, name: str) -> str | None:
    """First raw (undecoded, unfolded) value of header ``name`` of one part, or None."""
    return RawHeaders(msg).first(name)


def _unfold(value: str) -> str:
    """Join folded lines: the fold is only a line-length device."""
    return re.sub(r"\r?\n[ \t]*|\r[ \t]*", " ", value).strip()


def decode_text(raw: str | None, hints: Sequence[str | None] = ()) -> str:
    """Decode an unstructured header (Subject, display name) into clean text."""
    if not raw:
        return ""
    text = repair_surrogates(raw[:MAX_HEADER_CHARS], hints)
    text = _BETWEEN_WORDS.sub(r"\1", text)
    text = _ENCODED_WORD.sub(lambda m: _decode_word(m, hints), text)
    return clean_text(_SPACES.sub(" ", text).strip())


def _decode_word(match: re.Match[str], hints: Sequence[str | None]) -> str:
    """Decode one RFC 2047 encoded word; leave it as it was if it is not one."""
    charset, kind, payload = match.group(1).split("*", 1)[0], match.group(2).upper(), match.group(3)
    try:
        if kind == "B":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=False)
        else:
            raw = payload.replace("_", " ").encode("ascii")
            data = _QP_HEX.sub(lambda h: bytes([int(h.group(1), 16)]), raw)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return match.group(0)
    if not data and payload:
        return match.group(0)
    return decode_bytes(data, charset, hints=hints).text


def subject(raw: RawHeaders, hints: Sequence[str | None]) -> str:
    """Decoded Subject with whitespace collapsed ("" when absent)."""
    return decode_text(raw.first("subject"), hints)


def mailboxes(raw_values: RawHeaders, name: str, hints: Sequence[str | None]) -> list[Mailbox]:
    """Every address in the address header(s) ``name``, groups flattened, duplicates dropped."""
    found: dict[str, Mailbox] = {}
    for raw in raw_values.all(name):
        text = repair_surrogates(raw[:MAX_HEADER_CHARS], hints)
        for display, addr in _parse_addresses(name, text)[:MAX_ADDRESSES]:
            box = _mailbox(display, addr, hints)
            if box is not None:
                found.setdefault(box.addr, box)
    return list(found.values())


def _parse_addresses(name: str, text: str) -> list[tuple[str, str]]:
    """Parse with the modern header parser, falling back to ``getaddresses``."""
    try:
        header = policy.default.header_factory(name, text)
        if isinstance(header, headerregistry.AddressHeader):
            return [(a.display_name, a.addr_spec) for a in header.addresses]
    except Exception:  # noqa: BLE001, S110 - the stdlib raises on odd groups and tokens
        pass
    try:
        return [(n, a) for n, a in utils.getaddresses([text]) if a]
    except Exception:  # noqa: BLE001 - never raise on mail input
        return []


def _mailbox(display: str, addr: str, hints: Sequence[str | None]) -> Mailbox | None:
    """Normalise one parsed address; None when it is not an address at all."""
    addr = clean_text(repair_surrogates(addr, hints)).strip().strip("<>").lower()
    if "@" not in addr or " " in addr or len(addr) > 320:
        return None
    name = decode_text(display, hints) if display else ""
    return Mailbox(addr=addr, name=name.strip().strip("\"'").strip())


def message_id(raw: str | None) -> str | None:
    """Normalise a Message-ID: the first ``<...>`` token without brackets, else the bare token."""
    ids = message_ids(raw)
    return ids[0] if ids else None


def message_ids(raw: str | None) -> list[str]:
    """All ids in a References-like value, in order, duplicates dropped."""
    if not raw:
        return []
    text = clean_text(raw[:MAX_HEADER_CHARS * 4])
    found = _MSG_ID.findall(text)
    if not found:
        found = [t.strip("<>,;") for t in text.split() if "@" in t or len(text.split()) == 1]
    ids: list[str] = []
    for token in found:
        if token and token not in ids and len(token) <= 998:
            ids.append(token)
    return ids


def parse_date(raw: str | None) -> datetime | None:
    """Aware datetime from a Date header; naive values (``-0000``) are taken as UTC."""
    if not raw:
        return None
    try:
        value = utils.parsedate_to_datetime(clean_text(raw))
    except Exception:  # noqa: BLE001 - Type/Value/OverflowError, as the date breaks
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def charset_hints(msg: Message) -> list[str]:
    """Charsets declared anywhere in the message, to decode raw 8-bit header bytes."""
    hints: list[str] = []
    try:
        for part in msg.walk():
            charset = part.get_param("charset")
            if isinstance(charset, str) and charset.lower() not in hints:
                hints.append(charset.lower())
            if len(hints) >= 5:
                break
    except Exception:  # noqa: BLE001, S110 - never raise on mail input
        pass
    return hints


STORED_HEADERS: tuple[str, ...] = (
    "Message-ID", "In-Reply-To", "References", "Date", "From", "Sender", "Reply-To", "To", "Cc",
    "Delivered-To", "X-Original-To", "Return-Path", "Subject", "Content-Type", "MIME-Version",
    "Auto-Submitted", "X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "Precedence",
    "X-Precedence", "X-Autogenerated", "X-Failed-Recipients", "List-Id", "List-Unsubscribe",
    "List-Post", "X-Loop", "X-Mailer", "User-Agent", "Authentication-Results", "Received-SPF",
    "Feedback-ID", "X-MS-Exchange-Generated-Message-Source", "X-Mailgun-Sid",
)


def stored_headers(raw: RawHeaders, hints: Sequence[str | None], extra: Iterable[str] = ()) -> dict[str, str]:
    """Decoded values of the headers worth keeping, keyed by lower-case name; repeats joined by newlines."""
    result: dict[str, str] = {}
    for name in (*STORED_HEADERS, *extra):
        values = [decode_text(v, hints) for v in raw.all(name)]
        values = [v for v in values if v]
        if values:
            result[name.lower()] = "\n".join(values)[:MAX_HEADER_CHARS]
    return result
