"""Tenant isolation: merchant A never reaches merchant B's data, by any route, and gets a plain 404.

The walk enumerates `app.url_map`, so a new route with a ticket reference
fails here until it is covered.
"""
from __future__ import annotations

from tests.conftest import PASSWORD, bearer, make_merchant, make_ticket, make_token, make_user

# Routes that take no tenant object, or are covered by their own tests (portal: the token is the key).
NOT_TENANT = {"static", "health.healthz", "health.readyz", "auth.login", "auth.logout", "auth.account",
              "tickets.index", "api-docs.openapi_json", "tickets_api.list_tickets", "tickets_api.create_ticket"}


def _fill(rule, ref):
    return rule.rule.replace("<ref>", ref).replace("<int:attachment_id>", "1")


def test_every_route_answers_404_for_another_merchants_ticket(app):
    a, b = make_merchant(), make_merchant()
    token_a = make_token(make_user(a))
    user_a = make_user(a, email="staff-a@example.com")
    theirs = make_ticket(b, "Colis cassé à la livraison").ref
    client = app.test_client()
    client.post("/login", data={"email": user_a.email, "password": PASSWORD})
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_TENANT or rule.endpoint.startswith(("hooks", "storefronts", "widget", "portal")):
            continue
        if "<ref>" not in rule.rule and "attachment_id" not in rule.rule:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _fill(rule, theirs)
            headers = bearer(token_a) if rule.rule.startswith("/api/") else {}
            r = client.open(url, method=method, headers=headers, json={} if method != "GET" else None)
            missing = client.open(_fill(rule, "HD-ZZZZZZ"), method=method, headers=headers,
                                  json={} if method != "GET" else None)
            assert r.status_code == 404, (method, url, r.status_code)
            assert r.get_data() == missing.get_data(), (method, url)
            checked += 1
    assert checked >= 5


def test_lists_show_only_own_tickets(app, client):
    a, b = make_merchant(), make_merchant()
    mine = make_ticket(a).ref
    make_ticket(b)
    items = client.get("/api/v1/tickets", headers=bearer(make_token(make_user(a)))).get_json()["items"]
    assert [t["ref"] for t in items] == [mine]


def test_mediator_and_admin_see_no_merchant_tickets(app, client):
    from tests.conftest import make_service
    a = make_merchant()
    ref = make_ticket(a).ref
    mediator = make_user(role="mediator", service=make_service())
    admin = make_user(role="admin")
    for user in (mediator, admin):
        auth = bearer(make_token(user))
        assert client.get(f"/api/v1/tickets/{ref}", headers=auth).status_code == 404
        assert client.get("/api/v1/tickets", headers=auth).status_code == 404
