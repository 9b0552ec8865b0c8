"""VoskRecognizer: one KaldiRecognizer per stream over a shared model, acting on final results."""

from __future__ import annotations

import json
import logging

from skill.asr.grammar import Grammar
from skill.asr.models import LoadedModel
from skill.interfaces import SAMPLE_RATE

log = logging.getLogger(__name__)


class VoskRecognizer:
    """Implements skill.interfaces.Recognizer; grammar mode when given a Grammar, else open."""

    def __init__(self, model: LoadedModel, grammar: Grammar | None = None) -> None:
        import vosk

        self.model = model
        self.grammar = grammar
        if grammar is not None:
            phrases = json.dumps(list(grammar.phrases), ensure_ascii=False)
            self._recognizer = vosk.KaldiRecognizer(model.model, SAMPLE_RATE, phrases)
        else:
            self._recognizer = vosk.KaldiRecognizer(model.model, SAMPLE_RATE)
        self._dirty = False
        self.heard_unknown = False
        """The last result held '[unk]': speech outside the grammar (grammar mode only)."""
        self.ended = False
        """The last feed() ended an utterance (even one that decoded to nothing)."""

    def _text(self, result_json: str) -> str | None:
        self._dirty = False
        text = str(json.loads(result_json).get("text", "")).strip()
        self.heard_unknown = "[unk]" in text.split()
        if self.grammar is not None:
            text = self.grammar.detokenize(text)
        return text or None

    def feed(self, chunk: bytes) -> str | None:
        if not chunk:
            return None
        self._dirty = True
        self.ended = bool(self._recognizer.AcceptWaveform(chunk))
        if self.ended:
            return self._text(self._recognizer.Result())
        return None

    def partial(self) -> str:
        """What the utterance so far decodes to (may still change)."""
        if not self._dirty:
            return ""
        text = str(json.loads(self._recognizer.PartialResult()).get("partial", "")).strip()
        return self.grammar.detokenize(text) if self.grammar is not None else text

    def flush(self) -> str | None:
        """End of utterance or stream: the final result of what was fed since the last one."""
        if not self._dirty:
            return None
        return self._text(self._recognizer.FinalResult())

    def reset(self) -> None:
        self._recognizer.Reset()
        self._dirty = False
