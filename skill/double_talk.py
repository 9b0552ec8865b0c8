"""Double-talk check for barge-in: is the echo-cancelled microphone louder than the canceller's
leftovers of what the assistant is playing right now?

The canceller never removes all of the assistant's voice, and on a busy machine what is left
comes in bursts that open the voice gate (measured in the simulated bedroom: one opening every
10-20 s of speech). We know what we play and how loud: the leftovers stay far below it (webrtc,
speaker as loud as the user at the microphone: over 200 ms, median 67 dB below what was played,
never above -25 dB), while the user's voice over it arrives near its level (median -3 dB, 9 in
10 windows above -10 dB). So speech over the assistant's voice counts only when the cancelled
signal is well above the leftovers: both above a fixed bar and above the typical leftover
learnt while nobody speaks (a louder speaker or a closer microphone raises both).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

DOUBLE_TALK_DB = -20.0
"""The cancelled signal must be at least this loud against what is being played (dB)."""
OVER_RESIDUAL_DB = 30.0
"""... and this far above the typical leftover learnt while nobody speaks."""
START_RESIDUAL_DB = -60.0
"""The typical leftover before anything was learnt (measured median: -67 dB)."""
LEARN_WEIGHT = 0.02
"""Per-chunk weight of a new leftover measurement (with 100 ms chunks: ~5 s to learn)."""
MIC_SECONDS = 0.3
"""Microphone window: the voice gate's own trigger window."""
PLAYED_SECONDS = 0.5
"""Reference window: the microphone window plus the capture delay (block and server buffer)."""
QUIET_PLAYED = 10 ** (-50 / 20)
"""Below this the assistant is (nearly) silent: nothing to compare with, any voice counts."""


class DoubleTalk:
    """Fed every microphone chunk's level; says whether the latest audio is someone speaking."""

    def __init__(self, played_rms: Callable[[float], float],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.played_rms = played_rms
        """RMS (full scale 1.0) of what reached the speaker over the last n seconds."""
        self.clock = clock
        self.residual_db = START_RESIDUAL_DB
        self._levels: deque[tuple[float, float]] = deque(maxlen=64)

    def level(self, level: float, learn: bool) -> None:
        """One chunk's RMS; `learn`: nobody is speaking (gate closed), so it is leftover."""
        now = self.clock()
        self._levels.append((now, level))
        if learn:
            ratio = self.ratio_db()
            # Only what is clearly leftover: the first chunks of a voice, before the gate
            # opens, must not teach it that voices are leftovers.
            if ratio is not None and ratio < DOUBLE_TALK_DB:
                self.residual_db += LEARN_WEIGHT * (ratio - self.residual_db)

    def ratio_db(self) -> float | None:
        """Microphone against what was played, dB; None while nothing is being played."""
        played = self.played_rms(PLAYED_SECONDS)
        if played < QUIET_PLAYED or not self._levels:
            return None
        since = self._levels[-1][0] - MIC_SECONDS
        recent = [lv for t, lv in self._levels if t > since] or [self._levels[-1][1]]
        heard = math.sqrt(sum(lv * lv for lv in recent) / len(recent))
        return 20 * math.log10(max(heard, 1e-7) / played)

    def speaking(self) -> bool:
        """The latest audio is a voice over the assistant's (or the assistant is silent)."""
        ratio = self.ratio_db()
        return ratio is None or (ratio >= DOUBLE_TALK_DB
                                 and ratio >= self.residual_db + OVER_RESIDUAL_DB)
