"""The tickets API as an integrator uses it (SPEC 4.4)."""
from __future__ import annotations

import base64

from helpdesk.extensions import db
from tests.conftest import bearer, make_merchant, make_token, make_user

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _api(app):
    merchant = make_merchant(country="FR", timezone="Europe/Paris")
    return merchant, bearer(make_token(make_user(merchant)))


def test_create_get_list_patch_reply(app, client):
    _, auth = _api(app)
    r = client.post("/api/v1/tickets", headers=auth, json={
        "email": "Salma@Example.com", "name": "Salma B.", "order_number": "#1043",
        "message": "Le colis est arrivé cassé, la lampe est fendue.",
        "attachments": [{"filename": "photo.png", "content_type": "image/png",
                         "data_base64": base64.b64encode(PNG).decode()}]})
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    ref = created["ref"]
    assert ref.startswith("HD-") and len(ref) == 9
    assert created["channel"] == "api" and created["status"] == "new"
    assert created["customer"] == {"email": "salma@example.com", "name": "Salma B."}
    assert created["order"]["number"] == "#1043" and created["order"]["placed_at"] is None
    assert created["sla"]["first_response_due_at"] and created["sla"]["resolution_due_at"]
    assert created["portal_url"].startswith("http://localhost/portal/")
    db.session.rollback()  # the test shares the request's session: only what the request committed remains
    portal = client.get(created["portal_url"].removeprefix("http://localhost"), headers={"Accept": "application/json"})
    assert portal.status_code == 200 and portal.get_json()["ref"] == created["ref"], "the shopper's link works"
    att = created["messages"][0]["attachments"][0]
    assert att["content_type"] == "image/png" and att["size"] == len(PNG) and len(att["sha256"]) == 64
    assert [e["kind"] for e in created["events"]][:2] == ["ticket.created", "ticket.categorised"]

    got = client.get(f"/api/v1/tickets/{ref}", headers=auth).get_json()
    assert got["ref"] == ref and got["category"] in ("late_delivery", "return", "non_conformity", "other")

    page = client.get("/api/v1/tickets", headers=auth).get_json()
    assert [t["ref"] for t in page["items"]] == [ref] and page["next"] is None
    assert "messages" not in page["items"][0]

    r = client.patch(f"/api/v1/tickets/{ref}", headers=auth, json={"priority": "high", "tags": ["vip", "casse"],
                                                                     "category": "non_conformity"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["priority"] == "high" and body["tags"] == ["casse", "vip"]
    assert body["category"] == "non_conformity" and body["category_source"] == "agent"

    r = client.post(f"/api/v1/tickets/{ref}/messages", headers=auth, json={"body": "Nous envoyons un remplacement."})
    assert r.status_code == 201 and r.get_json()["direction"] == "outbound"
    after = client.get(f"/api/v1/tickets/{ref}", headers=auth).get_json()
    assert after["status"] == "open" and after["sla"]["first_response_at"]


def test_cursor_pagination_walks_every_ticket_once(app, client):
    _, auth = _api(app)
    refs = {client.post("/api/v1/tickets", headers=auth, json={
        "email": f"s{i}@example.com", "message": f"colis numéro {i} pas reçu"}).get_json()["ref"] for i in range(7)}
    seen, cursor = [], None
    while True:
        r = client.get("/api/v1/tickets", headers=auth, query_string={"limit": 3, **({"cursor": cursor} if cursor else {})})
        page = r.get_json()
        seen += [t["ref"] for t in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == 7 and set(seen) == refs


def test_filters_and_search(app, client):
    _, auth = _api(app)
    a = client.post("/api/v1/tickets", headers=auth, json={"email": "a@example.com", "order_number": "#2001",
                                                           "message": "Colis jamais arrivé"}).get_json()["ref"]
    client.post("/api/v1/tickets", headers=auth, json={"email": "b@example.com", "message": "Bonjour"})
    hits = client.get("/api/v1/tickets", headers=auth, query_string={"q": "n° 2001"}).get_json()["items"]
    assert [t["ref"] for t in hits] == [a]
    hits = client.get("/api/v1/tickets", headers=auth, query_string={"q": "a@example.com"}).get_json()["items"]
    assert [t["ref"] for t in hits] == [a]


def test_errors_have_the_api_shape(app, client):
    _, auth = _api(app)
    r = client.post("/api/v1/tickets", headers={**auth, "Content-Type": "application/json"}, data="{not json")
    assert r.status_code == 400 and r.get_json()["error"]["code"]
    r = client.post("/api/v1/tickets", headers=auth, json={"email": "not-an-email", "message": "x"})
    assert r.status_code == 422 and "email" in r.get_json()["error"]["fields"]
    r = client.post("/api/v1/tickets", headers=auth, json={"email": "a@example.com", "message": "x",
                                                           "category_hint": "weather"})
    assert r.status_code == 422 and "category_hint" in r.get_json()["error"]["fields"]
    r = client.get("/api/v1/tickets", headers=auth, query_string={"status": "sleeping"})
    assert r.status_code == 422 and "status" in r.get_json()["error"]["fields"]
    for ref in ("HD-ZZZZZZ", "nonsense", "x" * 300, "%00"):
        r = client.get(f"/api/v1/tickets/{ref}", headers=auth)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/tickets", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_openapi_document_needs_no_token(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/tickets" in doc["paths"] and "/api/v1/tickets/{ref}" in doc["paths"]


def test_same_order_threads_into_the_open_ticket(app, client):
    _, auth = _api(app)
    first = client.post("/api/v1/tickets", headers=auth, json={"email": "c@example.com", "order_number": "#77",
                                                               "message": "pas reçu"}).get_json()
    again = client.post("/api/v1/tickets", headers=auth, json={"email": "c@example.com", "order_number": "77",
                                                               "message": "toujours rien"})
    assert again.get_json()["ref"] == first["ref"] and len(again.get_json()["messages"]) == 2


def test_any_api_path_without_token_is_401_json(client):
    for path in ("/api/v1/tickets", "/api/v1/nothing-here", "/api/v1/mediation/cases"):
        r = client.get(path)
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_breached_filter_follows_the_due_times(app, client):
    from datetime import timedelta

    from helpdesk.extensions import db
    from helpdesk.models import Ticket, utcnow

    _, auth = _api(app)
    late = client.post("/api/v1/tickets", headers=auth, json={"email": "l@example.com", "message": "rien"}).get_json()
    fine = client.post("/api/v1/tickets", headers=auth, json={"email": "f@example.com", "message": "rien"}).get_json()
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.ref == late["ref"]))
    ticket.first_response_due_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    breached = client.get("/api/v1/tickets", headers=auth, query_string={"breached": "true"}).get_json()["items"]
    calm = client.get("/api/v1/tickets", headers=auth, query_string={"breached": "false"}).get_json()["items"]
    assert [t["ref"] for t in breached] == [late["ref"]] and breached[0]["sla"]["first_response_breached"]
    assert [t["ref"] for t in calm] == [fine["ref"]]


def test_a_passing_storage_failure_answers_try_again_and_the_same_key_then_gets_the_ticket(app, client):
    """A failure that will pass (here the attachment store is broken for a while) is no 4xx: the complaint is kept,
    the client is told to send it again, and sending it again with its key gives the one ticket."""
    import shutil
    from pathlib import Path

    from sqlalchemy import func, select

    from helpdesk.models import Ticket

    _, auth = _api(app)
    store = Path(app.config["HELPDESK_DATA_DIR"]) / "attachments"
    shutil.rmtree(store, ignore_errors=True)
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("not a folder")  # every write under it fails
    post = {"email": "salma@example.com", "message": "La lampe est fendue.",
            "attachments": [{"filename": "photo.png", "content_type": "image/png",
                             "data_base64": base64.b64encode(PNG).decode()}]}
    headers = {**auth, "Idempotency-Key": "order-1043-claim"}
    r = client.post("/api/v1/tickets", headers=headers, json=post)
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "try_again" and r.headers["Retry-After"]
    assert "NotADirectoryError" not in r.get_data(as_text=True), "no internal detail in the answer"
    store.unlink()
    again = client.post("/api/v1/tickets", headers=headers, json=post)
    assert again.status_code == 200 and again.get_json()["ref"].startswith("HD-")
    assert client.post("/api/v1/tickets", headers=headers, json=post).get_json()["ref"] == again.get_json()["ref"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
