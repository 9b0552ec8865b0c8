"""Everyday assistant requests: how few the English matcher mistakes for cramp care."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from intents.matcher import IntentMatcher

CORPUS = Path(__file__).parent / "data" / "en_everyday.txt"
DEV2 = Path(__file__).parent / "data" / "en_everyday2_dev.txt"
"""The dev half of the second, blind everyday corpus (its sealed half is never read here)."""
DEV3 = Path(__file__).parent / "data" / "en_everyday_dev3.txt"
"""The third, lookalike corpus: its even lines are semantic negatives, its odd lines held out."""

# The families whose answer starts first aid, escalates or gives cramp advice; control.* and the
# like are harmless on an everyday line, so they are not counted here.
CARE_FAMILIES = ("cramp", "safety", "info", "routine")

MAX_FALSE_ACCEPTS: int | None = 2
# Set by the lead from a measured run. The first run (before the red-flag detector learnt about
# other body parts, animals and real words) gave 54: 51 danger signs, 1 cramp, 2 advice;
# then 3: 1 danger sign, 1 cramp, 1 advice; 0 after the lookalike rules of the second corpus.


MAX_DEV2_FALSE_ACCEPTS: int | None = 4
# Measured: the first run gave 39 (24 danger signs, 11 cramp, 3 routine, 1 advice; by layer 24
# red flag, 7 cramp-unclear, 5 semantic, 2 fuzzy, 1 exact); after the lookalike rules (things,
# titles, food, water and idioms carry no sign; common real words are no slips of a cramp word;
# a question with no cramp, pain or symptom gets no cramp care) 4: 3 routine (2 of them drinking
# water, which the hydration routine fairly answers), 1 advice; 3 semantic, 1 exact.


MAX_DEV3_FALSE_ACCEPTS: dict[str, int] = {"tuned": 20, "held_out": 27}
# Measured: the first run (before its tuning half joined the negatives) gave 27 on the tuning
# half (18 danger signs, 5 routine, 2 advice, 2 cramp) and 31 on the held-out half (22 danger
# signs, 5 routine, 3 cramp, 1 advice); 40 of the 58 from the red-flag detector (swollen, numb,
# cramped, clotted, breathing said of animals, doors, rooms, songs, phones, cream). After the
# negatives, the for-user and person rules and the routine template: 20 (18 danger signs, 2
# cramp) and 27 (22 danger signs, 3 cramp, 2 routine); the danger signs are the detector's.


def read_corpus(path: Path = CORPUS) -> list[str]:
    """Every request line of a corpus, without the header comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def care_accepts(matcher: IntentMatcher, lines: list[str]) -> Counter[str]:
    """Count, per intent, the lines answered with a care intent (texts stay out of reports)."""
    found: Counter[str] = Counter()
    for line in lines:
        intent = matcher.match(line).intent
        if intent is not None and intent.split(".", 1)[0] in CARE_FAMILIES:
            found[intent] += 1
    return found


def summarise(found: Counter[str]) -> str:
    """One line: the total, then counts per family and per intent."""
    families: Counter[str] = Counter()
    for intent, count in found.items():
        families[intent.split(".", 1)[0]] += count
    per_family = ", ".join(f"{name}.*={families[name]}" for name in CARE_FAMILIES)
    per_intent = ", ".join(f"{intent}={count}" for intent, count in sorted(found.items()))
    return f"{sum(found.values())} false accepts ({per_family}; {per_intent or 'none'})"


@pytest.mark.parametrize(("path", "size"), [(CORPUS, 3_000), (DEV2, 2_000), (DEV3, 1_500)],
                         ids=["everyday", "everyday2_dev", "everyday_dev3"])
def test_everyday_corpus_is_headed_large_and_distinct(path: Path, size: int) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    lines = read_corpus(path)
    assert first.startswith("#")
    assert len(lines) >= size
    assert len(set(lines)) == len(lines)


def test_everyday_requests_almost_never_start_cramp_care(matcher: IntentMatcher) -> None:
    found = care_accepts(matcher, read_corpus())
    if MAX_FALSE_ACCEPTS is None:
        pytest.fail(f"MAX_FALSE_ACCEPTS is not set yet; this run measured {summarise(found)}")
    assert sum(found.values()) <= MAX_FALSE_ACCEPTS, summarise(found)


def test_second_everyday_corpus_almost_never_starts_cramp_care(matcher: IntentMatcher) -> None:
    found = care_accepts(matcher, read_corpus(DEV2))
    if MAX_DEV2_FALSE_ACCEPTS is None:
        pytest.fail(f"MAX_DEV2_FALSE_ACCEPTS is not set yet; this run measured {summarise(found)}")
    assert sum(found.values()) <= MAX_DEV2_FALSE_ACCEPTS, summarise(found)


@pytest.mark.parametrize("half", ["tuned", "held_out"])
def test_third_everyday_corpus_rarely_starts_cramp_care(matcher: IntentMatcher, half: str) -> None:
    lines = read_corpus(DEV3)
    found = care_accepts(matcher, lines[1::2] if half == "tuned" else lines[0::2])
    assert sum(found.values()) <= MAX_DEV3_FALSE_ACCEPTS[half], summarise(found)
