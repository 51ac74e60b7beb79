"""The shopper's side of mediation in the portal (SPEC 6.1, shopper table): every route as JSON and as a page.

The merchant and the mediator act through the real API, as they would; the
shopper only through the portal link. The confidentiality checks post a
merchant caucus message and look for its text in every portal answer.
"""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import (
    Answer,
    MediationProposal,
    OutboundMail,
    ProposalResponse,
    Status,
    Ticket,
    utcnow,
)
from helpdesk.portal import links
from helpdesk.tickets.services import change_status
from tests.conftest import bearer, make_merchant, make_service, make_ticket, make_token, make_user
from tests.widget.files import png

JSON = {"Accept": "application/json"}
ENGLISH = {"Accept-Language": "en"}  # the pages are read in English here (the shop speaks French)
ASK = {"reason": "Le colis n'est jamais arrivé et la boutique ne répond plus.", "claim": "Remboursement intégral",
       "amount": {"value": "449.00", "currency": "MAD"}}
MERCHANT_CAUCUS = "Offre plancher confidentielle : 300 MAD au plus"
SHOPPER_CAUCUS = "Je pourrais accepter un avoir, entre nous"


class Scene:
    """A merchant with its mediation service, a supervisor and a mediator (API tokens), and one shopper's ticket."""

    def __init__(self, client, *, wait_days: int | None = None, days_old: int = 10, **ticket_kw) -> None:
        self.client = client
        self.service = make_service()
        self.merchant = make_merchant(mediation_service=self.service.slug, identifiers={"ice": "001234567000089"})
        if wait_days is not None:
            self.merchant.settings = {"mediation_wait_days": wait_days}
        self.ticket = make_ticket(self.merchant, "Colis jamais reçu, commande CMD-77", **ticket_kw)
        self.ticket.created_at = utcnow() - timedelta(days=days_old)
        self.path = f"/portal/{links.issue_link(self.ticket)}"
        db.session.commit()
        self.sup = bearer(make_token(make_user(self.merchant)))
        self.med = bearer(make_token(make_user(role="mediator", service=self.service)))

    def api(self, method: str, path: str, who: dict, **kw):
        r = getattr(self.client, method)(f"/api/v1/mediation/cases/{path}", headers=who, **kw)
        assert r.status_code < 300, r.get_data(as_text=True)
        return r.get_json()

    def portal(self, method: str = "get", suffix: str = "", *, html: bool = False, **kw):
        return getattr(self.client, method)(self.path + suffix, headers=ENGLISH if html else JSON, **kw)

    def case(self) -> dict:
        return self.portal().get_json()["mediation"]

    def escalated_by_merchant(self, body: dict | None = None, *, admit: bool = True) -> int:
        r = self.client.post(f"/api/v1/tickets/{self.ticket.ref}/escalate", headers=self.sup,
                             json=body or {"reason": "Désaccord sur le remboursement", "claim": "Remboursement",
                                           "amount": {"value": "449.00", "currency": "MAD"}})
        assert r.status_code == 201, r.get_data(as_text=True)
        case_id = r.get_json()["id"]
        if admit:
            self.api("post", f"{case_id}/admissibility", self.med, json={"admissible": True})
        return case_id

    def opened(self) -> int:
        case_id = self.escalated_by_merchant()
        assert self.portal("post", "/mediation/consent", json={"accept": True}).status_code == 200
        return case_id


