"""Cramp Coach voice skill: CLI, dialogue, audio in, speech out, admin page."""
