"""Helpers of the storefront tests: sign and post deliveries the way each platform does (SPEC 4.1)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "webhooks"
SECRETS = {
    "shopify": "shpss_test-0123456789abcdef",
    "woocommerce": "wc-test-secret-0123456789abcdef",
    "generic": "generic-test-secret-0123456789abcdef",
}


def fixture(name: str) -> dict[str, Any]:
    """A payload of tests/fixtures/webhooks, e.g. `fixture("shopify/orders_create")`."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def raw(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()


def b64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def generic_signature(secret: str, body: bytes, t: int | None = None) -> str:
    t = int(time.time()) if t is None else t
    return f"t={t},v1=" + hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


def shopify_headers(
    body: bytes, topic: str, webhook_id: str | None = None, secret: str = SECRETS["shopify"]
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": b64_hmac(secret, body),
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Shop-Domain": "atlas.myshopify.com",
        "X-Shopify-API-Version": "2026-01",
    }


def woocommerce_headers(
    body: bytes,
    topic: str,
    delivery_id: str | None = None,
    webhook_id: str = "12",
    secret: str = SECRETS["woocommerce"],
) -> dict[str, str]:
    resource, _, event = topic.partition(".")
    return {
        "Content-Type": "application/json",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": b64_hmac(secret, body),
        "X-WC-Webhook-ID": webhook_id,
        "X-WC-Webhook-Delivery-ID": delivery_id or str(uuid.uuid4().int % 10**6),
        "X-WC-Webhook-Source": "https://boutique.example.fr/",
    }


def generic_headers(
    body: bytes, delivery: str | None = None, t: int | None = None, secret: str = SECRETS["generic"]
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Helpdesk-Signature": generic_signature(secret, body, t),
        "X-Helpdesk-Delivery": delivery or f"gen-{uuid.uuid4()}",
    }


def post_shopify(client: Any, slug: str, topic: str, payload: Any, webhook_id: str | None = None) -> Any:
    body = raw(payload)
    return client.post(f"/hooks/shopify/{slug}", data=body, headers=shopify_headers(body, topic, webhook_id))


def post_woocommerce(client: Any, slug: str, topic: str, payload: Any, delivery_id: str | None = None) -> Any:
    body = raw(payload)
    return client.post(
        f"/hooks/woocommerce/{slug}", data=body, headers=woocommerce_headers(body, topic, delivery_id)
    )


def post_generic(client: Any, slug: str, payload: Any, delivery: str | None = None) -> Any:
    body = raw(payload)
    return client.post(f"/hooks/generic/{slug}", data=body, headers=generic_headers(body, delivery))
