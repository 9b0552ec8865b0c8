"""Content consistency: every intent has an answer, every reply key and placeholder resolves,
every reply carries its source tag, stays short, and avoids the content brief's "never say" list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from intents.language import PACKS_DIR, SOURCE_TAGS, available_languages, load_pack
from intents.match import CANONICAL_INTENTS
from skill.dialogue import keys
from skill.dialogue.flows import FlowTable

# Answered by skill/dialogue itself (reply keys in skill/dialogue/keys.py), not by a flow.
CODE_HANDLED = {name for name in CANONICAL_INTENTS if name.startswith(("control.", "reminder."))}
RED_FLAGS_FIRST = ("cramp.persistent", "cramp.pregnancy", "cramp.child")
PLACEHOLDERS = {
    keys.ESCALATION_TIMER: {"minutes"},
    keys.ESCALATION_URGENT_NUMBER: {"urgent_number"},
    keys.REMINDER_SNOOZED: {"minutes"},
    keys.REMINDER_LIST: {"items"},
    keys.REMINDER_LIST_PARTIAL: {"items"},
    keys.REMINDER_SUMMARY: {"items"},
    keys.REMINDER_LIST_ITEM: {"name", "time"},
    "reminder.custom.prompt": {"text"},
}
ALWAYS_FILLED = {"emergency_number"}
MAX_WORDS = 20

# ../shared/CONTENT.md "Never say": unsafe or unsupported advice from the original article.
NEVER_SAY_EN = [
    "needle", "pin", "prick", "alcohol", "turpentine", "vinegar", "celandine", "lemon",
    "mustard", "herbal", "herb", "herbs", "tiptoe", "tip-toe", "tiptoes", "mcg", "mg",
    "microgram", "milligram", "dose", "dosage", "calcium", "quinine", "MRI", "CT", "CAT scan",
    "scan", "surgery", "operation", "bomb", "curl up", "curled up", "no treatment",
    "ibuprofen", "paracetamol", "acetaminophen", "aspirin", "naproxen", "diclofenac",
    "Nurofen", "Advil", "Tylenol", "Panadol", "Voltaren", "Deep Heat", "Bengay", "Tiger Balm",
    "Biofreeze", "pickle", "banana", "tonic water",
]
NEVER_SAY_KO = [
    "바늘", "알코올", "소주", "테레빈", "식초", "애기똥풀", "레몬", "겨자", "허브", "약초",
    "한약", "까치발", "발끝으로 서", "마이크로그램", "밀리그램", "용량", "칼슘", "퀴닌", "키니네",
    "MRI", "CT", "수술", "치료가 필요 없",
]


def packs() -> list[str]:
    return available_languages()


def declared(language: str) -> set[str]:
    """Intents the pack's templates declare; English must answer every canonical intent."""
    names = load_pack(language).intent_names
    return names | CANONICAL_INTENTS if language == "en" else names


def reply_files() -> list[Path]:
    return sorted(PACKS_DIR.glob("*/replies/*.yaml"))


def test_canonical_intents_cover_every_flow() -> None:
    assert set(FlowTable.load().flows) <= CANONICAL_INTENTS


@pytest.mark.parametrize("language", packs())
def test_every_declared_intent_has_a_flow_or_handler(language: str) -> None:
    flows = FlowTable.load().flows
    missing = sorted(declared(language) - set(flows) - CODE_HANDLED)
    assert not missing, f"{language}: intents with no flow and no handler: {missing}"


@pytest.mark.parametrize("language", packs())
def test_every_flow_reply_key_exists_in_packs_declaring_the_intent(language: str) -> None:
    pack = load_pack(language)
    missing = sorted(
        f"{intent}: {key}"
        for intent, flow in FlowTable.load().flows.items()
        if intent in declared(language)
        for key in flow.reply_keys
        if key not in pack.replies
    )
    assert not missing, f"{language}: flow reply keys missing: {missing}"


@pytest.mark.parametrize("language", packs())
def test_every_key_the_dialogue_says_exists(language: str) -> None:
    pack = load_pack(language)
    if not declared(language) and not pack.replies:
        pytest.fail(f"{language}: pack declares no intents and has no replies")
    wanted = keys.all_keys() | {k for f in FlowTable.load().flows.values() for k in f.reply_keys}
    assert sorted(wanted - set(pack.replies)) == []


@pytest.mark.parametrize("language", packs())
def test_every_placeholder_is_filled(language: str) -> None:
    pack = load_pack(language)
    for key, reply in pack.replies.items():
        allowed = ALWAYS_FILLED | PLACEHOLDERS.get(key, set())
        assert reply.placeholders <= allowed, f"{language} {key}: {reply.placeholders}"
        fields = dict.fromkeys(allowed, "7")
        assert "{" not in pack.reply(key, **fields), f"{language} {key} left a brace"


