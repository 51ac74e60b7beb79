"""The webhooks' journal write (one autocommit INSERT on a held connection) and the drain job that takes its rows.

Real services where the behaviour depends on them: PostgreSQL or SQLite (both
passes), Redis and a real RQ worker process for the wake-ups and the kill.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from helpdesk import jobs
from helpdesk.config import WEB_THREADS
from helpdesk.extensions import db
from helpdesk.intake.fast_journal import journal_delivery
from helpdesk.intake.held_connections import held_connections
from helpdesk.intake.journal import DRAIN, accept_delivery, drain_pending, handles, requeue_pending
from helpdesk.models import InboundDelivery, Ticket, utcnow
from tests.conftest import PG_URL, REDIS_URL, make_merchant, need_service, run_together
from tests.integrations.storefronts.conftest import add_integrations
from tests.integrations.storefronts.hooks import post_generic
from tests.worker.test_jobs import _rq_app

ROOT = Path(__file__).resolve().parents[2]


@handles("test_slow")
def _slow_the_first_time(delivery: InboundDelivery) -> None:
    """Stands for a long handler: the first attempt marks a file and hangs (the worker is killed meanwhile)."""
    marker = Path(delivery.payload.decode())
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(120)


def _complaint(i: int) -> dict[str, str]:
    return {"email": f"shopper{i}@example.com", "name": f"Shopper {i}", "order_number": f"#20{i:02d}",
            "message": f"Ma commande #20{i:02d} est arrivée cassée, je voudrais un remplacement."}


def _statuses() -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(select(InboundDelivery.status, func.count()).group_by(InboundDelivery.status))
    return {status.value: count for status, count in rows}


def _tickets() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Ticket)) or 0


def test_a_row_journaled_here_reads_back_as_the_orm_writes_it(app, monkeypatch):
    """The INSERT adapts values by hand (datetimes, JSON): it must store what the model's types would."""
    monkeypatch.setattr(jobs, "wake", lambda name: None)  # compared as journaled, before any processing
    merchant = make_merchant()
    meta = {"X-Shopify-Topic": "orders/create", "n": "é"}
    fast = journal_delivery(merchant.id, "shopify", f"{merchant.id}:fast", b'{"id": 1}', topic="orders/create",
                            meta=meta)
    orm = accept_delivery(merchant.id, "shopify", f"{merchant.id}:orm", b'{"id": 1}', topic="orders/create",
                          meta=meta, enqueue=False)
    db.session.commit()
    assert not fast.duplicate and not orm.duplicate
    a, b = db.session.get(InboundDelivery, fast.delivery_id), db.session.get(InboundDelivery, orm.delivery_id)
    for name in ("merchant_id", "channel", "topic", "payload", "meta", "status", "attempts", "last_error",
                 "ticket_id", "processed_at"):
        assert getattr(a, name) == getattr(b, name), name
    for name in ("received_at", "next_attempt_at"):
        assert getattr(a, name).tzinfo is not None and abs(getattr(a, name) - getattr(b, name)) < timedelta(seconds=5)
    stored = "SELECT received_at, next_attempt_at, meta FROM inbound_delivery WHERE id = :id"
    raw_a = db.session.execute(text(stored), {"id": a.id}).one()
    raw_b = db.session.execute(text(stored), {"id": b.id}).one()
    assert [type(v) for v in raw_a] == [type(v) for v in raw_b]
    if db.engine.dialect.name == "sqlite":  # stored as text: the same format, so comparisons and ORDER BY agree
        assert [len(v) for v in raw_a[:2]] == [len(v) for v in raw_b[:2]]


def test_the_same_key_journaled_at_once_is_one_row_and_the_others_duplicates(app):
    merchant_id, answers = make_merchant().id, []

    def post() -> None:
        answers.append(journal_delivery(merchant_id, "webhook", f"{merchant_id}:race", b"{}"))

    run_together(app, 8, post)
    assert sorted(a.duplicate for a in answers) == [False] + [True] * 7
    assert len({a.delivery_id for a in answers}) == 1
    assert sum(_statuses().values()) == 1


def test_the_pages_still_find_a_connection_for_each_thread_while_the_journal_keeps_its_own(make_app):
    """After a burst of webhooks a web process keeps the journal's connections; its threads' page requests must
    still each get one from the pool at once, not wait for a request to end."""
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_timeout": 2})
    with app.app_context():
        # What WEB_THREADS webhooks journaled at the same moment leave behind: as many connections kept idle.
        held = held_connections(db.engine)
        for conn, generation in [held.take() for _ in range(WEB_THREADS)]:
            held.give_back(conn, generation)
        assert len(held.idle) == WEB_THREADS
        merchant_id = make_merchant().id
        assert not journal_delivery(merchant_id, "webhook", f"{merchant_id}:burst", b"{}").duplicate
        db.session.remove()  # this thread is one of the pages' below, not one more
        pages = [db.engine.connect() for _ in range(WEB_THREADS)]  # a request on every thread at once
        try:
            assert all(conn.execute(text("SELECT 1")).scalar() == 1 for conn in pages)
        finally:
            for conn in pages:
                conn.close()


