"""Staff, mediators and platform admins; API tokens stored as hashes only."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, StrEnum, utcnow
from .tenancy import MediationService, Merchant
from .types import enum_type


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    MEDIATOR = "mediator"
    ADMIN = "admin"


class User(Base):
    """Someone who logs in with a password: merchant staff, a mediator or a platform admin.

    `session_nonce` is part of the login cookie's id: changing it at logout
    ends every copy of that session on the server side.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchant.id"), index=True)
    mediation_service_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_service.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    merchant: Mapped[Merchant | None] = relationship()
    mediation_service: Mapped[MediationService | None] = relationship()

    # flask-login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.AGENT, Role.SUPERVISOR)


def hash_token(token: str) -> str:
    """Tokens are random and long, so a plain SHA-256 is enough and allows a unique-index lookup."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(Base):
    """A bearer token for the REST API; only its hash is stored, the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
