"""The shopper's portal behind `/portal/<token>` (SPEC 4.3): follow the ticket, reply, add evidence, rate.

A token opens its own ticket only; an expired, revoked or forged one shows
the same page, which offers a new link by email. No login, no password.
The shopper's side of mediation (SPEC 6.1) is in `mediation_views`, on this blueprint.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import DomainError, NotFound
from ..extensions import csrf, db, limiter
from ..files import path_for
from ..intake.complaint import IncomingFile
from ..labels import as_read
from ..models import Attachment, Direction, Merchant, Message, Ticket, TicketEvent, utcnow
from ..tickets.present import messages_of
from ..widget.intake import Upload, check_uploads
from . import links, services, withdrawals

bp = Blueprint("portal", __name__, url_prefix="/portal")
# The token in the path is the shopper's key and a secret no other site knows, which is what a CSRF token
# would prove; a shop's page or the widget may post JSON here (SPEC 6.1).
csrf.exempt(bp)

# The shopper's words for where their request stands.
STATUS_TEXT = {
    "new": _l("Received"), "open": _l("In progress"), "waiting_customer": _l("Waiting for your answer"),
    "resolved": _l("Resolved"), "closed": _l("Closed"), "escalated": _l("With the mediator"),
}
PUBLIC_EVENTS = {"ticket.created", "status.changed", "withdrawal.received", "evidence.added", "outcome.rated"}
LANGUAGES = ("fr", "en", "ar")


def _portal_limit() -> str:
    return str(current_app.config.get("HELPDESK_PORTAL_LIMIT") or "120 per minute")


def _link_limit() -> str:
    return str(current_app.config.get("HELPDESK_MAGIC_LINK_LIMIT") or "5 per minute;20 per hour")


limiter.limit(_portal_limit)(bp)


@bp.before_request
def language() -> None:
    """An explicit choice (?lang=) sticks for the visit; otherwise the browser's, else the shop's language."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["portal_lang"] = chosen
    g.language = session.get("portal_lang")


@bp.app_template_filter("portal_datetime")
def portal_datetime(at: datetime, merchant: Merchant | None) -> str:
    """A time as the shopper reads it: their language, the shop's time zone."""
    zone = ZoneInfo(merchant.timezone if merchant else "UTC")
    return format_datetime(as_read(at, zone).astimezone(zone), "medium", rebase=False) + f" ({zone.key})"


@bp.errorhandler(NotFound)
def invalid_link(exc: NotFound) -> Any:
    if _json():  # a widget or a shop's page asked for JSON: the API's error envelope, not the page
        return jsonify(error={"code": exc.code, "message": exc.message}), 404
    return render_template("portal/invalid.html", message=exc.message), 404


def _open(token: str) -> Ticket:
    ticket, _link = links.resolve(token)
    merchant = db.session.get(Merchant, ticket.merchant_id)
    g.default_language = merchant.language if merchant else None
    g.merchant = merchant
    return ticket


def _files() -> list[IncomingFile]:
    posted = [f for f in request.files.getlist("files") if f.filename]
    checked = check_uploads([Upload(f.filename or "file", f.mimetype or "", f.read()) for f in posted])
    return [IncomingFile(u.filename, u.content_type, u.data) for u in checked]


def _data() -> Any:
    """The posted fields: a form (the portal's pages) or a JSON object (a shop's page, the widget)."""
    if request.is_json:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}
    return request.form


def _json() -> bool:
    return request.is_json or request.accept_mimetypes.best_match(["text/html", "application/json"]) == \
        "application/json"


def _back(token: str, anchor: str = "", *, ticket: Ticket | None = None, status: int = 200) -> Any:
    if ticket is not None and _json():
        return jsonify(services.shopper_view(ticket)), status
    return redirect(url_for("portal.show", token=token) + anchor, code=303)


