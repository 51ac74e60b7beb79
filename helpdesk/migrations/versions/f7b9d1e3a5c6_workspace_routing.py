"""workspace: mentions, round-robin assignment

Revision ID: f7b9d1e3a5c6
Revises: e6a8c0d2f4b5
Create Date: 2026-11-30 07:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f7b9d1e3a5c6'
down_revision = 'e6a8c0d2f4b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mention',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_mention_author_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_mention_merchant_id_merchant')),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_mention_message_id_message'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_mention_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_mention_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mention')),
        sa.UniqueConstraint('message_id', 'user_id', name=op.f('uq_mention_message_id_user_id')),
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index('ix_mention_user_read', ['user_id', 'read_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_ticket_id'), ['ticket_id'], unique=False)

    op.create_table(
        'routing_member',
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_routing_member_merchant_id_merchant')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_routing_member_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('merchant_id', 'category', 'user_id', name=op.f('pk_routing_member')),
    )
    with op.batch_alter_table('routing_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_member_user_id'), ['user_id'], unique=False)

    op.create_table(
        'routing_cursor',
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('last_user_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['last_user_id'], ['user_account.id'],
                                name=op.f('fk_routing_cursor_last_user_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_routing_cursor_merchant_id_merchant')),
        sa.PrimaryKeyConstraint('merchant_id', 'category', name=op.f('pk_routing_cursor')),
    )


def downgrade():
    op.drop_table('routing_cursor')
    op.drop_table('routing_member')
    op.drop_table('mention')
