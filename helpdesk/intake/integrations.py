"""Storefront integrations of a merchant: save (and rotate) secrets, look them up for a webhook."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..crypto import decrypt, encrypt
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Integration, IntegrationKind, Merchant, utcnow

MIN_SECRET = 16
KEYS_TTL = 2.0  # seconds a web process trusts its copy of a webhook's secrets (config WEBHOOK_KEYS_TTL)


@dataclass(frozen=True)
class WebhookKeys:
    """What a webhook request needs of an integration: whose it is and the secrets that sign for it."""

    merchant_id: int
    secrets: tuple[bytes, ...]
    read_at: float


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


def _stored_keys(merchant_slug: str, kind: str) -> tuple[int, str, str | None] | None:
    """The merchant's id and the encrypted secrets of its active `kind` integration: columns, not objects, so
    nothing is loaded again once the read is over."""
    row = db.session.execute(
        select(Merchant.id, Integration.secret_encrypted, Integration.previous_secret_encrypted)
        .join(Integration, Integration.merchant_id == Merchant.id)
        .where(Merchant.slug == merchant_slug, Integration.kind == IntegrationKind(kind),
               Integration.active.is_(True))).first()
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
    db.session.rollback()  # end the read: the request goes on without a transaction open
    with _keys_lock:
        if found is None:
            cache.pop((merchant_slug, kind), None)
            return None
        keys = WebhookKeys(found[0], tuple(secrets_of(found[1], found[2])), now)
        cache[(merchant_slug, kind)] = keys
    return keys
