"""The REST API under /api/v1 (SPEC 4.4): token-authenticated, JSON only, documented by OpenAPI."""
from __future__ import annotations

from flask import Flask, request

from ..auth.principal import authenticate_api
from ..auth.scoping import get_ticket
from ..extensions import csrf


def register(app: Flask) -> None:
    from . import tickets

    for blp in (tickets.blp,):
        csrf.exempt(blp)
        app.extensions["rest_api"].register_blueprint(blp)


def token_required(blp) -> None:  # type: ignore[no-untyped-def]
    """Every route of an API blueprint needs a token; a session cookie is never enough (SPEC 7.1)."""
    def check_token() -> None:
        authenticate_api()
        ref = (request.view_args or {}).get("ref")
        if ref is not None:
            get_ticket(ref)  # 404 before the body is even validated: no hint that the ticket exists

    blp.before_request(check_token)
