"""`POST /api/v1/tickets/<ref>/escalate` and the mediation queue routes, as SPEC 4.4 and 6.1 fix them."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Order, Status, TicketEvent
from helpdesk.tickets.customers import order_key
from helpdesk.tickets.services import change_status
from tests.conftest import bearer, make_merchant, make_service, make_ticket, make_token, make_user

BODY = {"reason": "Pas de solution après trois relances", "claim": "Remboursement intégral",
        "amount": {"value": "449.00", "currency": "MAD"}}


def _setup(identifiers=None):
    service = make_service()
    merchant = make_merchant(mediation_service=service.slug,
                             identifiers=identifiers if identifiers is not None else {"ice": "001234567000089"})
    return service, merchant


def test_a_supervisor_escalates_and_the_case_lands_in_the_service_queue(app, client):
    service, merchant = _setup()
    ticket = make_ticket(merchant, "Colis jamais reçu, commande CMD-77", order_number="CMD-77")
    r = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json=BODY, headers=bearer(make_token(make_user(merchant))))
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    assert case["ticket_ref"] == ticket.ref and case["status"] == "submitted" and case["opened_by"] == "merchant"
    assert case["consent"]["merchant"] == "accepted" and case["consent"]["shopper"] == "pending"
    assert case["amount_in_dispute"] == {"value": "449.00", "currency": "MAD"}
    assert case["merchant"]["identifiers"] == {"ice": "001234567000089"}
    assert case["shopper"]["email"] == ticket.customer.email and case["claim"] == "Remboursement intégral"
    assert case["dossier_complete_at"] and case["admissibility"]["due_at"] and case["ends_at"]
    assert case["admissibility"]["decision"] == "pending" and case["missing"] == []
    assert {c["code"] for c in case["admissibility"]["checks"] if c["passed"]} == {
        "prior_written_complaint", "within_one_year", "merchant_belongs_to_service"}
    assert case["dossier"]["first_complaint"]["ticket_ref"] == ticket.ref
    assert "jamais reçu" in case["dossier"]["first_complaint"]["text"]
    assert case["order"]["number"] == "CMD-77" and case["first_complaint_at"]
    assert case["messages"] == [] and case["proposals"] == [] and case["outcome"] is None
    assert [e["kind"] for e in case["events"]] == ["case.submitted"]

    got = client.get(f"/api/v1/tickets/{ticket.ref}", headers=bearer(make_token(make_user(merchant, "agent"))))
    assert got.get_json()["status"] == "escalated"
    assert "mediation.requested" in [e["kind"] for e in got.get_json()["events"]]

    mediator = bearer(make_token(make_user(role="mediator", service=service)))
    queue = client.get("/api/v1/mediation/cases", headers=mediator).get_json()
    assert [c["id"] for c in queue["items"]] == [case["id"]] and queue["next"] is None
    assert client.get(f"/api/v1/mediation/cases/{case['id']}", headers=mediator).get_json()["ticket_ref"] == ticket.ref


def test_escalating_again_answers_200_with_the_same_case(app, client):
    _service, merchant = _setup()
    ticket = make_ticket(merchant)
    auth = bearer(make_token(make_user(merchant)))
    first = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json={"reason": "Bloqué"}, headers=auth)
    again = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json={"reason": "Encore"}, headers=auth)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    kinds = db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)).all()
    assert kinds.count("mediation.requested") == 1


def test_an_incomplete_dossier_says_what_is_missing(app, client):
    _service, merchant = _setup(identifiers={})
    ticket = make_ticket(merchant)
    r = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json={"reason": "Aucun accord"},
                    headers=bearer(make_token(make_user(merchant))))
    case = r.get_json()
    assert r.status_code == 201 and case["dossier_complete_at"] is None and case["admissibility"]["due_at"] is None
    assert case["missing"] == ["claim", "amount_in_dispute", "identifiers"] and case["ends_at"] is None


def test_the_amount_defaults_to_the_order_total(app, client):
    _service, merchant = _setup()
    db.session.add(Order(merchant_id=merchant.id, number="CMD-9", number_key=order_key("CMD-9"),
                         total=Decimal("120.50"), currency="mad"))
    db.session.commit()
    ticket = make_ticket(merchant, "Article cassé", order_number="CMD-9")
    r = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json={"reason": "x", "claim": "Remplacement"},
                    headers=bearer(make_token(make_user(merchant))))
    assert r.get_json()["amount_in_dispute"] == {"value": "120.50", "currency": "MAD"}


def test_who_may_escalate_and_what_is_refused(app, client):
    service, merchant = _setup()
    ticket = make_ticket(merchant)
    url = f"/api/v1/tickets/{ticket.ref}/escalate"
    agent = bearer(make_token(make_user(merchant, "agent")))
    boss = bearer(make_token(make_user(merchant)))
    mediator = bearer(make_token(make_user(role="mediator", service=service)))
    assert client.post(url, json=BODY, headers=agent).status_code == 403
    assert client.post(url, json=BODY, headers=mediator).status_code == 404
    assert client.post(url, json=BODY).status_code == 401
    bad = client.post(url, json={"reason": "", "amount": {"value": "x", "currency": "MAD"}}, headers=boss)
    assert bad.status_code == 422 and {"reason", "amount"} <= set(bad.get_json()["error"]["fields"])
    assert client.post(url, data="{not json", headers={**boss, "Content-Type": "application/json"}).status_code == 400
    change_status(ticket, Status.CLOSED, "agent:1")
    db.session.commit()
    closed = client.post(url, json=BODY, headers=boss)
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "invalid_transition"


def test_a_merchant_without_a_service_cannot_escalate(app, client):
    make_service(), make_service()
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    r = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json=BODY, headers=bearer(make_token(make_user(merchant))))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "no_mediation_service"
    assert ticket.status is not Status.ESCALATED


def test_the_only_service_takes_a_merchant_without_one(app, client):
    make_service()
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    r = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", json=BODY, headers=bearer(make_token(make_user(merchant))))
    assert r.status_code == 201
