"""resolution offers, bulk actions, ticket presence

Revision ID: d5f7b9c1e3a4
Revises: c4e6a8b0d2f3
Create Date: 2026-11-30 05:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5f7b9c1e3a4'
down_revision = 'c4e6a8b0d2f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'resolution_offer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('refund', 'partial_refund', 'replacement', 'repair', 'voucher', name='offerkind',
                                  native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column('status', sa.Enum('offered', 'accepted', 'declined', 'withdrawn', name='offerstatus',
                                    native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column('amount', sa.Numeric(precision=15, scale=3), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('offered_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_resolution_offer_merchant_id_merchant')),
        sa.ForeignKeyConstraint(['offered_by_id'], ['user_account.id'],
                                name=op.f('fk_resolution_offer_offered_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_resolution_offer_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_offer')),
    )
    with op.batch_alter_table('resolution_offer', schema=None) as batch_op:
        batch_op.create_index('ix_resolution_offer_ticket', ['ticket_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resolution_offer_merchant_id'), ['merchant_id'], unique=False)

    op.create_table(
        'bulk_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('value', sa.String(length=254), nullable=False),
        sa.Column('ticket_ids', sa.JSON(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('status', sa.Enum('queued', 'running', 'finished', name='bulkstatus', native_enum=False,
                                    create_constraint=False, length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_bulk_action_merchant_id_merchant')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_bulk_action_user_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_action')),
    )
    with op.batch_alter_table('bulk_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_action_merchant_id'), ['merchant_id'], unique=False)

    op.create_table(
        'ticket_presence',
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_ticket_presence_merchant_id_merchant')),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_presence_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ticket_presence_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('ticket_id', 'user_id', name=op.f('pk_ticket_presence')),
    )
    with op.batch_alter_table('ticket_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_presence_merchant_id'), ['merchant_id'], unique=False)


def downgrade():
    op.drop_table('ticket_presence')
    op.drop_table('bulk_action')
    op.drop_table('resolution_offer')
