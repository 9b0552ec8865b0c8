"""What the views share: the assistant, the current config and the login secrets."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import current_app

from skill.admin.assistant import AssistantControl
from skill.admin.security import LoginBackoff, PasswordStore, SetupToken
from skill.admin.sessions import ResetToken, SessionStore
from skill.config import Config


@dataclass
class AdminState:
    control: AssistantControl
    config: Config
    """The config as last loaded or saved; replaced after each successful save."""
    passwords: PasswordStore
    setup_token: SetupToken | None
    """Set while no password exists; consumed by the first visitor who uses it."""
    backoff: LoginBackoff
    sessions: SessionStore
    reset_token: ResetToken
    """Written by `cramp-coach admin setup-link`; lets the owner choose a new password."""
    save_lock: threading.Lock = field(default_factory=threading.Lock)


def current() -> AdminState:
    state: AdminState = current_app.extensions["cramp"]
    return state
