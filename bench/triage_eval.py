"""Measure the base triage model on a labelled JSON-lines file.

Usage: python bench/triage_eval.py FILE [--no-cache]

Prints accuracy, macro-F1, per-category precision/recall/F1, accuracy per
language (with counts), the confusion matrix, the build time and the speed
of single and batch classification; for files with a ``confidence`` field,
macro-F1 on the ``sure`` rows too, and per ``source`` when rows name one.
The file is for measuring only: never train on it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from helpdesk.triage import CATEGORIES, Model, build_base_model


def body_cleaner() -> Callable[[str], str]:
    """The intake's quoted-history stripper when it exists, else identity."""
    try:
        from helpdesk.intake.quoting import new_text
    except ImportError:
        print("(helpdesk.intake.quoting not found: bodies used as given)")
        return lambda body: body
    return new_text


def load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def report_scores(gold: list[str], pred: list[str], title: str) -> None:
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    macro = f1_score(gold, pred, labels=list(CATEGORIES), average="macro", zero_division=0)
    print(f"{title}: n={len(gold)} accuracy={acc:.3f} macro-F1={macro:.3f}")


def report_categories(gold: list[str], pred: list[str]) -> None:
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=list(CATEGORIES), zero_division=0)
    print(f"\n{'category':<16}{'prec':>7}{'recall':>8}{'F1':>7}{'n':>6}")
    for i, c in enumerate(CATEGORIES):
        print(f"{c:<16}{p[i]:>7.3f}{r[i]:>8.3f}{f[i]:>7.3f}{n[i]:>6}")


def report_languages(rows: list[dict], pred: list[str]) -> None:
    groups: dict[str, list[bool]] = defaultdict(list)
    for row, p in zip(rows, pred, strict=True):
        groups[row.get("lang", "?")].append(row["label"] == p)
    print("\naccuracy per language (bar applies to groups of 30+)")
    for lang, hits in sorted(groups.items()):
        flag = "" if len(hits) >= 30 else "  (small group)"
        print(f"  {lang:<8} n={len(hits):<4} accuracy={sum(hits) / len(hits):.3f}{flag}")


def report_confusion(gold: list[str], pred: list[str]) -> None:
    matrix = confusion_matrix(gold, pred, labels=list(CATEGORIES))
    short = [c[:8] for c in CATEGORIES]
    print("\nconfusion (rows = gold, columns = predicted)")
    print(" " * 16 + "".join(f"{s:>10}" for s in short))
    for c, line in zip(CATEGORIES, matrix, strict=True):
        print(f"{c:<16}" + "".join(f"{v:>10}" for v in line))


def report_review(gold: list[str], predictions: list, threshold: float) -> None:
    """How the review flag splits the predictions: the flagged share and accuracy on each side."""
    flagged = [p.confidence < threshold for p in predictions]
    hits = [g == p.category for g, p in zip(gold, predictions, strict=True)]
    kept = [h for h, f in zip(hits, flagged, strict=True) if not f]
    held = [h for h, f in zip(hits, flagged, strict=True) if f]
    share = len(held) / len(hits)
    print(f"\nreview below {threshold}: {share:.1%} flagged; accuracy "
          f"{sum(kept) / max(len(kept), 1):.3f} unflagged, {sum(held) / max(len(held), 1):.3f} flagged")


def review_threshold() -> float:
    try:
        from helpdesk.triage.service import REVIEW_BELOW
    except ImportError:
        return 0.55
    return REVIEW_BELOW


def report_speed(model: Model, pairs: list[tuple[str, str]]) -> None:
    model.predict(*pairs[0])  # warm up
    timings = []
    for subject, body in pairs:
        start = time.perf_counter()
        model.predict(subject, body)
        timings.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    model.predict_many(pairs)
    batch = time.perf_counter() - start
    print(f"\nspeed: single-call p50={statistics.median(timings):.3f} ms "
          f"p95={sorted(timings)[int(len(timings) * 0.95)]:.3f} ms; "
          f"batch {len(pairs) / batch:,.0f} messages/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--no-cache", action="store_true", help="always rebuild the base model")
    args = parser.parse_args(argv)
    rows = load(args.file)
    clean = body_cleaner()
    pairs = [(r.get("subject", "") or "", clean(r.get("body", "") or "")) for r in rows]
    start = time.perf_counter()
    model = build_base_model(use_cache=not args.no_cache)
    print(f"model {model.version}: ready in {time.perf_counter() - start:.2f} s "
          f"({'cache allowed' if not args.no_cache else 'fresh build'})")
    predictions = model.predict_many(pairs)
    pred = [p.category for p in predictions]
    gold = [r["label"] for r in rows]
    print(f"file {args.file}: {dict(sorted(Counter(gold).items()))}")
    report_scores(gold, pred, "all")
    if any("confidence" in r for r in rows):
        sure = [i for i, r in enumerate(rows) if r.get("confidence") == "sure"]
        report_scores([gold[i] for i in sure], [pred[i] for i in sure], "sure subset")
    for source in sorted({r["source"] for r in rows if r.get("source")}):
        picked = [i for i, r in enumerate(rows) if r.get("source") == source]
        report_scores([gold[i] for i in picked], [pred[i] for i in picked], f"source {source}")
    report_categories(gold, pred)
    report_languages(rows, pred)
    report_confusion(gold, pred)
    report_review(gold, predictions, review_threshold())
    report_speed(model, pairs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
