"""Login, logout and first-run password setup; every other page needs a session."""

from __future__ import annotations

import hmac

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from skill.admin.security import PasswordError, check_new_password
from skill.admin.state import current

bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.setup", "status.healthz", "static"})


def is_logged_in() -> bool:
    fingerprint = current().passwords.fingerprint()
    given = session.get("auth", "")
    return bool(fingerprint) and isinstance(given, str) and hmac.compare_digest(given, fingerprint)


def require_login() -> BaseResponse | None:
    """App-wide guard: anything not explicitly public redirects to the login page."""
    if request.endpoint in PUBLIC_ENDPOINTS or is_logged_in():
        return None
    if request.method == "GET" and request.endpoint is not None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return Response("login required\n", 401, mimetype="text/plain")


def _client() -> str:
    return request.remote_addr or "unknown"


def _start_session() -> None:
    session.clear()
    session.permanent = True
    session["auth"] = current().passwords.fingerprint()


def _safe_next(target: str | None) -> str:
    """Only local paths, so the login form cannot be used to send someone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("status.index")


@bp.route("/login", methods=("GET", "POST"))
def login() -> BaseResponse | str | tuple[str, int]:
    state = current()
    if not state.passwords.is_set():
        return render_template("auth/no_password.html")
    error = None
    if request.method == "POST":
        if not state.limiter.allow(_client()):
            error = "Too many attempts. Wait a minute and try again."
            return render_template("auth/login.html", error=error), 429
        if state.passwords.check(request.form.get("password", "")):
            state.limiter.reset(_client())
            _start_session()
            return redirect(_safe_next(request.args.get("next")))
        error = "Wrong password."
    return render_template("auth/login.html", error=error), 401 if error else 200


@bp.route("/setup", methods=("GET", "POST"))
def setup() -> BaseResponse | str | tuple[str, int]:
    state = current()
    token = state.setup_token
    if token is None or token.value is None or state.passwords.is_set():
        return redirect(url_for("auth.login"))
    errors: dict[str, str] = {}
    given = request.values.get("token", "")
    if request.method == "POST":
        if not state.limiter.allow(_client()):
            errors["token"] = "Too many attempts. Wait a minute and try again."
            return render_template("auth/setup.html", errors=errors, token=""), 429
        password = request.form.get("password", "")
        if not token.matches(given):
            errors["token"] = "This setup token is not valid. Use the one printed in the console."
        try:
            check_new_password(password)
        except PasswordError as exc:
            errors["password"] = f"Password {exc}."
        if password != request.form.get("confirm", ""):
            errors["confirm"] = "The two passwords differ."
        if not errors:
            state.passwords.set(password)
            token.consume()
            state.limiter.reset(_client())
            _start_session()
            flash("Password set. Keep it somewhere safe.")
            return redirect(url_for("status.index"))
    return render_template("auth/setup.html", errors=errors, token=given), 400 if errors else 200


@bp.post("/logout")
def logout() -> BaseResponse:
    session.clear()
    return redirect(url_for("auth.login"))


@bp.app_context_processor
def _login_context() -> dict[str, bool]:
    return {"logged_in": is_logged_in()}
