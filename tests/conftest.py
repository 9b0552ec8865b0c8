"""Shared fixtures: every test runs with its own temporary data directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private CRAMP_COACH_HOME so no test touches the user's data."""
    home = tmp_path_factory.mktemp("cramp-home")
    monkeypatch.setenv("CRAMP_COACH_HOME", str(home))
    return home
