"""How the admin page talks to the assistant: the AssistantControl Protocol and its snapshots.

Wiring in `cramp-coach run` (the integrator's side)::

    app = create_app(config=config, control=live)          # live: an AssistantControl
    server = AdminServer(app, config.admin.host, config.admin.port).start()
    if message := server.setup_message():                  # no password yet: one-time link
        print(message, file=sys.stderr)
    ...
    server.stop()

`cramp-coach run` owns the server and passes the live `skill.assistant.Assistant`;
`cramp-coach admin serve` without a running assistant uses
`skill.admin.standalone.StandaloneAssistant`, which reads the config and opens the speaker and
microphone only when asked (say, bedtime check). Reminders and the diary are not part of this
Protocol: the page edits the reminder definitions file (a running ReminderService re-syncs from its
change counter) and reads the diary file directly, so both work with or without `run`.

Every method is called on a waitress worker thread, possibly several at once, so implementations
must be thread-safe, and `status()` must return at once (no audio work in it). An exception from
`say`, `bedtime_check` or `apply_config` is shown on the page, never a server error.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from skill.bedtime_check import BedtimeReport, CheckItem
from skill.config import Config
from skill.status import AssistantStatus

__all__ = ["AssistantControl", "AssistantStatus", "BedtimeReport", "CheckItem"]


@runtime_checkable
class AssistantControl(Protocol):
    """What the admin page may ask of the assistant."""

    def status(self) -> AssistantStatus:
        """Current state; must return immediately."""
        ...

    def say(self, text: str) -> None:
        """Speak `text` (the "say this" box) through the one speech queue; returns once queued."""
        ...

    def bedtime_check(self) -> BedtimeReport:
        """Play a short phrase and listen briefly; blocks for a few seconds."""
        ...

    def stop_speaking(self) -> None:
        """Cut whatever is being said now and drop what is queued (the page's stop button)."""
        ...

    def apply_config(self, config: Config) -> None:
        """Take a newly saved config into use without a restart.

        Called after config.toml was written and validated. The live side should at least pass
        `config.speech` to the speech queue (`SpeechQueue.apply`), `config.reminders`
        to the ReminderService (`apply`: quiet hours, bedtime), the follow-up window,
        wake word and emergency number to the dialogue, and reopen the microphone when
        `config.voice.input_device` changed. `config.admin` (LAN access, port) applies when the
        admin server restarts. Raise with a short message for what cannot be applied live.
        """
        ...
