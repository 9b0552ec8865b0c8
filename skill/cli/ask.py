"""`cramp-coach ask`: answer typed utterances through the same dialogue the voice loop uses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TextIO

from intents.language import PackError, load_pack
from intents.match import Matcher
from skill.cli.speaking import open_speaker
from skill.config import Config
from skill.dialogue.conversation import Conversation, Turn
from skill.dialogue.diary import Diary
from skill.speech import PrintSpeaker, close_speaker


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="answer what you type, as the assistant would say it",
        description="Answer TEXT, or each line of stdin as one conversation, with the replies "
        "the assistant would speak.",
    )
    parser.add_argument("text", nargs="*", metavar="TEXT",
                        help="what you would say; none: read stdin, one utterance per line")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per input: text, intent, slots, say, reply_keys")
    parser.add_argument("--lang", help="language pack (default: [general] language)")
    parser.add_argument("--silent", action="store_true", help="print only, do not speak")
    parser.add_argument("--realtime", action="store_true",
                        help="wait through hold counts in real time instead of at once")
    parser.add_argument("--each", action="store_true",
                        help="each stdin line is a conversation of its own (fresh state)")
    parser.set_defaults(func=run)


def open_matcher(language: str) -> Matcher:
    from intents.matcher import IntentMatcher

    return IntentMatcher(load_pack(language))


def read_lines(stream: TextIO) -> Iterator[str]:
    """Lines of stdin decoded leniently: binary junk becomes replacement characters, not errors."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        yield from (line.rstrip("\r\n") for line in stream)
        return
    for raw in buffer:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def run(args: argparse.Namespace, config: Config) -> int:
    language = args.lang or config.general.language
    try:
        pack = load_pack(language)
        matcher = open_matcher(language)
    except PackError as exc:
        print(f"cramp-coach ask: {exc}", file=sys.stderr)
        return 2
    speaker = open_speaker(config, pack.tts_voice, silent=args.silent, realtime=args.realtime,
                           printed=not args.json)
    lines = [" ".join(args.text)] if args.text else read_lines(sys.stdin)
    diary = Diary()
    conversation = Conversation(pack, matcher, config, diary=diary, speaker=speaker,
                                realtime=args.realtime)
    try:
        for line in lines:
            if args.each:  # a labelled set: no line may inherit a flow from the one before
                conversation.close()
                conversation = Conversation(pack, matcher, config, diary=diary, speaker=speaker,
                                            realtime=args.realtime)
            turn = conversation.handle_text(line)
            if speaker is not None and args.realtime:
                speaker.wait_idle()
            _print(turn, args.json, printed=isinstance(speaker, PrintSpeaker))
        if speaker is not None:
            speaker.wait_idle()
    except BrokenPipeError:
        sys.stderr.close()
    finally:
        conversation.close()
        diary.close()
        close_speaker(speaker)
    return 0


def _print(turn: Turn, as_json: bool, printed: bool) -> None:
    if as_json:
        print(json.dumps(turn.as_dict(), ensure_ascii=False), flush=True)
        return
    if not turn.say:
        reason = "no intent matched" if turn.intent is None else f"{turn.intent} not expected now"
        print(f"({reason}; nothing said)", file=sys.stderr)
    elif not printed:
        print("\n".join(turn.say), flush=True)
