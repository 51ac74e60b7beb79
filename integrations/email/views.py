"""The supervisor's page of the merchant's mailboxes and their health (SPEC 4.2: fetching never stops silently)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from helpdesk.models import Role, utcnow

from .health import health_of

bp = Blueprint("mailboxes", __name__)


@bp.before_request
@login_required
def supervisors_only():  # type: ignore[no-untyped-def]
    if current_user.role is not Role.SUPERVISOR:
        abort(404)


@bp.get("/mailboxes")
def index():  # type: ignore[no-untyped-def]
    return render_template("staff/mailboxes.html", mailboxes=health_of(current_user.merchant_id), now=utcnow())
