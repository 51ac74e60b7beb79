"""The base model every install gets: built from the package corpus, once per process.

Building takes a few seconds, so the fitted model is also cached in a file
under the temp dir keyed by a digest of the corpus files and library
versions. The cache is only a shortcut: a missing, stale or unreadable file
means a rebuild, never a different answer.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from helpdesk.triage.classifier import Model, corpus_digest, load_corpus, train


def _cache_path(digest: str) -> Path:
    return Path(tempfile.gettempdir()) / "helpdesk-triage" / f"base-{digest}.pickle"


def _read_cache(path: Path, digest: str) -> Model | None:
    try:
        model = Model.from_bytes(path.read_bytes())
    except Exception:  # noqa: BLE001 - any unreadable cache just means rebuild
        return None
    return model if model.version == f"base-{digest}" else None


def _write_cache(path: Path, model: Model) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(model.to_bytes())
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only temp dir only costs a rebuild next time


def build_base_model(use_cache: bool = True) -> Model:
    """Train (or load from the file cache) the model of the package corpus."""
    digest = corpus_digest()
    path = _cache_path(digest)
    if use_cache and (cached := _read_cache(path, digest)) is not None:
        return cached
    model = train(load_corpus(), version=f"base-{digest}")
    if use_cache:
        _write_cache(path, model)
    return model


@functools.cache
def base_model() -> Model:
    """The process-wide base model (built on first use)."""
    return build_base_model()
