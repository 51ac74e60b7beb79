"""The service's yearly figures: a small seeded year, counted by hand, then the same numbers on the page and in
the CSV."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from flask import g

from helpdesk.extensions import db
from helpdesk.mediation import transitions
from helpdesk.mediation.actors import SHOPPER, Actor
from helpdesk.mediation.dossier import Amount, open_dossier
from helpdesk.mediation.proposals import make_proposal, respond
from helpdesk.mediation.stats import stats_csv, year_stats
from helpdesk.models import Category, OpenedBy, Party
from tests.conftest import login, make_merchant, make_service, make_ticket, make_user

MEDIATOR = Actor(Party.MEDIATOR, "mediator:0")
SUPERVISOR = Actor(Party.MERCHANT, "supervisor:0", supervisor=True)
NO_REASON = "Plus d'un an après la réclamation"


def at(month: int, day: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


def _received(merchant, category: Category, when: datetime):
    with time_machine.travel(when, tick=False):
        ticket = make_ticket(merchant, f"Litige {category.value}")
        ticket.category = category
        case, _ = open_dossier(ticket, by=OpenedBy.MERCHANT, reason="Sans issue", actor="supervisor:0",
                               claim="Remboursement", amount=Amount(Decimal("100.00"), "MAD"))
        db.session.commit()
    return case


def _step(when: datetime, do) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        do()
        db.session.commit()


def _opened(case, when: datetime) -> None:
    _step(when, lambda: transitions.decide_admissibility(case, MEDIATOR, True, None))
    _step(when + timedelta(days=1), lambda: transitions.answer_consent(case, SHOPPER, True))


@pytest.fixture
def seeded(app):
    service = make_service()
    a = make_merchant("atlas-shop", name="Atlas Shop", mediation_service=service.slug, identifiers={"ice": "1" * 15})
    b = make_merchant("bazar-net", name="Bazar Net", mediation_service=service.slug, identifiers={"ice": "2" * 15})
    agreed = _received(a, Category.LATE_DELIVERY, at(2, 1))
    _opened(agreed, at(2, 3))

    def agree() -> None:
        proposal = make_proposal(agreed, MEDIATOR, "Remboursement", None, at(3, 1))
        respond(agreed, proposal.id, SHOPPER, True)
        respond(agreed, proposal.id, SUPERVISOR, True)
    _step(at(2, 10), agree)
    _step(at(3, 5), lambda: transitions.close(agreed, MEDIATOR, "agreement", "Accord"))  # 32 days
    too_late = _received(a, Category.RETURN, at(3, 1))
    _step(at(3, 2), lambda: transitions.decide_admissibility(too_late, MEDIATOR, False, NO_REASON))
    declined = _received(b, Category.LATE_DELIVERY, at(4, 1))
    _step(at(4, 2), lambda: transitions.decide_admissibility(declined, MEDIATOR, True, None))
    _step(at(4, 3), lambda: transitions.answer_consent(declined, SHOPPER, False))
    failed = _received(b, Category.RETURN, at(5, 1))
    _opened(failed, at(5, 2))
    _step(at(6, 10), lambda: transitions.close(failed, MEDIATOR, "failure", None))  # 40 days
    withdrawn_next_year = _received(b, Category.LATE_DELIVERY, at(12, 20))
    _step(at(1, 10, 2026), lambda: transitions.withdraw(withdrawn_next_year, SUPERVISOR))
    from_last_year = _received(a, Category.OTHER, at(12, 15, 2024))
    _opened(from_last_year, at(12, 16, 2024))
    _step(at(1, 14), lambda: transitions.close(from_last_year, MEDIATOR, "failure", None))  # 30 days
    elsewhere = make_merchant(mediation_service=make_service().slug, identifiers={"ice": "3" * 15})
    _received(elsewhere, Category.RETURN, at(6, 1))  # another service's: never counted here
    return service


def test_the_year_counts_what_happened_in_it(seeded):
    stats = year_stats(seeded, 2025)
    total = stats.total
    assert (total.received, total.inadmissible, total.refused) == (5, 1, 1)
    assert dict(total.outcomes) == {"agreement": 1, "failure": 2}
    assert total.median_days == 32.0
    atlas, bazar = stats.by_merchant[("atlas-shop", "Atlas Shop")], stats.by_merchant[("bazar-net", "Bazar Net")]
    assert (atlas.received, atlas.inadmissible, dict(atlas.outcomes), atlas.median_days) == (
        2, 1, {"agreement": 1, "failure": 1}, 31.0)
    assert (bazar.received, bazar.refused, dict(bazar.outcomes), bazar.median_days) == (3, 1, {"failure": 1}, 40.0)
    late, returns = stats.by_category["late_delivery"], stats.by_category["return"]
    assert (late.received, late.refused, late.outcomes["agreement"]) == (3, 1, 1)
    assert (returns.received, returns.inadmissible, returns.outcomes["failure"]) == (2, 1, 1)
    assert stats.reasons == {NO_REASON: 1}
    next_year = year_stats(seeded, 2026)
    assert next_year.total.received == 0 and dict(next_year.total.outcomes) == {"withdrawn": 1}
    assert next_year.total.median_days == 21.0


def test_the_page_and_the_csv_show_the_same_numbers(seeded, client):
    mediator = make_user(role="mediator", service=seeded)
    login(client, mediator)
    g.pop("principal", None)
    html = client.get("/mediation/stats?year=2025").get_data(as_text=True)
    g.pop("principal", None)
    r = client.get("/mediation/stats?year=2025&format=csv")
    assert r.mimetype == "text/csv" and r.get_data(as_text=True) == stats_csv(year_stats(seeded, 2025))
    rows = {(row["scope"], row["key"]): row for row in csv.DictReader(io.StringIO(r.get_data(as_text=True)))}
    total = rows[("total", "")]
    assert (total["received"], total["inadmissible"], total["refused"], total["agreement"], total["failure"],
            total["median_days"]) == ("5", "1", "1", "1", "2", "32.0")
    assert rows[("merchant", "bazar-net")]["received"] == "3" and rows[("category", "return")]["failure"] == "1"
    reason = next(row for row in rows.values() if row["scope"] == "inadmissible_reason")
    assert reason["name"] == NO_REASON and reason["inadmissible"] == "1"
    segment = html.split('data-row="total"')[1].split("</tr>")[0]
    for figure, value in (("received", "5"), ("inadmissible", "1"), ("refused", "1"), ("agreement", "1"),
                          ("failure", "2"), ("median_days", "32.0")):
        assert f'data-figure="{figure}">{value}<' in segment, figure
    assert 'data-row="atlas-shop"' in html and 'data-row="late_delivery"' in html
    assert NO_REASON.replace("'", "&#39;") in html


def test_only_mediators_see_the_figures(seeded, client):
    shop = make_merchant(mediation_service=seeded.slug)
    for user in (make_user(shop, "supervisor"), make_user(role="admin")):
        login(client, user)
        g.pop("principal", None)
        assert client.get("/mediation/stats").status_code == 404
        g.pop("principal", None)
        assert client.get("/mediation/stats?format=csv").status_code == 404
