"""Group commit for the inbound journal: the concurrent deliveries of one process share one INSERT and one COMMIT.

A webhook must not answer 202 before its delivery is durable, and on two
shared cores one commit per request costs more than all the rest of the
request. So a request hands its row to the process's writer and waits; the
writer inserts everything waiting in one statement, commits, sends one
processing job for the batch, and wakes the requests with their answers.
Nothing waits for company: a lone request is written at once, and requests
that arrive while a batch is being written form the next one.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import jobs
from ..extensions import db
from ..models import DeliveryStatus, InboundDelivery, utcnow
from .journal import Accepted

MAX_BATCH = 200
WAIT_SECONDS = 30


@dataclass
class _Waiting:
    row: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Accepted | None = None
    error: BaseException | None = None


class JournalWriter:
    """One per app and process; its thread starts on first use (after gunicorn has forked)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.waiting: list[_Waiting] = []
        self.cond = threading.Condition()
        # One writer: a second one, measured with bench/webhooks.py, gains nothing on 2 cores (the path is
        # CPU-bound) and makes batches smaller.
        self.thread: threading.Thread | None = None

    def accept(self, merchant_id: int, channel: str, key: str, payload: bytes, *, topic: str | None = None,
               meta: dict[str, Any] | None = None) -> Accepted:
        """Journal one delivery durably (committed when this returns) and have it processed."""
        now = utcnow()
        item = _Waiting({"merchant_id": merchant_id, "channel": channel, "key": key[:255], "topic": topic,
                         "payload": payload, "meta": meta or {}, "status": DeliveryStatus.PENDING.value,
                         "attempts": 0, "received_at": now, "next_attempt_at": now})
        with self.cond:
            self.waiting.append(item)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="helpdesk-journal", daemon=True)
                self.thread.start()
            self.cond.notify()
        if not item.done.wait(WAIT_SECONDS):
            raise TimeoutError("the journal did not confirm the delivery in time")
        if item.error is not None:
            raise item.error
        assert item.result is not None
        return item.result

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self.waiting:
                    self.cond.wait()
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            fresh: list[int] = []
            try:
                with self.app.app_context():
                    results, fresh = _write([w.row for w in batch])
                    db.session.remove()
                for item, result in zip(batch, results, strict=True):
                    item.result = result
            except BaseException as exc:  # noqa: BLE001 - each request answers with the error (a 500, not a 202)
                for item in batch:
                    item.error = exc
            finally:
                for item in batch:
                    item.done.set()
            # The rows are durable and the senders answered: now ask for processing. Were Redis down,
            # the journal's schedule picks the rows up anyway.
            if fresh:
                jobs.submit_now("process_deliveries", fresh, job_id=f"deliveries-{fresh[0]}-{fresh[-1]}")


def _write(rows: list[dict[str, Any]]) -> tuple[list[Accepted], list[int]]:
    """Insert the batch (duplicates of earlier deliveries or within the batch are skipped) and commit.

    Returns each row's answer and the ids of the rows that are new, to be processed.
    """
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        first.setdefault((row["channel"], row["key"]), row)
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    table = InboundDelivery.__table__
    with db.engine.begin() as conn:
        # One statement for the batch, compiled once per process (SQLAlchemy's "insertmanyvalues").
        stmt = insert(table).on_conflict_do_nothing(index_elements=["channel", "key"]).returning(
            table.c.id, table.c.channel, table.c.key)
        new = {(r.channel, r.key): r.id for r in conn.execute(stmt, list(first.values()))}
        old_keys = [k for k in first if k not in new]
        old = {(r.channel, r.key): r.id for r in conn.execute(
            select(table.c.id, table.c.channel, table.c.key).where(
                tuple_(table.c.channel, table.c.key).in_(old_keys)))} if old_keys else {}
    answers = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        k = (row["channel"], row["key"])
        fresh = k in new and k not in seen
        seen.add(k)
        answers.append(Accepted(new[k] if k in new else old[k], duplicate=not fresh))
    return answers, sorted(new.values())


def journal_writer() -> JournalWriter:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    writer = app.extensions.get("helpdesk_journal_writer")
    if writer is None:
        writer = app.extensions.setdefault("helpdesk_journal_writer", JournalWriter(app))
    return writer  # type: ignore[no-any-return]
