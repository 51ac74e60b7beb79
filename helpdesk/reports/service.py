"""The numbers of a report, computed once and shown three ways (table, chart, CSV), so they always agree.

Days are the merchant's days (its time zone). Only the columns needed are read,
for the tickets opened in the period, through the (merchant, created_at) index
(covering on PostgreSQL, which also does the counting and the percentiles).
Breakdowns that need the order (carrier, product) and mediation: reports/orders.py.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, cast, func, select, text, tuple_
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.engine import Engine

from ..extensions import db
from ..models import Category, Channel, Merchant, Rating, Ticket, utcnow
from ..sla import clocks
from .orders import count_by_carrier, count_by_product, count_escalations

MAX_DAYS = 366
SATISFIED = 4  # on the portal's 1–5 scale, 4 and 5 count as satisfied (CSAT)
CATEGORIES = [c.value for c in Category]
CHANNELS = [c.value for c in Channel]
ALL = "all"  # the key of the figures over every category
PERCENTILES = (0.5, 0.9)


@dataclass
class Times:
    """First response (minutes) and resolution (hours): median and 90th percentile, None without data."""

    first_p50: float | None = None
    first_p90: float | None = None
    resolution_p50: float | None = None
    resolution_p90: float | None = None


@dataclass
class Day:
    day: date
    opened: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    resolved: int = 0
    breached: int = 0
    ratings: int = 0
    satisfied: int = 0
    score_sum: int = 0


@dataclass
class Report:
    start: date
    end: date
    days: list[Day]
    by_channel: dict[str, int]
    times: dict[str, Times]  # ALL and each category
    breached_by_category: dict[str, int]
    by_carrier: list[tuple[str | None, int]]
    by_product: list[tuple[str, int]]
    orders_since: date  # carriers and products cover the period's last ORDER_DAYS only
    escalated_by_category: dict[str, int]
    mediation: dict[str, int]  # cases by outcome (orders.OUTCOMES)
    opened: int
    resolved: int
    breached: int

    @property
    def first_response_minutes_median(self) -> float | None:
        return self.times[ALL].first_p50

    @property
    def resolution_hours_median(self) -> float | None:
        return self.times[ALL].resolution_p50

    @property
    def opened_by_category(self) -> dict[str, int]:
        return {c: sum(d.by_category[c] for d in self.days) for c in CATEGORIES}

    @property
    def sla_compliance(self) -> dict[str, float | None]:
        """Per category (and ALL): the share of tickets opened without an SLA breach."""
        opened = {**self.opened_by_category, ALL: self.opened}
        breached = {**self.breached_by_category, ALL: self.breached}
        return {c: round(1 - breached[c] / opened[c], 4) if opened[c] else None for c in [*CATEGORIES, ALL]}

    @property
    def escalated(self) -> int:
        return sum(self.escalated_by_category.values())

    @property
    def escalation_rate(self) -> dict[str, float | None]:
        """Per category (and ALL): tickets that went to mediation over tickets opened."""
        opened = {**self.opened_by_category, ALL: self.opened}
        escalated = {**self.escalated_by_category, ALL: self.escalated}
        return {c: round(escalated[c] / opened[c], 4) if opened[c] else None for c in [*CATEGORIES, ALL]}

    @property
    def breach_rate(self) -> float | None:
        return round(self.breached / self.opened, 4) if self.opened else None

    @property
    def ratings(self) -> int:
        return sum(d.ratings for d in self.days)

    @property
    def csat(self) -> float | None:
        """Share of ratings that are satisfied (4 or 5), the usual CSAT."""
        return round(sum(d.satisfied for d in self.days) / self.ratings, 4) if self.ratings else None

    @property
    def average_score(self) -> float | None:
        return round(sum(d.score_sum for d in self.days) / self.ratings, 2) if self.ratings else None

    @property
    def busiest(self) -> int:
        return max((d.opened for d in self.days), default=0)


ORDER_DAYS = 31
_PARALLEL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="report-percentiles")


def period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The asked period, else the last 30 days; never reversed, never longer than a year."""
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        start, end = end, start
    return max(start, end - timedelta(days=MAX_DAYS - 1)), end


