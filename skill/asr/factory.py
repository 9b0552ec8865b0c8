"""The one recogniser factory: the `[voice]` model, loaded once, and a recogniser on it."""

from __future__ import annotations

from intents.language import load_pack
from skill.asr.dual import DualRecognizer
from skill.asr.grammar import Grammar, grammar_for_pack
from skill.asr.models import LoadedModel, Tuning, load_model
from skill.asr.vosk_recognizer import VoskRecognizer
from skill.audio.settings import VoiceSettings

_grammars: dict[int, Grammar] = {}


def build_recognizer(settings: VoiceSettings, language: str) -> VoskRecognizer | DualRecognizer:
    """Load (once) the model for `language`; grammar or open vocabulary as configured.

    Raises ModelNotFoundError / ModelLoadError with a message saying what to do.
    """
    return new_recognizer(load_voice_model(settings, language), settings.mode)


def load_voice_model(settings: VoiceSettings, language: str) -> LoadedModel:
    """The model for `language` as `[voice]` configures it (path, endpointing), loaded once;
    raises ModelNotFoundError / ModelLoadError."""
    return load_model(language, settings.model_path, tuning_for(settings))


def new_recognizer(model: LoadedModel, mode: str) -> VoskRecognizer | DualRecognizer:
    """A fresh recogniser on a loaded model: `mode` grammar, open or both (see VoiceSettings)."""
    if mode == "both":
        return DualRecognizer(model, pack_grammar(model))
    return VoskRecognizer(model, pack_grammar(model) if mode == "grammar" else None)


def pack_grammar(model: LoadedModel) -> Grammar:
    """The grammar of the model's language pack, built (and its missing words logged) once."""
    key = id(model)
    if key not in _grammars:
        _grammars[key] = grammar_for_pack(load_pack(model.lang), model.has_word)
    return _grammars[key]


def tuning_for(settings: VoiceSettings) -> Tuning:
    return Tuning(endpoint_silence=settings.endpoint_silence,
                  endpoint_silence_unsure=max(settings.endpoint_silence * 2, 0.8))
