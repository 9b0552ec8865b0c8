"""End of speech to first audio out, through the real Assistant (Korean model).

WAV runs: a synthesised Korean question is spliced into an endless real-time microphone stand-in
(100 ms chunks, each delivered when it would have been recorded, over a -66 dBFS noise floor);
"end of speech" is the wall time the last loud 10 ms of the question was spoken. The Assistant is
the one `cramp-coach run` builds (gate, VoskRecognizer, IntentMatcher, Conversation with diary,
SpeechQueue on a private PulseAudio null sink); thin subclasses time each stage. "First audio" is
when the player's callback hands the reply's first sample to PortAudio (the device adds its
latency, printed). Each run starts a fresh conversation, so it hears a first cramp of the night;
'warm' runs find the reply in the speech cache (every later night), 'cold' runs emptied it first.

Pulse runs: the question is played with paplay into the null sink, the assistant's real
MicrophoneSource records the sink's monitor, and the figure is read off a recording of the sink
(first reply sound minus end of question). Run: .venv/bin/python -m bench.response_latency
"""

from __future__ import annotations

import argparse
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Row, Spread, argv_tail, command, read_pcm, speech_bounds, write_rows
from intents.match import IntentMatch
from skill.assistant import Assistant
from skill.audio.sources import CHUNK_BYTES
from skill.config import Config, parse_config
from skill.interfaces import SAMPLE_RATE
from skill.speech.cache import SpeechCache
from skill.speech.player import Played, StreamPlayer
from skill.speech.speech_queue import SpeechQueue
from skill.speech.synth import Pyttsx3Synth, Voice
from tests.pulse import PulseServer, synth_wav

QUESTION = "왼쪽 종아리에 쥐가 났어요"
EXPECTED_INTENT = "cramp.calf"
CONFIG = """
[general]
language = "ko"
[reminders]
enabled = false
"""
CHUNK_SECONDS = CHUNK_BYTES / 2 / SAMPLE_RATE
NOON = datetime(2024, 5, 1, 12)
"""Speech-queue clock: daytime, so no night chime comes before the reply whenever this runs."""
TARGET_MS = 400.0
STAGES = ("endpoint wait", "decode", "match", "dialogue", "synthesis", "playback start")


@dataclass
class Trace:
    """Monotonic timestamps of one run; stages are consecutive differences."""

    end_of_speech: float = 0.0
    final_call: float = 0.0
    final_done: float = 0.0
    transcript: str = ""
    match_start: float = 0.0
    match_end: float = 0.0
    intent: str | None = None
    first_say: float = 0.0
    play_call: float = 0.0
    first_sample: float = 0.0
    synth_seconds: list[float] = field(default_factory=list)
    early_checks: list[tuple[str, bool]] = field(default_factory=list)
    """Partial transcripts the early commit looked at, and whether it answered them at once."""
    played: threading.Event = field(default_factory=threading.Event)
    playing: threading.Event = field(default_factory=threading.Event)

    def stages(self) -> dict[str, float]:
        points = [self.end_of_speech, self.final_call, self.final_done, self.match_end,
                  self.first_say, self.play_call, self.first_sample]
        stages = {name: (b - a) * 1000 for name, a, b in zip(STAGES, points, points[1:],
                                                              strict=False)}
        # Matching sits inside the dialogue call; the hand-off before it counts as dialogue.
        stages["match"] = (self.match_end - self.match_start) * 1000
        stages["dialogue"] = (self.first_say - self.final_done) * 1000 - stages["match"]
        stages["total"] = (self.first_sample - self.end_of_speech) * 1000
        return stages


class Probe:
    """Where the timing wrappers write: the trace of the run in progress."""

    def __init__(self) -> None:
        self.trace = Trace()
        self.player: StreamPlayer | None = None
        self.last_partial = (0.0, 0.0)
        """Start and end of the latest partial() call (an early commit answers its text)."""


