"""Idle cost of listening: CPU per 60 s of silence and room noise, with and without the voice gate.

Audio is fed as fast as the pipeline takes it; the figure is process CPU-seconds per 60 s of audio,
as a percentage of one core in real time (CPU-seconds / 60 s * 100). With --live, the whole
assistant (the Assistant `cramp-coach run` builds: real MicrophoneSource on a private PulseAudio
null sink's monitor, speech queue, timer thread, reminder scheduler) also idles 60 s in real time
on a silent sink and 60 s with room noise played into it, before any reply and again after one
(once [speech] output_idle_seconds closed the speaker's stream), plus 20 s right after the reply
while that stream still plays silence; that figure is the process's whole CPU.
Run: python -m bench.idle_cpu
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import tempfile
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Row, Spread, argv_tail, command, write_rows
from skill.asr.factory import build_recognizer
from skill.audio.settings import VoiceSettings
from skill.audio.sources import CHUNK_BYTES
from skill.interfaces import SAMPLE_RATE
from skill.listening import ListeningService, build_gate

SECONDS = 60.0


def silence(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """A quiet bedroom through a cheap microphone: self-noise around -66 dBFS."""
    return rng.normal(0, 16, int(seconds * SAMPLE_RATE))


def room_noise(seconds: float, rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    """A fan and the street: brown-ish noise around -40 dBFS, mains hum, a few soft knocks."""
    count = int(seconds * SAMPLE_RATE)
    brown = np.cumsum(rng.normal(0, 1, count))
    brown -= np.convolve(brown, np.ones(400) / 400, mode="same")  # drop the drift, keep the rumble
    brown *= 320 / (np.std(brown) or 1.0)
    t = np.arange(count) / SAMPLE_RATE
    hum = 120 * np.sin(2 * np.pi * 50 * t) + 60 * np.sin(2 * np.pi * 100 * t)
    hiss = rng.normal(0, 60, count)
    knocks = np.zeros(count)
    for start in rng.integers(0, count - 800, int(seconds / 10)):
        knocks[start : start + 800] += rng.normal(0, 1500, 800) * np.exp(-np.arange(800) / 120)
    return (brown + hum + hiss + knocks) * gain


class ArraySource:
    def __init__(self, samples: np.ndarray) -> None:
        self.pcm = np.clip(samples, -32768, 32767).astype("<i2").tobytes()

    def chunks(self) -> Iterator[bytes]:
        for start in range(0, len(self.pcm), CHUNK_BYTES):
            yield self.pcm[start : start + CHUNK_BYTES]

    def close(self) -> None:
        pass


def measure(samples: np.ndarray, gated: bool, language: str) -> tuple[float, int]:
    """CPU-seconds the pipeline spends on `samples`, and how many transcripts it produced."""
    settings = VoiceSettings(vad_gate=gated)
    recognizer = build_recognizer(settings, language)
    heard: list[str] = []
    service = ListeningService(ArraySource(samples), recognizer, heard.append,
                               gate=build_gate(settings))
    start = time.process_time()
    service.run()
    return time.process_time() - start, len(heard)


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def thread_cpu() -> dict[str, float]:
    """CPU-seconds so far per thread of this process (schedstat, ns resolution), named by their
    Python thread name; threads Python did not start (PortAudio, PulseAudio client) are
    'native: <comm>'."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            ns = int((task / "schedstat").read_text().split()[0])
            comm = (task / "comm").read_text().strip()
        except (OSError, ValueError, IndexError):
            continue  # the thread ended meanwhile
        name = names.get(int(task.name)) or f"native: {comm}"
        name = re.sub(r"-\d+$", "", name)  # several timer threads of one kind count together
        out[name] = out.get(name, 0.0) + ns / 1e9
    return out


def breakdown(before: dict[str, float], after: dict[str, float], wall: float) -> dict[str, float]:
    """% of a core per thread over `wall` seconds, largest first; threads under 0.005 % left out."""
    spent = {name: (after[name] - before.get(name, 0.0)) / wall * 100 for name in after}
    return dict(sorted(((k, v) for k, v in spent.items() if v >= 0.005),
                       key=lambda kv: -kv[1]))


def write_wav(samples: np.ndarray, path: Path) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())
    return path


@dataclass(frozen=True)
class Idle:
    """One real-time idle measurement of the running assistant."""

    percent: float
    """The assistant process, % of one core."""
    threads: dict[str, float]
    """The same per thread."""
    server: float
    """The PulseAudio server process meanwhile (not part of the assistant), % of a core."""
    others: float
    """Everything else on the machine (other developers' load), % of a core."""


