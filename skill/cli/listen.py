"""`cramp-coach listen`: the voice pipeline on a WAV file, raw PCM from stdin, or the microphone."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from intents.language import PackError, load_pack
from skill.asr.models import ModelLoadError, ModelNotFoundError
from skill.audio.sources import AudioFormatError, RawPcmSource, WavFileSource
from skill.cli.speaking import open_speaker
from skill.config import Config
from skill.dialogue.conversation import Turn
from skill.dialogue.wiring import open_conversation, open_matcher
from skill.interfaces import AudioSource
from skill.speech import close_speaker


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "listen",
        help="recognise speech and answer it, as the assistant would",
        description="Run the voice pipeline (voice gate, Vosk, intent, dialogue) on a WAV file, "
        "on raw 16 kHz mono 16-bit PCM from stdin, or on the microphone (until Ctrl-C).",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--wav", metavar="FILE", help="a WAV file (any rate; stereo is mixed)")
    source.add_argument("--raw", metavar="-", help="'-': raw 16 kHz mono s16le PCM on stdin")
    parser.add_argument("--lang", help="language pack and model (default: [general] language)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per utterance: heard, intent, slots, say, reply_keys")
    parser.add_argument("--silent", action="store_true", help="print only, do not speak")
    parser.set_defaults(func=run)


def open_source(args: argparse.Namespace, config: Config) -> AudioSource:
    if args.wav:
        return WavFileSource(args.wav)
    if args.raw is not None:
        if args.raw != "-":
            raise AudioFormatError("--raw takes '-' (stdin); use --wav for files")
        return RawPcmSource(sys.stdin.buffer)
    from skill.audio.microphone import MicrophoneSource

    return MicrophoneSource.from_settings(config.voice)


def turn_record(heard: str, turn: Turn) -> dict[str, Any]:
    return {"heard": heard, "intent": turn.intent, "slots": dict(turn.slots),
            "say": list(turn.say), "reply_keys": list(turn.reply_keys),
            "confidence": turn.confidence, "layer": turn.layer}


def run(args: argparse.Namespace, config: Config) -> int:
    from skill.asr.factory import build_recognizer
    from skill.listening import ListeningService, build_gate, complete_command

    language = args.lang or config.general.language
    try:
        pack = load_pack(language)
        source = open_source(args, config)
        recognizer = build_recognizer(config.voice, language)
    except (PackError, AudioFormatError, ModelNotFoundError, ModelLoadError) as exc:
        print(f"cramp-coach listen: {exc}", file=sys.stderr)
        return 2
    from intents.semantic import EncoderError
    from skill.dialogue.diary import Diary

    try:
        matcher = open_matcher(pack, config)
    except (EncoderError, PackError) as exc:  # a damaged install: one line saying what
        print(f"cramp-coach listen: {exc}", file=sys.stderr)
        return 2
    speaker = open_speaker(config, pack.tts_voice, silent=args.silent)
    diary = Diary()
    conversation = open_conversation(config, pack=pack, matcher=matcher, diary=diary,
                                     speaker=speaker)

    def answer(heard: str) -> None:
        turn = conversation.handle_text(heard)
        if args.json:
            print(json.dumps(turn_record(heard, turn), ensure_ascii=False), flush=True)
        else:
            print(f"> {heard}  [{turn.intent or 'no intent'}]", flush=True)
            print("\n".join(turn.say), flush=True)

    from_microphone = not args.wav and args.raw is None
    is_speaking = speaker.is_busy if (speaker is not None and from_microphone) else (lambda: False)
    service = ListeningService(source, recognizer, answer, gate=build_gate(config.voice),
                               is_speaking=is_speaking, speaking_tail=config.voice.speaking_tail,
                               is_complete=complete_command(
                                   matcher, config.voice.early_commit_score),
                               early_commit_ms=config.voice.early_commit_ms)
    try:
        service.run()
        if speaker is not None:
            speaker.wait_idle()
    except BrokenPipeError:
        sys.stderr.close()
    finally:
        service.stop()
        conversation.close()
        diary.close()
        close_speaker(speaker)
    return 0
