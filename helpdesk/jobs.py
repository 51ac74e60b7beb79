"""Background work, as services see it: register a job by name, enqueue it, and it runs after the commit.

Services call `enqueue("process_delivery", delivery_id)` inside their
transaction. Nothing is sent until that transaction commits, so a worker never
looks for a row that is not there yet; a rollback drops the jobs. A job that
works through whatever is waiting (e.g. the journal's pending deliveries) is
*woken* instead: `wake(name)` is cheap enough for every request, and however
many requests wake it before it starts, one run is queued. Where the
job runs (RQ when REDIS_URL is set, a thread in this process otherwise) is the
business of the backend that `create_app` installs from `worker/`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., Any]
    queue: str = "default"
    retries: int = 3
    timeout: int = 300
    backoff: tuple[int, ...] = (2, 10, 60)
    # Sent by `wake`: at most one run waits in the queue; the backend clears the mark as a run starts,
    # so work arriving during a run wakes another one.
    wakeable: bool = False


@dataclass(frozen=True)
class JobCall:
    name: str
    args: tuple[Any, ...] = ()
    job_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


REGISTRY: dict[str, JobSpec] = {}


class Backend(Protocol):
    def submit(self, call: JobCall) -> None: ...

    def wake(self, name: str) -> None: ...


_backend: Backend | None = None


def job(name: str, *, queue: str = "default", retries: int = 3, timeout: int = 300,
        backoff: tuple[int, ...] = (2, 10, 60),
        wakeable: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a job function under a stable name (the name, not the import path, is what is queued)."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name] = JobSpec(name, func, queue, retries, timeout, backoff, wakeable)
        return func

    return register


def install_backend(backend: Backend | None) -> None:
    global _backend
    _backend = backend


def backend() -> Backend | None:
    return _backend


def enqueue(session: Session | scoped_session[Session], name: str, *args: Any, job_id: str | None = None) -> None:
    """Send `name(*args)` to run once `session` commits (dropped if it rolls back)."""
    if name not in REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    if isinstance(session, scoped_session):
        session = session()
    # The innermost savepoint owns the call: rolling that savepoint back drops it, releasing it does not send it.
    owner = session.get_nested_transaction()
    session.info.setdefault(_PENDING, []).append((owner, JobCall(name, args, job_id)))


def pending(session: Session | scoped_session[Session]) -> list[JobCall]:
    """The calls `session` will send when it commits."""
    return [call for _owner, call in session.info.get(_PENDING, ())]


def submit_now(name: str, *args: Any, job_id: str | None = None) -> None:
    """Send a job outside any transaction (schedules, replays)."""
    if _backend is None:
        raise RuntimeError("no job backend installed")
    _backend.submit(JobCall(name, args, job_id))


def wake(name: str) -> None:
    """Ask for a run of the wakeable job `name` (no arguments) soon; cheap enough for every request, never blocks.

    Called after the commit of the work it is to pick up. Many calls before
    the run starts make one run; a call after it started makes another.
    """
    if _backend is None:
        raise RuntimeError("no job backend installed")
    _backend.wake(name)


_PENDING = "pending_jobs"


@event.listens_for(Session, "after_commit")
def _dispatch(session: Session) -> None:
    # The event also follows each savepoint's release (begin_nested), while the transaction that holds the
    # rows is still open: a worker would look for rows not committed yet and find nothing.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    if pending and _backend is not None:
        for _owner, call in pending:
            _backend.submit(call)


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, rolled_back: SessionTransaction) -> None:
    # What actually rolled back: a flush's inner marker rolls back its savepoint, or else the whole transaction.
    boundary = rolled_back
    while boundary.parent is not None and not boundary.nested:
        boundary = boundary.parent
    if boundary.parent is None:
        session.info.pop(_PENDING, None)
        return
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [(owner, call) for owner, call in pending if not _within(owner, boundary)]


def _within(owner: SessionTransaction | None, savepoint: SessionTransaction) -> bool:
    while owner is not None:
        if owner is savepoint:
            return True
        owner = owner.parent
    return False
