"""Journal a webhook delivery from the request thread: one autocommit INSERT, durable before the 202.

A webhook must not answer 202 before its delivery is committed, and on two
shared cores the journal write is most of what a request costs. So the write
is as short as it can be while staying durable (the server's own commit,
never `synchronous_commit=off`):

- one statement, `INSERT … ON CONFLICT (channel, key) DO NOTHING RETURNING id`,
  in autocommit, so the INSERT is its own transaction (no BEGIN, no COMMIT
  round trip); only a duplicate costs a second statement, the SELECT of the
  existing id;
- on a connection kept open between requests: a pool checkout costs a
  pre-ping round trip and a reset, more than the INSERT itself;
- through the driver, not SQLAlchemy's statement machinery (half the CPU).
  The values go through the model's own column types (their bind processors
  for this dialect: UTC times, JSON, the enum), as SQLAlchemy would send them
  (a test compares a row written here with one written through the ORM);
- no writer thread: PostgreSQL already merges the WAL flushes of commits that
  arrive together, and a single writer serialises them.

After a new row is committed the drain job is woken (`jobs.wake`), which
costs the request nothing measurable; the journal row, not the wake-up, is the
source of truth (`journal.requeue_pending` picks up what a lost wake-up missed).
"""
from __future__ import annotations

import threading
import weakref
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine

from .. import jobs
from ..config import WEB_THREADS
from ..extensions import db
from ..models import InboundDelivery
from .journal import DRAIN, Accepted, new_row

COLUMNS = ("merchant_id", "channel", "key", "topic", "payload", "meta", "status", "attempts", "received_at",
           "next_attempt_at")
PLACEHOLDER = {"postgresql": "%({})s", "sqlite": ":{}"}  # psycopg's and sqlite3's named parameter styles
# Idle connections kept per engine: the threads of a gunicorn worker (`helpdesk serve`). The pool has room for
# them beside a connection per thread (`config.pool_options`); more would take the pages' connections.
MAX_IDLE = WEB_THREADS


def _statements(dialect: str) -> tuple[str, str]:
    """The INSERT and the duplicate's SELECT, in the driver's parameter style."""
    mark = PLACEHOLDER[dialect].format
    insert = (f"INSERT INTO inbound_delivery ({', '.join(COLUMNS)}) VALUES ({', '.join(map(mark, COLUMNS))}) "
              "ON CONFLICT (channel, key) DO NOTHING RETURNING id")
    select = f"SELECT id FROM inbound_delivery WHERE channel = {mark('channel')} AND key = {mark('key')}"
    return insert, select


class HeldConnections:
    """Autocommit connections of one engine kept checked out for journal writes, idle ones on a stack.

    A stack shared by the process's threads rather than one per thread: a
    threaded server that starts a thread per request (the development server,
    tests) would otherwise leave a connection behind with every thread.
    There are never more than the requests journaling at once, at most
    MAX_IDLE are kept, and they come from the engine's own pool, so nothing
    opens a second pool. The engine's `dispose()` closes the idle ones.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.insert, self.select = _statements(self.dialect)
        table = InboundDelivery.__table__
        self.binds = [(name, table.c[name].type.dialect_impl(engine.dialect).bind_processor(engine.dialect))
                      for name in COLUMNS]
        self.idle: list[Connection] = []
        self.lock = threading.Lock()
        self.generation = 0  # bumped by dispose(): a connection taken before it is closed, not kept

    def take(self) -> tuple[Connection, int]:
        with self.lock:
            generation = self.generation
            if self.idle:
                return self.idle.pop(), generation
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT"), generation

    def give_back(self, conn: Connection, generation: int) -> None:
        with self.lock:
            current = generation == self.generation
            if current and len(self.idle) < MAX_IDLE:
                self.idle.append(conn)
                return
        if current:
            conn.close()  # one too many: back to the pool, which resets its isolation level
        else:
            self.discard(conn)

    def discard(self, conn: Connection, *, broken: bool = False) -> None:
        """Close a connection for good (`broken`: the server or the socket is gone; never back to the pool)."""
        if broken:
            conn.invalidate()
        else:
            conn.connection.detach()  # the engine's pool may be gone (dispose): close the socket, not check in
        conn.close()

    def dispose(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
            self.generation += 1
        for conn in idle:
            self.discard(conn)


_held: weakref.WeakKeyDictionary[Engine, HeldConnections] = weakref.WeakKeyDictionary()
_held_lock = threading.Lock()


def held_connections(engine: Engine) -> HeldConnections:
    """The journal connections of `engine` (the full app and the webhooks app share one engine)."""
    held = _held.get(engine)
    if held is None:
        with _held_lock:
            held = _held.get(engine)
            if held is None:
                held = _held[engine] = HeldConnections(engine)
                event.listen(engine, "engine_disposed", lambda _engine: held.dispose())  # type: ignore[union-attr]
    return held


def journal_delivery(merchant_id: int, channel: str, key: str, payload: bytes, *, topic: str | None = None,
                     meta: dict[str, Any] | None = None) -> Accepted:
    """Journal a delivery durably (committed when this returns) under its idempotency key `(channel, key)`.

    The same key again answers `duplicate` with the first row's id; concurrent
    posts of one key race on the unique index, never on a read. A new row
    wakes the drain job. Commits by itself: the caller has no transaction.
    A held connection found broken (the server restarted) is dropped and the
    write tried once more on a fresh one; when the first try did commit
    before the connection broke, the second answers `duplicate`, still durable.
    """
    held = held_connections(db.engine)
    values = new_row(merchant_id, channel, key, payload, topic=topic, meta=meta)
    row = {name: values[name] if bind is None else bind(values[name]) for name, bind in held.binds}
    for last_try in (False, True):
        conn, generation = held.take()
        try:
            accepted = _write(conn, held, row)
        except Exception as exc:
            broken = _is_disconnect(conn, exc)
            held.discard(conn, broken=broken)
            if broken and not last_try:
                continue
            raise
        held.give_back(conn, generation)
        if not accepted.duplicate:
            jobs.wake(DRAIN)
        return accepted
    raise AssertionError("unreachable")  # pragma: no cover


def _write(conn: Connection, held: HeldConnections, row: dict[str, Any]) -> Accepted:
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(held.insert, row)
        new = cursor.fetchone()
        if new is not None:
            return Accepted(int(new[0]), duplicate=False)
        cursor.execute(held.select, row)
        return Accepted(int(cursor.fetchone()[0]), duplicate=True)
    finally:
        cursor.close()


def _is_disconnect(conn: Connection, exc: Exception) -> bool:
    """The driver's error means the connection is unusable (SQLAlchemy's own test, as its pool uses)."""
    dialect = conn.dialect
    if not isinstance(exc, dialect.loaded_dbapi.Error):
        return False
    return bool(dialect.is_disconnect(exc, conn.connection.dbapi_connection, None))
