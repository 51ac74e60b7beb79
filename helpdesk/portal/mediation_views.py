"""The shopper's side of mediation in the portal (SPEC 6.1, the shopper table), on the portal blueprint.

The portal link is the shopper's key: every route opens the token's ticket
first (the same 404 page for a bad link), then its newest case. Each step is
the mediation service function with the `SHOPPER` actor, so the rules of
who may do what stay in `helpdesk.mediation`. Pages and JSON are both built
from `case_view(case, Party.SHOPPER)`: the joint channel and the shopper's
caucus, never the merchant's.

Answers: JSON when asked (`Accept: application/json`, or a JSON body), with
the case as the shopper sees it; a page redirect with a notice otherwise.
Field errors are the portal's `422 {"errors": {…}}` (as the widget's); other
refusals are `{"error": {"code", "message"}}` with their status (403, 404, 409).
"""
from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from ..api.mediation import AmountSchema
from ..errors import DomainError, NotFound, ValidationFailed
from ..extensions import db
from ..files import path_for
from ..mediation import proposals, room, transitions
from ..mediation.actors import SHOPPER
from ..mediation.documents import document_available
from ..mediation.documents_http import KINDS, document_response
from ..mediation.dossier import Amount
from ..mediation.present import case_view
from ..models import MediationAttachment, MediationCase, MediationMessage, Party, Ticket, utcnow
from ..models.mediation import ACTIVE_CASE_STATUSES
from . import mediation_cases as cases
from .views import _data, _files, _json, _open, bp

# The case's status as the shopper reads it: where it stands and what comes next.
STATUS_TEXT = {
    "submitted": _l("Received by the mediation service"), "inadmissible": _l("Not taken by the mediation service"),
    "awaiting_consent": _l("Waiting for the parties' agreement"), "refused": _l("Mediation will not take place"),
    "open": _l("Mediation under way"), "agreement": _l("Ended with an agreement"),
    "failure": _l("Ended without an agreement"), "withdrawn": _l("Withdrawn"), "expired": _l("Ended: time limit"),
}
MISSING_TEXT = {
    "claim": _l("what you ask for"), "amount_in_dispute": _l("the amount in dispute"),
    "identifiers": _l("the shop's company identifiers (the mediation service asks the shop for them)"),
}
ANSWER_TEXT = {"pending": _l("no answer yet"), "accepted": _l("accepted"), "refused": _l("refused"),
               "lapsed": _l("no answer in time")}
ROOM_TABS = {"joint": "joint", "private": "caucus:shopper"}


class AskIn(Schema):
    class Meta:
        unknown = EXCLUDE

    reason = fields.Str(required=True, validate=validate.Length(1, 2000))
    claim = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    amount = fields.Nested(AmountSchema, load_default=None, allow_none=True)


class DossierIn(Schema):
    class Meta:
        unknown = EXCLUDE

    claim = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    amount = fields.Nested(AmountSchema, load_default=None, allow_none=True)
    note = fields.Str(load_default="", validate=validate.Length(max=5000))


class AnswerIn(Schema):
    class Meta:
        unknown = EXCLUDE

    accept = fields.Bool(required=True)


class MessageIn(Schema):
    class Meta:
        unknown = EXCLUDE

    body = fields.Str(load_default="", validate=validate.Length(max=room.MAX_BODY))
    # Any channel name passes here so that another party's caucus is the service's 403, not a 422.
    channel = fields.Str(load_default="joint", validate=validate.Length(1, 32))


def _load(schema: Schema) -> dict[str, Any]:
    """The posted fields through `schema`; a page form's `amount` + `currency` become the SPEC's amount object."""
    raw = _data()
    data: dict[str, Any] = dict(raw) if request.is_json else raw.to_dict()
    for key in ("claim", "reason", "note"):
        if isinstance(data.get(key), str):  # blank is absent: a reason of spaces is no reason
            data[key] = data[key].strip() or (None if key != "note" else "")
    if not request.is_json:
        value = str(data.pop("amount", "") or "").strip().replace(",", ".").replace(" ", "")
        currency = str(data.pop("currency", "") or "").strip().upper()
        data["amount"] = {"value": value, "currency": currency} if value else None
    try:
        return schema.load(data)
    except ValidationError as exc:
        fields_ = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        raise ValidationFailed("Some fields are not acceptable.", fields=fields_) from exc


def _amount(data: dict[str, Any]) -> Amount | None:
    amount = data.get("amount")
    return cases.parse_amount(amount["value"], amount["currency"]) if amount else None