def _break_held_connections() -> int:
    """What a database restart does to the connections the journal keeps: the next statement on them fails."""
    held = held_connections(db.engine)
    assert held.idle, "the journal should keep its connection between requests"
    if db.engine.dialect.name == "postgresql":
        pids = [conn.connection.dbapi_connection.info.backend_pid for conn in held.idle]  # type: ignore[union-attr]
        with db.engine.connect() as admin:
            for pid in pids:
                assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
            admin.commit()
        time.sleep(0.2)
    else:
        for conn in held.idle:
            conn.connection.dbapi_connection.close()  # type: ignore[union-attr]
    return len(held.idle)


def test_a_broken_held_connection_is_replaced_and_the_request_still_answers_202(app, client):
    add_integrations(make_merchant("atlas", name="Atlas Shop"))
    assert post_generic(client, "atlas", _complaint(1), delivery="before").status_code == 202
    broken = list(held_connections(db.engine).idle)
    assert _break_held_connections() >= 1
    r = post_generic(client, "atlas", _complaint(2), delivery="after")
    assert r.status_code == 202 and r.get_json() == {"delivery": "after", "status": "accepted"}
    assert not set(map(id, broken)) & set(map(id, held_connections(db.engine).idle)), "the broken one was kept"
    again = post_generic(client, "atlas", _complaint(2), delivery="after")
    assert again.get_json()["status"] == "duplicate"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(InboundDelivery)) == 2


def test_the_secrets_lookup_on_a_broken_held_connection_still_answers(app, client):
    """The lookup of a webhook's secrets runs on the same held connections: after a database restart an unknown
    merchant is still 404 and a known one's delivery still 202, not a 500."""
    add_integrations(make_merchant("atlas", name="Atlas Shop"))
    assert post_generic(client, "atlas", _complaint(1), delivery="before").status_code == 202
    assert _break_held_connections() >= 1
    assert post_generic(client, "nobody", _complaint(2), delivery="x").status_code == 404
    assert _break_held_connections() >= 1
    app.config["WEBHOOK_KEYS_TTL"] = 0  # read the secrets again rather than from the copy
    assert post_generic(client, "atlas", _complaint(2), delivery="after").status_code == 202


def test_a_drain_run_processes_every_due_delivery_once_and_leaves_the_rest(app, drain):
    """In process: each webhook wakes the drain job; a delivery waiting for its retry time is left alone."""
    add_integrations(make_merchant("atlas", name="Atlas Shop"))
    client = app.test_client()
    for i in range(5):
        assert post_generic(client, "atlas", _complaint(i), delivery=f"d-{i}").status_code == 202
    assert drain()
    assert _statuses() == {"done": 5} and _tickets() == 5
    # Waiting for its retry (written as a failed attempt leaves it): no wake-up, or the drain could take it first.
    db.session.add(InboundDelivery(merchant_id=db.session.scalar(select(InboundDelivery.merchant_id).limit(1)),
                                   channel="webhook", key="x:later", payload=b"{}", attempts=1,
                                   next_attempt_at=utcnow() + timedelta(minutes=5)))
    db.session.commit()
    assert drain()
    assert drain_pending(seconds=5).processed == 0
    assert _statuses() == {"done": 5, "pending": 1}


# --- with Redis and real RQ workers ------------------------------------------------------------------

def _worker(app: Any, *, burst: bool = True) -> subprocess.Popen[str]:
    """`helpdesk worker` in its own process, with this module's handlers registered."""
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": app.config["SECRET_KEY"], "HELPDESK_DATA_DIR": app.config["HELPDESK_DATA_DIR"],
           "PYTHONPATH": str(ROOT)}
    argv = ["helpdesk", "worker", *(["--burst"] if burst else [])]
    code = f"import tests.intake.test_fast_journal; from helpdesk.cli import main; import sys; sys.argv={argv!r}; main()"
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _finish(worker: subprocess.Popen[str]) -> None:
    _, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err[-2000:]


def _queued(name: str) -> int:
    from redis import Redis
    from rq import Queue

    jobs = Queue("high", connection=Redis.from_url(REDIS_URL)).jobs
    return sum(1 for job in jobs if job.args and job.args[0] == name)


