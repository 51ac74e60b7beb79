"""Flask extensions, created unbound here and bound to an app in `create_app`."""
from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from marshmallow import Schema, fields

from .models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are declared per route; signed webhooks and token API calls have none (SPEC 7).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class ErrorDetail(Schema):
    code = fields.Str(required=True, metadata={"description": "Stable machine-readable code"})
    message = fields.Str(required=True)
    fields = fields.Dict(metadata={"description": "Per-field messages, on validation errors"})


class ErrorEnvelope(Schema):
    """Every API error body (SPEC 4.4), as `errors.py` writes it."""

    error = fields.Nested(ErrorDetail, required=True)


class HelpdeskApi(Api):
    """flask-smorest without its catch-all JSON error handler: `errors.py` answers for the whole app.

    Its OpenAPI document describes errors with our envelope, not flask-smorest's default one.
    """

    ERROR_SCHEMA = ErrorEnvelope

    def _register_error_handlers(self) -> None:
        return None



class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (behind a proxy too)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure
