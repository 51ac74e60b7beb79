"""Journal a webhook delivery from the request thread: one autocommit INSERT, durable before the 202.

A webhook must not answer 202 before its delivery is committed, and on two
shared cores the journal write is most of what a request costs. So the write
is as short as it can be while staying durable (the server's own commit,
never `synchronous_commit=off`):

- one statement, `INSERT … ON CONFLICT (channel, key) DO NOTHING RETURNING id`,
  in autocommit, so the INSERT is its own transaction (no BEGIN, no COMMIT
  round trip); only a duplicate costs a second statement, the SELECT of the
  existing id;
- on a connection kept open between requests (`held_connections`): a pool
  checkout costs a pre-ping round trip and a reset, more than the INSERT;
- through the driver, not SQLAlchemy's statement machinery (half the CPU).
  The values go through the model's own column types (their bind processors
  for this dialect: UTC times, JSON, the enum), as SQLAlchemy would send them
  (a test compares a row written here with one written through the ORM);
- no writer thread: PostgreSQL already merges the WAL flushes of commits that
  arrive together, and a single writer serialises them.

After each post (a new row, or a duplicate whose first wake-up may have been
lost) the drain job is woken (`jobs.wake`), which costs the request nothing
measurable; the journal row, not the wake-up, is the source of truth
(`journal.requeue_pending` picks up what a lost wake-up missed).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from .. import jobs
from ..extensions import db
from ..models import InboundDelivery
from .held_connections import run_held
from .journal import DRAIN, Accepted, new_row

COLUMNS = ("merchant_id", "channel", "key", "topic", "payload", "meta", "status", "attempts", "received_at",
           "next_attempt_at")
PLACEHOLDER = {"postgresql": "%({})s", "sqlite": ":{}"}  # psycopg's and sqlite3's named parameter styles


class JournalStatements:
    """The INSERT and the duplicate's SELECT in the driver's parameter style, and the columns' bind processors."""

    def __init__(self, conn: Connection) -> None:
        dialect = conn.dialect
        mark = PLACEHOLDER[dialect.name].format
        self.insert = (f"INSERT INTO inbound_delivery ({', '.join(COLUMNS)}) "
                       f"VALUES ({', '.join(map(mark, COLUMNS))}) ON CONFLICT (channel, key) DO NOTHING RETURNING id")
        self.select = f"SELECT id FROM inbound_delivery WHERE channel = {mark('channel')} AND key = {mark('key')}"
        table = InboundDelivery.__table__
        self.binds = [(name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in COLUMNS]


def journal_delivery(merchant_id: int, channel: str, key: str, payload: bytes, *, topic: str | None = None,
                     meta: dict[str, Any] | None = None) -> Accepted:
    """Journal a delivery durably (committed when this returns) under its idempotency key `(channel, key)`.

    The same key again answers `duplicate` with the first row's id; concurrent
    posts of one key race on the unique index, never on a read. Every post
    wakes the drain job. Commits by itself: the caller has no transaction.
    When a held connection breaks after the first try did commit, the second
    try answers `duplicate`, still durable.
    """
    values = new_row(merchant_id, channel, key, payload, topic=topic, meta=meta)
    accepted = run_held(db.engine, lambda conn: _write(conn, values))
    # A duplicate wakes the drain too: its first wake-up may be what was lost (a broken connection after the
    # commit, Redis restarted), and the platform's retry says so. Many wake-ups still make one run.
    jobs.wake(DRAIN)
    return accepted


def _write(conn: Connection, values: dict[str, Any]) -> Accepted:
    statements: JournalStatements | None = conn.info.get("journal")  # per connection: they depend on its dialect
    if statements is None:
        statements = conn.info["journal"] = JournalStatements(conn)
    row = {name: values[name] if bind is None else bind(values[name]) for name, bind in statements.binds}
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(statements.insert, row)
        new = cursor.fetchone()
        if new is not None:
            return Accepted(int(new[0]), duplicate=False)
        cursor.execute(statements.select, row)
        return Accepted(int(cursor.fetchone()[0]), duplicate=True)
    finally:
        cursor.close()
