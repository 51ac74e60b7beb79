"""The history of a case; each step is also put on the ticket's timeline by the service that makes it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import MediationCase, MediationEvent, utcnow


def record_case_event(case: MediationCase, kind: str, actor: str, data: dict[str, Any] | None = None,
                      *, at: datetime | None = None) -> MediationEvent:
    """Append a step to the case's history (the caller holds the case row and commits)."""
    last = db.session.scalar(select(MediationEvent.seq).where(MediationEvent.case_id == case.id)
                             .order_by(MediationEvent.seq.desc()).limit(1))
    event = MediationEvent(case_id=case.id, merchant_id=case.merchant_id, seq=(last or 0) + 1, kind=kind,
                           actor=actor, data=data or {}, created_at=at or utcnow())
    db.session.add(event)
    db.session.flush()
    return event


def case_events(case: MediationCase) -> list[MediationEvent]:
    return list(db.session.scalars(select(MediationEvent).where(MediationEvent.case_id == case.id)
                                   .order_by(MediationEvent.seq)))
