"""Webhook signature checks (SPEC 4.1): constant-time, every secret of a rotation, nothing logged.

Each check takes the raw body exactly as received (before any parsing) and the
integration's secrets, current first. None of these functions logs or raises
with a secret or a signature in its message: callers only learn yes or no.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

TOLERANCE_S = 300  # the generic webhook's replay window, either side of now


def _b64_hmac(secret: bytes, body: bytes) -> bytes:
    return base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())


def verify_base64_hmac(body: bytes, header: str | None, secrets: Iterable[bytes]) -> bool:
    """Shopify's `X-Shopify-Hmac-Sha256` and WooCommerce's `X-WC-Webhook-Signature`.

    Both are base64 of HMAC-SHA256 of the raw body. Every secret is tried (no
    early exit on the first one) so the answer time does not tell which one matched.
    """
    if not header:
        return False
    given = header.strip().encode("utf-8", "replace")
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(_b64_hmac(secret, body), given)
    return matched


def parse_generic_header(header: str | None) -> tuple[int, list[bytes]] | None:
    """`t=<unix seconds>,v1=<hex>[,v1=<hex>…]` as (t, [v1 …]); None when it is not that shape."""
    if not header or len(header) > 1024:
        return None
    stamp: int | None = None
    signatures: list[bytes] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit() and len(value) <= 12:
            stamp = int(value)
        elif name == "v1" and value:
            signatures.append(value.strip().lower().encode("utf-8", "replace"))
    if stamp is None or not signatures:
        return None
    return stamp, signatures


def verify_generic(body: bytes, header: str | None, secrets: Iterable[bytes], *, now: float,
                   tolerance: int = TOLERANCE_S) -> bool:
    """`X-Helpdesk-Signature`: hex HMAC-SHA256 of "<t>.<raw body>", with `t` within `tolerance` of now.

    The timestamp is inside the signed text, so moving it breaks the signature;
    the window is what makes a captured delivery useless for a replay later.
    """
    parsed = parse_generic_header(header)
    if parsed is None:
        return False
    stamp, given = parsed
    if abs(now - stamp) > tolerance:
        return False
    signed = str(stamp).encode() + b"." + body
    matched = False
    for secret in secrets:
        expected = hmac.new(secret, signed, hashlib.sha256).hexdigest().encode()
        for candidate in given:
            matched |= hmac.compare_digest(expected, candidate)
    return matched
