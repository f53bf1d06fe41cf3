"""The reference rule versions of data/eligibility/ load once, published, and every
published version's examples pass (what CI checks before anything ships)."""

from __future__ import annotations

import pytest
from django.conf import settings

from mouwakaba.eligibility import actions, reference
from mouwakaba.eligibility.models import RuleState, RuleVersion

pytestmark = pytest.mark.django_db


def test_reference_rules_are_loaded_published():
    published = RuleVersion.objects.filter(state=RuleState.PUBLISHED).exclude(reference_key="")
    assert published.count() >= 12
    assert all(version.examples.exists() for version in published)


def test_every_published_version_passes_its_examples():
    for version in RuleVersion.objects.filter(state=RuleState.PUBLISHED):
        failing = [run.example.label for run in actions.run_examples(version) if not run.passed]
        assert failing == [], f"{version}: {failing}"


def test_loading_again_changes_nothing():
    counts = reference.load(settings.DATA_DIR)[reference.FILENAME]
    assert counts["created"] == 0
    assert counts["updated"] == 0
    assert counts["unchanged"] >= 12