def test_asking_for_mediation_waits_for_the_merchants_fair_chance(app, client):
    scene = Scene(client, days_old=0)
    early = scene.portal("post", "/mediation", json=ASK)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "too_early"
    page = scene.portal(html=True).get_data(as_text=True)
    assert 'id="mediation"' in page and "The shop has until" in page
    assert 'action="' + scene.path + '/mediation"' not in page
    blank = scene.portal("post", "/mediation", json={**ASK, "reason": "   "})
    assert blank.status_code == 422 and "reason" in blank.get_json()["errors"]

    scene.ticket.created_at = utcnow() - timedelta(days=8)  # the default 7 days have passed, nothing resolved
    db.session.commit()
    assert 'action="' + scene.path + '/mediation"' in scene.portal(html=True).get_data(as_text=True)
    r = scene.portal("post", "/mediation", json=ASK)
    assert r.status_code == 201, r.get_data(as_text=True)
    case = r.get_json()
    assert case["status"] == "submitted" and case["opened_by"] == "shopper"
    assert case["consent"] == {"merchant": "pending", "shopper": "accepted", "merchant_due_at": None,
                               "shopper_due_at": None}
    assert case["amount_in_dispute"] == {"value": "449.00", "currency": "MAD"} and case["missing"] == []
    assert case["claim"] == "Remboursement intégral" and case["dossier_complete_at"]

    again = scene.portal("post", "/mediation", json={"reason": "encore"})
    assert again.status_code == 200 and again.get_json()["id"] == case["id"]
    view = scene.portal().get_json()
    assert view["status"] == "escalated" and view["mediation"]["id"] == case["id"]
    assert view["mediation"]["created_at"].endswith("+00:00")  # ISO 8601 instants, as the API answers

    listed = client.get("/api/v1/mediation/cases", headers=scene.med).get_json()["items"]
    assert [c["id"] for c in listed] == [case["id"]]


