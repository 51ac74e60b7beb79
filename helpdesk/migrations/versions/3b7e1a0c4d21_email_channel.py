"""email channel: mailboxes, checkpoints, outbound mail

Revision ID: 3b7e1a0c4d21
Revises: 02da7e344e5c
Create Date: 2026-11-30 04:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7e1a0c4d21'
down_revision = '02da7e344e5c'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
