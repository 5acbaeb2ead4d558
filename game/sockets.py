"""Socket.IO events. Each handler is short: who is this, what do they want (checked),
hand it to `Tables`, and answer with an acknowledgement:
`{"ok": true, ...}` or `{"ok": false, "error": {"code", "message"}}`."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections import defaultdict
from collections.abc import Callable

from flask import request
from flask_socketio import SocketIO, join_room, leave_room

from game.limits import BadRequest, RateLimiter, check_payload
from game.tables import Identity, Live, Tables
from game.view import view

log = logging.getLogger(__name__)


class Presence:
    """Who is connected to which table, in this process."""

    def __init__(self) -> None:
        self.by_sid: dict[str, Identity] = {}
        self.counts: dict[tuple[str, int], int] = defaultdict(int)
        self.lock = threading.Lock()

    def bind(self, sid: str, ident: Identity) -> Identity | None:
        with self.lock:
            old = self.by_sid.get(sid)
            if old and old.seat is not None:
                self.counts[(old.table_id, old.seat)] -= 1
            self.by_sid[sid] = ident
            if ident.seat is not None:
                self.counts[(ident.table_id, ident.seat)] += 1
            return old

    def drop(self, sid: str) -> Identity | None:
        with self.lock:
            old = self.by_sid.pop(sid, None)
            if old and old.seat is not None:
                self.counts[(old.table_id, old.seat)] -= 1
            return old

    def connected(self, table_id: str, seat: int) -> bool:
        return self.counts.get((table_id, seat), 0) > 0


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
    join_failures = RateLimiter(join_limit, 60.0)
    flood = RateLimiter(events_per_second, 1.0)

    def client_key() -> str:
        # Not X-Forwarded-For as sent: anyone can write that header, and a new value per
        # connection would reset the count. Behind a proxy, TRUSTED_PROXIES (see web.py)
        # makes remote_addr the address the proxy saw.
        return request.remote_addr or "?"

    def handler(event: str, spec: dict) -> Callable:
        def wrap(fn: Callable) -> Callable:
            @functools.wraps(fn)
            def inner(payload: object = None, *extra: object) -> dict:
                try:
                    if not flood.hit(request.sid):  # type: ignore[attr-defined]
                        raise BadRequest("too_fast", "too many messages at once: slow down")
                    if extra:  # emit("act", a, b): one object only, or Python raises
                        raise BadRequest("bad_payload", f"{event}: send one object, not "
                                         f"{1 + len(extra)} arguments")
                    data = check_payload(payload, spec, event)
                    result = fn(data) or {}
                    return {"ok": True, **result}
                except BadRequest as exc:
                    return {"ok": False, "error": {"code": exc.code, "message": exc.message}}
                except Exception:
                    log.exception("socket event %s failed", event)
                    return {"ok": False, "error": {"code": "server_error", "message":
                            "something went wrong on the server; your last action was not "
                            "applied, try again"}}

            socketio.on_event(event, inner)
            return inner

        return wrap

    def me() -> Identity:
        ident = presence.by_sid.get(request.sid)  # type: ignore[attr-defined]
        if ident is None:
            raise BadRequest("not_joined", "say hello first: open the table's page again")
        return ident

    def bind(ident: Identity) -> None:
        old = presence.bind(request.sid, ident)  # type: ignore[attr-defined]
        if old:
            for room in rooms_for(old):
                leave_room(room)
        for room in rooms_for(ident):
            join_room(room)

    def snapshot(ident: Identity) -> dict:
        live = tables.get(ident.table_id)
        game = seat_view(live, ident.seat) if ident.kind == "seat" and ident.seat is not None \
            else view(live.state, None)
        return {"table": table_info(live, ident), "game": game}

    @handler("hello", {"table": (str, True), "token": (str, False), "key": (str, False)})
    def hello(data: dict) -> dict:
        ident = tables.identify(data["table"], token=data.get("token"), key=data.get("key"))
        bind(ident)
        live = tables.get(ident.table_id)
        tables.publish(live, [{"type": "presence"}])
        return {"you": {"kind": ident.kind, "seat": ident.seat}, **snapshot(ident)}

    @handler("join", {"code": (str, True), "name": (str, True)})
    def join(data: dict) -> dict:
        key = client_key()
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
        bind(ident)
        return {"table_id": live.record.id, "seat": seat, "token": token, **snapshot(ident)}

    @handler("act", {"action": (dict, True)})
    def act(data: dict) -> dict:
        events = tables.act(me(), data["action"])
        return {"events": events}

    @handler("facilitate", {"command": (str, True), "args": (dict, False)})
    def facilitate(data: dict) -> dict:
        events = tables.facilitate(me(), data["command"], data.get("args") or {})
        return {"events": events}

    @handler("leave", {})
    def leave(data: dict) -> dict:
        ident = me()
        tables.leave(ident)
        bind(Identity("viewer", ident.table_id))
        return {}

    @handler("undo", {})
    def undo(data: dict) -> dict:
        return {"events": tables.undo(me())}

    @socketio.on("disconnect")
    def disconnect(*_args: object) -> None:
        ident = presence.drop(request.sid)  # type: ignore[attr-defined]
        if ident and ident.seat is not None:
            with contextlib.suppress(BadRequest):
                tables.publish(tables.current(ident.table_id), [{"type": "presence"}])

    @socketio.on("*")
    def unknown(event: str, *_args: object) -> dict:
        name = event if isinstance(event, str) else "?"
        return {"ok": False, "error": {"code": "unknown_event", "message":
                f"unknown event {name[:40]!r}; events are: hello, join, act, facilitate, "
                "leave, undo"}}
