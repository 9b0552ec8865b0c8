"""The red-flag detector's normaliser settings: the pack's, with red_flags.yaml's additions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def detector_meta(pack_meta: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """pack.yaml's normaliser settings as the detector reads them: longer lines, its own slips,
    and more words after which "'s" is "is" ("the skin's red" is "the skin is red")."""
    meta = dict(pack_meta)
    # a sign at the end of a long ramble must still be heard: longer lines than templates
    meta.update({k: data[k] for k in ("max_tokens", "max_input_chars") if k in data})
    meta["slips"] = {**(meta.get("slips") or {}), **(data.get("slips") or {})}
    # a sign word after "'s" says what the part is, not whose a thing is: "the skin's red"
    meta["is_after_s"] = [*(meta.get("is_after_s") or []), *(data.get("is_after_s") or [])]
    if data.get("keep_fillers"):
        meta["fillers"] = []  # a pack's filler can be a symptom word here (Korean "아파")
    return meta
