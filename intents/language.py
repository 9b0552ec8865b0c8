"""Load a language pack: hassil sentence templates, spoken replies with source tags, metadata."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PACKS_DIR = Path(__file__).parent
FLOWS_PATH = PACKS_DIR / "flows.yaml"
SOURCE_TAGS = frozenset({"S", "A", "E", "S+A", "S+E"})


class PackError(Exception):
    """A language pack file that is missing or malformed; names the file and the entry."""


@dataclass(frozen=True)
class Reply:
    key: str
    """Dotted, stable reply key such as 'first_aid.calf.straighten'."""
    text: str
    """What is spoken; may hold {placeholders} filled at run time."""
    source: str
    """Content-brief source tag kept beside the sentence: S, A, E, S+A or S+E."""

    @property
    def placeholders(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.text) if name}


@dataclass(frozen=True)
class LanguagePack:
    language: str
    directory: Path
    tts_voice: str
    """espeak-ng voice used by default for this language (pyttsx3 voice id)."""
    sentences: dict[str, Any]
    """Merged hassil intents dict (language, intents, lists, expansion_rules, skip_words)."""
    replies: dict[str, Reply]
    meta: dict[str, Any]
    """Everything else in pack.yaml (e.g. number words, fillers) for the matcher and dialogue."""

    @property
    def intent_names(self) -> set[str]:
        return set(self.sentences.get("intents", {}))

    def reply(self, key: str, **fields: object) -> str:
        """Text of reply `key` with placeholders filled; KeyError names a missing key or field."""
        try:
            reply = self.replies[key]
        except KeyError:
            raise KeyError(f"{self.language}: no reply {key!r}") from None
        try:
            return reply.text.format(**fields)
        except KeyError as exc:
            raise KeyError(f"{self.language}: reply {key!r} needs field {exc}") from None


def available_languages() -> list[str]:
    return sorted(p.parent.name for p in PACKS_DIR.glob("*/pack.yaml"))


def read_pack_yaml(path: Path) -> dict[str, Any]:
    """A pack file's top-level mapping ({} when empty). Whatever is wrong with it (missing,
    unreadable, not UTF-8, bad YAML, not a mapping) is one PackError line naming the file and,
    for bad YAML, its line and column: the CLI prints it as the one start-up error."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackError(f"{path}: missing") from None
    except OSError as exc:
        raise PackError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise PackError(f"{path}: not UTF-8 text (byte {exc.start}); restore the file "
                        "from the release") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
        start, context = getattr(exc, "context_mark", None), getattr(exc, "context", None)
        if start is not None and context:
            problem += f" ({context} from line {start.line + 1})"
        raise PackError(f"{path}{where}: not valid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PackError(f"{path}: expected a mapping of keys at the top, found a "
                        f"{type(data).__name__}")
    return data



def _merge_sentences(files: list[Path], language: str) -> dict[str, Any]:
    merged: dict[str, Any] = {"language": language, "intents": {}, "lists": {},
                              "expansion_rules": {}, "skip_words": []}
    for path in files:
        data = read_pack_yaml(path) or {}
        for name, body in (data.get("intents") or {}).items():
            if name in merged["intents"]:
                merged["intents"][name]["data"].extend(body["data"])
            else:
                merged["intents"][name] = body
        for section in ("lists", "expansion_rules"):
            merged[section].update(data.get(section) or {})
        merged["skip_words"].extend(data.get("skip_words") or [])
    return merged


def _load_replies(files: list[Path]) -> dict[str, Reply]:
    replies: dict[str, Reply] = {}
    for path in files:
        data = read_pack_yaml(path) or {}
        for key, body in (data.get("replies") or {}).items():
            if not isinstance(body, dict) or "text" not in body or "source" not in body:
                raise PackError(f"{path}: reply {key!r} needs 'text' and 'source'")
            if body["source"] not in SOURCE_TAGS:
                raise PackError(f"{path}: reply {key!r} has unknown source {body['source']!r}")
            if key in replies:
                raise PackError(f"{path}: reply {key!r} defined twice")
            replies[key] = Reply(key=key, text=str(body["text"]).strip(), source=body["source"])
    return replies


@cache
def load_pack(language: str) -> LanguagePack:
    """Load intents/<language>/: pack.yaml, sentences/*.yaml (hassil), replies/*.yaml."""
    directory = PACKS_DIR / language
    if not (directory / "pack.yaml").exists():
        raise PackError(
            f"no language pack {language!r}; available: {', '.join(available_languages())}"
        )
    meta = read_pack_yaml(directory / "pack.yaml") or {}
    return LanguagePack(
        language=language,
        directory=directory,
        tts_voice=str(meta.get("tts_voice", language)),
        sentences=_merge_sentences(sorted((directory / "sentences").glob("*.yaml")), language),
        replies=_load_replies(sorted((directory / "replies").glob("*.yaml"))),
        meta=meta,
    )


@cache
def load_flows() -> dict[str, Any]:
    """Language-neutral flow definitions (intents/flows.yaml): intent -> steps of reply keys."""
    data = read_pack_yaml(FLOWS_PATH) or {}
    return dict(data.get("flows") or {})
