"""The reports page and its CSV show the same numbers, counted on the merchant's days."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from helpdesk.extensions import db
from helpdesk.models import Category, Rating, Ticket
from tests.conftest import login, make_merchant, make_ticket, make_user


def _ticket(merchant: Any, created: datetime, category: Category, channel: str = "email", *,
            answered_after: timedelta | None = None, resolved_after: timedelta | None = None,
            breached: bool = False) -> None:
    t = make_ticket(merchant, "Colis", channel=channel)
    t.created_at, t.category = created, category
    t.first_response_at = created + answered_after if answered_after else None
    t.resolved_at = created + resolved_after if resolved_after else None
    t.resolution_breached = breached
    db.session.commit()


def test_page_chart_and_csv_agree(app, client):
    shop = make_merchant(timezone="Europe/Paris", country="FR")
    day1 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    _ticket(shop, day1, Category.LATE_DELIVERY, answered_after=timedelta(minutes=30),
            resolved_after=timedelta(hours=5))
    _ticket(shop, day1 + timedelta(hours=2), Category.LATE_DELIVERY, "widget", answered_after=timedelta(minutes=90))
    _ticket(shop, day1 + timedelta(hours=3), Category.RETURN, breached=True)
    # 23:30 UTC on the 3rd is 00:30 on the 4th in Paris: it counts on the merchant's 4th.
    _ticket(shop, datetime(2026, 11, 3, 23, 30, tzinfo=UTC), Category.NON_CONFORMITY,
            resolved_after=timedelta(hours=1))
    _ticket(make_merchant(), day1, Category.RETURN)  # another merchant's: never counted
    rated = db.session.query(Ticket).filter_by(merchant_id=shop.id).order_by(Ticket.id).limit(3).all()
    for ticket, score in zip(rated, (5, 4, 2), strict=True):
        db.session.add(Rating(merchant_id=shop.id, ticket_id=ticket.id, score=score,
                              created_at=datetime(2026, 11, 5, 10, 0, tzinfo=UTC)))
    db.session.commit()
    login(client, make_user(shop, "supervisor"))

    page = client.get("/reports", query_string={"from": "2026-11-01", "to": "2026-11-07"}).get_data(as_text=True)
    kpi = dict(re.findall(r'data-kpi="(\w+)">(\d+)', page))
    assert kpi == {"opened": "4", "resolved": "2", "breached": "1", "csat": "67"}
    chart = {d: int(n) for d, n in re.findall(r'data-day="([\d-]+)" data-opened="(\d+)"', page)}
    assert chart["2026-11-02"] == 3 and chart["2026-11-03"] == 0 and chart["2026-11-04"] == 1
    assert len(chart) == 7
    assert 'data-channel="widget">1<' in page and 'data-channel="email">3<' in page

    r = client.get("/reports.csv", query_string={"from": "2026-11-01", "to": "2026-11-07"})
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    per_day = {row["day"]: row for row in rows}
    assert {d: int(per_day[d]["opened"]) for d in chart} == chart
    assert per_day["2026-11-02"]["late_delivery"] == "2" and per_day["2026-11-02"]["return"] == "1"
    assert per_day["2026-11-04"]["non_conformity"] == "1"
    total = per_day["total"]
    assert (total["opened"], total["resolved"], total["sla_breached"]) == ("4", "2", "1")
    # Medians on the page: first response 30 and 90 min -> 60; resolution 5 h and 1 h -> 3 h.
    assert "60.0 min" in page and "3.0 h" in page
    # Three ratings (5, 4, 2): two satisfied, 67 %, average 3.67, the same in the CSV.
    assert 'data-kpi="csat">67 %' in page and "3.67" in page
    assert (total["ratings"], total["satisfied"]) == ("3", "2") and per_day["2026-11-05"]["ratings"] == "3"


def test_reports_are_for_supervisors_and_bad_dates_fall_back(app, client):
    shop = make_merchant()
    login(client, make_user(shop, "agent"))
    assert client.get("/reports").status_code == 404
    assert client.get("/reports.csv").status_code == 404
    login(client, make_user(shop, "supervisor"))
    r = client.get("/reports", query_string={"from": "not-a-date", "to": "2026-13-45"})
    assert r.status_code == 200
    assert len(re.findall(r'data-day="', r.get_data(as_text=True))) == 30
    long = client.get("/reports.csv", query_string={"from": "2000-01-01", "to": "2026-11-30"})
    assert len(long.get_data(as_text=True).splitlines()) == 1 + 366 + 1
