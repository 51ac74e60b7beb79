"""Adapters to the outside world (storefronts, email). They depend on `helpdesk`, never the reverse."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .email.wiring import init_app as email
    from .storefronts import init_app as storefronts

    storefronts(app)
    email(app)
