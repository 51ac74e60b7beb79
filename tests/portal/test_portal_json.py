"""The portal as JSON (SPEC 6.1): what a shopper's app reads, and nothing the shopper may not see."""
from __future__ import annotations

from helpdesk.extensions import db
from helpdesk.portal import links
from helpdesk.tickets.services import add_staff_message
from tests.conftest import make_merchant, make_ticket, make_user


def test_the_json_view_holds_the_public_conversation_only(app, client):
    merchant = make_merchant()
    agent = make_user(merchant, "agent", email="yasmine.agent@example.com")
    ticket = make_ticket(merchant, "Mon colis n'est jamais arrivé.")
    add_staff_message(ticket, agent, "Nous avons relancé le transporteur.", internal=False)
    add_staff_message(ticket, agent, "Client difficile, voir avec le superviseur.", internal=True)
    path = f"/portal/{links.issue_link(ticket)}"
    db.session.commit()

    r = client.get(path, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.is_json
    view = r.get_json()
    assert view["ref"] == ticket.ref and view["status"] == "open" and view["mediation"] is None
    assert [m["body"] for m in view["messages"]] == ["Mon colis n'est jamais arrivé.",
                                                    "Nous avons relancé le transporteur."]
    assert "superviseur" not in r.get_data(as_text=True)
    assert "yasmine.agent" not in r.get_data(as_text=True)

    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"


def test_a_shop_page_replies_and_rates_with_json(app, client):
    from helpdesk.models import Status
    from helpdesk.tickets.services import change_status

    merchant = make_merchant()
    ticket = make_ticket(merchant, "Le vase est arrivé fêlé.")
    path = f"/portal/{links.issue_link(ticket)}"
    db.session.commit()

    r = client.post(f"{path}/messages", json={"body": "Voici le numéro de commande : 1043."})
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["messages"][-1]["body"] == "Voici le numéro de commande : 1043."
    empty = client.post(f"{path}/messages", json={"body": "  "})
    assert empty.status_code == 422 and empty.get_json()["errors"]

    change_status(ticket, Status.RESOLVED, "agent:1")
    db.session.commit()
    rated = client.post(f"{path}/rating", json={"score": 5, "comment": "Parfait"})
    assert rated.status_code == 200 and rated.get_json()["ref"] == ticket.ref
    assert client.post(f"{path}/rating", json={"score": "abc"}).status_code == 422
