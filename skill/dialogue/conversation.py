"""One conversation: a classified utterance plus the dialogue state in, the sentences to say out.

The Router decides each turn as a Plan; this class executes the plan (cut speech, dismiss the
reminder, queue the sentences), records it in the diary and opens the follow-up window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import replace
from typing import Any

from intents.language import LanguagePack
from intents.match import IntentMatch, Matcher
from skill.config import Config
from skill.dialogue import keys
from skill.dialogue.diary import Diary
from skill.dialogue.episode import EpisodeTracker
from skill.dialogue.flows import FlowTable
from skill.dialogue.notes import FrequentCrampsNote
from skill.dialogue.plan import Plan, Said
from skill.dialogue.reminders import Reminders, Upcoming
from skill.dialogue.replies import Replies
from skill.dialogue.routing import Heard, Router
from skill.dialogue.state import DialogueState, Phase
from skill.dialogue.steps import StepSayer
from skill.dialogue.timeutil import Clock, local_zone
from skill.dialogue.turn import MAX_TEXT, Turn, clean_text
from skill.dialogue.watch import EpisodeWatch
from skill.interfaces import Speaker

__all__ = ["MAX_TEXT", "Conversation", "Turn", "clean_text"]

SECONDS_PER_WORD = 0.4
"""Rough speaking time, so the follow-up window starts after the words, not before."""
NOT_REPEATED = frozenset({keys.DISCLAIMER, keys.REASSURE, keys.FREQUENT_CRAMPS, keys.LISTENING,
                          keys.NOT_UNDERSTOOD, keys.NOTHING_TO_REPEAT})
"""Said around the content; 'repeat' goes back to the content itself."""


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
        self.clock = clock
        self.diary = diary
        self.speaker = speaker
        self.reminders = reminders
        self.realtime = realtime
        self.flows = FlowTable.load()
        self.episodes = EpisodeTracker(diary)
        self.state = DialogueState()
        self._lock = threading.RLock()
        self.apply(config)

    def apply(self, config: Config) -> None:
        """Take new settings: everything built from config (wake word, time zone, quiet hours
        of the frequent-cramps note, numbers, counts) is rebuilt; the dialogue state is kept."""
        with self._lock:
            self._config = config
            self._wake = " ".join(config.voice.wake_word.lower().split())
            replies = Replies(self.pack, config.safety)
            note = FrequentCrampsNote(self.diary, config.reminders,
                                      local_zone(config.reminders.timezone))
            self.replies = replies
            self.watch = EpisodeWatch(self.episodes, replies, config.dialogue, note)
            steps = StepSayer(replies, self.episodes, self.state, config.dialogue.count_aloud)
            self.router = Router(self.state, self.flows, self.episodes, replies, steps,
                                 self.watch, self.reminders, self.pack.meta.get("number_words"))

    @property
    def config(self) -> Config:
        return self._config

    @config.setter
    def config(self, config: Config) -> None:
        self.apply(config)

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
            self.watch.close_idle(now, self.state)
            self.watch.check_timer(now, plan)
            if not plan.items and self.state.cursor is None and not self._speaker_busy():
                self.watch.frequent_note(now, plan)
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
                    self.replies.say(plan, keys.REMINDER_SUMMARY,
                                     items=self.replies.list_items(items))
                return self._finish(Turn("", None), plan, now, flow="reminder", on_done=on_done)
            kind = kind if kind in keys.REMINDER_KINDS else "custom"
            self.replies.say(plan, keys.REMINDER_PROMPT.format(kind=kind), text=text)
            offered = f"routine.{kind}"
            self.state.offer = offered if self.flows.get(offered) else None
            return self._finish(Turn("", None), plan, now, flow="reminder", on_done=on_done)

    def close(self) -> None:
        """End of session: an episode still open is recorded as 'unfinished' at its last word."""
        with self._lock:
            episode = self.episodes.current
            if episode is not None:
                self.episodes.close(episode.last_activity, "unfinished")
            self.state.cursor = None

    def is_busy(self) -> bool:
        """A guided flow is in its follow-up window, or speech is playing: reminders wait."""
        with self._lock:
            state = self.state
            in_flow = state.cursor is not None and state.phase(self.clock()) is Phase.FOLLOW_UP
            return in_flow or self._speaker_busy()

    # -- one turn

    def _handle(self, match: IntentMatch, text: str, woke: bool, bare_wake: bool) -> Turn:
        with self._lock, self.diary.batch() if self.diary else nullcontext():
            now = self.clock()
            turn = Turn(text, match.intent, dict(match.slots), confidence=round(match.score, 3),
                        layer=match.method)
            self._log("heard", {"text": text}, now)
            self._log("intent", {"intent": match.intent, "slots": dict(match.slots),
                                 "score": round(match.score, 3), "method": match.method}, now)
            self.watch.close_idle(now, self.state)
            plan = Plan()
            in_window = self.state.phase(now) is Phase.FOLLOW_UP or self._speaker_busy()
            heard = Heard(woke, bare_wake, in_window, wake_needed=bool(self._wake))
            flow = self.router.respond(self.router.in_context(match), now, heard, plan)
            if self.episodes.current is not None and match.intent != "safety.red_flag":
                if plan.items:
                    self.episodes.current.last_activity = now
                timer = Plan()
                self.watch.check_timer(now, timer)
                plan.items[:0] = timer.items
            if plan.repeat is not None:
                self.state.repeat = plan.repeat
            elif plan.items:
                self.state.repeat = [s for s in plan.items
                                     if isinstance(s, Said) and s.key not in NOT_REPEATED]
            quiet = match.intent in (None, "safety.red_flag", "control.stop")
            if plan.items and self.state.cursor is None and not quiet:
                self.watch.frequent_note(now, plan)
            return self._finish(turn, plan, now, flow)

    def _finish(self, turn: Turn, plan: Plan, now: float, flow: str,
                on_done: Callable[[bool], None] | None = None) -> Turn:
        """Record what is said, execute the plan, and open the follow-up window."""
        for item in plan.items:
            if isinstance(item, Said):
                self._log("spoken", {"key": item.key, "text": item.text}, now)
        plan.execute(self.speaker, self.reminders, flow, self.realtime, on_done)
        state = self.state
        if plan.items:
            # The window runs from when the words and holds are over, not from when they began.
            seconds = float(self.config.dialogue.follow_up_seconds) * (2 if state.slow else 1)
            words = sum(len(text.split()) for text in plan.sentences)
            state.window.open(now, seconds + plan.paused_seconds + words * SECONDS_PER_WORD)
        if turn.intent == "control.stop" and state.cursor is None:
            state.window.close()
        return replace(turn, say=plan.sentences, reply_keys=plan.keys, plan=plan)

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

    def _log(self, kind: str, data: dict[str, Any], now: float) -> None:
        if self.diary is not None:
            self.diary.log(kind, data, now)
