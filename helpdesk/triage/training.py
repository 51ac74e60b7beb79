"""`helpdesk train`: the project's corpus plus agents' corrections, platform-wide and per merchant."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import TriageCorrection, TriageModel
from . import registry
from .classifier import load_corpus, train

# A merchant's own model needs this many corrections; below it their corrections go to the shared model.
MERCHANT_MINIMUM = 10
# A correction weighs as much as this many corpus rows: it is the merchant's own truth.
CORRECTION_WEIGHT = 5


@dataclass(frozen=True)
class Trained:
    merchant_id: int | None
    version: str
    examples: int
    corrections: int


def _rows(corrections: list[TriageCorrection]) -> list[dict]:
    return [{"subject": c.subject or "", "body": c.text, "label": c.category, "lang": c.language or ""}
            for c in corrections for _ in range(CORRECTION_WEIGHT)]


def train_models() -> list[Trained]:
    """Train the shared model (corpus + all corrections) and one per merchant with enough corrections.

    Stored with a version in `triage_model`; every process picks the new
    version up on its next check. The caller commits.
    """
    corpus = load_corpus()
    everything = list(db.session.scalars(select(TriageCorrection).order_by(TriageCorrection.id)))
    results = [_store(None, corpus, everything)]
    counts = db.session.execute(select(TriageCorrection.merchant_id, func.count()).group_by(
        TriageCorrection.merchant_id)).all()
    for merchant_id, count in sorted(counts):
        if count >= MERCHANT_MINIMUM:
            own = [c for c in everything if c.merchant_id == merchant_id]
            results.append(_store(merchant_id, corpus, own))
    registry.forget()
    return results


def _store(merchant_id: int | None, corpus: list[dict], corrections: list[TriageCorrection]) -> Trained:
    rows = corpus + _rows(corrections)
    model = train(rows)
    db.session.add(TriageModel(merchant_id=merchant_id, version=model.version, examples=len(rows),
                               blob=model.to_bytes()))
    db.session.flush()
    return Trained(merchant_id, model.version, len(rows), len(corrections))
