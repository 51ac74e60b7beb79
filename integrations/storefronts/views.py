"""Webhook endpoints: verify, journal, enqueue, answer (processing happens in the worker)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    return None
