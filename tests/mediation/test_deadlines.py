"""The clocks of a mediation under time travel (SPEC 6, 6.1), each acting once, whoever sweeps and how often.

The clock is moved with time-machine, so the services and the sweep read the time themselves as the scheduled
job does: the 3-week admissibility warning, the merchant's 20 working days (counted on its business calendar,
across a Moroccan public holiday), the shopper's 15 days, a proposal's date to answer by, the 90-day warning and
expiry, and an extension that moves them. On PostgreSQL two sweeps run at the same instant, in two threads with
their own sessions, and every step still happens once.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.mediation import deadlines, proposals, transitions
from helpdesk.mediation.actors import SHOPPER, Actor
from helpdesk.mediation.deadlines import sweep_deadlines
from helpdesk.mediation.documents import document_available
from helpdesk.mediation.dossier import Amount, open_dossier
from helpdesk.models import (
    MediationCase,
    MediationEvent,
    OpenedBy,
    OutboundMail,
    Party,
    Status,
    Ticket,
    TicketEvent,
    utcnow,
)
from helpdesk.sla.clocks import calendar_for
from tests.conftest import (
    PG_URL,
    make_merchant,
    make_service,
    make_ticket,
    make_user,
    need_service,
    run_together,
)

CASABLANCA = ZoneInfo("Africa/Casablanca")
MINUTE = timedelta(minutes=1)
MEDIATOR = Actor(Party.MEDIATOR, "mediator:1")
BOSS = Actor(Party.MERCHANT, "supervisor:1", supervisor=True)
SWEEPS = [1, pytest.param(2, marks=pytest.mark.pg_only, id="two-workers")]


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CASABLANCA)


@pytest.fixture
def shop(app: Flask) -> Any:
    service = make_service()
    merchant = make_merchant(mediation_service=service.slug, identifiers={"ice": "001234567000089"})
    make_user(merchant)  # a supervisor and a mediator, to be told
    make_user(role="mediator", service=service)
    return merchant


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False) as traveller:
        yield traveller


def open_case(merchant: Any, by: OpenedBy = OpenedBy.MERCHANT) -> MediationCase:
    """A complete dossier at the clock's time (its 3-week and 90-day clocks start now)."""
    ticket = make_ticket(merchant, "Commande jamais livrée")
    case, _ = open_dossier(ticket, by=by, reason="Aucune solution", actor="supervisor:1", claim="Remboursement",
                           amount=Amount(Decimal("449.00"), "MAD"))
    db.session.commit()
    return case


def make_open(case: MediationCase) -> MediationCase:
    transitions.decide_admissibility(case, MEDIATOR, True, None)
    waiting = SHOPPER if case.consent_shopper.value == "pending" else BOSS
    transitions.answer_consent(case, waiting, True)
    db.session.commit()
    assert case.status.value == "open"
    return case


def sweeps(app: Flask, how_many: int) -> None:
    """`how_many` sweeps started together, each in its own app context (own session and connection)."""
    db.session.commit()  # the test's own session holds no lock while the workers sweep
    run_together(app, how_many, sweep_deadlines)
    db.session.expire_all()


def at(clock: Any, app: Flask, when: datetime, how_many: int) -> None:
    """Move the clock, then sweep twice (the second sweep must find nothing left to do)."""
    clock.move_to(when)
    sweeps(app, how_many)
    sweeps(app, how_many)


def case_events(case: MediationCase) -> Counter[str]:
    return Counter(db.session.scalars(select(MediationEvent.kind).where(MediationEvent.case_id == case.id)))


def ticket_events(case: MediationCase) -> Counter[str]:
    return Counter(db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == case.ticket_id)))


def need_workers(how_many: int) -> None:
    if how_many > 1:
        need_service(bool(PG_URL), "PostgreSQL")


