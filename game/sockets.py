"""Socket.IO events. Each handler is short: who is this, what do they want (checked),
hand it to `Tables`, and answer with an acknowledgement:
`{"ok": true, ...}` or `{"ok": false, "error": {"code", "message"}}`.

Handlers are registered on python-socketio's server itself rather than through
Flask-SocketIO's decorators: those push a Flask request context and open the cookie session
for every event, a tenth of the server's time under load, and nothing here uses either.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable

from flask_socketio import SocketIO

from game.limits import BadRequest, RateLimiter, check_payload
from game.presence import Presence
from game.tables import Identity, Live, Tables
from game.view import view

log = logging.getLogger(__name__)


def rooms_for(ident: Identity) -> list[str]:
    base = f"t:{ident.table_id}"
    if ident.kind == "seat":
        return [base, f"{base}:seat:{ident.seat}"]
    if ident.kind == "facilitator":
        return [base, f"{base}:facilitator"]
    return [base, f"{base}:screen"]


def register(socketio: SocketIO, tables: Tables, presence: Presence,
             table_info: Callable[[Live, Identity | None], dict],
             seat_view: Callable[[Live, int], dict], *,
             join_limit: int, events_per_second: int) -> None:
    server = socketio.server
    join_failures = RateLimiter(join_limit, 60.0)
    flood = RateLimiter(events_per_second, 1.0)

    def client_key(sid: str) -> str:
        # Not X-Forwarded-For as sent: anyone can write that header, and a new value per
        # connection would reset the count. Behind a proxy, TRUSTED_PROXIES (see web.py)
        # makes REMOTE_ADDR the address the proxy saw.
        return (server.get_environ(sid) or {}).get("REMOTE_ADDR") or "?"

    def handler(event: str, spec: dict) -> Callable:
        def wrap(fn: Callable) -> Callable:
            @functools.wraps(fn)
            def inner(sid: str, payload: object = None, *extra: object) -> dict:
                try:
                    if not flood.hit(sid):
                        raise BadRequest("too_fast", "too many messages at once: slow down")
                    if extra:  # emit("act", a, b): one object only, or Python raises
                        raise BadRequest("bad_payload", f"{event}: send one object, not "
                                         f"{1 + len(extra)} arguments")
                    data = check_payload(payload, spec, event)
                    result = fn(sid, data) or {}
                    return {"ok": True, **result}
                except BadRequest as exc:
                    return {"ok": False, "error": {"code": exc.code, "message": exc.message}}
                except Exception:
                    log.exception("socket event %s failed", event)
                    return {"ok": False, "error": {"code": "server_error", "message":
                            "something went wrong on the server; your last action was not "
                            "applied, try again"}}

            server.on(event, inner)
            return inner

        return wrap

    def me(sid: str) -> Identity:
        ident = presence.by_sid.get(sid)
        if ident is None:
            raise BadRequest("not_joined", "say hello first: open the table's page again")
        return ident

    def bind(sid: str, ident: Identity) -> None:
        old = presence.bind(sid, ident)
        if old:
            for room in rooms_for(old):
                server.leave_room(sid, room)
        for room in rooms_for(ident):
            server.enter_room(sid, room)

    def snapshot(ident: Identity) -> dict:
        live = tables.get(ident.table_id)
        game = seat_view(live, ident.seat) if ident.kind == "seat" and ident.seat is not None \
            else view(live.state, None)
        return {"table": table_info(live, ident), "game": game}

    @handler("hello", {"table": (str, True), "token": (str, False), "key": (str, False)})
    def hello(sid: str, data: dict) -> dict:
        ident = tables.identify(data["table"], token=data.get("token"), key=data.get("key"))
        bind(sid, ident)
        live = tables.get(ident.table_id)
        tables.publish(live, [{"type": "presence"}])
        return {"you": {"kind": ident.kind, "seat": ident.seat}, **snapshot(ident)}

    @handler("join", {"code": (str, True), "name": (str, True)})
    def join(sid: str, data: dict) -> dict:
        key = client_key(sid)
        wait = join_failures.blocked_for(key)
        if wait:
            raise BadRequest("too_many_attempts", f"too many wrong codes: wait {int(wait) + 1} "
                             "seconds and try again")
        try:
            live, seat, token = tables.join(data["code"], data["name"])
        except BadRequest as exc:
            if exc.code == "bad_code":
                join_failures.hit(key)
            raise
        ident = Identity("seat", live.record.id, seat)
        bind(sid, ident)
        # The "joined" view went out before this connection was bound to the seat: say now
        # that the new player is here, or the screen shows them away until the next move.
        tables.publish(live, [{"type": "presence"}])
        return {"table_id": live.record.id, "seat": seat, "token": token, **snapshot(ident)}

    @handler("act", {"action": (dict, True)})
    def act(sid: str, data: dict) -> dict:
        events = tables.act(me(sid), data["action"])
        return {"events": events}

    @handler("facilitate", {"command": (str, True), "args": (dict, False)})
    def facilitate(sid: str, data: dict) -> dict:
        events = tables.facilitate(me(sid), data["command"], data.get("args") or {})
        return {"events": events}

    @handler("leave", {})
    def leave(sid: str, data: dict) -> dict:
        ident = me(sid)
        tables.leave(ident)
        bind(sid, Identity("viewer", ident.table_id))
        return {}

    @handler("undo", {})
    def undo(sid: str, data: dict) -> dict:
        return {"events": tables.undo(me(sid))}

    @server.on("disconnect")
    def disconnect(sid: str, *_reason: object) -> None:
        ident = presence.drop(sid)
        if ident and ident.seat is not None:
            with contextlib.suppress(BadRequest):
                tables.publish(tables.current(ident.table_id), [{"type": "presence"}])

    @server.on("*")
    def unknown(event: str, _sid: str, *_args: object) -> dict:
        name = event if isinstance(event, str) else "?"
        return {"ok": False, "error": {"code": "unknown_event", "message":
                f"unknown event {name[:40]!r}; events are: hello, join, act, facilitate, "
                "leave, undo"}}
