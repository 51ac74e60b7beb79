"""Staff login: the same answer for unknown and wrong, throttling, CSRF, sessions ended on the server."""
from __future__ import annotations

import re

from helpdesk.extensions import db
from helpdesk.models import ApiToken
from tests.conftest import PASSWORD, make_merchant, make_token, make_user


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


def test_login_then_see_tickets_then_logout(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        merchant = make_merchant()
        user = make_user(merchant, "agent")
        email = user.email
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'type="password"' in page
    r = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/tickets")
    assert client.get("/tickets").status_code == 200
    cookie = client.get_cookie("session")
    tickets_page = client.get("/tickets").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": _csrf(tickets_page)})
    # A copy of the old cookie no longer opens anything: logout ended it on the server.
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/tickets").status_code == 302


def test_unknown_email_and_wrong_password_answer_alike(app, client):
    merchant = make_merchant()
    user = make_user(merchant)
    wrong = client.post("/login", data={"email": user.email, "password": "not-the-password"})
    unknown = client.post("/login", data={"email": "nobody@example.com", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_data(as_text=True).replace(user.email, "E") == \
        unknown.get_data(as_text=True).replace("nobody@example.com", "E")


def test_repeated_failures_are_throttled_per_account_without_locking_others(make_app):
    app = make_app(HELPDESK_LOGIN_LIMIT="3 per minute")
    with app.app_context():
        merchant = make_merchant()
        victim, other = make_user(merchant).email, make_user(merchant).email
    client = app.test_client()
    codes = [client.post("/login", data={"email": victim, "password": "guess-guess-guess"},
                         environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
    # Another account from another address still logs in.
    ok = app.test_client().post("/login", data={"email": other, "password": PASSWORD},
                                environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert ok.status_code == 302


def test_failures_from_one_address_are_throttled(make_app):
    app = make_app(HELPDESK_LOGIN_IP_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={"email": f"u{i}@example.com", "password": "x" * 12}).status_code
             for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_csrf_is_enforced_on_forms(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        email = make_user(make_merchant()).email
    r = app.test_client().post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code == 400


def test_next_goes_only_to_this_site(app, client):
    user = make_user(make_merchant())
    r = client.post("/login?next=https://evil.example/x", data={"email": user.email, "password": PASSWORD})
    assert r.headers["Location"] == "/tickets"
    client.post("/logout")
    r = client.post("/login?next=//evil.example", data={"email": user.email, "password": PASSWORD})
    assert r.headers["Location"] == "/tickets"


def test_session_cookie_flags(app, client):
    user = make_user(make_merchant())
    r = client.post("/login", data={"email": user.email, "password": PASSWORD},
                    base_url="https://helpdesk.example")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_tokens_are_stored_hashed(app):
    user = make_user(make_merchant())
    token = make_token(user)
    stored = db.session.scalars(db.select(ApiToken)).one()
    assert token not in (stored.token_hash, stored.prefix + "x") and len(stored.token_hash) == 64
    assert token.encode() not in repr(stored.__dict__).encode()


def test_api_ignores_the_session_cookie(app, client):
    user = make_user(make_merchant())
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    r = client.get("/api/v1/tickets")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_html_pages_carry_security_headers(client):
    r = client.get("/login")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_one_persons_typos_do_not_lock_out_colleagues_behind_the_same_address(make_app):
    app = make_app()  # the default limits
    with app.app_context():
        merchant = make_merchant()
        careless, colleague = make_user(merchant).email, make_user(merchant).email
    office = {"REMOTE_ADDR": "192.0.2.10"}
    codes = [app.test_client().post("/login", data={"email": careless, "password": "typo-typo-typo"},
                                    environ_base=office).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429, "the careless account is throttled"
    ok = app.test_client().post("/login", data={"email": colleague, "password": PASSWORD}, environ_base=office)
    assert ok.status_code == 302
