"""Facilitator accounts: sign up, sign in, sign out (here or everywhere), and who is signed in.

Nobody needs an account to play or practise; facilitators need one to own decks (the deck
studio) and workshops. This module is their shared foundation. Its public API:

- ``current_facilitator() -> Facilitator | None``: who is signed in on this request, or None.
- ``require_facilitator() -> Facilitator``: the same, or ``GameError("not_signed_in")``,
  which a JSON route answers as 401 ``{"ok": false, "error": {...}}`` (the app's error
  handler) and a Socket.IO handler answers like any other refusal.
- ``@facilitator_required``: for a view. A page sends the visitor to /signin?next=<this
  page> and back after signing in (a form's POST, to /signin alone); a JSON route (its
  path starts with /api/, or the request sent JSON) answers 401 ``not_signed_in``.
- ``facilitator_for(app, environ) -> Facilitator | None``: for Socket.IO handlers. The
  browser sends the session cookie with the Socket.IO handshake; the handlers of
  game.server.sockets are registered on the python-socketio server itself, without a Flask
  request, so ask with the connection's handshake environ:
  ``facilitator_for(app, socketio.server.get_environ(sid))``. It reads the database each
  time, so a facilitator who signs out everywhere is refused from the next event on.

Sessions are Flask's signed cookie ({"facilitator": id, "generation": n}), HttpOnly,
SameSite=Lax, Secure (and named __Host-session) when the server is reached over HTTPS, and
valid for Config.session_days after the last visit. "Sign out everywhere" bumps the
facilitator's generation in the database, so every cookie made before is refused, on every
process.

CSRF: every POST, PUT, PATCH and DELETE carries a token (Flask-WTF's CSRFProtect): forms in a
hidden ``csrf_token`` field (``{{ csrf_token() }}`` in a template), scripts in an
``X-CSRFToken`` header. The exceptions are TOKEN_ROUTES below.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect

from game.errors import GameError
from game.server import accountfields
from game.server.config import Config
from game.server.limits import RateLimiter
from game.server.passwords import check_password, hash_password
from game.store.accounts import Facilitator, Facilitators
from game.store.database import Conflict, Store

__all__ = ["Facilitator", "current_facilitator", "facilitator_for", "facilitator_required",
           "init_accounts", "require_facilitator"]

F = TypeVar("F", bound=Callable[..., Any])

# Routes that change something but never read the session cookie: they are authorised by
# what the request itself carries (nothing, or a key or token in its body or headers), so a
# page on another site that makes a browser send them gains nothing it could not do itself,
# and programs that call them have no CSRF token to send. A route that reads the session
# (current_facilitator) must not be listed. Route rules, not view names: they are the protocol
# (docs/protocol.md), and stay put when the code behind them moves. Socket.IO needs no token
# either: its events carry their own keys and tokens, and Engine.IO refuses a handshake from
# a page of another origin (cors_allowed_origins is left at its same-origin default), so a
# foreign page cannot open a connection that carries the facilitator's cookie.
TOKEN_ROUTES = frozenset({
    "/api/tables", "/api/solo",  # open a table or a solo game: anyone may
    # A balance report of a shipped deck (anyone may start one); its cancel carries the
    # job's token in the body.
    "/api/decks/<deck_id>/balance", "/api/decks/<deck_id>/balance/cancel",
    "/api/w/join",  # join a workshop with its code: anyone with the code may
})

SESSION_ID, SESSION_GENERATION = "facilitator", "generation"
HOME_OF_SIGNED_IN = "/account"
NEXT_MAX = 512

bp = Blueprint("accounts", __name__)


# ---- the public API ---------------------------------------------------------------------


class Accounts:
    """Everything accounts need in one app: the facilitators' rows and the attempt limits."""

    def __init__(self, store: Store, config: Config) -> None:
        self.facilitators = Facilitators(store)
        prefix = f"{config.message_queue_channel or 'game'}:signin"
        window = config.signin_window_s
        # Counted in Redis when there is one, so that another process gives no more tries.
        # Exact counts (a moving window): "5 wrong passwords" means 5, and the wait said is
        # the wait there is.
        self.wrong_by_name = RateLimiter(config.signin_failures_per_name or 1, window,
                                         config.message_queue, name=f"{prefix}-name",
                                         exact=True)
        self.wrong_by_address = RateLimiter(config.signin_failures_per_address or 1, window,
                                            config.message_queue, name=f"{prefix}-addr",
                                            exact=True)
        self.signups = RateLimiter(config.signups_per_hour or 1, 3600.0, config.message_queue,
                                   name=f"{prefix}-new")
        self.config = config

    def from_session(self, data: Any) -> Facilitator | None:
        """The facilitator a session names, if its generation is still theirs."""
        fid, generation = data.get(SESSION_ID), data.get(SESSION_GENERATION)
        if not isinstance(fid, str) or not isinstance(generation, int):
            return None
        facilitator = self.facilitators.get(fid)
        if facilitator is None or facilitator.session_generation != generation:
            return None
        return facilitator


