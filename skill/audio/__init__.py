"""Audio sources: microphone, WAV file and raw PCM, all yielding 16 kHz mono int16 chunks."""
