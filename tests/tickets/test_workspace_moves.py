"""The ticket page's quick moves: one-click category correction (feeding triage), assign to me, close."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import CategorySource, Status, Ticket, TicketEvent, TriageCorrection
from helpdesk.tickets.timeline import verify_chain
from tests.conftest import PASSWORD, login, make_merchant, make_ticket, make_user


def _desk(app: Any) -> tuple[Any, Any, Any]:
    merchant = make_merchant()
    agent = make_user(merchant, "agent", "amina@souk.example")
    agent.language = "en"
    db.session.commit()
    client = app.test_client()
    login(client, agent)
    return agent, make_ticket(merchant, "Mon colis n'est jamais arrivé.", forced_category="late_delivery"), client


def _kinds(ticket: Any) -> list[str]:
    return list(db.session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)
                                   .order_by(TicketEvent.seq)))


def test_the_page_shows_the_category_with_its_confidence_and_one_button_per_other_category(app):
    _, ticket, client = _desk(app)
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert 'class="confidence">100%<' in page
    buttons = [c for c in ("late_delivery", "return", "non_conformity", "other")
               if f'name="category" value="{c}"' in page]
    assert buttons == ["return", "non_conformity", "other"]


def test_one_click_corrects_the_category_feeds_triage_and_shows_on_the_timeline(app):
    agent, ticket, client = _desk(app)
    r = client.post(f"/tickets/{ticket.ref}/category", data={"category": "non_conformity"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/tickets/{ticket.ref}")
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.category.value == "non_conformity" and ticket.category_source is CategorySource.AGENT
    feedback = db.session.scalars(select(TriageCorrection)).one()
    assert (feedback.predicted, feedback.category, feedback.user_id) == ("late_delivery", "non_conformity", agent.id)
    assert _kinds(ticket)[-1] == "ticket.recategorised"
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert "Category corrected" in page and "<code>ticket.recategorised</code>" in page
    assert verify_chain(ticket).ok


def test_the_same_or_an_unknown_category_changes_nothing(app):
    _, ticket, client = _desk(app)
    client.post(f"/tickets/{ticket.ref}/category", data={"category": "late_delivery"})
    client.post(f"/tickets/{ticket.ref}/category", data={"category": "groceries"})
    assert db.session.scalars(select(TriageCorrection)).all() == []
    assert "ticket.recategorised" not in _kinds(ticket)


def test_assign_to_me_and_close(app):
    agent, ticket, client = _desk(app)
    assert client.post(f"/tickets/{ticket.ref}/assign-me").status_code == 302
    assert client.post(f"/tickets/{ticket.ref}/assign-me").status_code == 302  # twice: one event
    assert client.post(f"/tickets/{ticket.ref}/close").status_code == 302
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.assignee_id == agent.id and ticket.status is Status.CLOSED
    assert _kinds(ticket).count("ticket.assigned") == 1 and _kinds(ticket)[-1] == "status.changed"
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert 'data-shortcut="assign"' not in page and 'data-shortcut="close"' not in page  # nothing left to do


def test_an_escalated_ticket_cannot_be_closed_from_the_page(app):
    _, ticket, client = _desk(app)
    ticket.status = Status.ESCALATED
    db.session.commit()
    client.post(f"/tickets/{ticket.ref}/close")
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.ESCALATED


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1) or found.group(2)


def _forget_caller() -> None:
    """The test's app context outlives each request, and `g` (with the CSRF token of the last session) with it."""
    from flask import g

    for name in list(g):
        g.pop(name)


def test_the_moves_need_the_pages_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        merchant = make_merchant()
        agent = make_user(merchant, "agent")
        ticket = make_ticket(merchant)
        client = app.test_client()
        client.post("/login", data={"email": agent.email, "password": PASSWORD,
                                    "csrf_token": _csrf(client.get("/login").get_data(as_text=True))})
        _forget_caller()
        for path in ("category", "assign-me", "close"):
            assert client.post(f"/tickets/{ticket.ref}/{path}", data={"category": "return"}).status_code == 400
        _forget_caller()
        token = _csrf(client.get(f"/tickets/{ticket.ref}").get_data(as_text=True))
        _forget_caller()
        assert client.post(f"/tickets/{ticket.ref}/assign-me", data={"csrf_token": token}).status_code == 302
        db.session.expire_all()
        assert db.session.get(Ticket, ticket.id).assignee_id == agent.id
