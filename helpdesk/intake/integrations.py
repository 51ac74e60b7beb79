"""Storefront integrations of a merchant: save (and rotate) secrets, look them up for a webhook."""
from __future__ import annotations

from sqlalchemy import select

from ..crypto import decrypt, encrypt
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Integration, IntegrationKind, Merchant, utcnow

MIN_SECRET = 16


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


def integration_for(merchant_slug: str, kind: str) -> tuple[Merchant, Integration] | None:
    row = db.session.execute(select(Merchant, Integration).join(Integration, Integration.merchant_id == Merchant.id)
                             .where(Merchant.slug == merchant_slug, Integration.kind == IntegrationKind(kind),
                                    Integration.active.is_(True))).first()
    return (row[0], row[1]) if row else None


def secrets_of(integration: Integration) -> list[bytes]:
    """Current secret first, then the previous one during a rotation."""
    out = [decrypt(integration.secret_encrypted).encode()]
    if integration.previous_secret_encrypted:
        out.append(decrypt(integration.previous_secret_encrypted).encode())
    return out
