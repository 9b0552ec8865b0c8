"""`cramp-coach reminders`: list, add, remove, enable and disable prevention reminders."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from cramp_common.paths import data_dir
from scheduler.catalog import ReminderCatalog, ReminderInputError
from scheduler.definitions import DEFINITIONS_FILE, DefinitionStore, ReminderStoreError
from scheduler.lock import LOCK_FILE, holder
from skill.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reminders", help="list and edit prevention reminders",
        description="Works whether or not `cramp-coach run` is active; a running assistant "
        "picks up changes within a few seconds.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every reminder with its next run")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add = actions.add_parser("add", help="add your own reminder")
    add.add_argument("--at", required=True, metavar="HH:MM", help="time of day")
    add.add_argument("--days", default="", metavar="mon,tue,...", help="days (default: every day)")
    add.add_argument("--text", required=True, help="what is said")
    for name, text in (("remove", "remove one of your own reminders"),
                       ("enable", "switch a reminder on"), ("disable", "switch a reminder off")):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("id", metavar="ID", help="reminder id as shown by `list`")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    try:
        # Listing only reads, so it also works on a read-only data directory.
        store = DefinitionStore(data_dir() / DEFINITIONS_FILE,
                                read_only=args.action == "list")
        catalog = ReminderCatalog(config.reminders, store)
        return _ACTIONS[args.action](args, catalog)
    except ReminderInputError as exc:
        name = _FLAGS.get(exc.key, exc.key)
        print(f"cramp-coach reminders: {name} {exc.value!r} {exc.allowed}", file=sys.stderr)
        return 2
    except ReminderStoreError as exc:
        print(f"cramp-coach reminders: {exc}", file=sys.stderr)
        return 2


def _list(args: argparse.Namespace, catalog: ReminderCatalog) -> int:
    zone = catalog.zone()
    now = datetime.now(zone)
    rows = [r.to_dict(zone, now) for r in catalog.reminders()]
    if not catalog.settings.enabled:
        for row in rows:
            row["next_run"] = None
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    table = [("ID", "KIND", "SCHEDULE", "ON", "NEXT RUN", "TEXT")]
    for row in rows:
        table.append((row["id"], row["kind"], row["schedule"], "yes" if row["enabled"] else "no",
                      _when(row["next_run"], catalog), row["text"]))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
              + "  " + line[-1])
    if not catalog.settings.enabled:
        print("\nReminders are off in config.toml ([reminders] enabled = false).")
    print("\n" + _service_note())
    return 0


def _when(iso: str | None, catalog: ReminderCatalog) -> str:
    if iso is None:
        return "-"
    moment = datetime.fromisoformat(iso)
    quiet = " (quiet hours)" if catalog.settings.in_quiet_hours(moment.time()) else ""
    return moment.strftime("%a %Y-%m-%d %H:%M") + quiet


def _service_note() -> str:
    pid = holder(data_dir() / LOCK_FILE)
    if pid is None:
        return "The assistant is not running; next runs are computed from the schedule."
    return f"The assistant is running (pid {pid}) and keeps these reminders."


def _after_change(message: str) -> int:
    print(message)
    if holder(data_dir() / LOCK_FILE) is not None:
        print("The running assistant picks this up within a few seconds.")
    return 0


def _add(args: argparse.Namespace, catalog: ReminderCatalog) -> int:
    reminder = catalog.add(args.at, args.text, args.days)
    return _after_change(f"added {reminder.id}: {reminder.schedule()} \"{reminder.text}\"")


def _remove(args: argparse.Namespace, catalog: ReminderCatalog) -> int:
    catalog.remove(args.id)
    return _after_change(f"removed {args.id}")


def _enable(args: argparse.Namespace, catalog: ReminderCatalog) -> int:
    catalog.set_enabled(args.id, True)
    return _after_change(f"{args.id} is on")


def _disable(args: argparse.Namespace, catalog: ReminderCatalog) -> int:
    catalog.set_enabled(args.id, False)
    return _after_change(f"{args.id} is off")


_FLAGS = {"at": "--at", "days": "--days", "text": "--text", "id": "ID", "enabled": "ID"}
"""Validation errors name a field; on the command line, name the option instead."""

_ACTIONS: dict[str, Any] = {
    "list": _list, "add": _add, "remove": _remove, "enable": _enable, "disable": _disable,
}
