"""Collective mediation (SPEC 6, last bullet): open cases of one merchant joined so one offer reaches every shopper.

Each member stays its own case (its shopper, caucus and answers); the
collective adds a title and proposals answered once per member case. The
counts are of shoppers; no shopper ever sees another one.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    Answer,
    CaseStatus,
    CollectiveCase,
    MediationCase,
    MediationProposal,
    Party,
    ProposalResponse,
    utcnow,
)
from ..tickets.timeline import record_event
from .actors import Actor, require
from .dossier import Amount
from .events import record_case_event
from .notify import tell_parties
from .proposals import amount_of, ask_parties, new_proposal


def create_collective(service_id: int, actor: Actor, title: str, case_ids: list[int], *,
                      now: datetime | None = None) -> CollectiveCase:
    """Join open cases of one merchant, all in the mediator's service, into one collective case."""
    require(actor, "mediator")
    now = now or utcnow()
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("A collective case needs a title.", fields={"title": ["required"]})
    ids = sorted(set(case_ids))
    if len(ids) < 2:
        raise ValidationFailed("Join at least two cases.", fields={"cases": ["at least two"]})
    cases = list(db.session.scalars(select(MediationCase).where(
        MediationCase.id.in_(ids), MediationCase.mediation_service_id == service_id)
        .order_by(MediationCase.id).with_for_update()))
    if len(cases) != len(ids):
        raise NotFound("No such case.")
    if len({c.merchant_id for c in cases}) != 1:
        raise ValidationFailed("A collective case joins disputes against one merchant.", fields={"cases": ["mixed"]})
    if not_open := [c.id for c in cases if c.status is not CaseStatus.OPEN]:
        raise InvalidTransition(f"only open cases can be joined; not open: {not_open}")
    if joined := [c.id for c in cases if c.collective_id is not None]:
        raise Conflict(f"already in a collective case: {joined}", code="already_joined")
    collective = CollectiveCase(mediation_service_id=service_id, merchant_id=cases[0].merchant_id, title=title,
                                created_by=actor.name, created_at=now)
    db.session.add(collective)
    db.session.flush()
    for case in cases:
        case.collective_id, case.updated_at = collective.id, now
        record_case_event(case, "case.joined", actor.name, {"collective": collective.id}, at=now)
        record_event(case.ticket, "mediation.joined", actor.name, {"case_id": case.id, "collective": collective.id},
                     at=now)
        tell_parties(case, "collective", parties=(Party.SHOPPER,), remind_withdrawal=True)
    return collective


def members(collective: CollectiveCase, *, for_update: bool = False) -> list[MediationCase]:
    stmt = select(MediationCase).where(MediationCase.collective_id == collective.id).order_by(MediationCase.id)
    return list(db.session.scalars(stmt.with_for_update() if for_update else stmt))


def propose_to_all(collective: CollectiveCase, actor: Actor, terms: str, amount: Amount | None, respond_by: datetime,
                   *, now: datetime | None = None) -> MediationProposal:
    """One offer put to every shopper of the collective whose case is still open."""
    require(actor, "mediator", "supervisor")
    now = now or utcnow()
    open_members = [c for c in members(collective, for_update=True) if c.status is CaseStatus.OPEN]
    if not open_members:
        raise InvalidTransition("no member case is open any more")
    proposal = new_proposal(actor, terms, amount, respond_by, now, merchant_id=collective.merchant_id,
                    collective_id=collective.id)
    for case in open_members:
        ask_parties(proposal, case, actor, now)
        tell_parties(case, "proposal", parties=(Party.SHOPPER,) if actor.party is Party.MERCHANT else
                     (Party.MERCHANT, Party.SHOPPER))
    return proposal


def collective_view(collective: CollectiveCase) -> dict[str, Any]:
    """SPEC 6.1: the members and, per proposal, how many shoppers accepted, refused or have not answered."""
    proposals = list(db.session.scalars(select(MediationProposal).where(
        MediationProposal.collective_id == collective.id).order_by(MediationProposal.id)))
    counts: dict[int, dict[Answer, int]] = {p.id: {} for p in proposals}
    if proposals:
        still_open = MediationCase.status == CaseStatus.OPEN
        for proposal_id, answer, is_open, n in db.session.execute(
                select(ProposalResponse.proposal_id, ProposalResponse.answer, still_open, func.count())
                .join(MediationCase, MediationCase.id == ProposalResponse.case_id)
                .where(ProposalResponse.proposal_id.in_(list(counts)), ProposalResponse.party == Party.SHOPPER)
                .group_by(ProposalResponse.proposal_id, ProposalResponse.answer, still_open)):
            # A shopper who left the mediation without answering has not accepted the offer.
            answer = Answer(answer)
            if answer is Answer.PENDING and not is_open:
                answer = Answer.REFUSED
            counts[proposal_id][answer] = counts[proposal_id].get(answer, 0) + n
    merchant = collective.merchant
    return {
        "id": collective.id, "title": collective.title,
        "merchant": {"slug": merchant.slug, "name": merchant.name},
        "cases": [c.id for c in members(collective)],
        "proposals": [{"id": p.id, "terms": p.terms, "amount": amount_of(p), "respond_by": p.respond_by,
                       "made_by": p.made_by.value,
                       "accepted": counts[p.id].get(Answer.ACCEPTED, 0),
                       "refused": counts[p.id].get(Answer.REFUSED, 0) + counts[p.id].get(Answer.LAPSED, 0),
                       "pending": counts[p.id].get(Answer.PENDING, 0)} for p in proposals],
        "created_at": collective.created_at,
    }
