"""The training corpus is the project's own: it shares no 6-word run with the evaluation sets.

``../shared/corpus`` measures how well our own data generalises; a training
row that repeats a phrase of it would inflate the figures and copy text we
may not redistribute.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from helpdesk.triage.classifier import corpus_files

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
N = 6
_TOKEN = re.compile(r"[^\W_]+")


def shingles(text: str) -> set[tuple[str, ...]]:
    """Runs of N words after lowercasing and dropping whitespace and punctuation."""
    words = _TOKEN.findall(text.lower())
    return {tuple(words[i : i + N]) for i in range(len(words) - N + 1)}


def _texts(path: Path) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [f"{r.get('subject', '')}\n{r.get('body', '')}" for r in rows]


def _evaluation_shingles() -> dict[tuple[str, ...], str]:
    if not SHARED.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{SHARED} is missing on CI: provenance cannot be checked")
        pytest.skip(f"{SHARED} not present")
    seen: dict[tuple[str, ...], str] = {}
    for path in sorted(SHARED.glob("*.jsonl")):
        for i, text in enumerate(_texts(path)):
            for s in shingles(text):
                seen.setdefault(s, f"{path.name}:{i + 1}")
    return seen


def test_no_training_row_shares_six_words_with_evaluation_sets() -> None:
    evaluation = _evaluation_shingles()
    clashes = []
    for f in corpus_files():
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            row = json.loads(line)
            for s in shingles(f"{row.get('subject', '')}\n{row['body']}"):
                if s in evaluation:
                    clashes.append(f"{f.name}:{i + 1} {' '.join(s)!r} ~ {evaluation[s]}")
    assert not clashes, f"{len(clashes)} shared 6-word runs:\n" + "\n".join(clashes[:40])


def test_shingles_ignore_case_and_punctuation() -> None:
    assert shingles("Mon colis, n'est PAS   arrivé !") == shingles("mon colis n est pas arrivé")
