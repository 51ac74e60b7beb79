"""Staff read times in their shop's time zone and their own language, whatever the server's clock says."""
from __future__ import annotations

from datetime import UTC, datetime

from helpdesk.extensions import db
from tests.conftest import PASSWORD, make_merchant, make_ticket, make_user


def test_the_list_shows_the_shops_local_time(app, client):
    paris = make_merchant(timezone="Europe/Paris", country="FR")
    ticket = make_ticket(paris, "Colis jamais arrivé")
    ticket.created_at = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Paris (summer time)
    agent = make_user(paris, "agent")
    agent.language = "fr"
    db.session.commit()
    assert client.post("/login", data={"email": agent.email, "password": PASSWORD}).status_code == 302
    page = client.get("/tickets").get_data(as_text=True)
    assert "01/07/2026 12:00" in page and "10:00" not in page
