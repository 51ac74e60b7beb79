"""`helpdesk serve`: gunicorn, configured in code (no configuration file), from any directory."""
from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from .config import WEB_THREADS


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from . import create_app

        app = create_app()
        start = app.extensions.get("helpdesk_start_schedules")
        if start:
            start()  # embedded mode: the one web process runs the schedules too
        return app


def run(app: Flask, host: str, port: int, workers: int | None) -> None:
    embedded = not app.config.get("REDIS_URL")
    Server({
        "bind": f"{host}:{port}",
        # Embedded mode keeps one process, so in-process jobs and schedules run in exactly one place.
        "workers": 1 if embedded else (workers or 2),
        "worker_class": "gthread",
        "threads": WEB_THREADS,
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "preload_app": False,
        "forwarded_allow_ips": "127.0.0.1",
        # Portal links are bearer tokens in the path: the access log must never hold them (SPEC 7.1).
        "logger_class": "helpdesk.portal.redaction.RedactingLogger",
    }).run()
