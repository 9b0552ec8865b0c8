"""Transport: one Wyoming connection's events dispatched to the handle agent and the asr stream."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

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

log = logging.getLogger(__name__)


class CoachEventHandler(AsyncEventHandler):
    """Answers describe, transcript (handle) and transcribe + audio (asr) on one connection.

    A bad event gets an `error` event back and the connection stays open; nothing a client sends
    can stop the server.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        info: Info,
        agent: HandleAgent,
        stt: SpeechToText | None = None,
    ) -> None:
        super().__init__(reader, writer)
        self._info = info
        self._agent = agent
        self._stt = stt
        self._language: str | None = None
        self._context: dict[str, Any] | None = None
        self._stream: Transcription | None = None

    async def handle_event(self, event: Event) -> bool:
        try:
            await self._dispatch(event)
        except ConnectionError:
            return False
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("bad %s event: %s", event.type, exc)
            self._stream = None
            return await self._send(Error(text=f"bad {event.type} event: {exc}", code="bad-event"))
        except Exception:
            log.exception("failed to handle %s event", event.type)
            self._stream = None
            return await self._send(Error(text=f"could not handle {event.type}", code="internal"))
        return True

    async def run(self) -> None:
        try:
            await super().run()
        except (ConnectionError, asyncio.IncompleteReadError):
            log.debug("client went away mid-event")

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
        context = transcript.context if isinstance(transcript.context, dict) else None
        language = transcript.language if isinstance(transcript.language, str) else None
        reply: AgentReply = await asyncio.to_thread(
            self._agent.handle, transcript.text, language, context
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
            await asyncio.to_thread(stream.add, chunk)
        except AudioFormatError:
            self._stream = None
            raise

    async def _finish_stream(self) -> None:
        if self._stream is None:
            return
        stream, self._stream = self._stream, None
        text = await asyncio.to_thread(stream.finish)
        language = self._stt.language if self._stt else self._language
        transcript = Transcript(text=text, language=language, context=self._context)
        await self.write_event(transcript.event())
