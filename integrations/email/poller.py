"""Reading a mailbox over IMAP: lease, checkpoint, batched FETCH, journal, reconnect with backoff, IDLE.

Mail is read with ``BODY.PEEK[]`` in a read-only SELECT, never flagged or
deleted. Each message is journaled through intake under a key made from its
Message-ID (else a hash of its bytes), so a message read twice, also after a
UIDVALIDITY change, is one delivery. The checkpoint (UIDVALIDITY, last UID)
moves in the same transaction that journaled the batch: a connection dropped
mid-batch loses nothing and duplicates nothing. One process polls a mailbox at
a time (a lease row); another poll skips it.
"""
from __future__ import annotations

import hashlib
import imaplib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError

from helpdesk import jobs
from helpdesk.extensions import db
from helpdesk.intake.journal import accept_delivery
from helpdesk.models import Mailbox, Merchant, utcnow

from .headers import RawHeaders
from .headers import message_id as clean_message_id
from .health import record_failure, record_success
from .mailboxes import password_of
from .parsing import parse_headers_only

log = logging.getLogger("helpdesk.mail")

CHANNEL = "email"
BATCH = 100
JOB_SIZE = 10  # deliveries per processing job
TIMEOUT = 60
LEASE = timedelta(minutes=10)
BACKOFF = (1.0, 4.0, 15.0)  # seconds before each reconnect within one pass
NETWORK_ERRORS = (imaplib.IMAP4.error, OSError, socket.timeout, EOFError)
# A busy database (SQLite's write lock held past its timeout) is as transient as the network: the
# batch was not committed, so the checkpoint did not move and the retry reads it again.
TRANSIENT_ERRORS = (*NETWORK_ERRORS, OperationalError)


@dataclass
class PollResult:
    """What one pass did: messages journaled (new or not), whether the lease was held elsewhere, the error."""

    mailbox_id: int
    fetched: int = 0
    skipped: bool = False
    error: str | None = None


