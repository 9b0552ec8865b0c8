"""Flow definitions from intents/flows.yaml as frozen dataclasses, validated on load."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("first_aid", "routine", "info", "escalation")
HOLD_SECONDS = (10, 20, 30)
"""Holds are counted aloud in tens, so only these lengths have count replies."""


class FlowError(ValueError):
    """A flow entry in flows.yaml that cannot be used; names the intent and the field."""


@dataclass(frozen=True)
class Step:
    key: str
    """Reply key said for this step."""
    hold: int = 0
    """Seconds to hold after saying it, counted aloud; 0 for no hold."""


@dataclass(frozen=True)
class Flow:
    intent: str
    kind: str
    """'first_aid', 'routine', 'info' or 'escalation' (see the top of flows.yaml)."""
    steps: tuple[Step, ...]
    checks: tuple[str, ...] = ()
    """Red-flag check reply keys said together before step one."""
    reassure: bool = False
    """Open a new episode with reassure.open."""
    muscle: str = ""
    """What the diary records as the episode's muscle (first_aid flows)."""
    end: str = ""
    """Reply key said when 'next' comes after the last step."""

    @property
    def guided(self) -> bool:
        """One step per turn, waiting for 'next' (first aid and routines)."""
        return self.kind in ("first_aid", "routine")

    @property
    def reply_keys(self) -> set[str]:
        keys = {step.key for step in self.steps} | set(self.checks)
        return keys | ({self.end} if self.end else set())

    @classmethod
    def from_dict(cls, intent: str, data: Mapping[str, Any]) -> Flow:
        kind = data.get("kind")
        if kind not in KINDS:
            raise FlowError(f"flow {intent!r}: kind {kind!r} must be one of {', '.join(KINDS)}")
        raw_steps = data.get("steps") or []
        if not raw_steps:
            raise FlowError(f"flow {intent!r}: needs at least one step")
        steps = tuple(_step(intent, raw) for raw in raw_steps)
        checks = data.get("checks") or []
        if not all(isinstance(key, str) for key in checks):
            raise FlowError(f"flow {intent!r}: checks must be reply keys")
        return cls(
            intent=intent,
            kind=kind,
            steps=steps,
            checks=tuple(checks),
            reassure=bool(data.get("reassure", False)),
            muscle=str(data.get("muscle", "")),
            end=str(data.get("end", "")),
        )


def _step(intent: str, raw: Any) -> Step:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("say"), str):
        raise FlowError(f"flow {intent!r}: each step needs 'say: <reply key>', got {raw!r}")
    hold = raw.get("hold", 0)
    if hold and hold not in HOLD_SECONDS:
        raise FlowError(f"flow {intent!r}: hold {hold!r} must be one of {HOLD_SECONDS}")
    return Step(key=raw["say"], hold=int(hold or 0))


@dataclass(frozen=True)
class FlowTable:
    flows: dict[str, Flow] = field(default_factory=dict)

    def get(self, intent: str | None) -> Flow | None:
        return self.flows.get(intent or "")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FlowTable:
        return cls({name: Flow.from_dict(name, body) for name, body in data.items()})

    @classmethod
    def load(cls) -> FlowTable:
        """The flows in intents/flows.yaml."""
        from intents.language import load_flows

        return cls.from_dict(load_flows())