def _case(ticket: Ticket, *, for_update: bool = True) -> MediationCase:
    case = cases.latest_case(ticket, for_update=for_update)
    if case is None:
        raise NotFound(_("There is no mediation for this request."), code="no_mediation")
    return case


def _page(token: str, anchor: str = "", **args: Any) -> Any:
    return redirect(url_for("portal.mediation_page", token=token, **args) + anchor, code=303)


def _done(token: str, case: MediationCase, notice: str, *, status: int = 200, anchor: str = "", **args: Any) -> Any:
    """Success: the case as the shopper sees it (JSON), or back to the mediation page with a notice."""
    if _json():
        return jsonify(cases.shopper_case(case)), status
    flash(notice, "success")
    return _page(token, anchor, **args)


def _refused(token: str, exc: DomainError, *, keep: bool = False, to_ticket: bool = False, **args: Any) -> Any:
    """A refusal: field errors as the portal's 422, anything else with its status and code; pages get a notice."""
    if keep:
        db.session.commit()  # what the refusal recorded stays recorded (a proposal's lapse)
    else:
        db.session.rollback()
    if _json():
        if isinstance(exc, ValidationFailed):
            return jsonify(errors=exc.fields or {"_": [exc.message]}), 422
        body: dict[str, Any] = {"code": exc.code, "message": exc.message}
        if exc.fields:
            body["fields"] = exc.fields
        return jsonify(error=body), exc.status
    messages = [m for v in (exc.fields or {}).values() for m in (v if isinstance(v, list) else [v])]
    for message in messages or [exc.message]:
        flash(str(message), "error")
    if to_ticket or request.method == "GET" or exc.code == "no_mediation":
        return redirect(url_for("portal.show", token=token) + "#mediation", code=303)
    return _page(token, **args)


@bp.get("/<token>/mediation")
def mediation_page(token: str) -> Any:
    """The case as the shopper follows it: status in plain words, consent, dossier, room, proposals, documents."""
    ticket = _open(token)
    case = cases.latest_case(ticket)
    if _json():
        if case is None:
            return jsonify(error={"code": "no_mediation", "message": _("There is no mediation for this request.")}), 404
        return jsonify(cases.shopper_case(case))
    if case is None:
        return redirect(url_for("portal.show", token=token) + "#mediation", code=303)
    tab = request.args.get("room") if request.args.get("room") in ROOM_TABS else "joint"
    view = case_view(case, Party.SHOPPER)
    now = utcnow()
    return render_template(
        "portal/mediation.html", ticket=ticket, token=token, merchant=g.merchant, case=view, tab=tab,
        channel=ROOM_TABS[tab], messages=[m for m in view["messages"] if m["channel"] == ROOM_TABS[tab]],
        private_count=sum(1 for m in view["messages"] if m["channel"] == "caucus:shopper"),
        status_text=STATUS_TEXT, missing_text=MISSING_TEXT, answer_text=ANSWER_TEXT, now=now,
        active=case.status in ACTIVE_CASE_STATUSES, documents=[k for k in KINDS if document_available(k, view["status"])],
        currency=cases.default_currency(ticket, g.merchant, case), service=case.mediation_service,
        max_mb=_max_mb())


@bp.post("/<token>/mediation")
def ask(token: str) -> Any:
    """The shopper asks for mediation: 201 with the new case, 200 with the active one, 409 before the fair chance."""
    ticket = _open(token)
    try:
        data = _load(AskIn())
        # One request at a time per ticket: a double click must not open two cases.
        db.session.scalar(select(Ticket).where(Ticket.id == ticket.id).with_for_update())
        case, created = cases.ask_for_mediation(ticket, g.merchant, data["reason"], data.get("claim"), _amount(data))
    except DomainError as exc:
        return _refused(token, exc, to_ticket=True)  # the ask form is on the ticket page
    db.session.commit()
    notice = _("Your request for mediation was sent to the mediation service.") if created \
        else _("Your request is already with the mediation service.")
    return _done(token, case, notice, status=201 if created else 200)


@bp.post("/<token>/mediation/dossier")
def dossier(token: str) -> Any:
    """The shopper completes the dossier: what they ask for, the amount in dispute, evidence files (joint)."""
    ticket = _open(token)
    try:
        case = _case(ticket)
        data = _load(DossierIn())
        cases.add_to_dossier(case, data.get("claim"), _amount(data), _files(), data.get("note") or "")
    except DomainError as exc:
        return _refused(token, exc, anchor="#dossier")
    db.session.commit()
    return _done(token, case, _("Your dossier was updated."), anchor="#dossier")