def build_report(merchant: Merchant, start: date, end: date) -> Report:
    zone = ZoneInfo(merchant.timezone)
    since = datetime.combine(start, time.min, zone)
    until = datetime.combine(end + timedelta(days=1), time.min, zone)
    days = {start + timedelta(days=i): Day(start + timedelta(days=i)) for i in range((end - start).days + 1)}
    by_channel = dict.fromkeys(CHANNELS, 0)
    breached = dict.fromkeys(CATEGORIES, 0)
    if db.session.get_bind().dialect.name == "postgresql":
        # A year is a few sorts and hash joins of ~10^5 rows: compiling them (JIT) costs more than it saves,
        # and the default work_mem spills them to disk. Both only for this transaction.
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
        times = _tally_in_sql(merchant, since, until, days, by_channel, breached)
    else:
        times = _tally_rows(merchant, since, until, days, by_channel, breached)
    escalated, mediation = count_escalations(merchant, since, until)
    ordered = [days[d] for d in sorted(days)]
    # Carrier and product reach into every order and shipment of the period: over a year that alone is seconds at
    # a million tickets, so they cover the period's last month (the page says so), where a supervisor acts on them.
    orders_from = max(start, end - timedelta(days=ORDER_DAYS - 1))
    orders_since = datetime.combine(orders_from, time.min, zone)
    return Report(start, end, ordered, by_channel, times, breached, count_by_carrier(merchant, orders_since, until),
                  count_by_product(merchant, orders_since, until), orders_from, escalated, mediation,
                  sum(d.opened for d in ordered), sum(d.resolved for d in ordered), sum(d.breached for d in ordered))


def _in_period(model: type[Ticket | Rating], merchant: Merchant, since: datetime,
               until: datetime) -> tuple[ColumnElement[bool], ...]:
    return (model.merchant_id == merchant.id, model.created_at >= since, model.created_at < until)


def _tally_in_sql(merchant: Merchant, since: datetime, until: datetime, days: dict[date, Day],
                  by_channel: dict[str, int], breached_by_category: dict[str, int]) -> dict[str, Times]:
    """PostgreSQL counts per merchant day and computes the exact percentiles itself.

    A year of a busy merchant is hundreds of thousands of tickets: the database
    reads them from the covering (merchant, created_at) index and sends back a
    few thousand groups, instead of every row crossing into Python.
    """
    # The exact percentiles are the costliest part (four sorts of the period's tickets): they run on a second
    # connection while this one counts, so a year's report takes the longer of the two, not their sum.
    percentiles = _PARALLEL.submit(_percentiles, db.engine, merchant, since, until)
    day = cast(func.timezone(merchant.timezone, Ticket.created_at), Date)
    breached = clocks.breached_clause(utcnow())
    groups = db.session.execute(
        select(day, Ticket.category, Ticket.channel, func.count(), func.count(Ticket.resolved_at),
               func.count().filter(breached))
        .where(*_in_period(Ticket, merchant, since, until)).group_by(day, Ticket.category, Ticket.channel)).all()
    for local_day, category, channel, opened, resolved, late in groups:
        row = days.get(local_day)
        if row is None:
            continue
        row.opened += opened
        row.by_category[category.value] += opened
        row.resolved += resolved
        row.breached += late
        breached_by_category[category.value] += late
        by_channel[channel.value] += opened
    times: dict[str, Times] = {c: Times() for c in [ALL, *CATEGORIES]}
    for category, overall, firsts, resolutions in percentiles.result():
        firsts, resolutions = firsts or [None, None], resolutions or [None, None]
        times[ALL if overall else category.value] = Times(*(_round(v) for v in (*firsts, *resolutions)))
    rated = cast(func.timezone(merchant.timezone, Rating.created_at), Date)
    for local_day, count, score_sum, satisfied in db.session.execute(
            select(rated, func.count(), func.sum(Rating.score), func.count().filter(Rating.score >= SATISFIED))
            .where(*_in_period(Rating, merchant, since, until)).group_by(rated)).all():
        row = days.get(local_day)
        if row is not None:
            row.ratings, row.score_sum, row.satisfied = count, int(score_sum), satisfied
    return times


