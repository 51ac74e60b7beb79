"""The mediation queue: a mediator sees its service's cases, staff their merchant's, everyone else a 404."""
from __future__ import annotations

from tests.conftest import bearer, make_merchant, make_service, make_ticket, make_token, make_user


def _escalated(client, merchant, n=1):
    auth = bearer(make_token(make_user(merchant)))
    ids = []
    for i in range(n):
        ticket = make_ticket(merchant, f"Litige numéro {i}")
        r = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json={"reason": "Sans issue"}, headers=auth)
        assert r.status_code == 201
        ids.append(r.get_json()["id"])
    return ids


def test_each_caller_sees_exactly_its_cases(app, client):
    ours, theirs = make_service(), make_service()
    shop = make_merchant(mediation_service=ours.slug)
    other_shop = make_merchant(mediation_service=theirs.slug)
    mine = _escalated(client, shop, 2)
    other = _escalated(client, other_shop)
    views = {
        "mediator": (make_user(role="mediator", service=ours), mine),
        "other mediator": (make_user(role="mediator", service=theirs), other),
        "agent": (make_user(shop, "agent"), mine),
        "other staff": (make_user(other_shop), other),
    }
    for who, (user, expected) in views.items():
        auth = bearer(make_token(user))
        listed = client.get("/api/v1/mediation/cases", headers=auth).get_json()["items"]
        assert sorted(c["id"] for c in listed) == sorted(expected), who
        for case_id in mine + other:
            r = client.get(f"/api/v1/mediation/cases/{case_id}", headers=auth)
            assert r.status_code == (200 if case_id in expected else 404), (who, case_id)
    admin = bearer(make_token(make_user(role="admin")))
    assert client.get("/api/v1/mediation/cases", headers=admin).status_code == 404
    assert client.get(f"/api/v1/mediation/cases/{mine[0]}", headers=admin).status_code == 404


def test_malformed_ids_answer_the_same_404(app, client):
    service = make_service()
    auth = bearer(make_token(make_user(role="mediator", service=service)))
    missing = client.get("/api/v1/mediation/cases/999999", headers=auth)
    for bad in ("abc", "-1", "1.5", "%00", "٣", "9" * 40):
        r = client.get(f"/api/v1/mediation/cases/{bad}", headers=auth)
        assert r.status_code == 404 and r.get_data() == missing.get_data(), bad


def test_the_queue_filters_by_status_and_pages_with_a_cursor(app, client):
    service = make_service()
    ids = _escalated(client, make_merchant(mediation_service=service.slug), 3)
    auth = bearer(make_token(make_user(role="mediator", service=service)))
    first = client.get("/api/v1/mediation/cases?limit=2", headers=auth).get_json()
    rest = client.get(f"/api/v1/mediation/cases?limit=2&cursor={first['next']}", headers=auth).get_json()
    assert [c["id"] for c in first["items"] + rest["items"]] == sorted(ids, reverse=True) and rest["next"] is None
    assert "dossier" not in first["items"][0] or first["items"][0]["dossier"] is None
    assert len(client.get("/api/v1/mediation/cases?status=submitted", headers=auth).get_json()["items"]) == 3
    assert client.get("/api/v1/mediation/cases?status=open", headers=auth).get_json()["items"] == []
    bad = client.get("/api/v1/mediation/cases?status=nonsense", headers=auth)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]
