"""Merging two tickets of the same shopper: nothing moves, both chains verify, the survivor shows and finds it all."""
from __future__ import annotations

import re
from typing import Any

from helpdesk.extensions import db
from helpdesk.models import Message, Status, Ticket, TicketEvent
from helpdesk.tickets.timeline import verify_chain
from tests.conftest import login, make_merchant, make_ticket, make_user


def _login(client: Any, user: Any) -> None:
    user.language = "en"  # the assertions read the English pages
    db.session.commit()
    login(client, user)


def _snapshot(ticket_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    events = [(e.id, e.seq, e.kind, e.chain_hash) for e in db.session.query(TicketEvent)
              .filter_by(ticket_id=ticket_id).order_by(TicketEvent.seq)]
    messages = [(m.id, m.ticket_id, m.body) for m in db.session.query(Message).filter_by(ticket_id=ticket_id)
                .order_by(Message.id)]
    return events, messages


def _refs(page: str) -> set[str]:
    return set(re.findall(r">(HD-[A-Z0-9]{6})</a>", page))


def test_merging_keeps_every_message_and_event_and_both_chains_verify(app, client):
    merchant = make_merchant()
    agent = make_user(merchant, "agent")
    survivor = make_ticket(merchant, "Ma commande n'est pas arrivée.", email="salma@example.com", order_number="#7001")
    absorbed = make_ticket(merchant, "Le grille-pain fume quand je l'allume, un vrai danger.",
                           email="salma@example.com", order_number="#7002")
    _login(client, agent)
    client.post(f"/tickets/{absorbed.ref}/messages", data={"body": "Nous regardons cela tout de suite."})
    before_survivor, before_absorbed = _snapshot(survivor.id), _snapshot(absorbed.id)

    page = client.post(f"/tickets/{survivor.ref}/merge", data={"other": absorbed.ref.lower()},
                       follow_redirects=True).get_data(as_text=True)
    assert f"{absorbed.ref} was merged into this ticket" in page
    db.session.expire_all()

    after_survivor, after_absorbed = _snapshot(survivor.id), _snapshot(absorbed.id)
    # Nothing moved or was rewritten: both histories only grew at the end.
    assert after_survivor[0][:len(before_survivor[0])] == before_survivor[0]
    assert after_absorbed[0][:len(before_absorbed[0])] == before_absorbed[0]
    assert after_survivor[1] == before_survivor[1] and after_absorbed[1] == before_absorbed[1]
    merged = [e for e in db.session.query(TicketEvent).filter_by(ticket_id=survivor.id, kind="merged")]
    assert len(merged) == 1 and merged[0].data["absorbed"] == absorbed.ref
    into = db.session.query(TicketEvent).filter_by(ticket_id=absorbed.id, kind="merged_into").one()
    assert into.data["into"] == survivor.ref
    assert db.session.get(Ticket, absorbed.id).status is Status.CLOSED
    assert verify_chain(db.session.get(Ticket, survivor.id)).ok
    assert verify_chain(db.session.get(Ticket, absorbed.id)).ok

    # The survivor's page shows the absorbed ticket's messages, read from that ticket.
    section = re.search(r'<section class="merged".*?</section>', page, re.DOTALL)
    assert section and absorbed.ref in section.group(0)
    assert "Le grille-pain fume" in section.group(0) and "Nous regardons cela tout de suite." in section.group(0)
    # Search finds the survivor by the absorbed ticket's words (and still finds the absorbed one).
    found = _refs(client.get("/tickets", query_string={"q": "grille-pain"}).get_data(as_text=True))
    assert survivor.ref in found
    # The absorbed ticket's page points to the survivor.
    other = client.get(f"/tickets/{absorbed.ref}").get_data(as_text=True)
    assert f'href="/tickets/{survivor.ref}"' in other


def test_merging_is_refused_for_another_shopper_itself_or_twice(app, client):
    merchant = make_merchant()
    agent = make_user(merchant, "agent")
    first = make_ticket(merchant, "Colis perdu", email="one@example.com", order_number="#1")
    second = make_ticket(merchant, "Colis abîmé", email="one@example.com", order_number="#2")
    stranger = make_ticket(merchant, "Colis en retard", email="two@example.com", order_number="#3")
    elsewhere = make_ticket(make_merchant(), "Colis volé", email="one@example.com", order_number="#4")
    _login(client, agent)

    def merge(into: Any, other: str) -> str:
        r = client.post(f"/tickets/{into.ref}/merge", data={"other": other}, follow_redirects=True)
        assert r.status_code == 200
        return r.get_data(as_text=True)

    assert "same shopper" in merge(first, stranger.ref)
    assert "another ticket than this one" in merge(first, first.ref)
    assert "No ticket of yours" in merge(first, elsewhere.ref)  # another merchant's: as if it did not exist
    assert "No ticket of yours" in merge(first, "not-a-ref")
    assert db.session.query(TicketEvent).filter(TicketEvent.kind.in_(("merged", "merged_into"))).count() == 0
    merge(first, second.ref)
    assert "already merged" in merge(second, first.ref)
    third = make_ticket(merchant, "Encore un souci", email="one@example.com", order_number="#5")
    assert "already merged" in merge(third, second.ref)
    db.session.expire_all()
    assert db.session.query(TicketEvent).filter_by(kind="merged").count() == 1
