"""Guided first-aid dialogue: flows of short steps, follow-ups, red flags, the cramp diary."""
