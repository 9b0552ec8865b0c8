"""The template index as a file beside the semantic cache, keyed by what it was built from."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

NUMBER = "\x00number"
"""Stands for any digits in a template's words."""
Clauses = frozenset[frozenset[str]]
FORMAT = 1
"""Bumped when the file layout changes; the index code itself is part of the key."""


@dataclass
class IndexData:
    """What TemplateIndex computes from the templates (one bit per template)."""

    blocks: list[tuple[str, int, int]]
    """(intent, data index, sentence index) of each template, by bit."""
    masks: dict[str, int]
    """Word -> the templates that can produce it."""
    needs: list[Clauses]
    """Per template: clauses of words, one of each must be heard."""
    always: int
    """Templates the word test cannot judge (always handed to hassil)."""
    numbers: int
    """Templates with a number slot (any digits)."""


@dataclass(frozen=True)
class IndexCache:
    """One cache file for one set of templates; a missing or damaged file is rebuilt."""

    path: Path

    @classmethod
    def for_templates(cls, sentences: Mapping[str, Any], language: str,
                      root: Path) -> IndexCache:
        """Keyed by the templates, the language, hassil's version and the index code."""
        digest = hashlib.sha256()
        digest.update(json.dumps([FORMAT, language, sentences], sort_keys=True,
                                 ensure_ascii=False, default=str).encode())
        digest.update(metadata.version("hassil").encode())
        for module in ("template_index.py", "template_index_cache.py"):
            digest.update((Path(__file__).parent / module).read_bytes())
        return cls(root / f"index-{language}-{digest.hexdigest()[:24]}.json")

    def load(self) -> IndexData | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return IndexData(
                [(str(n), int(d), int(s)) for n, d, s in raw["blocks"]],
                {str(w): int(m, 16) for w, m in raw["masks"].items()},
                [frozenset(frozenset(c) for c in clauses) for clauses in raw["needs"]],
                int(raw["always"], 16), int(raw["numbers"], 16))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("template index cache %s unusable (%s); building it again", self.path, exc)
            return None

    def save(self, data: IndexData) -> None:
        """Write by rename, so a reader never sees half a file; a read-only cache is skipped."""
        text = json.dumps({
            "blocks": data.blocks, "masks": {w: hex(m) for w, m in data.masks.items()},
            "needs": [[sorted(c) for c in clauses] for clauses in data.needs],
            "always": hex(data.always), "numbers": hex(data.numbers)}, ensure_ascii=False)
        tmp = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.debug("template index cache not written: %s", exc)
            if tmp:
                Path(tmp).unlink(missing_ok=True)
