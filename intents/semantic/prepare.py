"""Train and cache the English semantic head now (the install step), not on a person's first use.

The running assistant also starts this as a child (`--background`) to find its cached head, or
train it, without spending its own interpreter on the training data; it reads the `head:` line.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from hassil import Intents

from intents.language import load_pack
from intents.normalize import Normalizer
from intents.semantic import HEAD_LINE
from intents.semantic.encoder import lean_model, locate
from intents.semantic.layer import LayerSettings, SemanticLayer, cache_root, head_path
from intents.semantic.training import load_examples


def prepare(language: str) -> Path:
    """The cached head of `language`'s pack, trained first when there is none."""
    pack = load_pack(language)
    intents, normalize = Intents.from_dict(pack.sentences), Normalizer.from_meta(pack.meta)
    settings = LayerSettings.from_meta(pack.meta)
    examples = load_examples(intents, pack.directory / "training", normalize,
                             settings.per_template)
    path = head_path(examples, settings)
    lean_model(locate(), cache_root())
    if not path.exists():
        SemanticLayer.build(pack.meta, intents, pack.directory / "training", normalize)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", help="language pack (default: en)")
    parser.add_argument("--background", action="store_true",
                        help="as the assistant's child: low priority, and Ctrl-C ends it quietly")
    args = parser.parse_args(argv)
    if args.background:
        os.nice(10)  # the listening loop and speech of the parent come first
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent reports; no traceback here
    start = time.perf_counter()
    try:
        path = prepare(args.language)
    except Exception as error:  # the assistant still runs on templates; say why in one line
        print(f"semantic layer not prepared: {error}", file=sys.stderr)
        return 1
    print(f"semantic layer ready in {cache_root()} ({time.perf_counter() - start:.0f} s)")
    print(f"{HEAD_LINE}{path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
