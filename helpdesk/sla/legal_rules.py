"""Legal clocks: statutory deadlines that run beside the SLA, kept as data a lawyer can read.

Why data: the deadlines change with the law and differ per country; a
merchant's lawyer must be able to read ``LEGAL_RULES`` below, check each
article and add a rule without touching the arithmetic.

How a deadline is counted (French law, art. L221-19 of the Code de la
consommation, and the usual computation of delays): the day of the start
event does not count; a deadline of N calendar days ends at the end of the
N-th following day, in the merchant's time zone (``due_at`` is the exclusive
end, i.e. the next local midnight: the deadline has passed when
``now >= due_at``). A rule with ``extends_to_working_day`` moves a deadline
that would end on a Saturday, a Sunday or a public holiday of the rule's
country to the end of the next day that is none of these. Working-day rules
count the working days of the merchant's calendar
(``BusinessCalendar.add_business_days``).

Facts are the ticket's dated events, keyed by the names in ``EVENTS``; a
rule whose start event is missing does not run, and one of its
``stop_events`` stops it (the obligation was met, or the right was used).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from helpdesk.sla.calendar import DAY, BusinessCalendar, as_utc, public_holidays

DayKind = Literal["calendar", "working"]
ClockStatus = Literal["running", "warning", "passed", "stopped"]

EVENTS: Mapping[str, str] = {
    "order_placed": "the contract was concluded: the order was placed and accepted",
    "delivery_promised": "the delivery date or deadline the merchant announced",
    "delivered": "the shopper (or a third party the shopper named) took physical possession of the goods",
    "cancellation_received": "the merchant received the shopper's termination for late delivery (L216-6)",
    "withdrawal_received": "the merchant received the shopper's withdrawal decision",
    "complaint_received": "the shopper asked for repair or replacement of a non-conforming good",
    "refunded": "the merchant refunded the sums due",
    "remedied": "the good was repaired or replaced",
}


@dataclass(frozen=True)
class LegalRule:
    """One statutory deadline: who starts it, how long it runs, where the law says so."""

    code: str
    country: str  # ISO 3166-1 alpha-2, as in BusinessCalendar.country
    categories: tuple[str, ...]  # ticket categories it applies to
    start_event: str  # a key of EVENTS
    length_days: int
    day_kind: DayKind
    article: str
    title_fr: str
    title_en: str
    warn_before_days: int  # the ticket warns during the last N calendar days of the deadline
    stop_events: tuple[str, ...] = ()  # any of these ends the clock
    unless_events: tuple[str, ...] = ()  # any of these means the rule does not apply
    extends_to_working_day: bool = False  # a last day on a week-end or holiday moves on


CODE_CONSO = "Code de la consommation"
LOI_31_08 = "Loi n° 31-08 édictant des mesures de protection du consommateur"

LEGAL_RULES: tuple[LegalRule, ...] = (
    LegalRule(
        code="FR-DELIVERY-30D",
        country="FR",
        categories=("late_delivery",),
        start_event="order_placed",
        length_days=30,
        day_kind="calendar",
        article=f"{CODE_CONSO}, art. L216-1",
        title_fr="Livraison au plus tard 30 jours après la commande (aucune date annoncée)",
        title_en="Delivery within 30 days of the order (no date announced)",
        warn_before_days=5,
        stop_events=("delivered",),
        unless_events=("delivery_promised",),
    ),
    LegalRule(
        code="FR-DELIVERY-PROMISED",
        country="FR",
        categories=("late_delivery",),
        start_event="delivery_promised",
        length_days=0,
        day_kind="calendar",
        article=f"{CODE_CONSO}, art. L216-1",
        title_fr="Livraison à la date ou dans le délai annoncé",
        title_en="Delivery by the date announced to the shopper",
        warn_before_days=2,
        stop_events=("delivered",),
    ),
    LegalRule(
        code="FR-REFUND-CANCELLATION-14D",
        country="FR",
        categories=("late_delivery",),
        start_event="cancellation_received",
        length_days=14,
        day_kind="calendar",
        article=f"{CODE_CONSO}, art. L216-7",
        title_fr="Remboursement sous 14 jours après la résolution pour défaut de livraison",
        title_en="Refund within 14 days of a cancellation for late delivery",
        warn_before_days=3,
        stop_events=("refunded",),
    ),
    # L221-24 also lets the merchant defer the refund until it has the goods back or a proof of
    # their dispatch; that deferral is not modelled: the clock shows the 14 days.
    LegalRule(
        code="FR-REFUND-WITHDRAWAL-14D",
        country="FR",
        categories=("return",),
        start_event="withdrawal_received",
        length_days=14,
        day_kind="calendar",
        article=f"{CODE_CONSO}, art. L221-24",
        title_fr="Remboursement sous 14 jours après la rétractation",
        title_en="Refund within 14 days of the withdrawal",
        warn_before_days=3,
        stop_events=("refunded",),
    ),
    LegalRule(
        code="FR-CONFORMITY-30D",
        country="FR",
        categories=("non_conformity",),
        start_event="complaint_received",
        length_days=30,
        day_kind="calendar",
        article=f"{CODE_CONSO}, art. L217-10",
        title_fr="Mise en conformité (réparation ou remplacement) sous 30 jours",
        title_en="Repair or replacement within 30 days",
        warn_before_days=5,
        stop_events=("remedied", "refunded"),
    ),
    LegalRule(
        code="FR-WITHDRAWAL-14D",
        country="FR",
        categories=("return",),
        start_event="delivered",
        length_days=14,
        day_kind="calendar",
        article=f"{CODE_CONSO}, art. L221-18 (computation: art. L221-19)",
        title_fr="Délai de rétractation de 14 jours",
        title_en="14-day withdrawal period",
        warn_before_days=3,
        stop_events=("withdrawal_received",),
        extends_to_working_day=True,
    ),
    LegalRule(
        code="MA-WITHDRAWAL-7D",
        country="MA",
        categories=("return",),
        start_event="delivered",
        length_days=7,
        day_kind="calendar",
        article=f"{LOI_31_08}, art. 36",
        title_fr="Délai de rétractation de 7 jours",
        title_en="7-day withdrawal period",
        warn_before_days=2,
        stop_events=("withdrawal_received",),
    ),
)


@dataclass(frozen=True)
class LegalClock:
    """A rule applied to one ticket's facts, with its status at ``now``."""

    rule: LegalRule
    starts_at: datetime
    due_at: datetime  # exclusive: the deadline is met strictly before it
    warn_at: datetime  # start of the last warn_before_days local days (may precede starts_at)
    status: ClockStatus
    stopped_at: datetime | None = None

    @property
    def met(self) -> bool | None:
        """Whether a stopped clock stopped in time; None while it runs."""
        return None if self.stopped_at is None else self.stopped_at < self.due_at


