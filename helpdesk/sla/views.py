"""Supervisor pages: SLA policies, escalation rules, and the Escalate button of a ticket."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..auth.pages import STAFF, restrict_pages
from ..auth.scoping import get_ticket, require_role
from ..errors import DomainError
from ..extensions import db
from ..labels import LABELS
from ..models import Category, EscalationAction, Merchant, OpenedBy, Priority, Role, Status, Ticket, utcnow
from . import policies
from .legal import legal_view

bp = Blueprint("sla_pages", __name__)

ACTION_LABELS = {EscalationAction.NOTIFY.value: _l("Notify the assignee or the supervisors"),
                 EscalationAction.RAISE_PRIORITY.value: _l("Raise the priority one step"),
                 EscalationAction.OPEN_DOSSIER.value: _l("Open a mediation dossier")}


class PolicyForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[SelectChoice(c.value, LABELS[c.value]) for c in Category])
    priority = SelectField(_l("Priority"), choices=[SelectChoice(p.value, LABELS[p.value]) for p in Priority])
    first_response_hours = DecimalField(_l("First response (business hours)"),
                                        validators=[DataRequired(), NumberRange(Decimal("0.1"), Decimal(8760))])
    resolution_hours = DecimalField(_l("Resolution (business hours)"),
                                    validators=[DataRequired(), NumberRange(Decimal("0.1"), Decimal(8760))])
    warning_percent = IntegerField(_l("Warning threshold (percent of the target)"), validators=[DataRequired(), NumberRange(1, 99)])


class RuleForm(FlaskForm):
    action = SelectField(_l("Action"), choices=[SelectChoice(k, v) for k, v in ACTION_LABELS.items()])
    after_business_days = IntegerField(_l("Working days after the resolution breach"),
                                       validators=[NumberRange(0, 250)], default=0)


class EscalateForm(FlaskForm):
    reason = TextAreaField(_l("Why mediation"), validators=[DataRequired(), Length(max=2000)])
    claim = TextAreaField(_l("What the shopper asks for"), validators=[Optional(), Length(max=5000)])
    amount = DecimalField(_l("Amount in dispute"), validators=[Optional(), NumberRange(Decimal(0))])
    currency = StringField(_l("Currency"), validators=[Optional(), Regexp(r"^[A-Za-z]{3}$")])


restrict_pages(bp, STAFF)


def _merchant() -> Merchant:
    merchant = db.session.get(Merchant, require_role(Role.SUPERVISOR).merchant_id)
    assert merchant is not None
    return merchant


def _minutes(hours: Decimal | None) -> int:
    return max(1, round((hours or Decimal(0)) * 60))


@bp.route("/settings/sla", methods=["GET", "POST"])
def sla_policies():  # type: ignore[no-untyped-def]
    merchant = _merchant()
    form = PolicyForm()
    if form.validate_on_submit():
        try:
            policies.set_policy(merchant, Category(form.category.data), Priority(form.priority.data),
                                first_response_minutes=_minutes(form.first_response_hours.data),
                                resolution_minutes=_minutes(form.resolution_hours.data),
                                warning_percent=form.warning_percent.data or 0)
            db.session.commit()
            flash(_("Policy saved: new tickets use it."), "success")
            return redirect(url_for("sla_pages.sla_policies"))
        except DomainError as exc:
            db.session.rollback()
            for message in [m for ms in (exc.fields or {}).values() for m in ms] or [exc.message]:
                flash(message, "error")
    elif form.is_submitted():
        flash(_("Check the figures: hours above zero, a warning between 1 and 99 percent."), "error")
    return render_template("staff/sla/policies.html", grid=policies.policy_grid(merchant), form=form)


@bp.route("/settings/escalation", methods=["GET", "POST"])
def escalation_rules():  # type: ignore[no-untyped-def]
    merchant = _merchant()
    form = RuleForm()
    if form.validate_on_submit():
        policies.add_rule(merchant, form.action.data, form.after_business_days.data or 0)
        db.session.commit()
        flash(_("Rule added."), "success")
        return redirect(url_for("sla_pages.escalation_rules"))
    return render_template("staff/sla/rules.html", rules=policies.rules_for(merchant.id), form=form,
                           actions=ACTION_LABELS)


@bp.post("/settings/escalation/<int:rule_id>/delete")
def delete_rule(rule_id: int):  # type: ignore[no-untyped-def]
    merchant = _merchant()
    rule = policies.rule_of(merchant, rule_id)  # 404 first, whatever the form says
    if FlaskForm().validate_on_submit():
        policies.remove_rule(merchant, rule.id)
        db.session.commit()
        flash(_("Rule removed."), "success")
    return redirect(url_for("sla_pages.escalation_rules"))


@bp.post("/tickets/<ref>/escalate")
def escalate(ref: str):  # type: ignore[no-untyped-def]
    from ..mediation.dossier import Amount, open_dossier

    ticket = get_ticket(ref, for_update=True)
    principal = require_role(Role.SUPERVISOR)
    form = EscalateForm()
    if not form.validate_on_submit():
        flash(_("Say why the ticket goes to mediation (and a valid amount and currency, if any)."), "error")
        return redirect(url_for("tickets.show", ref=ticket.ref))
    amount = Amount(form.amount.data, (form.currency.data or "").upper()) \
        if form.amount.data is not None and form.currency.data else None
    try:
        _case, created = open_dossier(ticket, by=OpenedBy.MERCHANT, reason=form.reason.data or "",
                                      actor=principal.actor, claim=form.claim.data, amount=amount)
        db.session.commit()
        flash(_("The dossier is in the mediation service's queue.") if created
              else _("This ticket was already escalated."), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("tickets.show", ref=ticket.ref))


@bp.app_context_processor
def ticket_helpers() -> dict[str, Any]:
    """What the ticket page needs from this stage: legal clocks, the case, and the escalate form."""

    def legal_clocks(ticket: Ticket) -> list[dict[str, Any]]:
        return legal_view(ticket, utcnow(), str(get_locale() or "en"))

    def mediation_case(ticket: Ticket) -> Any:
        from ..mediation.dossier import active_case

        return active_case(ticket)

    def may_escalate(ticket: Ticket) -> bool:
        return bool(current_user.is_authenticated and current_user.role is Role.SUPERVISOR
                    and ticket.status not in (Status.ESCALATED, Status.CLOSED))

    return {"legal_clocks": legal_clocks, "mediation_case": mediation_case, "may_escalate": may_escalate,
            "escalate_form": EscalateForm}
