"""SLA policies, warnings, escalation rules, mediation cases

Revision ID: 5c2d9f1e7a30
Revises: 3b7e1a0c4d21
Create Date: 2026-11-30 04:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2d9f1e7a30'
down_revision = '3b7e1a0c4d21'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
