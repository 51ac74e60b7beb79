"""The shopper's portal routes of SPEC 6.1 in the OpenAPI document (/api/v1/openapi.json).

The portal is a plain Flask blueprint, not a flask-smorest one: each route
answers a page or JSON from the same path (JSON when asked with
`Accept: application/json` or when the body is JSON), so flask-smorest cannot
document it. Its operations are written here onto the Api's apispec object,
with the very marshmallow schemas the views load and the `CaseOut` they dump,
so the document and the answers come from one definition.

What the document says of them:
- the token in the path is the shopper's key (no Bearer token: `security: []`);
  a bad, expired or revoked token answers 404;
- JSON answers are declared with their schemas; a page request gets HTML (200)
  or, after a form, a 303 back to the page; both are declared so that a client
  generated from the document knows what a browser-style call returns;
- field errors are the portal's `422 {"errors": {field: [messages]}}` (as the
  widget's), other refusals the API's error envelope with their status.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

from apispec import APISpec
from flask import Flask
from marshmallow import Schema, fields, validate

from ..extensions import ErrorEnvelope
from ..mediation.documents_http import KINDS as DOCUMENT_KINDS
from ..models import Direction, Status
from ..portal.mediation_views import AnswerIn, AskIn, DossierIn, MessageIn
from .mediation import CaseOut
from .schemas import CATEGORIES

TAG = "portal"
JSON = "application/json"
HTML = {"schema": {"type": "string"}}  # a page of the portal, for a browser
MAX_REPLY = 20_000  # views.reply keeps the first 20,000 characters


class PortalRoomMessageIn(MessageIn):
    """`MessageIn` as the shopper should use it: the route refuses any other channel with 403."""

    channel = fields.Str(load_default="joint", validate=validate.OneOf(["joint", "caucus:shopper"]))


class PortalReplyIn(Schema):
    body = fields.Str(required=True, validate=validate.Length(1, MAX_REPLY))


class PortalAttachmentOut(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()


class PortalMessageOut(Schema):
    id = fields.Int()
    direction = fields.Str(validate=validate.OneOf([d.value for d in Direction]))
    body = fields.Str()
    created_at = fields.AwareDateTime()
    attachments = fields.List(fields.Nested(PortalAttachmentOut))


class PortalTicketOut(Schema):
    """`services.shopper_view`: the ticket as its shopper sees it, with the newest case (or null)."""

    ref = fields.Str()
    status = fields.Str(validate=validate.OneOf([s.value for s in Status]))
    category = fields.Str(validate=validate.OneOf(CATEGORIES))
    subject = fields.Str()
    created_at = fields.AwareDateTime()
    messages = fields.List(fields.Nested(PortalMessageOut))
    mediation = fields.Nested(CaseOut, allow_none=True)


class PortalFieldErrors(Schema):
    """The portal's field errors, as the widget's: `{"errors": {"reason": ["…"], "amount": {"value": ["…"]}}}`."""

    errors = fields.Dict(keys=fields.Str(), required=True)


SCHEMAS: dict[str, type[Schema]] = {
    "PortalAskIn": AskIn, "PortalDossierIn": DossierIn, "PortalAnswerIn": AnswerIn,
    "PortalRoomMessageIn": PortalRoomMessageIn, "PortalReplyIn": PortalReplyIn,
    "PortalAttachmentOut": PortalAttachmentOut, "PortalMessageOut": PortalMessageOut,
    "PortalTicketOut": PortalTicketOut, "PortalFieldErrors": PortalFieldErrors,
}

# A page form with files (multipart): the same fields, and `files` (each checked as the widget's uploads).
FILES = {"type": "array", "items": {"type": "string", "format": "binary"}}
FORMS = {
    "reply": {"type": "object", "properties": {"body": {"type": "string", "maxLength": MAX_REPLY}, "files": FILES}},
    "dossier": {"type": "object", "properties": {
        "claim": {"type": "string", "maxLength": 5000},
        "amount": {"type": "string", "description": "A decimal, e.g. 449.00 (a comma is read as the point)"},
        "currency": {"type": "string", "description": "ISO 4217, e.g. MAD"},
        "note": {"type": "string", "maxLength": 5000}, "files": FILES}},
    "message": {"type": "object", "properties": {
        "body": {"type": "string"}, "channel": {"type": "string", "enum": ["joint", "caucus:shopper"]},
        "files": FILES}},
}


def _json_or_page(schema: Any, description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}, "text/html": HTML}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": ErrorEnvelope}, "text/html": HTML}}


RESPONSES = {
    "PortalNotFound": _error("The link is not valid (forged, expired or revoked), or names nothing of its ticket"),
    "PortalForbidden": _error("Not the shopper's to do (another party's channel)"),
    "PortalConflict": _error("Not now: the case's status does not allow it (`invalid_transition`, …)"),
    "PortalFieldErrors": {"description": "Some fields are not acceptable (JSON); `{\"errors\": {field: [messages]}}`",
                          "content": {JSON: {"schema": PortalFieldErrors}}},
    "PortalRedirect": {"description": "A page form (not JSON): back to the portal page, with a notice",
                       "headers": {"Location": {"schema": {"type": "string"}}}},
    "PortalTooManyRequests": _error("Too many requests from this address (the portal's rate limit)"),
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _operation(summary: str, description: str, ok: dict[int, dict[str, Any]], *, body: Any = None,
               form: str | None = None, required: bool = True, errors: tuple[int, ...] = ()) -> dict[str, Any]:
    """One portal operation: no Bearer token, its JSON (and form) body, its answers."""
    responses: dict[str, Any] = {str(status): answer for status, answer in ok.items()}
    names = {403: "PortalForbidden", 409: "PortalConflict", 422: "PortalFieldErrors"}
    for status in errors:
        responses[str(status)] = _ref(names[status])
    responses["404"] = _ref("PortalNotFound")
    responses["429"] = _ref("PortalTooManyRequests")
    if body is not None or form is not None:
        responses["303"] = _ref("PortalRedirect")
    operation: dict[str, Any] = {"tags": [TAG], "summary": summary, "description": description, "security": [],
                                 "responses": responses}
    if body is not None:
        content: dict[str, Any] = {JSON: {"schema": body}}
        if form is not None:
            content["multipart/form-data"] = {"schema": FORMS[form]}
        operation["requestBody"] = {"required": required, "content": content}
    return operation


def _case(status: int, description: str) -> dict[int, dict[str, Any]]:
    return {status: _json_or_page(CaseOut, description)}


# A signed itsdangerous token: URL-safe base64 parts joined by dots, about 80 characters.
TOKEN = {"in": "path", "name": "token", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": 512, "pattern": r"^[A-Za-z0-9_.\-]+$"},
         "description": "The shopper's portal link token (from their mail): the only key these routes need"}
PID = {"in": "path", "name": "pid", "required": True, "schema": {"type": "string", "minLength": 1},
       "description": "A proposal's id (a collective offer has the same id in every member case)"}
KIND = {"in": "path", "name": "kind", "required": True, "schema": {"type": "string", "enum": list(DOCUMENT_KINDS)},
        "description": "`settlement` after an agreement; `certificate` when mediation could not take place or failed"}
PATH_PARAMETERS = (TOKEN, PID, KIND)
JSON_NOTE = "JSON when asked (`Accept: application/json`, or a JSON body); a page otherwise."


def _operations() -> dict[str, dict[str, Any]]:
    """Each portal endpoint (its path comes from the app's own rule) with its method and operation."""
    ticket = {200: _json_or_page(PortalTicketOut, "The ticket as the shopper sees it")}
    return {
        "portal.show": {"get": _operation(
            "The ticket as the shopper sees it, with the newest mediation case or null",
            "Public messages only; `mediation` is the case as the shopper may see it (the joint channel and "
            "their own caucus). " + JSON_NOTE, ticket)},
        "portal.reply": {"post": _operation(
            "A reply on the ticket", "The body, or files with a page form. " + JSON_NOTE,
            {201: _json_or_page(PortalTicketOut, "The ticket with the reply")}, body=PortalReplyIn, form="reply",
            errors=(422,))},
        "portal.mediation_page": {"get": _operation(
            "The newest mediation case of the ticket, as the shopper sees it",
            "404 `no_mediation` when the ticket has none. " + JSON_NOTE,
            {200: _json_or_page(CaseOut, "The case"), 303: _ref("PortalRedirect")})},
        "portal.ask": {"post": _operation(
            "The shopper asks for mediation",
            "201 with the new case, 200 with the active one; 409 until the merchant had a fair chance to "
            "answer (the merchant's `mediation_wait_days`, 7 days after the ticket opened by default), or "
            "when the shop has no mediation service or the ticket is resolved or closed. " + JSON_NOTE,
            {**_case(201, "The new case"), **_case(200, "The case already under way")}, body=AskIn,
            errors=(409, 422))},
        "portal.dossier": {"post": _operation(
            "The shopper completes the dossier", "What they ask for, the amount in dispute; files with a page "
            "form (they go to the joint channel). " + JSON_NOTE, _case(200, "The case"), body=DossierIn,
            form="dossier", errors=(403, 409, 422))},
        "portal.consent": {"post": _operation(
            "The shopper's answer to the invitation to mediation", JSON_NOTE, _case(200, "The case"), body=AnswerIn,
            errors=(403, 409, 422))},
        "portal.message": {"post": _operation(
            "A message in the joint channel or the shopper's caucus with the mediator",
            "Another party's caucus answers 403. " + JSON_NOTE, _case(201, "The case with the message"),
            body=PortalRoomMessageIn, form="message", errors=(403, 409, 422))},
        "portal.respond": {"post": _operation(
            "The shopper accepts or refuses a proposal",
            "A late answer is recorded as lapsed and answers 409 (`proposal_lapsed`). " + JSON_NOTE,
            _case(200, "The case"), body=AnswerIn, errors=(403, 409, 422))},
        "portal.withdraw": {"post": _operation(
            "The shopper leaves the mediation; it ends `withdrawn`", JSON_NOTE, _case(200, "The ended case"),
            body={"type": "object"}, required=False, errors=(403, 409))},
        "portal.document": {"get": _operation(
            "The settlement or the certificate, as a PDF in the shopper's language",
            "404 `document_not_available` when the case's outcome has no such document.",
            {200: {"description": "The PDF", "content": {"application/pdf": {
                "schema": {"type": "string", "format": "binary"}}}},
             303: _ref("PortalRedirect")})},
    }


def register(app: Flask, spec: APISpec) -> None:
    """Add the portal's schemas, answers and operations to the app's OpenAPI document."""
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    for name, response in RESPONSES.items():
        spec.components.response(name, response)
    spec.tag({"name": TAG, "description": "The shopper's portal (SPEC 6.1): the link token is the key"})
    for endpoint, operations in _operations().items():
        rule = next(app.url_map.iter_rules(endpoint))  # the real route: the document cannot drift from it
        parameters = [deepcopy(p) for p in PATH_PARAMETERS if f"<{p['name']}>" in rule.rule or
                      f":{p['name']}>" in rule.rule]
        spec.path(rule=rule, operations=operations, parameters=parameters)
