"""Does an in-process WebRTC AEC3 (livekit's AudioProcessingModule) pass commands said over a reply?

bench.aec_probe's tracks (a looped Korean reply; Korean commands every 4 s) are mixed offline
as tests/room.py's bedroom makes them: the microphone hears the played reply 30 ms later, as
loud as the user's voice (`--echo-db`), plus the user and a faint room noise; `--reverb` adds a
decaying tail to the echo path, as a real room has (the room rig's loopback is a pure delay).
The exact played samples are the reference, as our own player has them in-process. Each
variant's output goes through the product's voice gate and grammar recogniser (aec_probe's
analysis) and prints one table row: commands that act, gate openings on the echo alone, ERLE
over the echo alone (overall and just before the first and last commands: a diverging filter
falls) and the canceller's gain on the user's voice during the commands (median of 100 ms
windows). `--held` ducks the reply 0.45 s into each command, as a hold does.

    .venv/bin/pip install livekit==1.2.0   # not a project dependency
    python -m bench.aec3_probe --commands 12 [--held] [--reverb 0.3] [--no-voice]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.aec_probe import RATE, analyse, read, tracks

try:
    from livekit import rtc
except ImportError:  # not a project dependency while barge-in does not use it; checked in main()
    rtc = None

FRAME = RATE // 100
FRAME_BYTES = FRAME * 2
"""The module takes exactly 10 ms of int16 mono per call."""
COMMANDS = ("좋아졌어요", "다 좋아졌어요")
"""The two commands the small Korean model hears at every shift when clean (README)."""
ECHO_DELAY_MS = 30
"""As tests/room.py's loopback (ECHO_LATENCY_MS)."""
NOISE_DBFS = -60.0
"""A quiet room's noise at the microphone, so the canceller never sees digital silence."""


class Aec3:
    """Feed what is played (`played`) and what the microphone hears (`heard`); `heard` returns
    the microphone with the played sound removed. Both take 16 kHz mono int16 bytes of any
    length and keep partial 10 ms frames for the next call, so `heard`'s output may lag its
    input by up to 10 ms. The player and the microphone call from their own threads."""

    def __init__(self, noise_suppression: bool = False, high_pass_filter: bool = True,
                 delay_ms: int = 30) -> None:
        # Gain control off: it turns the microphone down by itself and lifts the leftovers of
        # the assistant's voice (as measured with PulseAudio's webrtc canceller).
        self._apm = rtc.AudioProcessingModule(echo_cancellation=True,
                                              noise_suppression=noise_suppression,
                                              high_pass_filter=high_pass_filter,
                                              auto_gain_control=False)
        self._delay_ms = delay_ms
        self._lock = threading.Lock()
        self._far = bytearray()
        self._near = bytearray()

    def played(self, pcm: bytes) -> None:
        """What was just sent to the speaker (the reference)."""
        with self._lock:
            self._far += pcm
            while len(self._far) >= FRAME_BYTES:
                frame = rtc.AudioFrame(bytearray(self._far[:FRAME_BYTES]), RATE, 1, FRAME)
                del self._far[:FRAME_BYTES]
                self._apm.process_reverse_stream(frame)

    def heard(self, pcm: bytes) -> bytes:
        """The microphone's `pcm` with the echo removed (whole 10 ms frames of it so far)."""
        out = bytearray()
        with self._lock:
            self._near += pcm
            while len(self._near) >= FRAME_BYTES:
                frame = rtc.AudioFrame(bytearray(self._near[:FRAME_BYTES]), RATE, 1, FRAME)
                del self._near[:FRAME_BYTES]
                # AEC3 estimates the delay itself; the hint only starts it near the answer.
                self._apm.set_stream_delay_ms(self._delay_ms)
                self._apm.process_stream(frame)
                out += frame.data.cast("B")
        return bytes(out)


def room_mic(reply: np.ndarray, user: np.ndarray, echo_db: float, reverb: float,
             seed: int = 15) -> np.ndarray:
    """The microphone: the reply through the echo path (delay, level, optional tail of `reverb`
    seconds RT60), plus the user and noise."""
    rng = np.random.default_rng(seed)
    delay = RATE * ECHO_DELAY_MS // 1000
    path = np.zeros(delay + 1 + int(reverb * RATE), dtype=np.float32)
    path[delay] = 1.0
    if reverb:
        t = np.arange(len(path) - delay - 1) / RATE
        # Exponentially decaying noise: -60 dB at `reverb` seconds, its energy 10 dB below the
        # direct sound's (a small, furnished bedroom).
        tail = rng.standard_normal(len(t)) * 10 ** (-3 * t / reverb)
        tail *= np.sqrt(0.1 / (tail**2).sum())
        path[delay + 1:] = tail
    echo = np.convolve(reply, path)[: len(reply)] * 10 ** (echo_db / 20)
    noise = rng.standard_normal(len(reply)) * 32768 * 10 ** (NOISE_DBFS / 20)
    return (echo + user + noise).astype(np.float32)


def cancel(mic: np.ndarray, reply: np.ndarray, delay_ms: int, suppress: bool) -> np.ndarray:
    """The microphone through AEC3, fed 10 ms at a time with the played reply as reference."""
    aec = Aec3(noise_suppression=suppress, high_pass_filter=True, delay_ms=delay_ms)
    far, near = pcm(reply), pcm(mic)
    out = bytearray()
    for at in range(0, min(len(far), len(near)), 2 * FRAME):
        aec.played(far[at:at + 2 * FRAME])
        out += aec.heard(near[at:at + 2 * FRAME])
    return np.frombuffer(bytes(out), dtype="<i2").astype(np.float32)


