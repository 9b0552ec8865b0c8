"""AssistantControl for `admin serve` while `run` is not active: config, plus audio on demand."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import numpy as np

from intents.language import load_pack
from skill.admin.assistant import AssistantStatus, BedtimeReport, CheckItem
from skill.config import Config

log = logging.getLogger(__name__)

CHECK_PHRASE_KEY = "wake.listening"
"""The short phrase the bedtime check plays ("I'm listening.")."""
LISTEN_AFTER_SECONDS = 1.0
"""The microphone keeps listening this long after the phrase ends (echo, slow devices)."""
MAX_CHECK_SECONDS = 20.0
HEARD_LEVEL = 0.01
"""RMS (full scale 1.0) in some 50 ms window above which the phrase counts as heard."""
_RATE = 16_000


class StandaloneAssistant:
    """Opens the speech queue on first use; thread-safe; `close()` ends speech and its engine."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._check_lock = threading.Lock()
        self._speaker: Any = None

    @property
    def config(self) -> Config:
        with self._lock:
            return self._config

    def status(self) -> AssistantStatus:
        config = self.config
        return AssistantStatus(
            running=False,
            language=config.general.language,
            model_path=model_path(config),
            model_loaded=False,
            input_device=config.voice.input_device,
            speech_engine=config.speech.engine,
            voice=config.speech.voice,
            rate=config.speech.rate,
            volume=config.speech.volume,
            output_device=config.speech.output_device,
            notes=("The voice assistant is not running; start it with `cramp-coach run`.",),
        )

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
            speaker.apply_settings(config.speech)
            speaker.default_voice = load_pack(config.general.language).tts_voice
            speaker.quiet_hours = (config.reminders.quiet_start, config.reminders.quiet_end)

    def bedtime_check(self) -> BedtimeReport:
        with self._check_lock:
            config = self.config
            speaker = self._get_speaker()
            phrase = load_pack(config.general.language).reply(CHECK_PHRASE_KEY)
            listener = Listener(config.voice.input_device).start()
            started = len(speaker.last_spoken)
            speaker.say(phrase, key=CHECK_PHRASE_KEY)
            finished = speaker.wait_idle(MAX_CHECK_SECONDS)
            time.sleep(LISTEN_AFTER_SECONDS)
            listener.stop()
            items = [
                speaker_item(config, speaker.last_spoken[started:], finished),
                listener.result(),
                model_item(config),
            ]
            return BedtimeReport(tuple(items))

    def close(self) -> None:
        with self._lock:
            speaker, self._speaker = self._speaker, None
        if speaker is not None:
            speaker.close()

    def _get_speaker(self) -> Any:
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


def model_path(config: Config) -> str:
    """The Vosk model directory that `run` would use, or "" when none is found."""
    from skill.asr.models import ModelNotFoundError, resolve_model

    try:
        return str(resolve_model(config.general.language, config.voice.model_path).path)
    except ModelNotFoundError:
        return ""


def model_item(config: Config) -> CheckItem:
    from skill.asr.models import ModelLoadError, ModelNotFoundError, check_model_dir, resolve_model

    try:
        location = resolve_model(config.general.language, config.voice.model_path)
        check_model_dir(location.path)
    except (ModelNotFoundError, ModelLoadError) as exc:
        return CheckItem("model", False, str(exc))
    return CheckItem("model", True, f"complete model at {location.path} ({location.origin})")


def speaker_item(config: Config, spoken: list[Any], finished: bool) -> CheckItem:
    if config.speech.engine == "none":
        return CheckItem("speaker", False, "the speech engine is set to none: nothing is spoken")
    if not finished:
        return CheckItem("speaker", False, "the phrase did not finish playing in time")
    if not spoken or not all(item.audible for item in spoken):
        return CheckItem(
            "speaker", False, "could not play: no speech engine or no output device (see the log)"
        )
    return CheckItem("speaker", True, f'played "{spoken[-1].text}"')


def _has_input(sd: Any) -> bool:
    try:
        sd.query_devices(kind="input")
    except Exception:
        return False
    return True


class Listener:
    """Records 16 kHz mono on a thread until stopped; keeps the loudest 50 ms window."""

    def __init__(self, device: str) -> None:
        self.device = device
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bedtime-check-mic", daemon=True)
        self._error: str | None = None
        self._frames = 0
        self._nonzero = False
        self._peak = 0.0

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            from skill.audio import portaudio

            with self._open(portaudio.sounddevice()) as stream:
                deadline = time.monotonic() + MAX_CHECK_SECONDS + 5
                while not self._stop.is_set() and time.monotonic() < deadline:
                    data, _overflowed = stream.read(stream.blocksize)
                    self._measure(bytes(data))
        except Exception as exc:  # PortAudio reports a missing or busy device this way
            self._error = str(exc) or type(exc).__name__

    def _open(self, sd: Any) -> Any:
        from skill.audio.microphone import parse_device

        device = parse_device(self.device)
        if not _has_input(sd):
            # PortAudio lists devices once at start-up; a sound server that came up later is
            # only seen after re-initialising it, through the shared owner so the speech
            # player (playing the check phrase) reopens its stream.
            from skill.audio import portaudio

            portaudio.reinitialize(portaudio.generation())
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

    def result(self) -> CheckItem:
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
