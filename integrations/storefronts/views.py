"""Webhook endpoints: verify, journal, enqueue, answer (processing happens in the worker).

SPEC 4.1 fixes the order of the checks: the WooCommerce ping (200); merchant
and integration (404); size (413); signature and timestamp (401); a body that
is not a JSON object with the required fields (400). Nothing is stored before
all of them pass. The raw body is read once, before anything parses it; the
secrets come from a short-lived copy, and the delivery is journaled by one
autocommit INSERT (`fast_journal`) before the 202. Neither uses the session:
both run on the connections the webhooks keep (`held_connections`). The
blueprint runs in its own small app (`hooks_app`), without the helpdesk app's
session, login, CSRF and limiter.

Content type: the signed raw body is what counts, so a JSON body is accepted
whatever `Content-Type` says; a form-encoded body is not JSON and answers 400.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from helpdesk.errors import error_response
from helpdesk.intake.fast_journal import journal_delivery
from helpdesk.intake.integrations import webhook_keys

from . import hooks_app, payloads, signatures

bp = Blueprint("storefront_hooks", __name__, url_prefix="/hooks")
_PING = re.compile(rb"webhook_id=\d{1,20}")
MAX_ID = 200  # longest delivery id or topic header kept (the journal key is 255 characters)

ResponseLike = Response | tuple[Response, int]


class Refused(Exception):
    """An answer other than 202, raised by a check; carries the SPEC 4.1 status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Delivery:
    """What the headers say about one delivery: the id shown back, the journal key suffix, the topic."""

    shown: str
    key: str
    topic: str


@dataclass(frozen=True)
class Platform:
    kind: str  # the integration kind
    channel: str  # the journal channel its handler is registered under
    verify: Callable[[bytes, list[bytes]], bool]
    identify: Callable[[bytes], Delivery]
    check: Callable[[Delivery, bytes], None]


def _header(name: str) -> str:
    """A required identifying header, bounded in length (400 otherwise)."""
    value = (request.headers.get(name) or "").strip()
    if not value:
        raise Refused(400, "missing_header", f"The {name} header is required.")
    if len(value) > MAX_ID:
        raise Refused(400, "bad_header", f"The {name} header is longer than {MAX_ID} characters.")
    return value


def _signature(name: str) -> str | None:
    return request.headers.get(name)


def _shopify_identify(body: bytes) -> Delivery:
    webhook_id = _header("X-Shopify-Webhook-Id")
    return Delivery(webhook_id, webhook_id, _header("X-Shopify-Topic"))


def _woocommerce_identify(body: bytes) -> Delivery:
    """WooCommerce reuses a delivery id within a second, so the webhook id and the body's hash join it."""
    delivery_id, webhook_id = _header("X-WC-Webhook-Delivery-ID"), _header("X-WC-Webhook-ID")
    digest = hashlib.sha256(body).hexdigest()
    return Delivery(delivery_id, f"{webhook_id}:{delivery_id}:{digest}", _header("X-WC-Webhook-Topic"))


def _generic_identify(body: bytes) -> Delivery:
    delivery = _header("X-Helpdesk-Delivery")
    return Delivery(delivery, delivery, "complaint")


PLATFORMS = {
    "shopify": Platform(
        "shopify", "shopify",
        lambda body, keys: signatures.verify_base64_hmac(body, _signature("X-Shopify-Hmac-Sha256"), keys),
        _shopify_identify, lambda d, body: payloads.check_storefront("shopify", d.topic, body)),
    "woocommerce": Platform(
        "woocommerce", "woocommerce",
        lambda body, keys: signatures.verify_base64_hmac(body, _signature("X-WC-Webhook-Signature"), keys),
        _woocommerce_identify, lambda d, body: payloads.check_storefront("woocommerce", d.topic, body)),
    "generic": Platform(
        "generic", "webhook",
        lambda body, keys: signatures.verify_generic(body, _signature("X-Helpdesk-Signature"), keys,
                                                     now=time.time()),
        _generic_identify, lambda d, body: payloads.check_complaint(body)),
}


