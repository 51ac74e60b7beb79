"""A case's status changes (SPEC 6.1), each a service function that checks who may make it.

`TRANSITIONS` is the table of the SPEC and the only place that says which
change is allowed; `move` refuses anything else with `invalid_transition`.
Each change is recorded on the case and on the ticket's timeline and both
parties are told. While a case is active its ticket is `escalated`; an
agreement resolves the ticket; any other end returns it to `open`.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..errors import Conflict, InvalidTransition, ValidationFailed
from ..extensions import db
from ..models import (
    Admissibility,
    Answer,
    CaseStatus,
    Consent,
    MediationCase,
    MediationProposal,
    Merchant,
    Party,
    Status,
    utcnow,
)
from ..sla.clocks import calendar_for
from ..tickets.services import change_status
from ..tickets.timeline import record_event
from .actors import Actor, require
from .dossier import MEDIATION_DAYS, MERCHANT_ANSWER_WORKING_DAYS, missing_items
from .events import record_case_event
from .notify import tell_parties

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.SUBMITTED: frozenset({CaseStatus.AWAITING_CONSENT, CaseStatus.INADMISSIBLE, CaseStatus.WITHDRAWN}),
    CaseStatus.AWAITING_CONSENT: frozenset({CaseStatus.OPEN, CaseStatus.REFUSED, CaseStatus.WITHDRAWN}),
    CaseStatus.OPEN: frozenset({CaseStatus.AGREEMENT, CaseStatus.FAILURE, CaseStatus.EXPIRED, CaseStatus.WITHDRAWN}),
}
OUTCOMES = (CaseStatus.AGREEMENT, CaseStatus.FAILURE, CaseStatus.WITHDRAWN, CaseStatus.EXPIRED)
SHOPPER_ANSWER_DAYS = 15  # a setting of the service (`shopper_answer_days`)


def allowed(case: MediationCase, to: CaseStatus) -> bool:
    return to in TRANSITIONS.get(case.status, frozenset())


def move(case: MediationCase, to: CaseStatus, actor: Actor, *, now: datetime, data: dict[str, Any] | None = None,
         summary: str | None = None, remind_withdrawal: bool = False) -> None:
    """Change the status if the table allows it, record it twice and tell both parties."""
    if not allowed(case, to):
        raise InvalidTransition(f"a case that is {case.status.value} cannot become {to.value}")
    before = case.status
    case.status, case.updated_at = to, now
    if to not in TRANSITIONS:
        case.closed_at = now
    if to in OUTCOMES:
        case.outcome_kind, case.outcome_summary = to.value, summary
    payload = {"from": before.value, "to": to.value, **(data or {})}
    record_case_event(case, f"case.{to.value}", actor.name, payload, at=now)
    ticket = case.ticket
    record_event(ticket, f"mediation.{to.value}", actor.name, {"case_id": case.id, **payload}, at=now)
    if to is CaseStatus.AGREEMENT:
        change_status(ticket, Status.RESOLVED, "mediation", now=now)
    elif to not in TRANSITIONS and ticket.status is Status.ESCALATED:
        change_status(ticket, Status.OPEN, "mediation", now=now)
    tell_parties(case, to.value, detail=summary or (data or {}).get("reason"), remind_withdrawal=remind_withdrawal)


def decide_admissibility(case: MediationCase, actor: Actor, admissible: bool, reason: str | None, *,
                         now: datetime | None = None) -> None:
    """The mediator's decision; an admissible case asks the party that has not consented yet."""
    require(actor, "mediator")
    now = now or utcnow()
    reason = (reason or "").strip() or None
    if case.status is not CaseStatus.SUBMITTED:
        raise InvalidTransition(f"admissibility is decided while the case is submitted; it is {case.status.value}")
    if not admissible:
        if not reason:
            raise ValidationFailed("A refusal needs its reason.", fields={"reason": ["A refusal needs its reason."]})
        case.admissibility_decision, case.admissibility_reason = Admissibility.INADMISSIBLE, reason
        case.admissibility_decided_at = now
        move(case, CaseStatus.INADMISSIBLE, actor, now=now, data={"reason": reason})
        return
    merchant = db.session.get(Merchant, case.merchant_id)
    assert merchant is not None
    if case.dossier_complete_at is None:
        # The mediator who finds the case admissible judges the dossier sufficient: its clocks start now.
        missing = missing_items(case, merchant)
        case.dossier_complete_at = now
        case.admissibility_due_at = now
        case.ends_at = calendar_for(merchant).add_calendar_days(now, MEDIATION_DAYS)
        record_case_event(case, "dossier.completed", actor.name, {"by_decision": True, "missing": missing}, at=now)
    case.admissibility_decision, case.admissibility_reason = Admissibility.ADMISSIBLE, reason
    case.admissibility_decided_at = now
    if case.consent_merchant is Consent.PENDING:
        case.merchant_consent_due_at = calendar_for(merchant).add_business_days(now, MERCHANT_ANSWER_WORKING_DAYS)
    if case.consent_shopper is Consent.PENDING:
        days = int((case.mediation_service.settings or {}).get("shopper_answer_days", SHOPPER_ANSWER_DAYS))
        case.shopper_consent_due_at = calendar_for(merchant).end_of_day(
            calendar_for(merchant).local_date(now + timedelta(days=days)))
    move(case, CaseStatus.AWAITING_CONSENT, actor, now=now, data={"reason": reason} if reason else None)


