"""Where jobs run: on RQ when REDIS_URL is set, on a background thread of this process otherwise.

Every job runs inside an app context of its own, calls one registered function
(which calls one service and commits), and is retried with backoff. A job that
has used its retries is written to `job_failure`, so nothing fails silently.
"""
from __future__ import annotations

import logging
import os
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
WAKE_FLAG_SECONDS = 60  # a queued run lost with its queue stops blocking wake-ups after this (the schedule covers it)
WAKE_PAUSE = 0.01  # seconds the waker rests between rounds: the wake-ups of 10 ms of requests make one round

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
    if spec.wakeable and current is not None:
        _clear_wake_flag(current.connection, name)
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


def wake_flag(name: str) -> str:
    """The Redis key saying "a run of `name` is queued and has not started" (shared by every process)."""
    return f"helpdesk:wake:{name}"


def _clear_wake_flag(connection: Redis, name: str) -> None:
    """A woken run starts: from now on a wake-up must queue another run (the work it brings may come too late
    for this one). Redis failing here only delays the next wake-up until the flag expires."""
    try:
        connection.delete(wake_flag(name))
    except RedisError as exc:
        log.warning("could not clear the wake flag of %s: %s", name, exc)


class RQBackend:
    """Enqueue on RQ. If Redis is down the call is logged and dropped: the journal re-enqueues it.

    `wake` only notes the name and sets an event: a thread of this process
    turns the wake-ups of the last few milliseconds into at most one queued run
    per name (`SET flag NX`, then enqueue), so a request never talks to Redis
    for it and thousands of requests a second cost a handful of Redis calls.
    """

    def __init__(self, redis_url: str) -> None:
        # Short timeouts: a Redis that is down or unreachable must not hold a web request (the journal has the row).
        self.connection = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
        self._wanted: set[str] = set()
        self._woken = threading.Event()
        self._waker: threading.Thread | None = None
        self._waker_lock = threading.Lock()
        self._redis_down = False

    def wake(self, name: str) -> None:
        with self._waker_lock:
            self._wanted.add(name)
            if self._waker is None or not self._waker.is_alive():  # none yet, this process was forked, or it died
                self._waker = threading.Thread(target=self._wake_loop, name="helpdesk-waker", daemon=True)
                self._waker.start()
        self._woken.set()

    def _wake_loop(self) -> None:
        while True:
            self._woken.wait()
            self._woken.clear()
            with self._waker_lock:
                names, self._wanted = self._wanted, set()
            for name in names:
                self._queue_once(name)
            time.sleep(WAKE_PAUSE)

    def _queue_once(self, name: str) -> None:
        """Enqueue a run of `name` unless one is already queued and not started (in any process)."""
        try:
            if not self.connection.set(wake_flag(name), os.getpid(), nx=True, ex=WAKE_FLAG_SECONDS):
                return
            self._enqueue(JobCall(name))
        except RedisError as exc:
            if not self._redis_down:  # once per outage: a log line per request would drown everything else
                log.warning("Redis is unreachable (%s): %s waits for Redis or the schedule", exc, name)
            self._redis_down = True
            return
        if self._redis_down:
            log.info("Redis is back: %s queued again", name)
            self._redis_down = False

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection)

    def submit(self, call: JobCall) -> None:
        try:
            self._enqueue(call)
        except RedisError as exc:
            log.warning("could not enqueue %s%r (%s); the schedule will pick it up", call.name, call.args, exc)

    def _enqueue(self, call: JobCall) -> None:
        spec = REGISTRY[call.name]
        self.queue(spec.queue).enqueue(
            execute, call.name, *call.args, job_id=call.job_id, job_timeout=spec.timeout,
            retry=Retry(max=spec.retries, interval=list(spec.backoff)) if spec.retries else None,
            result_ttl=3600, failure_ttl=7 * 24 * 3600,
            description=f"{call.name}{call.args!r}")


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
        self.woken: set[str] = set()  # wakeable jobs queued here and not started yet

    def submit(self, call: JobCall, attempt: int = 0) -> None:
        with self.lock:
            self.pending += 1
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="helpdesk-jobs", daemon=True)
                self.thread.start()
        self.jobs.put((call, attempt))

    def wake(self, name: str) -> None:
        """One queued run at most, as with Redis; the run clears the mark as it starts (`_run`)."""
        with self.lock:
            if name in self.woken:
                return
            self.woken.add(name)
        self.submit(JobCall(name))

    def _loop(self) -> None:
        while True:
            call, attempt = self.jobs.get()
            try:
                self._run(call, attempt)
            except Exception:  # the one thread that runs every job must outlive any of them
                log.exception("job %s%r: its failure could not be recorded either", call.name, call.args)
            finally:
                with self.lock:
                    self.pending -= 1
                    self.lock.notify_all()

    def _run(self, call: JobCall, attempt: int) -> None:
        spec = REGISTRY[call.name]
        if spec.wakeable:
            with self.lock:
                self.woken.discard(call.name)
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