def _is_woocommerce_ping() -> bool:
    """WooCommerce's creation ping: an unsigned form body `webhook_id=<n>`, answered 200 and not stored."""
    length = request.content_length
    if length is None or length > 40 or request.headers.get("X-WC-Webhook-Signature"):
        return False
    return _PING.fullmatch(request.get_data(cache=True)) is not None


def _raw_body() -> bytes:
    """The body, refused with 413 before reading it when Content-Length says it is over the limit.

    A chunked body has no length: read at most one byte past the limit from the
    server's terminated stream (werkzeug's own wrapper would cut it silently).
    """
    limit = current_app.config["HELPDESK_MAX_BODY"]
    too_large = Refused(413, "payload_too_large", f"The body is larger than {limit} bytes.")
    if request.content_length is not None:
        if request.content_length > limit:
            raise too_large
        return request.get_data(cache=True)
    if not request.environ.get("wsgi.input_terminated"):
        return b""  # werkzeug's safe fallback: an unterminated stream without a length is not read
    body = request.environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise too_large
    return bytes(body)


def receive(kind: str, merchant_slug: str) -> ResponseLike:
    """Run the SPEC 4.1 checks in order, then journal the delivery and answer 202."""
    platform = PLATFORMS[kind]
    if kind == "woocommerce" and _is_woocommerce_ping():
        return jsonify(status="ok"), 200
    try:
        keys = webhook_keys(merchant_slug, platform.kind)
        if keys is None:
            raise Refused(404, "not_found", "No such merchant or integration.")
        body = _raw_body()
        if not platform.verify(body, list(keys.secrets)):
            keys = webhook_keys(merchant_slug, platform.kind, fresh=True)  # rotated or disabled since?
            if keys is None:
                raise Refused(404, "not_found", "No such merchant or integration.")
            if not platform.verify(body, list(keys.secrets)):
                raise Refused(401, "invalid_signature", "The signature is missing, wrong or out of date.")
        delivery = platform.identify(body)
        platform.check(delivery, body)
    except Refused as exc:
        return error_response(exc.status, exc.code, exc.message)  # type: ignore[return-value]
    except payloads.BadBody as exc:
        return error_response(400, "bad_request", str(exc))  # type: ignore[return-value]
    accepted = journal_delivery(keys.merchant_id, platform.channel, f"{keys.merchant_id}:{delivery.key}", body,
                                topic=delivery.topic[:64], meta=_meta(kind))
    return jsonify(delivery=delivery.shown, status="duplicate" if accepted.duplicate else "accepted"), 202


def _meta(kind: str) -> dict[str, str]:
    """Non-secret facts of the delivery kept beside it (never a signature header)."""
    names = {"shopify": ("X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Triggered-At"),
             "woocommerce": ("X-WC-Webhook-Source", "X-WC-Webhook-Resource", "X-WC-Webhook-Event"),
             "generic": ()}[kind]
    return {name: request.headers[name][:MAX_ID] for name in names if name in request.headers}


@bp.post("/shopify/<merchant_slug>")
def shopify(merchant_slug: str) -> ResponseLike:
    """Shopify order, fulfilment, refund and return topics (X-Shopify-Hmac-Sha256)."""
    return receive("shopify", merchant_slug)


@bp.post("/woocommerce/<merchant_slug>")
def woocommerce(merchant_slug: str) -> ResponseLike:
    """WooCommerce order topics (X-WC-Webhook-Signature), and its creation ping."""
    return receive("woocommerce", merchant_slug)


@bp.post("/generic/<merchant_slug>")
def generic(merchant_slug: str) -> ResponseLike:
    """A complaint from any system that signs with X-Helpdesk-Signature."""
    return receive("generic", merchant_slug)


def register(app: Flask) -> None:
    """Mount the hooks in their own app in front of `app`: signed by the sender, so no session, no CSRF token
    and no rate limit (SPEC 4.1, 7)."""
    hooks_app.mount(app, bp)