def _percentiles(engine: Engine, merchant: Merchant, since: datetime, until: datetime) -> list[Any]:
    """Median and 90th percentile of first-response and resolution times, per category and overall."""
    # date_part is float8; extract() is numeric since PostgreSQL 14, several times slower to sort.
    first = func.date_part("epoch", Ticket.first_response_at - Ticket.created_at) / 60
    hours = func.date_part("epoch", Ticket.resolved_at - Ticket.created_at) / 3600
    fractions = array(PERCENTILES)
    with engine.connect() as connection:
        connection.execute(text("SET LOCAL jit = off"))
        connection.execute(text("SET LOCAL work_mem = '64MB'"))
        # One pass for each category and for all of them (the empty grouping set): percentiles do not add up.
        return list(connection.execute(
            select(Ticket.category, func.grouping(Ticket.category),
                   func.percentile_cont(fractions).within_group(first),
                   func.percentile_cont(fractions).within_group(hours))
            .where(*_in_period(Ticket, merchant, since, until))
            .group_by(func.grouping_sets(tuple_(Ticket.category), tuple_()))).all())


def _tally_rows(merchant: Merchant, since: datetime, until: datetime, days: dict[date, Day],
                by_channel: dict[str, int], breached_by_category: dict[str, int]) -> dict[str, Times]:
    """SQLite (the embedded mode, a small shop): the same numbers from the rows, in Python."""
    zone = ZoneInfo(merchant.timezone)
    rows = db.session.execute(select(
        Ticket.created_at, Ticket.category, Ticket.channel, Ticket.first_response_at, Ticket.resolved_at,
        Ticket.first_response_due_at, Ticket.resolution_due_at, Ticket.sla_paused_since,
    ).where(*_in_period(Ticket, merchant, since, until))).all()
    now = utcnow()
    first: dict[str, list[float]] = {c: [] for c in [ALL, *CATEGORIES]}
    resolution: dict[str, list[float]] = {c: [] for c in [ALL, *CATEGORIES]}
    for created, category, channel, answered, resolved, first_due, resolution_due, paused in rows:
        day = days.get(created.astimezone(zone).date())
        if day is None:
            continue
        day.opened += 1
        day.by_category[category.value] += 1
        by_channel[channel.value] += 1
        if resolved is not None:
            day.resolved += 1
            for key in (ALL, category.value):
                resolution[key].append((resolved - created).total_seconds() / 3600)
        if answered is not None:
            for key in (ALL, category.value):
                first[key].append((answered - created).total_seconds() / 60)
        if clocks.is_late(first_due, answered, paused, now) or clocks.is_late(resolution_due, resolved, paused, now):
            day.breached += 1
            breached_by_category[category.value] += 1
    scores = db.session.execute(select(Rating.created_at, Rating.score).where(
        *_in_period(Rating, merchant, since, until))).all()
    for rated_at, score in scores:
        day = days.get(rated_at.astimezone(zone).date())
        if day is not None:
            day.ratings += 1
            day.score_sum += score
            day.satisfied += score >= SATISFIED
    return {key: Times(*(_round(_percentile(values, q)) for values in (first[key], resolution[key])
                         for q in PERCENTILES)) for key in first}


def _percentile(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: interpolated between the two nearest ranks (the median for 0.5)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _round(value: float | None) -> float | None:
    return round(float(value), 1) if value is not None else None
