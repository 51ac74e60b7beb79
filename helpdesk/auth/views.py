"""Login and logout for staff, mediators and admins (SPEC 1, 7.1)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..extensions import db, limiter
from ..models import Role
from .accounts import authenticate, end_sessions

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _login_limit() -> str:
    return current_app.config["HELPDESK_LOGIN_LIMIT"]


def _address_limit() -> str:
    # Higher than one account's: colleagues behind one office address must not pay for one person's typos.
    return current_app.config["HELPDESK_LOGIN_IP_LIMIT"]


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code != 302


def safe_next(target: str | None) -> str | None:
    """Only a path of this site: no scheme, no host, no protocol-relative `//evil`."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


def home_for(role: Role) -> str:
    if role is Role.MEDIATOR:
        return url_for("mediation.cases")  # a mediator's work starts at the queue
    return url_for("tickets.index") if role in (Role.AGENT, Role.SUPERVISOR) else url_for("auth.account")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed)
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(home_for(current_user.role))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            session.clear()  # a fresh session id at login (no fixation)
            login_user(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or home_for(user.role))
        flash(_("Wrong email or password."), "error")  # the same answer for both
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account():  # type: ignore[no-untyped-def]
    return render_template("auth/account.html")
