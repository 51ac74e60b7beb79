"""The yearly activity figures a mediation service publishes (ADR Directive 2013/11 art. 7(2), R614-2 of the
French consumer code): cases received, inadmissible with the reasons, refused, the outcomes and the median
duration, for the whole service, by merchant and by category.

Each figure counts the events of the year: a case is *received* in the year it was submitted, *inadmissible*
in the year of that decision, *refused* or ended (agreement, failure, withdrawn, expired) in the year it
closed. The duration runs from the complete dossier to the close, over the cases that ended with an outcome
in the year (the mediations that ran). Years are counted in the service's time zone (setting `timezone`,
else UTC). Read-only: nothing here writes.
"""
from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Admissibility, CaseStatus, MediationCase, MediationService, Merchant, Ticket

OUTCOMES = ("agreement", "failure", "withdrawn", "expired")
COLUMNS = ("received", "inadmissible", "refused", *OUTCOMES, "median_days")


@dataclass
class Figures:
    received: int = 0
    inadmissible: int = 0
    refused: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    durations: list[float] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.durations), 1) if self.durations else None

    def row(self) -> list[object]:
        median = self.median_days
        return [self.received, self.inadmissible, self.refused, *(self.outcomes[o] for o in OUTCOMES),
                "" if median is None else median]


@dataclass
class YearStats:
    year: int
    total: Figures = field(default_factory=Figures)
    by_merchant: dict[tuple[str, str], Figures] = field(default_factory=dict)  # (slug, name)
    by_category: dict[str, Figures] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)  # inadmissibility reasons, as the mediator wrote them


def year_bounds(service: MediationService, year: int) -> tuple[datetime, datetime]:
    zone = ZoneInfo((service.settings or {}).get("timezone") or "UTC")
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def year_stats(service: MediationService, year: int) -> YearStats:
    """The figures of one calendar year for one service (one query over the cases that did something in it)."""
    start, end = year_bounds(service, year)

    def within(column):  # type: ignore[no-untyped-def]
        return and_(column >= start, column < end)

    def in_year(at: datetime | None) -> bool:
        return at is not None and start <= at < end

    rows = db.session.execute(
        select(MediationCase.status, MediationCase.created_at, MediationCase.closed_at,
               MediationCase.dossier_complete_at, MediationCase.admissibility_decision,
               MediationCase.admissibility_decided_at, MediationCase.admissibility_reason,
               MediationCase.dossier["category"].as_string(), Ticket.category, Merchant.slug, Merchant.name)
        .join(Ticket, Ticket.id == MediationCase.ticket_id).join(Merchant, Merchant.id == MediationCase.merchant_id)
        .where(MediationCase.mediation_service_id == service.id,
               or_(within(MediationCase.created_at), within(MediationCase.closed_at),
                   within(MediationCase.admissibility_decided_at)))
        .order_by(MediationCase.id))
    stats = YearStats(year)
    for (status, created, closed, complete, decision, decided, reason, category, ticket_category,
         slug, name) in rows:
        groups = (stats.total, stats.by_merchant.setdefault((slug, name), Figures()),
                  stats.by_category.setdefault(category or ticket_category.value, Figures()))
        for figures in groups:
            if in_year(created):
                figures.received += 1
            if decision is Admissibility.INADMISSIBLE and in_year(decided):
                figures.inadmissible += 1
            if in_year(closed):
                _count_end(figures, CaseStatus(status), complete, closed)
        if decision is Admissibility.INADMISSIBLE and in_year(decided):
            stats.reasons[(reason or "").strip() or "—"] += 1
    return stats


def _count_end(figures: Figures, status: CaseStatus, complete: datetime | None, closed: datetime) -> None:
    if status is CaseStatus.REFUSED:
        figures.refused += 1
    elif status.value in OUTCOMES:
        figures.outcomes[status.value] += 1
        if complete is not None:
            figures.durations.append((closed - complete).total_seconds() / 86400)


def stats_csv(stats: YearStats) -> str:
    """The same numbers as the page: the total, one line per merchant and per category, then the reasons."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["year", "scope", "key", "name", *COLUMNS])
    writer.writerow([stats.year, "total", "", "", *stats.total.row()])
    for (slug, name), figures in sorted(stats.by_merchant.items()):
        writer.writerow([stats.year, "merchant", slug, _cell(name), *figures.row()])
    for category, figures in sorted(stats.by_category.items()):
        writer.writerow([stats.year, "category", category, "", *figures.row()])
    for reason, n in stats.reasons.most_common():
        writer.writerow([stats.year, "inadmissible_reason", "", _cell(reason), "", n] + [""] * (len(COLUMNS) - 2))
    return out.getvalue()


def _cell(text: str) -> str:
    """A spreadsheet must not run a name or reason as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
