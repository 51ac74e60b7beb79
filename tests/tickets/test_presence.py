"""The collision warning: a second agent on the same ticket is told, and a reply from a stale page is flagged."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from helpdesk.extensions import db
from helpdesk.models import Message, TicketPresence, utcnow
from tests.conftest import login, make_merchant, make_ticket, make_user


def _login(client: Any, user: Any) -> None:
    user.language = "en"  # the assertions read the English pages
    db.session.commit()
    login(_as(client), user)


def _as(client: Any) -> Any:
    """The test's app context outlives each request, and `g` with it: forget who asked last."""
    from flask import g

    for name in list(g):
        g.pop(name)
    return client


def _seen(page: str) -> str:
    m = re.search(r'name="seen_message" value="(\d+)"', page)
    assert m
    return m.group(1)


def test_the_second_agent_is_told_who_else_is_on_the_ticket(app):
    merchant = make_merchant()
    amina, bruno = make_user(merchant, "agent", "amina@example.com"), make_user(merchant, "agent", "bruno@example.com")
    amina.name = "Amina"
    db.session.commit()
    ticket = make_ticket(merchant)
    first, second = app.test_client(), app.test_client()
    _login(first, amina)
    _login(second, bruno)
    assert "is also on this ticket" not in _as(first).get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    page = _as(second).get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert "Amina is also on this ticket" in page
    assert "bruno is also on this ticket" in _as(first).get(f"/tickets/{ticket.ref}").get_data(as_text=True)

    # Presence older than two minutes says nothing any more.
    db.session.query(TicketPresence).filter_by(user_id=amina.id).update(
        {TicketPresence.seen_at: utcnow() - timedelta(minutes=3)})
    db.session.commit()
    assert "is also on this ticket" not in _as(second).get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    # Another merchant's agent never shows up, even on a ticket they cannot open.
    outsider = make_user(make_merchant(), "agent")
    third = app.test_client()
    _login(third, outsider)
    assert _as(third).get(f"/tickets/{ticket.ref}").status_code == 404
    assert "is also on this ticket" not in _as(second).get(f"/tickets/{ticket.ref}").get_data(as_text=True)


def test_a_reply_from_a_stale_page_is_saved_and_the_agent_is_warned(app):
    merchant = make_merchant()
    amina, bruno = make_user(merchant, "agent"), make_user(merchant, "agent")
    ticket = make_ticket(merchant, "Où est mon colis ?")
    first, second = app.test_client(), app.test_client()
    _login(first, amina)
    _login(second, bruno)
    seen_by_amina = _seen(_as(first).get(f"/tickets/{ticket.ref}").get_data(as_text=True))
    seen_by_bruno = _seen(_as(second).get(f"/tickets/{ticket.ref}").get_data(as_text=True))

    page = _as(second).post(f"/tickets/{ticket.ref}/messages", data={"body": "Votre colis part demain.",
                                                                "seen_message": seen_by_bruno},
                       follow_redirects=True).get_data(as_text=True)
    assert "Another message arrived" not in page

    page = _as(first).post(f"/tickets/{ticket.ref}/messages", data={"body": "Nous enquêtons auprès du transporteur.",
                                                               "seen_message": seen_by_amina},
                      follow_redirects=True).get_data(as_text=True)
    assert "Another message arrived while you were writing" in page
    assert "Nous enquêtons auprès du transporteur." in page  # saved all the same
    assert db.session.query(Message).filter_by(ticket_id=ticket.id, author_user_id=amina.id).count() == 1

    # Her own reply does not make her next page stale.
    fresh = _seen(page)
    page = _as(first).post(f"/tickets/{ticket.ref}/messages", data={"body": "Note : transporteur relancé.", "internal": "y",
                                                               "seen_message": fresh},
                      follow_redirects=True).get_data(as_text=True)
    assert "Another message arrived" not in page
