"""Storefront webhooks (SPEC 4.1): Shopify, WooCommerce and the signed generic webhook.

`views` verifies and journals, in the small app of `hooks_app` mounted in
front of the helpdesk app; `shopify` and `woocommerce` register the handlers
the journal's drain job runs (the generic webhook's complaints use the
`webhook` handler of `helpdesk.intake.api_channel`).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import shopify, views, woocommerce  # noqa: F401 - the handlers register themselves

    views.register(app)
