"""The sound server's echo canceller (module-echo-cancel, webrtc): find it, load it, route to it.

Barge-in needs the microphone to hear the user but not the assistant's own voice. PulseAudio
(and PipeWire's pulse server) can subtract what is played from what is recorded, but only for
sound played into the canceller's own sink and recorded from its own source; so when one is
found, speech goes to its sink and listening to its source (PULSE_SINK / PULSE_SOURCE, read by
the ALSA pulse plugin each time PortAudio opens a stream).
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

MODULE = "module-echo-cancel"
SOURCE_NAME = "cramp_coach_echo_cancel_source"
SINK_NAME = "cramp_coach_echo_cancel_sink"
AEC_ARGS = "analog_gain_control=0 digital_gain_control=0"
"""webrtc's analogue gain control turns the microphone's own volume down (measured: to 33%
within seconds) and its digital gain lifts what is left of the assistant's voice (measured: by
8 dB); both off, the microphone keeps the level the user set."""
RATE = 16000
"""The canceller's own rate: the recogniser's, so nothing resamples between the canceller and
Vosk (the small Korean model is that fragile: with no echo at all, 4 of 12 espeak-ng commands
through the simulated room and a canceller at the server's rate, 8 of 12 at 16 kHz); webrtc
cancels in 16 kHz bands anyway, and it costs less CPU."""
PACTL_TIMEOUT = 5.0
MODES = ("off", "auto", "load")
"""[voice] echo_cancel: off: mute while speaking; auto: use a canceller the sound server has;
load: also load one when it has none."""

Run = Callable[[Sequence[str]], str]


class EchoCancelError(Exception):
    """pactl is missing, no sound server answers, or the module would not load."""


@dataclass(frozen=True)
class EchoCanceller:
    source: str
    """The echo-cancelled microphone: listen here."""
    sink: str
    """The canceller's speaker: play here, or the voice is not subtracted."""
    module: int
    loaded_here: bool = False


def pactl(args: Sequence[str]) -> str:
    """Run pactl (untranslated output); raises EchoCancelError."""
    try:
        done = subprocess.run(["pactl", *args], capture_output=True, text=True, check=False,
                              timeout=PACTL_TIMEOUT, env={**os.environ, "LC_ALL": "C"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EchoCancelError(f"pactl {' '.join(args[:2])}: {exc}") from exc
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise EchoCancelError(f"pactl {' '.join(args[:2])}: {reason[-1] if reason else 'failed'}")
    return done.stdout


def _devices(kind: str, run: Run) -> list[dict[str, str]]:
    """`pactl list sources|sinks` as one dict per device (Name, Driver, Owner Module)."""
    devices: list[dict[str, str]] = []
    for line in run(["list", kind]).splitlines():
        if line and not line[0].isspace():
            devices.append({})
        elif devices and ":" in line and line.startswith("\t") and not line.startswith("\t\t"):
            key, _, value = line.strip().partition(":")
            devices[-1].setdefault(key, value.strip())
    return devices


def find_echo_canceller(run: Run = pactl) -> EchoCanceller | None:
    """The first echo-cancel source/sink pair the sound server has, or None."""
    # PulseAudio names the module as the driver; PipeWire's pulse server says "PipeWire", so
    # the module list is asked too.
    modules = {line.split("\t")[0] for line in run(["list", "short", "modules"]).splitlines()
               if MODULE in line}

    def owned(kind: str) -> dict[str, str]:
        return {d.get("Owner Module", ""): d["Name"] for d in _devices(kind, run)
                if ("echo-cancel" in d.get("Driver", "") or d.get("Owner Module") in modules)
                and "Name" in d and not d["Name"].endswith(".monitor")}

    sources, sinks = owned("sources"), owned("sinks")
    for module, source in sorted(sources.items()):
        if module in sinks:
            return EchoCanceller(source, sinks[module], int(module) if module.isdigit() else -1)
    return None


def load_echo_canceller(source_master: str = "", sink_master: str = "",
                        run: Run = pactl, extra: Sequence[str] = (), method: str = "webrtc",
                        aec_args: str = AEC_ARGS) -> EchoCanceller:
    """Load module-echo-cancel (webrtc unless `method` says otherwise); masters default to the
    server's default devices; `extra`: more module arguments."""
    args = ["load-module", MODULE, f"aec_method={method}", f'aec_args="{aec_args}"',
            f"source_name={SOURCE_NAME}", f"sink_name={SINK_NAME}", f"rate={RATE}", *extra]
    args += [f"source_master={source_master}"] if source_master else []
    args += [f"sink_master={sink_master}"] if sink_master else []
    module = run(args).strip()
    log.info("loaded %s (%s) as module %s", MODULE, method, module)
    return EchoCanceller(SOURCE_NAME, SINK_NAME, int(module) if module.isdigit() else -1, True)


def unload(canceller: EchoCanceller, run: Run = pactl) -> None:
    """Unload a canceller this process loaded (one the user set up is left alone)."""
    if canceller.loaded_here and canceller.module >= 0:
        run(["unload-module", str(canceller.module)])


def route_through(canceller: EchoCanceller) -> None:
    """Make this process's PulseAudio streams (opened from now on) use the canceller."""
    os.environ["PULSE_SOURCE"] = canceller.source
    os.environ["PULSE_SINK"] = canceller.sink


def echo_canceller_for(mode: str, run: Run = pactl) -> tuple[EchoCanceller | None, str]:
    """(canceller, '') as [voice] echo_cancel asks, or (None, why there is none)."""
    if mode == "off":
        return None, "echo_cancel is off"
    try:
        found = find_echo_canceller(run)
        if found is None and mode == "load":
            found = load_echo_canceller(run=run)
    except EchoCancelError as exc:
        return None, str(exc)
    if found is None:
        return None, f"the sound server has no {MODULE} (set echo_cancel = \"load\")"
    return found, ""
