"""Agents' corrections feed `helpdesk train`, and change that merchant's next result."""
from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import event

from helpdesk.extensions import db
from helpdesk.triage import registry
from tests.conftest import bearer, make_merchant, make_token, make_user

TEXT = "Le vendeur m'a envoyé un bon de réduction pour ma prochaine commande, merci beaucoup"


def test_corrections_through_the_api_change_the_merchant_model(app, client):
    merchant = make_merchant()
    auth = bearer(make_token(make_user(merchant)))
    before = registry.model_for(merchant.id).predict("", TEXT).category
    wanted = "return" if before != "return" else "late_delivery"
    for i in range(12):
        ref = client.post("/api/v1/tickets", headers=auth, json={
            "email": f"s{i}@example.com", "message": f"{TEXT} {i}"}).get_json()["ref"]
        assert client.patch(f"/api/v1/tickets/{ref}", headers=auth, json={"category": wanted}).status_code == 200
    result = CliRunner().invoke(app.cli, ["train", "--json"], catch_exceptions=False)
    models = json.loads(result.stdout)["models"]
    assert any(m["merchant_id"] == merchant.id and m["corrections"] == 12 for m in models)
    assert registry.model_for(merchant.id).predict("", TEXT).category == wanted


def test_with_no_trained_model_the_store_is_asked_every_few_seconds_not_per_ticket(app):
    """Most merchants never train a model: classifying their tickets must not query for one each time."""
    merchant = make_merchant()
    registry.forget()
    asked: list[str] = []

    def note(conn, cursor, statement, *args):
        if "FROM triage_model" in statement:
            asked.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        for _ in range(5):
            registry.model_for(merchant.id).predict("", TEXT)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len(asked) == 2, asked  # the merchant's model, then the platform's: once each
