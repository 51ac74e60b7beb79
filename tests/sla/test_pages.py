"""Supervisor pages: SLA policies, escalation rules, and the ticket's SLA card, legal clocks and Escalate button."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Category, EscalationRule, MediationCase, Order, Priority, SlaPolicy, Status
from helpdesk.tickets.customers import order_key
from tests.conftest import PASSWORD, make_merchant, make_service, make_ticket, make_user

# The ticket page's own status form still passes choices as tuples (tickets/views.py).
legacy_choices = pytest.mark.filterwarnings("ignore:Passing SelectField choices as tuples:DeprecationWarning")


def login(app, user):
    """A logged-in client that reads the pages in English (the texts asserted below)."""
    user.language = "en"
    db.session.commit()
    for name in list(g):  # the test's app context outlives requests: forget the earlier caller
        g.pop(name)
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_a_supervisor_sees_every_default_and_saves_a_policy(app):
    merchant = make_merchant()
    client = login(app, make_user(merchant))
    page = client.get("/settings/sla")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('name="warning_percent"') == len(Category) * len(Priority)
    r = client.post("/settings/sla", data={"category": "return", "priority": "high", "first_response_hours": "2",
                                           "resolution_hours": "10.5", "warning_percent": "60"})
    assert r.status_code == 302
    row = db.session.scalar(select(SlaPolicy).where(SlaPolicy.merchant_id == merchant.id))
    assert (row.category, row.priority, row.first_response_minutes, row.resolution_minutes, row.warning_percent) \
        == (Category.RETURN, Priority.HIGH, 120, 630, 60)
    bad = client.post("/settings/sla", data={"category": "return", "priority": "high", "first_response_hours": "5",
                                             "resolution_hours": "1", "warning_percent": "60"}, follow_redirects=True)
    assert "Resolution cannot come before the first response" in bad.get_data(as_text=True)


def test_agents_cannot_edit_policies_or_rules(app):
    client = login(app, make_user(make_merchant(), "agent"))
    assert client.get("/settings/sla").status_code == 403
    assert client.post("/settings/escalation", data={"action": "notify", "after_business_days": "1"}).status_code == 403


def test_rules_are_added_and_removed(app):
    merchant = make_merchant()
    client = login(app, make_user(merchant))
    r = client.post("/settings/escalation", data={"action": "open_dossier", "after_business_days": "3"})
    assert r.status_code == 302
    rule = db.session.scalar(select(EscalationRule).where(EscalationRule.merchant_id == merchant.id))
    assert (rule.action.value, rule.after_business_days) == ("open_dossier", 3)
    assert "Open a mediation dossier" in client.get("/settings/escalation").get_data(as_text=True)
    client.post(f"/settings/escalation/{rule.id}/delete")
    db.session.expire_all()
    assert db.session.scalar(select(EscalationRule).where(EscalationRule.merchant_id == merchant.id)) is None


@legacy_choices
def test_the_ticket_page_shows_legal_clocks_and_escalates(app):
    merchant = make_merchant(country="FR", timezone="Europe/Paris", mediation_service=make_service().slug,
                             identifiers={"siren": "552100554"})
    placed = datetime.now(UTC) - timedelta(days=27)
    db.session.add(Order(merchant_id=merchant.id, number="FR-1", number_key=order_key("FR-1"), placed_at=placed,
                         currency="EUR"))
    db.session.commit()
    ticket = make_ticket(merchant, "Ma commande n'est toujours pas livrée", order_number="FR-1",
                         category_hint="late_delivery")
    agent_page = login(app, make_user(merchant, "agent")).get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert "L216-1" in agent_page and "passes soon" in agent_page  # 30 days from the order, 3 left
    assert "Escalate to mediation" not in agent_page
    boss = login(app, make_user(merchant))
    page = boss.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert "Escalate to mediation" in page
    r = boss.post(f"/tickets/{ticket.ref}/escalate", data={"reason": "Livraison jamais faite",
                                                           "claim": "Remboursement", "amount": "89.90",
                                                           "currency": "eur"})
    assert r.status_code == 302
    case = db.session.scalar(select(MediationCase).where(MediationCase.ticket_id == ticket.id))
    assert case is not None and str(case.amount_value) == "89.90" and case.amount_currency == "EUR"
    assert case.dossier_complete_at is not None
    db.session.refresh(ticket)
    assert ticket.status is Status.ESCALATED
    after = boss.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert f"#{case.id}" in after and "Escalate to mediation" not in after


def test_the_api_shows_warnings_and_legal_clocks(app, client):
    from tests.conftest import bearer, make_token
    merchant = make_merchant(country="MA")
    db.session.add(Order(merchant_id=merchant.id, number="MA-1", number_key=order_key("MA-1"),
                         delivered_at=datetime.now(UTC) - timedelta(days=1)))
    db.session.commit()
    ticket = make_ticket(merchant, "Je veux retourner cet article", order_number="MA-1", category_hint="return")
    ticket.first_response_warn_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    data = client.get(f"/api/v1/tickets/{ticket.ref}", headers=bearer(make_token(make_user(merchant)))).get_json()
    sla = data["sla"]
    assert sla["first_response_warning"] is True and sla["resolution_warning"] is False
    assert [c["code"] for c in sla["legal_clocks"]] == ["MA-WITHDRAWAL-7D"]
    assert sla["legal_clocks"][0]["status"] == "stopped"  # the return ticket is the withdrawal, in time
    assert sla["legal_clocks"][0]["met"] is True
