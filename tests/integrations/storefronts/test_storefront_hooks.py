"""The webhook endpoints' answers (SPEC 4.1), in the fixed check order, and nothing stored on a refusal."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import event

from helpdesk.extensions import db
from helpdesk.intake.integrations import save_integration

from .conftest import journal_count
from .hooks import (
    SECRETS,
    fixture,
    generic_headers,
    post_generic,
    post_shopify,
    post_woocommerce,
    raw,
    shopify_headers,
    woocommerce_headers,
)


def _error(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True))
    body = r.get_json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], body
    return body["error"]


def _refused(client, path: str, body: bytes, headers: dict, status: int) -> dict:
    before = journal_count()
    err = _error(client.post(path, data=body, headers=headers), status)
    assert journal_count() == before, "a refused delivery was stored"
    return err


def test_each_endpoint_accepts_then_reports_duplicate(client, shop):
    order = fixture("shopify/orders_create")
    for send in (
        lambda: post_shopify(client, shop.slug, "orders/create", order, webhook_id="sh-1"),
        lambda: post_woocommerce(
            client, shop.slug, "order.created", fixture("woocommerce/order_created"), delivery_id="901"
        ),
        lambda: post_generic(client, shop.slug, fixture("generic/complaint"), delivery="gen-1"),
    ):
        first, again = send(), send()
        assert first.status_code == 202 and first.get_json()["status"] == "accepted", first.get_json()
        assert again.status_code == 202 and again.get_json() == {**first.get_json(), "status": "duplicate"}
    assert {
        r.get_json()["delivery"] for r in [post_shopify(client, shop.slug, "orders/create", order, "sh-1")]
    } == {"sh-1"}
    assert journal_count() == 3


def test_woocommerce_delivery_id_repeats_with_another_body(client, shop):
    """WooCommerce reuses a delivery id within a second: another body under it is another delivery."""
    created, updated = fixture("woocommerce/order_created"), fixture("woocommerce/order_updated")
    a = post_woocommerce(client, shop.slug, "order.created", created, delivery_id="77")
    b = post_woocommerce(client, shop.slug, "order.updated", updated, delivery_id="77")
    assert [a.get_json(), b.get_json()] == [{"delivery": "77", "status": "accepted"}] * 2
    assert journal_count() == 2


def test_two_merchants_never_share_a_delivery_key(client, shop):
    save_integration(shop.bare, "generic", SECRETS["generic"])
    db.session.commit()
    payload = fixture("generic/complaint")
    assert post_generic(client, shop.slug, payload, "same-id").get_json()["status"] == "accepted"
    assert post_generic(client, shop.bare.slug, payload, "same-id").get_json()["status"] == "accepted"
    assert journal_count() == 2


def test_woocommerce_ping_is_exactly_200_and_not_stored(client, shop):
    for slug in (shop.slug, "no-such-shop"):
        r = client.post(
            f"/hooks/woocommerce/{slug}",
            data=b"webhook_id=4711",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert r.status_code == 200, r.get_data(as_text=True)
    assert journal_count() == 0


@pytest.mark.parametrize("kind", ["shopify", "woocommerce", "generic"])
def test_unknown_merchant_and_missing_integration_are_404(client, shop, kind):
    body = raw(fixture("generic/complaint"))
    headers = {
        "shopify": shopify_headers(body, "orders/create"),
        "woocommerce": woocommerce_headers(body, "order.created"),
        "generic": generic_headers(body),
    }[kind]
    unknown = _refused(client, f"/hooks/{kind}/no-such-shop", body, headers, 404)
    missing = _refused(client, f"/hooks/{kind}/{shop.bare.slug}", body, headers, 404)
    assert unknown == missing, "an unknown merchant and a missing integration must look alike"


def test_bad_signatures_are_401(client, shop):
    body = raw(fixture("shopify/orders_create"))
    path = f"/hooks/shopify/{shop.slug}"
    _refused(
        client, path, body, shopify_headers(body, "orders/create", secret="another-secret-0123456789"), 401
    )
    _refused(client, path, body, {**shopify_headers(body, "orders/create"), "X-Shopify-Hmac-Sha256": ""}, 401)
    tampered = body.replace(b"349.00", b"1.00")
    _refused(client, path, tampered, shopify_headers(body, "orders/create"), 401)
    headers = shopify_headers(body, "orders/create")
    del headers["X-Shopify-Hmac-Sha256"]
    _refused(client, path, body, headers, 401)
    wc = raw(fixture("woocommerce/order_created"))
    _refused(
        client,
        f"/hooks/woocommerce/{shop.slug}",
        wc,
        woocommerce_headers(wc, "order.created", secret="another-secret-0123456789"),
        401,
    )
    generic = raw(fixture("generic/complaint"))
    for header in ("", "v1=abc", "t=abc,v1=00", f"t={int(time.time())}", "garbage"):
        _refused(
            client,
            f"/hooks/generic/{shop.slug}",
            generic,
            {**generic_headers(generic), "X-Helpdesk-Signature": header},
            401,
        )


def test_signed_with_another_kinds_secret_is_401(client, shop):
    body = raw(fixture("generic/complaint"))
    _refused(
        client, f"/hooks/generic/{shop.slug}", body, generic_headers(body, secret=SECRETS["shopify"]), 401
    )


@pytest.mark.parametrize("offset", [-301, 310, -3600, 900])  # the test sends t a moment before the check
def test_generic_timestamp_outside_the_window_is_401(client, shop, offset):
    body = raw(fixture("generic/complaint"))
    _refused(
        client, f"/hooks/generic/{shop.slug}", body, generic_headers(body, t=int(time.time()) + offset), 401
    )


@pytest.mark.parametrize("offset", [-290, 290])
def test_generic_timestamp_inside_the_window_is_accepted(client, shop, offset):
    body = raw(fixture("generic/complaint"))
    r = client.post(
        f"/hooks/generic/{shop.slug}", data=body, headers=generic_headers(body, t=int(time.time()) + offset)
    )
    assert r.status_code == 202


def test_previous_secret_is_accepted_during_a_rotation(app, client, shop):
    app.config["WEBHOOK_KEYS_TTL"] = 0.2  # how long a web process may keep using the secrets it read
    for kind in SECRETS:
        save_integration(shop.merchant, kind, SECRETS[kind] + "-rotated")
    db.session.commit()
    old_shopify = post_shopify(client, shop.slug, "orders/create", fixture("shopify/orders_create"))
    assert old_shopify.status_code == 202
    body = raw(fixture("generic/complaint"))
    new = client.post(
        f"/hooks/generic/{shop.slug}",
        data=body,
        headers=generic_headers(body, secret=SECRETS["generic"] + "-rotated"),
    )
    assert new.status_code == 202
    for kind in SECRETS:  # a second rotation drops the first secret
        save_integration(shop.merchant, kind, SECRETS[kind] + "-again")
    db.session.commit()
    time.sleep(0.3)
    _refused(client, f"/hooks/generic/{shop.slug}", body, generic_headers(body), 401)


def _database_work(client, path: str, body: bytes, headers: dict, status: int) -> tuple[list[str], int]:
    """The SELECTs a refused request ran and the pool checkouts it made (each costs a ping and a reset).

    Only this thread's: the test client runs the request here, the in-process jobs elsewhere."""
    statements: list[str] = []
    checkouts: list[object] = []
    request_thread = threading.get_ident()

    def note(conn, cursor, statement, *args):
        if threading.get_ident() == request_thread and statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    def checkout(dbapi_connection, record, proxy):
        if threading.get_ident() == request_thread:
            checkouts.append(dbapi_connection)

    before = journal_count()
    db.session.rollback()  # gives the test's connection back: only the request's checkouts are counted
    event.listen(db.engine, "before_cursor_execute", note)
    event.listen(db.engine.pool, "checkout", checkout)
    try:
        r = client.post(path, data=body, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
        event.remove(db.engine.pool, "checkout", checkout)
    _error(r, status)
    assert journal_count() == before, "a refused delivery was stored"
    return statements, len(checkouts)


def test_a_refused_webhook_costs_one_select_and_no_decryption(client, shop, monkeypatch):
    """Anyone can post to a webhook URL. A wrong signature reads the secrets again (a new secret must work at
    once) and an unknown merchant is looked up: each is one SELECT on the webhooks' own connections (no pool
    checkout, no transaction), and secrets that did not change are not decrypted again."""
    from helpdesk.intake import integrations

    body = raw(fixture("generic/complaint"))
    assert post_generic(client, shop.slug, fixture("generic/complaint")).status_code == 202  # secrets now cached
    decrypted: list[str] = []
    real_decrypt = integrations.decrypt
    monkeypatch.setattr(integrations, "decrypt", lambda token: decrypted.append(token) or real_decrypt(token))

    wrong = generic_headers(body, secret=SECRETS["generic"] + "-wrong")
    lookups, checkouts = _database_work(client, f"/hooks/generic/{shop.slug}", body, wrong, 401)
    assert len(lookups) == 1 and "integration" in lookups[0], lookups
    assert checkouts == 0 and decrypted == []

    lookups, checkouts = _database_work(client, "/hooks/generic/no-such-shop", body, generic_headers(body), 404)
    assert len(lookups) == 1 and checkouts == 0, lookups

    save_integration(shop.merchant, "generic", SECRETS["generic"] + "-rotated")  # a new secret is decrypted once
    db.session.commit()
    rotated = generic_headers(body, secret=SECRETS["generic"] + "-rotated")
    r = client.post(f"/hooks/generic/{shop.slug}", data=body, headers=rotated)
    assert r.status_code == 202 and len(decrypted) == 2  # the new current secret and the previous one


def test_shopify_deliveries_are_never_refused_for_age(client, shop):
    """Shopify retries for 4 hours: an old X-Shopify-Triggered-At changes nothing (the id deduplicates)."""
    body = raw(fixture("shopify/orders_create"))
    headers = {**shopify_headers(body, "orders/create"), "X-Shopify-Triggered-At": "2020-01-01T00:00:00Z"}
    assert client.post(f"/hooks/shopify/{shop.slug}", data=body, headers=headers).status_code == 202


@pytest.mark.parametrize(
    "body, words",
    [
        (b'{"email": "a@example.com", "message": ', "not valid JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (b'"just a string"', "JSON object"),
        (b"\xff\xfe{}", "not valid JSON"),
        (b'{"email": "a@example.com", "message": NaN}', "not valid JSON"),
        (b'{"name": "no email, no message"}', "email"),
        (b'{"email": "not-an-email", "message": "hello"}', "email"),
        (b'{"email": "a@example.com", "message": "x", "category_hint": "refund"}', "category_hint"),
        (
            (b'{"email": "a@example.com", "message": "x", '
             b'"attachments": [{"filename": "a", "data_base64": "@@"}]}'),
            "base64",
        ),
    ],
)
def test_generic_body_that_is_not_the_expected_json_is_400(client, shop, body, words):
    err = _refused(client, f"/hooks/generic/{shop.slug}", body, generic_headers(body), 400)
    assert words in err["message"], err


def test_form_encoded_body_to_generic_is_400(client, shop):
    """Content type: the signed raw body decides. A form body is not JSON: 400 (never 415 or 422)."""
    body = b"email=someone@example.com&message=this is a form, not JSON"
    headers = {**generic_headers(body), "Content-Type": "application/x-www-form-urlencoded"}
    assert "JSON" in _refused(client, f"/hooks/generic/{shop.slug}", body, headers, 400)["message"]


def test_json_body_under_another_content_type_is_accepted(client, shop):
    body = raw(fixture("generic/complaint"))
    headers = {**generic_headers(body), "Content-Type": "text/plain"}
    assert client.post(f"/hooks/generic/{shop.slug}", data=body, headers=headers).status_code == 202


@pytest.mark.parametrize(
    "topic, drop",
    [
        ("orders/create", "id"),
        ("orders/updated", "name"),
        ("fulfillments/create", "order_id"),
        ("refunds/create", "order_id"),
        ("returns/request", "order"),
    ],
)
def test_shopify_payload_without_its_ids_is_400(client, shop, topic, drop):
    name = {
        "orders/create": "orders_create",
        "orders/updated": "orders_updated",
        "fulfillments/create": "fulfillments_create",
        "refunds/create": "refunds_create",
        "returns/request": "returns_request",
    }[topic]
    payload = fixture(f"shopify/{name}")
    payload.pop(drop)
    body = raw(payload)
    err = _refused(client, f"/hooks/shopify/{shop.slug}", body, shopify_headers(body, topic), 400)
    assert drop in err["message"]


def test_missing_identifying_headers_are_400(client, shop):
    body = raw(fixture("shopify/orders_create"))
    for name in ("X-Shopify-Webhook-Id", "X-Shopify-Topic"):
        headers = shopify_headers(body, "orders/create")
        del headers[name]
        assert name in _refused(client, f"/hooks/shopify/{shop.slug}", body, headers, 400)["message"]
    wc = raw(fixture("woocommerce/order_created"))
    headers = woocommerce_headers(wc, "order.created")
    del headers["X-WC-Webhook-Delivery-ID"]
    _refused(client, f"/hooks/woocommerce/{shop.slug}", wc, headers, 400)
    generic = raw(fixture("generic/complaint"))
    headers = generic_headers(generic)
    del headers["X-Helpdesk-Delivery"]
    _refused(client, f"/hooks/generic/{shop.slug}", generic, headers, 400)


def test_woocommerce_order_without_id_is_400_and_non_object_is_400(client, shop):
    for payload in ({"number": "727"}, [{"id": 727}]):
        body = raw(payload)
        _refused(
            client, f"/hooks/woocommerce/{shop.slug}", body, woocommerce_headers(body, "order.created"), 400
        )


def test_unknown_topic_needs_only_a_json_object(client, shop):
    body = raw({"id": 1, "title": "a product"})
    assert (
        client.post(
            f"/hooks/shopify/{shop.slug}", data=body, headers=shopify_headers(body, "products/update")
        ).status_code
        == 202
    )


def test_errors_are_never_422(client, shop):
    body = b'{"email": 5, "message": []}'
    assert (
        client.post(f"/hooks/generic/{shop.slug}", data=body, headers=generic_headers(body)).status_code
        == 400
    )


@pytest.fixture
def small(make_app):
    """An app whose HELPDESK_MAX_BODY is 2 KiB."""
    from tests.conftest import make_merchant

    from .conftest import add_integrations

    app = make_app(HELPDESK_MAX_BODY=2048)
    with app.app_context():
        add_integrations(make_merchant("atlas"))
        yield app


def test_body_over_the_limit_is_413_even_when_signed(small):
    client = small.test_client()
    payload = {**fixture("generic/complaint"), "message": "x" * 4096}
    body = raw(payload)
    for kind, headers in (
        ("generic", generic_headers(body)),
        ("shopify", shopify_headers(body, "orders/create")),
        ("woocommerce", woocommerce_headers(body, "order.created")),
    ):
        err = _refused(client, f"/hooks/{kind}/atlas", body, headers, 413)
        assert "2048" in err["message"]


def test_404_comes_before_413_and_413_before_401(small):
    client = small.test_client()
    body = b"{" + b" " * 4096 + b"}"
    _refused(client, "/hooks/generic/no-such-shop", body, generic_headers(body), 404)
    _refused(client, "/hooks/generic/atlas", body, {"X-Helpdesk-Signature": "t=1,v1=00"}, 413)


def test_chunked_body_over_the_limit_is_413(small):
    client = small.test_client()
    body = raw({**fixture("generic/complaint"), "message": "x" * 4096})
    r = client.post(
        "/hooks/generic/atlas",
        input_stream=__import__("io").BytesIO(body),
        headers={**generic_headers(body), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )  # as gunicorn sets it for chunked bodies
    _error(r, 413)
    assert journal_count() == 0


def test_401_comes_before_400(client, shop):
    body = b"not json at all"
    _refused(
        client,
        f"/hooks/generic/{shop.slug}",
        body,
        generic_headers(body, secret="wrong-secret-0123456789"),
        401,
    )


def test_hooks_need_no_csrf_token(make_app):
    from tests.conftest import make_merchant

    from .conftest import add_integrations

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        add_integrations(make_merchant("atlas"))
        r = post_generic(app.test_client(), "atlas", fixture("generic/complaint"))
        assert r.status_code == 202, r.get_data(as_text=True)


def test_answers_are_json(client, shop):
    r = post_generic(client, shop.slug, fixture("generic/complaint"), delivery="d-json")
    assert r.mimetype == "application/json" and json.loads(r.data) == {
        "delivery": "d-json",
        "status": "accepted",
    }
