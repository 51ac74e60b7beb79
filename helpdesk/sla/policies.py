"""SLA policies and escalation rules of a merchant: read with defaults, edited by a supervisor.

A merchant never has to configure anything: a category and priority without
a stored policy takes `DEFAULT_TARGETS`, so every ticket gets both due times
from creation (SPEC 5). Services flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import Category, EscalationAction, EscalationRule, Merchant, Priority, SlaPolicy

# Business hours by priority: (first response, resolution). The same for every category until a supervisor
# says otherwise; 45 business hours is a working week at 09:00-18:00.
DEFAULT_TARGETS: dict[Priority, tuple[float, float]] = {
    Priority.URGENT: (1, 8),
    Priority.HIGH: (4, 18),
    Priority.NORMAL: (8, 45),
    Priority.LOW: (18, 90),
}
DEFAULT_WARNING_PERCENT = 75
MAX_TARGET_MINUTES = 60 * 24 * 365


@dataclass(frozen=True)
class Targets:
    category: Category
    priority: Priority
    first_response: timedelta
    resolution: timedelta
    warning_percent: int
    custom: bool  # a stored policy, not the default

    def warning_after(self, target: timedelta) -> timedelta:
        return target * self.warning_percent / 100


def _default(category: Category, priority: Priority) -> Targets:
    first, resolution = DEFAULT_TARGETS[priority]
    return Targets(category, priority, timedelta(hours=first), timedelta(hours=resolution), DEFAULT_WARNING_PERCENT,
                   False)


def _targets(row: SlaPolicy) -> Targets:
    return Targets(row.category, row.priority, timedelta(minutes=row.first_response_minutes),
                   timedelta(minutes=row.resolution_minutes), row.warning_percent, True)


def targets_for(merchant_id: int, category: Category, priority: Priority) -> Targets:
    """The merchant's targets for a ticket of this category and priority (its policy, else the default)."""
    row = db.session.scalar(select(SlaPolicy).where(SlaPolicy.merchant_id == merchant_id,
                                                    SlaPolicy.category == category, SlaPolicy.priority == priority))
    return _targets(row) if row else _default(category, priority)


def policy_grid(merchant: Merchant) -> list[Targets]:
    """Every category x priority with the targets in force, for the supervisor's page."""
    stored = {(r.category, r.priority): r for r in db.session.scalars(
        select(SlaPolicy).where(SlaPolicy.merchant_id == merchant.id))}
    return [_targets(stored[(c, p)]) if (c, p) in stored else _default(c, p) for c in Category for p in Priority]


def set_policy(merchant: Merchant, category: Category, priority: Priority, *, first_response_minutes: int,
               resolution_minutes: int, warning_percent: int) -> SlaPolicy:
    """Store one policy; new tickets take it, existing ones keep their due times."""
    fields: dict[str, list[str]] = {}
    for name, value in (("first_response_minutes", first_response_minutes),
                        ("resolution_minutes", resolution_minutes)):
        if not 1 <= value <= MAX_TARGET_MINUTES:
            fields[name] = [str(_l("Give a number of minutes between 1 and a year."))]
    if not 1 <= warning_percent <= 99:
        fields["warning_percent"] = [str(_l("Give a percentage between 1 and 99."))]
    if resolution_minutes < first_response_minutes:
        fields.setdefault("resolution_minutes", []).append(str(_l("Resolution cannot come before the first response.")))
    if fields:
        raise ValidationFailed("this policy is not acceptable", fields=fields)
    row = db.session.scalar(select(SlaPolicy).where(SlaPolicy.merchant_id == merchant.id,
                                                    SlaPolicy.category == category, SlaPolicy.priority == priority))
    if row is None:
        row = SlaPolicy(merchant_id=merchant.id, category=category, priority=priority)
        db.session.add(row)
    row.first_response_minutes, row.resolution_minutes = first_response_minutes, resolution_minutes
    row.warning_percent = warning_percent
    db.session.flush()
    return row


def rules_for(merchant_id: int, *, active_only: bool = False) -> list[EscalationRule]:
    stmt = select(EscalationRule).where(EscalationRule.merchant_id == merchant_id)
    if active_only:
        stmt = stmt.where(EscalationRule.active.is_(True))
    return list(db.session.scalars(stmt.order_by(EscalationRule.after_business_days, EscalationRule.id)))


def add_rule(merchant: Merchant, action: EscalationAction | str, after_business_days: int) -> EscalationRule:
    """A rule that fires on tickets whose resolution breach is at least this many working days old."""
    if not 0 <= after_business_days <= 250:
        raise ValidationFailed("too many days", fields={"after_business_days": [str(_l("Give 0 to 250 working days."))]})
    rule = EscalationRule(merchant_id=merchant.id, action=EscalationAction(action),
                          after_business_days=after_business_days, active=True)
    db.session.add(rule)
    db.session.flush()
    return rule


def rule_of(merchant: Merchant, rule_id: int) -> EscalationRule:
    """The merchant's rule, or 404 (another merchant's rule is not there for this caller)."""
    rule = db.session.get(EscalationRule, rule_id)
    if rule is None or rule.merchant_id != merchant.id:
        raise NotFound("No such rule.")
    return rule


def remove_rule(merchant: Merchant, rule_id: int) -> None:
    """Delete a rule; the steps it had scheduled go with it (the foreign key cascades)."""
    db.session.delete(rule_of(merchant, rule_id))
    db.session.flush()


def describe(rule: EscalationRule) -> dict[str, Any]:
    return {"id": rule.id, "action": rule.action.value, "after_business_days": rule.after_business_days,
            "active": rule.active}
