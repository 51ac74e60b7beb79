"""The widget's routes (SPEC 4.3): the script, its settings, and the complaint and withdrawal posts.

Answers: `201 {"ref", "portal_url"}`, `422 {"errors": {field: [messages]}}`
(the shape form libraries expect, unlike the API's `{"error": …}`), `429`
past the per-IP limit, `404` for an unknown widget key, `403` for a browser
page of an origin the merchant did not list. A post without `Origin` (a
shop's server) is accepted; CORS headers go to listed origins only.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, send_from_directory
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import csrf, db, limiter
from ..files import EVIDENCE_TYPES
from ..models import Merchant, utcnow
from ..portal import withdrawals
from ..portal.links import base_url, portal_url_for
from ..portal.services import send_new_links
from . import cors
from .intake import MAX_FILES, check_uploads, complaint_payload, form_data, journal_and_process, uploads
from .schemas import WidgetComplaintIn, WithdrawalIn

bp = Blueprint("widget", __name__)
csrf.exempt(bp)  # cross-site by design; a shop page has no session with us, and the origin is checked instead


def _limit() -> str:
    return str(current_app.config.get("HELPDESK_WIDGET_LIMIT") or "30 per minute")


post_limit = limiter.shared_limit(_limit, scope="widget-post", methods=["POST"])


def _merchant(widget_key: str) -> Merchant | None:
    """The merchant of the URL's key, looked up once per request (kept in the request's environ)."""
    cache = request.environ.setdefault("helpdesk.widget_merchants", {})
    if widget_key not in cache:
        cache[widget_key] = db.session.scalar(select(Merchant).where(Merchant.widget_key == widget_key[:64]))
    return cache[widget_key]


@bp.before_request
def check_key_and_origin() -> None:
    key = (request.view_args or {}).get("widget_key")
    if key is None:
        return
    merchant = _merchant(key)
    if merchant is None:
        raise NotFound("No widget has this key.")
    origin = request.headers.get("Origin")
    if origin and not cors.origin_allowed(merchant, origin):
        raise Forbidden("This site is not listed among the shop's allowed origins.")


@bp.after_request
def cors_headers(response: Response) -> Response:
    key = (request.view_args or {}).get("widget_key")
    origin = request.headers.get("Origin")
    merchant = _merchant(key) if key and origin else None
    if merchant is not None and origin and cors.origin_allowed(merchant, origin):
        methods = "GET, OPTIONS" if request.endpoint == "widget.settings" else "POST, OPTIONS"
        cors.add_headers(response, origin, methods)
    return response


@bp.get("/widget.js")
def script() -> Response:
    response = send_from_directory(current_app.static_folder or "static", "widget.js",
                                   mimetype="text/javascript", max_age=3600)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # shops with COEP may still load it
    return response


@bp.route("/widget/<widget_key>/config", methods=["GET", "OPTIONS"], provide_automatic_options=False)
def settings(widget_key: str) -> Any:
    """What the script needs before it draws the form: the shop's name and language, the file rules."""
    if request.method == "OPTIONS":
        return "", 204
    merchant = _merchant(widget_key)
    assert merchant is not None
    return jsonify(merchant=merchant.name, language=merchant.language, languages=["fr", "en", "ar"],
                   max_file_bytes=current_app.config["HELPDESK_MAX_ATTACHMENT"], max_files=MAX_FILES,
                   accept=sorted(EVIDENCE_TYPES), withdrawal=True)


def _validate(schema: Any) -> tuple[dict[str, Any], list[Any]]:
    """The fields and the checked files, or one 422 naming every field at fault at once."""
    try:
        raw = form_data()
    except ValidationFailed as exc:
        raise _Invalid(exc.fields or {}) from exc
    errors: dict[str, Any] = {}
    data: dict[str, Any] = {}
    try:
        data = schema.load(raw)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors.update({field: [_(str(m)) for m in (v if isinstance(v, list) else [v])] for field, v in messages.items()})
    files: list[Any] = []
    try:
        files = check_uploads(uploads(raw))
    except ValidationFailed as exc:
        errors.update(exc.fields or {})
    if errors:
        raise _Invalid(errors)
    return data, files


