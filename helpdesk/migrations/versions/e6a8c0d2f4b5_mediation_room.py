"""mediation room: messages, proposals, responses, collective cases

Revision ID: e6a8c0d2f4b5
Revises: d5f7b9c1e3a4
Create Date: 2026-11-30 07:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6a8c0d2f4b5'
down_revision = 'd5f7b9c1e3a4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('collective_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mediation_service_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mediation_service_id'], ['mediation_service.id'], name=op.f('fk_collective_case_mediation_service_id_mediation_service')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_collective_case_merchant_id_merchant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collective_case'))
    )
    with op.batch_alter_table('collective_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collective_case_mediation_service_id'), ['mediation_service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collective_case_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('mediation_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('joint', 'caucus:merchant', 'caucus:shopper', name='roomchannel', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('author_role', sa.Enum('mediator', 'merchant', 'shopper', name='party', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_message_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_mediation_message_merchant_id_merchant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_message'))
    )
    with op.batch_alter_table('mediation_message', schema=None) as batch_op:
        batch_op.create_index('ix_mediation_message_case', ['case_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_message_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('mediation_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('collective_id', sa.Integer(), nullable=True),
    sa.Column('made_by', sa.Enum('mediator', 'merchant', 'shopper', name='party', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('amount_value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('amount_currency', sa.String(length=3), nullable=True),
    sa.Column('respond_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_proposal_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['collective_id'], ['collective_case.id'], name=op.f('fk_mediation_proposal_collective_id_collective_case')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_mediation_proposal_merchant_id_merchant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_proposal'))
    )
    with op.batch_alter_table('mediation_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_proposal_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_proposal_collective_id'), ['collective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_proposal_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_proposal_respond_by'), ['respond_by'], unique=False)

    op.create_table('mediation_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_mediation_attachment_merchant_id_merchant')),
    sa.ForeignKeyConstraint(['message_id'], ['mediation_message.id'], name=op.f('fk_mediation_attachment_message_id_mediation_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_attachment'))
    )
    with op.batch_alter_table('mediation_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_attachment_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_attachment_message_id'), ['message_id'], unique=False)

    op.create_table('proposal_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.Enum('mediator', 'merchant', 'shopper', name='party', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('answer', sa.Enum('pending', 'accepted', 'refused', 'lapsed', name='answer', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_proposal_response_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['mediation_proposal.id'], name=op.f('fk_proposal_response_proposal_id_mediation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_response')),
    sa.UniqueConstraint('proposal_id', 'case_id', 'party', name=op.f('uq_proposal_response_proposal_id_case_id_party'))
    )
    with op.batch_alter_table('proposal_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_response_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_proposal_response_pending', ['answer', 'proposal_id'], unique=False)

    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shopper_consent_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('extended_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('warned', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.create_index(batch_op.f('ix_mediation_case_collective_id'), ['collective_id'], unique=False)
        batch_op.create_index('ix_mediation_case_status_ends', ['status', 'ends_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_mediation_case_collective_id_collective_case'), 'collective_case', ['collective_id'], ['id'])



def downgrade():
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mediation_case_collective_id_collective_case'), type_='foreignkey')
        batch_op.drop_index('ix_mediation_case_status_ends')
        batch_op.drop_index(batch_op.f('ix_mediation_case_collective_id'))
        batch_op.drop_column('warned')
        batch_op.drop_column('extended_reason')
        batch_op.drop_column('shopper_consent_due_at')

    with op.batch_alter_table('proposal_response', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_response_pending')
        batch_op.drop_index(batch_op.f('ix_proposal_response_case_id'))

    op.drop_table('proposal_response')
    with op.batch_alter_table('mediation_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_attachment_message_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_attachment_merchant_id'))

    op.drop_table('mediation_attachment')
    with op.batch_alter_table('mediation_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_proposal_respond_by'))
        batch_op.drop_index(batch_op.f('ix_mediation_proposal_merchant_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_proposal_collective_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_proposal_case_id'))

    op.drop_table('mediation_proposal')
    with op.batch_alter_table('mediation_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_message_merchant_id'))
        batch_op.drop_index('ix_mediation_message_case')

    op.drop_table('mediation_message')
    with op.batch_alter_table('collective_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collective_case_merchant_id'))
        batch_op.drop_index(batch_op.f('ix_collective_case_mediation_service_id'))

    op.drop_table('collective_case')
