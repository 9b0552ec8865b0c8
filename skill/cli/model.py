"""`cramp-coach model`: which Vosk model is used, download one, check it against the grammar."""

from __future__ import annotations

import argparse
import sys

from intents.language import PackError, load_pack
from skill.asr.models import ModelLoadError, ModelNotFoundError, resolve_model
from skill.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("model", help="show, download or check the speech model")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("path", "print the model directory that would be used, and where it was found"),
        ("download", "fetch the small model with vosk's downloader (needs internet once)"),
        ("check", "load the model and report template words it cannot recognise"),
    ):
        sub = actions.add_parser(name, help=text, description=text)
        sub.add_argument("--lang", help="language (default: [general] language)")
        sub.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    language = args.lang or config.general.language
    try:
        if args.action == "path":
            location = resolve_model(language, config.voice.model_path)
            print(f"{location.path}\t({location.origin})")
            return 0
        if args.action == "download":
            from skill.asr.models import download_model

            print(download_model(language))
            return 0
        return check(language, config)
    except (ModelNotFoundError, ModelLoadError, PackError) as exc:
        print(f"cramp-coach model: {exc}", file=sys.stderr)
        return 1


def check(language: str, config: Config) -> int:
    from skill.asr.factory import load_voice_model, pack_grammar

    load_pack(language)  # an unknown language is one clear line before a model is looked for
    model = load_voice_model(config.voice, language)
    grammar = pack_grammar(model)
    print(f"model: {model.location.path} ({model.location.origin})")
    print(f"grammar: {len(grammar.phrases)} phrases from the {language!r} templates"
          f"{'' if grammar.has_unknown else '; the model has no [unk] word'}")
    if grammar.missing:
        print(f"missing: {len(grammar.missing)} word(s) the model cannot recognise "
              "(their sentences work typed, not spoken):")
        for word in grammar.missing:
            print(f"  {word}")
    else:
        print("missing: none")
    return 0
