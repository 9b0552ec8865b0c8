"""Shared fixtures: every test runs with its own temporary data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from tests.pulse import PulseServer

pytest_plugins = ["tests.admin_support", "tests.reminder_support", "tests.voice_support"]


@pytest.fixture(autouse=True)
def data_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private CRAMP_COACH_HOME so no test touches the user's data."""
    home = tmp_path_factory.mktemp("cramp-home")
    monkeypatch.setenv("CRAMP_COACH_HOME", str(home))
    # sentence vectors of the training data are derived, not user data: shared across tests
    # and runs, so only the first run on a machine spends minutes encoding them
    monkeypatch.setenv("CRAMP_COACH_MODEL_CACHE", str(MODEL_CACHE))
    return home


MODEL_CACHE = (Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
               / "cramp-coach" / "cache" / "semantic")
"""Where `make`'s install step (python -m intents.semantic.prepare) leaves the trained head: the
cache is keyed by a hash of the model and the training data, so sharing it only saves time."""
# Set for the whole session, not only inside the per-test data_home fixture: module-scoped
# fixtures start `cramp-coach` subprocesses before any function fixture runs, and those would
# otherwise train the head again in their own data directory (a minute of CPU under their timeout).
os.environ.setdefault("CRAMP_COACH_MODEL_CACHE", str(MODEL_CACHE))


@pytest.fixture(scope="session")
def semantic_cache() -> Path:
    """Train and cache the English semantic head once, in this process, before tests that start
    `cramp-coach` subprocesses (which would each otherwise train it under their timeout)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAMP_COACH_MODEL_CACHE", str(MODEL_CACHE))
        matcher = IntentMatcher(load_pack("en"))
        assert matcher.semantic is not None and matcher.semantic.get() is not None
    return MODEL_CACHE


@pytest.fixture(scope="session")
def matcher() -> IntentMatcher:
    """The English matcher, built once for the session: matching keeps no state, and each build
    loads the pack, its template index and the semantic layer again."""
    return IntentMatcher(load_pack("en"))


@pytest.fixture(scope="session")
def pulse_server() -> Iterator[PulseServer]:
    """One private PulseAudio server for the session; its env is set for this process too."""
    server = PulseServer()
    server.start()
    saved = {key: os.environ.get(key) for key in server.env}
    os.environ.update(server.env)
    yield server
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.cleanup()


@pytest.fixture(scope="session", autouse=True)
def sound_server_first(pulse_server: PulseServer) -> PulseServer:
    """Start the private sound server before any test initialises PortAudio: audio libraries
    read where the server is once, so a test that lists devices first (the admin settings page)
    would otherwise leave later audio tests talking to no server."""
    return pulse_server
