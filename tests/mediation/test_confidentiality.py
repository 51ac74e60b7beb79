"""Who sees what of a mediation (SPEC 6, 6.1): every mediation route and page, walked as every kind of reader.

One case has messages (and files) in every channel, each with a marker naming its channel. Then:

- outsiders (another merchant's supervisor and agent, another service's mediator) get, on every route of the
  API and of the pages, exactly the answer a case that does not exist gets: 404, never 403 or 409;
- the mediator reads all three channels; the merchant's staff the joint channel and the merchant's caucus; the
  shopper (portal JSON and pages) the joint channel and the shopper's caucus; no body, file or PDF of one party
  carries the other party's caucus marker;
- the mails carry no text of the room at all, and news of a caucus message goes to that caucus's party only;
- two shoppers joined in one collective case never see each other's name, email or messages.

The routes are read from the app's URL map, so a route added later is walked too (a new kind of path
parameter fails the test until `fill` learns it).
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.routing import Rule

from helpdesk.extensions import db
from helpdesk.intake.complaint import IncomingFile
from helpdesk.mediation import room, transitions
from helpdesk.mediation.actors import SHOPPER, Actor
from helpdesk.models import (
    MediationAttachment,
    MediationCase,
    MediationMessage,
    OutboundMail,
    Party,
    ProposalResponse,
    Role,
    User,
)
from helpdesk.portal.links import current_token
from tests.conftest import bearer, login, make_merchant, make_service, make_ticket, make_token, make_user

# A marker per channel: any text containing it belongs to that channel.
JOINT, MERCHANT_CAUCUS, SHOPPER_CAUCUS = "Zq7Joint", "Zq7CaucusMerchant", "Zq7CaucusShopper"
MARK = {"joint": JOINT, "caucus:merchant": MERCHANT_CAUCUS, "caucus:shopper": SHOPPER_CAUCUS}
SHOPPER_ONE = ("Amina Zq7ShopperOne", "zq7shopperone@example.ma")
SHOPPER_TWO = ("Karim Zq7ShopperTwo", "zq7shoppertwo@example.ma")
ESCALATE = {"reason": "Pas de solution", "claim": "Remboursement intégral",
            "amount": {"value": "449.00", "currency": "MAD"}}
MISSING_ID = 987654321
# A valid body for every POST or PATCH of the API, so that an outsider's 404 is not hidden behind a 422.
API_BODIES = {
    "admissibility": {"admissible": False, "reason": "Hors délai"},
    "consent": {"accept": False},
    "messages": {"body": "Outsider text", "channel": "joint"},
    "proposals": {"terms": "Outsider terms", "respond_by": "2031-01-01"},
    "response": {"accept": True},
    "withdraw": {},
    "extend": {"until": "2032-01-01", "reason": "Outsider"},
    "close": {"outcome": "failure", "summary": "Outsider"},
    "dossier": {"claim": "Outsider claim"},
}
PAGE_FORM = {"decision": "inadmissible", "reason": "Outsider", "accept": "no", "body": "Outsider text",
             "channel": "joint", "terms": "Outsider terms", "respond_by": "2031-01-01", "until": "2032-01-01",
             "outcome": "failure", "summary": "Outsider", "claim": "Outsider claim", "title": "Outsider"}


@dataclass
class Ids:
    case: int
    collective: int
    proposal: int
    attachment: int


@dataclass
class Scene:
    app: Flask
    client: FlaskClient
    tokens: dict[str, str]
    pages: dict[str, FlaskClient]
    case: MediationCase
    other_case: MediationCase
    portal: str  # the first shopper's portal path
    other_portal: str  # the second shopper's (same merchant, same collective case)
    collective: int
    proposal: int
    files: dict[str, int] = field(default_factory=dict)  # channel -> attachment id

    def ids(self, attachment: str = "joint") -> Ids:
        return Ids(self.case.id, self.collective, self.proposal, self.files[attachment])

    def api(self, who: str, method: str, url: str, body: dict[str, Any] | None = None, status: int | None = None
            ) -> Any:
        r = self.client.open(url, method=method, json=body, headers=bearer(self.tokens[who]))
        if status is not None:
            assert r.status_code == status, (who, method, url, r.status_code, r.get_data(as_text=True)[:400])
        return r


def has_portal() -> bool:
    from flask import current_app

    return any(r.rule == "/portal/<token>/mediation/messages" for r in current_app.url_map.iter_rules())


def last_mail() -> int:
    return db.session.scalar(select(func.max(OutboundMail.id))) or 0


def mails_since(last: int) -> list[OutboundMail]:
    return list(db.session.scalars(select(OutboundMail).where(OutboundMail.id > last).order_by(OutboundMail.id)))


def _staff(merchant: Any, service: Any) -> dict[str, Any]:
    return {"supervisor": make_user(merchant), "agent": make_user(merchant, "agent"),
            "mediator": make_user(role="mediator", service=service)}


@pytest.fixture
def scene(app: Flask, client: FlaskClient) -> Scene:
    """A case of merchant A in service S, open, with messages and files in every channel, in a collective
    case with a second shopper's case, and a proposal both parties accepted; plus the outsiders."""
    service, other_service = make_service(), make_service()
    merchant = make_merchant(mediation_service=service.slug, identifiers={"ice": "001234567000089"})
    other = make_merchant(mediation_service=service.slug, identifiers={"ice": "009876543000021"})  # same service
    users = _staff(merchant, service)
    users |= {f"other_{k}": v for k, v in _staff(other, other_service).items()}
    tokens = {name: make_token(user) for name, user in users.items()}
    pages: dict[str, FlaskClient] = {}
    for name, user in users.items():
        pages[name] = app.test_client()
        login(pages[name], user)
    make_ticket(other, "Colis perdu chez l'autre boutique")  # the outsiders have a case list of their own
    tickets = [make_ticket(merchant, "Colis jamais reçu", name=name, email=email)
               for name, email in (SHOPPER_ONE, SHOPPER_TWO)]
    s = Scene(app, client, tokens, pages, None, None, "", "", 0, 0)  # type: ignore[arg-type]
    cases = []
    for ticket in tickets:
        made = s.api("supervisor", "POST", f"/api/v1/tickets/{ticket.ref}/escalate", ESCALATE, 201).get_json()
        s.api("mediator", "POST", f"/api/v1/mediation/cases/{made['id']}/admissibility", {"admissible": True}, 200)
        cases.append(db.session.get(MediationCase, made["id"]))
    s.case, s.other_case = cases
    s.portal, s.other_portal = (f"/portal/{current_token(t)}" for t in tickets)
    db.session.commit()
    for path, case in ((s.portal, s.case), (s.other_portal, s.other_case)):
        if has_portal():
            assert client.post(f"{path}/mediation/consent", json={"accept": True}).status_code == 200
        else:  # TODO(portal): the portal's consent route; the service meanwhile
            transitions.answer_consent(case, SHOPPER, True)
            db.session.commit()
        db.session.refresh(case)
        assert case.status.value == "open"

    url = f"/api/v1/mediation/cases/{s.case.id}"
    for channel, mark in MARK.items():
        s.api("mediator", "POST", f"{url}/messages", {"channel": channel, "body": f"{mark} by mediator"}, 201)
    s.api("supervisor", "POST", f"{url}/messages", {"channel": "joint", "body": f"{JOINT} by supervisor"}, 201)
    s.api("supervisor", "POST", f"{url}/messages",
          {"channel": "caucus:merchant", "body": f"{MERCHANT_CAUCUS} by supervisor"}, 201)
    s.api("agent", "POST", f"{url}/messages", {"channel": "caucus:merchant", "body": f"{MERCHANT_CAUCUS} by agent"}, 201)
    for channel, body in (("joint", f"{JOINT} by shopper"), ("caucus:shopper", f"{SHOPPER_CAUCUS} by shopper")):
        if has_portal():
            r = client.post(f"{s.portal}/mediation/messages", json={"channel": channel, "body": body})
            assert r.status_code == 201, r.get_data(as_text=True)[:300]
        else:
            room.post_message(s.case, SHOPPER, channel, body)
            db.session.commit()
    # A file in each channel, its name and bytes marked too (the page and portal routes serve them).
    supervisor = Actor(Party.MERCHANT, f"supervisor:{users['supervisor'].id}", supervisor=True)
    for channel, actor in (("joint", supervisor), ("caucus:merchant", supervisor), ("caucus:shopper", SHOPPER)):
        message = room.post_message(s.case, actor, channel, f"{MARK[channel]} file note", [
            IncomingFile(f"{MARK[channel]}-proof.txt", "text/plain", f"{MARK[channel]} file bytes".encode())])
        db.session.commit()
        s.files[channel] = db.session.scalar(select(MediationAttachment.id).where(
            MediationAttachment.message_id == message.id))

    joined = s.api("mediator", "POST", "/api/v1/mediation/collective",
                   {"title": "Colis perdus", "cases": [s.case.id, s.other_case.id]}, 201).get_json()
    s.collective = joined["id"]
    offer = s.api("mediator", "POST", f"{url}/proposals",
                  {"terms": "Remboursement de 449 MAD", "respond_by": "2099-12-31"}, 201).get_json()
    s.proposal = offer["proposals"][-1]["id"]
    s.api("supervisor", "POST", f"{url}/proposals/{s.proposal}/response", {"accept": True}, 200)
    if has_portal():
        r = client.post(f"{s.portal}/mediation/proposals/{s.proposal}/response", json={"accept": True})
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
    else:
        from helpdesk.mediation.proposals import respond
        respond(s.case, s.proposal, SHOPPER, True)
        db.session.commit()
    return s


