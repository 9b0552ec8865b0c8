"""Dialogue state per conversation id: bounded (least recently used goes first) and expiring."""

from __future__ import annotations

import pytest

from skill.config import Config
from skill.wyoming_service.agent import conversation_key, normalise_language
from skill.wyoming_service.service import build_agent
from skill.wyoming_service.sessions import SessionsFull, SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make_store(max_size: int = 3, ttl: float = 60.0) -> tuple[SessionStore[list[str]], Clock]:
    clock = Clock()
    return SessionStore(lambda key: [key], max_size=max_size, ttl=ttl, clock=clock), clock


def test_same_key_returns_same_session() -> None:
    store, _ = make_store()
    first = store.get("a")
    first.append("state")
    assert store.get("a") is first
    assert store.get("b") is not first


def test_least_recently_used_session_is_dropped_when_full() -> None:
    store, _ = make_store(max_size=2)
    a = store.get("a")
    store.get("b")
    assert store.get("a") is a  # a is now the most recent
    store.get("c")  # evicts b
    assert "b" not in store
    assert "a" in store and "c" in store
    assert len(store) == 2


def test_idle_session_expires_and_starts_fresh() -> None:
    store, clock = make_store(ttl=60)
    a = store.get("a")
    clock.now = 59
    assert store.get("a") is a  # use renews the lease
    clock.now = 59 + 60
    assert "a" not in store
    assert store.get("a") is not a


def test_conversation_id_wins_over_satellite_and_device() -> None:
    context = {"conversation_id": "01J", "satellite_id": "assist_satellite.bed", "device_id": "d1"}
    assert conversation_key(context) == "conversation_id:01J"
    assert conversation_key({"satellite_id": "assist_satellite.bed"}) == (
        "satellite_id:assist_satellite.bed"
    )
    assert conversation_key({"device_id": "d1"}) == "device_id:d1"
    assert conversation_key({}) is None
    assert conversation_key(None) is None
    assert conversation_key({"conversation_id": ""}) is None
    assert conversation_key({"conversation_id": {"nested": 1}}) is None


def test_language_tags_map_to_installed_packs() -> None:
    assert normalise_language("en-US", ["en", "ko"], "ko") == "en"
    assert normalise_language("ko_KR", ["en", "ko"], "en") == "ko"
    assert normalise_language("de", ["en", "ko"], "en") == "en"
    assert normalise_language(None, ["en", "ko"], "ko") == "ko"


def make_busy_store(max_size: int) -> tuple[SessionStore[list[str]], Clock]:
    """Sessions are lists; one holding "busy" stands for a first-aid flow in progress."""
    clock = Clock()
    store: SessionStore[list[str]] = SessionStore(
        lambda key: [key], max_size=max_size, ttl=60.0, clock=clock,
        busy=lambda session: "busy" in session,
    )
    return store, clock


def test_session_in_progress_is_not_evicted_by_new_ids() -> None:
    store, _ = make_busy_store(max_size=2)
    flow = store.get("bedroom")
    flow.append("busy")
    for i in range(10):
        store.get(f"junk-{i}")
    assert store.get("bedroom") is flow
    assert len(store) == 2


def test_new_id_is_refused_when_every_session_is_in_progress() -> None:
    store, clock = make_busy_store(max_size=1)
    store.get("bedroom").append("busy")
    with pytest.raises(SessionsFull):
        store.get("kitchen")
    assert "kitchen" not in store
    clock.now = 61  # a flow nobody has spoken to for the whole lifetime is forgotten after all
    assert store.get("kitchen") == ["kitchen"]


def test_one_client_holds_at_most_its_share_of_places() -> None:
    clock = Clock()
    store: SessionStore[list[str]] = SessionStore(
        lambda key: [key, "busy"], max_size=4, ttl=60.0, clock=clock,
        busy=lambda session: "busy" in session, owner=lambda key: key.split("|")[0],
        per_owner=2,
    )
    store.get("attacker|1")
    store.get("attacker|2")
    with pytest.raises(SessionsFull):
        store.get("attacker|3")
    assert store.get("bedroom|1") and store.get("bedroom|2")
    assert len(store) == 4


def test_conversation_state_is_per_client_address() -> None:
    agent = build_agent(Config())
    context = {"conversation_id": "01HBEDROOM"}
    first = agent.handle("my calf is cramping", "en", context, client="192.168.1.5")
    assert first.intent == "cramp.calf"
    stolen = agent.handle("next", "en", context, client="192.168.1.66")
    assert "first_aid.calf.pull_toes" not in stolen.reply_keys
    own = agent.handle("next", "en", context, client="192.168.1.5")
    assert "first_aid.calf.pull_toes" in own.reply_keys
