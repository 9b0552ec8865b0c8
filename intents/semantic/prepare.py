"""Train and cache the English semantic head now (the install step), not on a person's first use.

The running assistant also starts this as a child (`--background`) to find its cached head, or
train it, without spending its own interpreter on the training data; it reads the `head:` line.
"""

from __future__ import annotations

import argparse
import ctypes
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
from intents.semantic.layer import (
    LayerSettings,
    SemanticLayer,
    cache_root,
    head_path,
    load_intact,
)
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
    if load_intact(path) is None:  # none yet, or damaged (then set aside)
        SemanticLayer.build(pack.meta, intents, pack.directory / "training", normalize)
    return path


_PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal this process gets when the thread that started it ends."""


def die_with_parent(parent: int) -> None:
    """A killed assistant (kill -9, a crash) must not leave its child training for minutes with
    the log pipe held open: the kernel sends SIGTERM when the parent's starting thread ends (it
    waits on this child, so it lives as long as the child is wanted). Linux only; elsewhere the
    parent's own terminate() on exit is all there is."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above: nobody wants the head
        sys.exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", help="language pack (default: en)")
    parser.add_argument("--background", action="store_true",
                        help="as the assistant's child: low priority, and Ctrl-C ends it quietly")
    parser.add_argument("--parent", type=int, default=0,
                        help="the assistant's pid: this child ends when that process does")
    args = parser.parse_args(argv)
    if args.parent:
        die_with_parent(args.parent)
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
