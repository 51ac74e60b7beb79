"""Bulk actions from the list page: a job applies them ticket by ticket, and a page shows the progress."""
from __future__ import annotations

import re
from typing import Any

from helpdesk.extensions import db
from helpdesk.models import BulkAction, BulkStatus, Status, Ticket
from helpdesk.tickets.present import events_of
from helpdesk.tickets.timeline import verify_chain
from tests.conftest import login, make_merchant, make_ticket, make_user


def _counts(page: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}


def _bulk(client: Any, refs: list[str], action: str, value: str = "") -> Any:
    return client.post("/tickets/bulk", data={"ticket": refs, "action": action, "value": value})


def test_bulk_close_runs_as_a_job_and_the_progress_page_follows_it(app, client, drain):
    merchant = make_merchant()
    agent = make_user(merchant, "agent")
    tickets = [make_ticket(merchant, f"Colis numéro {n} jamais arrivé") for n in range(4)]
    stuck = tickets[3]
    stuck.status = Status.ESCALATED  # mediation decides its status: the close must fail, alone
    db.session.commit()
    login(client, agent)
    assert f'name="ticket" value="{tickets[0].ref}"' in client.get("/tickets").get_data(as_text=True)

    r = _bulk(client, [t.ref for t in tickets], "close")
    assert r.status_code == 302 and re.search(r"/tickets/bulk/\d+$", r.headers["Location"])
    drain()
    page = client.get(r.headers["Location"])
    text = page.get_data(as_text=True)
    assert _counts(text) == {"total": 4, "done": 3, "failed": 1}
    assert 'data-status="finished"' in text and 'http-equiv="refresh"' not in text and "Refresh" not in page.headers
    assert stuck.ref in text  # named among the tickets not changed

    db.session.expire_all()
    statuses = {t.ref: db.session.get(Ticket, t.id).status for t in tickets}
    assert [statuses[t.ref] for t in tickets] == [Status.CLOSED] * 3 + [Status.ESCALATED]
    for t in tickets[:3]:
        ticket = db.session.get(Ticket, t.id)
        assert [e.data for e in events_of(ticket) if e.kind == "status.changed"][-1]["to"] == "closed"
        assert verify_chain(ticket).ok


def test_an_unfinished_bulk_action_page_refreshes_itself_without_script(app, client):
    merchant = make_merchant()
    agent = make_user(merchant, "agent")
    row = BulkAction(merchant_id=merchant.id, user_id=agent.id, action="close", ticket_ids=[1, 2], total=2,
                     errors=[], status=BulkStatus.RUNNING, done=1)
    db.session.add(row)
    db.session.commit()
    login(client, agent)
    page = client.get(f"/tickets/bulk/{row.id}")
    text = page.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in text and page.headers["Refresh"] == "2"
    assert "<script" not in text
    assert _counts(text) == {"total": 2, "done": 1, "failed": 0}


def test_bulk_assign_and_tag_go_through_the_services(app, client, drain):
    merchant = make_merchant()
    boss, agent = make_user(merchant, "supervisor"), make_user(merchant, "agent")
    tickets = [make_ticket(merchant, f"Retour de l'article {n}") for n in range(3)]
    login(client, boss)
    _bulk(client, [t.ref for t in tickets], "assign", agent.email.upper())
    _bulk(client, [t.ref for t in tickets[:2]], "tag", "Fragile")
    drain()
    db.session.expire_all()
    assert {db.session.get(Ticket, t.id).assignee_id for t in tickets} == {agent.id}
    assert [db.session.get(Ticket, t.id).tags for t in tickets] == [["fragile"], ["fragile"], []]
    kinds = [e.kind for e in events_of(db.session.get(Ticket, tickets[0].id))]
    assert "ticket.assigned" in kinds and "tags.changed" in kinds
    page = client.post("/tickets/bulk", data={"ticket": [tickets[0].ref], "action": "assign",
                                              "value": "nobody@elsewhere.example"}, follow_redirects=True)
    assert "No agent of this merchant" in page.get_data(as_text=True)


def test_bulk_actions_touch_only_the_merchants_own_tickets(app, client, drain):
    mine, theirs = make_merchant(), make_merchant()
    agent, their_agent = make_user(mine, "agent"), make_user(theirs, "agent")
    my_ticket, their_ticket = make_ticket(mine), make_ticket(theirs)
    login(client, agent)
    page = _bulk(client, [their_ticket.ref], "close")
    assert page.status_code == 302 and not re.search(r"/tickets/bulk/\d+$", page.headers["Location"])
    r = _bulk(client, [my_ticket.ref, their_ticket.ref], "close")
    drain()
    assert _counts(client.get(r.headers["Location"]).get_data(as_text=True))["total"] == 1
    db.session.expire_all()
    assert db.session.get(Ticket, their_ticket.id).status is not Status.CLOSED
    assert db.session.get(Ticket, my_ticket.id).status is Status.CLOSED

    # Their own progress page is not ours to see.
    login(client, their_agent)
    assert client.get(r.headers["Location"]).status_code == 404
