"""SPEC 4.2: nothing in the real-world corpus (../shared/mailcorpus/) may crash ingestion.

Every raw message is parsed, its text split with ``new_text`` and classified
with ``classify_noise``; all text must be storable (valid UTF-8, no NUL).
The corpus is read in place, never copied into the project. Without it the
tests skip, except under CI=true where its absence is a failure.
"""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path

import pytest

from helpdesk.intake.quoting import new_text
from integrations.email import Noise, ParsedMail, classify_noise, parse_message

PROJECT = Path(__file__).resolve().parents[3]
CORPUS = PROJECT.parent / "shared" / "mailcorpus"
NOT_MAIL = {"INDEX.tsv", "PROVENANCE.md"}
CI = os.environ.get("CI", "").lower() == "true"


def _corpus_files() -> list[str]:
    """Paths of every message in the corpus, relative to it, sorted."""
    if not CORPUS.is_dir():
        return []
    return sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name not in NOT_MAIL)


def _index() -> dict[str, dict[str, str]]:
    """INDEX.tsv rows by path."""
    with (CORPUS / "INDEX.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["path"]: row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}


def _require_corpus() -> None:
    """Skip on a machine without the corpus; fail under CI=true."""
    if not CORPUS.is_dir():
        if CI:
            pytest.fail(f"mail corpus missing at {CORPUS} (required under CI=true)")
        pytest.skip(f"mail corpus not found at {CORPUS}")


@cache
def _parsed(rel: str) -> tuple[ParsedMail, Noise]:
    """Parse and classify one corpus file once per test session."""
    mail = parse_message((CORPUS / rel).read_bytes())
    return mail, classify_noise(mail)


FILES = _corpus_files()
PARAMS: list[str | None] = [*FILES] or [None]


def _storable(text: str) -> bool:
    """Text a database column accepts: valid UTF-8 and no NUL."""
    text.encode("utf-8")
    return "\x00" not in text


@pytest.mark.parametrize("rel", PARAMS, ids=FILES or ["corpus-missing"])
def test_corpus_message_is_ingestible(rel: str | None) -> None:
    _require_corpus()
    assert rel is not None
    mail, noise = _parsed(rel)
    assert isinstance(mail, ParsedMail) and isinstance(noise, Noise)
    assert isinstance(mail.text, str) and isinstance(mail.subject, str)
    strings = [mail.text, mail.subject, mail.from_name, mail.html or "", *mail.headers.values(), *mail.defects,
               *(a.filename for a in mail.attachments), *(m.name for m in mail.to + mail.cc + mail.reply_to)]
    assert all(_storable(s) for s in strings)
    assert mail.date is None or mail.date.tzinfo is not None
    new = new_text(mail.text)
    assert isinstance(new, str) and (new.strip() or not mail.text.strip())


def test_corpus_matches_its_index() -> None:
    _require_corpus()
    assert set(_index()) == set(FILES)


def test_corpus_bounces_and_auto_replies_are_noise() -> None:
    _require_corpus()
    robots = [path for path, row in _index().items() if row["category"] in ("bounce", "autoreply")]
    missed = [path for path in robots if not _parsed(path)[1].is_noise]
    assert robots and missed == []


def test_corpus_messages_the_stdlib_chokes_on_still_give_text() -> None:
    _require_corpus()
    hard = [path for path, row in _index().items() if row["stdlib_result"].startswith("raised")]
    assert hard
    for path in hard:
        mail, _ = _parsed(path)
        assert mail.text.strip() or mail.attachments, path
