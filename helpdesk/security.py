"""Headers every response carries (SPEC 7.1) and the session user loader."""
from __future__ import annotations

from flask import Flask, Response, current_app, request

from .extensions import db, login_manager
from .models import User

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
       "frame-ancestors 'none'")
# The widget's own frame is embedded by shops: any ancestor may frame it.
WIDGET_FRAME_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, nonce = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A changed nonce (logout, password change) ends every copy of the old cookie.
        return user if user is not None and user.active and user.session_nonce == nonce else None

    app.after_request(security_headers)


def security_headers(response: Response) -> Response:
    """The headers of SPEC 7.1 (the full app and the webhooks' own app both add them)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        framed = request.endpoint in current_app.config.get("HELPDESK_FRAMEABLE_ENDPOINTS", ())
        response.headers.setdefault("Content-Security-Policy", WIDGET_FRAME_CSP if framed else CSP)
        if not framed:
            response.headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith(("/api/", "/portal/")) or response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
