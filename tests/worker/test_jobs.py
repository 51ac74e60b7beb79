"""Jobs run after the commit: in process without Redis, in a real RQ worker with it; failures are kept."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk import jobs
from helpdesk.extensions import db
from helpdesk.models import JobFailure, Merchant
from tests.conftest import REDIS_URL, make_merchant, need_service

ROOT = Path(__file__).resolve().parents[2]


@jobs.job("test_rename_merchant", retries=2, backoff=(0,))
def rename_merchant(merchant_id: int, name: str) -> None:
    merchant = db.session.get(Merchant, merchant_id)
    merchant.name = name
    db.session.commit()


@jobs.job("test_always_fails", retries=2, backoff=(0,))
def always_fails(marker: str) -> None:
    raise RuntimeError(f"boom {marker}")


def test_in_process_job_runs_after_commit_only(app, drain):
    merchant = make_merchant()
    jobs.enqueue(db.session, "test_rename_merchant", merchant.id, "Renamed")
    db.session.rollback()  # dropped with the transaction
    drain()
    assert db.session.get(Merchant, merchant.id).name == "Test Shop"
    jobs.enqueue(db.session, "test_rename_merchant", merchant.id, "Renamed")
    db.session.commit()
    drain()
    db.session.expire_all()
    assert db.session.get(Merchant, merchant.id).name == "Renamed"


class Witness:
    """A backend that, as each job is sent, looks from a connection of its own at what the job will read."""

    def __init__(self, merchant_id: int) -> None:
        self.merchant_id = merchant_id
        self.seen: list[tuple[str, str | None]] = []

    def submit(self, call: jobs.JobCall) -> None:
        with db.engine.connect() as other:
            name = other.scalar(select(Merchant.name).where(Merchant.id == self.merchant_id))
        self.seen.append((call.args[1], name))

    def wake(self, name: str) -> None:
        raise AssertionError(name)


@pytest.fixture
def witness(app):
    merchant = make_merchant()
    previous = jobs.backend()
    jobs.install_backend(Witness(merchant.id))
    yield jobs.backend()
    jobs.install_backend(previous)


def test_a_job_queued_inside_a_savepoint_leaves_only_when_the_transaction_commits(app, witness):
    """The journal runs each handler in a savepoint: releasing it commits nothing, so a job sent then (a mail to
    send, say) could run before its rows exist, find none and do nothing."""
    merchant = db.session.get(Merchant, witness.merchant_id)
    with db.session.begin_nested():
        merchant.name = "Renamed"
        db.session.flush()
        jobs.enqueue(db.session, "test_rename_merchant", merchant.id, "Renamed")
    assert witness.seen == [], "sent when the savepoint was released"
    db.session.commit()
    assert witness.seen == [("Renamed", "Renamed")], "sent after the commit, and the job's row is visible to it"


def test_a_savepoint_rolled_back_drops_its_own_jobs_and_keeps_the_others(app, witness):
    merchant_id = witness.merchant_id
    jobs.enqueue(db.session, "test_rename_merchant", merchant_id, "before")
    with db.session.begin_nested():
        jobs.enqueue(db.session, "test_rename_merchant", merchant_id, "released")
    try:
        with db.session.begin_nested():
            jobs.enqueue(db.session, "test_rename_merchant", merchant_id, "failed")
            with db.session.begin_nested():
                jobs.enqueue(db.session, "test_rename_merchant", merchant_id, "inner")
            raise LookupError("the handler failed")
    except LookupError:
        pass
    jobs.enqueue(db.session, "test_rename_merchant", merchant_id, "after")
    db.session.commit()
    assert [label for label, _name in witness.seen] == ["before", "released", "after"]


def test_a_rollback_drops_jobs_of_savepoints_already_released(app, witness):
    with db.session.begin_nested():
        jobs.enqueue(db.session, "test_rename_merchant", witness.merchant_id, "released")
    db.session.rollback()
    db.session.commit()
    assert witness.seen == []


def test_in_process_failure_is_retried_then_recorded(app, drain):
    jobs.enqueue(db.session, "test_always_fails", "inproc")
    db.session.commit()
    drain()
    failure = db.session.scalars(select(JobFailure)).one()
    assert failure.job_name == "test_always_fails" and failure.attempts == 3 and "boom inproc" in failure.error


def _rq_app(make_app):
    need_service(bool(REDIS_URL), "Redis")
    from redis import Redis
    from rq import Queue
    conn = Redis.from_url(REDIS_URL)
    for name in ("high", "default", "mail", "low"):
        Queue(name, connection=conn).empty()
    return make_app(REDIS_URL=REDIS_URL)


def _run_worker(app) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": app.config["SECRET_KEY"], "HELPDESK_DATA_DIR": app.config["HELPDESK_DATA_DIR"],
           "PYTHONPATH": str(ROOT)}
    # A real worker process; the test module is imported so its test jobs are registered.
    code = ("import tests.worker.test_jobs; from helpdesk.cli import main; import sys; "
            "sys.argv=['helpdesk','worker','--burst']; main()")
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False,
                          timeout=120)


def test_job_runs_in_a_real_rq_worker(make_app):
    app = _rq_app(make_app)
    with app.app_context():
        merchant = make_merchant()
        jobs.enqueue(db.session, "test_rename_merchant", merchant.id, "From RQ")
        db.session.commit()
        merchant_id = merchant.id
    done = _run_worker(app)
    assert done.returncode == 0, done.stderr[-2000:]
    with app.app_context():
        assert db.session.get(Merchant, merchant_id).name == "From RQ"


def test_rq_failure_is_retried_and_recorded(make_app):
    app = _rq_app(make_app)
    with app.app_context():
        jobs.enqueue(db.session, "test_always_fails", "rq")
        db.session.commit()
    deadline = time.monotonic() + 60
    while True:
        done = _run_worker(app)
        assert done.returncode == 0, done.stderr[-2000:]
        with app.app_context():
            failures = db.session.scalars(select(JobFailure)).all()
        if failures or time.monotonic() > deadline:
            break
        time.sleep(1)  # retries are scheduled; the next burst picks them up
    assert len(failures) == 1 and "boom rq" in failures[0].error
    from redis import Redis
    from rq import Queue
    failed = Queue("default", connection=Redis.from_url(REDIS_URL)).failed_job_registry
    assert failed.count >= 1


def test_enqueue_with_redis_down_loses_nothing_from_the_journal(make_app):
    """Redis unreachable: the commit still happens; the job is only logged as not sent."""
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        merchant = make_merchant()
        jobs.enqueue(db.session, "test_rename_merchant", merchant.id, "x")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Merchant)) == 1


@pytest.mark.parametrize("name", ["unknown_job"])
def test_unknown_job_names_are_refused(app, name):
    with pytest.raises(KeyError):
        jobs.enqueue(db.session, name)


def test_a_new_ticket_queues_ticket_opened_only_where_its_channel_is_acknowledged(app):
    """Only email tickets are acknowledged (by mail): a burst of webhook or API tickets queues no job per ticket
    that would do nothing."""
    from helpdesk.intake.complaint import Complaint
    from helpdesk.models import Channel
    from helpdesk.tickets.services import open_or_thread

    merchant = make_merchant()
    for channel in Channel:
        complaint = Complaint(email=f"shopper-{channel.value}@example.com", message="Mon colis n'est pas arrivé.")
        ticket = open_or_thread(merchant, complaint, channel).ticket
        opened = [call.args for call in jobs.pending(db.session) if call.name == "ticket_opened"]
        assert opened == ([(ticket.id,)] if channel is Channel.EMAIL else []), channel
        db.session.rollback()


def test_the_in_process_job_thread_outlives_a_failure_it_cannot_record(app, drain):
    """A failure whose record fails too (here: arguments the failure log cannot store as JSON) must not take the
    one thread that runs every job with it: the next jobs still run."""
    merchant = make_merchant()
    jobs.submit_now("test_always_fails", {"not", "json"})
    assert drain()
    jobs.enqueue(db.session, "test_rename_merchant", merchant.id, "Still running")
    db.session.commit()
    assert drain()
    db.session.expire_all()
    assert db.session.get(Merchant, merchant.id).name == "Still running"
