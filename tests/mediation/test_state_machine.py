"""The case state machine under random use: hypothesis drives cases through random sequences of the services
(admissibility, consent, withdrawal, proposals and answers, close, extension, messages, the deadline sweep) by
random actors, with the clock moved forward through the services' `now=` parameters.

The test keeps its own model of a case, written from SPEC 6.1 and not from the code (the table below is typed
out again on purpose), and after every step compares the database with it:

- no status change outside the SPEC table, and a final status never changes again;
- each step records its events once, in order (seq 1..n without a gap or a repeat);
- an agreement is always backed by a proposal that both parties accepted;
- the ticket is `escalated` while its case is active, `resolved` after an agreement, `open` after any other end;
- an actor the SPEC does not allow gets 403, a step the status does not allow 409 `invalid_transition`.
"""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from helpdesk.errors import DomainError
from helpdesk.extensions import db
from helpdesk.mediation import proposals, room, transitions
from helpdesk.mediation.actors import SHOPPER, Actor
from helpdesk.mediation.deadlines import sweep_deadlines
from helpdesk.mediation.dossier import Amount, open_dossier
from helpdesk.models import (
    MediationCase,
    MediationEvent,
    OpenedBy,
    Party,
    ProposalResponse,
    Role,
    Status,
    Ticket,
    User,
    utcnow,
)
from helpdesk.tickets.timeline import verify_chain
from tests.conftest import make_merchant, make_service, make_ticket

# SPEC 6.1, typed out again: the code's own table is what is under test.
SPEC_TABLE: dict[str, set[str]] = {
    "submitted": {"awaiting_consent", "inadmissible", "withdrawn"},
    "awaiting_consent": {"open", "refused", "withdrawn"},
    "open": {"agreement", "failure", "expired", "withdrawn"},
}
FINAL = {"inadmissible", "refused", "agreement", "failure", "withdrawn", "expired"}
WARN_ADMISSIBILITY = timedelta(days=3)  # the sweep warns this long before the 3-week decision is due
WARN_ENDS = timedelta(days=7)  # and this long before the 90 days end
ACTORS = ("mediator", "supervisor", "agent", "shopper")
FORBIDDEN = (403, "forbidden")
INVALID = (409, "invalid_transition")
ALREADY = (409, "already_answered")
INVALID_INPUT = (422, "validation_failed")
LAPSED = (409, "proposal_lapsed")
MISSING = (404, "not_found")
ALL = ("decide", "consent", "withdraw", "propose", "respond", "close", "extend", "post", "wait")
# The steps each status invites (drawn 7 times in 10; any step otherwise, which mostly must be refused)
NATURAL = {
    "submitted": ("decide", "decide", "wait"),
    "awaiting_consent": ("consent", "consent", "wait"),
    **{final: ALL for final in ("inadmissible", "refused", "agreement", "failure", "withdrawn", "expired")},
}
OPEN_NO_PROPOSAL = ("propose", "propose", "close", "extend", "post", "wait")
OPEN_PENDING = ("respond", "respond", "respond", "wait", "propose", "post", "close")
OPEN_AGREED = ("close", "close", "respond", "propose", "post", "wait")


@dataclass
class ProposalModel:
    respond_by: datetime
    answers: dict[str, str]  # "merchant" / "shopper" -> pending | accepted | refused | lapsed


@dataclass
class CaseModel:
    id: int
    ticket_id: int
    opened_by: str
    ends_at: datetime
    admissibility_due_at: datetime
    status: str = "submitted"
    consent: dict[str, str] = field(default_factory=dict)
    consent_due: dict[str, datetime] = field(default_factory=dict)
    events: list[str] = field(default_factory=lambda: ["case.submitted"])
    proposals: dict[int, ProposalModel] = field(default_factory=dict)
    warned: set[str] = field(default_factory=set)
    agreed_on: int | None = None

    def become(self, to: str) -> None:
        """The model's own guard: it only ever makes the moves of the SPEC table."""
        assert to in SPEC_TABLE.get(self.status, set()), (self.status, to)
        self.status = to
        self.events.append(f"case.{to}")

    def pending(self) -> list[tuple[int, str]]:
        return [(pid, party) for pid, p in sorted(self.proposals.items()) for party, answer in p.answers.items()
                if answer == "pending"]

    def agreed(self) -> int | None:
        both = [pid for pid, p in self.proposals.items()
                if p.answers["merchant"] == "accepted" and p.answers["shopper"] == "accepted"]
        return max(both) if both else None


