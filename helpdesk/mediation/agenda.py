"""The workspace's queue: each visible case with the deadlines still ahead of it, soonest first.

A mediator works by what comes due (deciding admissibility, a party's
consent, an answer to a proposal, the end of the mediation), so the queue
is sorted by the next deadline rather than by age; final cases have none
and come after, newest first. Who sees which case is `queue.visible_cases`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth.principal import Principal
from ..extensions import db
from ..models import (
    Answer,
    CaseStatus,
    Consent,
    MediationCase,
    MediationProposal,
    ProposalResponse,
    Ticket,
)
from ..models.mediation import ACTIVE_CASE_STATUSES
from .queue import visible_cases

SOON = timedelta(days=3)  # the same margin as the sweep's admissibility warning
QUEUE_LIMIT = 500  # a service's active queue; final cases are read 200 at a time, newest first
ACTIVE = "active"


@dataclass(frozen=True)
class Deadline:
    kind: str  # admissibility | consent_merchant | consent_shopper | proposal | ends
    due_at: datetime
    state: str  # passed | soon | later

    @classmethod
    def at(cls, kind: str, due_at: datetime, now: datetime) -> Deadline:
        state = "passed" if due_at <= now else "soon" if due_at - now <= SOON else "later"
        return cls(kind, due_at, state)


def deadlines_of(cases: Iterable[MediationCase], now: datetime) -> dict[int, list[Deadline]]:
    """Every deadline still running per case, soonest first (one query for the pending proposals)."""
    cases = list(cases)
    answers = _pending_answers([c.id for c in cases if c.status is CaseStatus.OPEN])
    found: dict[int, list[Deadline]] = {}
    for case in cases:
        due: list[tuple[str, datetime | None]] = []
        if case.status is CaseStatus.SUBMITTED:
            due.append(("admissibility", case.admissibility_due_at))
        elif case.status is CaseStatus.AWAITING_CONSENT:
            if case.consent_merchant is Consent.PENDING:
                due.append(("consent_merchant", case.merchant_consent_due_at))
            if case.consent_shopper is Consent.PENDING:
                due.append(("consent_shopper", case.shopper_consent_due_at))
        elif case.status is CaseStatus.OPEN:
            due += [("proposal", answers.get(case.id)), ("ends", case.ends_at)]
        found[case.id] = sorted((Deadline.at(kind, at, now) for kind, at in due if at is not None),
                                key=lambda d: d.due_at)
    return found


def _pending_answers(case_ids: list[int]) -> dict[int, datetime]:
    """The earliest date by which a party of each open case must still answer a proposal."""
    if not case_ids:
        return {}
    rows = db.session.execute(
        select(ProposalResponse.case_id, func.min(MediationProposal.respond_by))
        .join(MediationProposal, MediationProposal.id == ProposalResponse.proposal_id)
        .where(ProposalResponse.case_id.in_(case_ids), ProposalResponse.answer == Answer.PENDING)
        .group_by(ProposalResponse.case_id))
    return {case_id: at for case_id, at in rows}


def queue_of(principal: Principal, status: str | None, now: datetime
             ) -> tuple[list[MediationCase], dict[int, list[Deadline]]]:
    """The caller's cases for one status (or every active one), sorted by their next deadline."""
    stmt = visible_cases(principal).options(
        selectinload(MediationCase.merchant), selectinload(MediationCase.ticket).selectinload(Ticket.customer))
    if status in (None, "", ACTIVE):
        stmt = stmt.where(MediationCase.status.in_(ACTIVE_CASE_STATUSES)).limit(QUEUE_LIMIT)
    else:
        stmt = stmt.where(MediationCase.status == CaseStatus(status)).limit(200)
    cases = list(db.session.scalars(stmt.order_by(MediationCase.id.desc())))
    deadlines = deadlines_of(cases, now)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    # Stable sort: cases without a deadline keep their newest-first order after the others.
    cases.sort(key=lambda c: deadlines[c.id][0].due_at if deadlines[c.id] else far)
    return cases, deadlines


def status_counts(principal: Principal) -> dict[str, int]:
    """How many visible cases are in each status (the queue's filter shows them)."""
    scope = visible_cases(principal).subquery()
    rows = db.session.execute(select(scope.c.status, func.count()).group_by(scope.c.status))
    counts = {CaseStatus(s).value: n for s, n in rows}
    counts[ACTIVE] = sum(counts.get(s.value, 0) for s in ACTIVE_CASE_STATUSES)
    return counts
