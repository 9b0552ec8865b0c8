"""What the echo canceller lets through, per canceller setting: commands heard, self-openings.

One long Korean reply plays into the canceller's sink in tests/room.py's bedroom while Korean
commands are played into the room at known moments; the canceller's source (and the raw
microphone) are recorded, then fed offline through the product's own voice gate and grammar
recogniser. Counts: commands whose transcript is an exact command (what barge-in acts on),
gate openings on the assistant's voice alone (self-holds), and the echo's reduction (ERLE, dB).
`--held` silences the reply 0.45 s into each command, as barge-in's hold does (gate opening plus
the speaker buffer), so only the command's start is double talk.

    python -m bench.aec_probe --method webrtc --aec-args "analog_gain_control=0 ..."
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from intents.language import load_pack
from intents.matcher import IntentMatcher
from skill.barge_in import ACTING, BARGE_COMMIT_MS, command_of
from skill.interfaces import Recognizer
from skill.listening import ListeningService, build_gate, build_recognizer, complete_command
from tests.pulse import PulseServer, synth_wav
from tests.room import ROOM, bedroom
from tests.test_listening import SETTINGS, PcmSource

RATE = 16000
COMMANDS = ("좋아졌어요", "다시 말해 줘")
REPLY_KEYS = ("info.prevention.stretch", "info.prevention.covers", "info.prevention.medicines")
PERIOD = 4.0
"""Seconds from one command to the next; the first comes after WARMUP."""
WARMUP = 4.0
HOLD_AFTER = 0.45


def read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as clip:
        assert clip.getframerate() == RATE
        return np.frombuffer(clip.readframes(clip.getnframes()), dtype="<i2").astype(np.float32)


def write(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())
    return path


def tracks(work: Path, count: int, held: bool, say: Sequence[str] = COMMANDS,
           duck_db: float | None = None) -> tuple[Path, Path, list[tuple[float, float]]]:
    """(reply WAV, user WAV, [(command start, end) s]) on one timeline; `held`: the reply
    silenced (or, with `duck_db`, that many dB quieter) from HOLD_AFTER into each command."""
    pack = load_pack("ko")
    reply = read(synth_wav(" ".join(pack.reply(k) for k in REPLY_KEYS), work / "reply.wav"))
    clips = [read(synth_wav(text, work / f"c{i}.wav"))
             for i, text in enumerate(say)]
    length = int((WARMUP + PERIOD * count + 2) * RATE)
    speech = np.tile(reply, length // len(reply) + 1)[:length]
    user = np.zeros(length, dtype=np.float32)
    spans = []
    for n in range(count):
        clip = clips[n % len(clips)]
        # The span is the voice (the clip's first and last loud sample; its quiet edges hold
        # soft consonants, so the clip itself is played whole).
        loud = np.flatnonzero(np.abs(clip) > 0.02 * np.abs(clip).max())
        at = int((WARMUP + PERIOD * n) * RATE)
        user[at:at + len(clip)] = clip
        start, end = at + loud[0], at + loud[-1] + 1
        spans.append((start / RATE, end / RATE))
        if held:
            gain = 0.0 if duck_db is None else 10 ** (duck_db / 20)
            speech[start + int(HOLD_AFTER * RATE):end + int(0.6 * RATE)] *= gain
    return write(work / "speech.wav", speech), write(work / "user.wav", user), spans


def play_and_record(server: PulseServer, sink: str, source: str, speech: Path, user: Path,
                    work: Path) -> tuple[np.ndarray, np.ndarray]:
    env = {**os.environ, **server.env}
    rec = ["parecord", "--rate=16000", "--channels=1", "--format=s16le", "--file-format=wav",
           "--latency-msec=20"]
    recorders = [subprocess.Popen([*rec, f"--device={dev}", str(work / name)], env=env)
                 for dev, name in ((source, "out.wav"), (f"{ROOM}.monitor", "mic.wav"))]
    time.sleep(1.0)
    players = [subprocess.Popen(["paplay", f"--device={sink}", str(speech)], env=env),
               subprocess.Popen(["paplay", f"--device={ROOM}", str(user)], env=env)]
    for p in players:
        p.wait(timeout=600)
    time.sleep(1.0)
    for r in recorders:
        r.terminate()
        r.wait(timeout=10)
    return read(work / "out.wav"), read(work / "mic.wav")


def align(out: np.ndarray, mic: np.ndarray, user: np.ndarray) -> int:
    """Samples from the recording's start to the user track's start (cross-correlation with the
    raw microphone, where the user's voice is intact)."""
    head = mic[: int((WARMUP + PERIOD + 3) * RATE)]
    probe = user[: int((WARMUP + PERIOD) * RATE)]
    size = 1 << int(np.ceil(np.log2(len(head) + len(probe))))
    corr = np.fft.irfft(np.fft.rfft(head, size) * np.conj(np.fft.rfft(probe, size)), size)
    return int(np.argmax(corr[: len(head) - len(probe) + 1]))


def ratio_db(out: np.ndarray, ref: np.ndarray, at: float) -> float:
    """Energy of the cancelled signal over the 200 ms before `at` against that of what was
    played over the 300 ms before it (dB)."""
    i = int(at * RATE)
    heard = float((out[max(0, i - RATE // 5):i] ** 2).mean()) if i > 0 else 0.0
    played = ref[max(0, i - int(0.3 * RATE)):i]
    energy = float((played**2).mean()) if len(played) else 0.0
    return 10 * float(np.log10(max(heard, 1.0) / max(energy, 1.0)))


def analyse(out: np.ndarray, mic: np.ndarray, offset: int,
            spans: list[tuple[float, float]], ref: np.ndarray | None = None,
            recognizer: Recognizer | None = None,
            classify: Callable[[str], str | None] | None = None,
            expect: str | None = None) -> dict[str, object]:
    """`recognizer`: the product's (grammar mode) unless given; `classify`: what acts
    (barge-in's command_of unless given); `expect`: the commands' intent (a command then counts
    only when it acts as itself, not as another command made of leftovers)."""
    matcher = IntentMatcher(load_pack("ko"))
    product = complete_command(matcher, SETTINGS.early_commit_score)
    rule = classify

    def complete(text: str) -> bool:
        # a given rule's commands commit early too, as the product's exact ones do
        return product(text) or (rule is not None and rule(text) in ACTING)

    classify = classify or command_of(matcher)
    events: list[tuple[float, str]] = []
    sample = [0]
    service = ListeningService(PcmSource(b""), recognizer or build_recognizer(SETTINGS, "ko"),
                               lambda text: events.append((sample[0] / RATE, text)),
                               gate=build_gate(SETTINGS), early_commit_ms=BARGE_COMMIT_MS,
                               is_complete=complete,
                               on_voice=lambda on: events.append((sample[0] / RATE, "<open>"))
                               if on else None)
    pcm = out.astype("<i2").tobytes()
    for start in range(0, len(pcm), 960):
        sample[0] = start // 2
        service.process(pcm[start:start + 960])
    shift = offset / RATE
    heard: list[str | None] = []
    for begin, end in spans:
        said = [t for when, t in events if begin + shift <= when <= end + shift + 1.5
                and t != "<open>"]
        heard.append(" | ".join(said) if said else None)
    acted = sum(any(classify(p) == expect if expect else classify(p) in ACTING
                    for p in h.split(" | ")) for h in heard if h)
    busy = [(b + shift - 0.5, e + shift + 1.5) for b, e in spans]
    # ms from each command's end to the end of the 30 ms chunk whose transcript acted
    # (decoding time left out: the recogniser runs faster than real time here).
    latency = [next((round(1000 * (when + 0.03 - end - shift)) for when, t in events
                     if begin + shift <= when <= end + shift + 1.5 and t != "<open>"
                     and classify(t) in ACTING), -1) for begin, end in spans]
    self_acted = [t for w, t in events if t != "<open>" and w > shift + 2.0
                  and not any(lo <= w <= hi for lo, hi in busy) and classify(t) in ACTING]
    lone = [w for w, t in events if t == "<open>" and w > shift + 2.0
            and not any(lo <= w <= hi for lo, hi in busy)]
    ratios: dict[str, list[float]] = {"self": [], "command": [], "self_acts": []}
    if ref is not None:
        placed = np.zeros(len(out), dtype=np.float32)
        placed[offset:offset + len(ref)] = ref[: max(0, len(out) - offset)]
        for when, text in events:
            if text == "<open>" and when > shift + 2.0:
                kind = "command" if any(lo <= when <= hi for lo, hi in busy) else "self"
                ratios[kind].append(round(ratio_db(out, placed, when), 1))
        # the level at the opening before each act on its own voice (would a level check
        # have stopped it?)
        ratios["self_acts"] = [round(ratio_db(out, placed, max(
            (w for w, t in events if t == "<open>" and w <= when), default=when)), 1)
            for when, text in events if text in self_acted and text != "<open>"]
    quiet = np.ones(len(out), dtype=bool)
    quiet[: offset + 2 * RATE] = False
    for lo, hi in busy:
        quiet[max(0, int(lo * RATE)):int(hi * RATE)] = False
    quiet[len(mic):] = False
    n = min(len(out), len(mic))
    echo = (mic[:n][quiet[:n]] ** 2).mean()
    erle = 10 * np.log10(max(1.0, echo) / max(1.0, (out[:n][quiet[:n]] ** 2).mean()))
    return {"acted": acted, "heard": heard, "self_openings": len(lone), "ratios": ratios,
            "latency_ms": latency, "self_acted": self_acted,
            "echo_seconds": float(quiet.sum() / RATE), "erle_db": round(float(erle), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="webrtc")
    parser.add_argument("--aec-args", default="analog_gain_control=0 digital_gain_control=0")
    parser.add_argument("--extra", default="adjust_time=0", help="more module arguments")
    parser.add_argument("--echo-db", type=float, default=0.0)
    parser.add_argument("--commands", type=int, default=10)
    parser.add_argument("--held", action="store_true")
    parser.add_argument("--duck-db", type=float, default=None,
                        help="with --held: the reply this many dB quieter instead of silent")
    parser.add_argument("--room-rate", type=int, default=0)
    parser.add_argument("--no-voice", action="store_true", help="nobody speaks")
    parser.add_argument("--control", action="store_true",
                        help="also decode with barge-in's control grammar (aec_inproc_probe)")
    parser.add_argument("--say", default=",".join(COMMANDS), help="commands, comma-separated")
    args = parser.parse_args()
    os.environ.setdefault("CRAMP_COACH_HOME", tempfile.mkdtemp(prefix="aec-probe-"))
    work = Path(tempfile.mkdtemp(prefix="aec-probe-"))
    server = PulseServer()
    server.start()
    os.environ.update(server.env)
    try:
        speech, user, spans = tracks(work, args.commands, args.held, args.say.split(","),
                                      args.duck_db)
        if args.no_voice:  # the reply alone: every act is a self-interruption
            user, spans = write(user, np.zeros_like(read(user))), []
        with bedroom(server, args.echo_db, args.method, args.aec_args,
                     args.extra.split(), args.room_rate) as canceller:
            load = os.getloadavg()[0]
            out, mic = play_and_record(server, canceller.sink, canceller.source, speech, user,
                                       work)
            load = max(load, os.getloadavg()[0])
        offset = align(out, mic, read(user))
        result = analyse(out, mic, offset, spans, read(speech))
        print(f"{args.method} [{args.aec_args}] {args.extra} echo {args.echo_db:+.0f} dB"
              f"{' held' if args.held else ''}"
              f"{'' if args.duck_db is None else f' ducked {args.duck_db:+.0f} dB'}: "
              f"commands acted {result['acted']} of "
              f"{len(spans)} ({args.say}); self-openings {result['self_openings']} in "
              f"{result['echo_seconds']:.0f} s of echo alone; ERLE {result['erle_db']} dB; "
              f"load {load:.1f}")
        print("  heard:", result["heard"], "ms after each end:", result["latency_ms"],
              "acting on its own voice:", result["self_acted"])
        if args.control:  # the same recording through the control grammar, tail rule
            from bench.aec_inproc_probe import control_recognizer, said_intent, tail_rule
            again = analyse(out, mic, offset, spans, read(speech), control_recognizer(False)(),
                            tail_rule(), said_intent(args.say.split(",")))
            print(f"  control grammar, tail rule: acted {again['acted']} of {len(spans)}, ms "
                  f"{again['latency_ms']}, acting on its own voice {again['self_acted']}; heard "
                  f"{again['heard']}")
        print("  out/played dB at gate openings:", result["ratios"])
        print("  recordings:", work)
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
