"""`cramp-coach diary` (also `history`, its old name): recent events and episodes from the diary."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict

from skill.config import Config
from skill.dialogue.diary import Diary, Episode, Event
from skill.dialogue.timeutil import local_time, local_zone


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diary", aliases=["history"],
        help="show recent events (heard, intent, spoken, episode, reminder) and episodes",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object: episodes, events")
    parser.add_argument("--limit", type=int, default=30, metavar="N",
                        help="at most N events and N episodes (default 30)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    if args.limit < 0:
        print(f"cramp-coach {args.command}: --limit must be 0 or more", file=sys.stderr)
        return 2
    zone = local_zone(config.reminders.timezone)
    with Diary(read_only=True) as diary:
        episodes = diary.recent_episodes(args.limit)
        events = diary.recent_events(args.limit)
    if args.json:
        print(json.dumps({"episodes": [asdict(e) for e in episodes],
                          "events": [asdict(e) for e in events]}, ensure_ascii=False))
        return 0

    def when(ts: float) -> str:
        return local_time(ts, zone).strftime("%Y-%m-%d %H:%M:%S")

    print(f"Episodes ({len(episodes)}, newest first):")
    for episode in episodes:
        print("  " + _episode_line(episode, when))
    print(f"Events ({len(events)}, newest first):")
    for event in events:
        print(f"  {when(event.ts)}  {event.kind:<8} {_event_detail(event)}")
    return 0


def _episode_line(episode: Episode, when: Callable[[float], str]) -> str:
    end = when(episode.end)[11:] if episode.end else "still open"
    where = " ".join(part for part in (episode.side, episode.muscle) if part) or "unknown"
    return (f"{when(episode.start)} to {end}  {where}  {episode.outcome or '-'}"
            f"  ({len(episode.steps)} step{'' if len(episode.steps) == 1 else 's'})")


def _event_detail(event: Event) -> str:
    data = event.data
    if event.kind == "heard":
        return repr(data.get("text", ""))
    if event.kind == "intent":
        slots = data.get("slots") or {}
        extra = " " + json.dumps(slots, ensure_ascii=False) if slots else ""
        return f"{data.get('intent')}{extra}"
    if event.kind == "spoken":
        return f"{data.get('key')}: {data.get('text', '')}"
    return json.dumps(data, ensure_ascii=False)
