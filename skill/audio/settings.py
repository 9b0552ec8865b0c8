"""[voice] section: how the assistant listens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cramp_common.validate import get_choice, get_int, get_str


@dataclass(frozen=True)
class VoiceSettings:
    model_path: str = ""
    """Vosk model directory; empty: VOSK_MODEL_PATH, an installed model package, then vosk's cache."""
    mode: str = "grammar"
    """'grammar' restricts recognition to the language pack's sentences; 'open' is free vocabulary."""
    input_device: str = ""
    """PortAudio input device name or index; empty: the system default."""
    vad_aggressiveness: int = 2
    """webrtcvad aggressiveness 0 (lenient) to 3 (strict) for the voice-activity gate."""
    wake_word: str = ""
    """Optional word required before a new request outside a follow-up window; empty: none."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VoiceSettings:
        return cls(
            model_path=get_str(data, "model_path", cls.model_path, 1000),
            mode=get_choice(data, "mode", cls.mode, ("grammar", "open")),
            input_device=get_str(data, "input_device", cls.input_device),
            vad_aggressiveness=get_int(data, "vad_aggressiveness", cls.vad_aggressiveness, 0, 3),
            wake_word=get_str(data, "wake_word", cls.wake_word, 40),
        )
