"""Round-robin assignment of new tickets by category, when a supervisor turns it on for the merchant.

Each category has its members (the agents who take it) and a cursor (who got
the last one). Choosing the next agent locks the cursor row (`FOR UPDATE` on
PostgreSQL; SQLite has one writer anyway) until the caller commits, so two
tickets opened at the same moment go to two different agents, in turn, and
tickets of other categories or merchants never wait on each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Category, Merchant, Role, RoutingCursor, RoutingMember, User, utcnow

SETTING = "round_robin"
STAFF = (Role.AGENT, Role.SUPERVISOR)


@dataclass(frozen=True)
class RoutingSettings:
    enabled: bool
    members: dict[str, list[int]]  # category value -> user ids


def is_enabled(merchant: Merchant) -> bool:
    return bool((merchant.settings or {}).get(SETTING))


def settings_of(merchant: Merchant) -> RoutingSettings:
    members: dict[str, list[int]] = {c.value: [] for c in Category}
    rows = db.session.execute(select(RoutingMember.category, RoutingMember.user_id)
                              .where(RoutingMember.merchant_id == merchant.id).order_by(RoutingMember.user_id))
    for category, user_id in rows:
        members.setdefault(category, []).append(user_id)
    return RoutingSettings(is_enabled(merchant), members)


def staff_of(merchant: Merchant) -> list[User]:
    """Who may take tickets: the merchant's active agents and supervisors."""
    return list(db.session.scalars(select(User).where(User.merchant_id == merchant.id, User.role.in_(STAFF),
                                                      User.active.is_(True)).order_by(User.id)))


def save_settings(merchant: Merchant, enabled: bool, members: dict[str, list[int]]) -> RoutingSettings:
    """Replace the merchant's round-robin settings. Ids that are not this merchant's staff are dropped. Caller commits."""
    allowed = {u.id for u in staff_of(merchant)}
    merchant.settings = {**(merchant.settings or {}), SETTING: bool(enabled)}  # a new dict: JSON is not mutable
    db.session.execute(delete(RoutingMember).where(RoutingMember.merchant_id == merchant.id))
    for category in Category:
        for user_id in sorted(set(members.get(category.value, [])) & allowed):
            db.session.add(RoutingMember(merchant_id=merchant.id, category=category.value, user_id=user_id))
    db.session.flush()
    return settings_of(merchant)


def next_agent(merchant: Merchant, category: Category, *, now: datetime | None = None) -> User | None:
    """The agent whose turn it is for a new ticket of `category`, moving the cursor; None when off or nobody.

    Holds the cursor's row lock until the caller commits (or rolls back, which also undoes the turn).
    """
    if not is_enabled(merchant):
        return None
    members = list(db.session.scalars(
        select(User).join(RoutingMember, RoutingMember.user_id == User.id)
        .where(RoutingMember.merchant_id == merchant.id, RoutingMember.category == category.value,
               User.merchant_id == merchant.id, User.role.in_(STAFF), User.active.is_(True))
        .order_by(User.id)))
    if not members:
        return None
    cursor = _locked_cursor(merchant.id, category.value)
    chosen = next((u for u in members if cursor.last_user_id is None or u.id > cursor.last_user_id), members[0])
    cursor.last_user_id, cursor.updated_at = chosen.id, now or utcnow()
    db.session.flush()
    return chosen


def _locked_cursor(merchant_id: int, category: str) -> RoutingCursor:
    stmt = (select(RoutingCursor).where(RoutingCursor.merchant_id == merchant_id, RoutingCursor.category == category)
            .with_for_update().execution_options(populate_existing=True))
    cursor = db.session.scalar(stmt)
    if cursor is None:
        # The first ticket of the category: create the row without racing another creator, then lock it.
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(insert(RoutingCursor).values(merchant_id=merchant_id, category=category,
                                                        updated_at=utcnow())
                           .on_conflict_do_nothing(index_elements=["merchant_id", "category"]))
        cursor = db.session.scalar(stmt)
    assert cursor is not None
    return cursor
