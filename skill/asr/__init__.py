"""Speech recognition: Vosk models (find, tune, load, download), grammar, recogniser."""
