"""Legal clocks: each rule's start event, length, warning and status, on dated examples."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.sla.calendar import BusinessCalendar
from helpdesk.sla.legal_rules import (
    EVENTS,
    LEGAL_RULES,
    LegalClock,
    LegalRule,
    legal_clocks_for,
    next_legal_working_day,
)

PARIS, CASA = ZoneInfo("Europe/Paris"), ZoneInfo("Africa/Casablanca")
CALENDARS = {
    "FR": BusinessCalendar("Europe/Paris", country="FR"),
    "MA": BusinessCalendar("Africa/Casablanca", country="MA"),
}
RULES = {rule.code: rule for rule in LEGAL_RULES}
US = timedelta(microseconds=1)


def local(country: str, year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS if country == "FR" else CASA)


def clock_of(code: str, facts: dict[str, datetime], now: datetime | None = None) -> LegalClock:
    rule = RULES[code]
    clocks = legal_clocks_for(
        rule.country,
        rule.categories[0],
        facts,
        now=now or facts[rule.start_event],
        calendar=CALENDARS[rule.country],
    )
    found = [clock for clock in clocks if clock.rule.code == code]
    assert len(found) == 1, clocks
    return found[0]


# code, start event instant, last day of the deadline, first day of the warning
EXAMPLES = [
    ("FR-DELIVERY-30D", (2026, 3, 1, 10), date(2026, 3, 31), date(2026, 3, 27)),
    ("FR-DELIVERY-PROMISED", (2026, 6, 10, 12), date(2026, 6, 10), date(2026, 6, 9)),
    ("FR-REFUND-CANCELLATION-14D", (2026, 6, 1, 15), date(2026, 6, 15), date(2026, 6, 13)),
    ("FR-REFUND-WITHDRAWAL-14D", (2026, 6, 1, 15), date(2026, 6, 15), date(2026, 6, 13)),
    ("FR-CONFORMITY-30D", (2026, 6, 1, 9), date(2026, 7, 1), date(2026, 6, 27)),
    ("FR-WITHDRAWAL-14D", (2026, 6, 1, 9), date(2026, 6, 15), date(2026, 6, 13)),
    ("MA-WITHDRAWAL-7D", (2026, 7, 23, 18), date(2026, 7, 30), date(2026, 7, 29)),  # Throne Day: no extension
]


@pytest.mark.parametrize(("code", "start", "last_day", "warn_day"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_rule_runs_from_its_start_event_to_the_end_of_its_last_day(
    code: str, start: tuple[int, ...], last_day: date, warn_day: date
) -> None:
    rule, cal = RULES[code], CALENDARS[RULES[code].country]
    starts_at = local(rule.country, *start)
    clock = clock_of(code, {rule.start_event: starts_at})
    assert clock.starts_at == starts_at and clock.starts_at.tzinfo is UTC
    assert clock.due_at == local(rule.country, *(last_day + timedelta(days=1)).timetuple()[:3])
    assert clock.warn_at == local(rule.country, *warn_day.timetuple()[:3])
    assert clock.due_at == cal.end_of_day(last_day)
    assert (last_day - cal.local_date(starts_at)).days >= rule.length_days


@pytest.mark.parametrize("rule", LEGAL_RULES, ids=lambda rule: rule.code)
def test_status_runs_then_warns_then_passes(rule: LegalRule) -> None:
    starts_at = local(rule.country, 2026, 6, 1, 9)
    facts = {rule.start_event: starts_at}
    clock = clock_of(rule.code, facts)
    assert clock.status == ("running" if clock.warn_at > starts_at else "warning")
    assert clock_of(rule.code, facts, now=clock.warn_at - US).status in ("running", "warning")
    assert clock_of(rule.code, facts, now=clock.warn_at).status == "warning"
    assert clock_of(rule.code, facts, now=clock.due_at - US).status == "warning"
    assert clock_of(rule.code, facts, now=clock.due_at).status == "passed"
    assert clock.met is None
    assert clock.due_at - clock.warn_at <= timedelta(days=rule.warn_before_days, hours=1)


@pytest.mark.parametrize("rule", LEGAL_RULES, ids=lambda rule: rule.code)
def test_rule_needs_its_start_event_and_its_category(rule: LegalRule) -> None:
    cal, now = CALENDARS[rule.country], local(rule.country, 2026, 6, 1)
    other_events = {event: now for event in EVENTS if event != rule.start_event}
    codes = {
        c.rule.code
        for c in legal_clocks_for(rule.country, rule.categories[0], other_events, now=now, calendar=cal)
    }
    assert rule.code not in codes
    assert legal_clocks_for(rule.country, "other", {rule.start_event: now}, now=now, calendar=cal) == []
    other_country = "MA" if rule.country == "FR" else "FR"
    clocks = legal_clocks_for(
        other_country, rule.categories[0], {rule.start_event: now}, now=now, calendar=cal
    )
    assert rule.code not in {c.rule.code for c in clocks}


@pytest.mark.parametrize("rule", [r for r in LEGAL_RULES if r.stop_events], ids=lambda rule: rule.code)
def test_a_stop_event_stops_the_clock_and_tells_whether_in_time(rule: LegalRule) -> None:
    starts_at = local(rule.country, 2026, 6, 1, 9)
    running = clock_of(rule.code, {rule.start_event: starts_at})
    for stopped_at, met in ((starts_at + timedelta(hours=1), True), (running.due_at, False)):
        facts = {rule.start_event: starts_at, rule.stop_events[0]: stopped_at}
        clock = clock_of(rule.code, facts, now=running.due_at + timedelta(days=5))
        assert (clock.status, clock.stopped_at, clock.met) == ("stopped", stopped_at, met)


def test_french_withdrawal_period_moves_past_weekend_and_holiday() -> None:
    clock = clock_of("FR-WITHDRAWAL-14D", {"delivered": local("FR", 2026, 5, 9, 11)})  # 14 days: Sat 23 May
    assert clock.due_at == local("FR", 2026, 5, 27)  # Sunday, then Pentecost Monday: ends Tuesday 26 May
    assert next_legal_working_day(date(2026, 5, 23), "FR") == date(2026, 5, 26)


def test_deadlines_end_in_the_merchant_time_zone() -> None:
    delivered = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 2 June 00:30 in Paris, 1 June 23:30 in Casablanca
    fr = clock_of("FR-WITHDRAWAL-14D", {"delivered": delivered})
    ma = clock_of("MA-WITHDRAWAL-7D", {"delivered": delivered})
    assert fr.due_at == local("FR", 2026, 6, 17)  # last day 16 June
    assert ma.due_at == local("MA", 2026, 6, 9)  # last day 8 June


def test_a_promised_date_replaces_the_thirty_days() -> None:
    facts = {"order_placed": local("FR", 2026, 3, 1, 10), "delivery_promised": local("FR", 2026, 3, 10, 12)}
    clocks = legal_clocks_for(
        "fr", "late_delivery", facts, now=facts["order_placed"], calendar=CALENDARS["FR"]
    )
    assert [c.rule.code for c in clocks] == ["FR-DELIVERY-PROMISED"]
    assert clocks[0].due_at == local("FR", 2026, 3, 11)


def test_clocks_come_soonest_first() -> None:
    facts = {"cancellation_received": local("FR", 2026, 6, 20), "order_placed": local("FR", 2026, 6, 1)}
    clocks = legal_clocks_for(
        "FR", "late_delivery", facts, now=facts["order_placed"], calendar=CALENDARS["FR"]
    )
    assert [c.rule.code for c in clocks] == ["FR-DELIVERY-30D", "FR-REFUND-CANCELLATION-14D"]
    assert (
        legal_clocks_for(None, "late_delivery", facts, now=facts["order_placed"], calendar=CALENDARS["FR"])
        == []
    )


def test_a_working_day_rule_counts_the_merchant_working_days() -> None:
    rule = LegalRule(
        code="MEDIATION-CONSENT-20WD",
        country="FR",
        categories=("return",),
        start_event="complaint_received",
        length_days=20,
        day_kind="working",
        article="e-litige charter",
        title_fr="Réponse du professionnel",
        title_en="Merchant's answer",
        warn_before_days=3,
    )
    start = local("FR", 2026, 3, 27, 17)
    [clock] = legal_clocks_for(
        "FR", "return", {"complaint_received": start}, now=start, calendar=CALENDARS["FR"], rules=[rule]
    )
    assert clock.due_at == CALENDARS["FR"].add_business_days(start, 20) == local("FR", 2026, 4, 28)
    assert clock.warn_at == local("FR", 2026, 4, 25)


def test_naive_facts_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        legal_clocks_for(
            "FR",
            "return",
            {"delivered": datetime(2026, 6, 1)},
            now=datetime.now(UTC),
            calendar=CALENDARS["FR"],
        )


def test_rules_are_well_formed_data() -> None:
    assert len(RULES) == len(LEGAL_RULES)
    categories = {"late_delivery", "return", "non_conformity", "other"}
    for rule in LEGAL_RULES:
        assert rule.country in ("FR", "MA") and set(rule.categories) <= categories
        assert {rule.start_event, *rule.stop_events, *rule.unless_events} <= set(EVENTS)
        assert (
            rule.day_kind in ("calendar", "working") and rule.length_days >= 0 and rule.warn_before_days >= 0
        )
        assert "art." in rule.article and rule.title_fr and rule.title_en


@pytest.mark.parametrize(
    ("code", "article", "category", "start_event", "length_days"),
    [
        ("FR-DELIVERY-30D", "L216-1", "late_delivery", "order_placed", 30),
        ("FR-REFUND-CANCELLATION-14D", "L216-7", "late_delivery", "cancellation_received", 14),
        ("FR-REFUND-WITHDRAWAL-14D", "L221-24", "return", "withdrawal_received", 14),
        ("FR-CONFORMITY-30D", "L217-10", "non_conformity", "complaint_received", 30),
        ("FR-WITHDRAWAL-14D", "L221-18", "return", "delivered", 14),
        ("MA-WITHDRAWAL-7D", "art. 36", "return", "delivered", 7),
    ],
)
def test_the_specified_rules_are_present(
    code: str, article: str, category: str, start_event: str, length_days: int
) -> None:
    rule = RULES[code]
    assert article in rule.article and category in rule.categories
    assert (rule.start_event, rule.length_days, rule.day_kind) == (start_event, length_days, "calendar")
