"""The mediation workspace pages: the mediator's queue and case, the merchant's side of its own cases, the
forms that move a case, collective cases; outsiders get the 404 of a case that does not exist.
"""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.intake.complaint import IncomingFile
from helpdesk.mediation import room, transitions
from helpdesk.mediation.actors import SHOPPER, Actor
from helpdesk.mediation.dossier import Amount, open_dossier
from helpdesk.mediation.proposals import make_proposal, respond
from helpdesk.models import CaseStatus, MediationAttachment, MediationCase, OpenedBy, Party, utcnow
from tests.conftest import PASSWORD, login, make_merchant, make_service, make_ticket, make_user

JOINT = "Bonjour à tous, parlons du colis."
MERCHANT_CAUCUS = "Entre nous : le transporteur a perdu le colis."
SHOPPER_CAUCUS = "Confidentiel : j'accepterais 300 MAD."
MEDIATOR_TO_SHOPPER = "Note du médiateur pour la cliente seulement."


class FreshClient(FlaskClient):
    """Each request finds its caller anew: the test's app context (and its `g`) outlives a request here."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        g.pop("principal", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


@pytest.fixture
def world(app):
    service, other_service = make_service(), make_service()
    shop = make_merchant(mediation_service=service.slug, identifiers={"ice": "001525874000088"})
    other_shop = make_merchant(mediation_service=service.slug, identifiers={"ice": "001525874000099"})
    return {
        "service": service, "shop": shop,
        "mediator": make_user(role="mediator", service=service),
        "supervisor": make_user(shop, "supervisor"), "agent": make_user(shop, "agent"),
        "other_staff": make_user(other_shop, "supervisor"),
        "other_mediator": make_user(role="mediator", service=other_service),
        "admin": make_user(role="admin"),
    }


def _case(shop, *, status: str = "submitted", by: OpenedBy = OpenedBy.SHOPPER, message: str = "Colis jamais livré"):
    ticket = make_ticket(shop, message)
    case, _ = open_dossier(ticket, by=by, reason="Pas de réponse satisfaisante", actor="shopper",
                           claim="Remboursement intégral", amount=Amount(Decimal("449.00"), "MAD"))
    mediator = Actor(Party.MEDIATOR, "mediator:0")
    if status in ("awaiting_consent", "open"):
        transitions.decide_admissibility(case, mediator, True, None)
    if status == "open":
        transitions.answer_consent(case, Actor(Party.MERCHANT, "supervisor:0", supervisor=True), True)
    db.session.commit()
    assert case.status.value == status
    return case


def _with_every_channel(case):
    mediator = Actor(Party.MEDIATOR, "mediator:0")
    room.post_message(case, mediator, "joint", JOINT)
    room.post_message(case, Actor(Party.MERCHANT, "agent:0"), "caucus:merchant", MERCHANT_CAUCUS)
    room.post_message(case, SHOPPER, "caucus:shopper", SHOPPER_CAUCUS)
    room.post_message(case, mediator, "caucus:shopper", MEDIATOR_TO_SHOPPER)
    db.session.commit()
    return case


def _page(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r.get_data(as_text=True)


def test_the_mediator_sees_the_queue_by_deadline_and_a_case_with_three_channels(world, client):
    shop = world["shop"]
    later = _case(shop)
    sooner = _with_every_channel(_case(shop, status="open"))
    make_proposal(sooner, Actor(Party.MEDIATOR, "mediator:0"), "Avoir de 449 MAD", None, utcnow() + timedelta(days=2))
    late = _case(shop)
    late.admissibility_due_at = utcnow() - timedelta(hours=1)  # passed: first, and marked
    db.session.commit()
    login(client, world["mediator"])
    html = _page(client, "/mediation/cases")
    order = [html.index(f'data-case="{c.id}"') for c in (late, sooner, later)]
    assert order == sorted(order), "the queue is sorted by the next deadline"
    assert 'data-state="passed"' in html and 'data-state="soon"' in html and shop.name in html
    html = _page(client, f"/mediation/cases/{sooner.id}")
    for channel in ("joint", "caucus:merchant", "caucus:shopper"):
        assert f'data-channel="{channel}"' in html
    for text in (JOINT, MERCHANT_CAUCUS, SHOPPER_CAUCUS):
        assert text.replace("'", "&#39;") in html
    assert "001525874000088" in html and "Remboursement intégral" in html
    assert "Admissibility" in html or "Recevabilité" in html
    filtered = _page(client, "/mediation/cases?status=open")
    assert f'data-case="{sooner.id}"' in filtered and f'data-case="{later.id}"' not in filtered


def test_merchant_staff_read_the_joint_channel_and_their_caucus_never_the_shoppers(world, client):
    case = _with_every_channel(_case(world["shop"], status="open"))
    for who in ("agent", "supervisor"):
        login(client, world[who])
        pages = [_page(client, "/mediation/cases"), _page(client, f"/mediation/cases/{case.id}"),
                 _page(client, f"/tickets/{case.ticket.ref}")]
        html = pages[1]
        assert 'data-channel="joint"' in html and 'data-channel="caucus:merchant"' in html
        assert 'data-channel="caucus:shopper"' not in html
        assert JOINT in html and MERCHANT_CAUCUS in html
        for page in pages:
            assert SHOPPER_CAUCUS.replace("'", "&#39;") not in page and SHOPPER_CAUCUS not in page
            assert MEDIATOR_TO_SHOPPER not in page
        assert f'href="/mediation/cases/{case.id}"' in pages[0]
        assert f'data-mediation-case="{case.id}"' in pages[2]  # the ticket page leads to its case


def test_outsiders_get_a_404_on_every_page(world, app, client):
    case = _with_every_channel(_case(world["shop"], status="open"))
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("mediation.")]
    assert len(rules) >= 15
    mediator_only = ("/mediation/collective", "/mediation/stats")
    for who in ("other_staff", "other_mediator", "admin"):
        login(client, world[who])
        for rule in rules:
            url = (rule.rule.replace("<id>", str(case.id)).replace("<pid>", "1").replace("<kind>", "settlement")
                   .replace("<aid>", "1").replace("<n>", "0"))
            missing = url.replace(f"/{case.id}", "/987654", 1)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                client.open(missing, method=method)  # shows (and so clears) what an earlier form left to flash
                r = client.open(url, method=method, data={"body": "x", "channel": "joint"})
                if "<id>" in rule.rule or who == "admin" or (who == "other_staff" and url in mediator_only):
                    assert r.status_code == 404, (who, method, url, r.status_code)
                    if "<id>" in rule.rule:
                        assert r.get_data() == client.open(missing, method=method).get_data(), (who, url)
                body = r.get_data(as_text=True)
                assert SHOPPER_CAUCUS not in body and JOINT not in body, (who, url)
        if who != "admin":
            assert f'data-case="{case.id}"' not in _page(client, "/mediation/cases")
    assert db.session.get(MediationCase, case.id).status is CaseStatus.OPEN


def _post(client, url, data):
    r = client.post(url, data=data, follow_redirects=True)
    assert r.status_code == 200, (url, r.status_code)
    return r.get_data(as_text=True)


def test_the_forms_move_a_case_from_admissibility_to_agreement(world, client):
    case = _case(world["shop"])
    base = f"/mediation/cases/{case.id}"
    login(client, world["mediator"])
    html = _post(client, f"{base}/admissibility", {"decision": "inadmissible", "reason": ""})
    assert 'class="flash error"' in html and case.status is CaseStatus.SUBMITTED
    _post(client, f"{base}/admissibility", {"decision": "admissible", "reason": "Dossier complet"})
    db.session.refresh(case)
    assert case.status is CaseStatus.AWAITING_CONSENT
    login(client, world["supervisor"])
    assert f'action="/mediation/cases/{case.id}/consent"' in _page(client, base)
    _post(client, f"{base}/consent", {"accept": "yes"})
    db.session.refresh(case)
    assert case.status is CaseStatus.OPEN
    html = _post(client, f"{base}/messages", {"channel": "caucus:merchant", "body": "Notre offre plancher : 200"})
    assert "Notre offre plancher : 200" in html
    html = _post(client, f"{base}/messages", {"channel": "caucus:shopper", "body": "intrusion"})
    assert 'class="flash error"' in html and "intrusion" not in html
    respond_by = (utcnow() + timedelta(days=10)).date().isoformat()
    login(client, world["agent"])
    html = _post(client, f"{base}/proposals", {"terms": "Remboursement de 449 MAD", "respond_by": respond_by})
    assert 'class="flash error"' in html and "Remboursement de 449 MAD" not in html  # an agent may not: 403
    login(client, world["mediator"])
    _post(client, f"{base}/proposals", {"terms": "Remboursement de 449 MAD", "amount": "449.00",
                                        "currency": "mad", "respond_by": respond_by})
    html = _post(client, f"{base}/close", {"outcome": "agreement", "summary": "Accord"})
    assert 'class="flash error"' in html and case.status is CaseStatus.OPEN  # 409: nobody accepted yet
    proposal_id = int(html.split('data-proposal="')[1].split('"')[0])
    login(client, world["supervisor"])
    _post(client, f"{base}/proposals/{proposal_id}/response", {"accept": "yes"})
    respond(case, proposal_id, SHOPPER, True)
    db.session.commit()
    login(client, world["mediator"])
    html = _post(client, f"{base}/close", {"outcome": "agreement", "summary": "Accord trouvé"})
    db.session.refresh(case)
    assert case.status is CaseStatus.AGREEMENT and 'data-document="settlement"' in html
    assert "Accord trouvé" in html
    for who in ("mediator", "supervisor"):
        login(client, world[who])
        pdf = client.get(f"{base}/documents/settlement")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_the_mediator_extends_and_the_supervisor_withdraws(world, client):
    case = _case(world["shop"], status="open")
    base = f"/mediation/cases/{case.id}"
    ends = case.ends_at
    login(client, world["mediator"])
    until = (ends + timedelta(days=30)).date().isoformat()
    _post(client, f"{base}/extend", {"until": until, "reason": "Expertise du produit"})
    db.session.refresh(case)
    assert case.ends_at > ends and case.extended_reason == "Expertise du produit"
    html = _post(client, f"{base}/withdraw", {})
    assert 'class="flash error"' in html and case.status is CaseStatus.OPEN  # the mediator closes, never withdraws
    login(client, world["supervisor"])
    _post(client, f"{base}/withdraw", {})
    db.session.refresh(case)
    assert case.status is CaseStatus.WITHDRAWN
    html = _post(client, f"{base}/withdraw", {})
    assert 'class="flash error"' in html  # 409: already final


def test_the_dossier_form_completes_a_case(world, client):
    shop = make_merchant(mediation_service=world["service"].slug)  # no ICE yet
    ticket = make_ticket(shop, "Produit non conforme")
    case, _ = open_dossier(ticket, by=OpenedBy.MERCHANT, reason="Désaccord", actor="supervisor:0")
    db.session.commit()
    login(client, world["mediator"])
    html = _page(client, f"/mediation/cases/{case.id}")
    assert "data-missing=" in html
    _post(client, f"/mediation/cases/{case.id}/dossier", {"claim": "Échange du produit", "amount": "120",
                                                           "currency": "MAD", "ice": "001525874000011"})
    db.session.refresh(case)
    assert case.dossier_complete_at is not None and case.claim == "Échange du produit"


def test_a_settlement_downloads_from_the_page(world, client):
    case = _case(world["shop"], status="open")
    login(client, world["supervisor"])
    assert client.get(f"/mediation/cases/{case.id}/documents/settlement").status_code == 404
    transitions.withdraw(case, Actor(Party.MERCHANT, "supervisor:0", supervisor=True))
    db.session.commit()
    r = client.get(f"/mediation/cases/{case.id}/documents/certificate")
    assert r.status_code == 404  # nothing after a withdrawal


def test_a_collective_case_from_the_pages(world, client):
    shop = world["shop"]
    members = [_case(shop, status="open", message=f"Colis perdu {i}") for i in range(3)]
    login(client, world["mediator"])
    html = _page(client, "/mediation/collective")
    assert all(f'value="{c.id}"' in html for c in members)
    r = client.post("/mediation/collective", data={"title": "Colis perdus de novembre",
                                                   "cases": [str(c.id) for c in members]})
    assert r.status_code == 302
    collective_url = r.headers["Location"]
    html = _post(client, f"{collective_url}/proposals", {
        "terms": "Bon d'achat de 100 MAD", "respond_by": (utcnow() + timedelta(days=5)).date().isoformat()})
    for case, accept in zip(members, (True, True, False), strict=True):
        db.session.refresh(case)
        proposal_id = int(html.split('data-proposal="')[1].split('"')[0])
        respond(case, proposal_id, SHOPPER, accept)
    db.session.commit()
    html = _page(client, collective_url)
    assert 'data-count="accepted">2<' in html and 'data-count="refused">1<' in html
    assert 'data-count="pending">0<' in html
    login(client, world["supervisor"])
    assert "Colis perdus de novembre" in _page(client, collective_url)
    assert client.get("/mediation/collective").status_code == 404
    login(client, world["other_staff"])
    assert client.get(collective_url).status_code == 404


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_room_files_reach_only_the_readers_of_their_channel(world, client):
    case = _case(world["shop"], status="open")
    room.post_message(case, SHOPPER, "caucus:shopper", "Photo du colis",
                      [IncomingFile("colis-abime.png", "image/png", PNG)])
    db.session.commit()
    login(client, world["agent"])
    html = _post(client, f"/mediation/cases/{case.id}/messages", {
        "channel": "caucus:merchant", "body": "Bon de livraison", "files": (io.BytesIO(PNG), "bon.png")})
    assert "bon.png" in html and "colis-abime.png" not in html
    ids = {a.filename: a.id for a in db.session.scalars(select(MediationAttachment))}

    def download(name):
        with client.get(f"/mediation/cases/{case.id}/attachments/{ids[name]}") as r:
            return r.status_code, r.data, r.headers.get("Content-Disposition", "")

    assert download("bon.png")[:2] == (200, PNG)
    assert download("colis-abime.png")[0] == 404
    login(client, world["mediator"])
    for name in ("bon.png", "colis-abime.png"):
        status, data, disposition = download(name)
        assert status == 200 and data == PNG and disposition.startswith("attachment")


def test_a_mediator_lands_on_the_queue(world, client):
    client.post("/logout")
    r = client.post("/login", data={"email": world["mediator"].email, "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/mediation/cases")
    assert 'href="/mediation/cases"' in _page(client, "/mediation/cases")  # the navigation names it


def test_the_dossier_evidence_downloads_from_the_case(world, client):
    ticket = make_ticket(world["shop"], "Le colis est arrivé abîmé, photo jointe.",
                         attachments=[IncomingFile("carton.png", "image/png", PNG)])
    case, _ = open_dossier(ticket, by=OpenedBy.MERCHANT, reason="Désaccord", actor="supervisor:0",
                           claim="Remplacement", amount=Amount(Decimal("80.00"), "MAD"))
    db.session.commit()
    login(client, world["mediator"])
    assert "carton.png" in _page(client, f"/mediation/cases/{case.id}")
    with client.get(f"/mediation/cases/{case.id}/evidence/0") as r:
        assert r.status_code == 200 and r.data == PNG
    assert client.get(f"/mediation/cases/{case.id}/evidence/1").status_code == 404
    assert client.get(f"/mediation/cases/{case.id}/evidence/x").status_code == 404
