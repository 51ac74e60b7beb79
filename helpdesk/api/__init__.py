"""The REST API under /api/v1 (SPEC 4.4): token-authenticated, JSON only, documented by OpenAPI."""
from __future__ import annotations

from flask import Flask

from ..auth.principal import authenticate_api
from ..extensions import api, csrf


def register(app: Flask) -> None:
    from . import tickets

    for blp in (tickets.blp,):
        blp.before_request(authenticate_api)
        csrf.exempt(blp)
        api.register_blueprint(blp)
