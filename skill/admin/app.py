"""The admin Flask app: configuration, security headers, CSRF, blueprints."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from cramp_common.paths import data_dir
from skill.admin.assistant import AssistantControl
from skill.admin.origin import host_allowed, trusted_hosts
from skill.admin.security import LoginBackoff, PasswordStore, SetupToken, load_secret_key
from skill.admin.sessions import ResetToken, SessionStore
from skill.admin.standalone import StandaloneAssistant
from skill.admin.state import AdminState
from skill.config import Config, ensure_user_config, load_config

log = logging.getLogger(__name__)

csrf = CSRFProtect()

_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    control: AssistantControl | None = None,
    config: Config | None = None,
) -> Flask:
    """Build the admin app. `control` is the live assistant (None: a StandaloneAssistant);
    `config` the loaded Config (None: load CONFIG_PATH, by default the user's config.toml)."""
    app = Flask(__name__)
    directory = data_dir()
    app.config.from_mapping(
        DATA_DIR=str(directory),
        CONFIG_PATH=str(config.path) if config is not None and config.path else None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="cramp_admin",
        PERMANENT_SESSION_LIFETIME=12 * 3600,
        MAX_CONTENT_LENGTH=64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        LOGIN_FREE_FAILURES=3,
        LOGIN_BACKOFF_SECONDS=0.5,
        LOGIN_BACKOFF_MAX_SECONDS=4.0,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    directory = Path(app.config["DATA_DIR"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(directory)
    if app.config["CONFIG_PATH"] is None:
        app.config["CONFIG_PATH"] = str(ensure_user_config())
    if config is None:
        config = load_config(Path(app.config["CONFIG_PATH"]))
    if control is None:
        control = StandaloneAssistant(config)

    passwords = PasswordStore(directory)
    app.extensions["cramp"] = AdminState(
        control=control,
        config=config,
        passwords=passwords,
        setup_token=None if passwords.is_set() else SetupToken(),
        backoff=LoginBackoff(
            app.config["LOGIN_FREE_FAILURES"],
            app.config["LOGIN_BACKOFF_SECONDS"],
            app.config["LOGIN_BACKOFF_MAX_SECONDS"],
        ),
        sessions=SessionStore(directory, app.permanent_session_lifetime.total_seconds()),
        reset_token=ResetToken(directory),
    )
    app.config.setdefault("ADMIN_HOSTS", trusted_hosts(config.admin))
    app.config.setdefault("ADMIN_ANY_ADDRESS", config.admin.allow_lan)

    app.before_request(_refuse_untrusted_host)
    app.before_request(_refuse_uploads)
    csrf.init_app(app)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)

    from skill.admin import auth, diary, reminders, settings_page, status

    app.register_blueprint(auth.bp)
    app.register_blueprint(status.bp)
    app.register_blueprint(settings_page.bp)
    app.register_blueprint(reminders.bp)
    app.register_blueprint(diary.bp)
    app.before_request(auth.require_login)
    return app


def _refuse_untrusted_host() -> None:
    """Against DNS rebinding: a page on another site that points its own name at this computer
    sends that name as Host, so only this computer's names are served (Flask's TRUSTED_HOSTS
    cannot hold an IPv6 literal in Werkzeug 3.1, hence the app's own list)."""
    config = current_app.config
    if not host_allowed(request.host, config["ADMIN_HOSTS"], config["ADMIN_ANY_ADDRESS"]):
        abort(400, "This address is not one the admin page answers to.")


def _refuse_uploads() -> Response | None:
    if request.mimetype == "multipart/form-data":
        return Response("uploads are not accepted\n", 415, mimetype="text/plain")
    return None


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template("error.html", title="Form expired", message=error.description), 400
