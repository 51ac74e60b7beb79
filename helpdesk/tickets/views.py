"""The first staff pages: the merchant's ticket list and one ticket with its messages and timeline."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..auth.pages import STAFF, restrict_pages
from ..auth.scoping import get_ticket, scoped
from ..errors import DomainError, NotFound
from ..extensions import db
from ..files import path_for
from ..labels import LABELS
from ..models import (
    Attachment,
    BulkStatus,
    Category,
    Channel,
    OfferKind,
    Priority,
    Role,
    Status,
    Ticket,
    utcnow,
)
from ..portal.links import portal_url_for
from ..sla import clocks
from . import bulk, listing, macros, mentions, presence, queues, resolutions, services
from .merge import absorbed_into, merge_tickets, merged_into
from .present import events_of, messages_of, order_view

bp = Blueprint("tickets", __name__)


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=100_000)])
    internal = BooleanField(_l("Internal note (not sent to the shopper)"))


class TicketForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, LABELS[s.value]) for s in Status
                                                if s is not Status.ESCALATED])
    category = SelectField(_l("Category"), choices=[SelectChoice(c.value, LABELS[c.value]) for c in Category])


restrict_pages(bp, STAFF)


LIST_FILTERS = ("q", "status", "category", "priority", "channel", "assignee", "tag", "order", "email")


@bp.get("/")
@bp.get("/tickets")
def index():  # type: ignore[no-untyped-def]
    standard = queues.standard_queues(current_user)
    mine = queues.saved_views(current_user)
    chosen = request.args.get("queue", "")
    chosen_view = request.args.get("view", type=int)
    filters = {k: v for k, v in request.args.items() if k in LIST_FILTERS and v}
    base: dict[str, object] = {}
    if chosen:
        base = next((q.filters for q in standard if q.key == chosen), {})
    elif chosen_view:
        base = next((v.filters for v in mine if v.id == chosen_view), {})
    applied = queues.resolve({**base, **filters})
    if "breached" in applied:
        applied["breached"] = bool(applied["breached"])
    page = listing.list_tickets(applied, limit=50, cursor=request.args.get("cursor"))
    return render_template(
        "staff/tickets.html", page=page, filters=filters, now=utcnow(), view=clocks.view,
        queues=queues.with_counts(standard), saved=mine, chosen=chosen, chosen_view=chosen_view,
        save_form=SaveViewForm(), statuses=[s.value for s in Status], categories=[c.value for c in Category],
        priorities=[p.value for p in Priority], channels=[c.value for c in Channel],
        can_save=current_user.role is Role.SUPERVISOR)


class SaveViewForm(FlaskForm):
    name = StringField(_l("Name of the view"), validators=[DataRequired(), Length(max=80)])


@bp.post("/views")
def save_view():  # type: ignore[no-untyped-def]
    if current_user.role is not Role.SUPERVISOR:
        abort(404)
    form = SaveViewForm()
    filters = {k: v for k, v in request.form.items() if k in LIST_FILTERS and v}
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Give the view a name."))
        saved = queues.save_view(current_user, form.name.data or "", filters)
        db.session.commit()
        flash(_("View saved."), "success")
        return redirect(url_for("tickets.index", view=saved.id))
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("tickets.index", **filters))


@bp.post("/views/<int:view_id>/delete")
def delete_view(view_id: int):  # type: ignore[no-untyped-def]
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        queues.delete_view(current_user, view_id)
    except DomainError:
        abort(404)
    db.session.commit()
    flash(_("View deleted."), "success")
    return redirect(url_for("tickets.index"))


@bp.get("/tickets/<ref>")
def show(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref)
    form = TicketForm(status=ticket.status.value, category=ticket.category.value)
    reply = ReplyForm()
    chosen = request.args.get("macro", type=int)
    available = macros.macros_for(current_user, ticket.language)
    if chosen:
        macro = next((m for m in available if m.id == chosen), None)
        if macro is None:
            abort(404)
        # A portal link is made (and kept) only when the macro asks for one.
        portal_url = portal_url_for(ticket) if "{portal_link}" in macro.body else None
        reply.body.data = macros.fill(macro, ticket, current_user, portal_url=portal_url)
    presence.touch(ticket, current_user)
    mentions.mark_read(current_user, ticket=ticket)  # opening the ticket is reading what one was mentioned in
    db.session.commit()
    return render_template("staff/ticket.html", ticket=ticket, messages=messages_of(ticket), events=events_of(ticket),
                           order=order_view(ticket), sla=clocks.view(ticket, utcnow()), reply=reply,
                           form=form, macros=available, chosen_macro=chosen)


@bp.post("/tickets/<ref>/messages")
def reply(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref, for_update=True)
    form = ReplyForm()
    if form.validate_on_submit():
        missed = presence.arrived_since(ticket, request.form.get("seen_message", type=int), current_user)
        services.add_staff_message(ticket, current_user, form.body.data or "", internal=bool(form.internal.data))
        db.session.commit()
        flash(_("Note added.") if form.internal.data else _("Reply sent."), "success")
        if missed:
            flash(_("Another message arrived while you were writing: check that your answer still fits."),
                  "warning")
    else:
        flash(_("Write something first."), "error")
    return redirect(url_for("tickets.show", ref=ticket.ref))


@bp.post("/tickets/<ref>")
def update(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref, for_update=True)
    form = TicketForm()
    if form.validate_on_submit():
        try:
            services.update_ticket(ticket, {"status": form.status.data, "category": form.category.data},
                                   current_user)
            db.session.commit()
            flash(_("Ticket updated."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for("tickets.show", ref=ticket.ref))


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):  # type: ignore[no-untyped-def]
    row = db.session.scalar(scoped(Attachment).where(Attachment.id == attachment_id))
    if row is None:
        abort(404)
    # Always a download, never rendered inline from our origin (SPEC 7.1).
    return send_file(path_for(row.sha256), mimetype="application/octet-stream", as_attachment=True,
                     download_name=row.filename)


# --- the workspace: resolution offers, merge, bulk actions, collision warning --------------------------------

class OfferForm(FlaskForm):
    kind = SelectField(_l("Offer"), choices=[SelectChoice(k.value, LABELS.get(k.value, k.value)) for k in OfferKind])
    amount = StringField(_l("Amount"), validators=[Length(max=20)])
    currency = StringField(_l("Currency"))  # checked against ISO 4217 by the service, with a clearer message
    note = StringField(_l("Note"), validators=[Length(max=500)])


class MergeForm(FlaskForm):
    other = StringField(_l("Merge this ticket into this one"), validators=[DataRequired(), Length(max=16)])


class BulkForm(FlaskForm):
    action = SelectField(_l("Action"), choices=[SelectChoice("assign", _l("Assign to")),
                                                SelectChoice("tag", _l("Add the tag")),
                                                SelectChoice("close", _l("Close"))])
    value = StringField(_l("Agent email or tag"), validators=[Length(max=254)])


def _flash_refusal(exc: DomainError) -> None:
    db.session.rollback()
    details = [m for msgs in (exc.fields or {}).values() for m in (msgs if isinstance(msgs, list) else [msgs])]
    flash(" ".join(str(d) for d in details) or exc.message, "error")


@bp.post("/tickets/<ref>/resolutions")
def offer(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref, for_update=True)
    form = OfferForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Check the offer."))
        resolutions.offer_resolution(ticket, current_user, form.kind.data or "", form.amount.data,
                                     form.currency.data, form.note.data or "")
        db.session.commit()
        flash(_("Offer recorded."), "success")
    except DomainError as exc:
        _flash_refusal(exc)
    return redirect(url_for("tickets.show", ref=ticket.ref))


@bp.post("/tickets/<ref>/resolutions/<int:offer_id>")
def decide(ref: str, offer_id: int):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref, for_update=True)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        resolutions.decide_offer(ticket, offer_id, request.form.get("status", ""), current_user)
        db.session.commit()
        flash(_("Offer updated."), "success")
    except NotFound:
        raise
    except DomainError as exc:
        _flash_refusal(exc)
    return redirect(url_for("tickets.show", ref=ticket.ref))


@bp.post("/tickets/<ref>/merge")
def merge(ref: str):  # type: ignore[no-untyped-def]
    survivor = get_ticket(ref, for_update=True)
    form = MergeForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Give the reference of the ticket to merge."))
        absorbed = get_ticket((form.other.data or "").strip(), for_update=True)
        merge_tickets(survivor, absorbed, current_user)
        db.session.commit()
        flash(_("%(ref)s was merged into this ticket.", ref=absorbed.ref), "success")
    except NotFound:
        db.session.rollback()
        flash(_("No ticket of yours has that reference."), "error")
    except DomainError as exc:
        _flash_refusal(exc)
    return redirect(url_for("tickets.show", ref=survivor.ref))


@bp.post("/tickets/bulk")
def bulk_start():  # type: ignore[no-untyped-def]
    form = BulkForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Choose an action."))
        started = bulk.start_bulk(current_user, form.action.data or "", request.form.getlist("ticket"),
                                  form.value.data or "")
        db.session.commit()
    except DomainError as exc:
        _flash_refusal(exc)
        return redirect(url_for("tickets.index"))
    return redirect(url_for("tickets.bulk_progress", bulk_id=started.id))


@bp.get("/tickets/bulk/<int:bulk_id>")
def bulk_progress(bulk_id: int):  # type: ignore[no-untyped-def]
    row = bulk.bulk_of(bulk_id, current_user.merchant_id)
    if row is None:
        abort(404)
    finished = row.status is BulkStatus.FINISHED
    response = make_response(render_template("staff/bulk.html", bulk=row, finished=finished))
    if not finished:
        response.headers["Refresh"] = "2"  # besides the page's meta refresh: no script may run (CSP)
    return response


@bp.app_context_processor
def workspace_helpers() -> dict[str, Any]:
    """What the ticket and list pages need from the workspace: the ledger, merges, who else is here, bulk form."""

    def ledger(ticket: Ticket) -> dict[str, Any]:
        offers = resolutions.offers_of(ticket)
        return {"offers": offers, "totals": resolutions.ledger_totals(ticket, offers), "form": OfferForm(),
                "merge_form": MergeForm(), "kinds": [k.value for k in OfferKind]}

    def collision(ticket: Ticket) -> dict[str, Any]:
        return {"others": presence.others_on(ticket, current_user), "absorbed": absorbed_into(ticket),
                "merged_into": merged_into(ticket), "last_message_id": presence.last_message_id(ticket)}

    def format_money(amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency)

    return {"resolution_ledger": ledger, "collision": collision, "bulk_form": BulkForm, "format_money": format_money}
