"""The numbers of a report, computed once and shown three ways (table, chart, CSV), so they always agree.

Days are the merchant's days (its time zone). Only the columns needed are read,
for the tickets opened in the period, through the (merchant, created_at) index.
"""
from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

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
    rows = db.session.execute(select(
        Ticket.created_at, Ticket.category, Ticket.channel, Ticket.first_response_at, Ticket.resolved_at,
        Ticket.first_response_breached, Ticket.resolution_breached,
    ).where(Ticket.merchant_id == merchant.id, Ticket.created_at >= since, Ticket.created_at < until)).all()
    days = {start + timedelta(days=i): Day(start + timedelta(days=i)) for i in range((end - start).days + 1)}
    by_channel = dict.fromkeys(CHANNELS, 0)
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
        Rating.merchant_id == merchant.id, Rating.created_at >= since, Rating.created_at < until)).all()
    for rated_at, score in scores:
        day = days.get(rated_at.astimezone(zone).date())
        if day is not None:
            day.ratings += 1
            day.score_sum += score
            day.satisfied += score >= SATISFIED
    ordered = [days[d] for d in sorted(days)]
    return Report(start, end, ordered, by_channel,
                  round(statistics.median(first), 1) if first else None,
                  round(statistics.median(resolution), 1) if resolution else None,
                  sum(d.opened for d in ordered), sum(d.resolved for d in ordered), sum(d.breached for d in ordered))


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