# -- walking the routes -------------------------------------------------------------------------------

def mediation_rules(app: Flask, *, portal: bool = False) -> Iterator[tuple[Rule, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "mediation" not in rule.rule or rule.rule.startswith("/portal") is not portal:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def fill(rule: Rule, ids: Ids, token: str = "") -> str:
    """The rule's path with each parameter named; an unknown parameter is a route this test must learn."""
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "id":
            return str(ids.collective if "/collective/" in rule.rule else ids.case)
        known = {"pid": ids.proposal, "kind": "settlement", "aid": ids.attachment, "attachment_id": ids.attachment,
                 "n": 0, "token": token}
        if name not in known:
            pytest.fail(f"{rule.rule}: this test does not know what <{name}> names; teach `fill`")
        return str(known[name])

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule.rule)


@dataclass(frozen=True)
class Reply:
    """What a reader got: status, error code (JSON), and the text of the page, JSON, file or PDF."""

    status: int
    code: str | None
    text: str
    mimetype: str


def read(r: Any) -> Reply:
    """Read a response whole and close it (a file download holds its file open until then)."""
    try:
        data = r.get_json(silent=True)
        code = (data.get("error") or {}).get("code") if isinstance(data, dict) else None
        if r.mimetype == "application/pdf":
            text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(r.data)).pages)
        else:
            text = r.get_data(as_text=True)
        return Reply(r.status_code, code, text, r.mimetype)
    finally:
        r.close()


