"""The supervisor's page of deliveries that did not become tickets: the error, the raw payload, a replay button."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth.pages import SUPERVISORS, restrict_pages
from ..errors import DomainError
from ..extensions import db
from ..models import InboundDelivery
from .journal import failed_deliveries, replay

bp = Blueprint("deliveries", __name__)
PREVIEW_BYTES = 20_000


restrict_pages(bp, SUPERVISORS)


def _own(delivery_id: int) -> InboundDelivery:
    delivery = db.session.get(InboundDelivery, delivery_id)
    if delivery is None or delivery.merchant_id != current_user.merchant_id:
        abort(404)
    return delivery


@bp.get("/deliveries")
def index():  # type: ignore[no-untyped-def]
    return render_template("staff/deliveries.html", deliveries=failed_deliveries(current_user.merchant_id),
                           form=FlaskForm())


@bp.get("/deliveries/<int:delivery_id>")
def show(delivery_id: int):  # type: ignore[no-untyped-def]
    delivery = _own(delivery_id)
    preview = delivery.payload[:PREVIEW_BYTES].decode("utf-8", errors="replace")
    return render_template("staff/delivery.html", delivery=delivery, preview=preview,
                           truncated=len(delivery.payload) > PREVIEW_BYTES, form=FlaskForm())


@bp.post("/deliveries/<int:delivery_id>/replay")
def replay_one(delivery_id: int):  # type: ignore[no-untyped-def]
    delivery = _own(delivery_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        replay(delivery.id, merchant_id=current_user.merchant_id)
        db.session.commit()
        flash(_("Delivery %(id)s is queued again.", id=delivery.id), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("deliveries.show", delivery_id=delivery.id))
