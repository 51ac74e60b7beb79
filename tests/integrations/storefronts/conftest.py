"""A merchant with all three storefront integrations, a second one with none, and a supervisor's token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.intake.integrations import save_integration
from helpdesk.models import InboundDelivery, Merchant
from tests.conftest import bearer, make_merchant, make_token, make_user

from .hooks import SECRETS


@dataclass
class Shop:
    merchant: Merchant
    bare: Merchant  # a merchant without any integration
    auth: dict[str, str]

    @property
    def slug(self) -> str:
        return self.merchant.slug


def add_integrations(merchant: Merchant) -> None:
    for kind, secret in SECRETS.items():
        save_integration(merchant, kind, secret)
    db.session.commit()


@pytest.fixture
def shop(app: Flask) -> Shop:
    merchant = make_merchant("atlas", name="Atlas Shop")
    add_integrations(merchant)
    bare = make_merchant("lumiere", name="Lumière", country="FR", timezone="Europe/Paris")
    return Shop(merchant, bare, bearer(make_token(make_user(merchant))))


def journal_count() -> int:
    """Rows in the inbound journal (a refused delivery must leave none)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(InboundDelivery)) or 0


@pytest.fixture
def process(app: Flask) -> Any:
    """Wait for the in-process jobs, then start a fresh session to read what they wrote."""

    def run() -> None:
        assert app.extensions["helpdesk_drain"](), "jobs did not finish"
        db.session.rollback()

    return run