def request(s: Scene, who: str, rule: Rule, method: str, ids: Ids, *, token: str = "") -> Reply:
    url = fill(rule, ids, token)
    if rule.rule.startswith("/api/"):
        body = API_BODIES.get(rule.rule.rsplit("/", 1)[-1], {}) if method != "GET" else None
        if rule.rule.endswith("/collective") and method == "POST":
            body = {"title": "Outsider", "cases": [ids.case, ids.case + 1]}
        if method == "PATCH":
            body = API_BODIES["dossier"]
        return read(s.client.open(url, method=method, json=body, headers=bearer(s.tokens[who])))
    if rule.rule.startswith("/portal/"):
        return read(s.client.open(url, method=method, json={"accept": True, "body": "x", "channel": "joint"}
                                  if method != "GET" else None, headers={"Accept": "application/json"}))
    form = {**PAGE_FORM, "cases": [str(ids.case), str(ids.case + 1)]} if method != "GET" else None
    return read(s.pages[who].open(url, method=method, data=form))


def room_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(MediationMessage)) or 0


def walk_as_outsiders(s: Scene) -> int:
    """Every route, as each outsider: the answer of a case that does not exist; nothing changes. Returns the count."""
    missing = Ids(MISSING_ID, MISSING_ID, MISSING_ID, MISSING_ID)
    before = (room_rows(), s.case.status, s.other_case.status)
    walked = 0
    for who in ("other_supervisor", "other_agent", "other_mediator"):
        for rule, method in mediation_rules(s.app):
            real, none = request(s, who, rule, method, s.ids()), request(s, who, rule, method, missing)
            where = (who, method, rule.rule)
            assert (real.status, real.code) == (none.status, none.code), (*where, real.status, real.text[:300])
            if "id" in rule.arguments:
                assert real.status == 404, (*where, real.status)
            assert not [m for m in MARK.values() if m in real.text] and s.case.ticket.ref not in real.text, where
            walked += 1
    db.session.expire_all()
    assert (room_rows(), s.case.status, s.other_case.status) == before
    return walked


FOREIGN = {"mediator": (), "supervisor": (SHOPPER_CAUCUS,), "agent": (SHOPPER_CAUCUS,)}


