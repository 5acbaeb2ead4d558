"""What every HTTP answer goes through: the host-name check, gzip, security headers, JSON
errors, and reading a JSON body safely."""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, jsonify, request

from game.server.config import Config
from game.server.limits import MAX_DEPTH, BadRequest, check_depth
from game.server.netaddr import host_of, own_addresses
from game.store.records import StoreError

log = logging.getLogger(__name__)
# What a player or facilitator is told when the database refuses a write. It is true: an
# action is acknowledged only once it is in the log, and a failed one changes nothing.
CANNOT_SAVE = "the server cannot save right now; nothing was lost; try again in a moment"
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self' ws: wss:; frame-ancestors 'none'")
_gzipped: dict[tuple[str, str], bytes] = {}

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


def install(app: Flask) -> None:
    """Error answers as JSON with a code, and the headers every answer carries."""

    @app.errorhandler(BadRequest)
    def bad_request(exc: BadRequest) -> tuple[Response, int]:
        return jsonify(ok=False, error=exc.as_dict()), exc.status

    @app.errorhandler(StoreError)
    def cannot_save(exc: StoreError) -> tuple[Response, int]:
        log.error("database error on %s %s: %s", request.method, request.path, exc)
        return jsonify(ok=False, error={"code": "cannot_save", "message": CANNOT_SAVE}), 503

    @app.errorhandler(413)
    def too_large(_exc: Exception) -> tuple[Response, int]:
        return jsonify(ok=False, error={"code": "too_large", "message":
                                        "that request is too large"}), 413

    @app.after_request
    def headers(resp: Response) -> Response:
        compress(resp)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/api/tables") and not request.path.endswith(".svg"):
            # Keys, tokens, hands in a finished game's debrief: never kept by a shared
            # computer's browser or a proxy on the way.
            resp.headers["Cache-Control"] = "no-store"
        resp.headers.setdefault("Content-Security-Policy", CSP)
        return resp


def json_body(limit: int = MAX_DEPTH) -> object:
    """The request's JSON, refused with a clear error if it nests deeper than `limit` levels,
    more than any request of ours (Python's parser would otherwise recurse until it fails)."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        raise BadRequest("too_deep", "that JSON is nested too deeply to be a request of "
                         "this game") from None
    check_depth(payload, "request", limit)
    return payload


def compress(resp: Response) -> None:
    """Gzip text answers for phones on poor venue wifi (about a third of the bytes). Static
    files are compressed once and kept, keyed by their ETag."""
    if (resp.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "")
            or "Content-Encoding" in resp.headers
            or not (resp.mimetype or "").startswith(COMPRESSIBLE)):
        return
    resp.direct_passthrough = False
    body = resp.get_data()
    if len(body) < 1024:
        return
    etag = resp.headers.get("ETag")
    key = (request.path, etag) if etag else None
    packed = _gzipped.get(key) if key else None
    if packed is None:
        packed = gzip.compress(body, compresslevel=6)
        if key and len(_gzipped) < 256:
            _gzipped[key] = packed
    resp.set_data(packed)
    resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Content-Length"] = str(len(packed))
    resp.vary.add("Accept-Encoding")


def allowed_hosts(config: Config) -> frozenset[str] | None:
    """The host names the server answers to: this machine's own addresses and names,
    PUBLIC_URL's host, and ALLOWED_HOSTS (a leading dot allows subdomains). None (no check)
    if ALLOWED_HOSTS is "*". Other names are refused: a page on a stranger's domain that
    resolves to this server (DNS rebinding) must not reach the game, and a forged Host
    header must not end up in join links and QR codes."""
    if config.allowed_hosts == ("*",):
        return None
    names = set(own_addresses()) | {h.strip().lower() for h in config.allowed_hosts}
    if config.public_url:
        names.add(host_of(config.public_url.split("://", 1)[-1].split("/", 1)[0]))
    if config.host not in ("0.0.0.0", "::", ""):
        names.add(host_of(config.host))
    return frozenset(n for n in names if n)


def only_hosts(wsgi_app: WSGIApp, allowed: frozenset[str] | None) -> WSGIApp:
    """Refuse requests (pages, API and Socket.IO alike) whose Host is not allowed."""
    if allowed is None:
        return wsgi_app
    suffixes = tuple(n for n in allowed if n.startswith("."))

    def app(environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        host = host_of(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
        if host in allowed or (suffixes and host.endswith(suffixes)):
            return wsgi_app(environ, start_response)
        body = (b'{"ok":false,"error":{"code":"bad_host","message":"this server does not '
                b'answer to that host name; use its own address, or add the name to '
                b'ALLOWED_HOSTS"}}')
        start_response("400 Bad Request", [("Content-Type", "application/json"),
                                           ("Content-Length", str(len(body)))])
        return [body]

    return app
