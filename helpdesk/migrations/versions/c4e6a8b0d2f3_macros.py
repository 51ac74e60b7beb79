"""macros (canned replies)

Revision ID: c4e6a8b0d2f3
Revises: b3d5e7f9a1c2
Create Date: 2026-11-30 05:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e6a8b0d2f3'
down_revision = 'b3d5e7f9a1c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'macro',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_macro_merchant_id_merchant')),
        sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_macro_owner_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_macro')),
    )
    with op.batch_alter_table('macro', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_macro_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_macro_owner_id'), ['owner_id'], unique=False)


def downgrade():
    op.drop_table('macro')