def walk_as_insiders(s: Scene) -> None:
    """Every GET route and page as the mediator and the merchant's staff: no other party's caucus anywhere."""
    for who, foreign in FOREIGN.items():
        for rule, method in mediation_rules(s.app):
            if method != "GET":
                continue
            files = list(s.files) if {"aid", "attachment_id"} & set(rule.arguments) else ["joint"]
            for channel in files:
                r = request(s, who, rule, method, s.ids(channel))
                for mark in foreign:
                    assert mark not in r.text, (who, rule.rule, channel, r.status)
                # A route of this case answers its parties (no document before an outcome, no evidence file here)
                readable = channel in ("joint", "caucus:merchant") or who == "mediator"
                if readable and "id" in rule.arguments and not re.search(r"/(documents|evidence)/", rule.rule):
                    assert r.status < 400, (who, rule.rule, channel, r.status)


# -- the tests ------------------------------------------------------------------------------------------

def test_outsiders_get_the_answer_of_a_missing_case_on_every_route(scene: Scene):
    walked = walk_as_outsiders(scene)
    assert walked >= 3 * 15  # the API's routes at least, for each outsider
    for who in ("other_supervisor", "other_agent", "other_mediator"):
        listed = scene.api(who, "GET", "/api/v1/mediation/cases", status=200).get_json()["items"]
        assert scene.case.id not in [c["id"] for c in listed]
    # After the outcomes the documents exist, and still no outsider may tell.
    url = f"/api/v1/mediation/cases/{scene.case.id}"
    scene.api("mediator", "POST", f"{url}/close", {"outcome": "agreement", "summary": "Remboursement"}, 200)
    scene.api("mediator", "POST", f"/api/v1/mediation/cases/{scene.other_case.id}/close", {"outcome": "failure"}, 200)
    walk_as_outsiders(scene)


def test_each_party_reads_the_joint_channel_and_its_own_caucus_only(scene: Scene):
    url = f"/api/v1/mediation/cases/{scene.case.id}"
    seen = {}
    for who in ("mediator", "supervisor", "agent"):
        case = scene.api(who, "GET", url, status=200).get_json()
        seen[who] = {m["channel"] for m in case["messages"]}
        text = str(case)
        assert all(mark in text for mark in (JOINT, MERCHANT_CAUCUS)), who
        assert (SHOPPER_CAUCUS in text) is (who == "mediator"), who
    assert seen == {"mediator": set(MARK), "supervisor": {"joint", "caucus:merchant"},
                    "agent": {"joint", "caucus:merchant"}}
    # Staff cannot write in the shopper's caucus either, and the refusal stores nothing.
    before = room_rows()
    for who in ("supervisor", "agent"):
        scene.api(who, "POST", f"{url}/messages", {"channel": "caucus:shopper", "body": "x"}, 403)
    assert room_rows() == before
    # The ticket the merchant's staff read records room steps without their text.
    ticket = scene.api("supervisor", "GET", f"/api/v1/tickets/{scene.case.ticket.ref}", status=200)
    assert not [mark for mark in MARK.values() if mark in ticket.get_data(as_text=True)]
    walk_as_insiders(scene)


def test_the_shopper_reads_the_joint_channel_and_their_own_caucus_only(scene: Scene):
    client = scene.client
    view = client.get(scene.portal, headers={"Accept": "application/json"}).get_json()
    if view.get("mediation") is None or "messages" not in view["mediation"]:
        pytest.skip("TODO(portal): GET /portal/<token> does not carry the shopper's case with its room yet")
    channels = {m["channel"] for m in view["mediation"]["messages"]}
    assert channels == {"joint", "caucus:shopper"}
    text = str(view)
    assert JOINT in text and SHOPPER_CAUCUS in text and MERCHANT_CAUCUS not in text
    if not has_portal():
        pytest.skip("TODO(portal): the portal's mediation routes are not there yet")
    r = client.post(f"{scene.portal}/mediation/messages", json={"channel": "caucus:merchant", "body": "x"})
    assert r.status_code in (403, 422) and MERCHANT_CAUCUS not in r.get_data(as_text=True)
    # Every portal route (JSON and page), with each room file: never the merchant's caucus.
    token = scene.portal.rsplit("/", 1)[-1]
    for rule, method in mediation_rules(scene.app, portal=True):
        if method != "GET":
            continue
        for channel in scene.files:
            ids = scene.ids(channel)
            for accept in ("application/json", "text/html"):
                r = read(client.open(fill(rule, ids, token), headers={"Accept": accept}))
                assert MERCHANT_CAUCUS not in r.text, (rule.rule, channel, accept)
                if channel == "caucus:merchant" and "attachment_id" in rule.arguments:
                    assert r.status == 404
    page = client.get(f"{scene.portal}/mediation?room=private").get_data(as_text=True)
    assert SHOPPER_CAUCUS in page and MERCHANT_CAUCUS not in page


