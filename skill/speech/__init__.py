"""Speech out: one queue on one thread, pyttsx3 synthesis, our own stoppable playback."""