@pytest.mark.parametrize("how_many", SWEEPS)
def test_the_admissibility_decision_is_warned_three_days_before_its_three_weeks(app, shop, clock, how_many):
    need_workers(how_many)
    case = open_case(shop)
    assert case.admissibility_due_at == local(2026, 11, 24, 0, 0)  # the end of the 21st day after 2 November
    warn_at = case.admissibility_due_at - deadlines.ADMISSIBILITY_WARNING
    at(clock, app, warn_at - MINUTE, how_many)
    assert case_events(case)["deadline.admissibility_soon"] == 0
    at(clock, app, warn_at, how_many)
    at(clock, app, case.admissibility_due_at + timedelta(days=2), how_many)
    assert case_events(case)["deadline.admissibility_soon"] == 1
    assert ticket_events(case)["mediation.admissibility_soon"] == 1
    mails = db.session.scalars(select(OutboundMail).where(OutboundMail.ticket_id == case.ticket_id,
                                                          OutboundMail.kind == "mediation.admissibility_soon")).all()
    assert [m.to_addr.split("-")[0] for m in mails] == ["mediator"]  # the decision is the mediator's alone
    # The due instant is the end of 23 November, told as that day's last minute, in French on the shop's clock.
    assert "23 novembre 2026" in mails[0].text and "23:59" in mails[0].text, mails[0].text
    assert case.status.value == "submitted"  # a warning, not a decision


@pytest.mark.parametrize(("decided", "due", "holiday"), [
    # Without Independence Day (Wednesday 18 November) the 20th working day would be Monday 7 December.
    (local(2026, 11, 9, 10, 0), local(2026, 12, 9, 0, 0), "2026-11-18"),
    # Without Throne Day (Friday 30 July) it would be Thursday 12 August.
    (local(2027, 7, 15, 10, 0), local(2027, 8, 14, 0, 0), "2027-07-30"),
])
def test_the_merchant_has_twenty_working_days_on_its_calendar(app, shop, clock, decided, due, holiday):
    clock.move_to(decided - timedelta(days=1))
    case = open_case(shop, OpenedBy.SHOPPER)  # the shopper asked: the merchant is asked
    clock.move_to(decided)
    transitions.decide_admissibility(case, MEDIATOR, True, None)
    db.session.commit()
    assert case.merchant_consent_due_at == due and case.shopper_consent_due_at is None
    assert calendar_for(shop).is_closed_date(date.fromisoformat(holiday))
    at(clock, app, due - MINUTE, 1)
    assert case.status.value == "awaiting_consent"
    at(clock, app, due, 1)
    assert case.status.value == "refused" and case.consent_merchant.value == "declined"
    refused = [e for e in db.session.scalars(select(MediationEvent).where(MediationEvent.case_id == case.id))
               if e.kind == "case.refused"]
    assert len(refused) == 1 and refused[0].data["silence"] is True and refused[0].data["party"] == "merchant"
    assert document_available("certificate", case.status.value)  # the shopper's certificate
    assert db.session.get(Ticket, case.ticket_id).status is Status.OPEN


@pytest.mark.parametrize("how_many", SWEEPS)
def test_the_merchants_silence_is_refusal_once_with_two_workers(app, shop, clock, how_many):
    need_workers(how_many)
    clock.move_to(local(2026, 11, 9, 10, 0))
    cases = [open_case(shop, OpenedBy.SHOPPER) for _ in range(3)]
    for case in cases:
        transitions.decide_admissibility(case, MEDIATOR, True, None)
    db.session.commit()
    at(clock, app, local(2026, 12, 9, 0, 0), how_many)
    for case in cases:
        assert case.status.value == "refused"
        assert case_events(case)["case.refused"] == 1 and ticket_events(case)["mediation.refused"] == 1


@pytest.mark.parametrize("how_many", SWEEPS)
def test_the_shopper_has_fifteen_days_then_silence_is_refusal(app, shop, clock, how_many):
    need_workers(how_many)
    case = open_case(shop)  # the merchant asked: the shopper is asked
    transitions.decide_admissibility(case, MEDIATOR, True, None)
    db.session.commit()
    assert case.shopper_consent_due_at == local(2026, 11, 18, 0, 0)  # the end of 17 November, 15 days on
    assert case.merchant_consent_due_at is None
    at(clock, app, case.shopper_consent_due_at - MINUTE, how_many)
    assert case.status.value == "awaiting_consent"
    at(clock, app, case.shopper_consent_due_at, how_many)
    assert case.status.value == "refused" and case.consent_shopper.value == "declined"
    assert case_events(case)["case.refused"] == 1 and ticket_events(case)["mediation.refused"] == 1
    with pytest.raises(Exception) as late:
        transitions.answer_consent(case, SHOPPER, True)
    assert getattr(late.value, "code", None) == "invalid_transition"


