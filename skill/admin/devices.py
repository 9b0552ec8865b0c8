"""The real audio device list (PortAudio via sounddevice) for the settings page's choices."""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Devices:
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()


def query_devices() -> Devices:
    """Names of input and output devices PortAudio sees now; empty when it cannot be asked."""
    from skill.audio import portaudio

    try:
        found = portaudio.list_devices()
    except Exception as exc:  # no PortAudio, no server: the page still works with "system default"
        log.warning("cannot list audio devices: %s", exc)
        return Devices()
    inputs: list[str] = []
    outputs: list[str] = []
    for device in found:
        name = str(device["name"])
        if device["max_input_channels"] > 0 and name not in inputs:
            inputs.append(name)
        if device["max_output_channels"] > 0 and name not in outputs:
            outputs.append(name)
    return Devices(tuple(inputs), tuple(outputs))
