"""Every recurring job, in one place, run in one place.

With Redis, each `helpdesk worker` runs a small loop, and a `SET NX EX` key
per schedule and period makes sure each period's job is enqueued once,
however many workers run. Without Redis, `helpdesk serve` runs the same
table on a thread. Every scheduled job is safe to run twice.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError

from helpdesk.jobs import JobCall

log = logging.getLogger("helpdesk.schedules")


@dataclass(frozen=True)
class Schedule:
    job: str
    every: int  # seconds


SCHEDULES: tuple[Schedule, ...] = (
    Schedule("requeue_pending", 30),
    Schedule("sla_sweep", 60),
    Schedule("poll_mail", 30),
    Schedule("mediation_deadlines", 300),  # the mediation clocks count in days: every 5 minutes is plenty
)


def due_in_redis(connection: Redis, schedule: Schedule, now: float) -> bool:
    """True for exactly one caller per period, across all workers."""
    period = int(now // schedule.every)
    key = f"helpdesk:schedule:{schedule.job}:{period}"
    return bool(connection.set(key, "1", nx=True, ex=schedule.every * 2))


def run_redis_loop(app: Flask, connection: Redis, stop: threading.Event, tick: float = 1.0) -> None:
    backend = app.extensions["helpdesk_jobs"]
    while not stop.is_set():
        now = time.time()
        for schedule in SCHEDULES:
            try:
                if due_in_redis(connection, schedule, now):
                    backend.submit(JobCall(schedule.job, (), job_id=f"schedule-{schedule.job}-{int(now)}"))
            except RedisError as exc:
                log.warning("schedule %s skipped: %s", schedule.job, exc)
        stop.wait(tick)


def start_in_process(app: Flask) -> threading.Thread:
    """The embedded mode's scheduler: a daemon thread of the one web process."""
    stop = threading.Event()

    def loop() -> None:
        last: dict[str, float] = {}
        backend = app.extensions["helpdesk_jobs"]
        while not stop.is_set():
            now = time.monotonic()
            for schedule in SCHEDULES:
                if now - last.get(schedule.job, -1e9) >= schedule.every:
                    last[schedule.job] = now
                    backend.submit(JobCall(schedule.job))
            stop.wait(1.0)

    thread = threading.Thread(target=loop, name="helpdesk-schedules", daemon=True)
    thread.start()
    app.extensions["helpdesk_schedules_stop"] = stop
    return thread
