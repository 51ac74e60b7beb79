"""`PATCH /api/v1/mediation/cases/<id>`: the dossier is completed, and its clocks start when nothing is missing."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import CaseStatus, MediationCase, Merchant, TicketEvent
from tests.conftest import bearer, make_merchant, make_service, make_ticket, make_token, make_user


def _incomplete_case(client):  # type: ignore[no-untyped-def]
    service = make_service()
    merchant = make_merchant(mediation_service=service.slug, identifiers={})
    supervisor = bearer(make_token(make_user(merchant)))
    ticket = make_ticket(merchant)
    case = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json={"reason": "Aucun accord"},
                       headers=supervisor).get_json()
    assert case["missing"] == ["claim", "amount_in_dispute", "identifiers"]
    return service, merchant, supervisor, ticket, case


def test_the_supervisor_completes_the_dossier_and_the_clocks_start(app, client):
    _service, merchant, supervisor, ticket, case = _incomplete_case(client)
    path = f"/api/v1/mediation/cases/{case['id']}"
    r = client.patch(path, headers=supervisor, json={"identifiers": {"ice": "001525846000057"}})
    assert r.status_code == 200 and r.get_json()["missing"] == ["claim", "amount_in_dispute"]
    assert r.get_json()["merchant"]["identifiers"]["ice"] == "001525846000057"
    assert r.get_json()["dossier_complete_at"] is None
    done = client.patch(path, headers=supervisor, json={
        "claim": "Remboursement de 449 MAD", "amount_in_dispute": {"value": "449.00", "currency": "MAD"}}).get_json()
    assert done["missing"] == [] and done["dossier_complete_at"] is not None
    assert done["admissibility"]["due_at"] is not None and done["ends_at"] is not None
    assert done["amount_in_dispute"] == {"value": "449.00", "currency": "MAD"}
    db.session.expire_all()
    assert db.session.get(Merchant, merchant.id).identifiers == {"ice": "001525846000057"}
    kinds = db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)).all()
    assert kinds.count("mediation.dossier_updated") == 2


def test_who_may_complete_it_and_what_is_refused(app, client):
    service, merchant, supervisor, _ticket, case = _incomplete_case(client)
    path = f"/api/v1/mediation/cases/{case['id']}"
    agent = bearer(make_token(make_user(merchant, "agent")))
    assert client.patch(path, headers=agent, json={"claim": "x"}).status_code == 403
    stranger = bearer(make_token(make_user(make_merchant())))
    assert client.patch(path, headers=stranger, json={"claim": "x"}).status_code == 404
    mediator = bearer(make_token(make_user(role="mediator", service=service)))
    assert client.patch(path, headers=mediator, json={"claim": "Réparation"}).get_json()["claim"] == "Réparation"
    bad = client.patch(path, headers=supervisor, json={"identifiers": {"ice": "12"},
                                                        "amount_in_dispute": {"value": "-3", "currency": "MAD"}})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"identifiers", "amount_in_dispute"}
    db.session.get(MediationCase, case["id"]).status = CaseStatus.WITHDRAWN
    db.session.commit()
    closed = client.patch(path, headers=supervisor, json={"claim": "trop tard"})
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "invalid_transition"
