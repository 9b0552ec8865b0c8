"""The one owner of PortAudio in the process: start-up, re-initialising, deadlines, devices.

Why one owner: `Pa_Terminate` closes every stream of the process, so a re-initialisation by the
speech player would silently kill the microphone's stream (and the other way round). Owners note
`generation()` when they open a stream; a different generation later means their stream is gone
and must only be dropped, never touched again.

Why deadlines: with the ALSA pulse plugin, `Pa_StartStream` blocks forever when the sound server
died under the stream (measured: start() after abort() never returns). Such calls run on a
disposable daemon thread; after the deadline the caller gets PortAudioTimeout and the stream is
abandoned. A stream left hanging keeps a PortAudio mutex locked, and `Pa_Terminate` at exit would
then abort the process on an assertion (rc -6), so after the first abandoned call sounddevice's
exit handler is unregistered: the operating system frees the device when the process exits.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

CALL_SECONDS = 3.0
"""Default deadline of one blocking PortAudio call (opening a pulse stream takes ~0.1-0.6 s)."""

_lock = threading.RLock()
"""Held while PortAudio starts, re-initialises or opens a stream, so these never interleave."""
_counts = threading.Lock()
_console = threading.Lock()
"""Held while fd 2 points at /dev/null; `console()` waits on it, so its lines are never lost."""
_sd: Any = None
_generation = 0
_abandoned = 0
_in_flight = 0


class PortAudioTimeout(Exception):
    """A PortAudio call overran its deadline; its thread and stream are abandoned."""


def sounddevice() -> Any:
    """The sounddevice module, PortAudio initialised once under the locks; raises OSError when
    PortAudio is missing.

    Call it first on the main thread, before other threads print: sounddevice's import points
    fd 2 at /dev/null while PortAudio probes the devices.
    """
    global _sd
    with _lock:
        if _sd is None:
            with _quiet_stderr(redirect=False):
                import sounddevice as sd
            _sd = sd
        return _sd


def generation() -> int:
    """Bumped by every re-initialisation: streams opened under an older one are gone."""
    return _generation


def abandoned() -> int:
    """How many calls overran their deadline and were left hanging in this process."""
    return _abandoned


def call(fn: Callable[..., T], *args: Any, what: str, timeout: float = CALL_SECONDS,
         **kwargs: Any) -> T:
    """Run a blocking PortAudio call with a deadline; raises PortAudioTimeout or its error."""
    global _in_flight
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        global _in_flight
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller, who decides
            box["error"] = exc
        finally:
            with _counts:
                _in_flight -= 1
            done.set()

    with _counts:
        _in_flight += 1
    threading.Thread(target=run, name=f"portaudio-{what}", daemon=True).start()
    if not done.wait(timeout):
        _abandon(what, timeout)
        raise PortAudioTimeout(f"PortAudio {what} did not return within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


@contextlib.contextmanager
def in_use() -> Iterator[None]:
    """Held by a thread that blocks in a stream's read for as long as it reads: counted like a
    call in flight, so PortAudio is not re-initialised under it."""
    global _in_flight
    with _counts:
        _in_flight += 1
    try:
        yield
    finally:
        with _counts:
            _in_flight -= 1


def abandon(what: str, timeout: float) -> None:
    """A thread of the caller's hangs in PortAudio (e.g. a read on a dead sound server):
    count it like a call that overran its deadline."""
    _abandon(what, timeout)


def open_stream(factory: Callable[[], T], what: str,
                timeout: float = CALL_SECONDS) -> tuple[T, int]:
    """`factory()` (create and start a stream) with a deadline, never during a re-initialisation;
    returns the stream and the generation it belongs to."""
    with _lock:
        return call(factory, what=what, timeout=timeout), _generation


def open_device(factory: Callable[[], T], kind: str, what: str) -> tuple[T, int]:
    """`open_stream(factory)`; when that fails and PortAudio lists no `kind` ('input' or
    'output') device at all, once more after a re-initialisation. A hang is not retried.

    PortAudio lists devices once at start-up: a sound server that came up later (or a replugged
    device) is only seen after re-initialising it, which every stream owner shares through here.
    """
    sd = sounddevice()
    seen = generation()
    try:
        return open_stream(factory, what)
    except PortAudioTimeout:
        raise
    except Exception:
        if has_device(sd, kind) or not reinitialize(seen):
            raise
        return open_stream(factory, what)


def started(stream: T) -> T:
    """`stream` started; closed again when it does not start."""
    try:
        stream.start()  # type: ignore[attr-defined]
    except Exception:
        stream.close(ignore_errors=True)  # type: ignore[attr-defined]
        raise
    return stream


def list_devices() -> list[dict[str, Any]]:
    """The devices PortAudio sees now, after a re-initialisation when it sees none (a sound
    server started later); raises OSError without PortAudio."""
    sd = sounddevice()
    seen = generation()
    found = sd.query_devices()
    if len(found) == 0 and reinitialize(seen):
        found = sd.query_devices()
    return [dict(device) for device in found]


def has_device(sd: Any, kind: str) -> bool:
    """Whether PortAudio lists any device with `kind` ('input' or 'output') channels."""
    try:
        return any(d[f"max_{kind}_channels"] > 0 for d in sd.query_devices())
    except Exception:  # noqa: BLE001 - no device list is no device
        return False


def parse_device(value: str) -> int | str | None:
    """Config text -> sounddevice device: '' default, '3' an index, anything else a name."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


