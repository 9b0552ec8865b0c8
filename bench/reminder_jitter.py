"""Fire jitter of the real ReminderService: 100 reminders seconds apart on a SQLite job store.

Each row adds `--count` custom reminders at whole seconds, `per second` of them sharing each
second, to a fresh data directory, starts the service and measures when `on_due` is called against
the reminder's time. Run: python -m bench.reminder_jitter
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import Row, Spread, argv_tail, command, write_rows
from scheduler.catalog import ReminderCatalog
from scheduler.definitions import DEFINITIONS_FILE, DefinitionStore
from scheduler.service import JOB_STORE_FILE, DueReminder, ReminderService
from scheduler.settings import (
    FootbathSettings,
    HydrationSettings,
    ReminderSettings,
    StretchSettings,
)

SETTINGS = ReminderSettings(
    quiet_start=datetime.min.time(), quiet_end=datetime.min.time(),
    hydration=HydrationSettings(enabled=False), footbath=FootbathSettings(enabled=False),
    stretch=StretchSettings(enabled=False),
)
LEAD_SECONDS = 4


def run_once(count: int, per_second: int) -> dict[str, float]:
    """Jitter in milliseconds (median, p95, max) plus how many fired and were missed."""
    with tempfile.TemporaryDirectory(prefix="cramp-jitter-") as tmp:
        home = Path(tmp)
        catalog = ReminderCatalog(SETTINGS, DefinitionStore(home / DEFINITIONS_FILE))
        start = (datetime.now(SETTINGS.zone()) + timedelta(seconds=LEAD_SECONDS + 1)).replace(
            microsecond=0)
        due_at: dict[str, float] = {}
        for n in range(count):
            moment = start + timedelta(seconds=n // per_second)
            due_at[catalog.add(moment.time(), f"bench {n}").id] = moment.timestamp()
        fired: dict[str, float] = {}
        missed: list[str] = []
        done = threading.Event()

        def on_due(due: DueReminder) -> None:
            fired.setdefault(due.id, time.time())
            if len(fired) + len(missed) >= count:
                done.set()

        def on_event(kind: str, data: dict[str, object]) -> None:
            if kind == "missed":
                missed.append(str(data["id"]))
                if len(fired) + len(missed) >= count:
                    done.set()

        service = ReminderService(SETTINGS, home / JOB_STORE_FILE, on_due, on_event,
                                  lambda: False)
        service.start()
        try:
            done.wait(LEAD_SECONDS + count / per_second + 60)
        finally:
            service.stop()
        jitter = sorted((fired[i] - due_at[i]) * 1000 for i in fired)
        if not jitter:
            jitter = [float("nan")]
        p95 = jitter[min(len(jitter) - 1, round(0.95 * (len(jitter) - 1)))]
        return {
            "fired": len(fired), "missed": len(missed), "median": statistics.median(jitter),
            "p95": p95, "max": jitter[-1], "min": jitter[0],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--per-second", type=int, nargs="+", default=[4, 10, 25])
    parser.add_argument("--json", type=Path, help="write result rows here (for run_all)")
    args = parser.parse_args()
    print("| reminders | per second | fired | missed | min ms | median ms | p95 ms | max ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = []
    for per_second in args.per_second:
        r = run_once(args.count, per_second)
        print(f"| {args.count} | {per_second} | {r['fired']:.0f} | {r['missed']:.0f} "
              f"| {r['min']:.1f} | {r['median']:.1f} | {r['p95']:.1f} | {r['max']:.1f} |")
        spread = Spread(int(r["fired"]), r["median"], r["p95"], r["min"], r["max"])
        rows.append(Row(6, f"fire jitter, {args.count} reminders, {per_second} per second", "ms",
                        spread, "<= 1000 ms (max)",
                        r["max"] <= 1000 and r["fired"] == args.count,
                        command("bench.reminder_jitter", *argv_tail()),
                        note=f"{r['fired']:.0f} fired, {r['missed']:.0f} missed; "
                             "spread over the reminders of one run"))
    write_rows(rows, args.json)


if __name__ == "__main__":
    main()
