"""Who hears about an SLA warning, breach or escalation: the assignee, else the merchant's supervisors.

The event on the ticket's timeline names them (user ids), which is what the
staff pages show; channels such as email register in `NOTIFIERS` (from
`integrations/`, which helpdesk may not import) and run in the caller's
transaction, so a rolled-back sweep sends nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Role, User

# notifier(ticket_id, kind, user_ids): e.g. queue a mail to each user.
NOTIFIERS: list[Callable[[int, str, list[int]], None]] = []


def recipients(tickets: Iterable[Any]) -> dict[int, list[int]]:
    """User ids to tell, per ticket id, in one query whatever the number of tickets.

    A ticket is anything with `id`, `merchant_id` and `assignee_id` (a Ticket or a row of the sweep).
    """
    tickets = list(tickets)
    supervisors: dict[int, list[int]] = {}
    merchants = {t.merchant_id for t in tickets if t.assignee_id is None}
    if merchants:
        rows = db.session.execute(select(User.id, User.merchant_id).where(
            User.merchant_id.in_(merchants), User.role == Role.SUPERVISOR, User.active.is_(True)).order_by(User.id))
        for user_id, merchant_id in rows:
            supervisors.setdefault(merchant_id, []).append(user_id)
    return {t.id: [t.assignee_id] if t.assignee_id else supervisors.get(t.merchant_id, []) for t in tickets}


def tell(ticket_id: int, kind: str, user_ids: list[int]) -> None:
    for notifier in NOTIFIERS:
        notifier(ticket_id, kind, user_ids)