def test_two_shoppers_of_one_collective_case_never_see_each_other(scene: Scene):
    client, token = scene.client, scene.other_portal.rsplit("/", 1)[-1]
    paths = [scene.other_portal]
    if has_portal():
        paths.append(f"{scene.other_portal}/mediation")
    for path in paths:
        for accept in ("application/json", "text/html"):
            text = client.get(path, headers={"Accept": accept}).get_data(as_text=True)
            assert "Zq7" not in text.replace("Zq7ShopperTwo", "").replace("zq7shoppertwo", ""), (path, accept)
    if not has_portal():
        pytest.skip("TODO(portal): the portal's mediation routes are not there yet")
    # The first shopper's files and proposal are not the second's to reach: the answer of ids that do not exist.
    for rule, method in mediation_rules(scene.app, portal=True):
        if not ({"attachment_id", "pid"} & set(rule.arguments)):
            continue
        for channel in scene.files:
            real = request(scene, "", rule, method, scene.ids(channel), token=token)
            none = request(scene, "", rule, method, Ids(MISSING_ID, MISSING_ID, MISSING_ID, MISSING_ID),
                           token=token)
            assert (real.status, real.code) == (none.status, none.code), rule.rule
            assert "Zq7" not in real.text.replace("Zq7ShopperTwo", "")
    db.session.expire_all()
    answers = db.session.scalars(select(ProposalResponse.answer).where(ProposalResponse.proposal_id == scene.proposal))
    assert {a.value for a in answers} == {"accepted"}  # the second shopper's answer did not land on the first's


def test_mails_carry_no_room_text_and_caucus_news_reaches_that_party_only(scene: Scene):
    url = f"/api/v1/mediation/cases/{scene.case.id}"
    shopper = scene.case.ticket.customer.email
    bosses = set(db.session.scalars(select(User.email).where(User.merchant_id == scene.case.merchant_id,
                                                             User.role == Role.SUPERVISOR)))
    told: dict[str, set[str]] = {}
    for channel, mark in MARK.items():
        last = last_mail()
        scene.api("mediator", "POST", f"{url}/messages", {"channel": channel, "body": f"{mark} again"}, 201)
        told[channel] = {m.to_addr for m in mails_since(last)}
    assert told == {"joint": bosses | {shopper}, "caucus:merchant": bosses, "caucus:shopper": {shopper}}
    last = last_mail()
    scene.api("supervisor", "POST", f"{url}/messages", {"channel": "caucus:merchant", "body": "Zq7CaucusMerchant 3"},
              201)
    assert shopper not in {m.to_addr for m in mails_since(last)}
    mails = list(db.session.scalars(select(OutboundMail)))
    assert len(mails) > 10
    for mail in mails:
        text = f"{mail.subject}\n{mail.text}\n{mail.html or ''}"
        assert not [mark for mark in MARK.values() if mark in text], (mail.kind, mail.to_addr)
    # The second shopper heard of the collective case, never of the first shopper's room.
    other = {m.kind for m in mails if m.to_addr == scene.other_case.ticket.customer.email}
    assert "mediation.collective" in other and "mediation.message" not in other


def test_the_documents_of_each_party_hold_no_other_party_caucus(scene: Scene):
    url = f"/api/v1/mediation/cases/{scene.case.id}"
    other_url = f"/api/v1/mediation/cases/{scene.other_case.id}"
    scene.api("mediator", "POST", f"{url}/close", {"outcome": "agreement", "summary": "Remboursement"}, 200)
    scene.api("mediator", "POST", f"{other_url}/close", {"outcome": "failure", "summary": "Pas d'accord"}, 200)
    for path, kind, portal in ((url, "settlement", scene.portal), (other_url, "certificate", scene.other_portal)):
        texts = {}
        for who in ("mediator", "supervisor", "agent"):
            r = read(scene.api(who, "GET", f"{path}/documents/{kind}", status=200))
            assert r.mimetype == "application/pdf"
            texts[who] = r.text
        if has_portal():
            r = read(scene.client.get(f"{portal}/mediation/documents/{kind}"))
            assert r.status == 200 and r.mimetype == "application/pdf", r.text[:300]
            texts["shopper"] = r.text
        for who, text in texts.items():
            assert scene.case.merchant.name in text, (who, kind)  # the text did come out of the PDF
            assert MERCHANT_CAUCUS not in text and SHOPPER_CAUCUS not in text, (who, kind)
        if "shopper" in texts and kind == "certificate":
            assert SHOPPER_ONE[0] not in texts["shopper"] and SHOPPER_ONE[1] not in texts["shopper"]
    wrong = read(scene.api("supervisor", "GET", f"{url}/documents/certificate", status=404))
    assert wrong.code == "document_not_available"
