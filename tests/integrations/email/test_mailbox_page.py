"""Supervisors see each mailbox's health: last good poll, messages waiting, the last error, and when it fails."""
from __future__ import annotations

from helpdesk.extensions import db
from integrations.email.health import record_failure, record_success
from integrations.email.mailboxes import add_mailbox
from tests.conftest import login, make_merchant, make_user


def test_a_failing_mailbox_shows_its_error_to_supervisors_only(app, client):
    merchant = make_merchant()
    good = add_mailbox(merchant, host="127.0.0.1", port=1143, user="support@atlas.example", password="pw-1")
    bad = add_mailbox(merchant, host="127.0.0.1", port=1144, user="sav@atlas.example", password="pw-2")
    db.session.commit()
    record_success(good.id)
    for _ in range(3):
        record_failure(bad.id, "AUTHENTICATIONFAILED Authentication failed.")

    login(client, make_user(merchant, "supervisor"))
    page = client.get("/mailboxes").get_data(as_text=True)
    assert "support@atlas.example" in page and "sav@atlas.example" in page
    assert "AUTHENTICATIONFAILED" in page and "3" in page
    assert "pw-1" not in page and "pw-2" not in page

    login(client, make_user(merchant, "agent"))
    assert client.get("/mailboxes").status_code == 404
    login(client, make_user(make_merchant(), "supervisor"))
    assert "sav@atlas.example" not in client.get("/mailboxes").get_data(as_text=True)
