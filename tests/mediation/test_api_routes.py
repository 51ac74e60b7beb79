"""The mediation routes of SPEC 6.1 driven over the API as the mediator and the merchant would use them."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.mediation import proposals
from helpdesk.mediation.actors import SHOPPER
from helpdesk.mediation.dossier import open_dossier
from helpdesk.models import MediationCase, OpenedBy, OutboundMail, Ticket, TicketEvent, utcnow
from helpdesk.sla.clocks import calendar_for
from tests.conftest import bearer, make_merchant, make_service, make_ticket, make_token, make_user


class World:
    def __init__(self) -> None:
        self.service = make_service()
        self.merchant = make_merchant(mediation_service=self.service.slug, identifiers={"ice": "001234567000089"})
        self.mediator = bearer(make_token(make_user(role="mediator", service=self.service)))
        self.supervisor = bearer(make_token(make_user(self.merchant)))
        self.agent = bearer(make_token(make_user(self.merchant, "agent")))


def _shopper_case(world: World) -> dict:
    """A case the shopper asked for (so the merchant is the party asked), made admissible by the mediator."""
    ticket = make_ticket(world.merchant, "Le tapis n'est jamais arrivé, commande 2231.", order_number="2231")
    case, _ = open_dossier(ticket, by=OpenedBy.SHOPPER, reason="Pas de réponse", actor="shopper",
                           claim="Remboursement")
    db.session.commit()
    return {"id": case.id, "ticket": ticket.ref}


def _post(client, path, auth, **body):
    return client.post(f"/api/v1/mediation/cases/{path}", json=body, headers=auth)


def test_the_merchant_consents_and_a_proposal_both_accept_ends_in_agreement(app, client):
    world = World()
    case = _shopper_case(world)
    cid = case["id"]
    r = _post(client, f"{cid}/admissibility", world.mediator, admissible=True, reason="Réclamation écrite préalable")
    assert r.status_code == 200 and r.get_json()["status"] == "awaiting_consent", r.get_json()
    due = r.get_json()["consent"]["merchant_due_at"]
    assert due and r.get_json()["admissibility"]["decision"] == "admissible"
    assert _post(client, f"{cid}/consent", world.agent, accept=True).status_code == 403  # a supervisor answers
    r = _post(client, f"{cid}/consent", world.supervisor, accept=True)
    assert r.status_code == 200 and r.get_json()["status"] == "open"
    assert _post(client, f"{cid}/consent", world.supervisor, accept=True).status_code == 409

    assert _post(client, f"{cid}/close", world.mediator, outcome="agreement", summary="x").get_json()["error"][
        "code"] == "invalid_transition"
    respond_by = (utcnow() + timedelta(days=10)).date().isoformat()
    r = _post(client, f"{cid}/proposals", world.mediator, terms="Remboursement de 449 MAD sous 7 jours",
              amount={"value": "449.00", "currency": "MAD"}, respond_by=respond_by)
    assert r.status_code == 201, r.get_json()
    proposal = r.get_json()["proposals"][0]
    assert proposal["responses"] == {"merchant": "pending", "shopper": "pending"}
    assert proposal["amount"] == {"value": "449.00", "currency": "MAD"}
    # A date means the end of that day on the merchant's clock.
    end_of_day = calendar_for(world.merchant).end_of_day(date.fromisoformat(respond_by))
    assert datetime.fromisoformat(proposal["respond_by"]) == end_of_day

    r = _post(client, f"{cid}/proposals/{proposal['id']}/response", world.supervisor, accept=True)
    assert r.get_json()["proposals"][0]["responses"]["merchant"] == "accepted"
    assert _post(client, f"{cid}/proposals/{proposal['id']}/response", world.supervisor,
                 accept=False).status_code == 409
    proposals.respond(db.session.get(MediationCase, cid), proposal["id"], SHOPPER, True)
    db.session.commit()

    for kind in ("settlement", "certificate"):
        r = client.get(f"/api/v1/mediation/cases/{cid}/documents/{kind}", headers=world.mediator)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "document_not_available"
    r = _post(client, f"{cid}/close", world.mediator, outcome="agreement", summary="Remboursement accepté.")
    assert r.status_code == 200 and r.get_json()["outcome"]["kind"] == "agreement"
    ticket = db.session.scalar(select(Ticket).where(Ticket.ref == case["ticket"]))
    assert ticket.status.value == "resolved"
    kinds = db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)).all()
    assert {"mediation.requested", "mediation.awaiting_consent", "mediation.open", "mediation.agreement"} <= set(kinds)
    for auth in (world.mediator, world.supervisor):
        pdf = client.get(f"/api/v1/mediation/cases/{cid}/documents/settlement", headers=auth)
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), pdf.data[:200]
    assert _post(client, f"{cid}/withdraw", world.supervisor).status_code == 409  # the outcome is final


def test_extension_moves_the_end_and_both_parties_are_told(app, client):
    world = World()
    cid = _shopper_case(world)["id"]
    _post(client, f"{cid}/admissibility", world.mediator, admissible=True)
    ends = _post(client, f"{cid}/consent", world.supervisor, accept=True).get_json()["ends_at"]
    assert _post(client, f"{cid}/extend", world.supervisor, until="2099-01-01", reason="x").status_code == 403
    too_early = _post(client, f"{cid}/extend", world.mediator, until="2000-01-01", reason="Expertise du tapis")
    assert too_early.status_code == 422
    before = db.session.scalar(select(db.func.count()).select_from(OutboundMail))
    r = _post(client, f"{cid}/extend", world.mediator, until="2099-01-01T12:00:00+01:00", reason="Expertise du tapis")
    assert r.status_code == 200 and r.get_json()["ends_at"] > ends and r.get_json()["extended_reason"]
    mails = db.session.scalars(select(OutboundMail).order_by(OutboundMail.id).offset(before)).all()
    assert {m.kind for m in mails} == {"mediation.extended"}
    ticket = db.session.get(MediationCase, cid).ticket
    assert ticket.customer.email in {m.to_addr for m in mails} and len(mails) >= 2  # the shopper and a supervisor


def test_a_merchant_withdrawal_ends_the_case_and_reopens_the_ticket(app, client):
    world = World()
    case = _shopper_case(world)
    r = _post(client, f"{case['id']}/withdraw", world.agent)
    assert r.status_code == 403
    r = _post(client, f"{case['id']}/withdraw", world.supervisor)
    assert r.status_code == 200 and r.get_json()["status"] == "withdrawn"
    assert r.get_json()["outcome"]["kind"] == "withdrawn"
    assert db.session.scalar(select(Ticket).where(Ticket.ref == case["ticket"])).status.value == "open"
    r = client.get(f"/api/v1/mediation/cases/{case['id']}/documents/certificate", headers=world.supervisor)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "document_not_available"


def test_an_inadmissible_decision_needs_its_reason_and_gives_a_certificate(app, client):
    world = World()
    cid = _shopper_case(world)["id"]
    assert _post(client, f"{cid}/admissibility", world.supervisor, admissible=False, reason="x").status_code == 403
    assert _post(client, f"{cid}/admissibility", world.mediator, admissible=False).status_code == 422
    r = _post(client, f"{cid}/admissibility", world.mediator, admissible=False, reason="Litige hors champ.")
    assert r.status_code == 200 and r.get_json()["status"] == "inadmissible"
    assert r.get_json()["admissibility"]["reason"] == "Litige hors champ."
    pdf = client.get(f"/api/v1/mediation/cases/{cid}/documents/certificate", headers=world.supervisor)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert client.get(f"/api/v1/mediation/cases/{cid}/documents/receipt",
                      headers=world.supervisor).status_code == 404


def test_messages_follow_the_channels_each_caller_may_use(app, client):
    world = World()
    cid = _shopper_case(world)["id"]
    for channel, auth, status in (("joint", world.agent, 201), ("caucus:merchant", world.agent, 201),
                                  ("caucus:shopper", world.supervisor, 403), ("caucus:shopper", world.mediator, 201),
                                  ("joint", world.mediator, 201)):
        r = _post(client, f"{cid}/messages", auth, body=f"note {channel}", channel=channel)
        assert r.status_code == status, (channel, r.get_json())
    seen = client.get(f"/api/v1/mediation/cases/{cid}", headers=world.agent).get_json()
    assert {m["channel"] for m in seen["messages"]} == {"joint", "caucus:merchant"}
    assert "caucus:shopper" not in str(seen["events"])
    everything = client.get(f"/api/v1/mediation/cases/{cid}", headers=world.mediator).get_json()
    assert {m["channel"] for m in everything["messages"]} == {"joint", "caucus:merchant", "caucus:shopper"}
    mails = db.session.scalars(select(OutboundMail).where(OutboundMail.kind == "mediation.message")).all()
    assert all("note caucus" not in m.text for m in mails)
