"""The small interfaces the parts talk through; the voice loop only wires implementations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

SAMPLE_RATE = 16_000
"""Every audio source yields 16 kHz mono signed 16-bit little-endian PCM."""


class AudioSource(Protocol):
    """Yields chunks of 16 kHz mono int16 PCM until closed or exhausted."""

    def chunks(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class Recognizer(Protocol):
    """Turns a stream of PCM chunks into final transcripts, one per utterance."""

    def feed(self, chunk: bytes) -> str | None:
        """Accept one chunk; return the transcript when an utterance has just ended."""
        ...

    def partial(self) -> str:
        """The utterance decoded so far (may still change); empty when nothing is pending."""
        ...

    def flush(self) -> str | None:
        """End of utterance or stream: return the last transcript, if any."""
        ...

    def reset(self) -> None: ...


class Speaker(Protocol):
    """Says text through the one speech queue."""

    def say(self, text: str, *, key: str = "", flow: str = "",
            on_done: Callable[[bool], None] | None = None) -> None:
        """Queue `text` (reply key `key`, belonging to `flow`) to be spoken after what is queued;
        `on_done(heard_in_full)` is called once it was played, cut or dropped."""
        ...

    def pause(self, seconds: float, *, flow: str = "") -> None:
        """Queue a timed silence (hold steps count aloud with real timing between numbers)."""
        ...

    def stop(self, flow: str = "") -> None:
        """Cut current speech and drop what is queued (for `flow`, or everything when empty)."""
        ...

    def is_busy(self) -> bool: ...

    def wait_idle(self, timeout: float | None = None) -> bool: ...
