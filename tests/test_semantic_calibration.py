"""Calibrated rejection: a false-accept budget per family, and red flags only with a danger sign."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.semantic.calibration import STRICT, Budget, calibrate
from intents.semantic.classifier import family
from intents.semantic.layer import (
    LEG_PAIN,
    SAID_CRAMP,
    UNCLEAR,
    SemanticLayer,
    SemanticResult,
    _decide,
    cache_root,
)
from intents.semantic.training import NONE, Example, load_examples, split
from intents.semantic.vector_cache import VectorCache


@pytest.fixture(scope="module")
def layer(matcher: IntentMatcher) -> SemanticLayer:
    assert matcher.semantic is not None
    found = matcher.semantic.get()
    assert found is not None
    return found


@pytest.fixture(scope="module")
def validation(matcher: IntentMatcher, layer: SemanticLayer) -> list[Example]:
    pack = load_pack("en")
    examples = load_examples(matcher.intents, pack.directory / "training", matcher.normalize,
                             layer.settings.per_template)
    return split(examples, layer.settings.validation_share)[1]


def thresholds_with(layer: SemanticLayer, validation: list[Example]) -> dict[str, float]:
    """The layer's calibration, run again over `validation` with the layer's own head."""
    vectors = VectorCache(cache_root(), layer.encoder).vectors([e.text for e in validation])
    by_text = dict(zip((e.text for e in validation), vectors, strict=True))
    keys = {family(label) for label in layer.head.labels} - {NONE} | {UNCLEAR, SAID_CRAMP,
                                                                     LEG_PAIN}
    s = layer.settings
    budget = Budget(s.floor, s.margin, s.ceiling, s.outliers, s.min_gain)
    return calibrate(layer.head, validation, by_text, keys, budget,
                     lambda p, t, text: _decide(p, t, s, text), STRICT)


def test_budget_excuses_an_outlier_only_when_that_keeps_paraphrases() -> None:
    budget = Budget(floor=0.5, margin=0.03, ceiling=0.95, outliers=1, min_gain=0.1)
    paraphrases = [0.7, 0.8, 0.9, 0.99, 0.999]
    assert budget.raised([0.999], paraphrases) is None
    assert budget.raised([0.999, 0.6], paraphrases) == pytest.approx(0.63)
    # "i am thirsty" at 0.72 above the next negative: excusing it keeps no paraphrase
    assert budget.raised([0.72, 0.6], [0.9, 0.95]) == pytest.approx(0.75)


def test_a_lone_negative_is_excused_only_when_that_keeps_paraphrases() -> None:
    budget = Budget(floor=0.5, margin=0.03, ceiling=0.95, outliers=1, min_gain=0.1)
    # "i am thirsty" alone at 0.7 as hydration: rejecting it costs no paraphrase
    assert budget.raised([0.7], [0.9, 0.95, 0.99]) == pytest.approx(0.73)
    assert budget.raised([0.7], [0.6, 0.65, 0.99]) is None
    # already above it: nothing moves
    assert budget.raised([0.7], [0.9], current=0.8) is None


def test_no_threshold_rises_above_the_ceiling() -> None:
    budget = Budget(floor=0.5, margin=0.03, ceiling=0.95, outliers=1)
    assert budget.raised([0.999, 0.998, 0.6], [0.99, 0.999]) == 0.95


def test_every_family_the_layer_answers_stays_open(layer: SemanticLayer) -> None:
    ceiling = layer.settings.ceiling
    assert {f: t for f, t in layer.thresholds.items()
            if f in layer.settings.families and t > ceiling} == {}


def test_one_extreme_negative_cannot_close_a_family(layer: SemanticLayer,
                                                    validation: list[Example]) -> None:
    # the held-out reminder paraphrase the head is surest of, filed as an everyday negative:
    # the rule before set the reminder threshold just above it (0.99 and more), closing it
    reminders = [e for e in validation if family(e.label) == "reminder"]
    surest = max(reminders, key=lambda e: layer.head.predict(
        layer.encoder.encode([e.text])[0]).confidence)
    odd = Example(surest.text, NONE, "", "negative")
    before = thresholds_with(layer, validation)
    after = thresholds_with(layer, [e for e in validation if e is not surest] + [odd])
    assert after["reminder"] <= layer.settings.ceiling
    kept = [e.text for e in reminders if e is not surest
            and layer.classify(e.text).label == e.label]
    assert before["reminder"] <= after["reminder"] <= layer.settings.ceiling
    assert len(kept) >= len(reminders) // 3


@dataclass
class FixedLayer:
    """A head that always says one thing: the policy is tested on a red flag no detector
    backs, which the real head gives only for lines that change with every retraining."""

    result: SemanticResult

    def classify(self, text: str) -> SemanticResult:
        return self.result


def red_flag(instead: SemanticResult | None) -> SemanticResult:
    return SemanticResult("safety.red_flag", 0.9, "safety.red_flag", "emergency", "safety",
                          1.0, instead)


def test_red_flag_of_the_head_alone_falls_back_to_its_runner_up(matcher: IntentMatcher) -> None:
    doctor = SemanticResult("info.doctor", 0.8, "info.doctor", rule="info")
    text = "should i ring the surgery about these cramps"
    found = matcher.step.match(FixedLayer(red_flag(doctor)), matcher.normalize(text), text)
    assert (found.intent, found.method) == ("info.doctor", "semantic")


def test_red_flag_of_the_head_alone_with_no_runner_up_is_no_answer(
        matcher: IntentMatcher) -> None:
    text = "call the doctor's surgery"
    found = matcher.step.match(FixedLayer(red_flag(None)), matcher.normalize(text), text)
    assert found.intent is None


def test_red_flag_of_the_head_with_a_danger_sign_heard_escalates(matcher: IntentMatcher) -> None:
    text = "my calf looks kind of swollen i think"
    assert "swelling" in matcher.red_flags.found_in(text)
    found = matcher.step.match(FixedLayer(red_flag(None)), matcher.normalize(text), text)
    assert found.intent == "safety.red_flag"


def test_head_gives_a_runner_up_of_another_family(layer: SemanticLayer) -> None:
    prediction = layer.head.predict(layer.encoder.encode(["when should i see a doctor"])[0])
    assert family(prediction.other) not in (family(prediction.best_in_family), NONE)
    assert 0 <= prediction.other_confidence <= prediction.best_in_family_confidence


def test_no_held_out_everyday_line_escalates_past_the_detector(
        matcher: IntentMatcher, validation: list[Example]) -> None:
    # what the detector itself escalates ("is it warm enough for shorts") is its own business
    negatives = [e.text for e in validation if e.label == NONE]
    escalated = [t for t in negatives if (m := matcher.match(t)).intent == "safety.red_flag"
                 and m.method != "red_flag"]
    assert escalated == []


def test_layer_leaves_red_flags_to_the_detector(layer: SemanticLayer,
                                                validation: list[Example]) -> None:
    flags = [e.text for e in validation if e.label == "safety.red_flag"]
    assert len(flags) >= 50
    assert [t for t in flags if layer.classify(t).label == "safety.red_flag"] == []
