"""The portal's routes of SPEC 6.1 in /api/v1/openapi.json, and what they really answer matches the document.

The portal is a plain blueprint documented by `helpdesk.api.portal_docs`: these
tests fetch the document, find its portal operations, and send real requests
with a real portal token through schemathesis, which checks every answer's
status, content type and JSON against what the document declares: first a
whole mediation walked step by step (every status the routes answer), then
generated requests on the same open case.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpdesk.extensions import db
from helpdesk.models import utcnow
from tests.portal.test_mediation_portal import ASK, Scene
from tests.widget.files import png

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
JSON = {"Accept": "application/json"}
PORTAL = {
    ("GET", "/portal/{token}"), ("POST", "/portal/{token}/messages"), ("GET", "/portal/{token}/mediation"),
    ("POST", "/portal/{token}/mediation"), ("POST", "/portal/{token}/mediation/dossier"),
    ("POST", "/portal/{token}/mediation/consent"), ("POST", "/portal/{token}/mediation/messages"),
    ("POST", "/portal/{token}/mediation/proposals/{pid}/response"), ("POST", "/portal/{token}/mediation/withdraw"),
    ("GET", "/portal/{token}/mediation/documents/{kind}"),
}


class Portal:
    """A shopper's real portal token, and the document's operations to call with it (every answer validated)."""

    def __init__(self, app: Any) -> None:
        self.scene = Scene(app.test_client())
        self.token = self.scene.path.rsplit("/", 1)[1]
        self.schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    def call(self, method: str, path: str, body: Any = NOT_SET, *, headers: dict[str, str] | None = None,
             media_type: str | None = None, token: str | None = None, **params: str) -> Any:
        operation = self.schema[path][method]
        if body is not NOT_SET and media_type is None:
            media_type = "application/json"
        case = operation.Case(path_parameters={"token": token or self.token, **params}, body=body,
                              media_type=media_type)
        response = case.call(headers=JSON if headers is None else headers)
        case.validate_response(response, checks=CHECKS)
        return response


@pytest.fixture
def portal(make_app: Any) -> Any:
    app = make_app(HELPDESK_PORTAL_LIMIT="10000 per minute")
    with app.app_context():
        yield Portal(app)
        db.session.remove()


def test_the_document_has_every_portal_route_keyed_by_the_link_alone(portal: Portal) -> None:
    document = portal.scene.client.get("/api/v1/openapi.json").get_json()
    assert document["security"] == [{"bearer": []}]  # the API's default, which the portal must not inherit
    found = {(method.upper(), path) for path, item in document["paths"].items() if path.startswith("/portal/")
             for method in item if method != "parameters"}
    assert found == PORTAL
    for method, path in PORTAL:
        item = document["paths"][path]
        operation = item[method.lower()]
        assert operation["security"] == [] and operation["tags"] == ["portal"]
        assert next(p["name"] for p in item["parameters"] if p["in"] == "path") == "token"
        assert operation["responses"]["404"] == {"$ref": "#/components/responses/PortalNotFound"}
    case_out = {"$ref": "#/components/schemas/CaseOut"}
    ask = document["paths"]["/portal/{token}/mediation"]["post"]
    assert ask["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PortalAskIn"}
    assert ask["responses"]["201"]["content"]["application/json"]["schema"] == case_out
    ticket = document["paths"]["/portal/{token}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert document["components"]["schemas"]["PortalTicketOut"]["properties"]["mediation"]["anyOf"][1] == case_out
    assert ticket["schema"] == {"$ref": "#/components/schemas/PortalTicketOut"}
    pdf = document["paths"]["/portal/{token}/mediation/documents/{kind}"]["get"]["responses"]["200"]["content"]
    assert list(pdf) == ["application/pdf"]
    channel = document["components"]["schemas"]["PortalRoomMessageIn"]["properties"]["channel"]
    assert channel["enum"] == ["joint", "caucus:shopper"]


def test_a_whole_mediation_answers_as_the_document_says(portal: Portal) -> None:
    call, scene = portal.call, portal.scene
    ticket = call("GET", "/portal/{token}")
    assert ticket.status_code == 200 and ticket.json()["mediation"] is None
    assert call("GET", "/portal/{token}", headers={}).headers["content-type"][0].startswith("text/html")
    none = call("GET", "/portal/{token}/mediation")
    assert none.status_code == 404 and none.json()["error"]["code"] == "no_mediation"
    assert call("GET", "/portal/{token}/mediation", headers={}).status_code == 303
    assert call("POST", "/portal/{token}/mediation/withdraw", {}).status_code == 404

    asked = call("POST", "/portal/{token}/mediation", ASK)
    assert asked.status_code == 201 and asked.json()["status"] == "submitted"
    case_id = asked.json()["id"]
    assert call("POST", "/portal/{token}/mediation", {"reason": "encore"}).status_code == 200
    assert call("POST", "/portal/{token}/mediation", {"reason": " "}).json()["errors"]["reason"]
    dossier = call("POST", "/portal/{token}/mediation/dossier", {"claim": "Remboursement et frais de retour"})
    assert dossier.status_code == 200 and dossier.json()["claim"] == "Remboursement et frais de retour"
    assert call("POST", "/portal/{token}/mediation/dossier", {}).status_code == 422
    evidence = call("POST", "/portal/{token}/mediation/dossier", {"note": "La photo du colis"},
                    media_type="multipart/form-data", headers={})
    assert evidence.status_code == 303  # a page form: back to the page (the fields alone were not enough)
    too_early = call("POST", "/portal/{token}/mediation/consent", {"accept": True})
    assert too_early.status_code == 409 and too_early.json()["error"]["code"] == "invalid_transition"

    scene.api("post", f"{case_id}/admissibility", scene.med, json={"admissible": True})
    scene.api("post", f"{case_id}/consent", scene.sup, json={"accept": True})
    assert call("GET", "/portal/{token}/mediation").json()["status"] == "open"
    joint = call("POST", "/portal/{token}/mediation/messages", {"body": "Bonjour", "channel": "joint"})
    assert joint.status_code == 201 and joint.json()["messages"][-1]["channel"] == "joint"
    private = call("POST", "/portal/{token}/mediation/messages", {"body": "Entre nous", "channel": "caucus:shopper"})
    assert private.status_code == 201
    theirs = call("POST", "/portal/{token}/mediation/messages", {"body": "Et eux ?", "channel": "caucus:merchant"})
    assert theirs.status_code == 403 and theirs.json()["error"]["code"] == "forbidden"
    assert call("POST", "/portal/{token}/mediation/messages", {"body": 12}).status_code == 422

    respond_by = (utcnow() + timedelta(days=5)).isoformat()
    made = scene.api("post", f"{case_id}/proposals", scene.med, json={"terms": "Remboursement de 449 MAD",
                                                                       "amount": {"value": "449.00",
                                                                                  "currency": "MAD"},
                                                                       "respond_by": respond_by})
    pid = str(made["proposals"][0]["id"])
    answer = "/portal/{token}/mediation/proposals/{pid}/response"
    assert call("POST", answer, {"accept": "perhaps"}, pid=pid).status_code == 422
    assert call("POST", answer, {"accept": True}, pid="999999").status_code == 404
    accepted = call("POST", answer, {"accept": True}, pid=pid)
    assert accepted.status_code == 200 and accepted.json()["proposals"][0]["responses"]["shopper"] == "accepted"
    assert call("POST", answer, {"accept": False}, pid=pid).json()["error"]["code"] == "already_answered"
    scene.api("post", f"{case_id}/proposals/{pid}/response", scene.sup, json={"accept": True})
    scene.api("post", f"{case_id}/close", scene.med, json={"outcome": "agreement", "summary": "Remboursé"})

    documents = "/portal/{token}/mediation/documents/{kind}"
    settlement = call("GET", documents, kind="settlement")
    assert settlement.status_code == 200 and settlement.content.startswith(b"%PDF")
    missing = call("GET", documents, kind="certificate")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "document_not_available"
    late = call("POST", "/portal/{token}/mediation/withdraw", {})
    assert late.status_code == 409 and late.json()["error"]["code"] == "invalid_transition"

    reply = call("POST", "/portal/{token}/messages", {"body": "Merci, bien reçu."})
    assert reply.status_code == 201 and reply.json()["mediation"]["status"] == "agreement"
    assert call("POST", "/portal/{token}/messages", {"body": ""}).json()["errors"]["body"]
    photo = call("POST", "/portal/{token}/messages", {"body": "La preuve", "files": [png()]},
                 media_type="multipart/form-data", headers={})
    assert photo.status_code == 303
    final = call("GET", "/portal/{token}").json()
    assert final["messages"][-1]["attachments"][0]["content_type"] == "image/png"


def test_a_forged_or_revoked_link_is_the_declared_404_in_json_and_as_a_page(portal: Portal) -> None:
    forged = portal.token[:-4] + ("AAAA" if not portal.token.endswith("AAAA") else "BBBB")
    for method, path in sorted(PORTAL):
        params = {"pid": "1"} if "{pid}" in path else {"kind": "settlement"} if "{kind}" in path else {}
        body = {} if method == "POST" else NOT_SET
        answer = portal.call(method, path, body, token=forged, **params)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found", path
        page = portal.call(method, path, body, token=forged, headers={}, **params)
        assert page.status_code == 404, path


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_generated_requests_on_a_real_open_case_answer_as_declared(portal: Portal, mode: GenerationMode) -> None:
    scene = portal.scene
    case_id = scene.opened()
    respond_by = (utcnow() + timedelta(days=5)).isoformat()
    made = scene.api("post", f"{case_id}/proposals", scene.med, json={"terms": "Un avoir", "respond_by": respond_by})
    known = {"token": portal.token, "pid": str(made["proposals"][0]["id"])}
    operations = [op.ok() for op in portal.schema.get_all_operations() if op.ok().path.startswith("/portal/")]
    # Withdrawing ends the case; it goes last so that the other routes meet an open case.
    operations.sort(key=lambda op: op.path.endswith("/withdraw"))
    for operation in operations:
        parameters = {k: v for k, v in known.items() if "{" + k + "}" in operation.path}
        if mode is GenerationMode.NEGATIVE and operation.path.count("{") == len(parameters) and not operation.body:
            continue  # nothing left to make invalid once the real token is given (the ticket's GETs)

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=parameters))
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def exercise(case: Any) -> None:
            case.call_and_validate(headers=JSON, checks=CHECKS)

        exercise()
