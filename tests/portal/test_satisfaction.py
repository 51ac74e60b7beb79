"""The satisfaction survey: asked once per ticket, by email with the portal link, when the ticket is resolved."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import OutboundMail, Status
from helpdesk.portal import links
from helpdesk.portal.services import rate_outcome
from helpdesk.tickets.services import change_status
from tests.conftest import bearer, make_merchant, make_ticket, make_token, make_user


def _surveys(ticket):
    return db.session.scalars(select(OutboundMail).where(OutboundMail.ticket_id == ticket.id,
                                                         OutboundMail.kind == "satisfaction")).all()


def test_resolving_asks_the_shopper_once_in_their_language_with_the_portal_link(app, client):
    shop = make_merchant(name="Souk Atlas")
    ticket = make_ticket(shop, "Le colis est arrivé cassé, je veux un remplacement.", email="amina@example.ma")
    auth = bearer(make_token(make_user(shop, "agent")))
    assert client.patch(f"/api/v1/tickets/{ticket.ref}", json={"status": "resolved"}, headers=auth).status_code == 200
    [mail] = _surveys(ticket)
    assert mail.to_addr == "amina@example.ma" and mail.language == "fr"
    assert ticket.ref in mail.subject and "Souk Atlas" in mail.subject
    token = mail.text.split("/portal/")[1].split("#")[0]
    assert links.resolve(token)[0].id == ticket.id  # the link opens this ticket's page, where the rating is

    # Reopened and resolved again: the shopper is not asked twice.
    client.patch(f"/api/v1/tickets/{ticket.ref}", json={"status": "open"}, headers=auth)
    client.patch(f"/api/v1/tickets/{ticket.ref}", json={"status": "resolved"}, headers=auth)
    assert len(_surveys(ticket)) == 1
    page = client.get(f"/portal/{token}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'id="rate-title"' in page


def test_a_shopper_who_already_rated_is_not_asked(app):
    shop = make_merchant()
    ticket = make_ticket(shop, "The blender arrived cracked.")
    ticket.status = Status.RESOLVED
    rate_outcome(ticket, 4)
    change_status(ticket, Status.OPEN, "shopper")
    change_status(ticket, Status.RESOLVED, "system")
    db.session.commit()
    assert _surveys(ticket) == []