@bp.post("/<token>/mediation/consent")
def consent(token: str) -> Any:
    """The shopper's answer to the invitation: yes opens the room once the shop agreed too; no ends the case."""
    ticket = _open(token)
    try:
        case = _case(ticket)
        accept = _load(AnswerIn())["accept"]
        transitions.answer_consent(case, SHOPPER, accept)
    except DomainError as exc:
        return _refused(token, exc)
    db.session.commit()
    notice = _("You agreed to mediation.") if accept else _("You declined mediation.")
    return _done(token, case, notice)


@bp.post("/<token>/mediation/messages")
def message(token: str) -> Any:
    """A message in the joint channel or in the shopper's private channel with the mediator, with any files."""
    ticket = _open(token)
    tab = "private" if _data().get("channel") == "caucus:shopper" else "joint"
    try:
        case = _case(ticket)
        data = _load(MessageIn())
        room.post_message(case, SHOPPER, data["channel"], data["body"], _files())
    except DomainError as exc:
        return _refused(token, exc, room=tab)
    db.session.commit()
    return _done(token, case, _("Your message was sent."), status=201, anchor="#room", room=tab)


@bp.post("/<token>/mediation/proposals/<pid>/response")
def respond(token: str, pid: str) -> Any:
    """The shopper accepts or refuses a proposal before its date; a late answer is recorded as lapsed (409)."""
    ticket = _open(token)
    try:
        case = _case(ticket)
        accept = _load(AnswerIn())["accept"]
        proposals.respond(case, pid, SHOPPER, accept)
    except proposals.ProposalLapsed as exc:
        return _refused(token, exc, keep=True)
    except DomainError as exc:
        return _refused(token, exc)
    db.session.commit()
    notice = _("You accepted the proposal.") if accept else _("You refused the proposal.")
    return _done(token, case, notice, anchor="#proposals")


@bp.post("/<token>/mediation/withdraw")
def withdraw(token: str) -> Any:
    """The shopper leaves the mediation, which ends `withdrawn` (allowed at any time while it is active)."""
    ticket = _open(token)
    try:
        case = _case(ticket)
        transitions.withdraw(case, SHOPPER)
    except DomainError as exc:
        return _refused(token, exc)
    db.session.commit()
    return _done(token, case, _("You withdrew from the mediation. It has ended."))


@bp.get("/<token>/mediation/documents/<kind>")
def document(token: str, kind: str) -> Any:
    """The settlement or the certificate as a PDF, built from the case as the shopper sees it, in their language."""
    ticket = _open(token)
    try:
        case = _case(ticket, for_update=False)
        return document_response(case, kind, Party.SHOPPER, language=str(get_locale() or "fr")[:2])
    except DomainError as exc:
        return _refused(token, exc)


@bp.get("/<token>/mediation/attachments/<int:attachment_id>")
def room_attachment(token: str, attachment_id: int) -> Any:
    """A file of the room in a channel the shopper reads (joint, their caucus), always as a download."""
    ticket = _open(token)
    row = db.session.scalar(
        select(MediationAttachment).join(MediationMessage, MediationMessage.id == MediationAttachment.message_id)
        .join(MediationCase, MediationCase.id == MediationMessage.case_id)
        .where(MediationAttachment.id == attachment_id, MediationCase.ticket_id == ticket.id,
               MediationMessage.channel.in_(room.readable_channels(Party.SHOPPER))))
    if row is None:
        abort(404)
    return send_file(path_for(row.sha256), mimetype="application/octet-stream", as_attachment=True,
                     download_name=row.filename)


def _max_mb() -> int:
    return int(current_app.config["HELPDESK_MAX_ATTACHMENT"]) // (1024 * 1024)


def ticket_context(ticket: Ticket) -> dict[str, Any]:
    """What the ticket page shows of mediation: the case's status with a link, or the way to ask for it."""
    merchant = g.merchant
    case = cases.latest_case(ticket)
    if case is None and (merchant is None or cases.mediation_service_for(merchant) is None):
        return {"mediation": None, "may_mediate": None}
    return {"mediation": case, "mediation_status_text": STATUS_TEXT,
            "may_mediate": cases.eligibility(ticket, merchant) if case is None else None,
            "mediation_currency": cases.default_currency(ticket, merchant, case)}
