"""Reply keys the dialogue says itself (flow steps come from intents/flows.yaml)."""

from __future__ import annotations

from scheduler.due import SUMMARY_KEY, prompt_key

REASSURE = "reassure.open"
DISCLAIMER = "disclaimer"
ESCALATION = "escalation.emergency"
ESCALATION_URGENT = "escalation.urgent"
ESCALATION_URGENT_NUMBER = "escalation.urgent_number"
ESCALATION_DOCTOR = "escalation.doctor"
ESCALATION_TIMER = "escalation.timer"
FREQUENT_CRAMPS = "advice.frequent_cramps"
NOT_UNDERSTOOD = "fallback.not_understood"
LISTENING = "wake.listening"

HELP = ("control.help", "control.help.more")
STOP = "control.stop"
SLOWER = "control.slower"
NOTHING_TO_REPEAT = "control.nothing_to_repeat"
NOTHING_NEXT = "control.nothing_next"
AFTERCARE = ("aftercare.passed", "aftercare.sore")

COUNT_START = "count.start"
COUNT = {10: "count.ten", 20: "count.twenty", 30: "count.thirty"}
COUNT_RELAX = "count.relax"

# info.remedies by its remedy slot (../shared/CONTENT.md "Asked about remedies").
REMEDY_NEEDLE = ("info.remedies.needle", "info.remedies.stretch")
REMEDY_RUB = ("info.remedies.rub", "info.remedies.warmth")
REMEDY_QUININE = ("info.remedies.quinine", "info.remedies.quinine_doctor")
REMEDY_SUPPLEMENT = ("info.remedies.supplement", "info.remedies.stretch")
REMEDY_FOOD = ("info.remedies.food", "info.remedies.stretch")
_remedies = {"needle": REMEDY_NEEDLE, "rub": REMEDY_RUB, "quinine": REMEDY_QUININE,
             "supplement": REMEDY_SUPPLEMENT, "food": REMEDY_FOOD}

REMINDER_PROMPT = prompt_key("{kind}")
"""reminder.<kind>.prompt: spelled once, in scheduler/due.py, which puts it in each DueReminder."""
REMINDER_KINDS = ("hydration", "footbath", "stretch", "custom")
REMINDER_DONE = "reminder.done"
REMINDER_SNOOZED = "reminder.snoozed"
REMINDER_NOTHING_DUE = "reminder.nothing_due"
REMINDER_LIST = "reminder.list.items"
REMINDER_LIST_ITEM = "reminder.list.item"
REMINDER_NAME = "reminder.name.{kind}"
REMINDER_NAMED_KINDS = ("hydration", "footbath", "stretch")
REMINDER_SUMMARY = SUMMARY_KEY
REMINDER_LIST_EMPTY = "reminder.list.empty"
REMINDER_LIST_PARTIAL = "reminder.list.partial"
REMINDER_LIST_NOT_YET = "reminder.list.not_yet"
"""Today's list while the saved reminders are not loaded: config.toml's only, said so plainly."""
REMINDER_UNAVAILABLE = "reminder.unavailable"
STORAGE_PROBLEM = "storage.problem"
"""Said once, when nothing else is going on, after the diary or reminders fell back to memory."""


def remedy_keys(remedy: str) -> tuple[str, ...]:
    """Reply keys for one remedy; () for none or an unknown one (the general answer is said)."""
    return _remedies.get(remedy, ())


def all_keys() -> set[str]:
    """Every key above; each language pack must define them all."""
    keys: set[str] = set()
    for name, value in globals().items():
        if name.isupper() and not name.endswith("KINDS"):
            if isinstance(value, str):
                keys.add(value)
            elif isinstance(value, tuple):
                keys.update(value)
            elif isinstance(value, dict):
                keys.update(value.values())
    keys -= {REMINDER_PROMPT, REMINDER_NAME}
    keys.update(REMINDER_PROMPT.format(kind=kind) for kind in REMINDER_KINDS)
    keys.update(REMINDER_NAME.format(kind=kind) for kind in REMINDER_NAMED_KINDS)
    return keys
