"""Macros: a supervisor's shared replies, an agent's own, filled with the ticket's details in the reply box."""
from __future__ import annotations

import html
import re

from helpdesk.extensions import db
from helpdesk.models import Fulfilment, Macro, Order
from tests.conftest import login, make_merchant, make_ticket, make_user


def _reply_box(page: str) -> str:
    m = re.search(r'<textarea[^>]*id="body"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert m, page[:2000]
    return html.unescape(m.group(1)).strip()


def test_a_shared_macro_fills_the_reply_with_the_tickets_details(app, client):
    merchant = make_merchant(name="Maison Atlas")
    boss, agent = make_user(merchant, "supervisor"), make_user(merchant, "agent")
    agent.name = "Yasmine"
    order = Order(merchant_id=merchant.id, number="#1043", number_key="1043")
    db.session.add(order)
    db.session.flush()
    db.session.add(Fulfilment(merchant_id=merchant.id, order_id=order.id,
                              tracking_url="https://track.example/AB123"))
    db.session.commit()
    ticket = make_ticket(merchant, "Où est mon colis ?", name="Salma Bennani", order_number="#1043")

    login(client, boss)
    r = client.post("/macros", data={"name": "Suivi du colis", "language": "fr", "shared": "y", "body":
                                     "Bonjour {shopper_name}, votre commande {order_number} est en route : "
                                     "{tracking_link}. {agent_name}, {shop_name} ({ref}) {unknown}"})
    assert r.status_code == 302
    macro = db.session.query(Macro).one()
    assert macro.owner_id is None

    login(client, agent)
    page = client.get(f"/tickets/{ticket.ref}", query_string={"macro": macro.id}).get_data(as_text=True)
    assert _reply_box(page) == ("Bonjour Salma Bennani, votre commande #1043 est en route : "
                                f"https://track.example/AB123. Yasmine, Maison Atlas ({ticket.ref}) {{unknown}}")


def test_agents_keep_their_own_macros_and_cannot_change_the_teams(app, client):
    merchant = make_merchant()
    boss, agent, other = (make_user(merchant, "supervisor"), make_user(merchant, "agent"),
                          make_user(merchant, "agent"))
    ticket = make_ticket(merchant, "Colis cassé")
    login(client, boss)
    client.post("/macros", data={"name": "Équipe", "language": "fr", "shared": "y", "body": "Bonjour"})
    shared = db.session.query(Macro).one()

    login(client, agent)
    client.post("/macros", data={"name": "Perso", "language": "en", "shared": "y", "body": "Hi {shopper_name}"})
    db.session.rollback()
    own = db.session.query(Macro).filter_by(name="Perso").one_or_none()
    assert own is None  # an agent may not share
    client.post("/macros", data={"name": "Perso", "language": "en", "body": "Hi {shopper_name}"})
    own = db.session.query(Macro).filter_by(name="Perso").one()
    assert own.owner_id == agent.id
    assert client.post(f"/macros/{shared.id}/delete").status_code == 302
    db.session.rollback()
    assert db.session.get(Macro, shared.id) is not None  # refused, with a message

    login(client, other)
    listing = client.get("/macros").get_data(as_text=True)
    assert "Équipe" in listing and "Perso" not in listing
    assert client.get(f"/tickets/{ticket.ref}", query_string={"macro": own.id}).status_code == 404
    assert client.post(f"/macros/{own.id}/delete").status_code == 404


def test_another_merchants_macro_is_never_used(app, client):
    a, b = make_merchant(), make_merchant()
    ticket = make_ticket(a, "Colis cassé")
    foreign = Macro(merchant_id=b.id, name="B", language="fr", body="secret of B")
    db.session.add(foreign)
    db.session.commit()
    login(client, make_user(a, "supervisor"))
    assert client.get(f"/tickets/{ticket.ref}", query_string={"macro": foreign.id}).status_code == 404
    assert client.get(f"/macros/{foreign.id}").status_code == 404
    assert "secret of B" not in client.get("/macros").get_data(as_text=True)
