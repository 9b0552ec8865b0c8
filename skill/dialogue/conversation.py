"""One conversation: a classified utterance plus the dialogue state in, the sentences to say out."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from intents.language import LanguagePack
from intents.match import IntentMatch, Matcher
from skill.config import Config
from skill.dialogue import keys
from skill.dialogue.diary import Diary
from skill.dialogue.episode import EpisodeTracker
from skill.dialogue.flows import Flow, FlowTable, Step
from skill.dialogue.notes import FrequentCrampsNote
from skill.dialogue.plan import Plan, Said
from skill.dialogue.reminders import Reminders, Upcoming, answer_reminder, describe
from skill.dialogue.timeutil import Clock, local_zone
from skill.dialogue.triage import STOPS_FLOW, level_line, level_of
from skill.interfaces import Speaker

log = logging.getLogger(__name__)

MAX_TEXT = 300
"""Longer input is cut before matching; nobody says more than this in one breath."""
FOLLOW_UPS = frozenset(
    {"control.next", "control.repeat", "control.stop", "control.slower", "control.better"}
)
REQUEST_PREFIXES = ("info.", "routine.", "reminder.", "control.help")
SLOW_SETTLE_SECONDS = 5.0
"""With 'slower', time to get into position before the count starts (realtime only)."""
SECONDS_PER_WORD = 0.4
"""Rough speaking time, so the follow-up window starts after the words, not before."""
NOT_REPEATED = frozenset({keys.DISCLAIMER, keys.REASSURE, keys.FREQUENT_CRAMPS, keys.LISTENING,
                          keys.NOT_UNDERSTOOD, keys.NOTHING_TO_REPEAT})
"""Said around the content; 'repeat' goes back to the content itself."""
_JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]+")


@dataclass(frozen=True)
class Turn:
    text: str
    """The input line (cleaned: control characters removed, cut to MAX_TEXT)."""
    intent: str | None
    """The stateless classification of this line, whatever the dialogue made of it."""
    slots: dict[str, str] = field(default_factory=dict)
    say: list[str] = field(default_factory=list)
    """Sentences said, in order (counts included)."""
    reply_keys: list[str] = field(default_factory=list)
    """Reply key of each sentence in `say`."""

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "intent": self.intent, "slots": dict(self.slots),
                "say": list(self.say), "reply_keys": list(self.reply_keys)}


def clean_text(text: str) -> str:
    """Drop control characters and undecodable bytes, collapse spaces, cut to MAX_TEXT."""
    return " ".join(_JUNK.sub(" ", text[: MAX_TEXT * 4]).split())[:MAX_TEXT]


@dataclass
class _Active:
    flow: Flow
    name: str
    """Flow id handed to the speaker, so stop/next can drop just this flow's queued items."""
    index: int = -1
    """Index of the step said last; -1 before step one."""


