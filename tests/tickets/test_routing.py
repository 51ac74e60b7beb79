"""Round-robin assignment by category: agents alternate, off means unassigned, safe when tickets arrive at once."""
from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Merchant, RoutingMember, TicketEvent
from helpdesk.tickets import routing
from tests.conftest import login, make_merchant, make_ticket, make_user

LATE = "Mon colis n'est jamais arrivé, le suivi est bloqué depuis deux semaines."


def _desk(enabled: bool = True) -> tuple[Any, Any, Any]:
    merchant = make_merchant()
    amina, bruno = make_user(merchant, "agent", "amina@souk.example"), make_user(merchant, "agent", "bruno@souk.example")
    routing.save_settings(merchant, enabled, {"late_delivery": [amina.id, bruno.id], "return": [bruno.id]})
    db.session.commit()
    return merchant, amina, bruno


def _assignee_of(merchant: Any, n: int) -> list[str | None]:
    tickets = [make_ticket(merchant, LATE, forced_category="late_delivery") for _ in range(n)]
    return [t.assignee.email if t.assignee else None for t in tickets]


def test_two_agents_alternate_on_their_category(app):
    merchant, amina, bruno = _desk()
    assert _assignee_of(merchant, 4) == [amina.email, bruno.email, amina.email, bruno.email]
    ticket = make_ticket(merchant, LATE, forced_category="late_delivery")
    events = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                .order_by(TicketEvent.seq)).all()
    assert [e.kind for e in events][:3] == ["ticket.created", "ticket.categorised", "ticket.assigned"]
    assert events[2].actor == "routing:round_robin" and events[2].data == {"assignee": amina.email}


def test_a_category_has_its_own_turn_and_one_without_agents_stays_unassigned(app):
    merchant, amina, bruno = _desk()
    returned = make_ticket(merchant, "Je veux retourner ce pull", forced_category="return")
    other = make_ticket(merchant, "Une question sur ma facture", forced_category="other")
    assert returned.assignee_id == bruno.id and other.assignee_id is None
    assert _assignee_of(merchant, 1) == [amina.email]  # the return did not move late_delivery's turn


def test_disabled_leaves_new_tickets_unassigned(app):
    merchant, _amina, _bruno = _desk(enabled=False)
    assert _assignee_of(merchant, 2) == [None, None]


def test_inactive_agents_are_skipped(app):
    merchant, amina, bruno = _desk()
    bruno.active = False
    db.session.commit()
    assert _assignee_of(merchant, 2) == [amina.email, amina.email]


def test_settings_keep_only_the_merchants_own_staff(app):
    merchant, amina, _bruno = _desk()
    outsider = make_user(make_merchant(), "agent")
    routing.save_settings(merchant, True, {"late_delivery": [amina.id, outsider.id]})
    db.session.commit()
    assert db.session.scalars(select(RoutingMember.user_id)).all() == [amina.id]


def test_the_supervisor_page_turns_it_on_and_chooses_agents(app):
    merchant = make_merchant()
    boss, amina = make_user(merchant, "supervisor"), make_user(merchant, "agent", "amina@souk.example")
    outsider = make_user(make_merchant(), "agent")
    client = app.test_client()
    login(client, boss)
    page = client.get("/settings/assignment").get_data(as_text=True)
    assert f'name="member-late_delivery" value="{amina.id}"' in page and outsider.email not in page
    r = client.post("/settings/assignment", data={"enabled": "on", "member-late_delivery": [str(amina.id),
                                                                                          str(outsider.id)]})
    assert r.status_code == 302
    db.session.expire_all()
    assert routing.settings_of(db.session.get(Merchant, merchant.id)).members["late_delivery"] == [amina.id]
    assert make_ticket(merchant, LATE, forced_category="late_delivery").assignee_id == amina.id
    # Turned off from the page: nobody is assigned any more.
    client.post("/settings/assignment", data={"member-late_delivery": [str(amina.id)]})
    db.session.expire_all()
    assert make_ticket(merchant, LATE, forced_category="late_delivery").assignee_id is None


def test_agents_do_not_see_the_settings(app):
    merchant = make_merchant()
    client = app.test_client()
    login(client, make_user(merchant, "agent"))
    assert client.get("/settings/assignment").status_code == 404
    assert client.post("/settings/assignment", data={"enabled": "on"}).status_code == 404


@pytest.mark.pg_only
def test_tickets_opened_at_the_same_moment_go_to_different_agents(app):
    """The cursor row lock makes the second creator wait for the first one's commit, then take the next turn."""
    from helpdesk.intake.complaint import Complaint
    from helpdesk.models import Channel
    from helpdesk.tickets.services import open_or_thread

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL pass")
    merchant, amina, bruno = _desk()
    merchant_id = merchant.id
    make_ticket(merchant, LATE, forced_category="late_delivery")  # the cursor row exists: amina had the last turn
    got: dict[str, int | None] = {}
    first_holds_lock = threading.Event()

    def open_one(name: str, hold: float) -> None:
        with app.app_context():
            shop = db.session.get(Merchant, merchant_id)
            complaint = Complaint(email=f"{name}@example.com", message=LATE, forced_category="late_delivery")
            ticket = open_or_thread(shop, complaint, Channel.API).ticket
            got[name] = ticket.assignee_id
            if hold:
                first_holds_lock.set()
                time.sleep(hold)  # the second creator reaches the cursor meanwhile and must wait
            db.session.commit()
            db.session.remove()

    first = threading.Thread(target=open_one, args=("first", 0.8))
    first.start()
    assert first_holds_lock.wait(20)
    second = threading.Thread(target=open_one, args=("second", 0))
    second.start()
    first.join(30)
    second.join(30)
    assert {got["first"], got["second"]} == {amina.id, bruno.id}
