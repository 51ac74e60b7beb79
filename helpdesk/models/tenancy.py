"""Merchants (the tenants) and the mediation services their disputes go to."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow


def new_widget_key() -> str:
    return "wk_" + secrets.token_urlsafe(18)


class MediationService(Base):
    """A neutral mediation body (e.g. a consumer mediator) that receives escalated disputes."""

    __tablename__ = "mediation_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Merchant(Base):
    """An e-merchant: every ticket, customer and order belongs to exactly one."""

    __tablename__ = "merchant"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), default="MA")
    timezone: Mapped[str] = mapped_column(String(64), default="Africa/Casablanca")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    widget_key: Mapped[str] = mapped_column(String(64), unique=True, default=new_widget_key)
    allowed_origins: Mapped[list[str]] = mapped_column(default=list)
    # ICE / RC (Morocco), SIREN (France): needed on a mediation dossier.
    identifiers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mediation_service_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_service.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    mediation_service: Mapped[MediationService | None] = relationship()
