"""CORS for the widget, per merchant: only the shop's listed origins (and our own pages) may call from a browser.

Written here rather than with a CORS extension because the allowed origins
are data of each merchant, looked up by the widget key of the URL.
"""
from __future__ import annotations

from flask import Response, request

from ..models import Merchant

ALLOWED_HEADERS = "Content-Type, Accept-Language, Idempotency-Key"
MAX_AGE = "600"


def own_origin() -> str:
    return request.host_url.rstrip("/")


def origin_allowed(merchant: Merchant, origin: str) -> bool:
    """A shop page listed by the merchant, or a page of this site (the demo shop, the widget's own frame)."""
    origin = origin.rstrip("/")
    return origin == own_origin() or origin in {o.rstrip("/") for o in merchant.allowed_origins or []}


def add_headers(response: Response, origin: str, methods: str) -> Response:
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Methods"] = methods
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = MAX_AGE
    response.headers["Access-Control-Expose-Headers"] = "Retry-After, X-RateLimit-Remaining"
    response.vary.add("Origin")
    return response
