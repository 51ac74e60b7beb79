"""The shopper's portal: a token opens its own ticket only; reply, evidence, rating, fresh links by email."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Message, OutboundMail, PortalLink, Rating, Status, utcnow
from helpdesk.portal import links
from helpdesk.tickets.services import add_staff_message, change_status
from tests.conftest import bearer, make_merchant, make_ticket, make_token, make_user
from tests.widget.files import EXE, png


def portal(ticket, **kw):
    token = links.issue_link(ticket, **kw)
    db.session.commit()
    return f"/portal/{token}"


def test_the_portal_shows_the_public_conversation_and_never_internal_notes(app, client):
    merchant = make_merchant()
    ticket = make_ticket(merchant, "Le tapis est arrivé taché.")
    agent = make_user(merchant, role="agent")
    add_staff_message(ticket, agent, "Nous envoyons un remplacement.", internal=False)
    add_staff_message(ticket, agent, "Client difficile, attention", internal=True)
    db.session.commit()
    html = client.get(portal(ticket)).get_data(as_text=True)
    assert ticket.ref in html and "Le tapis est arrivé taché." in html and "Nous envoyons un remplacement." in html
    assert "Client difficile" not in html


def test_expired_and_revoked_links_answer_404_and_offer_a_new_link(app, client):
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    expired = portal(ticket, now=utcnow() - timedelta(days=61))
    revoked = portal(ticket)
    links.revoke_links(ticket)
    db.session.commit()
    for url in (expired, revoked, "/portal/forged.token", f"{revoked[:-3]}abc"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert 'action="/portal/link"' in r.get_data(as_text=True)
    assert client.post(f"{revoked}/messages", data={"body": "hello"}).status_code == 404


def test_a_token_opens_its_own_ticket_only(app, client):
    merchant = make_merchant()
    mine, theirs = make_ticket(merchant, "mine"), make_ticket(merchant, "theirs")
    url = portal(mine)
    client.post(f"/portal/{links.current_token(theirs)}/evidence", data={
        "files": [(io.BytesIO(png()), "their.png")]}, content_type="multipart/form-data")
    db.session.commit()
    theirs_attachment = db.session.scalars(select(Message).where(Message.ticket_id == theirs.id)
                                           .order_by(Message.id.desc())).first().attachments[0]
    assert client.get(f"{url}/attachments/{theirs_attachment.id}").status_code == 404
    assert client.get(f"/api/v1/tickets/{mine.ref}", headers={
        "Authorization": f"Bearer {url.rsplit('/', 1)[1]}"}).status_code == 401, "a portal token is no API credential"


def test_the_shopper_replies_with_a_photo_and_staff_see_it(app, client):
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    change_status(ticket, Status.WAITING_CUSTOMER, "system")
    db.session.commit()
    url = portal(ticket)
    r = client.post(f"{url}/messages", data={"body": "Voici la photo du colis.",
                                             "files": [(io.BytesIO(png()), "colis.png")]},
                    content_type="multipart/form-data")
    assert r.status_code == 303
    db.session.refresh(ticket)
    assert ticket.status is Status.OPEN, "an answer takes the ticket off 'waiting on the shopper'"
    seen = client.get(f"/api/v1/tickets/{ticket.ref}", headers=bearer(make_token(make_user(merchant)))).get_json()
    last = seen["messages"][-1]
    assert last["body"] == "Voici la photo du colis." and last["direction"] == "inbound"
    assert [a["filename"] for a in last["attachments"]] == ["colis.png"]
    download = client.get(f"{url}/attachments/{ticket_attachment_id(ticket)}")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    download.close()


def ticket_attachment_id(ticket) -> int:
    message = db.session.scalars(select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id.desc())).first()
    return message.attachments[0].id


def test_evidence_of_a_wrong_type_is_refused_with_a_message(app, client):
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    url = portal(ticket)
    count = len(db.session.scalars(select(Message).where(Message.ticket_id == ticket.id)).all())
    r = client.post(f"{url}/evidence", data={"files": [(io.BytesIO(EXE), "photo.jpg")]},
                    content_type="multipart/form-data", follow_redirects=True, headers={"Accept-Language": "en"})
    assert "photo.jpg: only photos" in r.get_data(as_text=True)
    assert len(db.session.scalars(select(Message).where(Message.ticket_id == ticket.id)).all()) == count


def test_rating_comes_after_resolution_and_can_be_changed(app, client):
    merchant = make_merchant()
    ticket = make_ticket(merchant)
    url = portal(ticket)
    early = client.post(f"{url}/rating", data={"score": "5"}, follow_redirects=True)
    assert db.session.scalar(select(Rating)) is None and early.status_code == 200
    assert 'name="score"' not in client.get(url).get_data(as_text=True)
    change_status(ticket, Status.RESOLVED, "system")
    db.session.commit()
    assert 'name="score"' in client.get(url).get_data(as_text=True)
    client.post(f"{url}/rating", data={"score": "2", "comment": "Lent"})
    client.post(f"{url}/rating", data={"score": "4", "comment": "Finalement bien"})
    rating = db.session.scalar(select(Rating))
    assert (rating.score, rating.comment) == (4, "Finalement bien")
    assert client.post(f"{url}/rating", data={"score": "9"}).status_code == 303
    assert db.session.scalar(select(Rating)).score == 4


def test_a_new_link_goes_by_mail_to_the_address_only_and_the_page_says_the_same_either_way(app, client):
    merchant = make_merchant()
    ticket = make_ticket(merchant, email="hind@example.ma")
    known = client.post("/portal/link", data={"email": "Hind@Example.ma"}).get_data(as_text=True)
    unknown = client.post("/portal/link", data={"email": "nobody@example.ma"}).get_data(as_text=True)
    assert known.replace("Hind@Example.ma", "X") == unknown.replace("nobody@example.ma", "X")
    mails = db.session.scalars(select(OutboundMail).where(OutboundMail.kind == "portal_link")).all()
    assert [m.to_addr for m in mails] == ["hind@example.ma"]
    url = re.search(r"https?://\S+/portal/\S+", mails[0].text).group(0)
    assert client.get(url.replace("http://localhost", "")).status_code == 200
    assert ticket.ref in mails[0].text


def _mailed_link(client, **headers):
    client.post("/portal/link", data={"email": "hind@example.ma"}, headers=headers)
    mail = db.session.scalars(select(OutboundMail).where(OutboundMail.kind == "portal_link")
                              .order_by(OutboundMail.id.desc())).first()
    return re.search(r"https?://\S+/portal/\S+", mail.text).group(0)


def test_a_mailed_link_never_follows_a_host_the_requester_names(make_app):
    """Whoever asks for a link chooses the request's headers: the link mailed to the shopper must not point at
    their site, or one click hands them the token."""
    app = make_app()
    with app.app_context():
        make_ticket(make_merchant(), email="hind@example.ma")
        assert _mailed_link(app.test_client(), **{"X-Forwarded-Host": "attacker.example"}).startswith(
            "http://localhost/portal/")
    configured = make_app(HELPDESK_BASE_URL="https://help.shop.example")
    with configured.app_context():
        make_ticket(make_merchant(), email="hind@example.ma")
        assert _mailed_link(configured.test_client(), Host="attacker.example").startswith(
            "https://help.shop.example/portal/")


def test_without_a_proxy_in_front_a_forwarded_address_is_not_believed(make_app):
    from flask import request

    for hops, seen in ((1, "203.0.113.7"), (0, "192.0.2.10")):
        app = make_app(HELPDESK_PROXY_HOPS=hops)
        app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
        r = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"},
                                  environ_base={"REMOTE_ADDR": "192.0.2.10"})
        assert r.get_data(as_text=True) == seen, hops


def test_magic_link_requests_are_rate_limited(app, client):
    answers = [client.post("/portal/link", data={"email": "a@example.com"}).status_code for _ in range(6)]
    assert answers[:5] == [200] * 5 and answers[5] == 429


def test_the_portal_follows_the_browser_language_and_arabic_is_right_to_left(make_app):
    app = make_app()
    with app.app_context():  # requests below run in contexts of their own, as in production
        url = portal(make_ticket(make_merchant(language="en")))
    client = app.test_client()
    assert 'dir="rtl"' in client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="en"' in client.get(url, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="fr"' in client.get(f"{url}?lang=fr").get_data(as_text=True)


def test_portal_pages_carry_the_security_headers(app, client):
    url = portal(make_ticket(make_merchant()))
    r = client.get(url)
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Cache-Control"] == "no-store"
    assert db.session.scalar(select(PortalLink)) is not None


def test_portal_pages_are_rate_limited_per_ip(make_app):
    app = make_app(HELPDESK_PORTAL_LIMIT="3 per minute")
    with app.app_context():
        url = portal(make_ticket(make_merchant()))
    client = app.test_client()
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
