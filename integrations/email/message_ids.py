"""The helpdesk's own Message-IDs: signed, so a reply's In-Reply-To can be trusted or recognised as forged.

An id looks like ``hd.HD-ACD345.<nonce>.<signature>@domain``; the signature is
an HMAC of everything before it, with a key derived from SECRET_KEY. Anyone
can write an id of this shape into a header, so threading follows the ticket
reference inside an id only when its signature verifies.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from flask import current_app

_OWN = re.compile(r"^hd\.(HD-[A-Z0-9]{6}|x)\.([0-9a-f]{12})\.([0-9a-f]{20})@", re.IGNORECASE)
REFERENCE = re.compile(r"\[(HD-[A-Z0-9]{6})\]", re.IGNORECASE)


@dataclass(frozen=True)
class OwnId:
    """What an id of the helpdesk's shape says: whether its signature verifies, and the ticket it names."""

    valid: bool
    ref: str | None


def _key() -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"helpdesk.message-id", hashlib.sha256).digest()


def _sign(stem: str) -> str:
    return hmac.new(_key(), stem.encode(), hashlib.sha256).hexdigest()[:20]


def new_message_id(ref: str | None, domain: str) -> str:
    """A fresh signed id (without angle brackets) naming the ticket ``ref`` when there is one."""
    stem = f"hd.{ref or 'x'}.{secrets.token_hex(6)}"
    return f"{stem}.{_sign(stem)}@{domain or 'helpdesk.invalid'}"


def read_own(message_id: str | None) -> OwnId | None:
    """None for ids the helpdesk never makes; else whether the signature holds, and the ticket ref."""
    match = _OWN.match(message_id or "")
    if match is None:
        return None
    ref, nonce, signature = match.group(1), match.group(2), match.group(3)
    stem = f"hd.{ref}.{nonce}"
    valid = hmac.compare_digest(_sign(stem), signature.lower())
    return OwnId(valid, ref.upper() if valid and ref.lower() != "x" else None)


def subject_reference(subject: str) -> str | None:
    """The ``[HD-XXXXXX]`` reference written in a subject, upper-cased, if any."""
    match = REFERENCE.search(subject or "")
    return match.group(1).upper() if match else None
