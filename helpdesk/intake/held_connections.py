"""Autocommit connections kept open between webhook requests: the journal write and the secrets' lookup.

A webhook request talks to the database once or twice, and a pool checkout
costs more than the statement itself (a pre-ping round trip, a reset, and on
the session's path a BEGIN and a ROLLBACK). So the webhooks run their
statements in autocommit on connections they keep checked out: one round trip
per statement, whatever the outcome of the request.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from ..config import WEB_THREADS

# Idle connections kept per engine: the threads of a gunicorn worker (`helpdesk serve`). The pool has room for
# them beside a connection per thread (`config.pool_options`); more would take the pages' connections.
MAX_IDLE = WEB_THREADS

T = TypeVar("T")


class HeldConnections:
    """Autocommit connections of one engine kept checked out, idle ones on a stack.

    A stack shared by the process's threads rather than one per thread: a
    threaded server that starts a thread per request (the development server,
    tests) would otherwise leave a connection behind with every thread.
    There are never more than the requests using one at once, at most
    MAX_IDLE are kept, and they come from the engine's own pool, so nothing
    opens a second pool. The engine's `dispose()` closes the idle ones.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
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
    """The held connections of `engine` (the full app and the webhooks app share one engine)."""
    held = _held.get(engine)
    if held is None:
        with _held_lock:
            held = _held.get(engine)
            if held is None:
                held = _held[engine] = HeldConnections(engine)
                event.listen(engine, "engine_disposed", lambda _engine: held.dispose())  # type: ignore[union-attr]
    return held


def run_held(engine: Engine, work: Callable[[Connection], T]) -> T:
    """`work(connection)` on a held autocommit connection, given back afterwards.

    A held connection found broken (the server restarted) is dropped and
    `work` run once more on a fresh one, so `work` must be safe to repeat
    (an INSERT … ON CONFLICT DO NOTHING, a SELECT).
    """
    held = held_connections(engine)
    for last_try in (False, True):
        conn, generation = held.take()
        try:
            result = work(conn)
        except Exception as exc:
            broken = _is_disconnect(conn, exc)
            held.discard(conn, broken=broken)
            if broken and not last_try:
                continue
            raise
        held.give_back(conn, generation)
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def _is_disconnect(conn: Connection, exc: Exception) -> bool:
    """The error means the connection is unusable (SQLAlchemy's own test, as its pool uses).

    Statements run through SQLAlchemy raise its wrapper, already tested;
    those sent to the driver's cursor directly raise the driver's error.
    """
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated)
    dialect = conn.dialect
    if not isinstance(exc, dialect.loaded_dbapi.Error):
        return False
    return bool(dialect.is_disconnect(exc, conn.connection.dbapi_connection, None))