def delivery_key(merchant_id: int, raw: bytes) -> str:
    """The journal key: the Message-ID when there is one, else a hash of the bytes (never the UID)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    parsed = parse_headers_only(head + b"\r\n\r\n")
    mid = clean_message_id(RawHeaders(parsed).first("message-id")) if parsed is not None else None
    if mid and len(mid) <= 200:
        return f"{merchant_id}:id:{mid}"
    if mid:
        return f"{merchant_id}:idsha:{hashlib.sha256(mid.encode('utf-8', 'replace')).hexdigest()}"
    return f"{merchant_id}:sha:{hashlib.sha256(raw).hexdigest()}"


def take_lease(mailbox_id: int, owner: str, *, now: datetime | None = None) -> bool:
    """Claim the mailbox for this process unless another holds an unexpired lease; commits."""
    now = now or utcnow()
    claimed = db.session.execute(update(Mailbox).where(
        Mailbox.id == mailbox_id, Mailbox.active.is_(True),
        or_(Mailbox.lease_until.is_(None), Mailbox.lease_until < now, Mailbox.lease_owner == owner))
        .values(lease_owner=owner, lease_until=now + LEASE).returning(Mailbox.id)).first()
    db.session.commit()
    return claimed is not None


def release_lease(mailbox_id: int, owner: str) -> None:
    db.session.rollback()
    db.session.execute(update(Mailbox).where(Mailbox.id == mailbox_id, Mailbox.lease_owner == owner)
                       .values(lease_owner=None, lease_until=None))
    db.session.commit()


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def connect(mailbox: Mailbox) -> IMAPClient:
    client = IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.tls, timeout=TIMEOUT)
    try:
        client.login(mailbox.username, password_of(mailbox))
    except BaseException:
        _logout(client)  # a refused login must not leave the socket open
        raise
    return client


def poll_mailbox(mailbox_id: int, *, batch: int = BATCH, backoff: Sequence[float] | None = None,
                 idle_seconds: float = 0, idle_rounds: int | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> PollResult:
    """One pass over a mailbox (and, with ``idle_seconds``, IDLE until then, fetching what arrives,
    at most ``idle_rounds`` times when given).

    Commits per batch; a second process finds the lease taken and skips.
    """
    owner = _owner()
    if backoff is None:
        backoff = current_app.config.get("HELPDESK_MAIL_RECONNECT_BACKOFF", BACKOFF)
    if not take_lease(mailbox_id, owner):
        log.info("mailbox %s is being polled by another process; skipped", mailbox_id)
        return PollResult(mailbox_id, skipped=True)
    result = PollResult(mailbox_id)
    try:
        _fetch_with_retries(mailbox_id, owner, result, batch, backoff, sleep)
        deadline, rounds = time.monotonic() + idle_seconds, 0
        while (result.error is None and time.monotonic() < deadline and rounds != idle_rounds
               and _idle_until_news(mailbox_id, deadline)):
            _fetch_with_retries(mailbox_id, owner, result, batch, backoff, sleep)
            rounds += 1
    finally:
        release_lease(mailbox_id, owner)
    return result


def _fetch_with_retries(mailbox_id: int, owner: str, result: PollResult, batch: int, backoff: Sequence[float],
                        sleep: Callable[[float], None]) -> None:
    """Fetch until the folder is read; reconnect after a network error, recording health either way."""
    for attempt in range(len(backoff) + 1):
        try:
            result.fetched += _fetch_new(mailbox_id, owner, batch)
            result.error = None
            record_success(mailbox_id)
            return
        except TRANSIENT_ERRORS as exc:
            db.session.rollback()
            result.error = f"{type(exc).__name__}: {str(exc)[:300]}"
            log.warning("mailbox %s: %s (attempt %d)", mailbox_id, result.error, attempt + 1)
            if isinstance(exc, LoginError):
                break  # wrong credentials do not heal by waiting; the next scheduled poll tries again
            if attempt < len(backoff):
                sleep(backoff[attempt])
    record_failure(mailbox_id, result.error or "unknown error")


def _fetch_new(mailbox_id: int, owner: str, batch: int) -> int:
    """Read every message above the checkpoint, journal it, move the checkpoint per committed batch."""
    mailbox = db.session.get(Mailbox, mailbox_id)
    assert mailbox is not None
    merchant_id, folder = mailbox.merchant_id, mailbox.folder
    client = connect(mailbox)
    db.session.commit()  # no read transaction held open while the network talks
    try:
        info = client.select_folder(folder, readonly=True)
        uidvalidity = int(info[b"UIDVALIDITY"])
        last = _checkpoint(mailbox_id, uidvalidity)
        uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
        _set(mailbox_id, backlog=len(uids))
        done = 0
        for start in range(0, len(uids), batch):
            chunk = uids[start:start + batch]
            fetched = client.fetch(chunk, ["BODY.PEEK[]"])
            new_ids = []
            for uid in chunk:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if raw is not None:  # None: expunged meanwhile, nothing left to read
                    accepted = accept_delivery(merchant_id, CHANNEL, delivery_key(merchant_id, raw), bytes(raw),
                                               meta={"mailbox_id": mailbox_id, "uid": uid,
                                                     "uidvalidity": uidvalidity}, enqueue=False)
                    new_ids += [] if accepted.duplicate else [accepted.delivery_id]
            _enqueue_processing(new_ids)
            done += len(chunk)
            _renew_lease(mailbox_id, owner)
            _set(mailbox_id, last_uid=chunk[-1], backlog=len(uids) - done)
        uidnext = int(info.get(b"UIDNEXT", 0))
        if uidnext - 1 > max(uids[-1:] or [last]):
            # Every UID below UIDNEXT was in the SEARCH: the gaps were expunged, never to come back.
            _set(mailbox_id, last_uid=uidnext - 1)
        return done
    finally:
        _logout(client)


def _enqueue_processing(delivery_ids: list[int]) -> None:
    """Jobs of a few deliveries each: fewer queue round trips than one per mail, and still spread over workers.

    Sent after the batch's commit; the journal's requeue schedule covers a job lost on the way.
    """
    for start in range(0, len(delivery_ids), JOB_SIZE):
        group = delivery_ids[start:start + JOB_SIZE]
        jobs.enqueue(db.session, "process_deliveries", group, job_id=f"deliveries-{group[0]}-{group[-1]}")


def _checkpoint(mailbox_id: int, uidvalidity: int) -> int:
    """The last UID read, or 0 when the folder's UIDVALIDITY changed (all UIDs are new names then)."""
    mailbox = db.session.get(Mailbox, mailbox_id)
    assert mailbox is not None
    if mailbox.uidvalidity != uidvalidity:
        if mailbox.uidvalidity is not None:
            log.warning("mailbox %s: UIDVALIDITY changed (%s -> %s); reading the folder again, journal "
                        "keys keep it from duplicating", mailbox_id, mailbox.uidvalidity, uidvalidity)
        mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0
        db.session.commit()
    return int(mailbox.last_uid)


