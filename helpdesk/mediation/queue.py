"""Who sees which case, in one place: a mediator its service's queue, merchant staff their merchant's cases
(collective cases by the same rule).

Anyone else, and any id that names nothing the caller may see (malformed
ones included), gets the same 404 as a case that does not exist (SPEC 6.1).
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, select

from ..auth.principal import Principal, require_principal
from ..auth.scoping import STAFF
from ..errors import NotFound
from ..extensions import db
from ..models import CaseStatus, CollectiveCase, MediationCase, Role

Scoped = TypeVar("Scoped", MediationCase, CollectiveCase)


@dataclass(frozen=True)
class CasePage:
    items: list[MediationCase]
    next: str | None


def _visible(model: type[Scoped], principal: Principal | None) -> Select[tuple[Scoped]]:
    principal = principal or require_principal()
    if principal.role is Role.MEDIATOR and principal.mediation_service_id is not None:
        return select(model).where(model.mediation_service_id == principal.mediation_service_id)
    if principal.role in STAFF and principal.merchant_id is not None:
        return select(model).where(model.merchant_id == principal.merchant_id)
    raise NotFound("Not found.")


def visible_cases(principal: Principal | None = None) -> Select[tuple[MediationCase]]:
    """`select(MediationCase)` limited to what the caller may see; 404 for callers who see none."""
    return _visible(MediationCase, principal)


def id_or_404(value: str | int, what: str) -> int:
    """The number a URL names, or the 404 of something that does not exist (malformed ids included)."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise NotFound(f"No such {what}.")
    return int(text)


def get_case(case_id: str | int, principal: Principal | None = None, *, for_update: bool = False) -> MediationCase:
    """The case if the caller may see it, else 404 (looked up before any role check)."""
    stmt = visible_cases(principal).where(MediationCase.id == id_or_404(case_id, "case"))
    if for_update:
        stmt = stmt.with_for_update()
    case = db.session.scalar(stmt)
    if case is None:
        raise NotFound("No such case.")
    return case


def get_collective(collective_id: str | int, principal: Principal | None = None) -> CollectiveCase:
    """A collective case by the same rule as its members: the mediator's service, or the staff's own merchant."""
    found = db.session.scalar(_visible(CollectiveCase, principal).where(
        CollectiveCase.id == id_or_404(collective_id, "collective case")))
    if found is None:
        raise NotFound("No such collective case.")
    return found


def list_cases(*, status: str | None = None, limit: int = 50, cursor: str | None = None,
               principal: Principal | None = None) -> CasePage:
    """Newest first, with a keyset cursor (no OFFSET), optionally one status."""
    stmt = visible_cases(principal)
    if status:
        stmt = stmt.where(MediationCase.status == CaseStatus(status))
    if cursor:
        before = _decode(cursor)
        if before is None:
            return CasePage([], None)
        stmt = stmt.where(MediationCase.id < before)
    rows = list(db.session.scalars(stmt.order_by(MediationCase.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    items = rows[:limit]
    return CasePage(items, _encode(items[-1].id) if more and items else None)


def _encode(case_id: int) -> str:
    return base64.urlsafe_b64encode(f"c{case_id}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw[1:]) if raw.startswith("c") else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
