"""Reply keys to words: the language pack's sentences filled in with the configured numbers."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from intents.language import LanguagePack
from skill.dialogue import keys
from skill.dialogue.plan import Plan
from skill.dialogue.reminders import Upcoming, describe
from skill.dialogue.settings import SafetySettings
from skill.dialogue.triage import level_line

log = logging.getLogger(__name__)


class Replies:
    """Says reply keys into a plan; a key the pack lacks is logged and skipped, never a crash."""

    def __init__(self, pack: LanguagePack, safety: SafetySettings) -> None:
        self.pack = pack
        self.safety = safety

    def say(self, plan: Plan, key: str, **fields: object) -> None:
        text = self.text(key, **fields)
        if text:
            plan.say(key, text)

    def text(self, key: str, **fields: object) -> str:
        """Reply `key` filled in; '' (logged) when the pack lacks it."""
        try:
            return self.pack.reply(key, emergency_number=self.safety.emergency_number,
                                   urgent_number=self.safety.urgent_number, **fields)
        except KeyError as exc:
            log.error("cannot say %s: %s", key, exc)
            return ""

    def say_level(self, plan: Plan, level: str) -> None:
        """The one line of a triage level, the config's own wording when it has one."""
        line = level_line(level, self.safety)
        if line.text:
            plan.say(line.key, line.text)
        else:
            self.say(plan, line.key)

    def list_items(self, items: Sequence[Upcoming]) -> str:
        """'a glass of water at 10:00, the evening calf stretch at 21:30' in the pack's words."""
        spoken = []
        for item in items:
            name = item.text
            if item.kind in keys.REMINDER_NAMED_KINDS:
                name = self.text(keys.REMINDER_NAME.format(kind=item.kind)) or item.kind
            key, fields = describe(item, name)
            spoken.append(self.text(key, **fields) or name)
        return ", ".join(spoken)
