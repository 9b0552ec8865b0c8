"""Admin web page: Flask app factory, blueprints and templates.

Kept light on purpose: skill.config imports skill.admin.settings, so Flask is loaded only when an
app is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from skill.admin.assistant import AssistantControl
    from skill.config import Config

__all__ = ["create_app"]


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    control: AssistantControl | None = None,
    config: Config | None = None,
) -> Flask:
    """Build the admin app (see skill.admin.app.create_app)."""
    from skill.admin.app import create_app as build

    return build(test_config, control=control, config=config)