def _empty() -> None:
    """DELETE rather than TRUNCATE: with a few rows, many times faster on PostgreSQL."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


class MediationMachine(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        _empty()  # each example starts from nothing, so the sweep only meets this example's cases
        service = make_service()
        self.merchant = make_merchant(mediation_service=service.slug, identifiers={"ice": "001234567000089"})
        # Rows only (no password to hash): the mails need a supervisor and a mediator to go to.
        boss = User(email=f"boss-{secrets.token_hex(3)}@example.com", password_hash="!", role=Role.SUPERVISOR,
                    merchant_id=self.merchant.id)
        mediator = User(email=f"med-{secrets.token_hex(3)}@example.com", password_hash="!", role=Role.MEDIATOR,
                        mediation_service_id=service.id)
        agent = User(email=f"agent-{secrets.token_hex(3)}@example.com", password_hash="!", role=Role.AGENT,
                     merchant_id=self.merchant.id)
        db.session.add_all([boss, mediator, agent])
        db.session.commit()
        self.actors = {
            "mediator": Actor(Party.MEDIATOR, f"mediator:{mediator.id}"),
            "supervisor": Actor(Party.MERCHANT, f"supervisor:{boss.id}", supervisor=True),
            "agent": Actor(Party.MERCHANT, f"agent:{agent.id}"),
            "shopper": SHOPPER,
        }
        self.now = utcnow()
        self.models: dict[int, CaseModel] = {}
        self.seen_status: dict[int, str] = {}

    # -- helpers ------------------------------------------------------------------------------------

    def attempt(self, expected: tuple[int, str] | None, call: Any) -> Any:
        """Run one service call as the API does (commit on success, roll back a refusal) and compare."""
        try:
            value = call()
        except DomainError as exc:
            if exc.code == "proposal_lapsed":
                db.session.commit()  # the silence is recorded even though the late answer is refused
            else:
                db.session.rollback()
            assert expected == (exc.status, exc.code), f"expected {expected}, got {exc.status} {exc.code}: {exc}"
            return None
        db.session.commit()
        assert expected is None, f"expected {expected}, the call succeeded"
        return value

    def case(self, case_id: int) -> MediationCase:
        found = db.session.get(MediationCase, case_id, populate_existing=True)
        assert found is not None
        return found

    # -- rules --------------------------------------------------------------------------------------

    @initialize(target=cases, by=st.sampled_from([OpenedBy.MERCHANT, OpenedBy.SHOPPER, OpenedBy.RULE]))
    def first_case(self, by: OpenedBy) -> int:
        return self.open_case(by)

    @precondition(lambda self: len(self.models) < 2)
    @rule(target=cases, by=st.sampled_from([OpenedBy.MERCHANT, OpenedBy.SHOPPER, OpenedBy.RULE]))
    def another_case(self, by: OpenedBy) -> int:
        return self.open_case(by)

    @rule(case_id=cases, data=st.data())
    def act(self, case_id: int, data: st.DataObject) -> None:
        """One step on a case: mostly one that its status invites, by the party it is for; else anything."""
        m = self.models[case_id]
        natural = NATURAL.get(m.status) or (OPEN_AGREED if m.agreed() else OPEN_PENDING if m.pending() else
                                             OPEN_NO_PROPOSAL)
        action = data.draw(st.sampled_from(natural) if data.draw(st.integers(0, 9)) < 7 else st.sampled_from(ALL),
                           label="action")
        getattr(self, f"do_{action}")(m, data)

    def who(self, data: st.DataObject, *right: str) -> str:
        """The party a step is for (most of the time), else anyone: the others must get 403."""
        return data.draw(st.sampled_from(right) if data.draw(st.integers(0, 9)) < 7 else st.sampled_from(ACTORS),
                         label="who")

    # -- the steps, each with what SPEC 6.1 expects of it --------------------------------------------

    def open_case(self, by: OpenedBy) -> int:
        ticket = make_ticket(self.merchant, f"Commande {secrets.token_hex(2)} jamais livrée")
        self.now = max(self.now, utcnow())
        case, created = open_dossier(ticket, by=by, reason="Aucune solution", actor="supervisor:1",
                                     claim="Remboursement", amount=Amount(Decimal("449.00"), "MAD"), now=self.now)
        db.session.commit()
        assert created and case.ends_at is not None and case.admissibility_due_at is not None
        asker = "shopper" if by is OpenedBy.SHOPPER else "merchant"
        other = "merchant" if asker == "shopper" else "shopper"
        self.models[case.id] = CaseModel(id=case.id, ticket_id=ticket.id, opened_by=by.value, ends_at=case.ends_at,
                                         admissibility_due_at=case.admissibility_due_at,
                                         consent={asker: "accepted", other: "pending"})
        self.seen_status[case.id] = "submitted"
        return case.id

    def do_decide(self, m: CaseModel, data: st.DataObject) -> None:
        who = self.who(data, "mediator")
        admissible = data.draw(st.sampled_from([True, True, True, False]), label="admissible")
        reason = data.draw(st.booleans(), label="reason")
        expected = (FORBIDDEN if who != "mediator" else INVALID if m.status != "submitted"
                    else INVALID_INPUT if not admissible and not reason else None)
        self.attempt(expected, lambda: transitions.decide_admissibility(
            self.case(m.id), self.actors[who], admissible, "Hors délai" if reason else None, now=self.now))
        if expected is None:
            m.become("awaiting_consent" if admissible else "inadmissible")
            if admissible:
                case = self.case(m.id)
                due = {"merchant": case.merchant_consent_due_at, "shopper": case.shopper_consent_due_at}
                for party, answer in m.consent.items():
                    assert (due[party] is not None) == (answer == "pending"), (party, due)
                    if due[party] is not None:
                        assert due[party] > self.now
                        m.consent_due[party] = due[party]

    def do_consent(self, m: CaseModel, data: st.DataObject) -> None:
        who = self.who(data, "supervisor" if m.consent.get("merchant") == "pending" else "shopper")
        accept = data.draw(st.sampled_from([True, True, True, False]), label="accept")
        party = "shopper" if who == "shopper" else "merchant"
        expected = (FORBIDDEN if who not in ("supervisor", "shopper") else INVALID if m.status != "awaiting_consent"
                    else ALREADY if m.consent[party] != "pending" else None)
        self.attempt(expected, lambda: transitions.answer_consent(self.case(m.id), self.actors[who], accept,
                                                                  now=self.now))
        if expected is None:
            m.consent[party] = "accepted" if accept else "declined"
            m.events.append("consent.answered")
            if not accept:
                m.become("refused")
            elif set(m.consent.values()) == {"accepted"}:
                m.become("open")

    def do_withdraw(self, m: CaseModel, data: st.DataObject) -> None:
        who = self.who(data, "supervisor", "shopper")
        expected = (FORBIDDEN if who not in ("supervisor", "shopper") else INVALID if m.status not in SPEC_TABLE
                    else None)
        self.attempt(expected, lambda: transitions.withdraw(self.case(m.id), self.actors[who], now=self.now))
        if expected is None:
            m.become("withdrawn")

    def do_propose(self, m: CaseModel, data: st.DataObject) -> None:
        who = self.who(data, "mediator", "supervisor")
        respond_by = self.now + timedelta(hours=data.draw(st.sampled_from([240, 48, 2, 240, -1]), label="hours"))
        expected = (FORBIDDEN if who not in ("mediator", "supervisor") else INVALID if m.status != "open"
                    else INVALID_INPUT if respond_by <= self.now else None)
        made = self.attempt(expected, lambda: proposals.make_proposal(
            self.case(m.id), self.actors[who], "Remboursement de 300 MAD", Amount(Decimal("300.00"), "MAD"),
            respond_by, now=self.now))
        if expected is None:
            # a merchant's proposal is accepted by the merchant by making it
            m.proposals[made.id] = ProposalModel(respond_by, {
                "merchant": "accepted" if who == "supervisor" else "pending", "shopper": "pending"})
            m.events.append("proposal.made")

    def do_respond(self, m: CaseModel, data: st.DataObject) -> None:
        pending = m.pending()
        pid, party = data.draw(st.sampled_from(pending), label="pending") if pending else (10**9, "merchant")
        if data.draw(st.integers(0, 9), label="any proposal") == 9:  # now and then any id, even one that is not
            pid = data.draw(st.sampled_from([*m.proposals, 10**9]), label="pid")
        who = self.who(data, "supervisor" if party == "merchant" else "shopper")
        party = "shopper" if who == "shopper" else "merchant"
        accept = data.draw(st.sampled_from([True, True, False]), label="accept")
        p = m.proposals.get(pid)
        late = p is not None and p.answers[party] == "pending" and p.respond_by <= self.now
        expected = (FORBIDDEN if who not in ("supervisor", "shopper") else MISSING if p is None
                    else INVALID if m.status != "open" else LAPSED if late
                    else ALREADY if p.answers[party] != "pending" else None)
        self.attempt(expected, lambda: proposals.respond(self.case(m.id), pid, self.actors[who], accept,
                                                         now=self.now))
        if p is not None and expected == LAPSED:
            p.answers[party] = "lapsed"
            m.events.append("proposal.lapsed")
        elif p is not None and expected is None:
            p.answers[party] = "accepted" if accept else "refused"
            m.events.append("proposal.responded")

    def do_close(self, m: CaseModel, data: st.DataObject) -> None:
        who = self.who(data, "mediator")
        outcome = data.draw(st.sampled_from(["agreement", "failure", "agreement", "withdrawn"]), label="outcome")
        expected = (FORBIDDEN if who != "mediator" else INVALID_INPUT if outcome == "withdrawn"
                    else INVALID if m.status != "open" else INVALID if outcome == "agreement" and m.agreed() is None
                    else None)
        self.attempt(expected, lambda: transitions.close(self.case(m.id), self.actors[who], outcome, "Fin",
                                                         now=self.now))
        if expected is None:
            m.agreed_on = m.agreed() if outcome == "agreement" else None
            m.become(outcome)

    def do_extend(self, m: CaseModel, data: st.DataObject) -> None:
        who = self.who(data, "mediator")
        days = data.draw(st.sampled_from([10, 45, 0, -2]), label="days")
        reason = data.draw(st.sampled_from([True, True, False]), label="reason")
        until = max(m.ends_at, self.now) + timedelta(days=days)
        expected = (FORBIDDEN if who != "mediator" else INVALID if m.status not in SPEC_TABLE
                    else INVALID_INPUT if not reason or days <= 0 else None)
        self.attempt(expected, lambda: transitions.extend(self.case(m.id), self.actors[who], until,
                                                          "Expertise demandée" if reason else "  ", now=self.now))
        if expected is None:
            m.ends_at = until
            m.warned.discard("ends")  # the new end gets its own warning
            m.events.append("case.extended")

    def do_post(self, m: CaseModel, data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(ACTORS), label="who")
        channel = data.draw(st.sampled_from(["joint", "caucus:merchant", "caucus:shopper"]), label="channel")
        readable = {"mediator": {"joint", "caucus:merchant", "caucus:shopper"},
                    "supervisor": {"joint", "caucus:merchant"}, "agent": {"joint", "caucus:merchant"},
                    "shopper": {"joint", "caucus:shopper"}}[who]
        expected = FORBIDDEN if channel not in readable else INVALID if m.status not in SPEC_TABLE else None
        self.attempt(expected, lambda: room.post_message(self.case(m.id), self.actors[who], channel, "Bonjour",
                                                         now=self.now))
        if expected is None:
            m.events.append("message.posted")

    def do_wait(self, m: CaseModel, data: st.DataObject) -> None:
        """Time passes (from an hour to 45 days), then the deadline sweep runs, as the schedule would."""
        self.now += data.draw(st.sampled_from([timedelta(days=30), timedelta(days=4), timedelta(hours=1),
                                               timedelta(days=12), timedelta(days=1), timedelta(days=45)]),
                              label="wait")
        self.sweep()

    def sweep(self) -> None:
        """The model of the sweep, in the order the SPEC's deadlines are taken, then the real one."""
        counts: Counter[str] = Counter()
        now = self.now
        for m in self.models.values():
            if m.status == "submitted" and m.admissibility_due_at <= now + WARN_ADMISSIBILITY \
                    and "admissibility" not in m.warned:
                m.warned.add("admissibility")
                m.events.append("deadline.admissibility_soon")
                counts["admissibility_warning"] += 1
            for party in ("merchant", "shopper"):  # silence counts as refusal
                if m.status == "awaiting_consent" and m.consent[party] == "pending" and m.consent_due[party] <= now:
                    m.consent[party] = "declined"
                    m.become("refused")
                    counts[f"{party}_silence"] += 1
            for pid in sorted(m.proposals):
                for party in ("merchant", "shopper"):
                    if m.status == "open" and m.proposals[pid].answers[party] == "pending" \
                            and m.proposals[pid].respond_by <= now:  # an ended case's proposals end with it
                        m.proposals[pid].answers[party] = "lapsed"
                        m.events.append("proposal.lapsed")
                        counts["proposal_lapsed"] += 1
            if m.status == "open" and m.ends_at <= now:
                m.become("expired")
                counts["expired"] += 1
            if m.status == "open" and m.ends_at <= now + WARN_ENDS and "ends" not in m.warned:
                m.warned.add("ends")
                m.events.append("deadline.ends_soon")
                counts["ends_warning"] += 1
        result = sweep_deadlines(now=now)
        assert result.counts == dict(counts)
        assert sweep_deadlines(now=now).counts == {}  # a second sweep at the same instant finds nothing

    # -- invariants ---------------------------------------------------------------------------------

    @invariant()
    def the_database_follows_the_spec(self) -> None:
        db.session.expire_all()
        for m in self.models.values():
            case = self.case(m.id)
            before, now = self.seen_status[m.id], case.status.value
            assert now == before or now in SPEC_TABLE.get(before, set()), f"case {m.id}: {before} -> {now}"
            self.seen_status[m.id] = now
            assert now == m.status, (m.id, now, m.status, m.events)
            assert {"merchant": case.consent_merchant.value, "shopper": case.consent_shopper.value} == m.consent
            assert case.ends_at == m.ends_at

            events = db.session.scalars(select(MediationEvent).where(MediationEvent.case_id == m.id)
                                        .order_by(MediationEvent.seq)).all()
            assert [e.kind for e in events] == m.events, f"case {m.id}"
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            moves = [e for e in events if e.kind[len("case."):] in FINAL | {"awaiting_consent", "open"}]
            for e in moves:
                assert e.data["to"] in SPEC_TABLE[e.data["from"]], e.data
            assert len([e for e in moves if e.data["to"] in FINAL]) == (m.status in FINAL)

            answers: dict[int, dict[str, str]] = {}
            for r in db.session.scalars(select(ProposalResponse).where(ProposalResponse.case_id == m.id)):
                answers.setdefault(r.proposal_id, {})[r.party.value] = r.answer.value
            assert answers == {pid: p.answers for pid, p in m.proposals.items()}

            if m.status == "agreement":
                agreed = next(e for e in events if e.kind == "case.agreement").data["proposal_id"]
                assert agreed == m.agreed_on and answers[agreed] == {"merchant": "accepted", "shopper": "accepted"}
                assert case.outcome_kind == "agreement"

            ticket = db.session.get(Ticket, m.ticket_id)
            expected_ticket = (Status.ESCALATED if m.status in SPEC_TABLE else Status.RESOLVED
                               if m.status == "agreement" else Status.OPEN)
            assert ticket.status is expected_ticket, (m.status, ticket.status)

    def teardown(self) -> None:
        for m in self.models.values():
            assert verify_chain(db.session.get(Ticket, m.ticket_id)).ok


def test_the_code_table_is_the_spec_table():
    assert {k.value: {v.value for v in vs} for k, vs in transitions.TRANSITIONS.items()} == SPEC_TABLE


def test_random_sequences_of_steps_keep_the_spec(app):
    run_state_machine_as_test(MediationMachine, settings=settings(
        max_examples=35, stateful_step_count=20, deadline=None, derandomize=False,
        suppress_health_check=list(HealthCheck)))
