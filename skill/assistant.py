"""The running assistant: microphone -> recogniser -> matcher -> dialogue -> speech queue,
with the reminder service beside it; `cramp-coach run` builds it and serves the admin page."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cramp_common.paths import data_dir, data_dir_problem
from intents.language import LanguagePack, load_pack
from scheduler.lock import ServiceLock, ServiceLockedError
from scheduler.service import JOB_STORE_FILE, DueReminder, ReminderService
from skill.barge_in import BargeIn, listening_hooks, start_barge_in
from skill.bedtime_check import BedtimeReport, ListeningProbe, run_check
from skill.config import Config
from skill.dialogue.conversation import Conversation
from skill.dialogue.diary import Diary
from skill.dialogue.keys import LISTENING, STORAGE_PROBLEM
from skill.dialogue.retention import prune_quietly
from skill.dialogue.timeutil import SteadyClock
from skill.dialogue.wiring import open_conversation, open_live_matcher
from skill.interfaces import AudioSource
from skill.listening import ListeningService, complete_command, running_voice
from skill.log_streams import stream_problems
from skill.speech import close_speaker, create_speaker
from skill.status import AssistantStatus, build_status
from skill.storage_notice import StorageNotice

log = logging.getLogger(__name__)

RUN_LOCK = "run.lock"
TICK_SECONDS = 1.0
IDLE_TICK_SECONDS = 10.0
"""The dialogue timer's pace once nobody has spoken for ACTIVE_SECONDS: what it watches then
(the ten-minute cramp timer, idle episodes, the daytime note) is never due to the second, and a
wake-up a second was a twentieth of the idle CPU target."""
ACTIVE_SECONDS = 60.0


class AlreadyRunningError(RuntimeError):
    """Another `cramp-coach run` owns this data directory."""


class Assistant:
    """Owns every long-lived part; also the admin page's AssistantControl while it runs
    (`cramp-coach run` owns the admin server itself)."""

    def __init__(self, config: Config, *, source: AudioSource | None = None,
                 listen: bool = True) -> None:
        self.config = config
        self.pack: LanguagePack = load_pack(config.general.language)
        self._lock = ServiceLock(data_dir() / RUN_LOCK)
        self._stop = threading.Event()
        self._source = source
        self._want_listening = listen
        self.listening_problem = ""
        """Why the microphone loop is not running, for the log and the status page."""
        self.barge_in: BargeIn | None = None
        self.barge_in_note = ""
        """Why speaking over the assistant does nothing (no echo canceller), for the status page."""
        self.diary = Diary()
        self.speaker = create_speaker(config, self.pack.tts_voice,
                                           on_spoken=self._on_spoken)
        self.reminders = ReminderService(
            config.reminders, data_dir() / JOB_STORE_FILE,
            on_due=self._on_due, on_event=self._on_reminder_event,
            is_busy=lambda: self.conversation.is_busy(), confirm_heard=True,
            defer_storage=True,  # started off the listening path: see _start_reminders
        )
        self.reminders_problem = ""
        """Why reminders could not start at all, for the log and the status page."""
        self.matcher, self.understanding_problem = open_live_matcher(self.pack, config)
        self._clock = SteadyClock()
        self.conversation = self.new_conversation()
        self._announce: Callable[[str], None] | None = None
        self.listening: ListeningService | None = None
        self._threads: list[threading.Thread] = []
        self._starter: threading.Thread | None = None
        self._last_turn = float("-inf")
        self._storage_notice = StorageNotice(self.storage_problems, self._say_storage_problem)

    # -- life cycle

    def start(self) -> None:
        """Take the run lock, then start the voice loop, the timer thread and, beside them,
        reminders (their files may be locked by another program: first aid must not wait)."""
        try:
            self._lock.acquire()
        except ServiceLockedError:
            raise AlreadyRunningError(
                f"cramp-coach is already running on {data_dir()} (lock {self._lock.path})"
            ) from None
        from skill.wyoming_service.announce import announcer_sink

        self._announce = announcer_sink(self.config.wyoming)
        prune_quietly(self.diary.path, self.config.dialogue.diary_retention_days, time.time())
        if self._want_listening:
            self._start_listening()
        if self.config.reminders.enabled:
            self._starter = threading.Thread(target=self._start_reminders,
                                             name="reminder-start", daemon=True)
            self._starter.start()
        ticker = threading.Thread(target=self._tick_loop, name="dialogue-timer", daemon=True)
        ticker.start()
        self._threads.append(ticker)

    def wait(self) -> None:
        """Block until request_stop()."""
        while not self._stop.wait(0.5):
            pass

    def request_stop(self) -> None:
        """Safe from a signal handler: wakes wait(); the caller then calls stop()."""
        self._stop.set()

    def stop(self) -> None:
        """Stop speech first, then listening and reminders; close the database.
        Also safe after a failed start()."""
        self._stop.set()
        self.speaker.stop()
        if self.listening is not None:
            self.listening.stop()
        if self.barge_in is not None:
            self.barge_in.close()
        if self._starter is not None:  # a start half done (a slow job store) ends first
            self._starter.join(timeout=30)
        if self.reminders.running:
            self.reminders.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        close_speaker(self.speaker)
        self.conversation.close()
        self.diary.close()
        self._lock.release()

    def new_conversation(self) -> Conversation:
        """A fresh session wired to this assistant's speaker, diary and reminders."""
        return open_conversation(self.config, pack=self.pack, matcher=self.matcher,
                                 diary=self.diary, speaker=self.speaker,
                                 reminders=self.reminders, realtime=True, clock=self._clock)

    def handle_text(self, text: str) -> list[str]:
        """One heard or typed utterance through the dialogue; returns what is said."""
        self._last_turn = time.monotonic()
        return list(self.conversation.handle_text(text).say)

    def _start_reminders(self) -> None:
        try:
            if self.reminders.start(giving_up=self._stop):
                log.info("reminders are running")
        except Exception as exc:  # the assistant goes on without them; the status page says why
            self.reminders_problem = f"reminders are off: {exc}"
            log.exception("reminders could not start")

    def storage_problems(self) -> list[str]:
        """What the diary and the reminders are working around, one line each."""
        found = [data_dir_problem(), self.diary.problem, self.reminders_problem,
                 *self.reminders.problems]
        return [line for line in found if line]

    def _warn_storage(self) -> None:
        self._storage_notice.check(self.conversation.is_busy,
                                   time.monotonic() - self._last_turn, self.config.reminders)

    def _say_storage_problem(self) -> None:
        self.speaker.say(self.pack.reply(STORAGE_PROBLEM), key=STORAGE_PROBLEM)

    # -- the voice loop

    def _start_listening(self) -> None:
        from skill.asr.factory import build_recognizer
        from skill.asr.models import ModelLoadError, ModelNotFoundError
        from skill.listening import build_gate

        voice = self.config.voice
        try:
            recognizer = build_recognizer(voice, self.pack.language)
        except (ModelNotFoundError, ModelLoadError) as exc:
            self.listening_problem = str(exc)
            log.warning("listening is off: %s", exc)
            return
        source = self._source
        if source is None:
            from skill.audio import portaudio
            from skill.audio.microphone import MicrophoneSource

            try:
                # Here, on the main thread before the console lines: PortAudio's start-up
                # points fd 2 at /dev/null for a moment.
                portaudio.sounddevice()
            except OSError as exc:  # the microphone loop reports it and keeps retrying
                log.warning("PortAudio is not available: %s", exc)
            source = MicrophoneSource.from_settings(voice)
        self.barge_in, self.barge_in_note = start_barge_in(voice, self.speaker, self.matcher,
                                                           self.handle_text)
        self.listening = ListeningService(
            source, recognizer, gate=build_gate(voice), speaking_tail=voice.speaking_tail,
            is_complete=complete_command(self.matcher, voice.early_commit_score),
            early_commit_ms=voice.early_commit_ms,
            **self._hooks(),
        )
        if self.barge_in is not None:
            self.barge_in.listening = self.listening
        self.listening.start()
        log.info("listening (%s, %s mode)", self.pack.language, voice.mode)

    def _hooks(self) -> dict[str, Any]:
        hooks = listening_hooks(self.barge_in, self.speaker, self.handle_text)
        # Without barge-in the speaker's output closes when idle; opening it as the user
        # starts to speak hides its start-up stall from the reply.
        hooks.setdefault("on_voice", self._on_voice)
        return hooks

    def _on_voice(self, started: bool) -> None:
        warm_up = getattr(self.speaker, "warm_up", None)
        if started and warm_up is not None:
            warm_up()

    def _tick_loop(self) -> None:
        while not self._stop.wait(self._tick_seconds()):
            try:
                self.conversation.tick()
                self._warn_storage()
                if self.conversation.episodes.current is None and not self.conversation.is_busy():
                    self._clock.resync()  # nothing timed: the wall clock may be taken again
            except Exception:  # the timer must outlive one bad tick
                log.exception("dialogue timer failed")

    def _tick_seconds(self) -> float:
        recent = time.monotonic() - self._last_turn < ACTIVE_SECONDS
        return TICK_SECONDS if recent else IDLE_TICK_SECONDS

    # -- callbacks from the parts

    def _on_due(self, due: DueReminder) -> None:
        def heard(completely: bool) -> None:
            self.reminders.heard(due, completely)

        turn = self.conversation.remind(due.kind, due.text, due.items, on_done=heard)
        if self._announce is not None and turn.say:
            self._announce(" ".join(turn.say))

    def _on_reminder_event(self, kind: str, data: dict[str, Any]) -> None:
        self.diary.log("reminder", {"event": kind, **data}, time.time())

    def _on_spoken(self, text: str, key: str) -> None:
        log.info("said [%s]: %s", key or "-", text)

    # -- AssistantControl for the admin page

    def status(self) -> AssistantStatus:
        listening = self.listening
        microphone = getattr(listening.source, "last_error", None) if listening else None
        return build_status(
            self.config, running=True,
            hearing=listening.status if listening is not None else None,
            notes=(self.listening_problem, microphone or "", self.barge_in_note,
                   self.understanding_problem,
                   self.speaker.problem,
                   *self.storage_problems(), *self.config.problems, *stream_problems()),
        )

    def say(self, text: str) -> None:
        self.speaker.say(text, key="admin.say")

    def stop_speaking(self) -> None:
        self.speaker.stop()

    def bedtime_check(self) -> BedtimeReport:
        listening = self.listening
        probe = ListeningProbe(None if listening is None else (lambda: listening.status),
                               self.listening_problem)
        return run_check(self.config, self.speaker, probe, self.pack.reply(LISTENING))

    def apply_config(self, config: Config) -> None:
        """Speech, dialogue, safety, reminder settings and the listener's gate, tail and early
        commit change at once; language, microphone and recogniser changes need a restart,
        which the log says."""
        voice = running_voice(self.config.voice, config.voice)
        if config.general.language != self.config.general.language or voice != config.voice:
            log.warning("language and microphone settings take effect after a restart")
        self.config = replace(config, general=self.config.general, voice=voice)
        self.speaker.apply(config.speech, default_voice=self.pack.tts_voice,
                           quiet_hours=(config.reminders.quiet_start, config.reminders.quiet_end))
        if self.listening is not None:
            self.listening.apply(voice, complete_command(self.matcher, voice.early_commit_score))
        self.conversation.apply(self.config)
        self.reminders.apply(config.reminders)

