"""The template word index: hassil over the templates it keeps finds what hassil over all finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hassil import Intents, RecognizeResult, recognize_best

from bench.intent_accuracy import read_examples
from intents.fuzzy import sample_templates
from intents.language import load_pack
from intents.normalize import Normalizer
from intents.template_index import IndexCache, TemplateIndex

DATA = Path(__file__).parent / "data"


def _key(result: RecognizeResult | None) -> tuple[str, list[tuple[str, str]]] | None:
    if result is None:
        return None
    return result.intent.name, sorted((k, str(e.value)) for k, e in result.entities.items())


def _small(sentences: list[str], lists: dict[str, object] | None = None) -> Intents:
    return Intents.from_dict({"language": "en", "lists": lists or {},
                              "intents": {"demo": {"data": [{"sentences": sentences}]}}})


@pytest.mark.parametrize("language", ["en", "ko"])
def test_index_finds_what_hassil_finds_over_all_templates(language: str) -> None:
    """Sampled template sentences (each matches) and the labelled lines (most do not)."""
    pack = load_pack(language)
    intents = Intents.from_dict(pack.sentences)
    index = TemplateIndex(intents, language)
    texts = [" ".join(s.words) for s in sample_templates(intents, 2, {}, {})]
    if language == "en":
        normalize = Normalizer.from_meta(pack.meta)
        texts += [normalize(e.text) for e in read_examples(DATA / "en_utterances.tsv")[::4]]
    texts = list(dict.fromkeys(t for t in texts if t))[::2]
    found = [(t, _key(index.recognize(t))) for t in texts]
    assert [(t, _key(recognize_best(t, intents, language=language))) for t in texts] == found
    assert sum(key is not None for _, key in found) >= len(texts) // 3


def test_word_no_template_knows_rules_out_every_template() -> None:
    index = TemplateIndex(Intents.from_dict(load_pack("en").sentences), "en")
    assert index.candidates("my calf is cramping") != 0
    assert index.candidates("my calf is cramping xylophone") == 0
    assert index.recognize("my calf is cramping xylophone") is None


def test_word_glued_from_two_parts_keeps_its_template() -> None:
    """"calf[s]" makes the word "calfs", which no chunk holds alone: never ruled out."""
    index = TemplateIndex(_small(["my calf[s] (hurt|ache)", "my foot hurts"]), "en")
    assert _key(index.recognize("my calfs hurt")) == ("demo", [])
    assert index.recognize("my foot aches") is None


def test_number_spelt_out_or_in_digits_reaches_a_number_template() -> None:
    intents = _small(["in {minutes} minutes"], {"minutes": {"range": {"from": 1, "to": 120}}})
    index = TemplateIndex(intents, "en")
    assert _key(index.recognize("in twenty five minutes")) == ("demo", [("minutes", "25")])
    assert _key(index.recognize("in 25 minutes")) == ("demo", [("minutes", "25.0")])
    assert index.recognize("in many minutes") is None


def test_punctuation_sends_the_line_to_every_template() -> None:
    index = TemplateIndex(_small(["my foot hurts"]), "en")
    assert index.candidates("xylophone hurts") == 0
    assert index.candidates("xylophone, hurts") == 1
    assert _key(index.recognize("my foot, hurts")) == ("demo", [])


def test_index_read_from_its_cache_file_finds_what_the_built_one_finds(tmp_path: Path) -> None:
    pack = load_pack("en")
    intents = Intents.from_dict(pack.sentences)
    cache = IndexCache.for_templates(pack.sentences, "en", tmp_path)
    built = TemplateIndex(intents, "en", cache)
    assert cache.path.exists()
    cached = TemplateIndex(intents, "en", cache)
    texts = [" ".join(s.words) for s in sample_templates(intents, 1, {}, {})][::3]
    texts += ["my calf is cramping xylophone", "add bananas to my shopping list"]
    assert [cached.candidates(t) for t in texts] == [built.candidates(t) for t in texts]
    assert [_key(cached.recognize(t)) for t in texts] == [_key(built.recognize(t)) for t in texts]


def test_damaged_cache_file_is_built_again_and_other_templates_get_their_own(
    tmp_path: Path,
) -> None:
    small = {"language": "en", "intents": {"demo": {"data": [{"sentences": ["my foot hurts"]}]}}}
    cache = IndexCache.for_templates(small, "en", tmp_path)
    cache.path.write_text("{not json", encoding="utf-8")
    index = TemplateIndex(Intents.from_dict(small), "en", cache)
    assert _key(index.recognize("my foot hurts")) == ("demo", [])
    assert IndexCache(cache.path).load() is not None
    other = {**small, "intents": {"demo": {"data": [{"sentences": ["my knee hurts"]}]}}}
    assert IndexCache.for_templates(other, "en", tmp_path).path != cache.path
