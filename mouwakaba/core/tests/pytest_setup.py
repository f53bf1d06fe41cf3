"""Loaded by pytest before Django reads its settings (``-p`` in pyproject.toml): turns on
the test-only parts of the settings (a fast password hasher, the stand-in app for
personal data) and keeps test files in their own folder."""

import os
from pathlib import Path

os.environ["MOUWAKABA_TESTING"] = "1"
os.environ.setdefault(
    "MOUWAKABA_VAR_DIR", str(Path(__file__).resolve().parents[3] / "var" / "test")
)
