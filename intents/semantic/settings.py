"""The [understanding] config section: whether the English semantic layer runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cramp_common.validate import get_bool


@dataclass(frozen=True)
class UnderstandingSettings:
    semantic: bool = True
    """Sentence-embedding layer after the templates (English only); false: templates alone."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnderstandingSettings:
        return cls(semantic=get_bool(data, "semantic", cls.semantic))