def reinitialize(seen: int) -> bool:
    """Restart PortAudio so it lists the devices of a sound server that came up later.

    Skipped when someone else already did since generation `seen` (True: look again), and
    refused while any call hangs or is in flight (False), because Pa_Terminate would then abort
    on a locked mutex or pull a stream from under its caller.
    """
    global _generation
    sd = sounddevice()
    with _lock:
        if _generation != seen:
            return True
        if _abandoned or _in_flight:
            log.debug("PortAudio not re-initialised: %d calls hang, %d in flight",
                      _abandoned, _in_flight)
            return False
        _generation += 1
        try:
            with _quiet_stderr(redirect=True):
                # Not sd._terminate/_initialize: _initialize restores fd 2 by itself, which
                # would be wrong if it returned late on an abandoned thread.
                call(sd._lib.Pa_Terminate, what="terminate")
                err = call(sd._lib.Pa_Initialize, what="initialize")
        except PortAudioTimeout:
            return False
    if err:
        log.warning("PortAudio re-initialisation failed (error %d)", err)
        return False
    log.info("PortAudio re-initialised to find the sound server's devices")
    return True


def console(line: str) -> None:
    """Print one line the user must see to stderr, never while fd 2 is pointed elsewhere."""
    with _console:
        print(line, file=sys.stderr, flush=True)


def _abandon(what: str, timeout: float) -> None:
    global _abandoned
    with _counts:
        _abandoned += 1
        first = _abandoned == 1
    if first and _sd is not None:
        atexit.unregister(_sd._exit_handler)
    log.warning("PortAudio %s hung for %g s; abandoned (the sound server may have restarted)",
                what, timeout)


@contextlib.contextmanager
def _quiet_stderr(redirect: bool) -> Iterator[None]:
    """While PortAudio (re)starts, hold the console lock and every logging handler's lock, so
    no line goes to fd 2 while it points at /dev/null (ALSA prints its probing noise there)."""
    handlers = list(logging.getLogger().handlers)
    with _console:
        for handler in handlers:
            handler.acquire()
        saved = -1
        try:
            if redirect:
                saved = _point_stderr_at_devnull()
            yield
        finally:
            if saved >= 0:
                os.dup2(saved, 2)
                os.close(saved)
            for handler in reversed(handlers):
                handler.release()


def _point_stderr_at_devnull() -> int:
    try:
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return -1
    os.dup2(devnull, 2)
    os.close(devnull)
    return saved
