"""The supervisor's company page: identifiers for mediation dossiers and the shop's fair chance before mediation."""
from __future__ import annotations

from helpdesk.extensions import db
from helpdesk.mediation.dossier import missing_items, open_dossier
from helpdesk.models import OpenedBy
from tests.conftest import login, make_merchant, make_service, make_ticket, make_user


def test_a_supervisor_gives_the_identifiers_a_dossier_lacked(app, client):
    service = make_service()
    shop = make_merchant(mediation_service=service.slug)
    case, _ = open_dossier(make_ticket(shop), by=OpenedBy.MERCHANT, reason="Désaccord", actor="supervisor:1",
                           claim="Remboursement")
    db.session.commit()
    assert "identifiers" in missing_items(case, shop)

    login(client, make_user(shop, "agent"))
    assert client.get("/settings/company").status_code == 404  # a supervisor's page
    login(client, make_user(shop))
    bad = client.post("/settings/company", data={"ice": "12345", "mediation_wait_days": "7"})
    assert bad.status_code == 200
    db.session.refresh(shop)
    assert shop.identifiers == {}
    r = client.post("/settings/company", data={"ice": "001525874000089", "rc": "Casablanca 412345",
                                              "mediation_wait_days": "10"})
    assert r.status_code == 302
    db.session.refresh(shop)
    assert shop.identifiers == {"ice": "001525874000089", "rc": "Casablanca 412345"}
    assert shop.settings["mediation_wait_days"] == 10 and "identifiers" not in missing_items(case, shop)
    page = client.get("/settings/company").get_data(as_text=True)
    assert 'value="001525874000089"' in page and 'value="10"' in page

    other = make_merchant()
    login(client, make_user(other))
    assert "001525874000089" not in client.get("/settings/company").get_data(as_text=True)
