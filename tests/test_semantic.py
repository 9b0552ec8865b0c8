"""The English semantic layer: model checksums, the config switch, rejection, the cramp fallback."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.semantic.encoder import Encoder, EncoderError, ModelFiles, locate
from intents.semantic.training import NONE, load_examples, split
from skill.config import ConfigError, parse_config


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder()


def test_installed_model_loads_and_paraphrases_sit_closer_than_unrelated(
        encoder: Encoder) -> None:
    cramp, paraphrase, unrelated = encoder.encode(
        ["my calf is cramping", "the muscle in my lower leg has seized up",
         "add bananas to my shopping list"])
    assert np.isclose(np.linalg.norm(cramp), 1.0, atol=1e-4)
    assert cramp @ paraphrase > cramp @ unrelated + 0.2


def test_wrong_model_checksum_fails_with_one_clear_line(tmp_path: Path) -> None:
    files = locate()
    copy = tmp_path / "model.onnx"
    shutil.copyfile(files.model, copy)
    with copy.open("r+b") as handle:  # one flipped byte is a different model
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(EncoderError) as caught:
        Encoder(ModelFiles(copy, files.tokenizer))
    message = str(caught.value)
    assert "\n" not in message
    assert "sha256" in message and str(copy) in message and "semantic = false" in message


def test_missing_tokenizer_fails_with_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match=r"tokenizer missing at .*semantic = false"):
        Encoder(ModelFiles(locate().model, tmp_path / "tokenizer.json"))


def test_config_switch_turns_the_layer_off() -> None:
    config, _ = parse_config("[understanding]\nsemantic = false\n")
    assert config.understanding.semantic is False
    assert IntentMatcher(load_pack("en"), semantic=config.understanding.semantic).semantic is None
    assert parse_config("")[0].understanding.semantic is True


def test_bad_switch_value_names_key_and_line() -> None:
    with pytest.raises(ConfigError, match=r"line 2.*\[understanding\] semantic"):
        parse_config("[understanding]\nsemantic = \"maybe\"\n")


def test_korean_pack_has_no_semantic_layer() -> None:
    assert IntentMatcher(load_pack("ko")).semantic is None


@pytest.mark.parametrize("text", [
    "add bananas to my shopping list",
    "how much money do I have",
    "crampons for winter hiking",
    "my stomach cramps after dinner",
    "the calf in the barn is limping",
])
def test_everyday_lookalikes_stay_silent(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent is None


def test_held_out_negatives_are_rejected(matcher: IntentMatcher) -> None:
    pack = load_pack("en")
    examples = load_examples(matcher.intents, pack.directory / "training", matcher.normalize, 1)
    _, validation = split(examples, 0.25)
    negatives = [e.text for e in validation if e.label == NONE][::4]
    assert len(negatives) >= 100
    accepted = [(t, m.intent) for t in negatives if (m := matcher.match(t)).intent is not None]
    assert accepted == []


def test_clear_cramp_of_no_clear_kind_starts_the_general_flow(matcher: IntentMatcher) -> None:
    # "my calf cramped up on the bike ride home" now takes the kind the head is sure of
    # (cramp.exercise); a cramp of no kind at all still gets the general flow
    match = matcher.match("this cramp is unbearable")
    assert (match.intent, match.method) == ("cramp.calf", "cramp-unclear")
    assert 0.5 < match.score < 1


def test_every_match_carries_a_confidence_and_a_layer(matcher: IntentMatcher) -> None:
    exact = matcher.match("my calf is cramping")
    fuzzy = matcher.match("crampin in my calf")
    assert (exact.method, exact.score) == ("exact", 1.0)
    assert fuzzy.method == "fuzzy" and 0 < fuzzy.score < 1
    assert matcher.match("turn on the kitchen lights").method == "none"
