"""One classified utterance plus the dialogue state in, a Plan out: which flow, step or answer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from intents.match import IntentMatch
from skill.dialogue import keys
from skill.dialogue.episode import EpisodeTracker
from skill.dialogue.flows import Flow, FlowTable, Step
from skill.dialogue.plan import Plan
from skill.dialogue.reminders import Reminders, answer_reminder
from skill.dialogue.replies import Replies
from skill.dialogue.state import DialogueState
from skill.dialogue.steps import StepSayer
from skill.dialogue.triage import STOPS_FLOW, level_of
from skill.dialogue.watch import EpisodeWatch

FOLLOW_UPS = frozenset(
    {"control.next", "control.repeat", "control.stop", "control.slower", "control.better"}
)
REQUEST_PREFIXES = ("info.", "routine.", "reminder.", "control.help")


@dataclass(frozen=True)
class Heard:
    """How an utterance reached us, which decides whether it is for us."""

    woke: bool
    """It began with the wake word."""
    bare_wake: bool
    """It was only the wake word."""
    in_window: bool
    """The follow-up window is open or speech is playing."""
    wake_needed: bool
    """A wake word is configured."""

    @property
    def addressed(self) -> bool:
        return self.in_window or self.woke or not self.wake_needed

    @property
    def attentive(self) -> bool:
        """Follow-ups and 'not understood' need more than no wake word: a window or the word."""
        return self.in_window or self.woke


class Router:
    """Decides a turn; it never touches the speaker: cutting speech goes into the plan."""

    def __init__(self, state: DialogueState, flows: FlowTable, episodes: EpisodeTracker,
                 replies: Replies, steps: StepSayer, watch: EpisodeWatch,
                 reminders: Reminders | None, number_words: Any = None) -> None:
        self.state = state
        self.flows = flows
        self.episodes = episodes
        self.replies = replies
        self.steps = steps
        self.watch = watch
        self.reminders = reminders
        self.number_words = number_words

    def in_context(self, match: IntentMatch) -> IntentMatch:
        """An intent the matcher held back for want of context, taken when the context is there:
        "i've done the washing up" is reminder.done only while a spoken reminder waits."""
        if (match.intent is None and match.held == keys.REMINDER_DONE
                and self.reminders is not None and self.reminders.window_open()):
            return replace(match, intent=match.held, held=None)
        return match

    def respond(self, match: IntentMatch, now: float, heard: Heard, plan: Plan) -> str:
        """Fill `plan` for this utterance; returns the speaker flow id to queue it under."""
        intent = match.intent
        state = self.state
        if intent == "safety.red_flag" and (heard.addressed or state.cursor is not None):
            return self._red_flag(level_of(match.slots), now, plan)
        if intent == "cramp.persistent" and heard.addressed and self.watch.overdue(now):
            return self._red_flag("urgent", now, plan)  # persistent past the timer: urgent level
        if heard.bare_wake:
            self.replies.say(plan, keys.LISTENING)
        elif not heard.addressed:
            pass
        elif intent is None:
            if heard.attentive:
                self.replies.say(plan, keys.NOT_UNDERSTOOD)
        elif intent.startswith("cramp."):
            return self._start_flow(self._flow_for(match), match, now, plan)
        elif intent in FOLLOW_UPS:
            if heard.attentive:
                return self._follow_up(intent, now, plan)
        elif intent.startswith(REQUEST_PREFIXES):
            return self._request(match, now, plan)
        return state.flow_name

    def _request(self, match: IntentMatch, now: float, plan: Plan) -> str:
        intent = match.intent or ""
        if intent == "reminder.list":
            self._reminder_list(plan)
        elif intent.startswith("reminder."):
            for key, fields in answer_reminder(intent, match.slots, self.reminders, now,
                                               self.number_words):
                self.replies.say(plan, key, **fields)
        elif intent == "control.help":
            for key in keys.HELP:
                self.replies.say(plan, key)
        elif keys.remedy_keys(match.slots.get("remedy", "")):
            self._remedy(match.slots["remedy"], plan)
        else:
            return self._start_flow(self.flows.get(intent), match, now, plan)
        return self.state.flow_name

    def _follow_up(self, intent: str, now: float, plan: Plan) -> str:
        state = self.state
        if intent == "control.stop":
            plan.stop()
            plan.dismiss_reminder = self.reminders is not None and self.reminders.window_open()
            self.replies.say(plan, keys.STOP)
            self._end_flow(now, "stopped")
            return ""
        if intent == "control.better":
            plan.stop(state.flow_name)
            for key in keys.AFTERCARE:
                self.replies.say(plan, key)
            self._end_flow(now, "passed")
            return ""
        if intent == "control.slower":
            state.slow = True
            self.replies.say(plan, keys.SLOWER)
        if intent in ("control.repeat", "control.slower"):
            self.steps.say_again(plan)
            return state.flow_name
        return self._next(now, plan)

    def _next(self, now: float, plan: Plan) -> str:
        state = self.state
        cursor = state.cursor
        if cursor is None or not cursor.flow.guided:
            if state.offer:
                return self._start_flow(self.flows.get(state.offer), IntentMatch(None), now, plan)
            self.replies.say(plan, keys.NOTHING_NEXT)
            return ""
        plan.stop(cursor.name)
        step = cursor.advance()
        if step is not None:
            self.steps.say_steps(plan, [step])
        elif cursor.flow.end:
            self.replies.say(plan, cursor.flow.end)
            if cursor.flow.kind == "routine":
                state.cursor = None
        return cursor.name

    def _flow_for(self, match: IntentMatch) -> Flow | None:
        if match.slots.get("who") == "child" and match.intent != "cramp.persistent":
            return self.flows.get("cramp.child")
        return self.flows.get(match.intent)

    def _start_flow(self, flow: Flow | None, match: IntentMatch, now: float, plan: Plan) -> str:
        state = self.state
        if flow is None:
            self.replies.say(plan, keys.NOT_UNDERSTOOD)
            return ""
        state.offer = None
        if flow.kind == "info":
            self.steps.say_steps(plan, list(flow.steps))
            self.steps.disclaim(plan)
            return state.flow_name
        # Someone in pain: cut whatever is talking (a reminder, a count); else just the old flow.
        if flow.kind == "first_aid":
            plan.stop()
        elif state.cursor is not None:
            plan.stop(state.cursor.name)
        cursor = state.start(flow)
        if flow.kind == "first_aid":
            side = match.slots.get("side", "")
            if self.episodes.touch(now, flow.muscle, side) and flow.reassure:
                self.replies.say(plan, keys.REASSURE)
        self.steps.say_steps(plan, [Step(key) for key in flow.checks] + [flow.steps[0]])
        self.steps.disclaim(plan)
        return cursor.name

    def _red_flag(self, level: str, now: float, plan: Plan) -> str:
        """Emergency and urgent cut the speech and end the flow; 'doctor' is said and the flow
        carries on ('next' goes on, 'repeat' still repeats the step), or info.doctor is offered."""
        state = self.state
        if level not in STOPS_FLOW:
            self.replies.say_level(plan, level)
            if state.cursor is not None:
                plan.repeat = state.repeat
                return state.cursor.name
            state.offer = "info.doctor"
            return "safety"
        plan.stop()
        self.replies.say_level(plan, level)
        self._end_flow(now, "escalated")
        return "safety"

    def _remedy(self, remedy: str, plan: Plan) -> None:
        """One remedy's answer (info.remedies with its slot), said at once like an info flow."""
        self.state.offer = None
        self.steps.say_steps(plan, [Step(key) for key in keys.remedy_keys(remedy)])
        self.steps.disclaim(plan)

    def _end_flow(self, now: float, outcome: str) -> None:
        self.state.end_flow()
        if self.episodes.current is not None:
            self.episodes.close(now, outcome)

    def _reminder_list(self, plan: Plan) -> None:
        if self.reminders is None:
            self.replies.say(plan, keys.REMINDER_UNAVAILABLE)
            return
        items = self.reminders.list_today()
        partial = self.reminders.saved_list_missing
        if items:
            key = keys.REMINDER_LIST_PARTIAL if partial else keys.REMINDER_LIST
            self.replies.say(plan, key, items=self.replies.list_items(items))
        else:
            self.replies.say(plan, keys.REMINDER_LIST_NOT_YET if partial
                             else keys.REMINDER_LIST_EMPTY)