@pytest.mark.parametrize("language", packs())
def test_escalation_line_names_the_emergency_number(language: str) -> None:
    assert "emergency_number" in load_pack(language).replies[keys.ESCALATION].placeholders
    assert "999" in load_pack(language).reply(keys.ESCALATION, emergency_number="999")


@pytest.mark.parametrize("path", reply_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_reply_has_text_and_a_valid_source_tag(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, body in data["replies"].items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", key), key
        assert str(body.get("text", "")).strip(), f"{key}: empty text"
        assert body.get("source") in SOURCE_TAGS, f"{key}: source {body.get('source')!r}"


@pytest.mark.parametrize("language", packs())
def test_every_step_is_at_most_about_twenty_words(language: str) -> None:
    long = {key: len(reply.text.split()) for key, reply in load_pack(language).replies.items()
            if len(reply.text.split()) > MAX_WORDS}
    assert not long


def test_red_flag_checks_come_first_in_persistent_pregnancy_and_child() -> None:
    flows = FlowTable.load().flows
    for intent in RED_FLAGS_FIRST:
        assert flows[intent].checks, intent
        assert not flows[intent].reassure, f"{intent}: checks come before reassurance"


def test_hold_steps_say_thirty_seconds_in_words() -> None:
    pack = load_pack("en")
    for flow in FlowTable.load().flows.values():
        for step in flow.steps:
            if step.hold and flow.kind == "first_aid":
                assert "thirty seconds" in pack.replies[step.key].text, step.key
            assert not re.search(r"\d", pack.replies[step.key].text), step.key


def _scan(text: str, words: list[str], ascii_words: bool) -> list[str]:
    found = []
    for word in words:
        pattern = rf"\b{re.escape(word)}\b" if ascii_words or word.isascii() else re.escape(word)
        flags = 0 if word.isupper() else re.IGNORECASE
        if re.search(pattern, text, flags):
            found.append(word)
    return found


# The scan flags advice, not refusals: an info.remedies answer may name a remedy only to say it
# is not recommended ("Quinine is no longer recommended ..."). Such a reply lists the words in
# `refuses:`; every sentence naming one must be a refusal (a negation below), and only then is the
# word taken out before the scan. A never-say word anywhere else, or in a sentence that does not
# refuse it ("Quinine may help"), is still flagged.
REFUSAL_EN = re.compile(r"\b(not|no longer|isn't|aren't|don't|doesn't|never)\b", re.IGNORECASE)
REFUSAL_KO = ("않", "아니", "마세요")


def _is_refusal(sentence: str) -> bool:
    return bool(REFUSAL_EN.search(sentence)) or any(m in sentence for m in REFUSAL_KO)


def _advice_text(body: dict[str, object]) -> str:
    """A reply's text with the never-say words it only refuses taken out; raises when one of them
    appears in a sentence that is not a refusal."""
    text = str(body["text"])
    for word in [str(w) for w in body.get("refuses") or []]:  # type: ignore[attr-defined]
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if word.lower() in sentence.lower() and not _is_refusal(sentence):
                raise AssertionError(f"{word!r} named outside a refusal: {sentence!r}")
        text = re.sub(re.escape(word), " ", text, flags=re.IGNORECASE)
    return text


@pytest.mark.parametrize("path", reply_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_reply_files_say_nothing_from_the_never_say_list(path: Path) -> None:
    replies = yaml.safe_load(path.read_text(encoding="utf-8"))["replies"]
    text = "\n".join(_advice_text(body) for body in replies.values())
    found = _scan(text, NEVER_SAY_EN, ascii_words=True) + _scan(text, NEVER_SAY_KO, False)
    assert not found, f"{path}: {found}"


def test_never_say_scan_lets_a_refusal_name_a_remedy_but_not_advice() -> None:
    refusal = {"text": "Quinine is no longer recommended. Stretch instead.", "refuses": ["quinine"]}
    assert _scan(_advice_text(refusal), NEVER_SAY_EN, True) == []
    with pytest.raises(AssertionError, match="outside a refusal"):
        _advice_text({"text": "Quinine may help. It is not for everyone.", "refuses": ["quinine"]})
    unlisted = {"text": "Vinegar isn't recommended, but quinine is fine.", "refuses": ["vinegar"]}
    assert _scan(_advice_text(unlisted), NEVER_SAY_EN, True) == ["quinine"]


def test_never_say_scan_catches_the_articles_remedies() -> None:
    unsafe = "Prick it with a pin, rub on vinegar, stand on tiptoe, take 1000 mcg calcium."
    assert set(_scan(unsafe, NEVER_SAY_EN, True)) >= {"pin", "vinegar", "tiptoe", "mcg"}
    assert _scan("쥐가 나면 바늘로 찌르세요", NEVER_SAY_KO, False) == ["바늘"]
