"""Plain-numpy inference for a fitted triage model.

scikit-learn validates its inputs on every call, which costs milliseconds
for a single message; classifying a complaint should cost a fraction of
that. After training, the TF-IDF vocabularies and the calibrated linear SVMs
are copied into arrays, and one message is scored with a few dictionary
lookups and one small matrix product. The arithmetic is the same as
``TfidfVectorizer.transform`` (sublinear tf, idf, l2 norm per block) followed
by ``CalibratedClassifierCV.predict_proba`` (sigmoid per class, normalised,
averaged over folds); a test checks both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer


class _Block:
    """One fitted vectoriser reduced to its analyser, vocabulary and idf weights."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int):
        self.analyzer: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.offset = offset

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        for gram in self.analyzer(text):
            j = self.vocabulary.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[idx]
        norm = float(np.sqrt(values @ values))
        return idx + self.offset, values / norm if norm else values


class CompiledModel:
    """Arrays of a fitted model: vocabularies, fold weights and sigmoid calibrations."""

    def __init__(self, vectorizers: Sequence[TfidfVectorizer], clf: CalibratedClassifierCV):
        self.classes = [str(c) for c in clf.classes_]
        offsets = np.cumsum([0] + [len(v.vocabulary_) for v in vectorizers])
        self.blocks = [_Block(v, int(o)) for v, o in zip(vectorizers, offsets, strict=False)]
        folds = clf.calibrated_classifiers_
        for fold in folds:
            if [str(c) for c in fold.estimator.classes_] != self.classes or fold.method != "sigmoid":
                raise ValueError("every fold must see every category, with sigmoid calibration")
        # (features, folds * classes): rows picked by feature index are contiguous.
        self.weights = np.concatenate([f.estimator.coef_ for f in folds], axis=0).T.copy()
        self.intercept = np.concatenate([f.estimator.intercept_ for f in folds])
        self.a = np.array([c.a_ for f in folds for c in f.calibrators], dtype=np.float64)
        self.b = np.array([c.b_ for f in folds for c in f.calibrators], dtype=np.float64)
        self.n_folds = len(folds)

    def proba(self, text: str) -> np.ndarray:
        """Calibrated probability of each class (order: ``self.classes``)."""
        parts = [block.features(text) for block in self.blocks]
        idx = np.concatenate([p[0] for p in parts])
        values = np.concatenate([p[1] for p in parts])
        decision = values @ self.weights[idx] + self.intercept
        per_class = 1.0 / (1.0 + np.exp(self.a * decision + self.b))
        per_fold = per_class.reshape(self.n_folds, len(self.classes))
        totals = per_fold.sum(axis=1, keepdims=True)
        uniform = np.full_like(per_fold, 1.0 / len(self.classes))
        normalised = np.divide(per_fold, totals, out=uniform, where=totals != 0)
        return np.clip(normalised.mean(axis=0), 0.0, 1.0)
