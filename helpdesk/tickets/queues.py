"""The queues an agent works from (mine, unassigned, due soon, breached, …) and the views a supervisor saves.

A queue is only a name for a set of list filters, so the page, its counts and
the API all go through `listing.filtered` and the same indexes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import Category, SavedView, Status, User, utcnow
from . import listing
from .services import OPEN_STATUSES

DUE_SOON = timedelta(hours=2)
FILTER_KEYS = ("q", "status", "category", "priority", "channel", "assignee", "tag", "order", "email", "breached",
               "open", "due_soon")


@dataclass(frozen=True)
class Queue:
    key: str
    title: Any
    filters: dict[str, Any]
    count: int | None = None


def standard_queues(user: User) -> list[Queue]:
    queues = [
        Queue("mine", _l("Mine"), {"assignee": user.email, "open": True}),
        Queue("unassigned", _l("Unassigned"), {"assignee": "none", "open": True}),
        Queue("due_soon", _l("Due soon"), {"due_soon": True, "open": True}),
        Queue("breached", _l("Breached"), {"breached": True, "open": True}),
        Queue("waiting", _l("Waiting on shopper"), {"status": Status.WAITING_CUSTOMER.value}),
        Queue("escalated", _l("Escalated"), {"status": Status.ESCALATED.value}),
    ]
    from ..labels import LABELS

    queues += [Queue(c.value, LABELS[c.value], {"category": c.value, "open": True}) for c in Category]
    return queues


def with_counts(queues: list[Queue]) -> list[Queue]:
    """Each queue with its exact number of tickets, scoped to the merchant.

    Every standard queue is a part of the open tickets (waiting and escalated
    are open statuses), so one pass over the merchant's open tickets counts
    them all (one aggregate, a FILTER per queue) instead of one COUNT each;
    the partial index on open tickets keeps that pass as small as the backlog,
    however many closed tickets the years have piled up. A queue that is not
    within the open tickets is counted on its own.
    """
    applied = [resolve(q.filters) for q in queues]
    within = [i for i, f in enumerate(applied) if _within_open(f)]
    counts: dict[int, int] = {}
    if within:
        columns = [func.count().filter(listing.filtered(applied[i]).whereclause) for i in within]
        row = db.session.execute(listing.filtered({"open": True}).with_only_columns(*columns)).one()
        counts = dict(zip(within, row, strict=True))
    return [Queue(q.key, q.title, q.filters, counts[i] if i in counts else listing.count_tickets(applied[i]))
            for i, q in enumerate(queues)]


def _within_open(filters: dict[str, Any]) -> bool:
    return bool(filters.get("open")) or filters.get("status") in {s.value for s in OPEN_STATUSES}


def resolve(filters: dict[str, Any]) -> dict[str, Any]:
    """Turn the stored, relative filters of a queue or view into the ones `listing` applies now."""
    out = {k: v for k, v in filters.items() if k in FILTER_KEYS and v not in (None, "")}
    if out.pop("due_soon", None):
        out["due_before"] = utcnow() + DUE_SOON
    return out


def saved_views(user: User) -> list[SavedView]:
    return list(db.session.scalars(select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name)))


def save_view(user: User, name: str, filters: dict[str, Any]) -> SavedView:
    name = " ".join(name.split())[:80]
    if not name:
        raise ValidationFailed("a view needs a name", fields={"name": ["Give the view a name."]})
    kept = {k: v for k, v in filters.items() if k in FILTER_KEYS and v not in (None, "")}
    if not kept:
        raise ValidationFailed("nothing to save", fields={"name": ["Choose some filters first."]})
    view = db.session.scalar(select(SavedView).where(SavedView.user_id == user.id, SavedView.name == name))
    if view is None:
        view = SavedView(user_id=user.id, merchant_id=user.merchant_id, name=name, filters=kept)
        db.session.add(view)
    else:
        view.filters = kept
    db.session.flush()
    return view


def delete_view(user: User, view_id: int) -> None:
    view = db.session.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        raise NotFound("No such view.")
    db.session.delete(view)
