"""workspace: indexes for the million-ticket queues

The open tickets get their own covering index (partial: a backlog, not years
of closed tickets), which serves the queue lists in their order and counts
every queue in one index-only pass; the (merchant, created_at) index also
carries what the reports count, so a year of a busy merchant is one
index-only scan; ratings are read by merchant and day.

Revision ID: b8d0f2a4c6e8
Revises: a7c9e1f3b5d7
Create Date: 2026-11-30 07:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d0f2a4c6e8'
down_revision = 'a7c9e1f3b5d7'
branch_labels = None
depends_on = None

# Kept equal to helpdesk/models/ticket.py (OPEN_TICKETS, OPEN_TICKET_COLUMNS, REPORTED_COLUMNS).
OPEN = "status IN ('new', 'open', 'waiting_customer', 'escalated')"
COLUMNS = ['status', 'category', 'priority', 'channel', 'assignee_id', 'first_response_at', 'first_response_due_at',
           'resolved_at', 'resolution_due_at', 'sla_paused_since', 'first_response_breached', 'resolution_breached']

REPORTED = ['category', 'channel', 'first_response_at', 'resolved_at', 'first_response_breached',
            'resolution_breached']


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_merchant_created')
        batch_op.create_index('ix_ticket_merchant_created', ['merchant_id', 'created_at', 'id'], unique=False,
                              postgresql_include=REPORTED)
        batch_op.create_index('ix_ticket_open', ['merchant_id', 'created_at', 'id'], unique=False,
                              postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
                              postgresql_include=COLUMNS)
    with op.batch_alter_table('ticket_rating', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_rating_merchant_created', ['merchant_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket_rating', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_rating_merchant_created')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_open')
        batch_op.drop_index('ix_ticket_merchant_created')
        batch_op.create_index('ix_ticket_merchant_created', ['merchant_id', 'created_at', 'id'], unique=False)