def _fail(token: str, exc: DomainError) -> Any:
    db.session.rollback()
    if _json():
        # The shopper side answers field errors as the widget does (SPEC 4.3).
        return jsonify(errors=exc.fields or {"_": [exc.message]}), 422
    messages = [m for v in (exc.fields or {}).values() for m in (v if isinstance(v, list) else [v])]
    for message in messages or [exc.message]:
        flash(str(message), "error")
    return _back(token)


@bp.get("/<token>")
def show(token: str) -> Any:
    ticket = _open(token)
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(services.shopper_view(ticket))
    withdrawal = withdrawals.withdrawal_of(ticket)
    clocks = withdrawals.legal_clocks_of(withdrawal, g.merchant) if withdrawal and g.merchant else []
    events = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                          TicketEvent.kind.in_(PUBLIC_EVENTS))
                                .order_by(TicketEvent.seq)).all()
    return render_template("portal/ticket.html", ticket=ticket, token=token, merchant=g.merchant,
                           messages=messages_of(ticket, public_only=True), events=events,
                           status_text=STATUS_TEXT, rating=services.rating_of(ticket),
                           can_rate=ticket.status in services.RATEABLE, withdrawal=withdrawal, clocks=clocks,
                           now=utcnow(), Direction=Direction, one_second=timedelta(seconds=1),
                           max_mb=current_app.config["HELPDESK_MAX_ATTACHMENT"] // (1024 * 1024),
                           **mediation_views.ticket_context(ticket))


@bp.post("/<token>/messages")
def reply(token: str) -> Any:
    ticket = _open(token)
    try:
        services.reply_as_shopper(ticket, str(_data().get("body") or "")[:20_000], _files())
    except DomainError as exc:
        return _fail(token, exc)
    db.session.commit()
    flash(_("Your message was sent."), "success")
    return _back(token, "#conversation", ticket=ticket, status=201)


@bp.post("/<token>/evidence")
def evidence(token: str) -> Any:
    ticket = _open(token)
    try:
        services.add_evidence(ticket, _files(), str(_data().get("note") or "")[:5_000])
    except DomainError as exc:
        return _fail(token, exc)
    db.session.commit()
    flash(_("Your files were added."), "success")
    return _back(token, "#conversation", ticket=ticket, status=201)


@bp.post("/<token>/rating")
def rate(token: str) -> Any:
    ticket = _open(token)
    try:
        score = int(_data().get("score") or 0)
    except (TypeError, ValueError):
        score = 0
    try:
        services.rate_outcome(ticket, score, str(_data().get("comment") or ""))
    except DomainError as exc:
        return _fail(token, exc)
    db.session.commit()
    flash(_("Thank you for your rating."), "success")
    return _back(token, ticket=ticket)


@bp.get("/<token>/attachments/<int:attachment_id>")
def attachment(token: str, attachment_id: int) -> Any:
    """A file of this ticket's public messages, always as a download (SPEC 7.1)."""
    ticket = _open(token)
    row = db.session.scalar(select(Attachment).join(Message, Message.id == Attachment.message_id).where(
        Attachment.id == attachment_id, Message.ticket_id == ticket.id, Message.internal.is_(False)))
    if row is None:
        abort(404)
    return send_file(path_for(row.sha256), mimetype="application/octet-stream", as_attachment=True,
                     download_name=row.filename)


@bp.route("/link", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def new_link() -> Any:
    """Ask for a fresh link by email; the answer is the same whether the address is known or not."""
    if request.method == "GET":
        return render_template("portal/link.html", sent=False, email="")
    email = request.form.get("email", "").strip()[:254]
    if "@" not in email:
        return render_template("portal/link.html", sent=False, email=email,
                               error=_("Enter the email address you wrote to us with.")), 422
    services.send_new_links(email, request.form.get("ref") or None)
    db.session.commit()
    return render_template("portal/link.html", sent=True, email=email)


# Last: its routes go on `bp` and it imports the helpers above.
from . import mediation_views
