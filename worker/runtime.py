"""Where jobs run: on RQ when REDIS_URL is set, on a background thread of this process otherwise.

Every job runs inside an app context of its own, calls one registered function
(which calls one service and commits), and is retried with backoff. A job that
has used its retries is written to `job_failure`, so nothing fails silently.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from typing import Any

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job

from helpdesk.extensions import db
from helpdesk.jobs import REGISTRY, JobCall
from helpdesk.models import JobFailure

log = logging.getLogger("helpdesk.jobs")
QUEUES = ("high", "default", "mail", "low")

_app: Flask | None = None


def bind_app(app: Flask) -> None:
    """The app that jobs of this process run in (a worker builds it once, not per job)."""
    global _app
    _app = app


def _record_failure(name: str, args: tuple[Any, ...], attempts: int, error: str, job_id: str | None) -> None:
    db.session.rollback()
    db.session.add(JobFailure(job_name=name, args=list(args), attempts=attempts, error=error[-4000:],
                              job_id=job_id))
    db.session.commit()


def execute(name: str, *args: Any) -> Any:
    """The function RQ runs: look the job up by name and run it in the app's context."""
    global _app
    if _app is None:
        from helpdesk import create_app

        _app = create_app()
    spec = REGISTRY[name]
    current = get_current_job()
    with _app.app_context():
        try:
            return spec.func(*args)
        except Exception:
            left = current.retries_left if current is not None else 0
            log.exception("job %s%r failed (%s retries left)", name, args, left or 0)
            if not left:
                _record_failure(name, args, spec.retries + 1, traceback.format_exc(),
                                current.id if current else None)
            raise
        finally:
            db.session.remove()


class RQBackend:
    """Enqueue on RQ. If Redis is down the call is logged and dropped: the journal re-enqueues it."""

    def __init__(self, redis_url: str) -> None:
        # Short timeouts: a Redis that is down or unreachable must not hold a web request (the journal has the row).
        self.connection = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection)

    def submit(self, call: JobCall) -> None:
        spec = REGISTRY[call.name]
        try:
            self.queue(spec.queue).enqueue(
                execute, call.name, *call.args, job_id=call.job_id, job_timeout=spec.timeout,
                retry=Retry(max=spec.retries, interval=list(spec.backoff)) if spec.retries else None,
                result_ttl=3600, failure_ttl=7 * 24 * 3600,
                description=f"{call.name}{call.args!r}")
        except RedisError as exc:
            log.warning("could not enqueue %s%r (%s); the schedule will pick it up", call.name, call.args, exc)


class InProcessBackend:
    """The embedded default: one thread runs jobs in order, with retries on a timer.

    `drain()` waits until nothing is queued or running, so a CLI command can
    finish its processing before it returns.
    """

    def __init__(self, app: Flask, *, sleep: Any = time.sleep) -> None:
        self.app = app
        self.jobs: queue.Queue[tuple[JobCall, int]] = queue.Queue()
        self.pending = 0
        self.lock = threading.Condition()
        self.sleep = sleep
        self.thread: threading.Thread | None = None

    def submit(self, call: JobCall, attempt: int = 0) -> None:
        with self.lock:
            self.pending += 1
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="helpdesk-jobs", daemon=True)
                self.thread.start()
        self.jobs.put((call, attempt))

    def _loop(self) -> None:
        while True:
            call, attempt = self.jobs.get()
            try:
                self._run(call, attempt)
            finally:
                with self.lock:
                    self.pending -= 1
                    self.lock.notify_all()

    def _run(self, call: JobCall, attempt: int) -> None:
        spec = REGISTRY[call.name]
        with self.app.app_context():
            try:
                spec.func(*call.args)
            except Exception:
                log.exception("job %s%r failed (attempt %d)", call.name, call.args, attempt + 1)
                if attempt < spec.retries:
                    delay = spec.backoff[min(attempt, len(spec.backoff) - 1)] if spec.backoff else 0
                    self._retry_later(call, attempt + 1, delay)
                else:
                    _record_failure(call.name, call.args, attempt + 1, traceback.format_exc(), call.job_id)
            finally:
                db.session.remove()

    def _retry_later(self, call: JobCall, attempt: int, delay: float) -> None:
        with self.lock:
            self.pending += 1
        timer = threading.Timer(delay if not self.app.config.get("TESTING") else 0, self._resubmit,
                                (call, attempt))
        timer.daemon = True
        timer.start()

    def _resubmit(self, call: JobCall, attempt: int) -> None:
        with self.lock:
            self.pending -= 1
        self.submit(call, attempt)

    def drain(self, timeout: float = 300) -> bool:
        """Wait until every submitted job (retries included) has finished."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(left)
        return True


def install(app: Flask) -> None:
    """Pick the backend for this app from its config."""
    from helpdesk import jobs

    bind_app(app)
    url = app.config.get("REDIS_URL")
    backend = RQBackend(url) if url else InProcessBackend(app)
    app.extensions["helpdesk_jobs"] = backend
    jobs.install_backend(backend)


def drain(app: Flask, timeout: float = 300) -> bool:
    backend = app.extensions.get("helpdesk_jobs")
    return backend.drain(timeout) if isinstance(backend, InProcessBackend) else True
