"""RQ side of the helpdesk: the job runtime, the jobs, the schedules and the `helpdesk worker` command."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, jobs, runtime, schedules  # noqa: F401 - jobs register themselves by name

    runtime.install(app)
    app.extensions["helpdesk_drain"] = lambda: runtime.drain(app)
    if not app.config.get("REDIS_URL"):
        app.extensions["helpdesk_start_schedules"] = lambda: schedules.start_in_process(app)
    app.cli.add_command(cli.worker_command)
