"""Shared fixtures: an app on this pass's database, factories that read as the scenario, real services.

The schema is built once per process by Alembic (so every test also runs
the migrations); between tests every table is emptied.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from helpdesk import create_app
from helpdesk.extensions import db

CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("HD_TEST_DATABASE_URL") or ""
REDIS_URL = os.environ.get("HD_TEST_REDIS_URL") or ""
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PASSWORD = "Test-passw0rd-long-enough"


def need_service(available: bool, what: str) -> None:
    """Skip when a real service is missing on a laptop; fail under CI=true (DEVELOPERS.md)."""
    if not available:
        if CI:
            pytest.fail(f"{what} is required under CI=true and is not available")
        pytest.skip(f"{what} not available")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pg_only: runs on the PostgreSQL pass only")


@pytest.fixture(scope="session")
def _database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if PG_URL:
        yield PG_URL
        return
    path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    yield f"sqlite:///{path}"


def test_config(database_url: str, data_dir: Path, **extra: Any) -> dict[str, Any]:
    return {"TESTING": True, "SECRET_KEY": "test-secret-key-" + "x" * 24, "SQLALCHEMY_DATABASE_URI":
            database_url if not database_url.startswith("postgresql://") else
            database_url.replace("postgresql://", "postgresql+psycopg://", 1),
            "HELPDESK_DATA_DIR": str(data_dir), "WTF_CSRF_ENABLED": False, "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://", **extra}


_schema_ready: set[str] = set()


def _prepare(app: Flask, url: str) -> None:
    with app.app_context():
        if url not in _schema_ready:
            from flask_migrate import upgrade
            upgrade()
            _schema_ready.add(url)
        _empty_tables()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture
def make_app(_database: str, tmp_path: Path) -> Iterator[Any]:
    """Build an app with extra settings: `make_app(WTF_CSRF_ENABLED=True)`."""
    apps: list[Flask] = []

    def build(**extra: Any) -> Flask:
        app = create_app(test_config(_database, tmp_path / "data", **extra))
        _prepare(app, _database)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["helpdesk_drain"]()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Any) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def drain(app: Flask) -> Any:
    """Wait for in-process jobs (embedded mode) before asserting on what they do."""
    return app.extensions["helpdesk_drain"]


# --- factories ------------------------------------------------------------------------------------

def make_merchant(slug: str | None = None, **kw: Any) -> Any:
    from helpdesk.merchants import create_merchant
    merchant = create_merchant(slug or f"shop-{secrets.token_hex(3)}", kw.pop("name", "Test Shop"), **kw)
    db.session.commit()
    return merchant


def make_service(slug: str | None = None) -> Any:
    from helpdesk.merchants import create_mediation_service
    service = create_mediation_service(slug or f"med-{secrets.token_hex(3)}", "Test Mediation")
    db.session.commit()
    return service


def make_user(merchant: Any = None, role: str = "supervisor", email: str | None = None, service: Any = None) -> Any:
    from helpdesk.auth.accounts import create_user
    from helpdesk.models import Role
    user = create_user(email or f"{role}-{secrets.token_hex(3)}@example.com", PASSWORD, Role(role),
                       merchant=merchant, mediation_service=service)
    db.session.commit()
    return user


def make_token(user: Any) -> str:
    from helpdesk.auth.accounts import create_token
    _, token = create_token(user)
    db.session.commit()
    return token


def make_ticket(merchant: Any, message: str = "Mon colis n'est jamais arrivé.", **kw: Any) -> Any:
    from helpdesk.intake.complaint import Complaint
    from helpdesk.models import Channel
    from helpdesk.tickets.services import open_or_thread
    channel = Channel(kw.pop("channel", "api"))
    complaint = Complaint(email=kw.pop("email", f"shopper-{secrets.token_hex(3)}@example.com"), message=message,
                          **kw)
    ticket = open_or_thread(merchant, complaint, channel).ticket
    db.session.commit()
    return ticket


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: Any, user: Any) -> None:
    """Sign the test client in as `user` on the staff pages (whoever was signed in before is signed out)."""
    client.post("/logout")
    r = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]


def run_together(app: Any, how_many: int, work: Any) -> None:
    """`work()` started `how_many` times at once, each in its own app context (own session and connection), as
    several workers would; any error in one of them fails the test."""
    import threading

    if how_many == 1:
        work()
        return
    barrier, errors = threading.Barrier(how_many), []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait()
                work()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(how_many)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