def _wait_for(condition: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_many_wake_ups_queue_one_drain_run_and_a_new_one_once_it_started(make_app):
    from redis import Redis

    from worker.runtime import wake_flag

    app = _rq_app(make_app)
    with app.app_context():
        add_integrations(make_merchant("atlas", name="Atlas Shop"))
        client = app.test_client()
        for i in range(12):
            assert post_generic(client, "atlas", _complaint(i), delivery=f"w-{i}").status_code == 202
        _wait_for(lambda: _queued(DRAIN) >= 1)
        time.sleep(0.2)
        assert _queued(DRAIN) == 1  # twelve wake-ups, one run queued
        _finish(_worker(app))
        assert _statuses() == {"done": 12} and _tickets() == 12
        assert not Redis.from_url(REDIS_URL).exists(wake_flag(DRAIN)), "the run clears the flag as it starts"
        # The run that found work woke a companion (another worker would have helped); it found nothing left.
        assert _queued(DRAIN) == 0
        assert post_generic(client, "atlas", _complaint(20), delivery="w-20").status_code == 202
        _wait_for(lambda: _queued(DRAIN) == 1)
        _finish(_worker(app))
        assert _statuses() == {"done": 13} and _tickets() == 13


def test_a_worker_killed_mid_drain_loses_nothing(make_app, tmp_path):
    app = _rq_app(make_app)
    marker = tmp_path / "started"
    with app.app_context():
        merchant = make_merchant()
        journal_delivery(merchant.id, "test_slow", f"{merchant.id}:slow", str(marker).encode())
        _wait_for(lambda: _queued(DRAIN) == 1)
        worker = _worker(app, burst=False)
        try:
            _wait_for(marker.exists, 90)  # the handler runs: the row is claimed, its transaction open
            assert _statuses() == {"pending": 1}
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.communicate(timeout=30)
        time.sleep(0.5)  # PostgreSQL ends the dead worker's session (and its row lock) once it sees the socket close
        assert _statuses() == {"pending": 1}, "the claim died with the worker; the row waits for the next run"
        # Nothing is queued any more (the run had started): the schedule sends a run for what waited a minute.
        assert requeue_pending(now=utcnow() + timedelta(seconds=61)) == 1
        _finish(_worker(app))
        assert _statuses() == {"done": 1}
        delivery = db.session.scalars(select(InboundDelivery)).one()
        assert delivery.attempts == 1 and delivery.last_error is None


@pytest.mark.pg_only
def test_a_waiting_worker_holds_no_transaction_open(make_app):
    """A worker waiting for jobs must not sit idle in a transaction: that would hold back PostgreSQL's horizon
    for its whole life, so the drain's claim would read every dead index entry of the rows it marked done."""
    need_service(bool(PG_URL), "PostgreSQL")
    app = _rq_app(make_app)
    with app.app_context():
        merchant = make_merchant()
        journal_delivery(merchant.id, "webhook", f"{merchant.id}:ready", json.dumps(_complaint(1)).encode())
        worker = _worker(app, burst=False)
        try:
            _wait_for(lambda: _statuses() == {"done": 1}, 90)  # warmed up and has run a job
            time.sleep(0.5)
            db.session.rollback()
            idle = db.session.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")).scalar()
            db.session.rollback()
            assert idle == 0
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.communicate(timeout=30)


@pytest.fixture(autouse=True)
def _no_stale_flag() -> Any:
    """A wake flag left in the test Redis (by a burst worker that exited before its companion run was queued,
    or by another test) would keep a run from being queued for a minute."""

    def clear() -> None:
        if REDIS_URL:
            from redis import Redis

            from worker.runtime import wake_flag

            Redis.from_url(REDIS_URL).delete(wake_flag(DRAIN))

    clear()
    yield
    clear()


def test_a_platforms_retry_of_a_delivery_still_pending_wakes_the_drain(app, client, drain):
    """The first post's wake-up was lost (Redis restarted, or the connection broke after the commit and the retry
    inside the request answered duplicate): the platform's retry answers duplicate and gets it processed now,
    not a minute later by the requeue schedule."""
    add_integrations(make_merchant("atlas", name="Atlas Shop"))

    class LosesWakeUps:
        def submit(self, call: Any) -> None:
            pass

        def wake(self, name: str) -> None:
            pass

    real = jobs.backend()
    jobs.install_backend(LosesWakeUps())
    try:
        assert post_generic(client, "atlas", _complaint(7), delivery="lost-wake").status_code == 202
    finally:
        jobs.install_backend(real)
    drain()
    assert _statuses() == {"pending": 1} and _tickets() == 0
    again = post_generic(client, "atlas", _complaint(7), delivery="lost-wake")
    assert again.get_json()["status"] == "duplicate"
    drain()
    assert _statuses() == {"done": 1} and _tickets() == 1
