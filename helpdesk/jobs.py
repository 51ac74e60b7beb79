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
from sqlalchemy.orm import Session


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


def enqueue(session: Session, name: str, *args: Any, job_id: str | None = None) -> None:
    """Send `name(*args)` to run once `session` commits (dropped if it rolls back)."""
    if name not in REGISTRY:
        raise KeyError(f"unknown job {name!r}")
    session.info.setdefault("pending_jobs", []).append(JobCall(name, args, job_id))


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


@event.listens_for(Session, "after_commit")
def _dispatch(session: Session) -> None:
    calls = session.info.pop("pending_jobs", None)
    if calls and _backend is not None:
        for call in calls:
            _backend.submit(call)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop("pending_jobs", None)
