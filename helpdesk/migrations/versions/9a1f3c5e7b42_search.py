"""full-text search: search_entry (PostgreSQL tsvector + trigram indexes; SQLite FTS5)

Revision ID: 9a1f3c5e7b42
Revises: 7d4a6b2c8e15
Create Date: 2026-11-30 05:20:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '9a1f3c5e7b42'
down_revision = '7d4a6b2c8e15'
branch_labels = None
depends_on = None

# Kept equal to helpdesk/search/service.py: the words of every language the product serves, plus the raw ones.
PG_DOCUMENT = ("to_tsvector('simple', unaccent({c})) || to_tsvector('french', {c}) || to_tsvector('english', {c}) "
               "|| to_tsvector('arabic', {c})")
TICKET_FACTS = ("coalesce(t.ref, '') || ' ' || coalesce(t.subject, '') || ' ' || coalesce(t.order_number, '') "
                "|| ' ' || coalesce(c.email, '') || ' ' || coalesce(c.name, '')")


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'search_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('merchant_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('document', postgresql.TSVECTOR() if postgres else sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['merchant_id'], ['merchant.id'], name=op.f('fk_search_entry_merchant_id_merchant')),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_search_entry_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry')),
        sa.UniqueConstraint('key', name=op.f('uq_search_entry_key')),
    )
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entry_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entry_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index('ix_search_entry_document', ['document'], unique=False, postgresql_using='gin')

    if postgres:
        # Order numbers and emails are matched on fragments ("1043", "nadia@"): trigram indexes serve ILIKE.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")  # "recu" finds "reçu"
        op.execute("CREATE INDEX ix_ticket_order_number_trgm ON ticket USING gin (lower(order_number) gin_trgm_ops)")
        op.execute("CREATE INDEX ix_customer_email_trgm ON customer USING gin (lower(email) gin_trgm_ops)")
        document = PG_DOCUMENT
    else:
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(content, content='search_entry', "
                   "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
                   "INSERT INTO search_fts(rowid, content) VALUES (new.id, new.content); END")
        op.execute("CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, content) VALUES ('delete', old.id, old.content); END")
        op.execute("CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, content) VALUES ('delete', old.id, old.content); "
                   "INSERT INTO search_fts(rowid, content) VALUES (new.id, new.content); END")
        document = "NULL"

    # What was there before search existed becomes searchable too.
    op.execute(
        "INSERT INTO search_entry (merchant_id, ticket_id, key, content, document) "
        f"SELECT t.merchant_id, t.id, 't:' || t.id, {TICKET_FACTS}, {document.format(c=TICKET_FACTS)} "
        "FROM ticket t LEFT JOIN customer c ON c.id = t.customer_id")
    text = "coalesce(m.new_text, m.body, '')"
    op.execute(
        "INSERT INTO search_entry (merchant_id, ticket_id, key, content, document) "
        f"SELECT m.merchant_id, m.ticket_id, 'm:' || m.id, {text}, {document.format(c=text)} FROM message m")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_customer_email_trgm")
        op.execute("DROP INDEX IF EXISTS ix_ticket_order_number_trgm")
    else:
        for trigger in ("search_entry_ai", "search_entry_ad", "search_entry_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_entry')