def pid_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_once(seconds: float, server_pid: int) -> Idle:
    from bench.run_all import machine_cpu_seconds

    cpu, threads, server = process_cpu(), thread_cpu(), pid_cpu(server_pid)
    machine, wall = machine_cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    wall = time.monotonic() - wall
    ours = process_cpu() - cpu
    theirs = pid_cpu(server_pid) - server
    others = max(0.0, machine_cpu_seconds() - machine - ours - theirs)
    spent = breakdown(threads, thread_cpu(), wall)
    # Threads that ended meanwhile (a closed stream's, PortAudio call threads) are only in the
    # process total.
    rest = ours / wall * 100 - sum(spent.values())
    if rest >= 0.005:
        spent["(ended threads, or under 0.005 % each)"] = rest
    return Idle(ours / wall * 100, spent, theirs / wall * 100, others / wall * 100)


REPLY = "종아리를 쭉 펴고 발끝을 몸 쪽으로 당기세요."
"""What the assistant says between the 'before' and 'after' rows (any reply opens the output)."""
OPEN_SECONDS = 20.0
"""How long the 'output still open' row idles right after the reply (output_idle_seconds 30)."""


def live(noise: np.ndarray, repeats: int, seconds: float
         ) -> tuple[dict[str, list[Idle]], int, float]:
    """The whole running assistant idling `repeats` x `seconds` in a silent and a noisy room,
    before any reply and after one (once its output stream closed), and `OPEN_SECONDS` right
    after a reply while the output stream still plays silence; also the load average."""
    from skill.assistant import Assistant
    from skill.config import parse_config
    from tests.pulse import PulseServer

    workdir = Path(tempfile.mkdtemp(prefix="coach-idle-"))
    os.environ["CRAMP_COACH_HOME"] = str(workdir / "home")
    server = PulseServer()
    server.start()
    assert server.process is not None
    os.environ.update(server.env)
    config, _ = parse_config('[general]\nlanguage = "ko"\n')
    assistant = Assistant(config)
    out: dict[str, list[Idle]] = {f"{room}{state}": [] for state in ("", ", after a reply")
                                  for room in ("silence", "room noise")}
    out["silence, output still open after a reply"] = []
    wav = write_wav(np.tile(noise, 2), workdir / "noise.wav")
    load = os.getloadavg()[0]
    try:
        assistant.start()
        if assistant.listening is None:
            raise RuntimeError(assistant.listening_problem)
        time.sleep(3.0)  # start-up work (threads, the first monitor data) settles first
        woken = count_wake_ups(assistant)
        for _ in range(repeats):
            for room in ("silence", "room noise"):
                out[room].append(idle_room(room, seconds, server, wav, woken))
        for _ in range(repeats):
            reply(assistant, server, out["silence, output still open after a reply"])
            for room in ("silence", "room noise"):
                out[f"{room}, after a reply"].append(idle_room(room, seconds, server, wav,
                                                               woken))
        utterances = assistant.listening.status.utterances
    finally:
        assistant.stop()
        server.cleanup()
    return out, utterances, (load + os.getloadavg()[0]) / 2


def reply(assistant: Any, server: Any, still_open: list[Idle]) -> None:
    """Say REPLY, idle OPEN_SECONDS while the output stays open, then wait until it closed."""
    assistant.speaker.say(REPLY)
    if not assistant.speaker.wait_idle(60):
        raise RuntimeError("the reply did not end")
    time.sleep(1.0)  # the reply's last sound and the microphone's unmute
    still_open.append(idle_once(OPEN_SECONDS, server.process.pid))
    print_idle("silence, output still open after a reply", still_open[-1])
    deadline = time.monotonic() + assistant.config.speech.output_idle_seconds + 30
    while server.playback_streams():
        if time.monotonic() > deadline:
            raise RuntimeError("the output stream did not close")
        time.sleep(0.5)
    time.sleep(1.0)


def count_wake_ups(assistant: Any) -> dict[str, int]:
    """Counts, as they happen, of the speaker's warm-ups (the voice gate opened) and of the
    sentences it said (a reminder, say): either opens the output stream for a while."""
    woken = {"warm-ups": 0, "sentences": 0}
    speaker = assistant.speaker
    warm_up, on_spoken = speaker.warm_up, speaker.spoken.on_spoken

    def warmed() -> None:
        woken["warm-ups"] += 1
        warm_up()

    def spoken(text: str, key: str) -> None:
        woken["sentences"] += 1
        if on_spoken is not None:
            on_spoken(text, key)

    speaker.warm_up, speaker.spoken.on_spoken = warmed, spoken
    return woken