def test_the_service_sets_the_shoppers_days(app, shop, clock):
    case = open_case(shop)
    case.mediation_service.settings = {"shopper_answer_days": 10}
    transitions.decide_admissibility(case, MEDIATOR, True, None)
    db.session.commit()
    assert case.shopper_consent_due_at == local(2026, 11, 13, 0, 0)


@pytest.mark.parametrize("how_many", SWEEPS)
def test_a_silent_answer_to_a_proposal_lapses_once(app, shop, clock, how_many):
    need_workers(how_many)
    cases = [make_open(open_case(shop)) for _ in range(3)]
    respond_by = local(2026, 11, 6, 0, 0)
    offers = [proposals.make_proposal(c, MEDIATOR, "Remboursement de 300 MAD", None, respond_by) for c in cases]
    for case, offer in zip(cases, offers, strict=True):
        proposals.respond(case, offer.id, BOSS, True)  # the merchant answers, the shopper stays silent
    db.session.commit()
    at(clock, app, respond_by - MINUTE, how_many)
    assert all(case_events(c)["proposal.lapsed"] == 0 for c in cases)
    at(clock, app, respond_by, how_many)
    for case, offer in zip(cases, offers, strict=True):
        assert case_events(case)["proposal.lapsed"] == 1 and ticket_events(case)["mediation.proposal_lapsed"] == 1
        answers = dict(next(a for p, a in proposals.proposals_of(case) if p.id == offer.id))
        assert answers == {Party.MERCHANT: "accepted", Party.SHOPPER: "lapsed"}
        assert case.status.value == "open"  # a lapse ends nothing: the mediator may try again or close
    with pytest.raises(Exception) as late:
        proposals.respond(cases[0], offers[0].id, SHOPPER, True)
    assert getattr(late.value, "code", None) == "already_answered"
    with pytest.raises(Exception) as no_deal:
        transitions.close(cases[0], MEDIATOR, "agreement", None)
    assert getattr(no_deal.value, "code", None) == "invalid_transition"


def test_a_late_answer_is_recorded_as_lapsed_before_any_sweep(app, shop, clock):
    case = make_open(open_case(shop))
    offer = proposals.make_proposal(case, MEDIATOR, "Bon d'achat", None, local(2026, 11, 6, 0, 0))
    db.session.commit()
    clock.move_to(local(2026, 11, 6, 0, 0))
    with pytest.raises(proposals.ProposalLapsed):
        proposals.respond(case, offer.id, SHOPPER, True)
    db.session.commit()  # as the routes do: the lapse stays recorded
    sweeps(app, 1)
    assert case_events(case)["proposal.lapsed"] == 2  # the shopper's (now) and the merchant's (by the sweep)


