"""The classifier a process uses: the newest trained model for the merchant, else the base model.

Loaded once per process and reloaded when a newer version is stored (SPEC 7).
The version check is one indexed query, made at most every few seconds.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import TriageModel
from .base import base_model
from .classifier import Model

_lock = threading.Lock()


@dataclass(frozen=True)
class _Cached:
    version: str | None  # None: no model was stored for the key when it was checked
    model: Model | None
    checked_at: float


_cache: dict[Any, _Cached] = {}
CHECK_EVERY = 5.0


def _newest(merchant_id: int | None) -> tuple[int, str] | None:
    row = db.session.execute(select(TriageModel.id, TriageModel.version)
                             .where(TriageModel.merchant_id.is_(None) if merchant_id is None
                                    else TriageModel.merchant_id == merchant_id)
                             .order_by(TriageModel.id.desc()).limit(1)).first()
    return (row.id, row.version) if row else None


def _load(key: Any, merchant_id: int | None) -> Model | None:
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and now - cached.checked_at < CHECK_EVERY:
        return cached.model
    newest = _newest(merchant_id)
    if newest is None:
        model = None
    elif cached is not None and cached.version == newest[1]:
        model = cached.model
    else:
        model = Model.from_bytes(db.session.get(TriageModel, newest[0]).blob)  # type: ignore[union-attr]
    with _lock:
        _cache[key] = _Cached(newest[1] if newest else None, model, now)
    return model


def model_for(merchant_id: int | None) -> Model:
    """Merchant's own model, else the platform's retrained one, else the base model from the package."""
    if merchant_id is not None:
        own = _load(("merchant", merchant_id), merchant_id)
        if own is not None:
            return own
    return _load("platform", None) or base_model()


def forget() -> None:
    """Drop cached models (tests, and after `train` in this process)."""
    with _lock:
        _cache.clear()