class Conversation:
    """Guided first aid, follow-ups, red flags and the cramp timer for one session."""

    def __init__(
        self,
        pack: LanguagePack,
        matcher: Matcher,
        config: Config,
        clock: Clock = time.time,
        diary: Diary | None = None,
        speaker: Speaker | None = None,
        reminders: Reminders | None = None,
        realtime: bool = False,
    ) -> None:
        self.pack = pack
        self.matcher = matcher
        self.config = config
        self.clock = clock
        self.diary = diary
        self.speaker = speaker
        self.reminders = reminders
        self.realtime = realtime
        self.flows = FlowTable.load()
        self.zone = local_zone(config.reminders.timezone)
        self.episodes = EpisodeTracker(diary)
        self._wake = " ".join(config.voice.wake_word.lower().split())
        self._active: _Active | None = None
        self._repeat: list[Step] | list[Said] = []
        """What 'repeat' says again: flow steps (re-counted) or the last sentences verbatim."""
        self._stepped = False
        self._offer: str | None = None
        self._window_until = float("-inf")
        self._disclaimer_said = False
        self._slow = False
        self.note = FrequentCrampsNote(diary, config.reminders, self.zone)
        self._flow_count = 0
        self._lock = threading.RLock()

    # -- public entry points

    def handle_text(self, text: str) -> Turn:
        """Classify one line (after an optional wake word) and answer it."""
        clean = clean_text(text)
        woke, rest = self._strip_wake(clean)
        match = self.matcher.match(rest) if rest else IntentMatch(None, text=rest)
        return self._handle(match, clean, woke, bare_wake=woke and not rest)

    def handle_match(self, match: IntentMatch) -> Turn:
        """Answer an already classified utterance; match.text is checked for the wake word."""
        text = clean_text(match.text)
        woke, rest = self._strip_wake(text)
        return self._handle(match, text, woke, bare_wake=woke and not rest)

    def tick(self) -> Turn | None:
        """Called by the run loop now and then: the cramp timer and the daytime diary note."""
        with self._lock:
            now = self.clock()
            plan = Plan()
            self._close_idle(now)
            self._check_timer(now, plan)
            if not plan.items and self._active is None and not self._speaker_busy():
                self._frequent_note(now, plan)
            if not plan.items:
                return None
            return self._finish(Turn("", None), plan, now, flow="timer")

    def remind(self, kind: str, text: str = "", items: Sequence[Upcoming] = (),
               on_done: Callable[[bool], None] | None = None) -> Turn:
        """Speak a due reminder (the run loop's on_due); stretch and foot bath offer 'say start'.

        kind 'summary' lists `items`, the reminders quiet hours held back. `on_done` is told
        whether the reminder was heard in full (not called when there was nothing to say).
        """
        with self._lock:
            now = self.clock()
            plan = Plan()
            if kind == "summary":
                if items:
                    self._say(plan, keys.REMINDER_SUMMARY, items=self._list_items(items))
                return self._finish(Turn("", None), plan, now, flow="reminder", on_done=on_done)
            kind = kind if kind in keys.REMINDER_KINDS else "custom"
            self._say(plan, keys.REMINDER_PROMPT.format(kind=kind), text=text)
            offered = f"routine.{kind}"
            self._offer = offered if self.flows.get(offered) else None
            return self._finish(Turn("", None), plan, now, flow="reminder", on_done=on_done)

    def close(self) -> None:
        """End of session: an episode still open is recorded as 'unfinished' at its last word."""
        with self._lock:
            episode = self.episodes.current
            if episode is not None:
                self.episodes.close(episode.last_activity, "unfinished")
            self._active = None

    def is_busy(self) -> bool:
        """A guided flow is in its follow-up window, or speech is playing: reminders wait."""
        with self._lock:
            in_flow = self._active is not None and self.clock() <= self._window_until
            return in_flow or self._speaker_busy()

    # -- routing

    def _handle(self, match: IntentMatch, text: str, woke: bool, bare_wake: bool) -> Turn:
        with self._lock, self.diary.batch() if self.diary else nullcontext():
            now = self.clock()
            turn = Turn(text, match.intent, dict(match.slots))
            self._log("heard", {"text": text}, now)
            self._log("intent", {"intent": match.intent, "slots": dict(match.slots),
                                 "score": round(match.score, 3), "method": match.method}, now)
            self._close_idle(now)
            plan = Plan()
            self._stepped = False
            flow = self._respond(match, now, woke, bare_wake, plan)
            if self.episodes.current is not None and match.intent != "safety.red_flag":
                if plan.items:
                    self.episodes.current.last_activity = now
                timer = Plan()
                self._check_timer(now, timer)
                plan.items[:0] = timer.items
            if plan.items and not self._stepped:
                self._repeat = [s for s in plan.items
                                if isinstance(s, Said) and s.key not in NOT_REPEATED]
            quiet = match.intent in (None, "safety.red_flag", "control.stop")
            if plan.items and self._active is None and not quiet:
                self._frequent_note(now, plan)
            return self._finish(turn, plan, now, flow)

    def _respond(self, match: IntentMatch, now: float, woke: bool, bare: bool, plan: Plan) -> str:
        """Fill `plan` for this utterance; returns the speaker flow id to queue it under."""
        intent = match.intent
        in_window = now <= self._window_until or self._speaker_busy()
        addressed = in_window or woke or not self._wake
        if intent == "safety.red_flag" and (addressed or self._active is not None):
            return self._red_flag(level_of(match.slots), now, plan)
        if intent == "cramp.persistent" and addressed and self._overdue(now):
            return self._red_flag("urgent", now, plan)  # persistent past the timer: urgent level
        if bare:
            self._say(plan, keys.LISTENING)
        elif not addressed:
            pass
        elif intent is None:
            if in_window or woke:
                self._say(plan, keys.NOT_UNDERSTOOD)
        elif intent.startswith("cramp."):
            return self._start_flow(self._flow_for(match), match, now, plan)
        elif intent in FOLLOW_UPS:
            if in_window or woke:
                return self._follow_up(intent, now, plan)
        elif intent.startswith(REQUEST_PREFIXES):
            if intent == "reminder.list":
                self._reminder_list(plan)
            elif intent.startswith("reminder."):
                for key, fields in answer_reminder(intent, match.slots, self.reminders, now,
                                                   self.pack.meta.get("number_words")):
                    self._say(plan, key, **fields)
            elif intent == "control.help":
                for key in keys.HELP:
                    self._say(plan, key)
            elif keys.remedy_keys(match.slots.get("remedy", "")):
                self._remedy(match.slots["remedy"], plan)
            else:
                return self._start_flow(self.flows.get(intent), match, now, plan)
        return self._active.name if self._active else ""

    def _follow_up(self, intent: str, now: float, plan: Plan) -> str:
        active = self._active
        if intent == "control.stop":
            self._stop_speech("")
            if self.reminders is not None and self.reminders.window_open():
                self.reminders.dismiss()
            self._say(plan, keys.STOP)
            self._end_flow(now, "stopped")
            return ""
        if intent == "control.better":
            self._stop_speech(active.name if active else "")
            for key in keys.AFTERCARE:
                self._say(plan, key)
            self._end_flow(now, "passed")
            return ""
        if intent == "control.slower":
            self._slow = True
            self._say(plan, keys.SLOWER)
        if intent in ("control.repeat", "control.slower"):
            self._say_again(plan, active)
            return active.name if active else ""
        return self._next(now, plan)

    def _next(self, now: float, plan: Plan) -> str:
        active = self._active
        if active is None or not active.flow.guided:
            if self._offer:
                return self._start_flow(self.flows.get(self._offer), IntentMatch(None), now, plan)
            self._say(plan, keys.NOTHING_NEXT)
            return ""
        self._stop_speech(active.name)
        if active.index + 1 < len(active.flow.steps):
            active.index += 1
            self._say_steps(plan, [active.flow.steps[active.index]])
        elif active.flow.end:
            self._say(plan, active.flow.end)
            if active.flow.kind == "routine":
                self._active = None
        return active.name

    def _flow_for(self, match: IntentMatch) -> Flow | None:
        if match.slots.get("who") == "child" and match.intent != "cramp.persistent":
            return self.flows.get("cramp.child")
        return self.flows.get(match.intent)

    def _start_flow(self, flow: Flow | None, match: IntentMatch, now: float, plan: Plan) -> str:
        if flow is None:
            self._say(plan, keys.NOT_UNDERSTOOD)
            return ""
        self._offer = None
        if flow.kind == "info":
            self._say_steps(plan, list(flow.steps))
            self._disclaim(plan)
            return self._active.name if self._active else ""
        if flow.kind == "first_aid":
            self._stop_speech("")  # someone in pain: cut whatever is talking (a reminder, a count)
        elif self._active is not None:
            self._stop_speech(self._active.name)
        self._flow_count += 1
        self._active = _Active(flow, f"{flow.intent}#{self._flow_count}", index=0)
        if flow.kind == "first_aid":
            side = match.slots.get("side", "")
            if self.episodes.touch(now, flow.muscle, side) and flow.reassure:
                self._say(plan, keys.REASSURE)
        self._say_steps(plan, [Step(key) for key in flow.checks] + [flow.steps[0]])
        self._disclaim(plan)
        return self._active.name

    def _red_flag(self, level: str, now: float, plan: Plan) -> str:
        """Emergency and urgent cut the speech and end the flow; 'doctor' is said and the flow
        carries on ('next' goes on, 'repeat' still repeats the step), or info.doctor is offered."""
        if level not in STOPS_FLOW:
            self._say_level(plan, level)
            if self._active is not None:
                self._stepped = True
                return self._active.name
            self._offer = "info.doctor"
            return "safety"
        self._stop_speech("")
        self._say_level(plan, level)
        self._end_flow(now, "escalated")
        return "safety"

    def _remedy(self, remedy: str, plan: Plan) -> None:
        """One remedy's answer (info.remedies with its slot), said at once like an info flow."""
        self._offer = None
        self._say_steps(plan, [Step(key) for key in keys.remedy_keys(remedy)])
        self._disclaim(plan)

    def _say_level(self, plan: Plan, level: str) -> None:
        line = level_line(level, self.config.safety)
        if line.text:
            plan.say(line.key, line.text)
        else:
            self._say(plan, line.key)

    def _overdue(self, now: float) -> bool:
        """The open episode has lasted the timer's minutes (a cramp over ten minutes)."""
        episode = self.episodes.current
        minutes = self.config.dialogue.escalate_after_minutes
        return episode is not None and now - episode.start >= minutes * 60

    # -- state helpers

    def _end_flow(self, now: float, outcome: str) -> None:
        self._active = None
        self._offer = None
        self._slow = False
        if self.episodes.current is not None:
            self.episodes.close(now, outcome)

    def _close_idle(self, now: float) -> None:
        """Close an episode nobody has mentioned for a long while (it passed, or they slept)."""
        closed = self.episodes.close_if_idle(now)
        if closed and self._active is not None and self._active.flow.kind == "first_aid":
            self._active = None

    def _check_timer(self, now: float, plan: Plan) -> None:
        """Say once that an episode still going after N minutes needs urgent advice."""
        minutes = self.config.dialogue.escalate_after_minutes
        if self.episodes.timer_due(now, minutes * 60):
            self._say(plan, keys.ESCALATION_TIMER, minutes=minutes)
            self._say_level(plan, "urgent")  # the same urgent line as a red flag of that level

    def _frequent_note(self, now: float, plan: Plan) -> None:
        if self.note.due(now, self.episodes.started):
            self._say(plan, keys.FREQUENT_CRAMPS)

    def _reminder_list(self, plan: Plan) -> None:
        if self.reminders is None:
            self._say(plan, keys.REMINDER_UNAVAILABLE)
            return
        items = self.reminders.list_today()
        if items:
            self._say(plan, keys.REMINDER_LIST, items=self._list_items(items))
        else:
            self._say(plan, keys.REMINDER_LIST_EMPTY)

    def _list_items(self, items: Sequence[Upcoming]) -> str:
        """'a glass of water at 10:00, the evening calf stretch at 21:30' in the pack's words."""
        spoken = []
        for item in items:
            name = item.text
            if item.kind in keys.REMINDER_NAMED_KINDS:
                name = self._text(keys.REMINDER_NAME.format(kind=item.kind)) or item.kind
            key, fields = describe(item, name)
            spoken.append(self._text(key, **fields) or name)
        return ", ".join(spoken)

    def _disclaim(self, plan: Plan) -> None:
        if not self._disclaimer_said:
            self._disclaimer_said = True
            self._say(plan, keys.DISCLAIMER)

    def _strip_wake(self, text: str) -> tuple[bool, str]:
        if not self._wake:
            return False, text
        words = text.split()
        wake = self._wake.split()
        heard = [w.strip(".,!?;:").lower() for w in words[: len(wake)]]
        if heard == wake:
            return True, " ".join(words[len(wake):]).lstrip(".,!?;: ")
        return False, text

    def _speaker_busy(self) -> bool:
        return self.speaker is not None and self.speaker.is_busy()

    def _stop_speech(self, flow: str) -> None:
        if self.speaker is not None:
            self.speaker.stop(flow)

    # -- saying

    def _say(self, plan: Plan, key: str, **fields: object) -> None:
        text = self._text(key, **fields)
        if text:
            plan.say(key, text)

    def _text(self, key: str, **fields: object) -> str:
        """Reply `key` filled in; '' (logged) when the pack lacks it, so a gap never crashes."""
        try:
            return self.pack.reply(key, emergency_number=self.config.safety.emergency_number,
                                   urgent_number=self.config.safety.urgent_number, **fields)
        except KeyError as exc:
            log.error("cannot say %s: %s", key, exc)
            return ""

    def _say_steps(self, plan: Plan, steps: list[Step]) -> None:
        self._repeat = steps
        self._stepped = True
        for step in steps:
            self._say_step(plan, step)

    def _say_again(self, plan: Plan, active: _Active | None) -> None:
        self._stepped = True
        if not self._repeat:
            self._say(plan, keys.NOTHING_TO_REPEAT)
            return
        self._stop_speech(active.name if active else "")
        for item in self._repeat:
            if isinstance(item, Step):
                self._say_step(plan, item)
            else:
                plan.say(item.key, item.text)

    def _say_step(self, plan: Plan, step: Step) -> None:
        self._say(plan, step.key)
        if self._active is not None and self._active.flow.kind == "first_aid":
            self.episodes.add_step(step.key)
        if not step.hold or not self.config.dialogue.count_aloud:
            return
        self._say(plan, keys.COUNT_START)
        if self._slow:
            plan.pause(SLOW_SETTLE_SECONDS)
        for seconds, key in sorted(keys.COUNT.items()):
            if seconds <= step.hold:
                plan.pause(10)
                self._say(plan, key)
        self._say(plan, keys.COUNT_RELAX)

    def _finish(self, turn: Turn, plan: Plan, now: float, flow: str,
                on_done: Callable[[bool], None] | None = None) -> Turn:
        """Record what is said, queue it on the speaker, and open the follow-up window."""
        for item in plan.items:
            if isinstance(item, Said):
                self._log("spoken", {"key": item.key, "text": item.text}, now)
        if plan.items:
            if self.speaker is not None:
                plan.send(self.speaker, flow, self.realtime, on_done)
            # The window runs from when the words and holds are over, not from when they began.
            window = float(self.config.dialogue.follow_up_seconds) * (2 if self._slow else 1)
            words = sum(len(text.split()) for text in plan.sentences)
            self._window_until = now + window + plan.paused_seconds + words * SECONDS_PER_WORD
        if turn.intent == "control.stop" and not self._active:
            self._window_until = float("-inf")
        return Turn(turn.text, turn.intent, turn.slots, plan.sentences, plan.keys)

    def _log(self, kind: str, data: dict[str, Any], now: float) -> None:
        if self.diary is not None:
            self.diary.log(kind, data, now)