@pytest.mark.parametrize("how_many", SWEEPS)
def test_ninety_days_warn_a_week_before_then_expire_and_an_extension_moves_both(app, shop, clock, how_many):
    need_workers(how_many)
    plain, extended = (make_open(open_case(shop)) for _ in range(2))
    ends = local(2027, 2, 1, 0, 0)  # the end of the 90th day after 2 November 2026
    assert plain.ends_at == extended.ends_at == ends
    at(clock, app, ends - deadlines.ENDS_WARNING - MINUTE, how_many)
    assert case_events(plain)["deadline.ends_soon"] == 0
    at(clock, app, ends - deadlines.ENDS_WARNING, how_many)
    assert case_events(plain)["deadline.ends_soon"] == case_events(extended)["deadline.ends_soon"] == 1

    later = ends + timedelta(days=30)
    transitions.extend(extended, MEDIATOR, later, "Expertise du produit en cours")
    db.session.commit()
    told = db.session.scalars(select(OutboundMail.to_addr).where(OutboundMail.ticket_id == extended.ticket_id,
                                                                 OutboundMail.kind == "mediation.extended")).all()
    assert extended.ticket.customer.email in told and any(t.startswith("supervisor-") for t in told)

    at(clock, app, ends, how_many)
    assert plain.status.value == "expired" and extended.status.value == "open"
    assert case_events(plain)["case.expired"] == 1 and ticket_events(plain)["mediation.expired"] == 1
    assert plain.outcome_kind == "expired" and document_available("certificate", "expired")
    assert db.session.get(Ticket, plain.ticket_id).status is Status.OPEN

    at(clock, app, later - deadlines.ENDS_WARNING, how_many)
    assert case_events(extended)["deadline.ends_soon"] == 2  # the new end has its own warning
    at(clock, app, later - MINUTE, how_many)
    assert extended.status.value == "open"
    at(clock, app, later, how_many)
    assert extended.status.value == "expired"
    assert case_events(extended)["case.expired"] == 1 and case_events(extended)["case.extended"] == 1
    assert case_events(plain)["deadline.ends_soon"] == 1 and case_events(plain)["case.expired"] == 1


@pytest.mark.parametrize("how_many", SWEEPS)
def test_every_deadline_at_once_in_small_batches_acts_once(app, shop, clock, how_many, monkeypatch):
    """Many cases due at the same instants, swept in batches of two: the workers share them, none acts twice."""
    need_workers(how_many)
    monkeypatch.setattr(deadlines, "BATCH", 2)
    submitted = [open_case(shop) for _ in range(3)]
    merchant_asked = [open_case(shop, OpenedBy.SHOPPER) for _ in range(3)]
    shopper_asked = [open_case(shop) for _ in range(3)]
    for case in merchant_asked + shopper_asked:
        transitions.decide_admissibility(case, MEDIATOR, True, None)
    opened = [make_open(open_case(shop)) for _ in range(3)]
    for case in opened:
        proposals.make_proposal(case, MEDIATOR, "Avoir de 200 MAD", None, local(2026, 11, 20, 0, 0))
    db.session.commit()
    instants = sorted({c.admissibility_due_at - deadlines.ADMISSIBILITY_WARNING for c in submitted}
                      | {c.merchant_consent_due_at for c in merchant_asked}
                      | {c.shopper_consent_due_at for c in shopper_asked}
                      | {local(2026, 11, 20, 0, 0)}
                      | {c.ends_at - deadlines.ENDS_WARNING for c in opened} | {c.ends_at for c in opened})
    for instant in instants:
        at(clock, app, instant, how_many)
    expected = {"deadline.admissibility_soon": submitted, "case.refused": merchant_asked + shopper_asked,
                "deadline.ends_soon": opened, "case.expired": opened}
    for kind, cases in expected.items():
        assert [case_events(c)[kind] for c in cases] == [1] * len(cases), kind
    assert [case_events(c)["proposal.lapsed"] for c in opened] == [2, 2, 2]  # both parties were silent
    assert utcnow() >= max(instants).astimezone(UTC)


def test_the_schedule_the_job_and_the_command_run_the_sweep(app, shop, clock):
    from click.testing import CliRunner

    from helpdesk.jobs import REGISTRY
    from worker.schedules import SCHEDULES

    assert any(s.job == "mediation_deadlines" for s in SCHEDULES) and "mediation_deadlines" in REGISTRY
    first, second = open_case(shop), open_case(shop)
    clock.move_to(first.admissibility_due_at - deadlines.ADMISSIBILITY_WARNING)
    assert REGISTRY["mediation_deadlines"].func() == 2
    for case in (first, second):
        transitions.decide_admissibility(case, MEDIATOR, True, None)
    db.session.commit()
    clock.move_to(first.shopper_consent_due_at)
    out = CliRunner().invoke(app.cli, ["mediation-sweep", "--json"], catch_exceptions=False).stdout
    assert json.loads(out) == {"shopper_silence": 2}
    again = CliRunner().invoke(app.cli, ["mediation-sweep"], catch_exceptions=False)
    assert again.exit_code == 0 and "no mediation deadline due" in again.output
