"""Fixtures of the email tests: a private Dovecot per session, an IMAP user per test, an SMTP sink."""
from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from helpdesk.extensions import db
from integrations.email.mailboxes import add_mailbox
from tests.conftest import make_merchant, need_service

from .servers import Dovecot, SmtpSink, dovecot_available, start_dovecot


@pytest.fixture(scope="session")
def _dovecot_server() -> Iterator[Dovecot | None]:
    if not dovecot_available():
        yield None
        return
    server = start_dovecot()
    yield server
    server.stop()


@pytest.fixture
def dovecot(_dovecot_server: Dovecot | None) -> Dovecot:
    need_service(_dovecot_server is not None, "Dovecot (apt-get install -y dovecot-imapd, run as root)")
    assert _dovecot_server is not None
    return _dovecot_server


@pytest.fixture
def imap_user(dovecot: Dovecot) -> tuple[str, str]:
    return dovecot.add_user()


@pytest.fixture
def smtp_sink(app: Any) -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    app.extensions["helpdesk_drain"]()  # the mails a test queued are sent before the server goes
    sink.stop()


@pytest.fixture
def shop(app: Any, dovecot: Any, imap_user: tuple[str, str], smtp_sink: Any) -> Any:
    """A merchant whose support mailbox is a fresh Dovecot account, answering through the SMTP sink."""
    merchant = make_merchant(name="Boutique Atlas")
    user, password = imap_user
    mailbox = add_mailbox(merchant, host="127.0.0.1", port=dovecot.port, user=user, password=password, tls=False,
                          smtp_url=smtp_sink.url, address="support@shop.test")
    db.session.commit()
    return SimpleNamespace(merchant=merchant, mailbox=mailbox, sink=smtp_sink,
                           append=lambda *raws: dovecot.append(user, password, list(raws)))
