"""AssistantControl for `admin serve` while `run` is not active: config, plus audio on demand."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from intents.language import load_pack
from skill.bedtime_check import MAX_CHECK_SECONDS, BedtimeReport, CheckItem, run_check
from skill.config import Config
from skill.dialogue.keys import LISTENING
from skill.status import AssistantStatus, build_status

if TYPE_CHECKING:
    from skill.speech import SpeechQueue

log = logging.getLogger(__name__)

NOT_RUNNING = "The voice assistant is not running; start it with `cramp-coach run`."
LISTEN_AFTER_SECONDS = 1.0
"""The microphone keeps listening this long after the phrase ends (echo, slow devices)."""
HEARD_LEVEL = 0.01
"""RMS (full scale 1.0) in some 50 ms window above which the phrase counts as heard."""
_RATE = 16_000


class StandaloneAssistant:
    """Opens the speech queue on first use; thread-safe; `close()` ends speech and its engine."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._check_lock = threading.Lock()
        self._speaker: SpeechQueue | None = None

    @property
    def config(self) -> Config:
        with self._lock:
            return self._config

    def status(self) -> AssistantStatus:
        return build_status(self.config, running=False, notes=(NOT_RUNNING,))

    def say(self, text: str) -> None:
        self._get_speaker().say(text)

    def stop_speaking(self) -> None:
        with self._lock:
            speaker = self._speaker
        if speaker is not None:
            speaker.stop()

    def apply_config(self, config: Config) -> None:
        with self._lock:
            self._config = config
            speaker = self._speaker
        if speaker is not None:
            speaker.apply(config.speech, default_voice=load_pack(config.general.language).tts_voice,
                          quiet_hours=(config.reminders.quiet_start, config.reminders.quiet_end))

    def bedtime_check(self) -> BedtimeReport:
        with self._check_lock:
            config = self.config
            phrase = load_pack(config.general.language).reply(LISTENING)
            microphone = Listener(config.voice.input_device)
            return run_check(config, self._get_speaker(), microphone, phrase)

    def close(self) -> None:
        with self._lock:
            speaker, self._speaker = self._speaker, None
        if speaker is not None:
            speaker.close()

    def _get_speaker(self) -> SpeechQueue:
        with self._lock:
            if self._speaker is None:
                from skill.speech.speech_queue import SpeechQueue

                config = self._config
                self._speaker = SpeechQueue(
                    config.speech,
                    default_voice=load_pack(config.general.language).tts_voice,
                    quiet_hours=(config.reminders.quiet_start, config.reminders.quiet_end),
                )
            return self._speaker


class Listener:
    """The bedtime check's MicrophoneProbe without `run`: records 16 kHz mono on a thread from
    begin() until a moment after end(); keeps the loudest 50 ms window."""

    def __init__(self, device: str) -> None:
        self.device = device
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bedtime-check-mic", daemon=True)
        self._error: str | None = None
        self._frames = 0
        self._nonzero = False
        self._peak = 0.0

    def begin(self) -> None:
        self._thread.start()

    def end(self) -> CheckItem:
        time.sleep(LISTEN_AFTER_SECONDS)
        self._stop.set()
        self._thread.join(timeout=5)
        return self._result()

    def _run(self) -> None:
        try:
            from skill.audio import portaudio

            sd = portaudio.sounddevice()
            stream, _ = portaudio.open_device(lambda: self._open(sd), "input", "open check input")
            with stream:
                deadline = time.monotonic() + MAX_CHECK_SECONDS + 5
                while not self._stop.is_set() and time.monotonic() < deadline:
                    data, _overflowed = stream.read(stream.blocksize)
                    self._measure(bytes(data))
        except Exception as exc:  # PortAudio reports a missing or busy device this way
            self._error = str(exc) or type(exc).__name__

    def _open(self, sd: Any) -> Any:
        """A blocking 16 kHz input stream (the device's own rate if it refuses that), not
        started: `with` starts and closes it."""
        from skill.audio.portaudio import parse_device

        device = parse_device(self.device)
        try:
            rate = _RATE
            return sd.RawInputStream(
                samplerate=rate, channels=1, dtype="int16", device=device, blocksize=rate // 20
            )
        except sd.PortAudioError as exc:
            if "sample rate" not in str(exc).lower():
                raise
            rate = int(sd.query_devices(device, "input")["default_samplerate"])
            return sd.RawInputStream(
                samplerate=rate, channels=1, dtype="int16", device=device, blocksize=rate // 20
            )

    def _measure(self, data: bytes) -> None:
        samples = np.frombuffer(data, dtype=np.int16).astype(np.float64) / 32768.0
        if samples.size == 0:
            return
        self._frames += samples.size
        self._nonzero = self._nonzero or bool(np.any(samples))
        self._peak = max(self._peak, float(np.sqrt(np.mean(samples**2))))

    def _result(self) -> CheckItem:
        name = self.device or "the default microphone"
        if self._error is not None:
            return CheckItem("microphone", False, f"could not open {name}: {self._error}")
        if not self._frames:
            return CheckItem("microphone", False, f"{name} delivered no audio")
        if not self._nonzero:
            return CheckItem("microphone", False, f"{name} delivers only silence: is it muted?")
        if self._peak < HEARD_LEVEL:
            return CheckItem(
                "microphone",
                True,
                f"{name} works (level {self._peak:.3f}) but did not clearly hear the phrase; "
                "check the speaker volume and where the microphone is",
            )
        return CheckItem("microphone", True, f"{name} heard the phrase (level {self._peak:.3f})")
