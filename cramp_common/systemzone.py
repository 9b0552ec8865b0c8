"""The system's time zone as a named zone, so the reminder job store can save it."""

from __future__ import annotations

import functools
import logging
import os
import pickle
import time
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, available_timezones

log = logging.getLogger(__name__)

__all__ = ["SystemZone", "system_zone"]

LOCALTIME = Path("/etc/localtime")


@dataclass(frozen=True)
class SystemZone:
    """What the reminders and the diary run on when no `[reminders] timezone` is set."""

    zone: tzinfo
    """A zone that pickles (by name), so APScheduler's SQLite job store can save the jobs."""
    note: str = ""
    """Empty when this is the system's own zone; else one line saying what was used instead."""


def system_zone() -> SystemZone:
    """The system zone, by name; its zone file matched against the zone database when it has
    none. One that matches no named zone falls back to the offset now, said once in the log."""
    return _resolve(os.environ.get("TZ"))


@functools.lru_cache(maxsize=8)
def _resolve(tz_env: str | None) -> SystemZone:
    import tzlocal

    where = f"TZ={tz_env}" if tz_env else str(LOCALTIME)
    try:
        # reload, not get: tzlocal caches the first answer for the process, whatever TZ is now
        zone: tzinfo = tzlocal.reload_localzone()
    except Exception:  # whatever the system's zone setting holds, first aid must still start
        log.debug("tzlocal cannot read the system zone", exc_info=True)
        return _fallback(f"the system time zone ({where}) is neither a zone name nor a zone "
                         "file this machine knows")
    if _storable(zone):
        return SystemZone(zone)
    # tzlocal read a zone file without a name (TZ=/path/file, or an /etc/localtime that is a
    # copy rather than a link): an unnamed ZoneInfo cannot be pickled into the job store.
    path = _zone_file(tz_env)
    named = _named_like(path, getattr(zone, "key", None)) if path else None
    if named is not None:
        log.info("the system time zone (%s) is %s", where, named.key)
        return SystemZone(named)
    return _fallback(f"the system time zone ({where}) is a zone file that matches no named zone")


def _storable(zone: tzinfo) -> bool:
    try:
        pickle.loads(pickle.dumps(zone))
    except Exception:
        return False
    return True


def _zone_file(tz_env: str | None) -> Path | None:
    if tz_env:
        path = Path(tz_env.removeprefix(":"))
        return path if path.is_absolute() and path.is_file() else None
    return LOCALTIME if LOCALTIME.is_file() else None


def _named_like(path: Path, hint: str | None) -> ZoneInfo | None:
    """The named zone whose file has the same bytes as `path`: `hint` if it is one, else a
    canonical zone (zone1970.tab) before a link, then by name."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    found = [key for key, file in _database_files() if _same(file, data)]
    if not found:
        return None
    canonical = _canonical_names()
    found.sort(key=lambda key: (key != hint, key not in canonical, key))
    return ZoneInfo(found[0])


def _same(file: Path, data: bytes) -> bool:
    try:
        return file.stat().st_size == len(data) and file.read_bytes() == data
    except OSError:
        return False


def _database_files() -> list[tuple[str, Path]]:
    out = []
    for key in available_timezones():
        for root in TZPATH:
            file = Path(root, key)
            if file.is_file():
                out.append((key, file))
                break
    return out


def _canonical_names() -> set[str]:
    for root in TZPATH:
        try:
            lines = Path(root, "zone1970.tab").read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        return {line.split("\t")[2] for line in lines
                if line and not line.startswith("#") and len(line.split("\t")) > 2}
    return set()


def _fallback(why: str) -> SystemZone:
    """The offset the C library uses now, as a named fixed zone (Etc/GMT-1 is UTC+1) when it
    is whole hours; a fixed offset has no daylight saving, hence the note."""
    offset = timedelta(seconds=time.localtime().tm_gmtoff)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    zone: tzinfo
    if rest == 0 and -12 <= hours <= 14:
        zone = ZoneInfo("UTC" if hours == 0 else f"Etc/GMT{-hours:+d}")
    else:
        zone = timezone(offset)
    note = (f"{why}; reminders and the diary use {_describe(zone, offset)}, with no daylight "
            "saving changes, so the reminder schedule can be saved; set [reminders] timezone "
            "in config.toml to your zone, e.g. \"Europe/Berlin\"")
    log.warning("%s", note)
    return SystemZone(zone, note)


def _describe(zone: tzinfo, offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    name = getattr(zone, "key", None)
    fixed = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{name} ({fixed})" if name else fixed
