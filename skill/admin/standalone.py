"""Audio for the standalone admin page: find the model, speak a sentence, the bedtime check."""

from __future__ import annotations

import logging

from skill.admin.assistant import BedtimeReport, CheckItem
from skill.config import Config

log = logging.getLogger(__name__)


def model_path(config: Config) -> str:
    return config.voice.model_path


def say(config: Config, text: str) -> None:
    log.info("say: %s", text)


def bedtime_check(config: Config) -> BedtimeReport:
    return BedtimeReport((CheckItem("model", bool(model_path(config)), model_path(config)),))