def pcm(samples: np.ndarray) -> bytes:
    return np.clip(samples, -32768, 32767).astype("<i2").tobytes()


def voice_gain(out: np.ndarray, user: np.ndarray, spans: list[tuple[float, float]]) -> float:
    """Median over 100 ms windows of the commands of the canceller's gain on the user's voice
    (projection of the output on the voice; 1: passed whole, 0: removed). The output is first
    aligned on the voice (the module delays the microphone by ~8 ms)."""
    gains = []
    for begin, end in spans:
        lo, hi = int(begin * RATE), int(end * RATE)
        reach = RATE // 50
        lag = int(np.argmax(np.correlate(out[lo:hi + 2 * reach], user[lo:hi], "valid")))
        for at in range(lo, hi - RATE // 10, RATE // 10):
            voice = user[at:at + RATE // 10]
            energy = float((voice**2).sum())
            if energy > 1e3 * len(voice):
                heard = out[at + lag:at + lag + len(voice)]
                gains.append(float((heard * voice).sum()) / energy)
    return float(np.median(gains)) if gains else float("nan")


def erle_before(out: np.ndarray, mic: np.ndarray, user: np.ndarray, at: float) -> float:
    """Echo reduction (dB) over the second before `at`, where only the echo plays."""
    lo, hi = int((at - 1.1) * RATE), int((at - 0.1) * RATE)
    if lo < 0 or np.abs(user[lo:hi]).max() > 0:
        return float("nan")
    echo = float((mic[lo:hi] ** 2).mean())
    left = float((out[lo:hi] ** 2).mean())
    return 10 * float(np.log10(max(echo, 1.0) / max(left, 1.0)))


def row(name: str, out: np.ndarray, mic: np.ndarray, user: np.ndarray,
        spans: list[tuple[float, float]], reply: np.ndarray, seconds: float) -> str:
    n = min(len(out), len(mic))
    result = analyse(out[:n], mic[:n], 0, spans, reply[:n])
    first, last = ((erle_before(out, mic, user, spans[i][0]) for i in (0, -1)) if spans
                   else (float("nan"), float("nan")))
    heard = [h or "-" for h in result["heard"]]  # type: ignore[attr-defined]
    return (f"{name:<28} {result['acted']:>2}/{len(spans):<3}"
            f" {result['self_openings']:>2}/{result['echo_seconds']:<3.0f}s"
            f" {result['erle_db']:>7} {first:>6.1f} {last:>6.1f}"
            f" {voice_gain(out, user, spans):>6.2f} {seconds:>6.1f}\n    heard: {heard}")


def variants(delay_ms: int, user: np.ndarray
             ) -> dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    return {
        "voice alone (no echo)": lambda _mic, _ref: user,
        "raw microphone (no AEC)": lambda mic, _ref: mic,
        f"aec3 ns=off delay={delay_ms}": lambda mic, ref: cancel(mic, ref, delay_ms, False),
        f"aec3 ns=on delay={delay_ms}": lambda mic, ref: cancel(mic, ref, delay_ms, True),
        "aec3 ns=off delay=0": lambda mic, ref: cancel(mic, ref, 0, False),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=12)
    parser.add_argument("--say", default=",".join(COMMANDS), help="commands, comma-separated")
    parser.add_argument("--held", action="store_true")
    parser.add_argument("--duck-db", type=float, default=-25.0)
    parser.add_argument("--echo-db", type=float, default=0.0)
    parser.add_argument("--reverb", type=float, default=0.0, help="echo tail RT60 (s)")
    parser.add_argument("--delay-ms", type=int, default=ECHO_DELAY_MS,
                        help="stream delay told to the canceller")
    parser.add_argument("--no-voice", action="store_true",
                        help="nobody speaks: every gate opening is on the echo's leftovers")
    parser.add_argument("--only", default="", help="comma-separated variant names' prefixes")
    args = parser.parse_args()
    if rtc is None:
        raise SystemExit("bench.aec3_probe needs `.venv/bin/pip install livekit==1.2.0`")
    os.environ.setdefault("CRAMP_COACH_HOME", tempfile.mkdtemp(prefix="aec3-probe-"))
    work = Path(tempfile.mkdtemp(prefix="aec3-probe-"))
    speech, user_wav, spans = tracks(work, args.commands, args.held, args.say.split(","),
                                      args.duck_db)
    reply, user = read(speech), read(user_wav)
    if args.no_voice:
        user, spans = np.zeros_like(user), []
    mic = room_mic(reply, user, args.echo_db, args.reverb)
    print(f"echo {args.echo_db:+.0f} dB, {ECHO_DELAY_MS} ms, reverb {args.reverb} s"
          f"{f', held, ducked {args.duck_db:+.0f} dB' if args.held else ', double talk'}"
          f"{', nobody speaking' if args.no_voice else ''};"
          f" load {os.getloadavg()[0]:.1f}")
    print(f"{'variant':<28} acted open/echo  ERLE  first   last  vgain  cpu s")
    wanted = [p for p in args.only.split(",") if p]
    for name, run in variants(args.delay_ms, user).items():
        if wanted and not any(name.startswith(p) for p in wanted):
            continue
        began = time.process_time()
        out = run(mic, reply)
        print(row(name, out, mic, user, spans, reply, time.process_time() - began), flush=True)


if __name__ == "__main__":
    main()
