"""Transport: one Wyoming connection's events dispatched to the handle agent and the asr stream."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event, Eventable
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info
from wyoming.ping import Ping, Pong
from wyoming.server import AsyncEventHandler

from skill.wyoming_service.agent import AgentReply, HandleAgent
from skill.wyoming_service.asr import AudioFormatError, SpeechToText, Transcription
from skill.wyoming_service.frames import FrameError, read_frame
from skill.wyoming_service.guard import ServerPolicy

log = logging.getLogger(__name__)
T = TypeVar("T")

LINGER_SECONDS = 2.0
LINGER_BYTES = 1024 * 1024
MAX_TRANSCRIPT_CHARS = 1000
"""A spoken line is a sentence or two; longer text is refused before the matcher sees it."""


def client_address(writer: asyncio.StreamWriter) -> str:
    """The peer's IP address for tcp://; 'local' for unix:// and stdio:// (same computer)."""
    peer = writer.get_extra_info("peername")
    if isinstance(peer, tuple) and peer and isinstance(peer[0], str):
        return peer[0]
    return "local"


class CoachEventHandler(AsyncEventHandler):
    """Answers describe, transcript (handle) and transcribe + audio (asr) on one connection.

    A bad event gets an `error` event back and the connection stays open; a frame over the limits,
    a malformed frame, a missing token or one connection too many gets an `error` event and the
    connection is closed. Nothing a client sends can stop the server.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        info: Info,
        agent: HandleAgent,
        stt: SpeechToText | None = None,
        policy: ServerPolicy | None = None,
    ) -> None:
        super().__init__(reader, writer)
        self._info = info
        self._agent = agent
        self._stt = stt
        self._policy = policy or ServerPolicy()
        self._client = client_address(writer)
        self._authenticated = not self._policy.access.needs_token(self._client)
        self._language: str | None = None
        self._context: dict[str, Any] | None = None
        self._stream: Transcription | None = None

    async def handle_event(self, event: Event) -> bool:
        try:
            await self._dispatch(event)
        except ConnectionError:
            return False
        except (KeyError, TypeError, ValueError) as exc:
            self._policy.warn(self._client, "bad %r event from %s: %s", event.type, self._client,
                              exc)
            self._stream = None
            return await self._send(Error(text=f"bad {event.type} event: {exc}", code="bad-event"))
        except Exception:
            log.exception("failed to handle %s event", event.type)
            self._stream = None
            return await self._send(Error(text=f"could not handle {event.type}", code="internal"))
        return True

    async def run(self) -> None:
        """Our own read loop: wyoming's reader would buffer any announced length."""
        gate = self._policy.gate
        if not gate.enter(trusted=self._policy.access.trusts(self._client)):
            self._policy.warn(self._client, "refused %s: already %d connections (max_connections)",
                              self._client, gate.limit)
            # No linger here: refused connections hold no place, so they must cost nothing.
            await self._send(Error(text="too many connections; try again later",
                                   code="too-many-connections"))
            self.writer.close()
            return
        try:
            while await self._next_event():
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            log.debug("client went away mid-event")
        finally:
            gate.leave()
            await self.disconnect()
            self.writer.close()

    async def _next_event(self) -> bool:
        """Read and handle one event; False when the connection is to be closed."""
        policy = self._policy
        try:
            event = await asyncio.wait_for(
                read_frame(self.reader, policy.limits), policy.idle_timeout
            )
        except TimeoutError:
            log.info("closing idle connection from %s (idle_timeout_seconds)", self._client)
            await self._send(Error(text="idle timeout", code="idle-timeout"))
            return False
        except FrameError as exc:
            policy.warn(self._client, "refused a frame from %s: %s", self._client, exc)
            await self._refuse(exc.code, str(exc))
            return False
        if event is None:
            return False
        if not self._authenticated:
            return await self._authenticate(event)
        return await self.handle_event(event)

    async def _authenticate(self, event: Event) -> bool:
        if self._policy.access.accepts(event):
            self._authenticated = True
            return True
        self._policy.warn(self._client, "refused %s: no valid token (token_file)", self._client)
        await self._refuse("unauthorized", "send the token first: an 'auth' event")
        return False

    async def _refuse(self, code: str, text: str) -> None:
        """Send the error, then read a little of what is still coming before closing.

        Closing on unread data makes the kernel reset the connection, which can destroy the error
        in flight; a short, bounded linger lets the client read why it was refused.
        """
        await self._send(Error(text=text, code=code))
        with contextlib.suppress(Exception):
            self.writer.write_eof()
            budget = LINGER_BYTES
            async with asyncio.timeout(LINGER_SECONDS):
                while budget > 0:
                    chunk = await self.reader.read(65536)
                    if not chunk:
                        break
                    budget -= len(chunk)
        self.writer.close()

    async def disconnect(self) -> None:
        self._stream = None

    async def _send(self, message: Eventable) -> bool:
        try:
            await self.write_event(message.event())
        except ConnectionError:
            return False
        return True

    async def _dispatch(self, event: Event) -> None:
        if Describe.is_type(event.type):
            await self.write_event(self._info.event())
        elif Ping.is_type(event.type):
            await self.write_event(Pong(text=Ping.from_event(event).text).event())
        elif Transcript.is_type(event.type):
            await self._handle_transcript(Transcript.from_event(event))
        elif Transcribe.is_type(event.type):
            self._begin_transcribe(Transcribe.from_event(event))
        elif AudioStart.is_type(event.type):
            self._start_stream()
        elif AudioChunk.is_type(event.type):
            await self._add_chunk(AudioChunk.from_event(event))
        elif AudioStop.is_type(event.type):
            await self._finish_stream()
        else:
            log.debug("ignoring %s event", event.type)

    async def _handle_transcript(self, transcript: Transcript) -> None:
        if not isinstance(transcript.text, str):
            raise TypeError("transcript text must be a string")
        if len(transcript.text) > MAX_TRANSCRIPT_CHARS:
            raise ValueError(f"transcript longer than {MAX_TRANSCRIPT_CHARS} characters")
        context = transcript.context if isinstance(transcript.context, dict) else None
        language = transcript.language if isinstance(transcript.language, str) else None
        reply: AgentReply = await asyncio.to_thread(
            self._agent.handle, transcript.text, language, context, self._client
        )
        out_context = {**(context or {}), "intent": reply.intent, "reply_keys": reply.reply_keys}
        if reply.handled:
            await self.write_event(Handled(text=reply.text, context=out_context).event())
        else:
            await self.write_event(NotHandled(text=reply.text or None, context=out_context).event())

    def _begin_transcribe(self, transcribe: Transcribe) -> None:
        if self._stt is None:
            raise ValueError("this server offers no speech-to-text (asr is off)")
        self._language = transcribe.language
        self._context = transcribe.context if isinstance(transcribe.context, dict) else None
        self._stream = None

    def _start_stream(self) -> None:
        if self._stt is None:
            raise ValueError("this server offers no speech-to-text (asr is off)")
        self._stream = Transcription(self._stt.new_recognizer())

    async def _add_chunk(self, chunk: AudioChunk) -> None:
        if self._stream is None:
            # Audio before audio-start (or after a failed stream) is dropped, like any stray chunk.
            return
        stream = self._stream
        try:
            await self._in_stt_pool(stream.add, chunk)
        except AudioFormatError:
            self._stream = None
            raise

    async def _finish_stream(self) -> None:
        if self._stream is None:
            return
        stream, self._stream = self._stream, None
        text = await self._in_stt_pool(stream.finish)
        language = self._stt.language if self._stt else self._language
        transcript = Transcript(text=text, language=language, context=self._context)
        await self.write_event(transcript.event())

    async def _in_stt_pool(self, func: Callable[..., T], *args: Any) -> T:
        """Decoding runs in its own bounded pool, so it never holds up conversation lines."""
        return await asyncio.get_running_loop().run_in_executor(
            self._policy.stt_pool, func, *args
        )