def _renew_lease(mailbox_id: int, owner: str) -> None:
    """Keep the lease while batches go on (committed with the batch); never extend someone else's."""
    db.session.execute(update(Mailbox).where(Mailbox.id == mailbox_id, Mailbox.lease_owner == owner)
                       .values(lease_until=utcnow() + LEASE))


def _set(mailbox_id: int, **values: object) -> None:
    db.session.execute(update(Mailbox).where(Mailbox.id == mailbox_id).values(**values))
    db.session.commit()


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection may already be gone; nothing to save
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001, S110
            pass


def _idle_until_news(mailbox_id: int, deadline: float) -> bool:
    """Wait in IDLE until the server reports new mail (True) or the deadline passes (False).

    An IDLE connection lives at most until ``deadline`` (below the schedule's
    period), so the next scheduled poll always re-establishes it: a silently
    dead connection stalls fetching for one period at most.
    """
    mailbox = db.session.get(Mailbox, mailbox_id)
    assert mailbox is not None
    try:
        client = connect(mailbox)
    except NETWORK_ERRORS:
        db.session.rollback()
        return False
    db.session.commit()
    try:
        if not client.has_capability("IDLE"):
            return False
        info = client.select_folder(mailbox.folder, readonly=True)
        if int(info.get(b"UIDNEXT", 0)) > mailbox.last_uid + 1 and int(info.get(b"EXISTS", 0)):
            return True  # arrived between the fetch and this SELECT: IDLE would not report it
        client.idle()
        try:
            while (left := deadline - time.monotonic()) > 0:
                responses = client.idle_check(timeout=min(left, 60))
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    return True
            return False
        finally:
            client.idle_done()
    except NETWORK_ERRORS as exc:
        log.warning("mailbox %s: IDLE ended (%s); the next poll reconnects", mailbox_id, type(exc).__name__)
        return False
    finally:
        _logout(client)


def idle_seconds() -> float:
    """How long a scheduled poll waits in IDLE after its pass (HELPDESK_MAIL_IDLE_SECONDS, default 0).

    Off by default: an RQ worker waiting in IDLE serves no other job meanwhile, so each
    mailbox would hold a worker most of the time; the 30-second poll is the default latency.
    Never in the embedded mode, whose single job thread must not wait.
    """
    if not current_app.config.get("REDIS_URL"):
        return 0.0
    return float(current_app.config.get("HELPDESK_MAIL_IDLE_SECONDS") or 0)


def poll_and_watch(mailbox_id: int) -> PollResult:
    """The scheduled job's work: poll, then IDLE for a while where supported."""
    return poll_mailbox(mailbox_id, idle_seconds=idle_seconds())


def active_mailboxes(merchant_slug: str | None = None) -> list[Mailbox]:
    stmt = select(Mailbox).where(Mailbox.active.is_(True)).order_by(Mailbox.id)
    if merchant_slug:
        stmt = stmt.join(Merchant, Merchant.id == Mailbox.merchant_id).where(Merchant.slug == merchant_slug)
    return list(db.session.scalars(stmt))


def enqueue_polls() -> int:
    """One `poll_mailbox` job per active mailbox, with an id per mailbox and period (no pile-up)."""
    ids = [m.id for m in active_mailboxes()]
    db.session.rollback()
    period = int(time.time() // 30)
    for mailbox_id in ids:
        jobs.submit_now("poll_mailbox", mailbox_id, job_id=f"poll-mailbox-{mailbox_id}-{period}")
    return len(ids)
