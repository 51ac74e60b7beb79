"""The reports page and its CSV show the same numbers, counted on the merchant's days."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from helpdesk.extensions import db
from helpdesk.models import CaseStatus, Category, Fulfilment, MediationCase, OpenedBy, Order, Rating, Ticket
from tests.conftest import login, make_merchant, make_service, make_ticket, make_user

PERIOD = {"from": "2026-11-01", "to": "2026-11-07"}


def _ticket(merchant: Any, created: datetime, category: Category, channel: str = "email", *,
            answered_after: timedelta | None = None, resolved_after: timedelta | None = None,
            breached: bool = False, order: Order | None = None) -> Ticket:
    t = make_ticket(merchant, "Colis", channel=channel)
    t.created_at, t.category = created, category
    t.first_response_at = created + answered_after if answered_after else None
    t.resolved_at = created + resolved_after if resolved_after else None
    if breached:  # its resolution promise passed unkept (the sweep has recorded it)
        t.resolution_due_at, t.resolution_breached = created + timedelta(hours=1), True
    t.order_id = order.id if order else None
    db.session.commit()
    return t


def _order(merchant: Any, number: str, titles: list[str], carriers: list[str | None]) -> Order:
    order = Order(merchant_id=merchant.id, number=number, number_key=number,
                  items=[{"title": t, "quantity": 1, "price": "9.99"} for t in titles])
    db.session.add(order)
    db.session.flush()
    for i, carrier in enumerate(carriers):
        db.session.add(Fulfilment(merchant_id=merchant.id, order_id=order.id, external_id=f"f{i}",
                                  tracking_company=carrier))
    db.session.commit()
    return order


def _case(ticket: Ticket, service: Any, status: CaseStatus) -> None:
    db.session.add(MediationCase(merchant_id=ticket.merchant_id, mediation_service_id=service.id,
                                 ticket_id=ticket.id, status=status, opened_by=OpenedBy.MERCHANT,
                                 first_complaint_at=ticket.created_at))
    db.session.commit()


def _page_tables(page: str) -> dict[str, dict[str, list[str]]]:
    """Each report table of the page as {row key: [the data-value of each cell]}."""
    tables = {}
    sections = r'<section class="report-table" id="report-\w+" data-table="(\w+)">(.*?)</section>'
    for name, body in re.findall(sections, page, re.DOTALL):
        table = body[body.index("<table"):]
        tables[name] = {key: re.findall(r'data-value="([^"]*)"', row)
                        for key, row in re.findall(r'<tr data-key="([^"]+)">(.*?)</tr>', table, re.DOTALL)}
    return tables


def _chart_bars(page: str, name: str) -> dict[str, dict[str, str]]:
    """A table's chart as {row key: {column: the data-value of its bar}}."""
    body = re.search(rf'data-table="{name}">(.*?)</svg>', page, re.DOTALL)
    assert body is not None
    bars = re.findall(r'<g class="bar" data-key="([^"]+)">(.*?)</g>', body.group(1), re.DOTALL)
    return {key: dict(re.findall(r'<rect [^>]*data-column="(\w+)" data-value="([^"]*)"', g)) for key, g in bars}


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
    assert {k: kpi[k] for k in ("opened", "resolved", "breached", "csat")} == {
        "opened": "4", "resolved": "2", "breached": "1", "csat": "67"}
    chart = {d: int(n) for d, n in re.findall(r'data-day="([\d-]+)" data-opened="(\d+)"', page)}
    assert chart["2026-11-02"] == 3 and chart["2026-11-03"] == 0 and chart["2026-11-04"] == 1
    assert len(chart) == 7
    assert _page_tables(page)["channels"] == {"email": ["3"], "widget": ["1"]}

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


