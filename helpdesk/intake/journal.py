"""The inbound journal: store every delivery raw first, then process it once, whatever happens to jobs.

`accept_delivery` is what a request does (insert the raw row, enqueue);
`process_delivery` is what a job does (lock the row, run the channel's
handler, mark it done). Webhooks journal through `fast_journal` and wake
`drain_pending`, which claims pending rows itself, oldest first, so no job
per delivery crosses Redis. A delivery that keeps failing is marked `failed`
with its error, stays visible, and can be replayed.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update

from .. import jobs
from ..extensions import db
from ..models import DeliveryStatus, InboundDelivery, Ticket, utcnow
from ..tickets.customers import upsert_ignore

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BACKOFF = (10, 30, 120, 600, 1800)
STALE_AFTER = timedelta(seconds=60)
DRAIN = "process_pending_deliveries"  # the wakeable job running `drain_pending`

# channel -> handler(delivery) -> the ticket it opened or touched, or None (e.g. an order update)
Handler = Callable[[InboundDelivery], Ticket | None]
HANDLERS: dict[str, Handler] = {}


def handles(channel: str) -> Callable[[Handler], Handler]:
    """Register the function that turns a journaled delivery of `channel` into tickets or order updates."""

    def register(func: Handler) -> Handler:
        HANDLERS[channel] = func
        return func

    return register


class Rejected(Exception):
    """The delivery can never be processed (e.g. a payload without the fields it needs): no retry."""


class Ignored(Rejected):
    """The delivery is understood and deliberately not turned into a ticket (e.g. a bounce of unknown mail,
    an auto-reply, the helpdesk's own mail): recorded as `ignored` with the reason, no retry."""


@dataclass(frozen=True)
class Accepted:
    delivery_id: int
    duplicate: bool


def new_row(merchant_id: int, channel: str, key: str, payload: bytes, *, topic: str | None,
            meta: dict[str, Any] | None) -> dict[str, Any]:
    """The columns of a delivery as it is first journaled, pending and due now (both ways of journaling)."""
    now = utcnow()
    return {"merchant_id": merchant_id, "channel": channel, "key": key[:255], "topic": topic, "payload": payload,
            "meta": meta or {}, "status": DeliveryStatus.PENDING, "attempts": 0, "received_at": now,
            "next_attempt_at": now}


def accept_delivery(merchant_id: int, channel: str, key: str, payload: bytes, *, topic: str | None = None,
                    meta: dict[str, Any] | None = None, enqueue: bool = True) -> Accepted:
    """Journal a delivery under its idempotency key; the same key again is reported as a duplicate.

    Concurrent posts of one key race on the unique index, never on a read.
    The caller commits; the processing job is sent after that commit.
    """
    result = upsert_ignore(InboundDelivery, new_row(merchant_id, channel, key, payload, topic=topic, meta=meta),
                           ["channel", "key"])
    row_id = db.session.scalar(select(InboundDelivery.id).where(InboundDelivery.channel == channel,
                                                               InboundDelivery.key == key[:255]))
    assert row_id is not None
    duplicate = result.first() is None  # no row back: the key was already journaled
    if not duplicate and enqueue:
        jobs.enqueue(db.session, "process_delivery", row_id, job_id=f"delivery-{row_id}")
    return Accepted(row_id, duplicate)


def process_delivery(delivery_id: int, *, now: datetime | None = None) -> InboundDelivery | None:
    """Run the channel's handler once for a pending delivery, and commit. Safe to call twice."""
    now = now or utcnow()
    delivery = db.session.scalar(_locked(select(InboundDelivery).where(InboundDelivery.id == delivery_id)))
    if delivery is None or delivery.status is not DeliveryStatus.PENDING:
        db.session.rollback()
        return delivery
    _process_locked(delivery, now)
    db.session.commit()
    return delivery


def accept_and_process(merchant_id: int, channel: str, key: str, payload: bytes, *,
                       meta: dict[str, Any] | None = None) -> tuple[InboundDelivery, bool]:
    """Journal a delivery and process it within the request (API, widget: the ref works at once).

    A duplicate still pending (its first request died mid-way, or failed for a
    passing reason) is finished now. Returns the delivery as it stands, and
    whether it was a duplicate; the caller answers for whatever is not done.
    """
    accepted = accept_delivery(merchant_id, channel, key, payload, enqueue=False, meta=meta)
    if accepted.duplicate:
        delivery = db.session.get(InboundDelivery, accepted.delivery_id)
        assert delivery is not None
        if delivery.status is not DeliveryStatus.PENDING:
            return delivery, True
    else:
        db.session.commit()
    # None: a worker holds the row at this moment (it stays pending for the caller).
    delivery = process_delivery(accepted.delivery_id) or db.session.get(InboundDelivery, accepted.delivery_id)
    assert delivery is not None
    return delivery, accepted.duplicate


@dataclass(frozen=True)
class Drained:
    processed: int
    finished: bool  # False: the time was up with rows left (the job wakes another run)


def drain_pending(*, seconds: float = 30.0, on_first: Callable[[], None] | None = None) -> Drained:
    """Process pending deliveries that are due, oldest first, each in its own transaction, for up to `seconds`.

    Any number of workers may drain at once: each claims a row with a lock that
    the others skip (PostgreSQL), or under SQLite's write lock. A worker that
    dies mid-row leaves it pending (its transaction never committed), so a
    later run or the requeue schedule picks it up. A row whose transaction
    fails here is skipped for the rest of this run rather than retried at once.
    `on_first` is called once, when the first row is claimed (the job wakes a companion worker then).
    """
    deadline, processed, skipped = time.monotonic() + seconds, 0, set[int]()
    while time.monotonic() < deadline:
        now = utcnow()
        stmt = select(InboundDelivery).where(
            InboundDelivery.status == DeliveryStatus.PENDING, InboundDelivery.next_attempt_at <= now)
        if skipped:
            stmt = stmt.where(InboundDelivery.id.not_in(skipped))
        # Ordered by the pending index's own column (status, next_attempt_at): the claim reads one index entry
        # instead of sorting every pending row, which a backlog of thousands would make quadratic.
        delivery = db.session.scalar(_locked(stmt.order_by(InboundDelivery.next_attempt_at).limit(1)))
        if delivery is None:
            db.session.rollback()
            return Drained(processed, finished=True)
        delivery_id = delivery.id
        if on_first is not None:
            on_first()
            on_first = None
        try:
            _process_locked(delivery, now)
            db.session.commit()
            processed += 1
        except Exception:
            log.exception("delivery %s could not be processed now; it stays pending", delivery_id)
            db.session.rollback()
            skipped.add(delivery_id)
    return Drained(processed, finished=False)


def _locked(stmt: Select[tuple[InboundDelivery]]) -> Select[tuple[InboundDelivery]]:
    """The row(s) of `stmt`, locked for this transaction: rows another worker holds are skipped."""
    if db.session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    _sqlite_write_lock()
    return stmt


def _process_locked(delivery: InboundDelivery, now: datetime) -> None:
    """Run the channel's handler for a pending delivery this transaction holds, and record the outcome."""
    handler = HANDLERS.get(delivery.channel)
    try:
        if handler is None:
            raise Rejected(f"no handler for channel {delivery.channel!r}")
        with db.session.begin_nested():
            ticket = handler(delivery)
        delivery.status, delivery.processed_at = DeliveryStatus.DONE, now
        delivery.ticket_id = ticket.id if ticket is not None else None
        delivery.attempts += 1
        delivery.last_error = None
    except Ignored as exc:
        delivery.status, delivery.processed_at, delivery.last_error = DeliveryStatus.IGNORED, now, str(exc)[:4000]
        delivery.attempts += 1
    except Rejected as exc:
        _fail(delivery, str(exc), now, final=True)
    except Exception as exc:
        log.exception("delivery %s (%s) failed", delivery.id, delivery.channel)
        _fail(delivery, f"{type(exc).__name__}: {exc}", now, final=False)


def _sqlite_write_lock() -> None:
    """SQLite: take the write lock before reading. A deferred transaction that has read cannot
    become a writer once another connection has committed (SQLITE_BUSY at once, no busy wait),
    so a web request journaling a delivery would make this job fail and wait for the requeue."""
    connection = db.session.connection()
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _fail(delivery: InboundDelivery, error: str, now: datetime, *, final: bool) -> None:
    delivery.attempts += 1
    delivery.last_error = error[:4000]
    if final or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + timedelta(seconds=BACKOFF[min(delivery.attempts - 1, len(BACKOFF) - 1)])


def requeue_pending(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send a drain job when pending deliveries whose time has come have waited over 60 s; their count (to `limit`).

    Whatever happened to the wake-up or the job (Redis down or restarted
    empty, a worker killed mid-job), the journal rows are still pending, so
    they are picked up here; also the retries whose backoff has passed.
    The job is sent outright, not woken: a wake flag left by a lost job must not delay it.
    """
    now = now or utcnow()
    count = db.session.scalar(select(func.count()).select_from(select(InboundDelivery.id).where(
        InboundDelivery.status == DeliveryStatus.PENDING, InboundDelivery.next_attempt_at <= now,
        InboundDelivery.received_at <= now - STALE_AFTER).limit(limit).subquery())) or 0
    db.session.rollback()
    if count:
        jobs.submit_now(DRAIN)
    return count


def replay(delivery_id: int, *, merchant_id: int | None = None) -> InboundDelivery:
    """Put a failed delivery back in the queue (a supervisor or `helpdesk replay-delivery`).

    Only a failed one: replaying a processed delivery would apply it twice.
    `merchant_id` limits it to one merchant's journal (the supervisor page).
    """
    from ..errors import Conflict, NotFound

    delivery = db.session.get(InboundDelivery, delivery_id)
    if delivery is None or (merchant_id is not None and delivery.merchant_id != merchant_id):
        raise NotFound(f"no delivery {delivery_id}")
    changed = db.session.execute(update(InboundDelivery).where(
        InboundDelivery.id == delivery_id, InboundDelivery.status == DeliveryStatus.FAILED).values(
        status=DeliveryStatus.PENDING, next_attempt_at=utcnow(), attempts=0)).rowcount
    if not changed:
        raise Conflict(f"delivery {delivery_id} is {delivery.status.value}, not failed: nothing to replay")
    db.session.refresh(delivery)
    jobs.enqueue(db.session, "process_delivery", delivery_id)
    return delivery


def failed_deliveries(merchant_id: int, *, limit: int = 100) -> list[InboundDelivery]:
    """What a supervisor must look at: deliveries that failed for good, and pending ones stuck over an hour."""
    stuck = utcnow() - timedelta(hours=1)
    return list(db.session.scalars(select(InboundDelivery).where(
        InboundDelivery.merchant_id == merchant_id,
        (InboundDelivery.status == DeliveryStatus.FAILED)
        | ((InboundDelivery.status == DeliveryStatus.PENDING) & (InboundDelivery.received_at <= stuck)),
    ).order_by(InboundDelivery.id.desc()).limit(limit)))
