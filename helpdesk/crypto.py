"""Secrets at rest (integration secrets, mailbox passwords): Fernet, with key rotation.

Keys come from HELPDESK_ENCRYPTION_KEYS (comma-separated, newest first) or
are derived from SECRET_KEY. MultiFernet decrypts with any key and encrypts
with the first, so adding a key in front rotates without downtime.
"""
from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


def _keys() -> list[bytes]:
    configured = current_app.config.get("HELPDESK_ENCRYPTION_KEYS")
    if configured:
        return [k.strip().encode() for k in configured.split(",") if k.strip()]
    return [_derived(current_app.config["SECRET_KEY"])]


@functools.lru_cache(maxsize=8)
def _derived(secret: str) -> bytes:
    """PBKDF2 is slow on purpose (~40 ms): derive once per process, not per decryption."""
    derived = hashlib.pbkdf2_hmac("sha256", secret.encode(), b"helpdesk.secrets-at-rest", 100_000)
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=8)
def _fernet_for(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def _fernet() -> MultiFernet:
    return _fernet_for(tuple(_keys()))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("a stored secret cannot be decrypted with the configured keys") from exc
