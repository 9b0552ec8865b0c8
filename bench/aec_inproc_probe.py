"""In-process echo cancellers on the exact played samples, and a control-only grammar while
speaking: do commands said over a reply act, and does the reply alone act on itself?

bench.aec3_probe's offline bedroom (the reply 30 ms later at the microphone, `--echo-db` against
the user's voice, faint noise) and bench.aec_probe's analysis (the product's voice gate and early
commit), or `--recorded` a folder of bench.aec_probe / bench.aec_live_probe recordings of the
PulseAudio room. Cancellers: speex's MDF (the same algorithm as PulseAudio's aec_method=speex, but
fed the exact reference, so no resynchronisation) with or without its residual-echo suppressor,
through Debian's libspeexdsp1 (ctypes) and, when installed, the PyPI wheel pyaec (x86-64 only);
with livekit installed, WebRTC AEC3. Each output is decoded by the product's grammar and by a
control grammar (only what acts over the assistant's voice: the follow-up commands, `--danger`
adds the danger signs), built with the model's own units (vosk_model_find_word, as the product
grammar), each with today's exact rule or "+tail" (a command at the end of what was heard). Per
row: commands that act as themselves, median and worst ms from a command's end to the chunk that
acted, transcripts of the reply alone that would act (self-interruptions), gate openings on the
reply alone, ERLE, voice gain in double talk; then the levels at the gate openings.

    .venv/bin/pip install pyaec==1.0.1   # not a project dependency
    python -m bench.aec_inproc_probe --commands 12 [--no-voice] [--echo-db -6] [--reverb 0.3]
    python -m bench.aec_inproc_probe --recorded DIR --commands 20 --grammars product,control+tail
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import importlib.util
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.aec3_probe import COMMANDS, ECHO_DELAY_MS, cancel, erle_before, room_mic, voice_gain
from bench.aec_probe import RATE, align, analyse, read, tracks
from intents.language import load_pack
from intents.matcher import IntentMatcher
from skill.asr.factory import load_voice_model
from skill.asr.grammar import build_grammar, sample_sentences
from skill.asr.vosk_recognizer import VoskRecognizer
from skill.audio.settings import VoiceSettings
from skill.barge_in import ACTING, command_of
from skill.dialogue.routing import FOLLOW_UPS

PRE_MS = 20
"""The reference is handed over this much before its echo arrives (within speex's filter)."""
FRAME = RATE // 100
"""10 ms frames: speex's usual block at 16 kHz."""

Canceller = Callable[[np.ndarray, np.ndarray], np.ndarray]


def speex(filter_ms: int, suppress: bool, frame: int = FRAME) -> Canceller:
    """pyaec (speexdsp's MDF, plus its preprocessor's residual echo suppression if `suppress`)."""
    from pyaec import Aec

    def run(mic: np.ndarray, ref: np.ndarray) -> np.ndarray:
        aec = Aec(frame, RATE * filter_ms // 1000, RATE, suppress)
        near = np.clip(mic, -32768, 32767).astype(np.int16)
        far = np.clip(ref, -32768, 32767).astype(np.int16)
        out = np.zeros(len(near), dtype=np.float32)
        for at in range(0, min(len(near), len(far)) - frame + 1, frame):
            out[at:at + frame] = aec.cancel_echo(near[at:at + frame].tolist(),
                                                 far[at:at + frame].tolist())
        return out

    return run


def system_speex(filter_ms: int, suppress: bool) -> Canceller:
    """The same MDF through Debian's libspeexdsp1 (ctypes; what a Raspberry Pi has: pyaec ships
    x86-64 wheels only), with its preprocessor's echo suppression (and nothing else) if asked."""
    lib = ctypes.CDLL(ctypes.util.find_library("speexdsp") or "libspeexdsp.so.1")
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_preprocess_state_init.restype = ctypes.c_void_p
    for name in ("speex_echo_cancellation", "speex_echo_ctl", "speex_preprocess_ctl",
                 "speex_preprocess_run", "speex_echo_state_destroy",
                 "speex_preprocess_state_destroy"):
        getattr(lib, name).argtypes = None

    def run(mic: np.ndarray, ref: np.ndarray) -> np.ndarray:
        state = ctypes.c_void_p(lib.speex_echo_state_init(FRAME, RATE * filter_ms // 1000))
        rate = ctypes.c_int(RATE)
        lib.speex_echo_ctl(state, 24, ctypes.byref(rate))  # SPEEX_ECHO_SET_SAMPLING_RATE
        pre = ctypes.c_void_p(lib.speex_preprocess_state_init(FRAME, RATE))
        off = ctypes.c_int(0)
        for request in (0, 2):  # SET_DENOISE, SET_AGC off: only its echo suppression
            lib.speex_preprocess_ctl(pre, request, ctypes.byref(off))
        lib.speex_preprocess_ctl(pre, 24, state)  # SPEEX_PREPROCESS_SET_ECHO_STATE
        near = np.ascontiguousarray(np.clip(mic, -32768, 32767).astype(np.int16))
        far = np.ascontiguousarray(np.clip(ref, -32768, 32767).astype(np.int16))
        out = np.zeros(len(near), dtype=np.int16)
        buf = np.zeros(FRAME, dtype=np.int16)
        for at in range(0, min(len(near), len(far)) - FRAME + 1, FRAME):
            rec, play = near[at:at + FRAME], far[at:at + FRAME]
            lib.speex_echo_cancellation(state, *(ctypes.c_void_p(a.ctypes.data)
                                                 for a in (rec, play, buf)))
            if suppress:
                lib.speex_preprocess_run(pre, ctypes.c_void_p(buf.ctypes.data))
            out[at:at + FRAME] = buf
        lib.speex_preprocess_state_destroy(pre)
        lib.speex_echo_state_destroy(state)
        return out.astype(np.float32)

    return run


def cancellers(aec3: bool) -> dict[str, Canceller]:
    found: dict[str, Canceller] = {"raw microphone (no AEC)": lambda mic, _ref: mic}
    if importlib.util.find_spec("pyaec") is not None:
        found.update({"speex 100 ms": speex(100, False), "speex 200 ms": speex(200, False),
                      "speex 200 ms + suppressor": speex(200, True)})
    found.update({"libspeexdsp 100 ms": system_speex(100, False),
                  "libspeexdsp 200 ms + suppressor": system_speex(200, True)})
    if aec3:
        found["webrtc aec3"] = lambda mic, ref: cancel(mic, ref, ECHO_DELAY_MS, False)
    return found


def control_recognizer(danger: bool) -> Callable[[], VoskRecognizer]:
    """A fresh recogniser on the Korean model with only what acts over the assistant's voice."""
    model = load_voice_model(VoiceSettings(), "ko")
    wanted = ACTING if danger else FOLLOW_UPS
    grammar = build_grammar(sample_sentences(load_pack("ko"), only=frozenset(wanted)),
                            model.has_word)
    print(f"control grammar: {len(grammar.phrases)} phrases, missing words {grammar.missing}")
    return lambda: VoskRecognizer(model, grammar)


def tail_rule() -> Callable[[str], str | None]:
    """A command at the end of what was heard acts ("졌어 좋아졌어요": the canceller's leftovers
    or a chopped start come before it); the product's exact-match rule on the last 1-3 words."""
    exact = command_of(IntentMatcher(load_pack("ko")))

    def classify(text: str) -> str | None:
        words = text.split()
        for size in (1, 2, 3):
            if len(words) >= size and (intent := exact(" ".join(words[-size:]))) in ACTING:
                return intent
        return None

    return classify


def recorded(folder: Path, reply: np.ndarray, user: np.ndarray, spans: list[tuple[float, float]]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[float, float]]]:
    """bench.aec_probe's raw room microphone (`folder`/mic.wav: the private PulseAudio room with
    its real buffering) with the reply and the user placed on its timeline: (mic, reply as the
    reference, user, spans). The reference is placed PRE_MS before its echo, as a player that
    knows its output latency would hand it over."""
    mic = read(folder / "mic.wav")
    at = align(mic, mic, user) if user.any() else 0
    # mic[t] ~ reply[t - lag]; the recorder may start after the player (lag < 0). Measured
    # over the echo alone before the first command, past the monitor's silent start.
    head = mic[RATE: at + int(3.5 * RATE)]
    size = 1 << int(np.ceil(np.log2(len(head) + len(reply))))
    corr = np.fft.irfft(np.fft.rfft(head, size) * np.conj(np.fft.rfft(reply, size)), size)
    reach = 3 * RATE
    window = np.concatenate([corr[-reach:], corr[:reach]])
    lag = int(np.argmax(window)) - reach + RATE - RATE * PRE_MS // 1000
    print(f"recorded room: user at {at / RATE:.3f} s, echo {lag / RATE:+.3f} s (+{PRE_MS} ms)")

    def placed(track: np.ndarray, shift: int) -> np.ndarray:
        out = np.zeros(len(mic), dtype=np.float32)
        source = track[max(0, -shift):]
        start = max(0, shift)
        out[start:start + len(source)] = source[: max(0, len(mic) - start)]
        return out

    moved = [(b + at / RATE, e + at / RATE) for b, e in spans]
    return mic, placed(reply, lag), placed(user, at), moved


def said_intent(commands: list[str]) -> str | None:
    """The one intent all the spoken commands have (None if they differ)."""
    matcher = IntentMatcher(load_pack("ko"))
    found = {matcher.match(text).intent for text in commands}
    return found.pop() if len(found) == 1 else None


def row(name: str, out: np.ndarray, mic: np.ndarray, user: np.ndarray, reply: np.ndarray,
        spans: list[tuple[float, float]], recognizer: Any,
        classify: Callable[[str], str | None] | None = None, expect: str | None = None) -> str:
    n = min(len(out), len(mic))
    result = analyse(out[:n], mic[:n], 0, spans, reply[:n], recognizer, classify, expect)
    late = [t for t in result["latency_ms"] if t >= 0]  # type: ignore[attr-defined]
    lat = f"{int(np.median(late)):>4}/{max(late):<4}" if late else "   -/-   "
    first = erle_before(out, mic, user, spans[0][0]) if spans else float("nan")
    selfish: list[str] = result["self_acted"]  # type: ignore[assignment]
    return (f"{name:<34} {result['acted']:>2}/{len(spans):<3} {lat} "
            f"{len(selfish):>3} {result['self_openings']:>3}/{result['echo_seconds']:<4.0f}s"
            f" {result['erle_db']:>6} {first:>6.1f} {voice_gain(out, user, spans):>6.2f}"
            f"\n    heard: {[h or '-' for h in result['heard']]}"  # type: ignore[attr-defined]
            + (f"\n    self-acting: {selfish}" if selfish else "")
            + f"\n    output against played (dB) at gate openings: {result['ratios']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=12)
    parser.add_argument("--say", default=",".join(COMMANDS), help="commands, comma-separated")
    parser.add_argument("--echo-db", type=float, default=0.0)
    parser.add_argument("--reverb", type=float, default=0.0, help="echo tail RT60 (s)")
    parser.add_argument("--no-voice", action="store_true", help="nobody speaks")
    parser.add_argument("--danger", action="store_true", help="danger signs in the grammar")
    parser.add_argument("--aec3", action="store_true", help="also livekit's AEC3")
    parser.add_argument("--recorded", default="",
                        help="a bench.aec_probe recordings folder: its raw room microphone "
                             "instead of the offline room (same --commands and --say)")
    parser.add_argument("--grammars", default="",
                        help="comma-separated: product, product+tail, control, control+tail")
    parser.add_argument("--only", default="", help="comma-separated canceller name prefixes")
    args = parser.parse_args()
    os.environ.setdefault("CRAMP_COACH_HOME", tempfile.mkdtemp(prefix="aec-inproc-"))
    work = Path(tempfile.mkdtemp(prefix="aec-inproc-"))
    speech, user_wav, spans = tracks(work, args.commands, False, args.say.split(","))
    reply, user = read(speech), read(user_wav)
    if args.no_voice:
        user, spans = np.zeros_like(user), []
    if args.recorded:
        mic, reply, user, spans = recorded(Path(args.recorded), read(Path(args.recorded) /
                                           "speech.wav"), user, spans)
    else:
        mic = room_mic(reply, user, args.echo_db, args.reverb)
    control = control_recognizer(args.danger)
    expect = said_intent(args.say.split(","))
    print(f"echo {args.echo_db:+.0f} dB, reverb {args.reverb} s, {len(reply) / RATE:.0f} s, "
          f"{'nobody speaking' if args.no_voice else 'double talk'}; "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"{'canceller / grammar':<34} acted  ms med/max self open/echo ERLE  first  vgain")
    wanted = [p for p in args.only.split(",") if p]
    for name, run in cancellers(args.aec3).items():
        if wanted and not any(name.startswith(p) for p in wanted):
            continue
        began = time.process_time()
        out = run(mic, reply)
        cpu = time.process_time() - began
        for grammar, recognizer, rule in (("product", None, None),
                                          ("product+tail", None, tail_rule()),
                                          ("control", control(), None),
                                          ("control+tail", control(), tail_rule())):
            if args.grammars and not any(grammar == g for g in args.grammars.split(",")):
                continue
            print(row(f"{name} / {grammar}", out, mic, user, reply, spans, recognizer, rule,
                      expect), flush=True)
        print(f"    canceller CPU {cpu:.1f} s for {len(mic) / RATE:.0f} s of audio")


if __name__ == "__main__":
    main()
