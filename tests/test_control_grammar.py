"""Barge-in's control grammar (bench.aec_inproc_probe): only the commands that act over the
assistant's voice, every word spelt with the Korean model's own units."""

from __future__ import annotations

from intents.language import load_pack
from skill.asr.factory import load_voice_model
from skill.asr.grammar import build_grammar, sample_sentences
from skill.audio.settings import VoiceSettings
from skill.barge_in import ACTING


def test_only_keeps_the_sentences_of_the_named_intents() -> None:
    pack = load_pack("ko")
    stop = sample_sentences(pack, only=frozenset({"control.stop"}))
    assert "그만해요" in stop and "좋아졌어요" not in stop
    assert set(stop) < set(sample_sentences(pack))


def test_every_word_of_the_control_grammar_is_in_the_korean_model() -> None:
    model = load_voice_model(VoiceSettings(), "ko")
    grammar = build_grammar(sample_sentences(load_pack("ko"), only=ACTING), model.has_word)
    assert grammar.missing == ()
    assert {"좋아졌어요", "다시", "그만해요"} <= grammar.words
