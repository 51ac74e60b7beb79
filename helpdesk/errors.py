"""Domain errors, and the one place that turns any error into JSON (API, hooks) or an HTML page."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """An expected refusal with a stable machine-readable code; services raise these."""

    status = 400
    code = "bad_request"
    retry_after: int | None = None  # seconds, sent as Retry-After when set

    def __init__(self, message: str = "", *, code: str | None = None, fields: dict[str, Any] | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.message = message or self.__class__.__doc__ or self.code
        self.code = code or self.code
        self.fields = fields
        self.status = status or self.status


class NotFound(DomainError):
    """Nothing of that name that you may see."""

    status, code = 404, "not_found"


class Forbidden(DomainError):
    """You may see this but not do that."""

    status, code = 403, "forbidden"


class Conflict(DomainError):
    """The current state does not allow this."""

    status, code = 409, "conflict"


class InvalidTransition(Conflict):
    """This change of status is not allowed from the current status."""

    code = "invalid_transition"


class ValidationFailed(DomainError):
    """Some fields are not acceptable."""

    status, code = 422, "validation_failed"


class TryAgain(DomainError):
    """Kept, but not finished yet: send the same request again shortly (with the same Idempotency-Key)."""

    status, code = 503, "try_again"
    retry_after = 5


JSON_PREFIXES = ("/api/", "/hooks/", "/widget/", "/healthz", "/readyz")


def wants_json() -> bool:
    if request.path.startswith(JSON_PREFIXES):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, code: str, message: str, fields: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> Response | tuple[Any, ...]:
    if wants_json():
        body: dict[str, Any] = {"code": code, "message": message}
        if fields:
            body["fields"] = fields
        resp = jsonify(error=body)
        resp.status_code = status
        for k, v in (headers or {}).items():
            resp.headers[k] = v
        return resp
    return render_template("errors/error.html", status=status, code=code, message=message), status, headers or {}


def _http_code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):  # type: ignore[no-untyped-def]
        return error_response(exc.status, exc.code, exc.message, exc.fields,
                              {"Retry-After": str(exc.retry_after)} if exc.retry_after else None)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        data = getattr(exc, "data", None) or {}
        fields = data.get("messages") or data.get("errors")
        if isinstance(fields, dict) and len(fields) == 1 and next(iter(fields)) in ("json", "form", "query", "files"):
            fields = next(iter(fields.values()))
        code, message = _http_code(exc), exc.description or exc.name
        if isinstance(fields, list):
            message, fields = "; ".join(map(str, fields)) or message, None
        if exc.code == 422:
            code, message = "validation_failed", "Some fields are not acceptable."
        elif exc.code == 400 and fields:
            message = "; ".join(str(m) for v in fields.values() for m in (v if isinstance(v, list) else [v]))
            fields = None
        headers = dict(data.get("headers") or {})
        if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return error_response(exc.code or 500, code, message, fields if isinstance(fields, dict) else None, headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        from .portal.redaction import redact_tokens  # a portal path carries the shopper's bearer token
        log.exception("unhandled error on %s %s", request.method, redact_tokens(request.path))
        return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")
