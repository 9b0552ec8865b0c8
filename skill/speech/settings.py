"""[speech] section: how the assistant talks, by day and during quiet hours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cramp_common.validate import get_bool, get_choice, get_float, get_int, get_str


@dataclass(frozen=True)
class SpeechSettings:
    engine: str = "pyttsx3"
    """'pyttsx3' speaks; 'none' only prints and logs replies."""
    voice: str = ""
    """pyttsx3 voice id or name; empty: the language pack's default voice."""
    rate: int = 150
    """Words per minute by day."""
    volume: float = 0.9
    """0.0 to 1.0 by day."""
    output_device: str = ""
    """PortAudio output device name or index; empty: the system default."""
    night_profile: bool = True
    """During quiet hours use night_rate and night_volume."""
    night_rate: int = 125
    night_volume: float = 0.5
    night_chime: bool = True
    """A soft chime before speaking during quiet hours."""
    watchdog_seconds: float = 10.0
    """A synthesis (or playback beyond the sound's length) taking longer than this is killed."""
    output_idle_seconds: float = 30.0
    """Close the speaker's output stream after this many seconds without speech (an open stream
    plays silence: ~1.5-1.8 % of a core); 0 keeps it open. It reopens when someone starts to
    speak, so the reply finds it running. Kept open while barge-in's echo canceller is on."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpeechSettings:
        return cls(
            engine=get_choice(data, "engine", cls.engine, ("pyttsx3", "none")),
            voice=get_str(data, "voice", cls.voice),
            rate=get_int(data, "rate", cls.rate, 60, 400),
            volume=get_float(data, "volume", cls.volume, 0.0, 1.0),
            output_device=get_str(data, "output_device", cls.output_device),
            night_profile=get_bool(data, "night_profile", cls.night_profile),
            night_rate=get_int(data, "night_rate", cls.night_rate, 60, 400),
            night_volume=get_float(data, "night_volume", cls.night_volume, 0.0, 1.0),
            night_chime=get_bool(data, "night_chime", cls.night_chime),
            watchdog_seconds=get_float(data, "watchdog_seconds", cls.watchdog_seconds, 1.0, 120.0),
            output_idle_seconds=get_float(data, "output_idle_seconds", cls.output_idle_seconds,
                                          0.0, 86400.0),
        )
