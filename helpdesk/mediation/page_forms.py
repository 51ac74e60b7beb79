"""The workspace's forms (CSRF through Flask-WTF, like every staff form); the services still decide who may act."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    MultipleFileField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..merchants import ICE_PATTERN, SIREN_PATTERN
from .room import MAX_BODY

CURRENCY = Regexp(r"^[A-Za-z]{3}$", message=_l("A currency is three letters, e.g. MAD or EUR."))


class AdmissibilityForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("admissible", _l("Admissible")),
                                                   SelectChoice("inadmissible", _l("Inadmissible"))],
                          validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (required for a refusal)"), validators=[Length(max=5000)])


class MessageForm(FlaskForm):
    channel = HiddenField(validators=[DataRequired()])
    body = TextAreaField(_l("Message"), validators=[Length(max=MAX_BODY)])
    files = MultipleFileField(_l("Evidence (photos, PDF)"))


class ProposalForm(FlaskForm):
    terms = TextAreaField(_l("Terms"), validators=[DataRequired(), Length(max=10_000)])
    amount = DecimalField(_l("Amount"), places=2, validators=[Optional(), NumberRange(min=0)])
    currency = StringField(_l("Currency"), validators=[Optional(), CURRENCY])
    respond_by = DateField(_l("Answer by (end of that day)"), validators=[DataRequired()])


class ExtendForm(FlaskForm):
    until = DateField(_l("New end (end of that day)"), validators=[DataRequired()])
    reason = TextAreaField(_l("Why the case needs more time"), validators=[DataRequired(), Length(max=5000)])


class CloseForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=[SelectChoice("agreement", _l("Agreement")),
                                                 SelectChoice("failure", _l("Failure"))],
                         validators=[DataRequired()])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=10_000)])


class DossierForm(FlaskForm):
    claim = TextAreaField(_l("What the shopper asks for"), validators=[Optional(), Length(max=5000)])
    amount = DecimalField(_l("Amount in dispute"), places=2, validators=[Optional(), NumberRange(min=0)])
    currency = StringField(_l("Currency"), validators=[Optional(), CURRENCY])
    ice = StringField("ICE", validators=[Optional(), Regexp(ICE_PATTERN, message=_l("An ICE has 15 digits."))])
    rc = StringField("RC", validators=[Optional(), Length(max=40)])
    siren = StringField("SIREN", validators=[Optional(), Regexp(SIREN_PATTERN, message=_l("A SIREN has 9 digits."))])


class CollectiveForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])


def form_errors(form: FlaskForm) -> str:
    """The field errors of a refused form as one line for a flash message."""
    return " ".join(f"{getattr(form, name).label.text}: {msg}" for name, msgs in form.errors.items()
                    for msg in msgs if hasattr(form, name))
