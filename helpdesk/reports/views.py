"""The reports page (tables and charts) and their CSVs, for a merchant's supervisors."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from ..auth.pages import SUPERVISORS, restrict_pages
from ..extensions import db
from ..models import Merchant, utcnow
from .service import CATEGORIES, build_report, period
from .tables import report_csv, report_tables, table_csv

bp = Blueprint("reports", __name__)


restrict_pages(bp, SUPERVISORS)


def _report():  # type: ignore[no-untyped-def]
    merchant = db.session.get(Merchant, current_user.merchant_id)
    if merchant is None:
        abort(404)

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    today = utcnow().astimezone(ZoneInfo(merchant.timezone)).date()
    start, end = period(day("from"), day("to"), today)
    return build_report(merchant, start, end)


@bp.get("/reports")
def index():  # type: ignore[no-untyped-def]
    report = _report()
    return render_template("staff/reports.html", report=report, tables=report_tables(report), categories=CATEGORIES)


@bp.get("/reports.csv")
def download():  # type: ignore[no-untyped-def]
    report = _report()
    return _attachment(report_csv(report), f"tickets-{report.start.isoformat()}-{report.end.isoformat()}.csv")


@bp.get("/reports/<name>.csv")
def download_table(name: str):  # type: ignore[no-untyped-def]
    """One chart's numbers (channels, carriers, …), from the same report as the page."""
    report = _report()
    table = next((t for t in report_tables(report) if t.name == name), None)
    if table is None:
        abort(404)
    return _attachment(table_csv(table), f"{name}-{report.start.isoformat()}-{report.end.isoformat()}.csv")


def _attachment(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
