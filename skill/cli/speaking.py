"""The speaker for commands that print their own replies (`ask`, `listen`)."""

from __future__ import annotations

import sys

from skill.config import Config
from skill.interfaces import Speaker
from skill.speech import PrintSpeaker, create_speaker


def open_speaker(config: Config, voice: str, *, silent: bool, realtime: bool = False,
                 printed: bool = True) -> Speaker | None:
    """The speech queue; with --silent (or engine "none") a printer for --realtime, else None.

    None means the command prints the sentences itself, all at once. `printed`: a realtime
    printer writes to stdout (False for --json, whose objects are the only output).
    """
    if silent or config.speech.engine == "none":
        if realtime:
            return PrintSpeaker(sys.stdout if printed else None, realtime=True)
        return None
    # echo=None: the command prints every sentence itself, heard or not.
    return create_speaker(config, voice, echo=None)