class TimedRecognizer:
    def __init__(self, inner: Any, probe: Probe) -> None:
        self.inner = inner
        self.probe = probe

    def _timed(self, call: Callable[[], str | None]) -> str | None:
        start = time.monotonic()
        text = call()
        if text and not self.probe.trace.transcript:
            trace = self.probe.trace
            trace.final_call, trace.final_done, trace.transcript = start, time.monotonic(), text
        return text

    def feed(self, chunk: bytes) -> str | None:
        return self._timed(lambda: self.inner.feed(chunk))

    def partial(self) -> str:
        start = time.monotonic()
        text = str(self.inner.partial())
        self.probe.last_partial = (start, time.monotonic())
        return text

    def flush(self) -> str | None:
        return self._timed(self.inner.flush)

    def reset(self) -> None:
        self.inner.reset()


class TimedMatcher:
    def __init__(self, inner: Any, probe: Probe) -> None:
        self.inner = inner
        self.probe = probe

    def match(self, text: str) -> IntentMatch:
        start = time.monotonic()
        result: IntentMatch = self.inner.match(text)
        trace = self.probe.trace
        if not trace.match_end:
            trace.match_start, trace.match_end, trace.intent = start, time.monotonic(), \
                result.intent
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class TimedSynth(Pyttsx3Synth):
    probe: Probe

    def synthesize(self, text: str, voice: Voice, path: Path) -> Path:
        start = time.monotonic()
        try:
            return super().synthesize(text, voice, path)
        finally:
            self.probe.trace.synth_seconds.append(time.monotonic() - start)


