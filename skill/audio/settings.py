"""[voice] section: how the assistant listens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cramp_common.validate import get_bool, get_choice, get_float, get_int, get_str


@dataclass(frozen=True)
class VoiceSettings:
    model_path: str = ""
    """Vosk model directory; empty: VOSK_MODEL_PATH, a model package, then vosk's cache."""
    mode: str = "grammar"
    """'grammar': only the language pack's sentences; 'open': free vocabulary; 'both': both on
    the same audio, an in-grammar result wins, else the open transcript (where the model has
    '[unk]'; a model without it, such as the Korean one, always keeps the grammar's)."""
    input_device: str = ""
    """PortAudio input device name or index; empty: the system default."""
    vad_aggressiveness: int = 2
    """webrtcvad aggressiveness 0 (lenient) to 3 (strict) for the voice-activity gate."""
    vad_gate: bool = True
    """Feed the recogniser only around detected speech (off: every chunk, ~10x the idle CPU)."""
    pre_roll_ms: int = 300
    """Audio kept from before speech is detected, so the first syllable reaches the recogniser."""
    hangover_ms: int = 450
    """Non-speech after speech before the gate closes and the utterance is finalised."""
    early_commit_ms: int = 150
    """Non-speech after which an utterance that is already a complete, exactly matching command
    is answered without waiting for the full hangover; 0: always wait."""
    early_commit_score: float = 0.85
    """Matcher score a partial transcript needs for the early commit: 1.0 exact matches only,
    0.85 also near-misses with one stray or lost word."""
    endpoint_silence: float = 0.4
    """Trailing silence (s) after which Vosk ends a confidently decoded utterance (its rule2)."""
    speaking_tail: float = 0.6
    """Seconds after the assistant stops speaking during which input is still discarded."""
    block_ms: int = 50
    """Audio per microphone block (the stream's period) and per read while speech may be on:
    smaller notices the end of speech sooner, but every block wakes the sound server's client
    thread all night."""
    idle_read_ms: int = 400
    """Audio per microphone read while the voice gate hears nothing: one wake-up of the
    assistant per read; the start of speech is seen up to this much later (pre-roll keeps it)."""
    stall_seconds: float = 3.0
    """No microphone data for this long counts as a dead device: close, back off, reopen."""
    wake_word: str = ""
    """Optional word required before a new request outside a follow-up window; empty: none."""
    echo_cancel: str = "off"
    """Barge-in: 'auto' listens while speaking through the sound server's echo canceller when it
    has one, 'load' also loads module-echo-cancel, 'off' mutes the microphone while speaking
    (the default until barge-in is measured to work on real hardware; see the README)."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VoiceSettings:
        return cls(
            model_path=get_str(data, "model_path", cls.model_path, 1000),
            mode=get_choice(data, "mode", cls.mode, ("grammar", "open", "both")),
            input_device=get_str(data, "input_device", cls.input_device),
            vad_aggressiveness=get_int(data, "vad_aggressiveness", cls.vad_aggressiveness, 0, 3),
            vad_gate=get_bool(data, "vad_gate", cls.vad_gate),
            pre_roll_ms=get_int(data, "pre_roll_ms", cls.pre_roll_ms, 0, 2000),
            hangover_ms=get_int(data, "hangover_ms", cls.hangover_ms, 150, 3000),
            early_commit_ms=get_int(data, "early_commit_ms", cls.early_commit_ms, 0, 3000),
            early_commit_score=get_float(data, "early_commit_score", cls.early_commit_score,
                                         0.5, 1.0),
            endpoint_silence=get_float(data, "endpoint_silence", cls.endpoint_silence, 0.1, 3.0),
            speaking_tail=get_float(data, "speaking_tail", cls.speaking_tail, 0.0, 5.0),
            block_ms=get_int(data, "block_ms", cls.block_ms, 20, 500),
            idle_read_ms=get_int(data, "idle_read_ms", cls.idle_read_ms, 20, 2000),
            stall_seconds=get_float(data, "stall_seconds", cls.stall_seconds, 0.5, 60.0),
            wake_word=get_str(data, "wake_word", cls.wake_word, 40),
            echo_cancel=get_choice(data, "echo_cancel", cls.echo_cancel, ("off", "auto", "load")),
        )
