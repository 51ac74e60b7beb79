"""Queue tables: PostgreSQL vacuums and analyses them sooner (storage parameters)

Each delivery to the journal and each mail sent leaves a dead row version
behind (pending, then done). With PostgreSQL's defaults a table is vacuumed
once a fifth of it is dead: at ten million journaled deliveries, two million
dead entries in the pending index before anything clears them, and every
claim of the drain reads through them. A burst of new tickets likewise
leaves the ticket table's statistics behind the data, which once made the
planner pick the wrong index for the shopper's open ticket. SQLite has no
such setting.

Revision ID: e2a4c6e8f0b1
Revises: d1f3a5c7e9b2
Create Date: 2026-11-30 19:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2a4c6e8f0b1'
down_revision = 'd1f3a5c7e9b2'
branch_labels = None
depends_on = None

SETTINGS = {
    'inbound_delivery': {'autovacuum_vacuum_scale_factor': '0.01', 'autovacuum_vacuum_threshold': '1000',
                         'autovacuum_analyze_scale_factor': '0.02'},
    'outbound_mail': {'autovacuum_vacuum_scale_factor': '0.02', 'autovacuum_analyze_scale_factor': '0.02'},
    'ticket': {'autovacuum_analyze_scale_factor': '0.02'},
}


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, settings in SETTINGS.items():
        op.execute(f"ALTER TABLE {table} SET ({', '.join(f'{k} = {v}' for k, v in settings.items())})")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, settings in SETTINGS.items():
        op.execute(f"ALTER TABLE {table} RESET ({', '.join(settings)})")
