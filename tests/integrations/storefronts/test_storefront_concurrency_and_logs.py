"""Concurrent redelivery against a real server, and no secret or signature in any log line (SPEC 4.1, 7.1)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from helpdesk.extensions import db
from helpdesk.models import InboundDelivery, Ticket

from .hooks import SECRETS, fixture, generic_headers, raw, shopify_headers, woocommerce_headers


@pytest.fixture
def server(app: Flask, shop) -> Iterator[str]:
    """The app behind a real threaded HTTP server on 127.0.0.1 (a free port)."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="test-http", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(5)
    http.server_close()


def test_one_delivery_posted_by_8_threads_at_once_is_journaled_once(app, shop, server, process):
    body = raw(fixture("generic/complaint"))
    headers = generic_headers(body, delivery="race-1")
    url, start, answers = f"{server}/hooks/generic/{shop.slug}", threading.Barrier(8), []

    def post() -> None:
        start.wait()
        r = requests.post(url, data=body, headers=headers, timeout=60)
        answers.append((r.status_code, r.json()))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    process()
    assert sorted(a[1]["status"] for a in answers) == ["accepted"] + ["duplicate"] * 7, answers
    assert {a[0] for a in answers} == {202} and {a[1]["delivery"] for a in answers} == {"race-1"}
    assert db.session.scalar(select(func.count()).select_from(InboundDelivery)) == 1
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


LOGGERS = ("", "helpdesk", "integrations", "worker", "werkzeug", "sqlalchemy.engine", "flask_limiter")


def test_no_secret_or_signature_reaches_a_log_line(app, client, shop, caplog, process):
    """Every record at DEBUG, from the request and the worker thread, failures included."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    shopify_body, wc_body = raw(fixture("shopify/returns_request")), raw(fixture("woocommerce/order_created"))
    generic_body = raw(fixture("generic/complaint"))
    sent = [
        (
            "shopify",
            shopify_body,
            shopify_headers(shopify_body, "returns/request"),
        ),  # fails: order not synced
        ("woocommerce", wc_body, woocommerce_headers(wc_body, "order.created")),
        ("generic", generic_body, generic_headers(generic_body)),
        ("generic", generic_body, generic_headers(generic_body, secret="wrong-secret-0123456789abcdef")),
        ("shopify", b"not json", shopify_headers(b"not json", "orders/create")),
    ]
    for kind, body, headers in sent:
        client.post(f"/hooks/{kind}/{shop.slug}", data=body, headers=headers)
    process()
    assert any(r.levelno >= logging.ERROR for r in caplog.records), "the failing delivery should have logged"
    forbidden = [*SECRETS.values()]
    for _, _, headers in sent:
        forbidden += [v for k, v in headers.items() if "Signature" in k or "Hmac" in k]
        forbidden += [v.split("v1=")[1] for k, v in headers.items() if k == "X-Helpdesk-Signature"]
    for record in caplog.records:
        text = "\n".join(
            filter(
                None,
                (record.getMessage(), record.exc_text, str(record.args), logging.Formatter().format(record)),
            )
        )
        leaked = [f for f in forbidden if f and f in text]
        assert not leaked, f"{record.name}: a secret or signature in a log line"
