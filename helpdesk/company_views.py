"""The supervisor's company page: the identifiers a mediation dossier names the trader by, and the fair chance
the shop takes before a shopper may ask for mediation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange, Optional, Regexp

from .auth.pages import SUPERVISORS, restrict_pages
from .auth.scoping import require_role
from .errors import DomainError
from .extensions import db
from .merchants import (
    ICE_PATTERN,
    MAX_MEDIATION_WAIT_DAYS,
    MEDIATION_WAIT_DAYS,
    SIREN_PATTERN,
    update_company,
    wait_days,
)
from .models import Merchant, Role

bp = Blueprint("company", __name__)
restrict_pages(bp, SUPERVISORS)


class CompanyForm(FlaskForm):
    ice = StringField(_l("ICE (Morocco, 15 digits)"), validators=[Optional(), Regexp(ICE_PATTERN)])
    rc = StringField(_l("RC, trade register (Morocco)"), validators=[Optional(), Regexp(r"^.{1,40}$")])
    siren = StringField(_l("SIREN (France, 9 digits)"), validators=[Optional(), Regexp(SIREN_PATTERN)])
    mediation_wait_days = IntegerField(_l("Days the shop has to settle a complaint before the shopper may ask "
                                          "for mediation"), validators=[NumberRange(0, MAX_MEDIATION_WAIT_DAYS)],
                                       default=MEDIATION_WAIT_DAYS)


@bp.route("/settings/company", methods=["GET", "POST"])
def company():  # type: ignore[no-untyped-def]
    merchant = db.session.get(Merchant, require_role(Role.SUPERVISOR).merchant_id)
    assert merchant is not None
    form = CompanyForm(data={**(merchant.identifiers or {}),
                             "mediation_wait_days": wait_days(merchant)})
    if form.validate_on_submit():
        try:
            update_company(merchant, identifiers={k: getattr(form, k).data or "" for k in ("ice", "rc", "siren")},
                           mediation_wait_days=form.mediation_wait_days.data or 0)
            db.session.commit()
            flash(_("Company details saved."), "success")
            return redirect(url_for("company.company"))
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
    elif form.is_submitted():
        flash(_("Check the identifiers: an ICE has 15 digits, a SIREN 9."), "error")
    return render_template("staff/company.html", form=form, merchant=merchant)