def _accounts(app: Flask | None = None) -> Accounts:
    return (app or current_app).extensions["accounts"]


def current_facilitator() -> Facilitator | None:
    """Who is signed in on this request (read once per request), or None."""
    if "facilitator" not in g:
        g.facilitator = _accounts().from_session(session)
        if g.facilitator is None and SESSION_ID in session:
            # Signed out everywhere, or the account is gone: forget the stale sign-in.
            session.pop(SESSION_ID, None)
            session.pop(SESSION_GENERATION, None)
    return g.facilitator


def require_facilitator() -> Facilitator:
    facilitator = current_facilitator()
    if facilitator is None:
        raise GameError("not_signed_in", "sign in as a facilitator first (at /signin)")
    return facilitator


def facilitator_for(app: Flask, environ: dict) -> Facilitator | None:
    """The facilitator signed in on the browser that opened a connection, from the cookie
    its handshake (`environ`) carried; for Socket.IO handlers, which have no Flask request."""
    with app.request_context(environ):
        return _accounts(app).from_session(session)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def facilitator_required(view: F) -> F:
    """Let only a signed-in facilitator through (see the module's docstring)."""

    @functools.wraps(view)
    def inner(*args: Any, **kwargs: Any) -> Any:
        if current_facilitator() is None:
            if _wants_json():
                require_facilitator()  # raises not_signed_in: 401 through the app's handler
            if request.method not in ("GET", "HEAD"):
                # Coming back here after signing in would be a GET, which a form's
                # target does not answer: start again from the account page.
                return redirect("/signin", 303)
            query = urlencode({"next": request.full_path.rstrip("?")})
            return redirect(f"/signin?{query}", 303)
        return view(*args, **kwargs)

    return inner  # type: ignore[return-value]


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this server, never another site (an open
    redirect would let a phishing link borrow this server's name)."""
    if not value or len(value) > NEXT_MAX or not value.startswith("/") \
            or value.startswith(("//", "/\\")) \
            or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in value):
        return HOME_OF_SIGNED_IN
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return HOME_OF_SIGNED_IN
    return value


def sign_in(facilitator: Facilitator) -> None:
    """Make this browser's session the facilitator's. Everything else in it (the CSRF token
    too) goes: nothing chosen before signing in carries over into the signed-in session."""
    session.clear()
    session.permanent = True
    session[SESSION_ID] = facilitator.id
    session[SESSION_GENERATION] = facilitator.session_generation
    g.facilitator = facilitator


# ---- set-up -------------------------------------------------------------------------------


def init_accounts(app: Flask, store: Store, config: Config) -> Accounts:
    """Cookies, CSRF, and the account pages, on `app` (called from create_app)."""
    accounts = Accounts(store, config)
    app.extensions["accounts"] = accounts
    secure = config.https
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        # __Host-: browsers keep it only if Secure, for this host alone, for every path.
        SESSION_COOKIE_NAME="__Host-session" if secure else "session",
        PERMANENT_SESSION_LIFETIME=timedelta(days=config.session_days),
        # Checked below, on every route but TOKEN_ROUTES.
        WTF_CSRF_CHECK_DEFAULT=False,
        # A token lives as long as its session rather than an hour: the studio's editor can
        # stay open all afternoon. Signing in or out makes a new one.
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf = CSRFProtect(app)

    @app.before_request
    def check_csrf() -> None:
        rule = request.url_rule
        if rule is not None and rule.rule not in TOKEN_ROUTES:
            csrf.protect()  # only POST, PUT, PATCH and DELETE; raises CSRFError

    @app.errorhandler(CSRFError)
    def refused(exc: CSRFError) -> ResponseReturnValue:
        error = GameError("bad_csrf", "this form was out of date or did not come from this "
                          "site, so nothing was changed: reload the page and try again")
        if _wants_json():
            return jsonify(ok=False, error=error.as_dict()), error.status
        return render_template("account_refused.html", error=error), error.status

    app.jinja_env.filters["sentence"] = lambda text: text[:1].upper() + text[1:] + (
        "" if text.endswith((".", "?", "!")) else ".")
    app.register_blueprint(bp)
    return accounts


