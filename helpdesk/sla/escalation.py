"""Escalation rules at work: steps scheduled by a resolution breach, fired once each when they come due.

A breach schedules one `EscalationTimer` per active rule of the merchant, due
N working days (the merchant's calendar) after the resolution due time.
Firing deletes the timer first: the DELETE that removed the row is the claim,
so a step fires once however many sweeps run. A ticket resolved or closed
meanwhile lets its steps lapse silently.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from ..errors import DomainError
from ..extensions import db
from ..models import (
    EscalationAction,
    EscalationRule,
    EscalationTimer,
    Merchant,
    OpenedBy,
    Priority,
    Status,
    Ticket,
)
from ..tickets.timeline import record_event
from . import notify, policies
from .clocks import calendar_for

LADDER = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
LAPSED = (Status.RESOLVED, Status.CLOSED)


def schedule(tickets: list[Any]) -> None:
    """One timer per active rule for each ticket whose resolution was just breached (flushes).

    A ticket is anything with `id`, `merchant_id` and `resolution_due_at` (the sweep passes rows).
    """
    rules: dict[int, list[EscalationRule]] = {}
    for ticket in tickets:
        if ticket.merchant_id not in rules:
            rules[ticket.merchant_id] = policies.rules_for(ticket.merchant_id, active_only=True)
        if not rules[ticket.merchant_id]:
            continue
        merchant = db.session.get(Merchant, ticket.merchant_id)
        assert merchant is not None and ticket.resolution_due_at is not None
        calendar = calendar_for(merchant)
        for rule in rules[ticket.merchant_id]:
            due = ticket.resolution_due_at if rule.after_business_days == 0 else \
                calendar.add_business_days(ticket.resolution_due_at, rule.after_business_days)
            db.session.add(EscalationTimer(merchant_id=ticket.merchant_id, ticket_id=ticket.id, rule_id=rule.id,
                                           due_at=due))
    db.session.flush()


def fire_due(now: datetime, fired: list[tuple[str, str]], *, batch: int = 200) -> None:
    """Fire every step due by `now`, committing per batch; appends (ref, action) to `fired`."""
    while True:
        stmt = (select(EscalationTimer.id, EscalationTimer.ticket_id, EscalationTimer.rule_id)
                .where(EscalationTimer.due_at <= now).order_by(EscalationTimer.due_at).limit(batch))
        if db.engine.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        due = db.session.execute(stmt).all()
        for timer_id, ticket_id, rule_id in due:
            claimed = db.session.execute(delete(EscalationTimer).where(EscalationTimer.id == timer_id)
                                         .execution_options(synchronize_session=False)).rowcount
            if claimed == 1:
                _fire(ticket_id, rule_id, now, fired)
        db.session.commit()
        if len(due) < batch:
            return


def _fire(ticket_id: int, rule_id: int, now: datetime, fired: list[tuple[str, str]]) -> None:
    ticket = db.session.get(Ticket, ticket_id, with_for_update=db.engine.dialect.name == "postgresql")
    rule = db.session.get(EscalationRule, rule_id)
    if ticket is None or rule is None or ticket.status in LAPSED:
        return
    actor = f"rule:{rule.id}"
    if rule.action is EscalationAction.NOTIFY:
        who = notify.recipients([ticket])[ticket.id]
        record_event(ticket, "sla.escalation_notice", actor, {"notify": who}, at=now)
        notify.tell(ticket.id, "sla.escalation_notice", who)
    elif rule.action is EscalationAction.RAISE_PRIORITY:
        if not raise_priority(ticket, actor, now):
            return
    elif rule.action is EscalationAction.OPEN_DOSSIER:
        if ticket.status is Status.ESCALATED:
            return
        from ..mediation.dossier import open_dossier

        try:
            open_dossier(ticket, by=OpenedBy.RULE, reason="resolution overdue", actor=actor, now=now)
        except DomainError as exc:  # e.g. no mediation service: the timeline says why nothing happened
            record_event(ticket, "sla.escalation_failed", actor, {"action": rule.action.value,
                                                                   "reason": exc.message}, at=now)
            return
    fired.append((ticket.ref, rule.action.value))


def raise_priority(ticket: Ticket, actor: str, now: datetime) -> bool:
    """One step up the ladder; False when the ticket is already urgent."""
    step = LADDER.index(ticket.priority)
    if step == len(LADDER) - 1:
        return False
    before, ticket.priority = ticket.priority, LADDER[step + 1]
    record_event(ticket, "priority.changed", actor, {"from": before.value, "to": ticket.priority.value}, at=now)
    return True
