"""Agents' corrections feed `helpdesk train`, and change that merchant's next result."""
from __future__ import annotations

import json

from click.testing import CliRunner

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
