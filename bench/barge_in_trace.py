"""Why a command said over a reply does or does not act: each stage of barge-in, per try.

The whole assistant in tests/room.py's bedroom, as bench.barge_in's first part, while the
echo-cancelled source and the raw microphone are recorded. Per try it prints, in ms against the
end of the command's voice in the room, when the voice gate opened and closed, the partials, the
hold, the transcript and the stop; then the echo's reduction just before the command, how much
of the user's voice the canceller let through (per 100 ms of the command), and what the same
recogniser returns offline on the cancelled recording, on the raw microphone and on the command
alone. `--hold-on-voice` holds on the double-talk check at the voice's onset instead of on a
command word.

    python -m bench.barge_in_trace --tries 4
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.aec_probe import read
from bench.barge_in import COMMANDS, CONFIG, REPLY_KEYS, speak, wait_for
from skill.asr.factory import build_recognizer
from skill.assistant import Assistant
from skill.audio.echo_cancel import pactl
from skill.audio.settings import VoiceSettings
from skill.config import parse_config
from tests.pulse import PulseServer, synth_wav
from tests.room import ROOM, ROOM_AEC_ARGS, bedroom, quieter, say_in_room

RATE = 16000
WINDOW = RATE // 10
"""The canceller's pass-through of the user's voice is measured per 100 ms."""


@dataclass
class Trace:
    """What one run recorded: events (monotonic time, what), tries (start, end, clip)."""

    work: Path
    t0: float = 0.0
    events: list[tuple[float, str]] = field(default_factory=list)
    tries: list[tuple[float, float, Path]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def spy(self, owner: Any, name: str, show: bool = True) -> None:
        """Log each call of owner.name (with its first argument) before running it."""
        real = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            shown = f"({args[0]!r})" if show and args else ""
            with self.lock:
                self.events.append((time.monotonic(), name + shown))
            return real(*args, **kwargs)

        setattr(owner, name, wrapper)


def decode(pcm: np.ndarray) -> str:
    """What a fresh recogniser (the product's grammar) makes of 16 kHz samples."""
    recognizer = build_recognizer(VoiceSettings(), "ko")
    data = np.clip(pcm, -32768, 32767).astype("<i2").tobytes()
    said = [t for at in range(0, len(data), 3200) if (t := recognizer.feed(data[at:at + 3200]))]
    last = recognizer.flush()
    return " | ".join([*said, last] if last else said)


def locate(mic: np.ndarray, clip: np.ndarray, guess: int, span: int) -> int:
    """Sample in `mic` where `clip` starts, searched within `span` of `guess`."""
    lo = max(0, guess - span)
    head = mic[lo:guess + span + len(clip)]
    size = 1 << int(np.ceil(np.log2(len(head) + len(clip))))
    corr = np.fft.irfft(np.fft.rfft(head, size) * np.conj(np.fft.rfft(clip, size)), size)
    return lo + int(np.argmax(corr[: max(1, len(head) - len(clip) + 1)]))


def db(x: np.ndarray) -> float:
    return 10 * float(np.log10(max(float((x.astype(np.float64) ** 2).mean()), 1e-3)))


def passed(out: np.ndarray, clip: np.ndarray, at: int) -> list[float]:
    """The canceller's gain on the user's voice per 100 ms of the clip (1.0: untouched, 0: cut)
    where the clip is voiced, after finding the canceller's own delay (least squares)."""
    def misfit(lag: int) -> float:
        seg = out[at + lag:at + lag + len(clip)]
        gain = float(np.dot(seg, clip) / np.dot(clip, clip))
        return float(np.sum((seg - gain * clip) ** 2))

    lag = min(range(-800, 800, 4), key=misfit)
    seg = out[at + lag:at + lag + len(clip)]
    return [round(float(np.dot(seg[i:i + WINDOW], clip[i:i + WINDOW])
                        / np.dot(clip[i:i + WINDOW], clip[i:i + WINDOW])), 2)
            for i in range(0, len(clip) - WINDOW, WINDOW)
            if db(clip[i:i + WINDOW]) > db(clip) - 10]


def echo_delay(played: np.ndarray, mic: np.ndarray, at: int) -> float:
    """Seconds from what was played to its echo in the microphone, over the 2 s before `at`
    (the recorders start within milliseconds of each other)."""
    mic_part = mic[max(0, at - 2 * RATE):at]
    ref = played[max(0, at - 2 * RATE - RATE // 2):at]
    size = 1 << int(np.ceil(np.log2(len(ref) + len(mic_part))))
    corr = np.fft.irfft(np.fft.rfft(mic_part, size) * np.conj(np.fft.rfft(ref, size)), size)
    # mic_part[t] ~ ref[t + RATE // 2 - delay]: the peak sits at lag (delay - RATE // 2) mod size.
    lag = int(np.argmax(corr))
    lag = lag - size if lag > size // 2 else lag
    return (lag + RATE // 2) / RATE


def run(trace: Trace, tries: int, hold_on_voice: bool, server_duck: bool = False,
        no_voice: bool = False, echo_db: float = 0.0, aec_args: str = ROOM_AEC_ARGS) -> str:
    """Run the assistant in the bedroom for `tries` commands; returns the canceller's source."""
    server = PulseServer()
    server.start()
    os.environ.update(server.env)
    try:
        with bedroom(server, echo_db, aec_args=aec_args) as canceller:
            assistant = Assistant(parse_config(CONFIG)[0])
            assistant.start()
            try:
                if server_duck:
                    duck_on_server(assistant)
                record(trace, assistant, server, canceller.source, canceller.sink, tries,
                       hold_on_voice, no_voice)
            finally:
                assistant.stop()
    finally:
        server.cleanup()
    return canceller.source


def our_stream() -> str:
    """Index of this process's playback stream on the sound server ('' if none)."""
    index = ""
    for line in pactl(["list", "sink-inputs"]).splitlines():
        if line.startswith("Sink Input #"):
            index = line.split("#")[1].strip()
        elif "application.process.id" in line and f'"{os.getpid()}"' in line:
            return index
    return ""


def duck_on_server(assistant: Assistant) -> None:
    """Make holds and resumes also set the stream's volume on the server (-25 dB / 100%)."""
    player = assistant.speaker.holdable()  # type: ignore[union-attr]
    hold, resume = player.hold, player.resume

    def volume(percent: str) -> None:
        stream = our_stream()
        if stream:
            pactl(["set-sink-input-volume", stream, percent])

    def held() -> bool:
        started = hold()
        if started:
            volume(f"{10 ** (-25 / 60) * 100:.1f}%")  # the server's volume scale is cubic
        return started

    def resumed() -> None:
        volume("100%")
        resume()

    player.hold = held  # type: ignore[method-assign]
    player.resume = resumed  # type: ignore[method-assign]


def record(trace: Trace, assistant: Assistant, server: PulseServer, source: str, sink: str,
           tries: int, hold_on_voice: bool, no_voice: bool = False) -> None:
    barge, listening = assistant.barge_in, assistant.listening
    assert barge is not None, assistant.barge_in_note
    wait_for(lambda: listening is not None and listening.status.last_audio is not None, 15)
    assert listening is not None
    if hold_on_voice:
        barge.words = frozenset()
    # The listening service holds barge-in's hooks; they are wrapped where it calls them.
    for name in ("on_voice", "on_partial", "on_transcript"):
        trace.spy(listening, name)
    trace.spy(assistant.speaker, "stop", show=False)
    for name in ("hold", "resume"):
        trace.spy(assistant.speaker.holdable(), name, show=False)  # type: ignore[union-attr]
    rec = ["parecord", "--rate=16000", "--channels=1", "--format=s16le", "--file-format=wav",
           "--latency-msec=20"]
    env = {**os.environ, **server.env}
    trace.t0 = time.monotonic()
    recorders = [subprocess.Popen([*rec, f"--device={dev}", str(trace.work / name)], env=env)
                 for dev, name in ((source, "out.wav"), (f"{ROOM}.monitor", "mic.wav"),
                                   (f"{sink}.monitor", "played.wav"))]
    try:
        clips = [quieter(synth_wav(t, trace.work / f"c{i}.wav")) for i, t in enumerate(COMMANDS)]
        text = " ".join(assistant.pack.reply(k) for k in REPLY_KEYS)
        for attempt in range(tries):
            speak(assistant, text, "bench.long")
            time.sleep(1.5)
            started = time.monotonic()
            if no_voice:  # the same replies and stops, nobody speaking (no double talk)
                time.sleep(1.0)
                ended = time.monotonic()
            else:
                ended = say_in_room(server, clips[attempt % len(clips)])
            trace.tries.append((started, ended, clips[attempt % len(clips)]))
            time.sleep(3)
            assistant.speaker.stop()
            assistant.speaker.wait_idle(60)
            time.sleep(1)
    finally:
        for recorder in recorders:
            recorder.terminate()
            recorder.wait(timeout=10)


def report(trace: Trace) -> None:
    out, mic = read(trace.work / "out.wav"), read(trace.work / "mic.wav")
    played = read(trace.work / "played.wav")
    for n, (started, ended, path) in enumerate(trace.tries):
        clip = to_16k(path)
        at = locate(mic, clip, int((started - trace.t0) * RATE), RATE)
        loud = np.flatnonzero(np.abs(clip) > 0.02 * np.abs(clip).max())
        voice = slice(at + loud[0], at + loud[-1])
        print(f"try {n}: {COMMANDS[n % len(COMMANDS)]!r}")
        for when, what in trace.events:
            if started - 0.5 <= when <= ended + 2.9:
                print(f"   {1000 * (when - ended):+6.0f} ms  {what}")
        before = slice(at - RATE, at)
        print(f"   echo in the second before: microphone {db(mic[before]):.0f} dB, cancelled "
              f"{db(out[before]):.0f} dB (ERLE {db(mic[before]) - db(out[before]):.0f} dB); "
              f"voice {db(clip[loud[0]:loud[-1]]):.0f} dB, cancelled during it "
              f"{db(out[voice]):.0f} dB")
        print(f"   echo path (what the canceller's sink played to the microphone): "
              f"{echo_delay(played, mic, at) * 1000:.0f} ms")
        print(f"   voice let through per 100 ms: {passed(out, clip, at)}")
        window = slice(at - RATE // 2, voice.stop + RATE)
        print(f"   offline: cancelled {decode(out[window])!r}; raw microphone "
              f"{decode(mic[window])!r}; command alone {decode(clip)!r}")
    print("recordings:", trace.work)


def erle(trace: Trace) -> None:
    out, mic = read(trace.work / "out.wav"), read(trace.work / "mic.wav")
    figures = []
    for _started, ended, _path in trace.tries:
        at = int((ended - trace.t0) * RATE)
        window = slice(at - 2 * RATE, at)
        figures.append(round(db(mic[window]) - db(out[window])))
    print(f"ERLE (dB) in the 2 s before each stop: {figures}")
    print("recordings:", trace.work)


def to_16k(path: Path) -> np.ndarray:
    out = path.with_name(f"{path.stem}.16k.wav")
    subprocess.run(["sox", "-D", str(path), "-r", str(RATE), "-c", "1", "-b", "16", str(out)],
                   check=True, timeout=60)
    return read(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=4)
    parser.add_argument("--echo-db", type=float, default=0.0,
                        help="the assistant's voice at the microphone, dB relative to the user's")
    parser.add_argument("--aec-args", default=ROOM_AEC_ARGS, help="the canceller's aec_args")
    parser.add_argument("--no-voice", action="store_true",
                        help="the same replies and stops with nobody speaking: only the "
                             "echo's reduction before each stop is printed")
    parser.add_argument("--server-duck", action="store_true",
                        help="a hold also turns the playback stream down on the sound server "
                             "(its volume applies to what is already buffered there)")
    parser.add_argument("--hold-on-voice", action="store_true",
                        help="hold on the double-talk check at the voice's onset, not on a "
                             "command word (what a pack without barge_in_words does)")
    args = parser.parse_args()
    logging.basicConfig(format="  %(relativeCreated)d %(name)s %(message)s",
                        level=logging.WARNING)
    for name in ("skill.barge_in", "skill.listening"):
        logging.getLogger(name).setLevel(logging.INFO)
    os.environ.setdefault("CRAMP_COACH_HOME", tempfile.mkdtemp(prefix="trace-barge-"))
    trace = Trace(Path(tempfile.mkdtemp(prefix="trace-barge-")))
    run(trace, args.tries, args.hold_on_voice, args.server_duck, args.no_voice, args.echo_db,
        args.aec_args)
    if args.no_voice:
        erle(trace)
    else:
        report(trace)


if __name__ == "__main__":
    main()