def legal_clocks_for(
    country: str | None,
    category: str,
    facts: Mapping[str, datetime],
    *,
    now: datetime,
    calendar: BusinessCalendar,
    rules: Sequence[LegalRule] = LEGAL_RULES,
) -> list[LegalClock]:
    """The legal clocks of a ticket, soonest due first; pure, so the sweep can call it freely.

    ``calendar`` is the merchant's: its time zone ends the days, its working
    days count working-day rules.
    """
    if country is None:
        return []
    country = country.upper()
    clocks = [
        _clock(rule, facts, now, calendar)
        for rule in rules
        if rule.country == country and category in rule.categories and _applies(rule, facts)
    ]
    return sorted(clocks, key=lambda clock: (clock.due_at, clock.rule.code))


def _applies(rule: LegalRule, facts: Mapping[str, datetime]) -> bool:
    return rule.start_event in facts and not any(event in facts for event in rule.unless_events)


def _clock(
    rule: LegalRule, facts: Mapping[str, datetime], now: datetime, calendar: BusinessCalendar
) -> LegalClock:
    starts_at = as_utc(facts[rule.start_event])
    due_at = due_at_for(rule, starts_at, calendar)
    last_day = calendar.local_date(due_at - timedelta(microseconds=1))
    warn_at = calendar.end_of_day(last_day - rule.warn_before_days * DAY)
    stops = [as_utc(facts[event]) for event in rule.stop_events if event in facts]
    stopped_at = min(stops) if stops else None
    status = _status(as_utc(now), due_at, warn_at, stopped_at)
    return LegalClock(rule, starts_at, due_at, warn_at, status, stopped_at)


def _status(now: datetime, due_at: datetime, warn_at: datetime, stopped_at: datetime | None) -> ClockStatus:
    if stopped_at is not None:
        return "stopped"
    if now >= due_at:
        return "passed"
    return "warning" if now >= warn_at else "running"


def due_at_for(rule: LegalRule, starts_at: datetime, calendar: BusinessCalendar) -> datetime:
    """The exclusive end of a rule's last day for a start instant (see module doc)."""
    if rule.day_kind == "working":
        return calendar.add_business_days(starts_at, rule.length_days)
    last_day = calendar.local_date(starts_at) + rule.length_days * DAY
    if rule.extends_to_working_day:
        last_day = next_legal_working_day(last_day, rule.country)
    return calendar.end_of_day(last_day)


def next_legal_working_day(day: date, country: str) -> date:
    """``day`` itself, or the next day that is not a Saturday, a Sunday or a public holiday."""
    while day.weekday() >= 5 or day in public_holidays(country, None, day.year):
        day += DAY
    return day
