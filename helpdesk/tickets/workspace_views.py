"""The workspace's quick moves and the pages around them.

One-click category correction (it feeds triage feedback), assign to me and
close (the keyboard shortcuts of static/workspace.js submit these forms),
the user's @mentions, and the supervisor's round-robin assignment settings.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth.pages import STAFF, restrict_pages
from ..auth.scoping import get_ticket
from ..errors import DomainError
from ..extensions import db
from ..labels import LABELS
from ..models import Category, Merchant, Role, Status, utcnow
from ..triage import service as triage
from . import mentions, routing, services

bp = Blueprint("workspace", __name__)
restrict_pages(bp, STAFF)


def _checked_form() -> None:
    """Every POST here carries the page's CSRF token (no other field needs a WTForms form)."""
    if not FlaskForm().validate_on_submit():
        abort(400)


def _actor() -> str:
    return f"{current_user.role.value}:{current_user.id}"


@bp.post("/tickets/<ref>/category")
def correct_category(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref, for_update=True)
    _checked_form()
    value = request.form.get("category", "")
    if value not in Category._value2member_map_:
        flash(_("Choose one of the categories."), "error")
    elif Category(value) != ticket.category:
        triage.correct(ticket, Category(value), current_user)
        ticket.updated_at = utcnow()
        db.session.commit()
        flash(_("Category corrected: %(category)s.", category=LABELS[value]), "success")
    return redirect(url_for("tickets.show", ref=ticket.ref))


@bp.post("/tickets/<ref>/assign-me")
def assign_to_me(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref, for_update=True)
    _checked_form()
    if ticket.assignee_id == current_user.id:
        flash(_("This ticket is already yours."), "success")
    else:
        services.assign(ticket, current_user, _actor())
        ticket.updated_at = utcnow()
        db.session.commit()
        flash(_("Assigned to you."), "success")
    return redirect(url_for("tickets.show", ref=ticket.ref))


@bp.post("/tickets/<ref>/close")
def close(ref: str):  # type: ignore[no-untyped-def]
    ticket = get_ticket(ref, for_update=True)
    _checked_form()
    try:
        services.change_status(ticket, Status.CLOSED, _actor())
        db.session.commit()
        flash(_("Ticket closed."), "success")
    except DomainError:
        db.session.rollback()
        flash(_("This ticket cannot be closed now (a mediation case decides while it is escalated)."), "error")
    return redirect(url_for("tickets.show", ref=ticket.ref))


@bp.get("/mentions")
def mention_list():  # type: ignore[no-untyped-def]
    return render_template("staff/mentions.html", mentions=mentions.mentions_of(current_user))


@bp.post("/mentions/<int:mention_id>/read")
def mention_read(mention_id: int):  # type: ignore[no-untyped-def]
    if mentions.mention_of(current_user, mention_id) is None:
        abort(404)
    _checked_form()
    mentions.mark_read(current_user, mention_id=mention_id)
    db.session.commit()
    return redirect(url_for("workspace.mention_list"))


@bp.post("/mentions/read")
def mentions_all_read():  # type: ignore[no-untyped-def]
    _checked_form()
    mentions.mark_read(current_user)
    db.session.commit()
    flash(_("All mentions marked as read."), "success")
    return redirect(url_for("workspace.mention_list"))


def _merchant() -> Merchant:
    if current_user.role is not Role.SUPERVISOR:
        abort(404)  # agents learn nothing of the settings pages
    merchant = db.session.get(Merchant, current_user.merchant_id)
    if merchant is None:
        abort(404)
    return merchant


@bp.get("/settings/assignment")
def assignment():  # type: ignore[no-untyped-def]
    merchant = _merchant()
    return render_template("staff/assignment.html", settings=routing.settings_of(merchant),
                           staff=routing.staff_of(merchant), categories=[c.value for c in Category])


@bp.post("/settings/assignment")
def save_assignment():  # type: ignore[no-untyped-def]
    merchant = _merchant()
    _checked_form()
    members = {c.value: [int(v) for v in request.form.getlist(f"member-{c.value}") if v.isdigit()] for c in Category}
    routing.save_settings(merchant, request.form.get("enabled") == "on", members)
    db.session.commit()
    flash(_("Assignment settings saved."), "success")
    return redirect(url_for("workspace.assignment"))


@bp.app_context_processor
def workspace_globals() -> dict[str, Any]:
    """For the staff pages: the unread-mention count (asked only by the pages that show it)."""

    def unread_mentions() -> int:
        if not getattr(current_user, "is_authenticated", False) or not current_user.is_staff:
            return 0
        return mentions.unread_count(current_user)

    return {"unread_mentions": unread_mentions, "categories_all": [c.value for c in Category]}
