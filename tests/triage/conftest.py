"""Fixtures for triage tests: one base model per session, and a small corpus slice."""

from __future__ import annotations

import pytest

from helpdesk.triage import Model, base_model, load_corpus


@pytest.fixture(scope="session")
def model() -> Model:
    """The package's base model (built once; the temp-dir cache may make it instant)."""
    return base_model()


@pytest.fixture(scope="session")
def small_rows() -> list[dict]:
    """Every 15th corpus row: every category and language, quick to train on."""
    return load_corpus()[::15]
