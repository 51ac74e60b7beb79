"""Who is asking: a logged-in user (web pages) or an API token (REST API), never both.

Tenant scoping reads the principal from here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..models import ApiToken, Role, User, utcnow
from ..models.user import hash_token


class Unauthorized(DomainError):
    """A valid API token is needed (Authorization: Bearer <token>)."""

    status, code = 401, "unauthorized"


@dataclass(frozen=True)
class Principal:
    user: User

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def merchant_id(self) -> int | None:
        return self.user.merchant_id

    @property
    def mediation_service_id(self) -> int | None:
        return self.user.mediation_service_id

    @property
    def actor(self) -> str:
        return f"{self.user.role.value}:{self.user.id}"


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                   ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now  # coarse, so reads do not write on every call
        db.session.commit()
    return row.user


def authenticate_api() -> Principal:
    """The token of this API request; a session cookie is ignored on purpose (SPEC 7.1)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("A valid API token is needed (Authorization: Bearer <token>).")
    user = user_for_token(token.strip())
    if user is None:
        raise Unauthorized("This API token is not valid.")
    request.environ[_KEY] = Principal(user)
    return request.environ[_KEY]  # type: ignore[no-any-return]


# Kept on the request, not on `g`: an application context can outlive requests (a test, a CLI command), and
# whoever asked first must never answer for whoever asks next.
_KEY = "helpdesk.principal"


def current_principal() -> Principal | None:
    if not has_request_context():
        return None
    if _KEY in request.environ:
        return request.environ[_KEY]  # type: ignore[no-any-return]
    if current_user and current_user.is_authenticated:
        request.environ[_KEY] = Principal(current_user._get_current_object())  # type: ignore[attr-defined]
        return request.environ[_KEY]  # type: ignore[no-any-return]
    return None


def require_principal() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    return principal
