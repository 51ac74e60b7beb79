"""widget and portal: evidence, ratings, withdrawals

Revision ID: 7d4a6b2c8e15
Revises: 5c2d9f1e7a30
Create Date: 2026-11-30 04:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d4a6b2c8e15'
down_revision = '5c2d9f1e7a30'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
