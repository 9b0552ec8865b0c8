"""The frequent-cramps note: cramps on 3 of the last 7 nights are worth showing a doctor."""

from __future__ import annotations

from datetime import date, tzinfo

from scheduler.settings import ReminderSettings
from skill.dialogue import keys
from skill.dialogue.diary import Diary
from skill.dialogue.timeutil import in_quiet_hours, local_time, night_of

NOTE_EVERY_SECONDS = 7 * 86_400
"""Said once, then not again for a week."""


class FrequentCrampsNote:
    """Decides when the note is due: by day only (not in quiet hours), at most weekly."""

    def __init__(self, diary: Diary | None, settings: ReminderSettings, zone: tzinfo) -> None:
        self.diary = diary
        self.settings = settings
        self.zone = zone
        self._checked: tuple[date, int] | None = None

    def due(self, now: float, episodes_started: int) -> bool:
        diary, settings = self.diary, self.settings
        if diary is None:
            return False
        if in_quiet_hours(local_time(now, self.zone).time(), settings.quiet_start,
                          settings.quiet_end):
            return False
        # The answer only changes with a new night or a new episode: ask the diary once for each.
        checked = (night_of(now, self.zone), episodes_started)
        if checked == self._checked:
            return False
        self._checked = checked
        last = diary.last_spoken(keys.FREQUENT_CRAMPS)
        if last is not None and now - last < NOTE_EVERY_SECONDS:
            return False
        return diary.frequent_cramps(now, self.zone)
