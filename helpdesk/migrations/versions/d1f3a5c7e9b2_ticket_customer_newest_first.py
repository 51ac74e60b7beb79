"""Tickets: the customer index carries the ticket id, newest first per shopper

A new complaint looks for the shopper's open ticket about the same order
(newest first). With the customer index on `customer_id` alone, a planner
whose statistics lag a burst of new tickets took the open-tickets index
instead and filtered every open ticket of the merchant (2 ms at 6,000, and
growing); on `(customer_id, id)` the shopper's tickets come in the order
asked, which no other index offers. It still serves the foreign key.

Revision ID: d1f3a5c7e9b2
Revises: c9e1f3a5b7d9
Create Date: 2026-11-30 16:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd1f3a5c7e9b2'
down_revision = 'c9e1f3a5b7d9'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_ticket_customer_id', table_name='ticket')
    op.create_index('ix_ticket_customer', 'ticket', ['customer_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_ticket_customer', table_name='ticket')
    op.create_index('ix_ticket_customer_id', 'ticket', ['customer_id'], unique=False)
