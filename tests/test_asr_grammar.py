"""Grammar from the Korean templates: split into model units, missing words reported, no [unk]."""

from __future__ import annotations

from dataclasses import replace

from intents.language import load_pack
from intents.matcher import IntentMatcher
from skill.asr.grammar import UNKNOWN, build_grammar, grammar_for_pack, sample_sentences, segment
from skill.asr.models import LoadedModel

VOCABULARY = {"종아리", "에", "쥐", "가", "났어요", "발", "바닥", "발바닥", "바닥에", "[unk]"}


def test_segment_prefers_few_and_long_units() -> None:
    assert segment("종아리에", VOCABULARY.__contains__) == ["종아리", "에"]
    assert segment("발바닥에", VOCABULARY.__contains__) == ["발바닥", "에"]
    assert segment("허벅지", VOCABULARY.__contains__) is None


def test_unspellable_sentences_are_reported_and_left_out() -> None:
    sentences = ["종아리에 쥐가 났어요", "허벅지에 쥐가 났어요"]
    grammar = build_grammar(sentences, VOCABULARY.__contains__)
    assert grammar.phrases == ("종아리 에 쥐 가 났어요", UNKNOWN)
    assert grammar.missing == ("허벅지에",)


def test_unknown_is_only_added_when_the_model_has_it() -> None:
    grammar = build_grammar(["종아리에 쥐가 났어요"], (VOCABULARY - {"[unk]"}).__contains__)
    assert UNKNOWN not in grammar.phrases and not grammar.has_unknown


def test_recognised_units_are_put_back_into_template_words() -> None:
    grammar = build_grammar(["종아리에 쥐가 났어요"], VOCABULARY.__contains__)
    assert grammar.detokenize("종아리 에 쥐 가 났어요") == "종아리에 쥐가 났어요"
    assert grammar.detokenize("[unk] 쥐 가") == "쥐가"


def test_sampling_covers_every_intent_of_the_pack() -> None:
    sentences = set(sample_sentences(load_pack("ko")))
    expected = {"종아리에 쥐가 났어요", "허벅지에 쥐가 났어요", "그만", "다음", "물 마셨어요"}
    assert expected <= sentences


def test_korean_model_knows_every_spoken_template_word(ko_model: LoadedModel) -> None:
    grammar = grammar_for_pack(load_pack("ko"), ko_model.has_word)
    assert not ko_model.has_word(UNKNOWN) and UNKNOWN not in grammar.phrases
    # Only the digit spellings (for typed input) are beyond the model's vocabulary.
    assert set(grammar.missing) == {"5분", "10분", "15분", "20분", "30분", "1시간"}
    assert "종아리 에 쥐 가 났어요" in grammar.phrases


def test_typed_only_blocks_are_matched_but_never_in_the_grammar() -> None:
    pack = load_pack("ko")
    sentences = {"language": "ko", "intents": {"control.stop": {"data": [
        {"sentences": ["그만"]},
        {"sentences": ["그만 말해"], "metadata": {"typed_only": True}}]}}}
    only_stop = replace(pack, sentences=sentences, meta={})
    assert sample_sentences(only_stop) == ["그만"]
    assert IntentMatcher(only_stop, semantic=False).match("그만 말해").intent == "control.stop"