class TimedPlayer(StreamPlayer):
    probe: Probe

    def play(self, samples: Any, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played:
        trace = self.probe.trace
        if not trace.play_call:
            trace.play_call = time.monotonic()
            trace.playing.set()
        return super().play(samples, rate, cut, watchdog)


class TimedSpeechQueue(SpeechQueue):
    probe: Probe

    def say(self, text: str, *, key: str = "", flow: str = "", urgent: bool = False,
            on_done: Callable[[bool], None] | None = None) -> None:
        trace = self.probe.trace
        if not trace.first_say:
            trace.first_say = time.monotonic()
        super().say(text, key=key, flow=flow, urgent=urgent, on_done=on_done)


class RealtimeFeed:
    """A microphone stand-in: noise floor in real time, with utterances spliced in on request."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._floor = np.clip(rng.normal(0, 16, SAMPLE_RATE * 10), -32768, 32767).astype("<i2")
        self._pending: queue.Queue[tuple[np.ndarray, Callable[[float], None]]] = queue.Queue()
        self._closed = threading.Event()

    def say(self, samples: np.ndarray, on_start: Callable[[float], None]) -> None:
        """Splice `samples` in at the next chunk; on_start(wall time of its first sample)."""
        self._pending.put((samples, on_start))

    def chunks(self) -> Iterator[bytes]:
        step = CHUNK_BYTES // 2
        start = time.monotonic()
        n = 0
        speech: np.ndarray | None = None
        spoken = 0
        while not self._closed.is_set():
            chunk_start = start + n * CHUNK_SECONDS
            delay = chunk_start + CHUNK_SECONDS - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if speech is None and not self._pending.empty():
                speech, on_start = self._pending.get()
                spoken = 0
                on_start(chunk_start)
            at = (n * step) % (len(self._floor) - step)
            chunk = self._floor[at : at + step].astype(np.int32)
            if speech is not None:
                part = speech[spoken : spoken + step]
                chunk[: len(part)] += part
                spoken += step
                if spoken >= len(speech):
                    speech = None
            n += 1
            yield np.clip(chunk, -32768, 32767).astype("<i2").tobytes()

    def close(self) -> None:
        self._closed.set()


def korean_config(voice: list[str], output_idle: float | None = None) -> Config:
    extra = "[voice]\n" + "\n".join(voice) + "\n" if voice else ""
    if output_idle is not None:
        extra += f"[speech]\noutput_idle_seconds = {output_idle}\n"
    config, _ = parse_config(CONFIG + extra)
    return config


def instrumented_assistant(config: Config, probe: Probe, source: Any | None,
                           cache: SpeechCache) -> Assistant:
    """The Assistant `cramp-coach run` builds, with its speaker swapped for a timed one."""
    assistant = Assistant(config, source=source)
    plain = assistant.speaker
    synth = TimedSynth(timeout=config.speech.watchdog_seconds)
    synth.probe = probe
    player = TimedPlayer(config.speech.output_device)
    player.probe = probe
    probe.player = player
    speaker = TimedSpeechQueue(config.speech, default_voice=assistant.pack.tts_voice,
                               clock=lambda: NOON, synth=synth, player=player, cache=cache,
                               on_played=lambda _text, played: _on_played(probe, played),
                               echo=None)
    speaker.probe = probe
    assistant.speaker = speaker
    assistant.conversation.speaker = speaker
    assistant.conversation.matcher = TimedMatcher(assistant.conversation.matcher, probe)
    if hasattr(plain, "close"):
        plain.close()
    return assistant


def _on_played(probe: Probe, played: Played) -> None:
    trace = probe.trace
    if not trace.first_sample and played.started_at is not None:
        trace.first_sample = played.started_at
    trace.played.set()


def fresh_conversation(assistant: Assistant) -> None:
    """A new session, as if the assistant had just started: disclaimer, then first aid."""
    old = assistant.conversation
    old.close()
    assistant.conversation = assistant.new_conversation()
    assistant.conversation.matcher = old.matcher  # keeps the timing probe around the matcher


def settle(assistant: Assistant) -> None:
    """Speech cut and the microphone unmuted (speaking tail over) before the next question."""
    assistant.speaker.stop()
    assistant.speaker.wait_idle(10)
    time.sleep(assistant.config.voice.speaking_tail + 0.4)


def cut_after_first_sample(assistant: Assistant, trace: Trace, timeout: float) -> bool:
    """Wait for the reply's first sample, then stop it (the rest of the flow is not timed)."""
    if not trace.playing.wait(timeout):
        return False
    trace.played.wait(0.5)
    assistant.speaker.stop()
    return trace.played.wait(5)


def wav_runs(assistant: Assistant, feed: RealtimeFeed, probe: Probe, question: np.ndarray,
             end_offset: float, runs: int, cache: SpeechCache, cold: bool) -> list[Trace]:
    traces = []
    for _ in range(runs):
        settle(assistant)
        fresh_conversation(assistant)
        if cold:
            for path in cache.root.glob("*.wav"):
                path.unlink()
        trace = probe.trace = Trace()
        started = threading.Event()

        def on_start(wall: float, trace: Trace = trace, started: threading.Event = started) -> None:
            trace.end_of_speech = wall + end_offset
            started.set()

        feed.say(question, on_start)
        ok = started.wait(5) and cut_after_first_sample(assistant, trace, 20)
        if ok and trace.first_sample and trace.final_call:
            traces.append(trace)
        else:
            print(f"  run failed: heard {trace.transcript!r} intent {trace.intent}")
    return traces


def pulse_runs(config: Config, server: PulseServer, question_wav: Path, runs: int,
               cache: SpeechCache, workdir: Path, closed: bool = False,
               ) -> tuple[list[float], list[Trace]]:
    """Question played into the null sink; the assistant listens on its monitor. `closed`: each
    question only once the speaker's output stream has closed (output_idle_seconds), so the
    reply needs the stream opened again (as the voice gate's warm-up does)."""
    probe = Probe()
    assistant = instrumented_assistant(config, probe, None, cache)
    assistant.start()
    listening = assistant.listening
    assert listening is not None, assistant.listening_problem
    listening.recognizer = TimedRecognizer(listening.recognizer, probe)
    listening.is_complete = watched(listening.is_complete, probe)
    question = read_pcm(question_wav)
    voiced = speech_bounds(question)
    measured: list[float] = []
    traces: list[Trace] = []
    try:
        time.sleep(2.5)  # a fresh monitor source may deliver nothing for about two seconds
        for n in range(runs):
            settle(assistant)
            fresh_conversation(assistant)
            if closed:
                wait_closed(server)
            trace = probe.trace = Trace()
            recording = workdir / f"room{n}.wav"
            recorder = server.record(recording, 30)
            time.sleep(0.5)
            server.play(question_wav)
            ok = cut_after_first_sample(assistant, trace, 20)
            time.sleep(0.3)
            recorder.terminate()
            recorder.wait(10)
            gap = reply_gap(read_pcm(recording), voiced[1] - voiced[0]) if ok else None
            if gap is None:
                print(f"  pulse run failed: heard {trace.transcript!r} intent {trace.intent}")
                continue
            measured.append(gap * 1000)
            traces.append(trace)
            print(f"  pulse run: {gap * 1000:.0f} ms, heard {trace.transcript!r}, early commit "
                  f"checks {trace.early_checks}")
    finally:
        assistant.stop()
    return measured, traces


def wait_closed(server: PulseServer, timeout: float = 60.0) -> None:
    """Until the sound server has no playback stream left (the speaker's output closed)."""
    deadline = time.monotonic() + timeout
    while server.playback_streams():
        if time.monotonic() > deadline:
            raise RuntimeError("the speaker's output stream did not close")
        time.sleep(0.2)


def watched(is_complete: Callable[[str], bool] | None,
            probe: Probe) -> Callable[[str], bool] | None:
    """The early-commit test, noting what it was asked and said in the trace."""
    if is_complete is None:
        return None
    inner = is_complete

    def check(text: str) -> bool:
        answer = inner(text)
        trace = probe.trace
        trace.early_checks.append((text, answer))
        if answer and not trace.transcript:
            # The early commit answers this partial: its decode was the partial() call.
            trace.final_call, trace.final_done = probe.last_partial
            trace.transcript = text
        return answer

    return check


def reply_gap(room: np.ndarray, question_seconds: float) -> float | None:
    """Seconds from the end of the question to the first reply sound, in a sink recording."""
    try:
        onset, _ = speech_bounds(room)
    except ValueError:
        return None
    question_end = onset + question_seconds
    after = room[int((question_end + 0.05) * SAMPLE_RATE):]
    try:
        reply, _ = speech_bounds(after)
    except ValueError:
        return None
    return reply + 0.05


def pulse_stages(totals: list[float], traces: list[Trace],
                 latency: float) -> dict[str, Spread]:
    """Where the milliseconds of the PulseAudio loop go. The recording gives the total; the
    process times everything from the transcript on; the rest before it is capture (the sound
    server and the 100 ms microphone blocks) plus the endpoint wait (gate pause)."""
    device = latency * 1000
    rows: dict[str, list[float]] = {k: [] for k in (
        "capture + endpoint wait", "decode", "match", "dialogue", "synthesis", "playback start",
        "output device (PortAudio estimate)")}
    for total, trace in zip(totals, traces, strict=True):
        stages = trace.stages()
        inside = (trace.first_sample - trace.final_call) * 1000
        rows["capture + endpoint wait"].append(total - inside - device)
        for key in ("decode", "match", "dialogue", "synthesis", "playback start"):
            rows[key].append(stages[key])
        rows["output device (PortAudio estimate)"].append(device)
    return {k: Spread.of(v) for k, v in rows.items()}


def summarise(name: str, traces: list[Trace]) -> dict[str, Spread]:
    stages = [t.stages() for t in traces]
    spreads = {key: Spread.of([s[key] for s in stages]) for key in (*STAGES, "total")}
    synth = Spread.of([t.synth_seconds[0] * 1000 for t in traces if t.synth_seconds])
    print(f"\n{name}: {len(traces)} runs; heard {sorted({t.transcript for t in traces})}, "
          f"intents {sorted({str(t.intent) for t in traces})}")
    print(f"| {'stage (ms)':<28} | {'median':>7} | {'p95':>7} | {'min':>7} | {'max':>7} |")
    print(f"|{'-' * 30}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for key, spread in [*spreads.items(), ("(of synthesis: TTS engine)", synth)]:
        if spread.runs:
            print(f"| {key:<28} | {spread.median:>7.1f} | {spread.p95:>7.1f} | "
                  f"{spread.low:>7.1f} | {spread.high:>7.1f} |")
    return spreads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="WAV runs per cache state")
    parser.add_argument("--pulse-runs", type=int, default=3)
    parser.add_argument("--cache", choices=("both", "warm"), default="both")
    parser.add_argument("--voice", nargs="+", default=[], metavar="KEY=VALUE",
                        help="[voice] overrides, e.g. hangover_ms=250 (default: the shipped ones)")
    parser.add_argument("--question", default=QUESTION,
                        help="what is asked (Korean; a short one leaves the output's warm-up "
                             "less time)")
    parser.add_argument("--output-idle", type=float, metavar="SECONDS",
                        help="[speech] output_idle_seconds, and each PulseAudio question only "
                             "once the output stream has closed (the reply reopens it)")
    parser.add_argument("--json", type=Path, help="write result rows here (for run_all)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="coach-latency-"))
    os.environ["CRAMP_COACH_HOME"] = str(workdir / "home")
    server = PulseServer()
    server.start()
    os.environ.update(server.env)
    config = korean_config(args.voice, args.output_idle)
    setting = "".join(f", {v}" for v in args.voice)
    closed = args.output_idle is not None
    question_wav = synth_wav(args.question, workdir / "question.wav", voice="ko")
    question = read_pcm(question_wav)
    end_offset = speech_bounds(question)[1]
    cache = SpeechCache(workdir / "speech-cache")
    probe = Probe()
    feed = RealtimeFeed(np.random.default_rng(7))
    assistant = instrumented_assistant(config, probe, feed, cache)
    rows: list[Row] = []
    cmd = command("bench.response_latency", *argv_tail())
    try:
        assistant.start()
        listening = assistant.listening
        assert listening is not None, assistant.listening_problem
        listening.recognizer = TimedRecognizer(listening.recognizer, probe)
        listening.is_complete = watched(listening.is_complete, probe)
        wav_runs(assistant, feed, probe, question, end_offset, 2, cache, cold=False)  # warm up
        results = {}
        for cold in (False, True) if args.cache == "both" else (False,):
            traces = wav_runs(assistant, feed, probe, question, end_offset, args.runs, cache,
                              cold)
            label = ("cache cold" if cold else "cache warm") + setting
            results[label] = (summarise(f"WAV in real time, {label}", traces), traces)
        latency = probe.player.output_latency if probe.player else float("nan")
    finally:
        assistant.stop()
        feed.close()
    try:
        pulse, pulse_traces = pulse_runs(config, server, question_wav, args.pulse_runs, cache,
                                         workdir, closed) if args.pulse_runs else ([], [])
    finally:
        server.cleanup()
    print(f"\nPortAudio output latency after the first sample: {latency * 1000:.0f} ms "
          "(not included above)")
    for label, (spreads, traces) in results.items():
        total = spreads["total"]
        target = "" if setting else f"median <= {TARGET_MS:.0f} ms"
        rows.append(Row(
            1, f"end of speech -> first audio (WAV real time, {label})", "ms", total,
            target, total.median <= TARGET_MS if target else None, cmd,
            note=", ".join(f"{k} {spreads[k].median:.0f}" for k in STAGES) + " (medians, ms)",
            details={"stages": {k: s.__dict__ for k, s in spreads.items()},
                     "recognised": sum(t.intent == EXPECTED_INTENT for t in traces)},
        ))
    pulse_spread = Spread.of(pulse)
    stages = pulse_stages(pulse, pulse_traces, latency)
    for key, spread in stages.items():
        print(f"  pulse loop, {key:<36}{spread.median:>7.0f} ms median")
    if pulse_traces:
        note = ("from the sink recording; " + ", ".join(
            f"{k} {v.median:.0f}" for k, v in stages.items()) + " (medians, ms)")
    else:
        note = "no run was answered"
    print(f"PulseAudio loop (sink recording): {[round(p) for p in pulse]} ms")
    if args.pulse_runs:
        label = ", output closed before each question" if closed else ""
        rows.append(Row(1, f"end of speech -> reply heard (PulseAudio loop{label})", "ms",
                pulse_spread,
                f"median <= {TARGET_MS:.0f} ms",
                pulse_spread.median <= TARGET_MS if pulse_spread.runs else False, cmd, note=note,
                details={"stages": {k: s.__dict__ for k, s in stages.items()},
                         "answered": len(pulse), "tries": args.pulse_runs}))
    write_rows(rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