def answer_consent(case: MediationCase, actor: Actor, accept: bool, *, now: datetime | None = None) -> None:
    """The asked party's answer: both consents open the room; a refusal ends the case `refused`."""
    require(actor, "supervisor", "shopper")
    now = now or utcnow()
    if case.status is not CaseStatus.AWAITING_CONSENT:
        raise InvalidTransition(f"consent is asked while the case awaits it; it is {case.status.value}")
    field = "consent_merchant" if actor.party is Party.MERCHANT else "consent_shopper"
    if getattr(case, field) is not Consent.PENDING:
        raise Conflict("This party has already answered.", code="already_answered")
    setattr(case, field, Consent.ACCEPTED if accept else Consent.DECLINED)
    party = actor.party.value if actor.party else "system"
    record_case_event(case, "consent.answered", actor.name, {"party": party, "accept": accept}, at=now)
    if not accept:
        move(case, CaseStatus.REFUSED, actor, now=now, data={"reason": f"declined by the {party}", "party": party})
    elif case.consent_merchant is Consent.ACCEPTED and case.consent_shopper is Consent.ACCEPTED:
        move(case, CaseStatus.OPEN, actor, now=now, remind_withdrawal=True)


def lapse_consent(case: MediationCase, party: Party, actor: Actor, *, now: datetime) -> None:
    """Silence past the deadline counts as a refusal (the merchant's 20 working days, the shopper's 15 days)."""
    field = "consent_merchant" if party is Party.MERCHANT else "consent_shopper"
    setattr(case, field, Consent.DECLINED)
    move(case, CaseStatus.REFUSED, actor, now=now,
         data={"reason": f"no answer from the {party.value} in time", "party": party.value, "silence": True})


def withdraw(case: MediationCase, actor: Actor, *, now: datetime | None = None) -> None:
    """Either party may leave at any time while the case is active (the mediator closes instead)."""
    require(actor, "supervisor", "shopper")
    party = actor.party.value if actor.party else "system"
    move(case, CaseStatus.WITHDRAWN, actor, now=now or utcnow(), data={"party": party},
         summary=f"withdrawn by the {party}")


def agreed_proposal(case: MediationCase) -> MediationProposal | None:
    """The latest proposal of this case that both parties accepted."""
    from .proposals import proposals_of

    for proposal, answers in reversed(proposals_of(case)):
        if answers.get(Party.MERCHANT) is Answer.ACCEPTED and answers.get(Party.SHOPPER) is Answer.ACCEPTED:
            return proposal
    return None


def close(case: MediationCase, actor: Actor, outcome: str, summary: str | None, *,
          now: datetime | None = None) -> None:
    """The mediator ends an open case: `agreement` only on a proposal both parties accepted, else `failure`."""
    require(actor, "mediator")
    now = now or utcnow()
    to = CaseStatus(outcome)
    if to not in (CaseStatus.AGREEMENT, CaseStatus.FAILURE):
        raise ValidationFailed("The outcome is agreement or failure.", fields={"outcome": ["agreement or failure"]})
    data: dict[str, Any] = {}
    if to is CaseStatus.AGREEMENT and case.status is CaseStatus.OPEN:
        proposal = agreed_proposal(case)
        if proposal is None:
            raise InvalidTransition("An agreement needs a proposal that both parties accepted.")
        data["proposal_id"] = proposal.id
    move(case, to, actor, now=now, data=data, summary=(summary or "").strip() or None)


def extend(case: MediationCase, actor: Actor, until: datetime, reason: str, *, now: datetime | None = None) -> None:
    """The mediator gives a complex case more time than 90 days; both parties are told why."""
    require(actor, "mediator")
    now = now or utcnow()
    if case.status not in TRANSITIONS:
        raise InvalidTransition(f"the case is {case.status.value}: it cannot be extended")
    if case.ends_at is None:
        raise Conflict("The dossier is not complete: the mediation has no end date to extend yet.",
                       code="dossier_incomplete")
    if not reason.strip():
        raise ValidationFailed("An extension needs its reason.", fields={"reason": ["required"]})
    if until <= max(case.ends_at, now):
        raise ValidationFailed("The new end must be later than the current one.",
                               fields={"until": [f"after {case.ends_at.isoformat()}"]})
    before = case.ends_at
    case.ends_at, case.extended_reason, case.updated_at = until, reason.strip(), now
    case.warned = [w for w in (case.warned or []) if w != "ends"]
    data = {"from": before.isoformat(), "until": until.isoformat(), "reason": case.extended_reason}
    record_case_event(case, "case.extended", actor.name, data, at=now)
    record_event(case.ticket, "mediation.extended", actor.name, {"case_id": case.id, **data}, at=now)
    tell_parties(case, "extended", detail=case.extended_reason)

