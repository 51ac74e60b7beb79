"""The queues beside the ticket list, their counts, the filters, and the views a supervisor saves."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from helpdesk.extensions import db
from helpdesk.models import Category, SavedView, Status, utcnow
from tests.conftest import login, make_merchant, make_ticket, make_user


def _counts(page: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(r'data-queue="([a-z_]+)">(\d+)<', page)}


def _refs(page: str) -> set[str]:
    return set(re.findall(r">(HD-[A-Z0-9]{6})</a>", page))


@pytest.fixture
def desk(app: Any) -> Any:
    merchant = make_merchant()
    me, colleague = make_user(merchant, "supervisor"), make_user(merchant, "agent")
    now = utcnow()
    t = {name: make_ticket(merchant, text, email=f"{name}@example.com", order_number=order) for name, text, order in [
        ("mine", "Colis jamais arrivé", "#5001"),
        ("free", "Je veux retourner ce pull, il ne me va pas", "#5002"),
        ("waiting", "Colis jamais arrivé non plus", "#5003"),
        ("late", "Toujours rien reçu depuis trois semaines", "#5004"),
        ("soon", "Le produit reçu est cassé", "#5005"),
        ("done", "Colis arrivé abîmé", "#5006"),
        ("theirs", "Où est ma commande ?", "#5007"),
    ]}
    t["mine"].assignee_id = me.id
    t["theirs"].assignee_id = colleague.id
    t["waiting"].status = Status.WAITING_CUSTOMER
    t["done"].status, t["done"].resolved_at = Status.RESOLVED, now
    t["late"].first_response_due_at = t["late"].resolution_due_at = now - timedelta(hours=1)
    t["soon"].first_response_due_at = now + timedelta(minutes=30)
    for name in ("mine", "free", "waiting", "theirs", "done"):
        t[name].first_response_due_at = t[name].resolution_due_at = now + timedelta(days=3)
    t["soon"].resolution_due_at = now + timedelta(days=3)
    t["free"].category = Category.RETURN
    db.session.commit()
    make_ticket(make_merchant(), "Colis jamais arrivé chez l'autre boutique")  # never counted here
    return me, colleague, {k: v.ref for k, v in t.items()}


def test_each_queue_counts_and_lists_its_tickets(app, client, desk):
    me, _, refs = desk
    login(client, me)
    page = client.get("/tickets").get_data(as_text=True)
    counts = _counts(page)
    assert counts["mine"] == 1 and counts["waiting"] == 1 and counts["breached"] == 1 and counts["due_soon"] == 1
    assert counts["unassigned"] == 4  # free, waiting, late, soon (not the resolved one)
    assert counts["return"] == 1
    expect = {"mine": {"mine"}, "breached": {"late"}, "due_soon": {"soon"}, "waiting": {"waiting"},
              "unassigned": {"free", "waiting", "late", "soon"}, "return": {"free"}}
    for queue, names in expect.items():
        listed = _refs(client.get("/tickets", query_string={"queue": queue}).get_data(as_text=True))
        assert listed == {refs[n] for n in names}, queue
    assert refs["done"] in _refs(page)  # the plain list still shows everything


def test_filters_by_order_email_assignee_and_priority(app, client, desk):
    me, colleague, refs = desk
    login(client, me)

    def listed(**args: str) -> set[str]:
        return _refs(client.get("/tickets", query_string=args).get_data(as_text=True))

    assert listed(order="5004") == {refs["late"]}
    assert listed(email="SOON@example.com") == {refs["soon"]}
    assert listed(assignee=colleague.email) == {refs["theirs"]}
    assert listed(queue="unassigned", order="#5002") == {refs["free"]}
    assert listed(priority="urgent") == set()


def test_a_supervisor_saves_opens_and_deletes_a_view_of_their_own(app, client, desk):
    me, colleague, refs = desk
    login(client, me)
    r = client.post("/views", data={"name": "Retours en cours", "category": "return", "status": "new"})
    assert r.status_code == 302
    view = db.session.query(SavedView).one()
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Retours en cours" in page and _refs(page) == {refs["free"]}
    client.post("/logout")

    other = make_user(me.merchant, "supervisor")
    login(client, other)
    assert "Retours en cours" not in client.get("/tickets").get_data(as_text=True)
    assert client.post(f"/views/{view.id}/delete").status_code == 404

    login(client, colleague)  # an agent works from queues but does not save views
    assert client.post("/views", data={"name": "x", "category": "return"}).status_code == 404

    login(client, me)
    assert client.post(f"/views/{view.id}/delete").status_code == 302
    db.session.rollback()
    assert db.session.query(SavedView).count() == 0
