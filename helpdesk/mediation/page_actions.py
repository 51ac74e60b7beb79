"""The workspace's forms: each posts to a route here that calls the same service as the API route.

The case is looked up first (a case the reader may not see is a plain 404, whatever was posted), then the
service decides: a refusal (403 not yours to do, 409 not now, 422 check the form) comes back to the case
page as a message in the reader's language, and nothing of the attempt is kept.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..auth.principal import require_principal
from ..errors import DomainError, NotFound, ValidationFailed
from ..extensions import db
from ..intake.complaint import IncomingFile
from ..models import MediationCase, RoomChannel
from ..sla.clocks import instant_for
from ..widget.intake import Upload, check_uploads
from . import collective, proposals, queue, room, transitions
from .actors import Actor, actor_of, require
from .dossier import Amount, complete_dossier
from .page_forms import (
    AdmissibilityForm,
    CloseForm,
    CollectiveForm,
    DossierForm,
    ExtendForm,
    MessageForm,
    ProposalForm,
    form_errors,
)
from .views import bp, find_collective, mediator_service


def refusal_text(exc: DomainError) -> str:
    """What went wrong, as the reader can act on it (the service's detail follows the translated gist)."""
    details = " ".join(str(m) for msgs in (exc.fields or {}).values()
                       for m in (msgs if isinstance(msgs, list) else [msgs]))
    if exc.status == 403:
        return _("You may see this case but not do that.")
    if exc.status == 409:
        return _("Not possible at this stage of the case: %(detail)s", detail=exc.message)
    return details or exc.message


def _act(case_id: str, do: Callable[[MediationCase, Actor], str], anchor: str = "",
         **back: Any) -> Response:
    """Look the case up (404 first), let `do` act through a service, commit, and go back to the case page."""
    case = queue.get_case(case_id, for_update=True)
    actor = actor_of(require_principal())
    try:
        done = do(case, actor)
        db.session.commit()
        flash(done, "success")
    except proposals.ProposalLapsed as exc:
        db.session.commit()  # the silence is recorded as lapsed even though the late answer is refused
        flash(refusal_text(exc), "error")
    except NotFound:
        raise
    except DomainError as exc:
        db.session.rollback()
        flash(refusal_text(exc), "error")
    return redirect(url_for("mediation.case", id=case.id, **back) + anchor)


def _valid(form: FlaskForm) -> None:
    if not form.validate_on_submit():
        raise ValidationFailed(form_errors(form) or _("Check the form."))


def _answer() -> bool:
    _valid(FlaskForm())
    answer = request.form.get("accept")
    if answer not in ("yes", "no"):
        raise ValidationFailed(_("Answer yes or no."))
    return answer == "yes"


def _amount(value: Decimal | None, currency: str | None) -> Amount | None:
    if value is None:
        return None
    if not currency:
        raise ValidationFailed(_("Give the currency of the amount."))
    return Amount(value, currency.upper())


@bp.post("/cases/<id>/dossier")
def complete(id: str) -> Response:
    def do(case: MediationCase, actor: Actor) -> str:
        require(actor, "mediator", "supervisor")
        form = DossierForm()
        _valid(form)
        # The form shows what is there already: send only what the reader changed, as the API's PATCH would.
        known = case.merchant.identifiers or {}
        changes: dict[str, Any] = {"claim": (form.claim.data or "").strip() or None, "identifiers": {
            k: v for k in ("ice", "rc", "siren") if (v := (getattr(form, k).data or "").strip()) != known.get(k, "")}}
        amount = _amount(form.amount.data, form.currency.data)
        if amount is not None and (amount.value, amount.currency) != (case.amount_value, case.amount_currency):
            changes["amount_in_dispute"] = {"value": str(amount.value), "currency": amount.currency}
        changed = complete_dossier(case, changes, actor.name)
        return _("Dossier updated.") if changed else _("Nothing to change.")
    return _act(id, do, "#dossier")


@bp.post("/cases/<id>/admissibility")
def decide(id: str) -> Response:
    def do(case: MediationCase, actor: Actor) -> str:
        require(actor, "mediator")
        form = AdmissibilityForm()
        _valid(form)
        transitions.decide_admissibility(case, actor, form.decision.data == "admissible", form.reason.data)
        return _("Decision recorded; both parties are told.")
    return _act(id, do, "#admissibility")


@bp.post("/cases/<id>/consent")
def consent(id: str) -> Response:
    def do(case: MediationCase, actor: Actor) -> str:
        transitions.answer_consent(case, actor, _answer())
        return _("Your answer is recorded.")
    return _act(id, do, "#consent")


@bp.post("/cases/<id>/messages")
def post_message(id: str) -> Response:
    form = MessageForm()
    channel = form.channel.data or "joint"

    def do(case: MediationCase, actor: Actor) -> str:
        _valid(form)
        posted = [f for f in request.files.getlist(form.files.name) if f.filename]
        checked = check_uploads([Upload(f.filename or "file", f.mimetype or "", f.read()) for f in posted])
        files = [IncomingFile(u.filename, u.content_type, u.data) for u in checked]
        room.post_message(case, actor, channel, form.body.data or "", files)
        return _("Message posted.")
    known = channel in {c.value for c in RoomChannel}
    return _act(id, do, f"#channel-{channel.replace(':', '-')}" if known else "#room", channel=channel if known else None)


@bp.post("/cases/<id>/proposals")
def propose(id: str) -> Response:
    def do(case: MediationCase, actor: Actor) -> str:
        require(actor, "mediator", "supervisor")
        form = ProposalForm()
        _valid(form)
        assert form.respond_by.data is not None
        proposals.make_proposal(case, actor, form.terms.data or "", _amount(form.amount.data, form.currency.data),
                                instant_for(case.merchant, form.respond_by.data))
        return _("Proposal put to the parties.")
    return _act(id, do, "#proposals")


@bp.post("/cases/<id>/proposals/<pid>/response")
def respond(id: str, pid: str) -> Response:
    def do(case: MediationCase, actor: Actor) -> str:
        proposals.respond(case, pid, actor, _answer())
        return _("Your answer is recorded.")
    return _act(id, do, "#proposals")


@bp.post("/cases/<id>/withdraw")
def withdraw(id: str) -> Response:
    def do(case: MediationCase, actor: Actor) -> str:
        _valid(FlaskForm())
        transitions.withdraw(case, actor)
        return _("The merchant has withdrawn from the mediation.")
    return _act(id, do)


@bp.post("/cases/<id>/extend")
def extend(id: str) -> Response:
    def do(case: MediationCase, actor: Actor) -> str:
        require(actor, "mediator")
        form = ExtendForm()
        _valid(form)
        assert form.until.data is not None
        transitions.extend(case, actor, instant_for(case.merchant, form.until.data), form.reason.data or "")
        return _("Mediation extended; both parties are told.")
    return _act(id, do, "#outcome")


@bp.post("/cases/<id>/close")
def close(id: str) -> Response:
    def do(case: MediationCase, actor: Actor) -> str:
        require(actor, "mediator")
        form = CloseForm()
        _valid(form)
        transitions.close(case, actor, form.outcome.data or "", form.summary.data)
        return _("Case closed; both parties are told.")
    return _act(id, do, "#outcome")


@bp.post("/collective")
def create_collective() -> Response:
    principal = require_principal()
    service = mediator_service(principal)  # a page of mediators only: 404 for anyone else
    form = CollectiveForm()
    try:
        _valid(form)
        ids = [int(v) for v in request.form.getlist("cases") if v.isdigit() and len(v) <= 12]
        made = collective.create_collective(service.id, actor_of(principal), form.title.data or "", ids)
        db.session.commit()
        flash(_("Collective case created; each shopper is told."), "success")
        return redirect(url_for("mediation.collective_case", id=made.id))
    except DomainError as exc:
        db.session.rollback()
        flash(refusal_text(exc), "error")
        return redirect(url_for("mediation.collectives"))


@bp.post("/collective/<id>/proposals")
def propose_to_all(id: str) -> Response:
    principal = require_principal()
    found = find_collective(id, principal)  # 404 first
    form = ProposalForm()
    try:
        _valid(form)
        assert form.respond_by.data is not None
        respond_by = instant_for(found.merchant, form.respond_by.data)
        collective.propose_to_all(found, actor_of(principal), form.terms.data or "",
                                  _amount(form.amount.data, form.currency.data), respond_by)
        db.session.commit()
        flash(_("Offer put to every shopper of the collective case."), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(refusal_text(exc), "error")
    return redirect(url_for("mediation.collective_case", id=found.id))
