"""Proposals: terms put to both parties with a date to answer by; each accepts, refuses or lets it lapse.

A proposal made by the merchant counts as accepted by the merchant. A
collective proposal is one row answered once per member case, so each
shopper's answer stays in that shopper's case.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select

from ..errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ..extensions import db
from ..models import Answer, CaseStatus, MediationCase, MediationProposal, Party, ProposalResponse, utcnow
from ..tickets.timeline import record_event
from .actors import Actor, require
from .dossier import Amount
from .events import record_case_event
from .notify import tell_parties
from .queue import id_or_404

PARTIES = (Party.MERCHANT, Party.SHOPPER)


class ProposalLapsed(Conflict):
    """The date to answer this proposal has passed (the silence is recorded as `lapsed`; the caller commits it)."""

    code = "proposal_lapsed"


def make_proposal(case: MediationCase, actor: Actor, terms: str, amount: Amount | None, respond_by: datetime, *,
                  now: datetime | None = None) -> MediationProposal:
    """The mediator or the merchant puts terms to the parties of an open case."""
    require(actor, "mediator", "supervisor")
    now = now or utcnow()
    if case.status is not CaseStatus.OPEN:
        raise InvalidTransition(f"proposals are made in an open case; it is {case.status.value}")
    proposal = new_proposal(actor, terms, amount, respond_by, now, merchant_id=case.merchant_id, case_id=case.id)
    ask_parties(proposal, case, actor, now)
    tell_parties(case, "proposal")
    return proposal


def new_proposal(actor: Actor, terms: str, amount: Amount | None, respond_by: datetime, now: datetime, **where: int
         ) -> MediationProposal:
    terms = (terms or "").strip()
    if not terms:
        raise ValidationFailed("A proposal needs its terms.", fields={"terms": ["required"]})
    if respond_by <= now:
        raise ValidationFailed("The date to answer by has passed.", fields={"respond_by": ["must be in the future"]})
    assert actor.party is not None
    proposal = MediationProposal(made_by=actor.party, author=actor.name, terms=terms,
                                 amount_value=amount.value if amount else None,
                                 amount_currency=amount.currency if amount else None,
                                 respond_by=respond_by, created_at=now, **where)
    db.session.add(proposal)
    db.session.flush()
    return proposal


def ask_parties(proposal: MediationProposal, case: MediationCase, actor: Actor, now: datetime) -> None:
    """One pending answer per party in this case (the proposing party has answered by proposing)."""
    for party in PARTIES:
        answered = party is actor.party
        db.session.add(ProposalResponse(proposal_id=proposal.id, case_id=case.id, party=party,
                                        answer=Answer.ACCEPTED if answered else Answer.PENDING,
                                        answered_at=now if answered else None))
    data = {"proposal_id": proposal.id, "made_by": proposal.made_by.value, "respond_by": proposal.respond_by.isoformat()}
    if proposal.collective_id:
        data["collective"] = proposal.collective_id
    record_case_event(case, "proposal.made", actor.name, data, at=now)
    record_event(case.ticket, "mediation.proposal", actor.name, {"case_id": case.id, **data}, at=now)
    db.session.flush()


def respond(case: MediationCase, proposal_id: int | str, actor: Actor, accept: bool, *,
            now: datetime | None = None) -> ProposalResponse:
    """A party accepts or refuses before the date; past it, the answer is recorded as lapsed and this is 409."""
    require(actor, "supervisor", "shopper")
    now = now or utcnow()
    row = db.session.scalar(select(ProposalResponse).where(
        ProposalResponse.proposal_id == id_or_404(proposal_id, "proposal"), ProposalResponse.case_id == case.id,
        ProposalResponse.party == actor.party).with_for_update())
    if row is None:
        raise NotFound("No such proposal.")
    if case.status is not CaseStatus.OPEN:
        raise InvalidTransition(f"proposals are answered in an open case; it is {case.status.value}")
    proposal = db.session.get(MediationProposal, row.proposal_id)
    assert proposal is not None
    if row.answer is Answer.PENDING and proposal.respond_by <= now:
        lapse(case, proposal, row, now=now)
        raise ProposalLapsed("The date to answer this proposal has passed.")
    if row.answer is not Answer.PENDING:
        raise Conflict(f"This proposal was already answered: {row.answer.value}.", code="already_answered")
    row.answer, row.answered_at = (Answer.ACCEPTED if accept else Answer.REFUSED), now
    party = actor.party.value if actor.party else "system"
    data = {"proposal_id": proposal.id, "party": party, "accept": accept}
    record_case_event(case, "proposal.responded", actor.name, data, at=now)
    record_event(case.ticket, "mediation.proposal_answered", actor.name, {"case_id": case.id, **data}, at=now)
    tell_parties(case, "proposal_answered", parties=[p for p in PARTIES if p is not actor.party] + [Party.MEDIATOR])
    case.updated_at = now
    return row


def lapse(case: MediationCase, proposal: MediationProposal, row: ProposalResponse, *, now: datetime) -> None:
    """Record a party's silence past the date as `lapsed` (once: only a pending answer lapses)."""
    if row.answer is not Answer.PENDING:
        return
    row.answer, row.answered_at = Answer.LAPSED, now
    data = {"proposal_id": proposal.id, "party": row.party.value}
    record_case_event(case, "proposal.lapsed", "system", data, at=now)
    record_event(case.ticket, "mediation.proposal_lapsed", "system", {"case_id": case.id, **data}, at=now)


def proposals_of(case: MediationCase) -> list[tuple[MediationProposal, dict[Party, Answer]]]:
    """The case's proposals (its own and its collective's), oldest first, with this case's answers."""
    where = [MediationProposal.case_id == case.id]
    if case.collective_id:
        where.append(MediationProposal.collective_id == case.collective_id)
    proposals = list(db.session.scalars(select(MediationProposal).where(or_(*where)).order_by(MediationProposal.id)))
    answers: dict[int, dict[Party, Answer]] = {p.id: {} for p in proposals}
    if proposals:
        for r in db.session.scalars(select(ProposalResponse).where(
                ProposalResponse.case_id == case.id, ProposalResponse.proposal_id.in_(list(answers)))):
            answers[r.proposal_id][r.party] = r.answer
    return [(p, answers[p.id]) for p in proposals]


def amount_of(proposal: MediationProposal) -> dict[str, str] | None:
    if proposal.amount_value is None:
        return None
    return {"value": f"{Decimal(proposal.amount_value):.2f}", "currency": proposal.amount_currency or ""}
