"""Pages compute live in these tests unless a test says otherwise: figures stored by one
request would otherwise answer the next one, and the tests that count by hand check the
computation itself. ``test_summaries.py`` tests the stored figures."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture(autouse=True)
def _figures_always_recomputed(settings):
    settings.INDICATORS_MAX_AGE_RUNNING = timedelta(0)
    settings.INDICATORS_MAX_AGE_FINISHED = timedelta(0)
