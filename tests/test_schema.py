"""Alembic and the models agree, from an empty database, with a single head."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from helpdesk.extensions import db
from helpdesk.models.search import include_object


def test_single_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgraded_database_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrate_extension_is_bound(app):
    assert isinstance(app.extensions["migrate"].migrate, Migrate)


@pytest.mark.pg_only
def test_queue_tables_are_vacuumed_sooner_than_postgresqls_default(app):
    """The journal leaves a dead row per delivery: at the default fifth of the table, a big journal would pile up
    millions of dead entries in the pending index before autovacuum cleared them."""
    from sqlalchemy import text

    from tests.conftest import PG_URL, need_service
    need_service(bool(PG_URL), "PostgreSQL")
    options = dict(db.session.execute(text(
        "SELECT relname, reloptions FROM pg_class WHERE relname IN ('inbound_delivery', 'outbound_mail', 'ticket')"
        " AND relkind = 'r'")).all())
    assert "autovacuum_vacuum_scale_factor=0.01" in options["inbound_delivery"]
    assert "autovacuum_vacuum_scale_factor=0.02" in options["outbound_mail"]
    assert "autovacuum_analyze_scale_factor=0.02" in options["ticket"]
