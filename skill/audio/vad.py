"""Voice-activity gate: pass audio to the recogniser only around speech (pre-roll, hangover)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import webrtcvad

from skill.interfaces import SAMPLE_RATE

FRAME_MS = 30
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2
MIN_FLOOR = 50.0
"""Lowest noise floor (about -56 dBFS), so digital silence does not make every click 'louder'."""
FLOOR_RISE = 0.02
"""Per-frame weight of a louder non-speech frame in the background estimate (~1.5 s to learn)."""
FLOOR_RISE_OPEN = 0.004
"""The same while the gate is open (speech): a steady noise still closes it in ~10 s."""
FLOOR_FALL = 0.1
"""Per-frame weight of a quieter frame: the estimate drops within a few hundred ms."""


@dataclass(frozen=True)
class GateOutput:
    audio: bytes
    """Audio to hand to the recogniser now (pre-roll on opening, then everything until closing)."""
    ended: bool = False
    """The gate has just closed: the utterance is over and the recogniser should be flushed."""


class VadGate:
    """webrtcvad before the recogniser: opens on a run of speech frames, closes on silence."""

    def __init__(
        self,
        aggressiveness: int = 2,
        pre_roll_ms: int = 300,
        hangover_ms: int = 450,
        trigger_window_ms: int = 300,
        trigger_ratio: float = 0.5,
        floor_margin: float = 2.0,
    ) -> None:
        self.params = (aggressiveness, pre_roll_ms, hangover_ms)
        """What [voice] sets; a live apply builds a new gate only when these change."""
        self._vad = webrtcvad.Vad(aggressiveness)
        self._floor_margin = floor_margin
        self.noise_floor = MIN_FLOOR
        self._floor_known = False
        """Running estimate of the background level (RMS in int16 units)."""
        self._window = max(1, trigger_window_ms // FRAME_MS)
        self._needed = max(1, int(self._window * trigger_ratio))
        self._hangover = max(1, hangover_ms // FRAME_MS)
        # Pre-roll counts from the first voiced frame, which can sit a whole window back.
        self._pre_roll: deque[bytes] = deque(maxlen=pre_roll_ms // FRAME_MS + self._window)
        self._recent: deque[bool] = deque(maxlen=self._window)
        self._pending = b""
        self._silent_run = 0
        self.is_open = False

    def reset(self) -> None:
        """Forget everything heard (e.g. while the assistant speaks)."""
        self._pre_roll.clear()
        self._recent.clear()
        self._pending = b""
        self._silent_run = 0
        self.is_open = False

    @property
    def silent_ms(self) -> int:
        """While open: how long the audio has been non-speech since the last voiced frame."""
        return self._silent_run * FRAME_MS if self.is_open else 0

    @property
    def alert(self) -> bool:
        """Open, or a voiced frame in the trigger window: speech may be starting or going on
        (the microphone then hands over small blocks, so its end is seen soon)."""
        return self.is_open or any(self._recent)

    def close(self) -> None:
        """End the utterance now (the caller has taken its transcript); wait for new speech."""
        self.is_open = False
        self._recent.clear()
        self._silent_run = 0

    def _is_voice(self, frame: bytes, level: float) -> bool:
        """webrtcvad's verdict, only for frames clearly above the background (`level`: the
        frame's RMS).

        webrtcvad alone calls a loud fan speech; steady noise would then keep the gate (and the
        recogniser) busy all night.
        """
        floor = self.noise_floor if self._floor_known else max(MIN_FLOOR, level)
        self._floor_known = True
        # Follow the background: down quickly (a fan switched off), up slowly (one switched on),
        # and very slowly while the gate is open, so speech barely moves it but a noise that
        # keeps the gate open is learnt within seconds and closes it.
        rise = FLOOR_RISE_OPEN if self.is_open else FLOOR_RISE
        weight = FLOOR_FALL if level < floor else rise
        self.noise_floor = max(MIN_FLOOR, floor + weight * (level - floor))
        if level < floor * self._floor_margin:
            return False
        return bool(self._vad.is_speech(frame, SAMPLE_RATE))

    def process(self, chunk: bytes) -> list[GateOutput]:
        """Take any number of bytes of 16 kHz int16 PCM; return, in order, what passes and where
        an utterance ended (feed each output's audio, then flush the recogniser if it ended)."""
        self._pending += chunk
        outputs: list[GateOutput] = []
        out: list[bytes] = []
        usable = len(self._pending) - len(self._pending) % FRAME_BYTES
        levels = frame_levels(self._pending[:usable])
        for index, start in enumerate(range(0, usable, FRAME_BYTES)):
            frame = self._pending[start : start + FRAME_BYTES]
            voiced = self._is_voice(frame, levels[index])
            if self.is_open:
                out.append(frame)
                self._silent_run = 0 if voiced else self._silent_run + 1
                if self._silent_run >= self._hangover:
                    self.is_open = False
                    self._recent.clear()
                    outputs.append(GateOutput(b"".join(out), ended=True))
                    out = []
                continue
            self._pre_roll.append(frame)
            self._recent.append(voiced)
            if sum(self._recent) >= self._needed:
                self.is_open = True
                self._silent_run = 0
                out.extend(self._pre_roll)
                self._pre_roll.clear()
        self._pending = self._pending[usable:]
        if out:
            outputs.append(GateOutput(b"".join(out)))
        return outputs


def frame_levels(pcm: bytes) -> list[float]:
    """RMS of each 30 ms frame, all frames in one numpy pass: the gate runs on every chunk of
    the night, and per-frame numpy calls were most of its idle cost."""
    if not pcm:
        return []
    frames = np.frombuffer(pcm, dtype="<i2").astype(np.float32).reshape(-1, FRAME_BYTES // 2)
    power = np.einsum("ij,ij->i", frames, frames) / frames.shape[1]
    return [float(v) for v in np.sqrt(power)]
