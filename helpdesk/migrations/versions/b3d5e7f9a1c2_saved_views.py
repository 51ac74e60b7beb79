"""saved views of the staff ticket list

Revision ID: b3d5e7f9a1c2
Revises: 9a1f3c5e7b42
Create Date: 2026-11-30 05:35:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3d5e7f9a1c2'
down_revision = '9a1f3c5e7b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_view',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_saved_view_merchant_id_merchant')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_saved_view_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
        sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_view_user_id_name')),
    )
    with op.batch_alter_table('saved_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_view_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_view_user_id'))
    op.drop_table('saved_view')
