"""Speech-to-text cannot be made to run long or to hold up conversation lines.

The pool test blocks the recogniser on purpose (a real Vosk model cannot be paused), so it is a
hand-written one; tests/test_wyoming_server.py streams real speech through real Vosk in the pool.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.handle import Handled
from wyoming.server import AsyncTcpServer

from skill.config import Config
from skill.wyoming_service.asr import MAX_STREAM_SECONDS, SpeechToText, Transcription
from skill.wyoming_service.guard import ServerPolicy
from skill.wyoming_service.server import handler_factory
from skill.wyoming_service.service import build_agent, build_info_for
from tests.test_wyoming_server import READ_TIMEOUT, free_port, transcript


class RecordingRecognizer:
    """Counts the 16 kHz mono bytes it is fed; optionally waits for `gate` on every chunk."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.fed = 0
        self.gate = gate
        self.entered = threading.Event()

    def feed(self, chunk: bytes) -> str | None:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(READ_TIMEOUT)
        self.fed += len(chunk)
        return None

    def partial(self) -> str:
        return ""

    def flush(self) -> str | None:
        return "heard" if self.fed else None

    def reset(self) -> None:
        self.fed = 0


SIXTY_SECONDS_16K = MAX_STREAM_SECONDS * 16000 * 2
STREAMS = min(14, (os.cpu_count() or 1) + 5)
"""More stuck streams than asyncio's default thread pool has threads (cpu count + 4)."""


def test_one_huge_chunk_is_cut_at_the_stream_cap() -> None:
    recognizer = RecordingRecognizer()
    stream = Transcription(recognizer)
    stream.add(AudioChunk(16000, 2, 1, bytes(16000 * 2 * 130)))  # 130 s in one chunk
    stream.add(AudioChunk(16000, 2, 1, bytes(32000)))  # and more after the cap
    assert recognizer.fed == SIXTY_SECONDS_16K
    assert stream.full


def test_cap_counts_seconds_received_in_any_format() -> None:
    recognizer = RecordingRecognizer()
    stream = Transcription(recognizer)
    second_48k_stereo = bytes(48000 * 2 * 2)
    for _ in range(MAX_STREAM_SECONDS + 30):
        stream.add(AudioChunk(48000, 2, 2, second_48k_stereo))
    assert stream.full
    # What reaches the recogniser is at most the cap, converted to 16 kHz mono.
    assert SIXTY_SECONDS_16K - 64 <= recognizer.fed <= SIXTY_SECONDS_16K


@asynccontextmanager
async def in_process_server(stt: SpeechToText, pool: ThreadPoolExecutor) -> AsyncIterator[int]:
    agent = build_agent(Config())
    port = free_port()
    server = AsyncTcpServer("127.0.0.1", port)
    policy = ServerPolicy(stt_pool=pool)
    await server.start(handler_factory(build_info_for(agent, stt), agent, stt, policy))
    try:
        yield port
    finally:
        await server.stop()


def test_busy_speech_to_text_does_not_hold_up_a_conversation_line() -> None:
    gate = threading.Event()
    recognizers: list[RecordingRecognizer] = []

    def new_recognizer() -> RecordingRecognizer:
        recognizers.append(RecordingRecognizer(gate))
        return recognizers[-1]

    stt = SpeechToText("en", "blocking", new_recognizer)
    pool = ThreadPoolExecutor(1, thread_name_prefix="test-stt")

    async def scenario() -> tuple[Handled, list[str]]:
        async with in_process_server(stt, pool) as port:
            streams = [AsyncTcpClient("127.0.0.1", port, read_timeout=READ_TIMEOUT)
                       for _ in range(STREAMS)]
            for client in streams:
                await client.connect()
                for event in (Transcribe(language="en"), AudioStart(16000, 2, 1),
                              AudioChunk(16000, 2, 1, bytes(3200)), AudioStop()):
                    await client.write_event(event.event())
            # The one STT worker is stuck in a recogniser and the other streams queue behind it.
            await asyncio.to_thread(lambda: recognizers[0].entered.wait(READ_TIMEOUT))
            async with AsyncTcpClient("127.0.0.1", port, read_timeout=READ_TIMEOUT) as talk:
                await talk.write_event(transcript("my calf is cramping", "bedroom").event())
                answer = await talk.read_event()
            assert not gate.is_set(), "answered while speech-to-text was still blocked"
            gate.set()
            heard = []
            for client in streams:
                reply = await client.read_event()
                assert reply is not None
                heard.append(Transcript.from_event(reply).text)
                await client.disconnect()
        assert answer is not None
        return Handled.from_event(answer), heard

    try:
        handled, heard = asyncio.run(scenario())
    finally:
        gate.set()
        pool.shutdown()
    assert (handled.context or {})["intent"] == "cramp.calf"
    assert heard == ["heard"] * STREAMS
