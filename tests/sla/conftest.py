"""Hypothesis settings for the SLA tests: a short profile on CI keeps the folder within seconds."""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=25, deadline=None)

if os.environ.get("CI") == "true":
    settings.load_profile("ci")