def test_the_wait_is_a_merchant_setting_and_a_resolved_ticket_is_reopened_first(app, client):
    scene = Scene(client, wait_days=2, days_old=3)
    change_status(scene.ticket, Status.RESOLVED, "agent:1")
    db.session.commit()
    refused = scene.portal("post", "/mediation", json=ASK)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "ticket_resolved"
    assert "reply to say why" in scene.portal(html=True).get_data(as_text=True)
    bad = scene.portal("post", "/mediation", json={**ASK, "amount": {"value": "beaucoup", "currency": "MAD"}})
    assert bad.status_code == 422 and "amount" in bad.get_json()["errors"]

    # The shopper's reply is their written objection; it reopens the ticket and the merchant has had its chance.
    assert scene.portal("post", "/messages", json={"body": "Je n'ai toujours rien reçu."}).status_code == 201
    form = {"reason": "La solution ne me convient pas", "claim": "Un remboursement", "amount": "449,5",
            "currency": "mad"}
    r = scene.portal("post", "/mediation", data=form, html=True)
    assert r.status_code == 303 and r.headers["Location"].endswith(scene.path + "/mediation")
    page = client.get(r.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "Your request for mediation was sent" in page and "Received by the mediation service" in page
    assert scene.case()["amount_in_dispute"] == {"value": "449.50", "currency": "MAD"}


def test_the_shopper_cannot_ask_twice_for_the_same_dispute_or_without_a_service(app, client):
    scene = Scene(client)
    case_id = scene.opened()
    assert scene.portal("post", "/mediation/withdraw").status_code == 200
    again = scene.portal("post", "/mediation", json=ASK)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_mediated"
    assert scene.case()["id"] == case_id and scene.case()["status"] == "withdrawn"

    make_service()
    lone = make_merchant()  # no service of its own, and two services exist: nowhere to go
    ticket = make_ticket(lone)
    ticket.created_at = utcnow() - timedelta(days=30)
    path = f"/portal/{links.issue_link(ticket)}"
    db.session.commit()
    r = client.post(f"{path}/mediation", json=ASK, headers=JSON)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "no_mediation_service"
    assert 'id="mediation"' not in client.get(path).get_data(as_text=True)


def test_the_shoppers_consent_opens_the_case(app, client):
    scene = Scene(client)
    scene.escalated_by_merchant()
    case = scene.case()
    assert case["status"] == "awaiting_consent" and case["consent"]["shopper"] == "pending"
    assert case["consent"]["shopper_due_at"]
    page = scene.portal(suffix="/mediation", html=True).get_data(as_text=True)
    assert "Do you agree to mediation?" in page and "Please answer by" in page
    assert 'name="accept" value="true"' in page and "You may withdraw at any time" in page
    assert "The mediation room opens once" in page and 'id="room-body"' not in page

    r = scene.portal("post", "/mediation/consent", data={"accept": "true"}, html=True)
    assert r.status_code == 303 and r.headers["Location"].endswith("/mediation")
    assert "You agreed to mediation." in client.get(r.headers["Location"]).get_data(as_text=True)
    opened = scene.case()
    assert opened["status"] == "open" and opened["consent"]["shopper"] == "accepted"
    assert any(e["kind"] == "case.open" for e in opened["events"])

    twice = scene.portal("post", "/mediation/consent", json={"accept": False})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "invalid_transition"
    missing = scene.portal("post", "/mediation/consent", json={})
    assert missing.status_code == 422 and "accept" in missing.get_json()["errors"]


def test_declining_ends_the_case_refused_with_a_certificate(app, client):
    scene = Scene(client)
    scene.escalated_by_merchant()
    before = scene.portal(suffix="/mediation/documents/certificate")
    assert before.status_code == 404 and before.get_json()["error"]["code"] == "document_not_available"

    r = scene.portal("post", "/mediation/consent", json={"accept": False})
    assert r.status_code == 200 and r.get_json()["status"] == "refused"
    assert scene.portal().get_json()["status"] == "open"  # the ticket goes back to the merchant
    page = scene.portal(suffix="/mediation", html=True).get_data(as_text=True)
    assert "Mediation will not take place" in page and "/mediation/documents/certificate" in page
    assert "consumer association" in page and "ec.europa.eu/consumers/odr" not in page
    pdf = scene.portal(suffix="/mediation/documents/certificate", html=True)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert scene.portal(suffix="/mediation/documents/settlement").get_json()["error"]["code"] == \
        "document_not_available"


def test_room_messages_and_the_shopper_never_sees_the_merchants_caucus(app, client, drain):
    scene = Scene(client)
    case_id = scene.opened()
    scene.api("post", f"{case_id}/messages", scene.sup, json={"channel": "caucus:merchant", "body": MERCHANT_CAUCUS})
    scene.api("post", f"{case_id}/messages", scene.sup, json={"channel": "joint", "body": "Nous proposons un avoir."})
    scene.api("post", f"{case_id}/messages", scene.med, json={"channel": "caucus:shopper",
                                                                "body": "Qu'attendez-vous vraiment ?"})

    r = scene.portal("post", "/mediation/messages", json={"channel": "joint", "body": "Je préfère un remboursement."})
    assert r.status_code == 201 and r.get_json()["messages"][-1]["author_role"] == "shopper"
    private = scene.portal("post", "/mediation/messages", data={"channel": "caucus:shopper", "body": SHOPPER_CAUCUS},
                           html=True)
    assert private.status_code == 303 and "room=private" in private.headers["Location"]
    forbidden = scene.portal("post", "/mediation/messages", json={"channel": "caucus:merchant", "body": "Coucou"})
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "forbidden"
    page_refusal = scene.portal("post", "/mediation/messages", data={"channel": "caucus:merchant", "body": "x"},
                                html=True, follow_redirects=True)
    assert "You cannot write in that channel." in page_refusal.get_data(as_text=True)
    assert scene.portal("post", "/mediation/messages", json={"channel": "joint", "body": " "}).status_code == 422

    case = scene.case()
    assert {m["channel"] for m in case["messages"]} == {"joint", "caucus:shopper"}
    assert [m["body"] for m in case["messages"] if m["channel"] == "caucus:shopper"] == [
        "Qu'attendez-vous vraiment ?", SHOPPER_CAUCUS]
    answers = [scene.portal(), scene.portal(suffix="/mediation"), scene.portal(html=True),
               scene.portal(suffix="/mediation", html=True), scene.portal(suffix="/mediation?room=private", html=True)]
    for answer in answers:
        assert answer.status_code == 200
        assert MERCHANT_CAUCUS not in answer.get_data(as_text=True)
    joint_tab, private_tab = (a.get_data(as_text=True) for a in answers[3:])
    assert "Nous proposons un avoir." in joint_tab and SHOPPER_CAUCUS not in joint_tab
    assert SHOPPER_CAUCUS in private_tab and "Nous proposons un avoir." not in private_tab
    assert "the shop never sees it" in private_tab

    merchant_view = client.get(f"/api/v1/mediation/cases/{case_id}", headers=scene.sup).get_data(as_text=True)
    assert SHOPPER_CAUCUS not in merchant_view and "Qu'attendez-vous" not in merchant_view
    drain()
    mails = db.session.scalars(select(OutboundMail).where(OutboundMail.ticket_id == scene.ticket.id)).all()
    assert mails and all(MERCHANT_CAUCUS not in m.text and SHOPPER_CAUCUS not in m.text for m in mails)


def test_the_shopper_completes_the_dossier_with_evidence_in_the_joint_channel(app, client):
    scene = Scene(client)
    case_id = scene.escalated_by_merchant({"reason": "Litige sur la conformité"}, admit=False)
    case = scene.case()
    assert set(case["missing"]) == {"claim", "amount_in_dispute"} and case["dossier_complete_at"] is None
    page = scene.portal(suffix="/mediation", html=True).get_data(as_text=True)
    assert "Still missing" in page and "the amount in dispute" in page and 'id="d-claim"' in page

    empty = scene.portal("post", "/mediation/dossier", json={})
    assert empty.status_code == 422 and empty.get_json()["errors"]
    assert scene.portal("post", "/mediation/dossier", json={"amount": {"value": "1,5", "currency": "MAD"}}) \
        .status_code == 422
    r = scene.portal("post", "/mediation/dossier", json={"claim": "Le remplacement du vase"})
    assert r.status_code == 200 and r.get_json()["missing"] == ["amount_in_dispute"]

    form = {"claim": "Le remplacement du vase", "amount": "320", "currency": "MAD",
            "files": (io.BytesIO(png()), "vase-felé.png")}
    done = scene.portal("post", "/mediation/dossier", data=form, content_type="multipart/form-data", html=True)
    assert done.status_code == 303 and done.headers["Location"].endswith("/mediation#dossier")
    case = scene.case()
    assert case["missing"] == [] and case["dossier_complete_at"]
    assert case["amount_in_dispute"] == {"value": "320.00", "currency": "MAD"}
    evidence = [m for m in case["messages"] if m["attachments"]]
    assert len(evidence) == 1 and evidence[0]["channel"] == "joint"
    attachment = evidence[0]["attachments"][0]
    got = scene.portal(suffix=f"/mediation/attachments/{attachment['id']}", html=True)
    assert got.status_code == 200 and got.data == png() and "attachment" in got.headers["Content-Disposition"]
    got.close()
    merchant_view = scene.api("get", str(case_id), scene.sup)
    assert [a["filename"] for m in merchant_view["messages"] for a in m["attachments"]] == [attachment["filename"]]
    assert "Still missing" not in scene.portal(suffix="/mediation", html=True).get_data(as_text=True)


def test_proposals_are_answered_once_before_their_date_and_a_late_answer_is_recorded_lapsed(app, client):
    scene = Scene(client)
    case_id = scene.opened()
    respond_by = (utcnow() + timedelta(days=5)).isoformat()
    scene.api("post", f"{case_id}/proposals", scene.med, json={"terms": "Remboursement de 449 MAD sous 8 jours",
                                                                "amount": {"value": "449.00", "currency": "MAD"},
                                                                "respond_by": respond_by})
    pid = scene.case()["proposals"][0]["id"]
    page = scene.portal(suffix="/mediation", html=True).get_data(as_text=True)
    assert "Remboursement de 449 MAD sous 8 jours" in page and "Answer by" in page
    assert f"/mediation/proposals/{pid}/response" in page

    r = scene.portal("post", f"/mediation/proposals/{pid}/response", json={"accept": True})
    assert r.status_code == 200 and r.get_json()["proposals"][0]["responses"] == {"merchant": "pending",
                                                                                   "shopper": "accepted"}
    twice = scene.portal("post", f"/mediation/proposals/{pid}/response", json={"accept": False})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_answered"
    assert scene.portal("post", "/mediation/proposals/999999/response", json={"accept": True}).status_code == 404

    scene.api("post", f"{case_id}/proposals", scene.med, json={"terms": "Un avoir de 500 MAD",
                                                                "respond_by": respond_by})
    second = scene.case()["proposals"][1]["id"]
    page_answer = scene.portal("post", f"/mediation/proposals/{second}/response", data={"accept": "false"}, html=True)
    assert page_answer.status_code == 303 and page_answer.headers["Location"].endswith("#proposals")
    assert scene.case()["proposals"][1]["responses"]["shopper"] == "refused"

    scene.api("post", f"{case_id}/proposals", scene.med, json={"terms": "Dernière offre", "respond_by": respond_by})
    third = scene.case()["proposals"][2]["id"]
    db.session.get(MediationProposal, third).respond_by = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = scene.portal("post", f"/mediation/proposals/{third}/response", json={"accept": True})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "proposal_lapsed"
    db.session.expire_all()
    row = db.session.scalar(select(ProposalResponse).where(ProposalResponse.proposal_id == third,
                                                           ProposalResponse.case_id == case_id,
                                                           ProposalResponse.party == "shopper"))
    assert row.answer is Answer.LAPSED  # committed although the answer was refused
    assert scene.case()["proposals"][2]["responses"]["shopper"] == "lapsed"


def test_the_shopper_withdraws_at_any_time(app, client):
    scene = Scene(client)
    scene.opened()
    page = scene.portal(suffix="/mediation", html=True).get_data(as_text=True)
    assert "You may withdraw at any time, without giving a reason." in page
    r = scene.portal("post", "/mediation/withdraw", html=True)
    assert r.status_code == 303
    assert "You withdrew from the mediation." in client.get(r.headers["Location"]).get_data(as_text=True)
    case = scene.case()
    assert case["status"] == "withdrawn" and case["outcome"]["kind"] == "withdrawn"
    assert db.session.get(Ticket, scene.ticket.id).status is Status.OPEN
    again = scene.portal("post", "/mediation/withdraw")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"
    assert scene.portal("post", "/mediation/messages", json={"body": "Encore là ?"}).status_code == 409

    other = Scene(client)
    other.escalated_by_merchant(admit=False)  # submitted: the shopper may leave before anything is decided
    assert other.portal("post", "/mediation/withdraw").get_json()["status"] == "withdrawn"


def test_documents_after_an_agreement_and_not_before(app, client):
    scene = Scene(client)
    case_id = scene.opened()
    for kind in ("settlement", "certificate"):
        r = scene.portal(suffix=f"/mediation/documents/{kind}")
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "document_not_available"
    assert scene.portal(suffix="/mediation/documents/passport").status_code == 404
    scene.api("post", f"{case_id}/proposals", scene.med, json={
        "terms": "Remboursement intégral de 449 MAD", "amount": {"value": "449.00", "currency": "MAD"},
        "respond_by": (utcnow() + timedelta(days=3)).isoformat()})
    pid = scene.case()["proposals"][0]["id"]
    scene.api("post", f"{case_id}/proposals/{pid}/response", scene.sup, json={"accept": True})
    assert scene.portal("post", f"/mediation/proposals/{pid}/response", json={"accept": True}).status_code == 200
    scene.api("post", f"{case_id}/close", scene.med, json={"outcome": "agreement", "summary": "Accord trouvé"})

    page = scene.portal(suffix="/mediation", html=True).get_data(as_text=True)
    assert "Ended with an agreement" in page and "/mediation/documents/settlement" in page
    assert "/mediation/documents/certificate" not in page and 'action="' + scene.path + '/mediation/withdraw"' \
        not in page
    pdf = scene.portal(suffix="/mediation/documents/settlement?lang=ar", html=True)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "settlement-case" in pdf.headers["Content-Disposition"]
    assert scene.portal().get_json()["status"] == "resolved"


def test_without_a_case_the_routes_say_so_and_a_bad_link_is_the_usual_404(app, client):
    scene = Scene(client)
    r = scene.portal("post", "/mediation/consent", json={"accept": True})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "no_mediation"
    assert scene.portal(suffix="/mediation").status_code == 404
    page = scene.portal(suffix="/mediation", html=True)
    assert page.status_code == 303 and page.headers["Location"].endswith("#mediation")
    assert client.post("/portal/forged.token/mediation/withdraw", headers=JSON).status_code == 404


def test_a_shopper_of_a_collective_case_sees_only_their_own_case(app, client):
    scene = Scene(client, email="amina@example.com")
    first = scene.opened()
    ticket = make_ticket(scene.merchant, "Même problème de livraison", email="karim.secret@example.com")
    other_path = f"/portal/{links.issue_link(ticket)}"
    db.session.commit()
    second = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", headers=scene.sup,
                         json={"reason": "Série de retards", "claim": "Remboursement",
                               "amount": {"value": "120.00", "currency": "MAD"}}).get_json()["id"]
    scene.api("post", f"{second}/admissibility", scene.med, json={"admissible": True})
    assert client.post(f"{other_path}/mediation/consent", json={"accept": True}, headers=JSON).status_code == 200
    scene.api("post", f"{second}/messages", scene.med, json={"channel": "caucus:shopper", "body": "Note pour Karim"})
    r = client.post("/api/v1/mediation/collective", headers=scene.med,
                    json={"title": "Retards de livraison", "cases": [first, second]})
    assert r.status_code == 201, r.get_data(as_text=True)
    collective = r.get_json()["id"]
    r = client.post(f"/api/v1/mediation/collective/{collective}/proposals", headers=scene.sup, json={
        "terms": "Bon d'achat de 100 MAD", "respond_by": (utcnow() + timedelta(days=4)).isoformat()})
    assert r.status_code == 201, r.get_data(as_text=True)

    case = scene.case()
    assert case["collective"] == collective and case["shopper"]["email"] == "amina@example.com"
    pid = case["proposals"][0]["id"]
    assert scene.portal("post", f"/mediation/proposals/{pid}/response", json={"accept": True}).status_code == 200
    for answer in (scene.portal(), scene.portal(html=True), scene.portal(suffix="/mediation", html=True),
                   scene.portal(suffix="/mediation?room=private", html=True)):
        text = answer.get_data(as_text=True)
        assert "karim.secret" not in text and "Note pour Karim" not in text and str(ticket.ref) not in text
    assert "similar dispute" in scene.portal(suffix="/mediation", html=True).get_data(as_text=True)
    counts = client.get(f"/api/v1/mediation/collective/{collective}", headers=scene.med).get_json()["proposals"][0]
    assert (counts["accepted"], counts["refused"], counts["pending"]) == (1, 0, 1)