def test_breakdowns_percentiles_sla_escalations_and_their_csvs(app, client):
    """The same small set on SQLite and PostgreSQL gives these numbers; each CSV is its table and chart."""
    shop, other = make_merchant(timezone="Europe/Paris", country="FR"), make_merchant()
    service = make_service()
    day = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    # Two parcels by DHL: the ticket counts once for DHL; the order's two products count once each.
    a = _ticket(shop, day, Category.LATE_DELIVERY, answered_after=timedelta(minutes=30),
                resolved_after=timedelta(hours=5), order=_order(shop, "1001", ["Lampe", "Tapis"], ["DHL", "DHL"]))
    _ticket(shop, day + timedelta(hours=1), Category.LATE_DELIVERY, "widget", answered_after=timedelta(minutes=90),
            order=_order(shop, "1002", ["Lampe", "Lampe"], ["Amana"]))
    returned = _ticket(shop, day + timedelta(hours=2), Category.RETURN, breached=True)
    broken = _ticket(shop, datetime(2026, 11, 3, 23, 30, tzinfo=UTC), Category.NON_CONFORMITY,
                     resolved_after=timedelta(hours=1), order=_order(shop, "1003", ["Tapis"], [None]))
    _case(returned, service, CaseStatus.WITHDRAWN)
    _case(returned, service, CaseStatus.OPEN)  # escalated again: one escalated ticket, two cases
    _case(broken, service, CaseStatus.AGREEMENT)
    # Outside the shop or the period: never counted.
    _case(_ticket(other, day, Category.RETURN, order=_order(other, "9", ["Lampe"], ["DHL"])), service,
          CaseStatus.FAILURE)
    _case(_ticket(shop, day - timedelta(days=10), Category.RETURN, order=_order(shop, "7", ["Vase"], ["DHL"])),
          service, CaseStatus.REFUSED)
    assert a.order_id is not None
    login(client, make_user(shop, "supervisor"))

    page = client.get("/reports", query_string=PERIOD).get_data(as_text=True)
    tables = _page_tables(page)
    assert tables["channels"] == {"email": ["3"], "widget": ["1"]}
    assert tables["carriers"] == {"Amana": ["1"], "DHL": ["1"], "none": ["2"]}
    assert tables["products"] == {"Lampe": ["2"], "Tapis": ["2"]}
    # Medians and 90th percentiles as percentile_cont: first response 30, 90 min; resolution 5 h, 1 h.
    assert tables["first_response"] == {"late_delivery": ["60.0", "84.0"], "return": ["", ""],
                                        "non_conformity": ["", ""], "other": ["", ""], "all": ["60.0", "84.0"]}
    assert tables["resolution"] == {"late_delivery": ["5.0", "5.0"], "return": ["", ""],
                                    "non_conformity": ["1.0", "1.0"], "other": ["", ""], "all": ["3.0", "4.6"]}
    assert tables["sla"] == {"late_delivery": ["2", "0", "1.0"], "return": ["1", "1", "0.0"],
                             "non_conformity": ["1", "0", "1.0"], "other": ["0", "0", ""], "all": ["4", "1", "0.75"]}
    assert tables["escalation"] == {"late_delivery": ["2", "0", "0.0"], "return": ["1", "1", "1.0"],
                                    "non_conformity": ["1", "1", "1.0"], "other": ["0", "0", ""],
                                    "all": ["4", "2", "0.5"]}
    assert tables["mediation"] == {"agreement": ["1"], "failure": ["0"], "withdrawn": ["1"], "expired": ["0"],
                                   "refused": ["0"], "inadmissible": ["0"], "active": ["1"]}
    assert 'data-kpi="escalated">2 (50.0 %)' in page and 'data-kpi="resolution_p90">4.6 h' in page

    for name, table in tables.items():
        r = client.get(f"/reports/{name}.csv", query_string=PERIOD)
        assert r.mimetype == "text/csv" and f'filename="{name}-2026-11-01-2026-11-07.csv"' in \
            r.headers["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
        assert {row[0]: row[1:] for row in rows[1:]} == table, name
        # The bars draw the table's numbers (their columns of it).
        bars, columns = _chart_bars(page, name), rows[0][1:]
        assert bars.keys() == table.keys(), name
        for key, drawn in bars.items():
            assert drawn and all(table[key][columns.index(c)] == v for c, v in drawn.items()), (name, key)
    assert client.get("/reports/nope.csv", query_string=PERIOD).status_code == 404
    # The default CSV is unchanged: one line per day, then the totals.
    default = client.get("/reports.csv", query_string=PERIOD).get_data(as_text=True).splitlines()
    assert default[0] == "day,opened,late_delivery,return,non_conformity,other,resolved,sla_breached,ratings,satisfied"
    assert len(default) == 1 + 7 + 1


def test_table_csvs_are_for_supervisors(app, client):
    shop = make_merchant()
    login(client, make_user(shop, "agent"))
    assert client.get("/reports/carriers.csv").status_code == 404
    login(client, make_user(shop, "supervisor"))
    r = client.get("/reports/carriers.csv")
    assert r.status_code == 200 and r.get_data(as_text=True).splitlines() == ["carrier,tickets"]
