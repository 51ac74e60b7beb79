"""The report's tables, each drawn as a chart, shown as a table and exported as a CSV from the same rows.

A table's rows are built once from the Report; the page and the CSV only format
them, so a download always carries the numbers of the chart above its link.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..labels import label
from .orders import OUTCOMES
from .service import ALL, CATEGORIES, CHANNELS, Report

Number = int | float | None
NO_CARRIER = "none"
HEADINGS = {"channel": _l("Channel"), "carrier": _l("Carrier"), "product": _l("Product"),
            "category": _l("Category"), "outcome": _l("Outcome")}
NAMES = {ALL: _l("All categories"), NO_CARRIER: _l("No tracked shipment"), "agreement": _l("Agreement"),
         "failure": _l("Failure"), "expired": _l("Expired"), "refused": _l("Refused"),
         "inadmissible": _l("Inadmissible"), "active": _l("Still active"), "withdrawn": _l("Withdrawn")}


@dataclass
class Row:
    key: str  # what the CSV's first column and the page's data-key say
    values: list[Number]

    @property
    def label(self) -> Any:
        return NAMES.get(self.key) or label(self.key)


@dataclass
class Table:
    name: str  # the CSV's name, /reports/<name>.csv
    title: Any
    key: str  # the CSV's first column
    columns: list[str]  # the CSV's other columns
    headings: list[Any]  # the same columns, for people
    units: list[str]  # how the page shows each column: "n" (count), "pct" (a share), "min", "h"
    rows: list[Row]
    bars: list[int]  # the columns the chart draws, side by side on one scale

    @property
    def key_heading(self) -> Any:
        return HEADINGS[self.key]

    @property
    def top(self) -> float:
        """The chart's full scale: 100 % for shares, else the largest value drawn."""
        if all(self.units[i] == "pct" for i in self.bars):
            return 1
        return max((r.values[i] or 0 for r in self.rows for i in self.bars), default=0) or 1


def report_tables(report: Report) -> list[Table]:
    """Every table of the page, in page order (the per-day table and chart are the default CSV's)."""
    times = [Row(c, [report.times[c].first_p50, report.times[c].first_p90, report.times[c].resolution_p50,
                     report.times[c].resolution_p90]) for c in [*CATEGORIES, ALL]]
    opened = {**report.opened_by_category, ALL: report.opened}
    breached = {**report.breached_by_category, ALL: report.breached}
    compliance, rate = report.sla_compliance, report.escalation_rate
    escalated = {**report.escalated_by_category, ALL: report.escalated}
    tickets = [_l("Tickets")]
    return [
        Table("channels", _l("Tickets by channel"), "channel", ["tickets"], tickets, ["n"],
              [Row(c, [report.by_channel[c]]) for c in CHANNELS if report.by_channel[c]], [0]),
        Table("carriers", _l("Tickets by carrier"), "carrier", ["tickets"], tickets, ["n"],
              [Row(c if c is not None else NO_CARRIER, [n]) for c, n in report.by_carrier], [0]),
        Table("products", _l("Tickets by product (the most frequent)"), "product", ["tickets"], tickets, ["n"],
              [Row(p, [n]) for p, n in report.by_product], [0]),
        Table("first_response", _l("First response time"), "category",
              ["median_minutes", "p90_minutes"], [_l("Median"), _l("90th percentile")], ["min", "min"],
              [Row(r.key, r.values[:2]) for r in times], [0, 1]),
        Table("resolution", _l("Resolution time"), "category",
              ["median_hours", "p90_hours"], [_l("Median"), _l("90th percentile")], ["h", "h"],
              [Row(r.key, r.values[2:]) for r in times], [0, 1]),
        Table("sla", _l("SLA compliance (tickets without a breach)"), "category",
              ["opened", "breached", "compliance"], [_l("Opened"), _l("SLA breached"), _l("Compliance")],
              ["n", "n", "pct"], [Row(c, [opened[c], breached[c], compliance[c]]) for c in [*CATEGORIES, ALL]], [2]),
        Table("escalation", _l("Escalation to mediation"), "category",
              ["opened", "escalated", "escalation_rate"], [_l("Opened"), _l("Escalated"), _l("Escalation rate")],
              ["n", "n", "pct"], [Row(c, [opened[c], escalated[c], rate[c]]) for c in [*CATEGORIES, ALL]], [2]),
        Table("mediation", _l("Mediation cases by outcome"), "outcome", ["cases"], [_l("Cases")], ["n"],
              [Row(o, [report.mediation[o]]) for o in OUTCOMES], [0]),
    ]


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([table.key, *table.columns])
    for row in table.rows:
        writer.writerow([row.key, *("" if v is None else v for v in row.values)])
    return out.getvalue()


def report_csv(report: Report) -> str:
    """One line per day, then the totals: the same numbers as the page's chart and per-day table."""
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
