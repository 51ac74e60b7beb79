"""Search as agents type it: words in French, English and Arabic, order numbers, emails, references.

The same service answers the staff list and the API's `q`; these tests go
through the API and run on SQLite (FTS5) and PostgreSQL (tsvector, trigrams).
"""
from __future__ import annotations

from typing import Any

import pytest

from helpdesk.extensions import db
from helpdesk.tickets.services import add_staff_message
from tests.conftest import bearer, make_merchant, make_ticket, make_token, make_user


@pytest.fixture
def desk(app: Any) -> Any:
    merchant = make_merchant()
    user = make_user(merchant)
    refs = {
        "late": make_ticket(merchant, "Les livraisons de cette boutique sont toujours en retard, colis pas reçu.",
                            email="nadia.elamrani@example.com", order_number="#100234", subject="Colis perdu").ref,
        "refund": make_ticket(merchant, "I returned the blender two weeks ago and I am still waiting for refunds.",
                              email="john@example.org", subject="Refund").ref,
        "arabic": make_ticket(merchant, "أريد استرجاع المنتج لأنه لا يعمل", email="karim@example.ma").ref,
        "darija": make_ticket(merchant, "salam, bghit nrj3 lcommande dyali, ma3jbatnich", email="sara@example.ma").ref,
    }
    other = make_merchant()
    make_ticket(other, "Les livraisons sont en retard chez nous aussi, colis pas reçu.", order_number="#100234")
    return merchant, user, bearer(make_token(user)), refs


def _search(client: Any, auth: dict[str, str], q: str) -> list[str]:
    r = client.get("/api/v1/tickets", headers=auth, query_string={"q": q})
    assert r.status_code == 200, r.get_json()
    return sorted(t["ref"] for t in r.get_json()["items"])


@pytest.mark.parametrize(("q", "expected"), [
    ("livraison", "late"),          # French plural in the text, singular typed
    ("colis recu", "late"),         # accents left out by the agent
    ("refund", "refund"),           # English plural in the text
    ("returned blender", "refund"),
    ("استرجاع", "arabic"),
    ("nrj3", "darija"),             # Darija in Latin letters and digits, as written
    ("00234", "late"),              # a fragment of the order number
    ("nadia.elamrani", "late"),     # a fragment of the shopper's email
])
def test_words_numbers_and_emails_find_the_ticket(app, client, desk, q, expected):
    _, _, auth, refs = desk
    assert _search(client, auth, q) == [refs[expected]]


def test_the_reference_finds_its_ticket(app, client, desk):
    _, _, auth, refs = desk
    assert _search(client, auth, refs["arabic"].lower()) == [refs["arabic"]]


def test_a_note_is_findable_as_soon_as_it_is_written(app, client, desk):
    _, user, auth, refs = desk
    assert _search(client, auth, "transporteur chronopost") == []
    from helpdesk.models import Ticket
    ticket = db.session.query(Ticket).filter_by(ref=refs["refund"]).one()
    add_staff_message(ticket, user, "Appelé le transporteur Chronopost : colis retrouvé à Lyon.", internal=True)
    db.session.commit()
    assert _search(client, auth, "transporteur chronopost") == [refs["refund"]]


def test_another_merchants_tickets_never_match(app, client, desk):
    _, _, auth, refs = desk
    assert _search(client, auth, "livraisons retard") == [refs["late"]]
    assert _search(client, auth, "#100234") == [refs["late"]]


@pytest.mark.parametrize("q", ['"unbalanced', "colis AND OR NOT", "NEAR(a b)", "*", "col:is", "'; DROP TABLE x; --",
                               "a" * 200, "-", "((("])
def test_odd_queries_answer_normally(app, client, desk, q):
    _, _, auth, _ = desk
    r = client.get("/api/v1/tickets", headers=auth, query_string={"q": q})
    assert r.status_code == 200, r.get_json()


def test_an_overlong_query_is_a_field_error(app, client, desk):
    _, _, auth, _ = desk
    r = client.get("/api/v1/tickets", headers=auth, query_string={"q": "a" * 201})
    assert r.status_code == 422 and "q" in r.get_json()["error"]["fields"]
