"""The rate a microphone really records at, so no sound-server resampler sits before Vosk."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from typing import Any

log = logging.getLogger(__name__)

PULSE_DEVICES = ("pulse", "default")
"""PortAudio (ALSA) devices that are PulseAudio's plugin: PortAudio says 44.1 kHz for them
whatever the source runs at, so the server is asked instead."""
PACTL_SECONDS = 1.0


def native_rate(sd: Any, device: int | str | None) -> int:
    """The input's own rate: the PulseAudio source's rate behind the ALSA pulse plugin, else
    the default rate PortAudio reports for the device."""
    info = sd.query_devices(device, "input")
    rate = int(info["default_samplerate"])
    if str(info.get("name", "")) in PULSE_DEVICES:
        rate = pulse_source_rate() or rate
    return rate


def pulse_source_rate() -> int | None:
    """Rate of the source a PulseAudio client of this process records from (PULSE_SOURCE or the
    server's default source); None when there is no server or no pactl."""
    if shutil.which("pactl") is None:
        return None
    source = os.environ.get("PULSE_SOURCE") or _default_source()
    if not source:
        return None
    listing = _pactl("list", "short", "sources")
    for line in listing.splitlines():
        fields = line.split("\t")
        if len(fields) >= 4 and fields[1] == source:
            found = re.search(r"(\d+)Hz", fields[3])
            return int(found.group(1)) if found else None
    return None


def _default_source() -> str:
    for line in _pactl("info").splitlines():
        if line.startswith("Default Source:"):
            return line.split(":", 1)[1].strip()
    return ""


def _pactl(*args: str) -> str:
    try:
        done = subprocess.run(["pactl", *args], capture_output=True, text=True, check=False,
                              timeout=PACTL_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug("pactl %s failed: %s", " ".join(args), exc)
        return ""
    return done.stdout if done.returncode == 0 else ""
