"""`/demo/shop`: a pretend shop page that embeds the widget, so a visitor of `make run` can try the whole path.

It exists only where `helpdesk demo` seeded the demo merchant (a production
instance without it answers 404).
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..demo import SLUG
from ..extensions import db
from ..models import Merchant

bp = Blueprint("demo", __name__, url_prefix="/demo")


@bp.get("/shop")
def shop() -> str:
    merchant = db.session.scalar(select(Merchant).where(Merchant.slug == SLUG))
    if merchant is None:
        abort(404)
    return render_template("demo/shop.html", merchant=merchant)