class _Invalid(Exception):
    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("invalid widget post")
        self.errors = errors


@bp.errorhandler(_Invalid)
def invalid(exc: _Invalid) -> tuple[Response, int]:
    return jsonify(errors=exc.errors), 422


def _key(data: dict[str, Any]) -> str | None:
    header = request.headers.get("Idempotency-Key", "")
    return data.get("idempotency_key") or (header if 8 <= len(header) <= 100 else None)


def _decoy() -> tuple[Response, int]:
    """The honeypot was filled: answer like a success, store nothing."""
    ref = "HD-" + "".join(secrets.choice("ACDEFGHJKMNPQRTUVWXY345679") for _ in range(6))
    return jsonify(ref=ref, portal_url=f"{base_url()}/portal/{secrets.token_urlsafe(40)}"), 201


@bp.route("/widget/<widget_key>/complaints", methods=["POST", "OPTIONS"], provide_automatic_options=False)
@post_limit
def complaints(widget_key: str) -> Any:
    """A complaint: journaled and turned into a ticket within the request, so the portal link works at once."""
    if request.method == "OPTIONS":
        return "", 204
    data, files = _validate(WidgetComplaintIn())
    if data.get("website"):
        return _decoy()
    merchant = _merchant(widget_key)
    assert merchant is not None
    posted = journal_and_process(merchant, "widget", complaint_payload(data, files), _key(data),
                                 meta={"origin": request.headers.get("Origin")})
    ticket = posted.ticket
    if not posted.opened:
        # The message joined the shopper's open ticket about that order. Whoever posted knew an address and an
        # order number, which proves nothing: the link that opens the ticket goes to the ticket's own address.
        send_new_links(ticket.customer.email, ticket.ref)
        db.session.commit()
        return jsonify(ref=ticket.ref, portal_url=f"{base_url()}/portal/link", link_sent_by_email=True), 201
    url = portal_url_for(ticket)
    db.session.commit()
    return jsonify(ref=ticket.ref, portal_url=url), 201


@bp.route("/widget/<widget_key>/withdrawals", methods=["POST", "OPTIONS"], provide_automatic_options=False)
@post_limit
def withdraw(widget_key: str) -> Any:
    """Withdraw from a contract: a `return` ticket and an acknowledgement by email with the date and time."""
    if request.method == "OPTIONS":
        return "", 204
    data, _files = _validate(WithdrawalIn())
    if data.get("website"):
        return _decoy()
    merchant = _merchant(widget_key)
    assert merchant is not None
    payload = {"email": data["email"], "name": data["name"], "order_number": data["order_number"],
               "message": data.get("message") or "", "language": _request_language(merchant)}
    ticket = journal_and_process(merchant, withdrawals.CHANNEL, payload, _key(data)).ticket  # always its own
    withdrawal = withdrawals.withdrawal_of(ticket)
    url = portal_url_for(ticket)
    db.session.commit()
    received = withdrawal.received_at if withdrawal else utcnow()
    on_its_way = withdrawals.acknowledgement_on_its_way(ticket)
    if on_its_way:
        message = _("We received your withdrawal. An acknowledgement is on its way to %(email)s.", email=data["email"])
    else:  # said plainly, so the shopper keeps this answer as the record of the date and time
        message = _("We received your withdrawal, but could not email you an acknowledgement: keep this page, which "
                    "shows the date and time of receipt.")
    return jsonify(ref=ticket.ref, portal_url=url, order_number=data["order_number"], received_at=received.isoformat(),
                   statement=withdrawal.statement if withdrawal else "", acknowledgement_sent_by_email=on_its_way,
                   message=message), 201


def _request_language(merchant: Merchant) -> str:
    return request.accept_languages.best_match(["fr", "en", "ar"]) or merchant.language