def idle_room(room: str, seconds: float, server: Any, wav: Path,
              woken: dict[str, int] | None = None) -> Idle:
    """One idle measurement in `room` ('silence' or 'room noise', played into the sink)."""
    before = dict(woken or {})
    player = None
    if room == "room noise":
        player = subprocess.Popen(["paplay", str(wav)], env={**os.environ, **server.env})
        time.sleep(1.0)
    try:
        idle = idle_once(seconds, server.process.pid)
    finally:
        if player is not None:
            player.terminate()
            player.wait(10)
    print_idle(room, idle)
    if woken:
        print("    meanwhile: " + ", ".join(f"{k} {v - before[k]}" for k, v in woken.items()))
    return idle


def print_idle(name: str, idle: Idle) -> None:
    print(f"whole assistant, live, {name}: {idle.percent:.2f}% of a core "
          f"(sound server {idle.server:.2f}%, rest of machine {idle.others:.0f}%)")
    for thread, percent in idle.threads.items():
        print(f"    {thread:<28}{percent:>7.3f}%")


def live_row(name: str, idles: list[Idle], seconds: float, cmd: str, load: float) -> Row:
    spread = Spread.of([i.percent for i in idles])
    threads = {k: statistics.median(i.threads.get(k, 0.0) for i in idles)
               for k in idles[0].threads}
    top = sorted(threads.items(), key=lambda kv: -kv[1])[:6]
    others = statistics.median(i.others for i in idles)
    note = (", ".join(f"{k} {v:.2f}" for k, v in top) + " (% of a core, medians); "
            f"PulseAudio server {statistics.median(i.server for i in idles):.2f} % besides; "
            f"rest of the machine {others:.0f} % of a core meanwhile, load average {load:.1f}")
    still_open = "still open" in name
    if still_open:
        seconds = OPEN_SECONDS
    target = "" if still_open else "<= 0.5 %"
    return Row(2, f"whole assistant live on PulseAudio, {seconds:g} s {name}, gate on", "% core",
               spread, target, None if still_open else spread.median <= 0.5, cmd, note=note,
               details={"threads": threads, "others": [i.others for i in idles]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ko")
    parser.add_argument("--repeats", type=int, default=3, help="measurements per row")
    parser.add_argument("--live", action="store_true",
                        help="also idle the whole assistant in real time (2 minutes a repeat)")
    parser.add_argument("--live-repeats", type=int, default=2)
    parser.add_argument("--live-seconds", type=float, default=SECONDS)
    parser.add_argument("--live-only", action="store_true", help="skip the pipeline rows")
    parser.add_argument("--json", type=Path, help="write result rows here (for run_all)")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    signals = {
        "silence": silence(SECONDS, rng),
        "room noise": room_noise(SECONDS, rng),
        "loud room": room_noise(SECONDS, rng, gain=4.0),
    }
    build_recognizer(VoiceSettings(), args.lang)  # load the model outside the measurement
    cmd = command("bench.idle_cpu", *argv_tail())
    rows: list[Row] = []
    print(f"{'audio (60 s)':<14}{'gate':<6}{'CPU-s':>8}{'% of a core':>13}{'transcripts':>13}")
    for name, samples in ({} if args.live_only else signals).items():
        for gated in (False, True):
            percents = []
            for _ in range(args.repeats):
                cpu, heard = measure(samples, gated, args.lang)
                percents.append(cpu / SECONDS * 100)
                print(f"{name:<14}{'on' if gated else 'off':<6}{cpu:>8.3f}"
                      f"{cpu / SECONDS * 100:>12.2f}%{heard:>13}")
            target = "<= 0.5 %" if gated and name != "loud room" else ""
            spread = Spread.of(percents)
            rows.append(Row(2, f"pipeline, 60 s {name}, gate {'on' if gated else 'off'}",
                            "% core", spread, target,
                            spread.median <= 0.5 if target else None, cmd,
                            note=f"{heard} transcripts" if heard else ""))
    if args.live:
        result, _, load = live(signals["room noise"], args.live_repeats, args.live_seconds)
        rows += [live_row(name, idles, args.live_seconds, cmd, load)
                 for name, idles in result.items()]
    write_rows(rows, args.json)


if __name__ == "__main__":
    main()
