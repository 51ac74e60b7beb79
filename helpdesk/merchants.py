"""Tenants: create merchants and mediation services, and find them by slug."""
from __future__ import annotations

import re
import zoneinfo

import holidays
from sqlalchemy import select

from .errors import Conflict, NotFound, ValidationFailed
from .extensions import db
from .models import MediationService, Merchant

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
LANGUAGES = ("fr", "en", "ar")
IDENTIFIER_KEYS = ("ice", "rc", "siren")
ICE_PATTERN = r"^\d{15}$"  # Morocco's Identifiant Commun de l'Entreprise
SIREN_PATTERN = r"^\d{9}$"  # France's company number
MEDIATION_WAIT_DAYS = 7  # the merchant's fair chance before a shopper may ask for mediation (`mediation_wait_days`)
MAX_MEDIATION_WAIT_DAYS = 60


def _check_slug(slug: str) -> str:
    if not SLUG.match(slug):
        raise ValidationFailed(f"slug {slug!r}: use 2-63 lower-case letters, digits and dashes")
    return slug


def create_mediation_service(slug: str, name: str) -> MediationService:
    _check_slug(slug)
    if db.session.scalar(select(MediationService).where(MediationService.slug == slug)):
        raise Conflict(f"mediation service {slug!r} already exists")
    service = MediationService(slug=slug, name=name, settings={"shopper_answer_days": 15})
    db.session.add(service)
    db.session.flush()
    return service


def create_merchant(slug: str, name: str, *, country: str = "MA", timezone: str = "Africa/Casablanca",
                    language: str = "fr", mediation_service: str | None = None,
                    allowed_origins: list[str] | None = None,
                    identifiers: dict[str, str] | None = None) -> Merchant:
    """A merchant with its widget key; without a service, escalations go to the only one that exists."""
    _check_slug(slug)
    country = country.upper()
    if country not in holidays.list_supported_countries():
        raise ValidationFailed(f"country {country!r} is not a supported ISO code")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(f"unknown time zone {timezone!r}") from exc
    if language not in LANGUAGES:
        raise ValidationFailed(f"language must be one of {', '.join(LANGUAGES)}")
    unknown = set(identifiers or {}) - set(IDENTIFIER_KEYS)
    if unknown:
        raise ValidationFailed(f"identifiers take the keys {', '.join(IDENTIFIER_KEYS)}, not {', '.join(unknown)}")
    if db.session.scalar(select(Merchant).where(Merchant.slug == slug)):
        raise Conflict(f"merchant {slug!r} already exists")
    service = mediation_service_by_slug(mediation_service) if mediation_service else None
    merchant = Merchant(slug=slug, name=name, country=country, timezone=timezone, language=language,
                        allowed_origins=[o.rstrip("/") for o in allowed_origins or []],
                        identifiers=dict(identifiers or {}), mediation_service_id=service.id if service else None,
                        settings={})
    db.session.add(merchant)
    db.session.flush()
    return merchant


def merchant_by_slug(slug: str) -> Merchant:
    merchant = db.session.scalar(select(Merchant).where(Merchant.slug == slug))
    if merchant is None:
        raise NotFound(f"no merchant {slug!r}")
    return merchant


def mediation_service_by_slug(slug: str) -> MediationService:
    service = db.session.scalar(select(MediationService).where(MediationService.slug == slug))
    if service is None:
        raise NotFound(f"no mediation service {slug!r}")
    return service


def mediation_service_for(merchant: Merchant) -> MediationService | None:
    """The merchant's own service, else the only one that exists (SPEC 8)."""
    if merchant.mediation_service_id:
        return db.session.get(MediationService, merchant.mediation_service_id)
    services = db.session.scalars(select(MediationService).limit(2)).all()
    return services[0] if len(services) == 1 else None


def update_company(merchant: Merchant, *, identifiers: dict[str, str], mediation_wait_days: int) -> list[str]:
    """A supervisor's company details for mediation dossiers: ICE and RC (Morocco) or SIREN (France), and how
    long a shopper waits before asking for mediation. Blank identifiers are removed. Returns what changed."""
    unknown = set(identifiers) - set(IDENTIFIER_KEYS)
    if unknown:
        raise ValidationFailed(f"identifiers take the keys {', '.join(IDENTIFIER_KEYS)}, not {', '.join(unknown)}")
    if not 0 <= mediation_wait_days <= MAX_MEDIATION_WAIT_DAYS:
        raise ValidationFailed("the wait before mediation is between 0 and 60 days")
    cleaned = {k: v.strip() for k, v in identifiers.items() if v and v.strip()}
    changed = [k for k in IDENTIFIER_KEYS if (merchant.identifiers or {}).get(k) != cleaned.get(k)]
    merchant.identifiers = cleaned
    settings = dict(merchant.settings or {})
    if wait_days(merchant) != mediation_wait_days:
        settings["mediation_wait_days"] = mediation_wait_days
        changed.append("mediation_wait_days")
    merchant.settings = settings
    return changed


def wait_days(merchant: Merchant) -> int:
    """The merchant's `mediation_wait_days`, kept within 0..60 (a broken setting falls back to the default)."""
    try:
        days = int((merchant.settings or {}).get("mediation_wait_days", MEDIATION_WAIT_DAYS))
    except (TypeError, ValueError):
        return MEDIATION_WAIT_DAYS
    return min(max(days, 0), MAX_MEDIATION_WAIT_DAYS)
