"""Storefront integrations of a merchant: save (and rotate) secrets, look them up for a webhook."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, select

from ..crypto import decrypt, encrypt
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Integration, IntegrationKind, Merchant, utcnow
from .held_connections import run_held

MIN_SECRET = 16
KEYS_TTL = 2.0  # seconds a web process trusts its copy of a webhook's secrets (config WEBHOOK_KEYS_TTL)


@dataclass(frozen=True)
class WebhookKeys:
    """What a webhook request needs of an integration: whose it is and the secrets that sign for it."""

    merchant_id: int
    secrets: tuple[bytes, ...]
    read_at: float
    sealed: tuple[str, str | None]  # the secrets as stored: unchanged ones are not decrypted again


_keys_lock = threading.Lock()


def save_integration(merchant: Merchant, kind: str, secret: str) -> tuple[Integration, bool]:
    """Add the integration, or rotate its secret: the previous one stays accepted until the next rotation."""
    if len(secret) < MIN_SECRET:
        raise ValidationFailed(f"a webhook secret needs at least {MIN_SECRET} characters")
    existing = db.session.scalar(select(Integration).where(Integration.merchant_id == merchant.id,
                                                           Integration.kind == IntegrationKind(kind)))
    if existing is None:
        integration = Integration(merchant_id=merchant.id, kind=IntegrationKind(kind), secret_encrypted=encrypt(secret))
        db.session.add(integration)
        db.session.flush()
        return integration, False
    existing.previous_secret_encrypted = existing.secret_encrypted
    existing.secret_encrypted = encrypt(secret)
    existing.rotated_at = utcnow()
    existing.active = True
    return existing, True


_STORED_KEYS = (
    select(Merchant.id, Integration.secret_encrypted, Integration.previous_secret_encrypted)
    .join(Integration, Integration.merchant_id == Merchant.id)
    .where(Merchant.slug == bindparam("slug"), Integration.kind == bindparam("kind"),
           Integration.active.is_(True)))


def _stored_keys(merchant_slug: str, kind: str) -> tuple[int, str, str | None] | None:
    """The merchant's id and the encrypted secrets of its active `kind` integration.

    One autocommit SELECT on a held connection: anyone can post to a webhook
    URL, so an unknown merchant or a wrong signature (which reads again) must
    not cost more than a delivery does; through the session it took a
    checkout's ping, a BEGIN and a ROLLBACK besides.
    """
    params = {"slug": merchant_slug, "kind": IntegrationKind(kind)}
    row = run_held(db.engine, lambda conn: conn.execute(_STORED_KEYS, params).first())
    return (row[0], row[1], row[2]) if row else None


def secrets_of(current: str, previous: str | None) -> list[bytes]:
    """Current secret first, then the previous one during a rotation."""
    out = [decrypt(current).encode()]
    if previous:
        out.append(decrypt(previous).encode())
    return out


def webhook_keys(merchant_slug: str, kind: str, *, fresh: bool = False) -> WebhookKeys | None:
    """The integration's secrets, from this process's short-lived copy unless `fresh`.

    A lookup and a decryption per delivery would cost more than the rest of
    the request. A copy lives KEYS_TTL seconds; a signature that does not match
    the copy is checked again with `fresh=True`, so a new secret works at once,
    while a dropped secret or a disabled integration stops within KEYS_TTL.
    Unknown merchants are never cached.
    """
    cache: dict[tuple[str, str], WebhookKeys] = current_app.extensions.setdefault("helpdesk_webhook_keys", {})
    now = time.monotonic()
    hit = cache.get((merchant_slug, kind))
    ttl = float(current_app.config.get("WEBHOOK_KEYS_TTL", KEYS_TTL))
    if hit is not None and not fresh and now - hit.read_at < ttl:
        return hit
    found = _stored_keys(merchant_slug, kind)
    if found is None:
        with _keys_lock:
            cache.pop((merchant_slug, kind), None)
        return None
    merchant_id, sealed = found[0], (found[1], found[2])
    if hit is not None and hit.sealed == sealed:
        secrets = hit.secrets
    else:
        secrets = tuple(secrets_of(*sealed))
    keys = WebhookKeys(merchant_id, secrets, now, sealed)
    with _keys_lock:
        cache[(merchant_slug, kind)] = keys
    return keys