def test_every_ending_is_explained_with_its_document(app, client):
    scene = Scene(client)
    case_id = scene.escalated_by_merchant(admit=False)
    scene.api("post", f"{case_id}/admissibility", scene.med,
              json={"admissible": False, "reason": "Demande présentée plus d'un an après la réclamation"})
    page = scene.portal(suffix="/mediation", html=True).get_data(as_text=True)
    assert "cannot take this dispute" in page and "plus d&#39;un an" in page
    assert "/mediation/documents/certificate" in page and 'id="withdraw"' not in page
    assert scene.portal("post", "/mediation", json=ASK).get_json()["error"]["code"] == "already_mediated"

    other = Scene(client)
    failed = other.opened()
    other.api("post", f"{failed}/close", other.med, json={"outcome": "failure", "summary": "Pas de terrain d'entente"})
    page = other.portal(suffix="/mediation", html=True).get_data(as_text=True)
    assert "Ended without an agreement" in page and "Pas de terrain d&#39;entente" in page
    assert "formal notice" in page and "/mediation/documents/certificate" in page
    assert 'id="room-body"' not in page and 'id="consent"' not in page
    ticket_page = other.portal(html=True).get_data(as_text=True)
    assert "Ended without an agreement" in ticket_page and "/mediation" in ticket_page
