"""widget and portal: evidence, ratings, withdrawals

Revision ID: 7d4a6b2c8e15
Revises: 5c2d9f1e7a30
Create Date: 2026-11-30 04:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d4a6b2c8e15'
down_revision = '5c2d9f1e7a30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ticket_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_ticket_rating_score_range')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_ticket_rating_merchant_id_merchant')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_rating_ticket_id_ticket'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_rating')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_ticket_rating_ticket_id'))
    )
    with op.batch_alter_table('ticket_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_rating_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('withdrawal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('order_number', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['inbound_delivery.id'],
                            name=op.f('fk_withdrawal_delivery_id_inbound_delivery')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_withdrawal_merchant_id_merchant')),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_withdrawal_order_id_shop_order')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_withdrawal_ticket_id_ticket'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal')),
    sa.UniqueConstraint('delivery_id', name=op.f('uq_withdrawal_delivery_id'))
    )
    with op.batch_alter_table('withdrawal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawal_ticket_id'), ['ticket_id'], unique=False)


def downgrade():
    with op.batch_alter_table('withdrawal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_withdrawal_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_withdrawal_merchant_id'))
    op.drop_table('withdrawal')
    with op.batch_alter_table('ticket_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_rating_merchant_id'))
    op.drop_table('ticket_rating')
