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
    op.create_table('escalation_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('notify', 'raise_priority', 'open_dossier', name='escalationaction', native_enum=False, length=32), nullable=False),
    sa.Column('after_business_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('after_business_days >= 0', name=op.f('ck_escalation_rule_days_not_negative')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_escalation_rule_merchant_id_merchant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_rule'))
    )
    with op.batch_alter_table('escalation_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_rule_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('sla_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('late_delivery', 'return', 'non_conformity', 'other', name='category', native_enum=False, length=32), nullable=False),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', 'urgent', name='priority', native_enum=False, length=32), nullable=False),
    sa.Column('first_response_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.Column('warning_percent', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_response_minutes > 0 AND resolution_minutes > 0', name=op.f('ck_sla_policy_positive_targets')),
    sa.CheckConstraint('warning_percent BETWEEN 1 AND 99', name=op.f('ck_sla_policy_warning_percent_range')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_sla_policy_merchant_id_merchant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_policy')),
    sa.UniqueConstraint('merchant_id', 'category', 'priority', name=op.f('uq_sla_policy_merchant_id_category_priority'))
    )
    with op.batch_alter_table('sla_policy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_policy_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('escalation_timer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_escalation_timer_merchant_id_merchant')),
    sa.ForeignKeyConstraint(['rule_id'], ['escalation_rule.id'], name=op.f('fk_escalation_timer_rule_id_escalation_rule'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_escalation_timer_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_timer')),
    sa.UniqueConstraint('ticket_id', 'rule_id', name=op.f('uq_escalation_timer_ticket_id_rule_id'))
    )
    with op.batch_alter_table('escalation_timer', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_timer_due', ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_timer_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_timer_rule_id'), ['rule_id'], unique=False)

    op.create_table('mediation_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('mediation_service_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'inadmissible', 'awaiting_consent', 'refused', 'open', 'agreement', 'failure', 'withdrawn', 'expired', name='casestatus', native_enum=False, length=32), nullable=False),
    sa.Column('opened_by', sa.Enum('merchant', 'shopper', 'rule', name='openedby', native_enum=False, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('claim', sa.Text(), nullable=True),
    sa.Column('amount_value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('amount_currency', sa.String(length=3), nullable=True),
    sa.Column('first_complaint_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dossier', sa.JSON(), nullable=False),
    sa.Column('dossier_complete_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('admissibility_decision', sa.Enum('pending', 'admissible', 'inadmissible', name='admissibility', native_enum=False, length=32), nullable=False),
    sa.Column('admissibility_reason', sa.Text(), nullable=True),
    sa.Column('admissibility_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('admissibility_decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('admissibility_checks', sa.JSON(), nullable=False),
    sa.Column('consent_merchant', sa.Enum('pending', 'accepted', 'declined', name='consent', native_enum=False, length=32), nullable=False),
    sa.Column('consent_shopper', sa.Enum('pending', 'accepted', 'declined', name='consent', native_enum=False, length=32), nullable=False),
    sa.Column('merchant_consent_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_kind', sa.String(length=16), nullable=True),
    sa.Column('outcome_summary', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('collective_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mediation_service_id'], ['mediation_service.id'], name=op.f('fk_mediation_case_mediation_service_id_mediation_service')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_mediation_case_merchant_id_merchant')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_mediation_case_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_case'))
    )
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_admissibility_due_at'), ['admissibility_due_at'], unique=False)
        batch_op.create_index('ix_mediation_case_merchant', ['merchant_id', 'id'], unique=False)
        batch_op.create_index('ix_mediation_case_service_status', ['mediation_service_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('mediation_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_event_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_mediation_event_merchant_id_merchant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_event')),
    sa.UniqueConstraint('case_id', 'seq', name=op.f('uq_mediation_event_case_id_seq'))
    )
    with op.batch_alter_table('mediation_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_event_merchant_id'), ['merchant_id'], unique=False)

    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_response_warn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolution_warn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_response_warned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('resolution_warned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('sla_next_check_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_ticket_sla_next_check', ['sla_next_check_at'], unique=False)

    # Tickets that already exist get their next SLA check from their due times; the next sweep sorts them out.
    op.execute("UPDATE ticket SET sla_next_check_at = CASE "
               "WHEN first_response_at IS NULL AND first_response_due_at IS NOT NULL "
               "AND (resolution_due_at IS NULL OR first_response_due_at < resolution_due_at) THEN first_response_due_at "
               "ELSE resolution_due_at END "
               "WHERE sla_paused_since IS NULL AND resolved_at IS NULL")


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_sla_next_check')
        batch_op.drop_column('sla_next_check_at')
        batch_op.drop_column('resolution_warned')
        batch_op.drop_column('first_response_warned')
        batch_op.drop_column('resolution_warn_at')
        batch_op.drop_column('first_response_warn_at')
    op.drop_table('mediation_event')
    op.drop_table('mediation_case')
    op.drop_table('escalation_timer')
    op.drop_table('sla_policy')
    op.drop_table('escalation_rule')
