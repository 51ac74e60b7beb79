"""The `helpdesk` command: JSON alone on stdout, one readable line on failure, real effects."""
from __future__ import annotations

import json

from click.testing import CliRunner

from helpdesk.extensions import db
from helpdesk.models import ApiToken, Merchant


def _run(app, *args):
    return CliRunner().invoke(app.cli, list(args), catch_exceptions=False)


def test_create_everything_with_json(app):
    r = _run(app, "create-mediation-service", "medi", "--name", "Médiation", "--json")
    assert json.loads(r.stdout) == {"slug": "medi", "name": "Médiation"}
    r = _run(app, "create-merchant", "atlas", "--name", "Atlas", "--mediation-service", "medi",
             "--allowed-origin", "https://shop.example", "--identifier", "ice=001525874000089", "--json")
    created = json.loads(r.stdout)
    assert created["widget_key"].startswith("wk_") and created["country"] == "MA"
    assert created["timezone"] == "Africa/Casablanca" and created["identifiers"] == {"ice": "001525874000089"}
    r = _run(app, "create-user", "boss@atlas.example", "--password", "a-long-password-1", "--merchant", "atlas",
             "--role", "supervisor", "--json")
    assert json.loads(r.stdout)["role"] == "supervisor"
    r = _run(app, "create-token", "boss@atlas.example", "--json")
    token = json.loads(r.stdout)["token"]
    assert db.session.scalars(db.select(ApiToken)).one().token_hash != token
    assert db.session.scalars(db.select(Merchant)).one().mediation_service.slug == "medi"


def test_failures_are_one_line_without_traceback(app):
    for args in (["create-user", "x@example.com", "--password", "long-password-1", "--merchant", "nope",
                  "--role", "agent"],
                 ["create-merchant", "Bad Slug", "--name", "x"],
                 ["create-token", "nobody@example.com"]):
        r = CliRunner().invoke(app.cli, args)
        assert r.exit_code != 0
        assert "Traceback" not in r.output and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_demo_seeds_tickets_in_three_languages_and_is_idempotent(app):
    r = _run(app, "demo", "--json")
    logins = json.loads(r.stdout)
    assert {u["role"] for u in logins["users"]} == {"supervisor", "agent", "mediator"}
    from helpdesk.models import Ticket
    tickets = db.session.scalars(db.select(Ticket)).all()
    assert len(tickets) >= 36 and {t.language for t in tickets} >= {"fr", "en", "ar"}
    assert {t.status.value for t in tickets} >= {"new", "open", "waiting_customer", "resolved", "closed"}
    _run(app, "demo")
    assert len(db.session.scalars(db.select(Ticket)).all()) == len(tickets)


def test_demo_gives_the_mediator_a_queue_in_several_statuses(app, client):
    from helpdesk.models import MediationCase
    from tests.conftest import bearer

    logins = json.loads(_run(app, "demo", "--json").stdout)
    mediator = next(u for u in logins["users"] if u["role"] == "mediator")
    r = _run(app, "create-token", mediator["email"], "--json")
    queue = client.get("/api/v1/mediation/cases?limit=50", headers=bearer(json.loads(r.stdout)["token"])).get_json()
    assert {c["status"] for c in queue["items"]} >= {"submitted", "awaiting_consent", "open", "agreement", "refused"}
    assert any(c["collective"] for c in queue["items"])
    assert len(queue["items"]) == len(db.session.scalars(db.select(MediationCase)).all())
