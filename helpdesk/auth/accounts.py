"""Users and API tokens: the services the CLI, views and tests call."""
from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import ApiToken, MediationService, Merchant, Role, User, utcnow
from ..models.user import hash_token
from .passwords import hash_password, verify_password


def normalise_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(f"not a valid email address: {raw!r}", fields={"email": [str(exc)]}) from exc


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches; the same `None` for an unknown email and a wrong password."""
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every login cookie of this user (logout, password change)."""
    user.session_nonce = secrets.token_hex(8)


def create_user(email: str, password: str, role: Role, *, merchant: Merchant | None = None,
                mediation_service: MediationService | None = None, name: str = "") -> User:
    """A user bound to a merchant (staff), a mediation service (mediator) or nothing (admin)."""
    email = normalise_email(email)
    if role in (Role.AGENT, Role.SUPERVISOR) and merchant is None:
        raise ValidationFailed("staff need a merchant (--merchant SLUG)")
    if role is Role.MEDIATOR and mediation_service is None:
        raise ValidationFailed("a mediator needs a mediation service (--mediation-service SLUG)")
    if find_user(email) is not None:
        raise Conflict(f"a user with email {email} already exists")
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"password": [str(exc)]}) from exc
    user = User(email=email, password_hash=password_hash, role=role, name=name or email.split("@")[0],
                merchant_id=merchant.id if merchant and role in (Role.AGENT, Role.SUPERVISOR) else None,
                mediation_service_id=mediation_service.id if mediation_service and role is Role.MEDIATOR else None)
    db.session.add(user)
    db.session.flush()
    return user


def create_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token; the clear token is returned once and only its hash is kept."""
    token = "hd_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:10], name=name)
    db.session.add(row)
    db.session.flush()
    return row, token


def user_by_email(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise NotFound(f"no user with email {email}")
    return user
