"""Grammar and open vocabulary on the same audio: an in-grammar result wins, else the open one."""

from __future__ import annotations

from skill.asr.grammar import Grammar
from skill.asr.models import LoadedModel
from skill.asr.vosk_recognizer import VoskRecognizer


class DualRecognizer:
    """Implements skill.interfaces.Recognizer with two decoders over one shared model.

    The grammar decoder can only say template sentences, so its result is trusted when it heard
    no '[unk]': that is an exact command, and it is what early commit checks. Otherwise the
    open-vocabulary transcript goes to the matcher, whose semantic layer can read words no
    template has. Costs a second decoder's CPU while someone speaks (the gate keeps it idle
    otherwise)."""

    def __init__(self, model: LoadedModel, grammar: Grammar) -> None:
        self.grammar_side = VoskRecognizer(model, grammar)
        self.open_side = VoskRecognizer(model, None)
        self._finals: dict[str, str | None] = {}

    def feed(self, chunk: bytes) -> str | None:
        # each side ends utterances on its own; pair them, deciding once both have ended
        for name, side in (("grammar", self.grammar_side), ("open", self.open_side)):
            final = side.feed(chunk)
            if final is not None or (name not in self._finals and side.ended):
                self._finals[name] = final
        if len(self._finals) == 2:
            return self._decide()
        return None

    def partial(self) -> str:
        return self.grammar_side.partial()

    def flush(self) -> str | None:
        for name, side in (("grammar", self.grammar_side), ("open", self.open_side)):
            if name not in self._finals:
                self._finals[name] = side.flush()
        return self._decide()

    def reset(self) -> None:
        self.grammar_side.reset()
        self.open_side.reset()
        self._finals.clear()

    def _decide(self) -> str | None:
        grammar, heard = self._finals.get("grammar"), self._finals.get("open")
        self._finals.clear()
        if grammar and not self.grammar_side.heard_unknown:
            return grammar
        return heard or None
