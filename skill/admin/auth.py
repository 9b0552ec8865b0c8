"""Login, logout and first-run password setup; every other page needs a session."""

from __future__ import annotations

import hmac
import math
import secrets

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as BaseResponse

from skill.admin.origin import safe_next
from skill.admin.security import PasswordError, check_new_password
from skill.admin.state import current

bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.setup", "status.healthz", "static"})
DEVICE_COOKIE = "cramp_device"
DEVICE_LIFETIME = 400 * 86400
ANYONE = "anyone"
"""The back-off key shared by every browser that has not logged in here before."""


def is_logged_in() -> bool:
    """The cookie's password fingerprint is current and its session id is still open here."""
    if "logged_in" not in g:
        state = current()
        fingerprint = state.passwords.fingerprint()
        given = session.get("auth", "")
        g.logged_in = (
            bool(fingerprint)
            and isinstance(given, str)
            and hmac.compare_digest(given, fingerprint)
            and state.sessions.is_open(session.get("sid"), fingerprint)
        )
    return bool(g.logged_in)


def require_login() -> BaseResponse | None:
    """App-wide guard: anything not explicitly public redirects to the login page."""
    if request.endpoint in PUBLIC_ENDPOINTS or is_logged_in():
        return None
    if request.method == "GET" and request.endpoint is not None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return Response("login required\n", 401, mimetype="text/plain")


def _start_session() -> None:
    state = current()
    fingerprint = state.passwords.fingerprint()
    session.clear()
    session.permanent = True
    session["auth"] = fingerprint
    session["sid"] = state.sessions.open(fingerprint)
    g.logged_in = True


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="cramp-known-device")


def _device_key() -> str:
    """A browser that logged in here before has its own back-off, so a local process hammering
    the login page cannot delay it; everyone else shares one."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if cookie:
        try:
            device = _devices().loads(cookie)
        except BadSignature:
            return ANYONE
        if isinstance(device, str) and device:
            return f"device:{device}"
    return ANYONE


def _remember_device(response: BaseResponse, key: str) -> None:
    if key != ANYONE:
        return
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps(secrets.token_urlsafe(16)),
        max_age=DEVICE_LIFETIME,
        httponly=True,
        samesite="Strict",
    )


def _wait_page(wait: float) -> Response:
    seconds = max(1, math.ceil(wait))
    error = f"Too many wrong passwords. Try again in {seconds} seconds."
    response = make_response(render_template("auth/login.html", error=error), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/login", methods=("GET", "POST"))
def login() -> BaseResponse | str | tuple[str, int]:
    state = current()
    if not state.passwords.is_set():
        return render_template("auth/no_password.html")
    target = safe_next(request.args.get("next"), url_for("status.index"))
    error = None
    if request.method == "POST":
        key, epoch = _device_key(), state.passwords.fingerprint()
        wait = state.backoff.begin(key, epoch)
        if wait > 0:
            return _wait_page(wait)
        if state.passwords.check(request.form.get("password", "")):
            state.backoff.succeeded(key, epoch)
            _start_session()
            response = redirect(target)
            _remember_device(response, key)
            return response
        state.backoff.failed(key, epoch)
        error = "Wrong password."
    return render_template("auth/login.html", error=error), 401 if error else 200


def _setup_open() -> bool:
    """First run (no password, the printed token unused) or a pending `admin setup-link`."""
    state = current()
    token = state.setup_token
    first_run = token is not None and token.value is not None and not state.passwords.is_set()
    return first_run or state.reset_token.pending()


def _token_matches(given: str) -> bool:
    state = current()
    token = state.setup_token
    if token is not None and not state.passwords.is_set() and token.matches(given):
        return True
    return state.reset_token.matches(given)


@bp.route("/setup", methods=("GET", "POST"))
def setup() -> BaseResponse | str | tuple[str, int]:
    """Choose the password with a one-time token; never throttled, as the token cannot be
    guessed, so the owner can always get back in whatever was done to the login page."""
    state = current()
    if not _setup_open():
        return redirect(url_for("auth.login"))
    errors: dict[str, str] = {}
    given = request.values.get("token", "")
    if request.method == "POST":
        password = request.form.get("password", "")
        if not _token_matches(given):
            errors["token"] = "This setup token is not valid. Use the one printed in the console."
        try:
            check_new_password(password)
        except PasswordError as exc:
            errors["password"] = f"Password {exc}."
        if password != request.form.get("confirm", ""):
            errors["confirm"] = "The two passwords differ."
        if not errors:
            state.passwords.set(password)
            if state.setup_token is not None:
                state.setup_token.consume()
            state.reset_token.consume()
            _start_session()
            flash("Password set. Keep it somewhere safe.")
            response = redirect(url_for("status.index"))
            _remember_device(response, _device_key())
            return response
    return render_template("auth/setup.html", errors=errors, token=given), 400 if errors else 200


@bp.post("/logout")
def logout() -> BaseResponse:
    state = current()
    state.sessions.close(session.get("sid"), state.passwords.fingerprint())
    session.clear()
    g.logged_in = False
    return redirect(url_for("auth.login"))


@bp.app_context_processor
def _login_context() -> dict[str, bool]:
    return {"logged_in": is_logged_in()}
