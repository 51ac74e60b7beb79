"""Bulk actions on a selection of tickets (assign, tag, close), applied by a job with progress kept in a row.

`start_bulk` keeps only the caller's merchant's tickets, records a
`BulkAction` and enqueues `bulk_action` after the commit. `run_bulk` applies
the change one ticket at a time through the usual services, each in its own
transaction with its progress, so one refusal stops nothing and a retried job
resumes where it stopped.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select

from .. import jobs
from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..models import BulkAction, BulkStatus, Status, Ticket, User, utcnow
from . import services

log = logging.getLogger(__name__)
ACTIONS = ("assign", "tag", "close")
MAX_SELECTION = 500


def start_bulk(user: User, action: str, refs: list[str], value: str = "") -> BulkAction:
    """Record the change for the caller's own tickets among `refs` and queue it. The caller commits."""
    if action not in ACTIONS:
        raise ValidationFailed("unknown action", fields={"action": ["Choose assign, tag or close."]})
    value = (value or "").strip()
    if action == "tag" and not value:
        raise ValidationFailed("no tag", fields={"value": ["Name the tag."]})
    if action == "assign":
        _assignee(user.merchant_id, value)  # refuse an unknown agent now, not ticket by ticket
    wanted = sorted({r.strip().upper() for r in refs if r and r.strip()})[:MAX_SELECTION]
    ids = list(db.session.scalars(select(Ticket.id).where(Ticket.merchant_id == user.merchant_id,
                                                          Ticket.ref.in_(wanted)).order_by(Ticket.id)).all())
    if not ids:
        raise ValidationFailed("nothing selected", fields={"tickets": ["Select at least one ticket."]})
    bulk = BulkAction(merchant_id=user.merchant_id, user_id=user.id, action=action, value=value[:254],
                      ticket_ids=ids, total=len(ids), status=BulkStatus.QUEUED, errors=[])
    db.session.add(bulk)
    db.session.flush()
    jobs.enqueue(db.session, "bulk_action", bulk.id, job_id=f"bulk-{bulk.id}")
    return bulk


def _assignee(merchant_id: int | None, value: str) -> User | None:
    if value.lower() in ("", "none"):
        return None
    user = db.session.scalar(select(User).where(User.merchant_id == merchant_id,
                                                func.lower(User.email) == value.lower()))
    if user is None or not user.is_staff:
        raise ValidationFailed("no such agent", fields={"value": ["No agent of this merchant has that email."]})
    return user


def _apply(bulk: BulkAction, ticket: Ticket, actor: User, now: datetime) -> None:
    who = f"{actor.role.value}:{actor.id}"
    if bulk.action == "assign":
        services.assign(ticket, _assignee(bulk.merchant_id, bulk.value), who, now=now)
    elif bulk.action == "tag":
        services.set_tags(ticket, [*ticket.tags, bulk.value], who, now=now)
    else:
        services.change_status(ticket, Status.CLOSED, who, now=now)
    ticket.updated_at = now


def run_bulk(bulk_id: int) -> BulkAction | None:
    """Apply the bulk action ticket by ticket; each ticket and its progress commit together."""
    bulk = db.session.get(BulkAction, bulk_id)
    if bulk is None:
        log.warning("bulk action %s not found (rolled back, or purged since)", bulk_id)
        return None
    if bulk.status is BulkStatus.FINISHED:
        return bulk
    actor = db.session.get(User, bulk.user_id) if bulk.user_id else None
    bulk.status = BulkStatus.RUNNING
    db.session.commit()
    for ticket_id in list(bulk.ticket_ids)[bulk.done + bulk.failed:]:
        _one(bulk_id, ticket_id, actor)
    bulk = db.session.get(BulkAction, bulk_id)
    assert bulk is not None
    bulk.status, bulk.finished_at = BulkStatus.FINISHED, utcnow()
    db.session.commit()
    return bulk


def _one(bulk_id: int, ticket_id: int, actor: User | None) -> None:
    bulk = db.session.get(BulkAction, bulk_id, with_for_update=True)
    assert bulk is not None
    ticket = db.session.scalar(select(Ticket).where(Ticket.id == ticket_id, Ticket.merchant_id == bulk.merchant_id)
                               .with_for_update())
    try:
        if ticket is None or actor is None:
            raise DomainError("This ticket or its agent is gone.")
        _apply(bulk, ticket, actor, utcnow())
        bulk.done += 1
    except Exception as exc:  # one ticket that cannot change now must not leave the whole selection hanging
        if not isinstance(exc, DomainError):
            log.exception("bulk action %s could not change ticket %s", bulk_id, ticket_id)
        db.session.rollback()
        bulk = db.session.get(BulkAction, bulk_id, with_for_update=True)
        assert bulk is not None
        bulk.failed += 1
        ref = db.session.scalar(select(Ticket.ref).where(Ticket.id == ticket_id)) or str(ticket_id)
        message = exc.message if isinstance(exc, DomainError) else "It could not be changed now; try again."
        bulk.errors = [*bulk.errors, {"ticket": ref, "error": message}]
    db.session.commit()


def bulk_of(bulk_id: int, merchant_id: int) -> BulkAction | None:
    return db.session.scalar(select(BulkAction).where(BulkAction.id == bulk_id,
                                                      BulkAction.merchant_id == merchant_id))
