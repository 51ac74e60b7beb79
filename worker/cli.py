"""`helpdesk worker`: an RQ worker that waits for Redis instead of exiting, and runs the schedules."""
from __future__ import annotations

import logging
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker

from helpdesk.extensions import db

from .runtime import QUEUES, bind_app
from .schedules import run_redis_loop

log = logging.getLogger("helpdesk.worker")


def wait_for_redis(connection: Redis, *, pause: float = 2.0) -> None:
    while True:
        try:
            connection.ping()
            return
        except RedisError as exc:
            click.echo(f"waiting for Redis: {exc}", err=True)
            time.sleep(pause)


def _warm_up() -> None:
    """Load what the first job would otherwise wait for (the triage model), then end the read.

    Jobs run in app contexts of their own, so a transaction left open here
    stays open, idle, for the worker's whole life: it holds back PostgreSQL's
    horizon, and every delivery the drain marks done leaves a dead index entry
    its next claim reads again (a claim took 29 ms after 60,000 deliveries).
    """
    from helpdesk.triage.registry import model_for

    try:
        model_for(None)
    finally:
        db.session.remove()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty (tests, one-off runs).")
@click.option("--no-schedules", is_flag=True, help="Do not take part in running the schedules.")
@with_appcontext
def worker_command(burst: bool, no_schedules: bool) -> None:
    """Run an RQ worker on the helpdesk queues (needs REDIS_URL)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    url = app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: without Redis, `helpdesk serve` runs jobs in process")
    connection = Redis.from_url(url)
    bind_app(app)
    _warm_up()
    stop = threading.Event()
    if not no_schedules and not burst:
        threading.Thread(target=run_redis_loop, args=(app, connection, stop), daemon=True,
                         name="helpdesk-schedules").start()
    try:
        while True:
            wait_for_redis(connection)
            try:
                # Jobs run in this process, not in a fork per job: the triage model, the app and the
                # database pool are built once, which is what makes a job cost milliseconds, not a second.
                SimpleWorker(list(QUEUES), connection=connection).work(burst=burst, with_scheduler=True,
                                                                 logging_level="INFO")
                return
            except RedisError as exc:
                click.echo(f"lost Redis ({exc}); reconnecting", err=True)
                time.sleep(1)
    finally:
        stop.set()
