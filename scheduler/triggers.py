"""Wall-clock triggers that survive DST: a daily reminder is neither skipped nor said twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta, tzinfo

from apscheduler.triggers.cron import CronTrigger

_TICK = timedelta(microseconds=1)


def _repeated(moment: datetime, zone: tzinfo) -> bool:
    """True for the second pass through a wall-clock time when DST ends and clocks go back."""
    local = moment.astimezone(zone)
    if not local.fold:
        return False
    return local.replace(fold=0).utcoffset() != local.utcoffset()


def _end_of_repeat(moment: datetime, zone: tzinfo) -> datetime:
    """The first instant after `moment` whose wall-clock time is not a repeat (DST end)."""
    local = moment.astimezone(zone)
    gap = (local.replace(fold=0).utcoffset() or timedelta()) - (local.utcoffset() or timedelta())
    start = moment.astimezone(UTC)
    lo, hi = 0, int(gap.total_seconds())
    while lo < hi:
        mid = (lo + hi) // 2
        if _repeated(start + timedelta(seconds=mid), zone):
            lo = mid + 1
        else:
            hi = mid
    return (start + timedelta(seconds=lo)).astimezone(zone)


class LocalTimeTrigger(CronTrigger):
    """CronTrigger in the local zone that fires once per wall-clock time.

    When clocks go back, 01:00-02:00 (say) happens twice; CronTrigger would fire a 01:30 reminder
    in both passes, this one only in the first. When clocks go forward past a reminder's time,
    CronTrigger already fires it once, an hour late by the new clock, rather than skipping the day.
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        candidate = super().get_next_fire_time(previous_fire_time, now)
        while candidate is not None and _repeated(candidate, self.timezone):
            # CronTrigger's wall-clock arithmetic loses the fold, so restart after the repeat.
            candidate = super().get_next_fire_time(None, _end_of_repeat(candidate, self.timezone))
        # A time that does not exist (clocks went forward) comes back as e.g. 02:30+01:00;
        # normalise it to the wall clock people see (03:30+02:00), the same instant.
        return candidate.astimezone(UTC).astimezone(self.timezone) if candidate else None


def daily_trigger(times: Iterable[time], days: tuple[str, ...], zone: tzinfo) -> LocalTimeTrigger:
    """A trigger for times of day (sharing minute and second) on `days` (every day if empty)."""
    moments = sorted(set(times))
    if not moments:
        raise ValueError("a reminder needs at least one time of day")
    first = moments[0]
    if any((m.minute, m.second) != (first.minute, first.second) for m in moments):
        raise ValueError("times of one reminder must share minute and second")
    return LocalTimeTrigger(
        day_of_week=",".join(days) if days else "*",
        hour=",".join(str(m.hour) for m in moments),
        minute=first.minute,
        second=first.second,
        timezone=zone,
    )


def fire_times(
    trigger: CronTrigger, start: datetime, end: datetime, limit: int = 100
) -> list[datetime]:
    """The trigger's fire times in [start, end), without a scheduler or job store."""
    out: list[datetime] = []
    previous = None
    now = start
    while len(out) < limit:
        moment = trigger.get_next_fire_time(previous, now)
        if moment is None or moment >= end:
            break
        out.append(moment)
        previous, now = moment, (moment.astimezone(UTC) + _TICK).astimezone(trigger.timezone)
    return out