@bp.after_request
def private(resp: Response) -> Response:
    # Account pages name the facilitator: never kept by a shared computer or a proxy.
    resp.headers["Cache-Control"] = "no-store"
    return resp


# ---- pages --------------------------------------------------------------------------------


def _address() -> str:
    return request.remote_addr or "?"


def _form() -> dict[str, str]:
    return {k: v for k, v in request.form.items() if isinstance(v, str)}


def _page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    errors: dict[str, GameError] = context.get("errors", {})
    first = next(iter(errors), None)
    return render_template(template, first_error=first, limits=accountfields,
                           **context), status


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> ResponseReturnValue:
    nxt = safe_next(request.values.get("next"))
    if current_facilitator() is not None and request.method == "GET":
        return redirect(nxt, 303)
    if request.method == "GET":
        return _page("signup.html", form={}, errors={}, next=nxt)
    accounts = _accounts()
    form = _form()
    values, errors = accountfields.signup(form)
    shown = {k: v for k, v in form.items() if k != "password"}  # never sent back
    if errors:
        return _page("signup.html", 400, form=shown, errors=errors, next=nxt)
    taken = accounts.facilitators.taken(values["user_name"], values["email"])
    if taken:
        errors = {k: GameError("account_taken", message) for k, message in (
            ("user_name", "another facilitator has that user name: choose another"),
            ("email", "an account already uses that e-mail address: sign in instead, or "
                      "use another")) if k in taken}
        return _page("signup.html", 409, form=shown, errors=errors, next=nxt)
    cap = accounts.config.signups_per_hour
    if cap:
        wait = accounts.signups.blocked_for(_address())
        if wait or not accounts.signups.hit(_address()):
            error = GameError("too_many_signups", f"{cap} accounts were made from this "
                              f"network in the last hour: wait {_minutes(wait)}, then try "
                              "again")
            return _page("signup.html", error.status, form=shown, errors={}, next=nxt,
                         problem=error)
    try:
        facilitator = accounts.facilitators.create(
            values["user_name"] or "", values["display_name"] or "",
            hash_password(values["password"] or ""), values["email"])
    except Conflict:  # taken between the check and the insert
        errors = {"user_name": GameError("account_taken", "that user name or e-mail was "
                                         "taken a moment ago: choose another")}
        return _page("signup.html", 409, form=shown, errors=errors, next=nxt)
    sign_in(facilitator)
    return redirect(nxt, 303)


def _minutes(seconds: float) -> str:
    seconds = int(seconds) + 1
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> ResponseReturnValue:
    nxt = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_facilitator() is not None:
            return redirect(nxt, 303)
        return _page("signin.html", form={}, errors={}, next=nxt,
                     signed_out=request.args.get("signed_out"))
    accounts = _accounts()
    form = _form()
    login = form.get("login", "").strip()
    password = form.get("password", "")
    shown = {"login": login[:accountfields.FIELD_MAX]}
    errors: dict[str, GameError] = {}
    if not login:
        errors["login"] = GameError("bad_signin", "type your user name or e-mail address")
    elif len(login) > accountfields.FIELD_MAX:
        errors["login"] = GameError("bad_signin", "that is longer than any user name or "
                                    "e-mail address here")
        shown = {}
    if not password:
        errors["password"] = GameError("bad_signin", "type your password")
    elif len(password) > accountfields.PASSWORD_MAX:
        errors["password"] = GameError("bad_signin", "that is longer than any password here")
    if errors:
        return _page("signin.html", 400, form=shown, errors=errors, next=nxt)
    name_key, address = login.casefold(), _address()
    config = accounts.config
    waits = [limiter.blocked_for(key) for limiter, key, cap in (
        (accounts.wrong_by_name, name_key, config.signin_failures_per_name),
        (accounts.wrong_by_address, address, config.signin_failures_per_address)) if cap]
    wait = max(waits, default=0.0)
    if wait:
        error = GameError("too_many_signins", "too many wrong passwords for this account or "
                          f"from this network: wait {_minutes(wait)}, then try again")
        return _page("signin.html", error.status, form=shown, errors={}, next=nxt,
                     problem=error, wait=int(wait) + 1)
    facilitator = accounts.facilitators.find(login)
    good, rehashed = check_password(facilitator.password_hash if facilitator else None,
                                    password)
    if not good or facilitator is None:
        if config.signin_failures_per_name:
            accounts.wrong_by_name.hit(name_key)
        if config.signin_failures_per_address:
            accounts.wrong_by_address.hit(address)
        error = GameError("bad_signin", "that user name or e-mail and password do not match "
                          "an account: check them and try again")
        return _page("signin.html", error.status, form=shown, errors={"password": error},
                     next=nxt)
    if rehashed:
        accounts.facilitators.set_password_hash(facilitator.id, rehashed)
    accounts.wrong_by_name.clear(name_key)
    sign_in(facilitator)
    return redirect(nxt, 303)


