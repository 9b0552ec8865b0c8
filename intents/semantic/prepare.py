"""Train and cache the English semantic head now (the install step), not on a person's first use."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from hassil import Intents

from intents.language import load_pack
from intents.normalize import Normalizer
from intents.semantic.layer import SemanticLayer, cache_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--language", default="en", help="language pack (default: en)")
    parser.add_argument("--background", action="store_true",
                        help="as the assistant's child: low priority, and Ctrl-C ends it quietly")
    args = parser.parse_args(argv)
    if args.background:
        os.nice(10)  # the listening loop and speech of the parent come first
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent reports; no traceback here
    pack = load_pack(args.language)
    start = time.perf_counter()
    try:
        SemanticLayer.build(pack.meta, Intents.from_dict(pack.sentences),
                            pack.directory / "training", Normalizer.from_meta(pack.meta))
    except Exception as error:  # the assistant still runs on templates; say why in one line
        print(f"semantic layer not prepared: {error}", file=sys.stderr)
        return 1
    print(f"semantic layer ready in {cache_root()} ({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
