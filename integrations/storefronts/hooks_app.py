"""The webhooks' own small Flask app, mounted in front of the helpdesk app for paths under /hooks/.

A webhook answer is a signature check, a journal insert and a few bytes of
JSON. The helpdesk app runs, for every request, the session, Flask-Login,
CSRF, the limiter's `before_request` (about 60 µs even for an exempt
blueprint), Babel and the HTML security headers: together more than the rest
of the request (191 µs against 78 µs in process, measured for issue 3). The
webhooks need none of them: they are signed by the sender, never rate-limited,
never use a session or a language (SPEC 4.1, 7). So /hooks/ requests go to an
app carrying only the storefront_hooks blueprint, the JSON error handlers
(`helpdesk.errors`, so every status and body stays the same) and the
response headers.

It runs in the helpdesk app's application context: `current_app` is the
helpdesk app, so its config, its SQLAlchemy engine (one pool), the webhook
keys cache and the job backend are the same objects, through public Flask
API only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, Request, Response
from flask.ctx import AppContext
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from helpdesk.errors import register_error_handlers
from helpdesk.security import security_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PREFIX = "/hooks/"


class NoSession(SecureCookieSessionInterface):
    """Webhooks have no session: no cookie is read, signed or written."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        return None  # Flask uses a null session, which is never saved


class HooksApp(Flask):
    """The storefront_hooks blueprint alone, in the context of `main` (see the module's docstring)."""

    def __init__(self, main: Flask) -> None:
        super().__init__(__name__, static_folder=None)
        self.main = main
        self.config = main.config  # one set of settings: TESTING, PROPAGATE_EXCEPTIONS, the body limit
        self.session_interface = NoSession()
        register_error_handlers(self)
        self.after_request(_headers)

    def app_context(self) -> AppContext:
        """The helpdesk app's context: extensions find their state (the engine, the caches) under it."""
        return self.main.app_context()


def _headers(response: Response) -> Response:
    # `Vary: Cookie` is what the helpdesk app sent (its session was read); kept so no answer changes.
    response.headers.setdefault("Vary", "Cookie")
    return security_headers(response)


class PathDispatcher:
    """Send requests whose path starts with `prefix` to `mounted`, the others to `default`.

    Paths are left as they are (unlike werkzeug's DispatcherMiddleware, which
    moves the prefix to SCRIPT_NAME): the blueprint's rules keep their full path.
    """

    def __init__(self, default: WSGIApplication, prefix: str, mounted: WSGIApplication) -> None:
        self.default, self.prefix, self.mounted = default, prefix, mounted

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        path: str = environ.get("PATH_INFO", "")
        app = self.mounted if path.startswith(self.prefix) else self.default
        return app(environ, start_response)


def mount(main: Flask, blueprint: Any) -> HooksApp:
    """Build the webhooks' app with `blueprint` and put it in front of `main` for /hooks/ paths."""
    hooks = HooksApp(main)
    hooks.register_blueprint(blueprint)
    main.wsgi_app = PathDispatcher(main.wsgi_app, PREFIX, hooks.wsgi_app)  # type: ignore[method-assign]
    main.extensions["helpdesk_hooks_app"] = hooks
    return hooks
