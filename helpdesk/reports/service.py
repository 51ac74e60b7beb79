"""The numbers of a report, computed once and shown three ways (table, chart, CSV), so they always agree.

Days are the merchant's days (its time zone). Only the columns needed are read,
for the tickets opened in the period, through the (merchant, created_at) index
(covering on PostgreSQL, which also does the counting and the medians).
"""
from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, cast, func, or_, select

from ..extensions import db
from ..models import Category, Channel, Merchant, Rating, Ticket

MAX_DAYS = 366
SATISFIED = 4  # on the portal's 1–5 scale, 4 and 5 count as satisfied (CSAT)
CATEGORIES = [c.value for c in Category]
CHANNELS = [c.value for c in Channel]


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
    first_response_minutes_median: float | None
    resolution_hours_median: float | None
    opened: int
    resolved: int
    breached: int

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
    if db.session.get_bind().dialect.name == "postgresql":
        first, resolution = _tally_in_sql(merchant, since, until, days, by_channel)
    else:
        first, resolution = _tally_rows(merchant, since, until, days, by_channel)
    ordered = [days[d] for d in sorted(days)]
    return Report(start, end, ordered, by_channel, first, resolution,
                  sum(d.opened for d in ordered), sum(d.resolved for d in ordered), sum(d.breached for d in ordered))


def _in_period(model: type[Ticket | Rating], merchant: Merchant, since: datetime,
               until: datetime) -> tuple[ColumnElement[bool], ...]:
    return (model.merchant_id == merchant.id, model.created_at >= since, model.created_at < until)


def _tally_in_sql(merchant: Merchant, since: datetime, until: datetime, days: dict[date, Day],
                  by_channel: dict[str, int]) -> tuple[float | None, float | None]:
    """PostgreSQL counts per merchant day and computes the exact medians itself.

    A year of a busy merchant is hundreds of thousands of tickets: the database
    reads them from the covering (merchant, created_at) index and sends back a
    few thousand groups, instead of every row crossing into Python.
    """
    day = cast(func.timezone(merchant.timezone, Ticket.created_at), Date)
    breached = or_(Ticket.first_response_breached, Ticket.resolution_breached)
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
        by_channel[channel.value] += opened
    first = func.extract("epoch", Ticket.first_response_at - Ticket.created_at) / 60
    hours = func.extract("epoch", Ticket.resolved_at - Ticket.created_at) / 3600
    medians = db.session.execute(select(func.percentile_cont(0.5).within_group(first),
                                        func.percentile_cont(0.5).within_group(hours))
                                 .where(*_in_period(Ticket, merchant, since, until))).one()
    rated = cast(func.timezone(merchant.timezone, Rating.created_at), Date)
    for local_day, count, score_sum, satisfied in db.session.execute(
            select(rated, func.count(), func.sum(Rating.score), func.count().filter(Rating.score >= SATISFIED))
            .where(*_in_period(Rating, merchant, since, until)).group_by(rated)).all():
        row = days.get(local_day)
        if row is not None:
            row.ratings, row.score_sum, row.satisfied = count, int(score_sum), satisfied
    return tuple(round(float(m), 1) if m is not None else None for m in medians)  # type: ignore[return-value]


def _tally_rows(merchant: Merchant, since: datetime, until: datetime, days: dict[date, Day],
                by_channel: dict[str, int]) -> tuple[float | None, float | None]:
    """SQLite (the embedded mode, a small shop): the same numbers from the rows, in Python."""
    zone = ZoneInfo(merchant.timezone)
    rows = db.session.execute(select(
        Ticket.created_at, Ticket.category, Ticket.channel, Ticket.first_response_at, Ticket.resolved_at,
        Ticket.first_response_breached, Ticket.resolution_breached,
    ).where(*_in_period(Ticket, merchant, since, until))).all()
    first, resolution = [], []
    for created, category, channel, answered, resolved, first_breached, res_breached in rows:
        day = days.get(created.astimezone(zone).date())
        if day is None:
            continue
        day.opened += 1
        day.by_category[category.value] += 1
        by_channel[channel.value] += 1
        if resolved is not None:
            day.resolved += 1
            resolution.append((resolved - created).total_seconds() / 3600)
        if answered is not None:
            first.append((answered - created).total_seconds() / 60)
        if first_breached or res_breached:
            day.breached += 1
    scores = db.session.execute(select(Rating.created_at, Rating.score).where(
        *_in_period(Rating, merchant, since, until))).all()
    for rated_at, score in scores:
        day = days.get(rated_at.astimezone(zone).date())
        if day is not None:
            day.ratings += 1
            day.score_sum += score
            day.satisfied += score >= SATISFIED
    return (round(statistics.median(first), 1) if first else None,
            round(statistics.median(resolution), 1) if resolution else None)


def report_csv(report: Report) -> str:
    """One line per day, then the totals: the same numbers as the page."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", "opened", *CATEGORIES, "resolved", "sla_breached", "ratings", "satisfied"])
    for d in report.days:
        writer.writerow([d.day.isoformat(), d.opened, *(d.by_category[c] for c in CATEGORIES), d.resolved,
                         d.breached, d.ratings, d.satisfied])
    writer.writerow(["total", report.opened,
                     *(sum(d.by_category[c] for d in report.days) for c in CATEGORIES), report.resolved,
                     report.breached, report.ratings, sum(d.satisfied for d in report.days)])
    return out.getvalue()
