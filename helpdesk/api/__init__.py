"""The REST API under /api/v1 (SPEC 4.4): token-authenticated, JSON only, documented by OpenAPI."""
from __future__ import annotations

from flask import Flask, request

from ..auth.principal import authenticate_api
from ..auth.scoping import get_ticket
from ..extensions import csrf


def register(app: Flask) -> None:
    from . import escalation, mediation, portal_docs, tickets

    for blp in (tickets.blp, escalation.blp, mediation.blp):
        csrf.exempt(blp)
        app.extensions["rest_api"].register_blueprint(blp)
    portal_docs.register(app, app.extensions["rest_api"].spec)  # the portal's routes are a plain blueprint

    @app.before_request
    def api_needs_a_token() -> None:
        """Everything under /api/v1/ but the OpenAPI document needs a token: 401 JSON, never a redirect."""
        if request.path.startswith("/api/") and request.endpoint != "api-docs.openapi_json":
            authenticate_api()


def token_required(blp) -> None:  # type: ignore[no-untyped-def]
    """A route naming a ticket answers 404 before its body is validated (the token is checked app-wide)."""
    def check_token() -> None:
        ref = (request.view_args or {}).get("ref")
        if ref is not None:
            get_ticket(ref)  # 404 before the body is even validated: no hint that the ticket exists

    blp.before_request(check_token)
