"""The webhooks run in their own small app mounted in front of the helpdesk app (issue 3: intake throughput)."""

from __future__ import annotations

from flask import current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from helpdesk.extensions import db
from helpdesk.intake.held_connections import held_connections
from integrations.storefronts.hooks_app import HooksApp, PathDispatcher
from tests.conftest import make_merchant

from .conftest import add_integrations
from .hooks import fixture, post_generic


def test_hooks_skip_the_helpdesk_apps_request_machinery(make_app):
    """A /hooks/ request never runs the full app's before_request functions (login, CSRF, limiter, Babel)."""
    app = make_app(WTF_CSRF_ENABLED=True)
    seen: list[str] = []
    app.before_request(lambda: seen.append("full app"))  # returns None: the request goes on
    with app.app_context():
        add_integrations(make_merchant("atlas"))
        client = app.test_client()
        r = post_generic(client, "atlas", fixture("generic/complaint"), delivery="lean-1")
        assert r.status_code == 202 and r.get_json() == {"delivery": "lean-1", "status": "accepted"}
        assert seen == []
        assert client.get("/healthz").status_code == 200 and seen == ["full app"]


def test_hooks_share_the_helpdesk_apps_context_engine_and_proxy_fix(app, client, shop):
    hooks = app.extensions["helpdesk_hooks_app"]
    assert isinstance(hooks, HooksApp) and hooks.config is app.config
    with hooks.app_context():  # extensions see the helpdesk app: its engine (one pool), its caches
        assert current_app._get_current_object() is app
    # ProxyFix wraps the dispatcher, so a webhook sees the client's address and scheme like any other request.
    assert isinstance(app.wsgi_app, ProxyFix) and isinstance(app.wsgi_app.app, PathDispatcher)
    assert post_generic(client, shop.slug, fixture("generic/complaint")).status_code == 202
    assert held_connections(db.engine).idle, "the journal wrote through the helpdesk app's engine"


def test_hook_answers_carry_the_same_headers_and_no_cookie(client, shop):
    r = post_generic(client, shop.slug, fixture("generic/complaint"), delivery="h-1")
    assert r.status_code == 202 and r.mimetype == "application/json"
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Referrer-Policy"] == "same-origin"
    assert "Set-Cookie" not in r.headers
    not_allowed = client.get(f"/hooks/generic/{shop.slug}")
    assert not_allowed.status_code == 405 and set(not_allowed.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert not_allowed.get_json()["error"]["code"] == "method_not_allowed"
    unknown = client.post("/hooks/nowhere/atlas", data=b"{}")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    # Outside /hooks/ the helpdesk app answers as before.
    assert client.get("/hooks").status_code == 404 and client.get("/hooks").mimetype == "text/html"