@bp.get("/signout")
def signout_page() -> ResponseReturnValue:
    return redirect(HOME_OF_SIGNED_IN, 303)


@bp.post("/signout")
def signout() -> ResponseReturnValue:
    session.clear()
    return redirect("/signin?signed_out=here", 303)


@bp.post("/signout-everywhere")
@facilitator_required
def signout_everywhere() -> ResponseReturnValue:
    facilitator = require_facilitator()
    _accounts().facilitators.end_sessions(facilitator.id)
    session.clear()
    return redirect("/signin?signed_out=everywhere", 303)


@bp.get("/account")
@facilitator_required
def account() -> ResponseReturnValue:
    return _page("account.html", facilitator=require_facilitator(), errors={},
                 changed=request.args.get("password") == "changed")


@bp.post("/account/password")
@facilitator_required
def change_password() -> ResponseReturnValue:
    """A new password, given the current one. Every other browser signed in as this
    facilitator is signed out (whoever may have learnt the old password loses their session
    too); this one stays signed in with a new session."""
    accounts = _accounts()
    facilitator = require_facilitator()
    form = _form()
    current, new, again = (form.get(k, "") for k in ("current_password", "password",
                                                     "password_again"))
    errors: accountfields.Errors = {}
    if not current:
        errors["current_password"] = GameError("bad_account", "type your current password")
    elif len(current) > accountfields.PASSWORD_MAX:
        errors["current_password"] = GameError("bad_account", "that is longer than any "
                                               "password here")
    accountfields.new_password(new, facilitator.user_name, errors)
    if "password" not in errors and new == current:
        errors["password"] = GameError("bad_account", "that is your current password: type "
                                       "a new one")
    if "password" not in errors and again != new:
        errors["password_again"] = GameError("bad_account", "the two new passwords differ: "
                                             "type the same one twice")
    if errors:
        return _page("account.html", 400, facilitator=facilitator, errors=errors)
    # Wrong current passwords count as wrong sign-ins: a session left open on a shared
    # computer must not become a way to guess the password without limit.
    name_key, cap = facilitator.user_name.casefold(), accounts.config.signin_failures_per_name
    wait = accounts.wrong_by_name.blocked_for(name_key) if cap else 0.0
    if wait:
        error = GameError("too_many_signins", "too many wrong passwords for this account: "
                          f"wait {_minutes(wait)}, then try again")
        return _page("account.html", error.status, facilitator=facilitator, errors={},
                     problem=error)
    good, _ = check_password(facilitator.password_hash, current)
    if not good:
        if cap:
            accounts.wrong_by_name.hit(name_key)
        errors["current_password"] = GameError("bad_signin", "that is not your current "
                                               "password: nothing was changed")
        return _page("account.html", 400, facilitator=facilitator, errors=errors)
    accounts.facilitators.set_password_hash(facilitator.id, hash_password(new))
    accounts.wrong_by_name.clear(name_key)  # as a good sign-in does
    accounts.facilitators.end_sessions(facilitator.id)
    renewed = accounts.facilitators.get(facilitator.id)
    assert renewed is not None  # the row was updated a moment ago
    sign_in(renewed)
    return redirect(f"{HOME_OF_SIGNED_IN}?password=changed", 303)
