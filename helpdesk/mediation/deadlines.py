"""The clocks of a case, swept on a schedule (SPEC 6, 6.1): each deadline acts once, whoever sweeps.

- 3 weeks from the complete dossier to decide admissibility: a warning before it passes;
- the merchant's 20 working days and the shopper's 15 days to consent: silence turns the case `refused`;
- a proposal's date to answer by: a silent party's answer becomes `lapsed`;
- 90 days from the complete dossier (or the extension): a warning a week before, then `expired`.

Each kind of deadline is found by index, its rows locked with SKIP LOCKED
(PostgreSQL) and checked again under the lock, so two workers sweeping at
the same moment never act twice; each batch is committed on its own.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, select, true

from ..extensions import db
from ..models import (
    Answer,
    CaseStatus,
    Consent,
    MediationCase,
    MediationProposal,
    Party,
    ProposalResponse,
    utcnow,
)
from ..tickets.timeline import record_event
from .actors import SYSTEM
from .events import record_case_event
from .notify import tell_parties
from .proposals import lapse
from .transitions import lapse_consent, move

log = logging.getLogger(__name__)
ADMISSIBILITY_WARNING = timedelta(days=3)
ENDS_WARNING = timedelta(days=7)
BATCH = 200


@dataclass
class SweepResult:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


def sweep_deadlines(now: datetime | None = None) -> SweepResult:
    """Act on every deadline that has come; safe to run twice and concurrently."""
    now = now or utcnow()
    result = SweepResult()
    _each_case(select(MediationCase).where(MediationCase.status == CaseStatus.SUBMITTED,
                                           MediationCase.admissibility_due_at <= now + ADMISSIBILITY_WARNING),
               lambda case: _warn(case, "admissibility", now, result))
    _each_case(select(MediationCase).where(MediationCase.status == CaseStatus.AWAITING_CONSENT,
                                           MediationCase.consent_merchant == Consent.PENDING,
                                           MediationCase.merchant_consent_due_at <= now),
               lambda case: _silence(case, Party.MERCHANT, now, result))
    _each_case(select(MediationCase).where(MediationCase.status == CaseStatus.AWAITING_CONSENT,
                                           MediationCase.consent_shopper == Consent.PENDING,
                                           MediationCase.shopper_consent_due_at <= now),
               lambda case: _silence(case, Party.SHOPPER, now, result))
    _lapse_proposals(now, result)
    _each_case(select(MediationCase).where(MediationCase.status == CaseStatus.OPEN, MediationCase.ends_at <= now),
               lambda case: _expire(case, now, result))
    _each_case(select(MediationCase).where(MediationCase.status == CaseStatus.OPEN,
                                           MediationCase.ends_at <= now + ENDS_WARNING),
               lambda case: _warn(case, "ends", now, result))
    return result


def _each_case(stmt: Select[tuple[MediationCase]], act: Callable[[MediationCase], None]) -> None:
    """Lock a batch of candidates (skipping those another sweep holds), re-check each under the lock, commit."""
    seen: set[int] = set()
    while True:
        # populate_existing: what another sweep committed before we took the lock, not the session's copy
        batch = list(db.session.scalars(stmt.where(MediationCase.id.not_in(seen) if seen else true())
                                        .order_by(MediationCase.id).limit(BATCH)
                                        .with_for_update(skip_locked=True)
                                        .execution_options(populate_existing=True)))
        if not batch:
            db.session.rollback()
            return
        for case in batch:
            seen.add(case.id)
            try:
                with db.session.begin_nested():
                    act(case)
            except Exception:  # one broken case must not stop the others' deadlines
                log.exception("mediation deadline failed for case %s", case.id)
        db.session.commit()


def _warn(case: MediationCase, which: str, now: datetime, result: SweepResult) -> None:
    if which in (case.warned or []):
        return
    due = case.admissibility_due_at if which == "admissibility" else case.ends_at
    if which == "admissibility" and case.status is not CaseStatus.SUBMITTED:
        return
    if which == "ends" and case.status is not CaseStatus.OPEN:
        return
    case.warned = [*(case.warned or []), which]
    data = {"due_at": due.isoformat() if due else None}
    record_case_event(case, f"deadline.{which}_soon", SYSTEM.name, data, at=now)
    record_event(case.ticket, f"mediation.{which}_soon", SYSTEM.name, {"case_id": case.id, **data}, at=now)
    if which == "ends":
        tell_parties(case, "ends_soon", parties=(Party.MERCHANT, Party.SHOPPER, Party.MEDIATOR), due=due)
    else:  # the decision is the mediator's alone to make
        tell_parties(case, "admissibility_soon", parties=(Party.MEDIATOR,), due=due)
    result.add(f"{which}_warning")


def _silence(case: MediationCase, party: Party, now: datetime, result: SweepResult) -> None:
    consent = case.consent_merchant if party is Party.MERCHANT else case.consent_shopper
    if case.status is not CaseStatus.AWAITING_CONSENT or consent is not Consent.PENDING:
        return
    lapse_consent(case, party, SYSTEM, now=now)
    result.add(f"{party.value}_silence")


def _expire(case: MediationCase, now: datetime, result: SweepResult) -> None:
    if case.status is not CaseStatus.OPEN or case.ends_at is None or case.ends_at > now:
        return
    move(case, CaseStatus.EXPIRED, SYSTEM, now=now, data={"ends_at": case.ends_at.isoformat()},
         summary="the mediation reached its time limit")
    result.add("expired")


def _lapse_proposals(now: datetime, result: SweepResult) -> None:
    """Pending answers past their date become `lapsed`, case by case under the case's lock."""
    due_cases = (select(ProposalResponse.case_id).join(MediationProposal,
                                                       MediationProposal.id == ProposalResponse.proposal_id)
                 .where(ProposalResponse.answer == Answer.PENDING, MediationProposal.respond_by <= now))

    def act(case: MediationCase) -> None:
        rows = db.session.execute(
            select(ProposalResponse, MediationProposal).join(
                MediationProposal, MediationProposal.id == ProposalResponse.proposal_id)
            .where(ProposalResponse.case_id == case.id, ProposalResponse.answer == Answer.PENDING,
                   MediationProposal.respond_by <= now).order_by(ProposalResponse.id)).all()
        for response, proposal in rows:
            lapse(case, proposal, response, now=now)
            result.add("proposal_lapsed")

    # Only in open cases: a proposal of a case that has ended ended with it, and nobody's silence is news.
    _each_case(select(MediationCase).where(MediationCase.status == CaseStatus.OPEN,
                                           MediationCase.id.in_(due_cases)), act)
