"""Tenant isolation in one place: every read of tenant data goes through these functions.

Something of another merchant answers exactly as something that does not
exist (404), so a caller cannot even learn that it exists.
"""
from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy import Select, select

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import Role, Ticket
from .principal import Principal, require_principal

T = TypeVar("T")
# Anything else cannot name a ticket; checked before any query (a NUL byte would upset PostgreSQL).
REF_SHAPE = re.compile(r"HD-[A-Z0-9]{6}")
STAFF = (Role.AGENT, Role.SUPERVISOR)


def staff_merchant_id(principal: Principal | None = None) -> int:
    """The merchant whose data the caller may touch; only merchant staff have one."""
    principal = principal or require_principal()
    if principal.role not in STAFF or principal.merchant_id is None:
        raise NotFound("Not found.")
    return principal.merchant_id


def scoped(model: type[T], principal: Principal | None = None) -> Select[tuple[T]]:
    """`select(model)` limited to the caller's merchant."""
    merchant_id = staff_merchant_id(principal)
    return select(model).where(model.merchant_id == merchant_id)  # type: ignore[attr-defined]


def get_ticket(ref: str, principal: Principal | None = None, *, for_update: bool = False) -> Ticket:
    """The caller's ticket by reference, or 404 for anything else (malformed refs included)."""
    if not isinstance(ref, str) or not REF_SHAPE.fullmatch(ref.upper()):
        raise NotFound("No such ticket.")
    stmt = scoped(Ticket, principal).where(Ticket.ref == ref.upper())
    if for_update:
        stmt = stmt.with_for_update()
    ticket = db.session.scalar(stmt)
    if ticket is None:
        raise NotFound("No such ticket.")
    return ticket


def require_role(*roles: Role, principal: Principal | None = None) -> Principal:
    principal = principal or require_principal()
    if principal.role not in roles:
        raise Forbidden("Your role does not allow this.")
    return principal


def owned(obj: Any, principal: Principal | None = None) -> Any:
    """Check an object loaded by id belongs to the caller's merchant (404 otherwise)."""
    if obj is None or getattr(obj, "merchant_id", None) != staff_merchant_id(principal):
        raise NotFound("Not found.")
    return obj
