"""Staff pages for macros: the team's shared replies (supervisors) and each agent's own."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..auth.pages import STAFF, restrict_pages
from ..errors import DomainError, NotFound
from ..extensions import db
from ..models import Macro, Role
from .macros import LANGUAGES, PLACEHOLDERS, delete_macro, macros_for, save_macro

bp = Blueprint("macros", __name__)
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}


class MacroForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    language = SelectField(_l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=20_000)])
    shared = BooleanField(_l("Shared with the team"))


restrict_pages(bp, STAFF)


@bp.get("/macros")
def index():  # type: ignore[no-untyped-def]
    return render_template("staff/macros.html", macros=macros_for(current_user), form=MacroForm(),
                           placeholders=PLACEHOLDERS, languages=LANGUAGE_NAMES,
                           may_share=current_user.role is Role.SUPERVISOR, delete_form=FlaskForm())


@bp.get("/macros/<int:macro_id>")
def edit(macro_id: int):  # type: ignore[no-untyped-def]
    macro = db.session.get(Macro, macro_id)
    if macro is None or macro.merchant_id != current_user.merchant_id or macro.owner_id not in (None, current_user.id):
        abort(404)
    form = MacroForm(name=macro.name, language=macro.language, body=macro.body, shared=macro.owner_id is None)
    return render_template("staff/macro.html", macro=macro, form=form, placeholders=PLACEHOLDERS,
                           may_share=current_user.role is Role.SUPERVISOR)


@bp.post("/macros")
@bp.post("/macros/<int:macro_id>")
def save(macro_id: int | None = None):  # type: ignore[no-untyped-def]
    form = MacroForm()
    if not form.validate_on_submit():
        flash(_("Give the macro a name and a reply."), "error")
        return redirect(request.referrer or url_for("macros.index"))
    try:
        save_macro(current_user, name=form.name.data or "", body=form.body.data or "",
                   language=form.language.data or "fr", shared=bool(form.shared.data), macro_id=macro_id)
        db.session.commit()
        flash(_("Macro saved."), "success")
    except NotFound:
        abort(404)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("macros.index"))


@bp.post("/macros/<int:macro_id>/delete")
def delete(macro_id: int):  # type: ignore[no-untyped-def]
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        delete_macro(current_user, macro_id)
        db.session.commit()
        flash(_("Macro deleted."), "success")
    except NotFound:
        abort(404)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("macros.index"))
