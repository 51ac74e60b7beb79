"""The first staff pages: the merchant's ticket list and one ticket with its messages and timeline."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..auth.scoping import get_ticket, scoped
from ..errors import DomainError
from ..extensions import db
from ..files import path_for
from ..labels import LABELS
from ..models import Attachment, Category, Status, utcnow
from ..sla import clocks
from . import listing, services
from .present import events_of, messages_of, order_view

bp = Blueprint("tickets", __name__)


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=100_000)])
    internal = BooleanField(_l("Internal note (not sent to the shopper)"))


class TicketForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[(s.value, LABELS[s.value]) for s in Status if s is not Status.ESCALATED])
    category = SelectField(_l("Category"), choices=[(c.value, LABELS[c.value]) for c in Category])


@bp.before_request
@login_required
def staff_only():  # type: ignore[no-untyped-def]
    if not current_user.is_staff:
        abort(404)


@bp.get("/")
@bp.get("/tickets")
def index():  # type: ignore[no-untyped-def]
    filters = {k: v for k, v in request.args.items() if k in ("status", "category", "q", "assignee") and v}
    page = listing.list_tickets(filters, limit=50, cursor=request.args.get("cursor"))
    return render_template("staff/tickets.html", page=page, filters=filters, now=utcnow(), view=clocks.view,
                           statuses=[s.value for s in Status], categories=[c.value for c in Category])


@bp.get("/tickets/<ref>")
def show(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref)
    form = TicketForm(status=ticket.status.value, category=ticket.category.value)
    return render_template("staff/ticket.html", ticket=ticket, messages=messages_of(ticket), events=events_of(ticket),
                           order=order_view(ticket), sla=clocks.view(ticket, utcnow()), reply=ReplyForm(),
                           form=form)


@bp.post("/tickets/<ref>/messages")
def reply(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref, for_update=True)
    form = ReplyForm()
    if form.validate_on_submit():
        services.add_staff_message(ticket, current_user, form.body.data or "", internal=bool(form.internal.data))
        db.session.commit()
        flash(_("Note added.") if form.internal.data else _("Reply sent."), "success")
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
