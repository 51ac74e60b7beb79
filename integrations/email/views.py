"""The supervisor's page of the merchant's mailboxes and their health (SPEC 4.2: fetching never stops silently)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from helpdesk.auth.pages import SUPERVISORS, restrict_pages
from helpdesk.models import utcnow

from .health import health_of

bp = Blueprint("mailboxes", __name__)


restrict_pages(bp, SUPERVISORS)


@bp.get("/mailboxes")
def index():  # type: ignore[no-untyped-def]
    return render_template("staff/mailboxes.html", mailboxes=health_of(current_user.merchant_id), now=utcnow())
