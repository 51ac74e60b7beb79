"""Builds are deterministic, serialisable, cached safely and scored the same as scikit-learn."""

from __future__ import annotations

import random

import numpy as np
import pytest
import scipy.sparse as sp

from helpdesk.triage import Model, base, train
from helpdesk.triage.classifier import fit_parts, prepare
from helpdesk.triage.compiled import CompiledModel

PROBES = [
    ("", "Le colis n'est jamais arrivé"),
    ("Retour", "I want to send it back, wrong size"),
    ("", "لم يصل الطلب"),
    ("", "jani mkhsser"),
    ("Facture", "Pouvez-vous m'envoyer la facture ?"),
]


def test_two_builds_give_identical_predictions_whatever_the_row_order(small_rows: list[dict]) -> None:
    shuffled = list(small_rows)
    random.Random(3).shuffle(shuffled)
    first, second = train(small_rows), train(shuffled)
    assert first.version == second.version
    assert first.predict_many(PROBES) == second.predict_many(PROBES)


def test_to_bytes_round_trip(model: Model) -> None:
    copy = Model.from_bytes(model.to_bytes())
    assert copy.version == model.version
    assert copy.predict_many(PROBES) == model.predict_many(PROBES)


def test_from_bytes_rejects_other_objects() -> None:
    import pickle

    with pytest.raises(TypeError):
        Model.from_bytes(pickle.dumps({"not": "a model"}))


def test_training_needs_every_category(small_rows: list[dict]) -> None:
    with pytest.raises(ValueError, match="every category"):
        train([r for r in small_rows if r["label"] != "return"])


def test_compiled_scoring_matches_scikit_learn(small_rows: list[dict]) -> None:
    vectorizers, clf, _ = fit_parts(small_rows)
    texts = [prepare(s, b) for s, b in PROBES]
    expected = clf.predict_proba(sp.hstack([v.transform(texts) for v in vectorizers], format="csr"))
    compiled = CompiledModel(vectorizers, clf)
    got = np.array([compiled.proba(t) for t in texts])
    assert compiled.classes == [str(c) for c in clf.classes_]
    assert np.allclose(got, expected, atol=1e-5)


def test_cache_is_a_shortcut_only(tmp_path, monkeypatch, small_rows: list[dict]) -> None:
    monkeypatch.setattr(base.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(base, "load_corpus", lambda: small_rows)
    built = base.build_base_model()
    files = list(tmp_path.rglob("*.pickle"))
    assert len(files) == 1
    assert base.build_base_model().predict_many(PROBES) == built.predict_many(PROBES)
    files[0].write_bytes(b"garbage")
    rebuilt = base.build_base_model()
    assert rebuilt.predict_many(PROBES) == built.predict_many(PROBES)
