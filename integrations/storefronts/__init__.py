"""Storefront webhooks (SPEC 4.1): Shopify, WooCommerce and the signed generic webhook."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import views

    views.register(app)
