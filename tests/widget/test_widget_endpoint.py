"""POST /widget/<widget_key>/complaints as SPEC 4.3 fixes it: 201, 422 per field, 404, CORS, honeypot, files."""
from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import Attachment, Channel, InboundDelivery, Message, Ticket
from tests.conftest import make_merchant
from tests.widget.files import EXE, HTML, PDF, png

SHOP = "https://shop.example.ma"


@pytest.fixture
def merchant(app):
    return make_merchant(allowed_origins=[SHOP])


def url(merchant) -> str:
    return f"/widget/{merchant.widget_key}/complaints"


def tickets() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_json_complaint_opens_a_widget_ticket_whose_portal_link_works_at_once(client, merchant):
    r = client.post(url(merchant), json={"email": "Salma@Example.ma", "message": "Mon colis n'est pas arrivé.",
                                         "name": "Salma", "order_number": "#1043", "category_hint": "late_delivery"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert set(body) == {"ref", "portal_url"} and body["ref"].startswith("HD-")
    ticket = db.session.scalar(select(Ticket).where(Ticket.ref == body["ref"]))
    assert ticket.channel is Channel.WIDGET and ticket.customer.email == "salma@example.ma"
    assert ticket.order_number == "#1043"
    portal = client.get(body["portal_url"].replace("http://localhost", ""))
    assert portal.status_code == 200 and "Mon colis n&#39;est pas arrivé." in portal.get_data(as_text=True)
    journal = db.session.scalar(select(InboundDelivery).where(InboundDelivery.ticket_id == ticket.id))
    assert journal.channel == "widget"


def test_multipart_complaint_keeps_the_photo_and_the_pdf(client, merchant):
    data = {"email": "karim@example.ma", "message": "La théière est cabossée.",
            "files": [(io.BytesIO(png()), "photo.png", "image/png"), (io.BytesIO(PDF), "facture.pdf", "application/pdf")]}
    r = client.post(url(merchant), data=data, content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    ticket = db.session.scalar(select(Ticket).where(Ticket.ref == r.get_json()["ref"]))
    names = db.session.scalars(select(Attachment.filename).join(Message, Message.id == Attachment.message_id)
                               .where(Message.ticket_id == ticket.id).order_by(Attachment.filename)).all()
    assert names == ["facture.pdf", "photo.png"]


def test_every_required_field_is_named_with_its_own_message(client, merchant):
    r = client.post(url(merchant), json={})
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert set(errors) == {"email", "message"}
    assert all(isinstance(v, list) and v for v in errors.values())


@pytest.mark.parametrize("field,value", [
    ("email", "not-an-address"), ("email", "a" * 250 + "@example.com"), ("name", "n" * 201),
    ("order_number", "9" * 65), ("message", "m" * 20_001), ("category_hint", "refund-now"),
])
def test_each_bad_field_is_a_422_naming_that_field(client, merchant, field, value):
    data = {"email": "ok@example.com", "message": "Colis abîmé", field: value}
    r = client.post(url(merchant), json=data)
    assert r.status_code == 422
    assert list(r.get_json()["errors"]) == [field]
    assert tickets() == 0


def test_empty_form_fields_say_required_in_the_shoppers_language(client, merchant):
    r = client.post(url(merchant), data={"email": "", "message": "  "}, headers={"Accept-Language": "en"})
    assert r.status_code == 422
    assert r.get_json()["errors"]["email"] == ["This field is required."]


def test_wrong_type_and_oversized_files_are_refused_by_name(make_app):
    app = make_app(HELPDESK_MAX_ATTACHMENT=1024)
    with app.app_context():
        merchant = make_merchant()
        client = app.test_client()
        data = {"email": "a@example.com", "message": "voir fichiers",
                "files": [(io.BytesIO(EXE), "facture.pdf", "application/pdf"),
                          (io.BytesIO(HTML), "photo.jpg", "image/jpeg"),
                          (io.BytesIO(png(64, 64) + b"\0" * 2048), "big.png", "image/png")]}
        r = client.post(url(merchant), data=data, content_type="multipart/form-data")
        assert r.status_code == 422
        problems = r.get_json()["errors"]["files"]
        assert len(problems) == 3
        assert any("facture.pdf" in p for p in problems) and any("photo.jpg" in p for p in problems)
        assert any("big.png" in p for p in problems)
        assert tickets() == 0


def test_json_attachments_are_checked_too(client, merchant):
    bad = {"filename": "x.svg", "content_type": "image/svg+xml",
           "data_base64": base64.b64encode(b"<svg onload=alert(1)></svg>").decode()}
    r = client.post(url(merchant), json={"email": "a@example.com", "message": "hello", "attachments": [bad]})
    assert r.status_code == 422 and list(r.get_json()["errors"]) == ["files"]


def test_field_and_file_errors_come_together(client, merchant):
    data = {"email": "nope", "files": [(io.BytesIO(EXE), "a.exe", "application/octet-stream")]}
    r = client.post(url(merchant), data=data, content_type="multipart/form-data")
    assert set(r.get_json()["errors"]) == {"email", "message", "files"}


def test_unknown_widget_key_is_404(client, merchant):
    assert client.post("/widget/wk_nope/complaints", json={"email": "a@example.com", "message": "x"}).status_code == 404
    assert client.get("/widget/wk_nope/config").status_code == 404
    assert client.open("/widget/wk_nope/complaints", method="OPTIONS",
                       headers={"Origin": SHOP, "Access-Control-Request-Method": "POST"}).status_code == 404


def test_a_post_without_origin_is_accepted_and_gets_no_cors_headers(client, merchant):
    r = client.post(url(merchant), json={"email": "server@example.com", "message": "posted by the shop's server"})
    assert r.status_code == 201
    assert "Access-Control-Allow-Origin" not in r.headers


def test_listed_origin_gets_cors_on_preflight_post_and_errors(client, merchant):
    pre = client.open(url(merchant), method="OPTIONS", headers={
        "Origin": SHOP, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204
    assert pre.headers["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    ok = client.post(url(merchant), json={"email": "a@example.com", "message": "x"}, headers={"Origin": SHOP})
    assert ok.status_code == 201 and ok.headers["Access-Control-Allow-Origin"] == SHOP
    assert "Origin" in ok.headers.get("Vary", "")
    bad = client.post(url(merchant), json={}, headers={"Origin": SHOP})
    assert bad.status_code == 422 and bad.headers["Access-Control-Allow-Origin"] == SHOP


def test_unlisted_origin_is_refused_without_cors_headers_and_nothing_is_stored(client, merchant):
    evil = "https://evil.example.net"
    pre = client.open(url(merchant), method="OPTIONS", headers={"Origin": evil, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403 and "Access-Control-Allow-Origin" not in pre.headers
    r = client.post(url(merchant), json={"email": "a@example.com", "message": "x"}, headers={"Origin": evil})
    assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers
    cfg = client.get(f"/widget/{merchant.widget_key}/config", headers={"Origin": evil})
    assert "Access-Control-Allow-Origin" not in cfg.headers
    assert tickets() == 0


def test_another_merchants_origin_is_not_enough(client, merchant):
    other = make_merchant(allowed_origins=["https://other-shop.example"])
    r = client.post(url(merchant), json={"email": "a@example.com", "message": "x"},
                    headers={"Origin": other.allowed_origins[0]})
    assert r.status_code == 403


def test_honeypot_answers_like_success_but_stores_nothing(client, merchant):
    r = client.post(url(merchant), data={"email": "bot@example.com", "message": "buy now", "website": "http://spam"})
    assert r.status_code == 201 and r.get_json()["ref"].startswith("HD-")
    assert tickets() == 0
    assert db.session.scalar(select(func.count()).select_from(InboundDelivery)) == 0
    assert client.get(r.get_json()["portal_url"].replace("http://localhost", "")).status_code == 404


def test_the_same_client_key_twice_is_one_ticket(client, merchant):
    data = {"email": "a@example.com", "message": "double clic", "idempotency_key": "k-1234567890"}
    first, second = client.post(url(merchant), json=data), client.post(url(merchant), json=data)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["ref"] == second.get_json()["ref"]
    assert tickets() == 1


def test_config_gives_the_script_the_shop_language_and_file_rules(client, merchant):
    r = client.get(f"/widget/{merchant.widget_key}/config", headers={"Origin": SHOP})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == SHOP
    body = r.get_json()
    assert body["language"] == "fr" and body["max_files"] >= 1 and "application/pdf" in body["accept"]


def test_widget_script_is_served_as_javascript(client):
    with client.get("/widget.js") as r:
        assert r.status_code == 200 and r.mimetype == "text/javascript"
        assert b"attachShadow" in r.data


def test_the_widget_stays_under_15_kb_gzipped():
    import gzip
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "helpdesk" / "static" / "widget.js"
    assert len(gzip.compress(script.read_bytes(), compresslevel=9)) < 15 * 1024


def test_a_body_that_is_not_a_json_object_is_a_422_in_the_widget_shape(client, merchant):
    for body in ("[1, 2]", "{not json"):
        r = client.post(url(merchant), data=body, content_type="application/json")
        assert r.status_code == 422 and "_schema" in r.get_json()["errors"]


def test_a_post_into_someone_elses_open_ticket_gets_no_link_to_it(client, merchant):
    """An address and an order number are all a stranger needs to post: the message may join the shopper's open
    ticket about that order, but the link that opens it (messages, mediation caucus) goes to the shopper's mail."""
    from helpdesk.models import OutboundMail

    first = client.post(url(merchant), json={"email": "salma@example.ma", "name": "Salma", "order_number": "#1043",
                                             "message": "Mon colis n'est pas arrivé."}).get_json()
    again = client.post(url(merchant), json={"email": "SALMA@example.ma", "name": "x", "order_number": "1043",
                                             "message": "Montrez-moi le dossier."})
    assert again.status_code == 201
    body = again.get_json()
    assert body["ref"] == first["ref"] and tickets() == 1, "the message joined the open ticket"
    assert body["portal_url"] == "http://localhost/portal/link" and body["link_sent_by_email"] is True
    link = db.session.scalars(select(OutboundMail).where(OutboundMail.kind == "portal_link")).one()
    assert link.to_addr == "salma@example.ma" and first["ref"] in link.subject
    assert client.get(first["portal_url"].replace("http://localhost", "")).status_code == 200, "the first stays"
