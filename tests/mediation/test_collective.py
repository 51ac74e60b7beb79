"""Collective mediation (SPEC 6, 6.1): one offer put to every shopper, each answering from their own portal."""
from __future__ import annotations

from datetime import timedelta

from helpdesk.extensions import db
from helpdesk.models import utcnow
from helpdesk.portal import links
from tests.conftest import bearer, make_merchant, make_service, make_ticket, make_token, make_user

JSON = {"Accept": "application/json"}
SHOPPERS = (("Amina Rachidi", "amina.rachidi@example.ma"), ("Karim Alaoui", "karim.alaoui@example.ma"),
            ("Salma Bennani", "salma.bennani@example.ma"))


def test_three_shoppers_two_accept_one_refuses_and_none_sees_another(app, client):
    service = make_service()
    merchant = make_merchant(mediation_service=service.slug, identifiers={"ice": "001234567000089"})
    sup = bearer(make_token(make_user(merchant)))
    med = bearer(make_token(make_user(role="mediator", service=service)))
    portals, cases = [], []
    for name, email in SHOPPERS:
        ticket = make_ticket(merchant, "Livraison en retard de trois semaines, commande bloquée chez Amana.",
                             name=name, email=email)
        portals.append(f"/portal/{links.issue_link(ticket)}")
        db.session.commit()
        case = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", headers=sup,
                           json={"reason": "Retards Amana", "claim": "Indemnisation"}).get_json()
        client.post(f"/api/v1/mediation/cases/{case['id']}/admissibility", headers=med, json={"admissible": True})
        assert client.post(f"{portals[-1]}/mediation/consent", json={"accept": True}, headers=JSON).status_code == 200
        client.post(f"/api/v1/mediation/cases/{case['id']}/messages", headers=med,
                    json={"channel": "caucus:shopper", "body": f"Note privée pour {name}"})
        cases.append(case["id"])

    # Only the mediator joins cases; merchant staff see the collective as a party.
    assert client.post("/api/v1/mediation/collective", headers=sup,
                       json={"title": "Retards", "cases": cases}).status_code == 403
    r = client.post("/api/v1/mediation/collective", headers=med, json={"title": "Retards Amana", "cases": cases})
    assert r.status_code == 201, r.get_json()
    collective = r.get_json()["id"]
    respond_by = (utcnow() + timedelta(days=7)).isoformat()
    r = client.post(f"/api/v1/mediation/collective/{collective}/proposals", headers=med,
                    json={"terms": "Bon d'achat de 100 MAD par client", "amount": {"value": "100.00", "currency": "MAD"},
                          "respond_by": respond_by})
    assert r.status_code == 201, r.get_json()
    pid = r.get_json()["proposals"][0]["id"]
    assert r.get_json()["proposals"][0]["pending"] == 3

    for path, accept in zip(portals, (True, True, False), strict=True):
        case = client.get(path, headers=JSON).get_json()["mediation"]
        assert [p["id"] for p in case["proposals"]] == [pid]  # the same offer, with the same id, in each case
        r = client.post(f"{path}/mediation/proposals/{pid}/response", json={"accept": accept}, headers=JSON)
        assert r.status_code == 200, r.get_json()

    view = client.get(f"/api/v1/mediation/collective/{collective}", headers=sup).get_json()
    counts = view["proposals"][0]
    assert (counts["accepted"], counts["refused"], counts["pending"]) == (2, 1, 0)
    assert sorted(view["cases"]) == sorted(cases)

    for index, path in enumerate(portals):
        others = [s for i, s in enumerate(SHOPPERS) if i != index]
        for answer in (client.get(path, headers=JSON), client.get(path), client.get(f"{path}/mediation"),
                       client.get(f"{path}/mediation?room=private")):
            text = answer.get_data(as_text=True)
            for name, email in others:
                assert name not in text and email not in text, (index, name)
                assert f"Note privée pour {name}" not in text
        assert SHOPPERS[index][1] in client.get(path, headers=JSON).get_data(as_text=True)

    # A second offer; one shopper leaves the mediation without answering it: not an acceptance.
    r = client.post(f"/api/v1/mediation/collective/{collective}/proposals", headers=sup,
                    json={"terms": "Remboursement des frais de port", "respond_by": respond_by})
    second = r.get_json()["proposals"][1]["id"]
    assert client.post(f"{portals[0]}/mediation/withdraw", headers=JSON).status_code == 200
    counts = client.get(f"/api/v1/mediation/collective/{collective}", headers=med).get_json()["proposals"][1]
    assert counts["id"] == second and (counts["accepted"], counts["refused"], counts["pending"]) == (0, 1, 2)

    other_merchant = bearer(make_token(make_user(make_merchant())))
    other_service = bearer(make_token(make_user(role="mediator", service=make_service())))
    for outsider in (other_merchant, other_service):
        assert client.get(f"/api/v1/mediation/collective/{collective}", headers=outsider).status_code == 404
        assert client.post(f"/api/v1/mediation/collective/{collective}/proposals", headers=outsider,
                           json={"terms": "x", "respond_by": respond_by}).status_code == 404
