"""SLA: the breach flags leave the covering indexes

Queues and reports read a breach off the due, done and pause times (which
the indexes already carry), so the flags the SLA sweep writes are in no
index and recording a breach is an in-place (HOT) update of the ticket row,
not a new entry in each of its indexes. PostgreSQL only: SQLite has no
INCLUDE columns, its indexes do not change.

Revision ID: c9e1f3a5b7d9
Revises: b8d0f2a4c6e8
Create Date: 2026-11-30 11:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c9e1f3a5b7d9'
down_revision = 'b8d0f2a4c6e8'
branch_labels = None
depends_on = None

# Kept equal to helpdesk/models/ticket.py (OPEN_TICKETS, OPEN_TICKET_COLUMNS, REPORTED_COLUMNS).
OPEN = "status IN ('new', 'open', 'waiting_customer', 'escalated')"
TIMES = ['first_response_at', 'first_response_due_at', 'resolved_at', 'resolution_due_at', 'sla_paused_since']
COLUMNS = ['status', 'category', 'priority', 'channel', 'assignee_id', *TIMES]
REPORTED = ['category', 'channel', 'first_response_at', 'resolved_at', 'first_response_due_at', 'resolution_due_at',
            'sla_paused_since']
FLAGS = ['first_response_breached', 'resolution_breached']
OLD_REPORTED = ['category', 'channel', 'first_response_at', 'resolved_at', *FLAGS]


def _rebuild(reported, open_columns):
    if op.get_context().dialect.name != 'postgresql':
        return
    op.drop_index('ix_ticket_merchant_created', table_name='ticket')
    op.create_index('ix_ticket_merchant_created', 'ticket', ['merchant_id', 'created_at', 'id'], unique=False,
                    postgresql_include=reported)
    op.drop_index('ix_ticket_open', table_name='ticket')
    op.create_index('ix_ticket_open', 'ticket', ['merchant_id', 'created_at', 'id'], unique=False,
                    postgresql_where=sa.text(OPEN), postgresql_include=open_columns)


def upgrade():
    _rebuild(REPORTED, COLUMNS)


def downgrade():
    _rebuild(OLD_REPORTED, [*COLUMNS, *FLAGS])
