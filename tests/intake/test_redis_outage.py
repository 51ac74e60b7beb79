"""Redis down: webhooks are still journaled and answered 202; once Redis is back each becomes one ticket."""
from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk import jobs
from helpdesk.extensions import db
from helpdesk.intake.journal import DRAIN, requeue_pending
from helpdesk.models import DeliveryStatus, InboundDelivery, Ticket, utcnow
from tests.conftest import REDIS_URL, make_merchant
from tests.integrations.storefronts.conftest import add_integrations
from tests.integrations.storefronts.hooks import post_generic
from tests.worker.test_jobs import _rq_app, _run_worker
from worker import runtime


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _complaint(i: int) -> dict[str, str]:
    return {"email": f"shopper{i}@example.com", "name": f"Shopper {i}", "order_number": f"#10{i:02d}",
            "message": f"Ma commande #10{i:02d} n'est toujours pas arrivée après deux semaines."}


def _counts() -> tuple[int, int, int]:
    db.session.rollback()
    tickets = db.session.scalar(select(func.count()).select_from(Ticket)) or 0
    pending = db.session.scalar(select(func.count()).select_from(InboundDelivery).where(
        InboundDelivery.status == DeliveryStatus.PENDING)) or 0
    done = db.session.scalar(select(func.count()).select_from(InboundDelivery).where(
        InboundDelivery.status == DeliveryStatus.DONE)) or 0
    return tickets, pending, done


def _queued() -> list[str]:
    from redis import Redis
    from rq import Queue

    return [job.args[0] for job in Queue("high", connection=Redis.from_url(REDIS_URL)).jobs]


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    """The job runtime's warnings (not caplog: the first migration of a run replaces the root handlers)."""
    seen: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("helpdesk.jobs")
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)


def test_webhooks_survive_a_redis_outage_and_become_exactly_one_ticket_each(make_app, warnings):
    up = _rq_app(make_app)  # the real Redis, with empty queues
    dead_redis = f"redis://127.0.0.1:{_closed_port()}/0"
    down = make_app(REDIS_URL=dead_redis, RATELIMIT_STORAGE_URI=dead_redis)  # the same database
    with down.app_context():
        add_integrations(make_merchant("atlas", name="Atlas Shop"))
        client = down.test_client()
        answers = [post_generic(client, "atlas", _complaint(i), delivery=f"outage-{i}") for i in range(6)]
        assert [r.status_code for r in answers] == [202] * 6
        assert {r.get_json()["status"] for r in answers} == {"accepted"}
        # The shopper's login page still works while the limiter's Redis is gone.
        assert client.get("/login").status_code == 200
        assert _counts() == (0, 6, 0)
        time.sleep(0.5)  # the wake-ups go to Redis from a thread of their own: one warning for the outage
        assert len([m for m in warnings if "Redis is unreachable" in m]) == 1

    runtime.install(up)  # Redis is back
    with up.app_context():
        # Redis came back empty: the journal's schedule re-enqueues what waited over a minute.
        assert requeue_pending(now=utcnow() + timedelta(seconds=61)) == 6
        assert _queued() == [DRAIN], "one drain run for the six, not a job each"
        worker = _run_worker(up)
        assert worker.returncode == 0, worker.stderr[-2000:]
        assert _counts() == (6, 0, 6)

        # Enqueued twice (a second schedule tick, a stray job): still one ticket per delivery.
        assert requeue_pending(now=utcnow() + timedelta(seconds=61)) == 0
        for delivery_id in db.session.scalars(select(InboundDelivery.id)).all():
            jobs.submit_now("process_delivery", delivery_id)
        assert _run_worker(up).returncode == 0
        assert _counts() == (6, 0, 6)
        emails = db.session.scalars(select(Ticket.customer_id)).all()
        assert len(set(emails)) == 6

        client = up.test_client()
        again = post_generic(client, "atlas", _complaint(0), delivery="outage-0")
        assert again.status_code == 202 and again.get_json()["status"] == "duplicate"

