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
from urllib.parse import parse_qs

from flask_socketio import SocketIO

from game.engine.view import view
from game.server.drain import Drain
from game.server.identity import Identity
from game.server.limits import BadRequest, RateLimiter, check_payload
from game.server.live import Live
from game.server.presence import Presence
from game.server.tables import Tables
from game.server.transport import PacketGuard
from game.store.records import SeatRecord, StoreError

log = logging.getLogger(__name__)

SEAT_LOST = {
    "seat_removed": "The facilitator has freed your seat. To play again, join with the "
                    "table's code.",
    "left": "You left this seat (perhaps in another tab or on another device). To play "
            "again, join with the table's code.",
}


def seat_room(table_id: str, seat: int, holder: str | None) -> str:
    """A seat's views go to its holder, not to the seat: when someone else takes the seat, a
    connection left over from the last holder is in a room nobody sends to."""
    return f"t:{table_id}:seat:{seat}:{(holder or '')[:16]}"


def rooms_for(ident: Identity) -> list[str]:
    base = f"t:{ident.table_id}"
    if ident.kind == "seat" and ident.seat is not None:
        return [base, seat_room(ident.table_id, ident.seat, ident.holder)]
    if ident.kind == "facilitator":
        return [base, f"{base}:facilitator"]
    if ident.kind == "screen":
        return [base, f"{base}:screen"]
    return [base, f"{base}:viewers"]


def register(socketio: SocketIO, tables: Tables, presence: Presence,
             table_info: Callable[[Live, Identity | None], dict],
             seat_view: Callable[[Live, int], dict], *,
             join_limit: int, events_per_second: int, connections_per_address: int = 0,
             viewers_per_table: int = 0, limit_storage: str | None = None,
             limit_prefix: str = "game",
             drain: Drain | None = None,
             cannot_save: str = "the server cannot save right now; try again",
             wrong_codes_here: RateLimiter | None = None, routed: bool = False) -> None:
    server = socketio.server
    # Two limits: before decoding, a packet budget per connection that drops floods and
    # closes connections sending garbage (transport.PacketGuard); after it, a gentler one
    # per event, answered with "too_fast" so an honest but hasty client knows to slow down.
    guard = PacketGuard(server, events_per_second * 5)
    flood = RateLimiter(events_per_second, 1.0, name="events")
    # Wrong join codes: a few per connection, so one person's typos lock out nobody else at
    # a venue that shares one address, and a larger, slower budget per address (shared by
    # every process when there is a Redis) so that reconnecting does not buy more guesses.
    wrong_codes = RateLimiter(join_limit, 60.0, name="wrong-code-conn")
    wrong_codes_here = wrong_codes_here or RateLimiter(
        join_limit * 10, 600.0, limit_storage, name=f"{limit_prefix}:wrong-code-addr")
    connections: dict[str, int] = {}
    removed: set[tuple[str, str]] = set()  # (sid, table): this connection's seat was freed
    drain = drain or Drain()  # events in flight, for stopping without dropping any

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
                    with drain.event(changes=event != "hello"):
                        result = fn(sid, data) or {}
                    return {"ok": True, **result}
                except BadRequest as exc:
                    return {"ok": False, "error": {"code": exc.code, "message": exc.message}}
                except StoreError as exc:  # the database refused: nothing was applied
                    log.error("socket event %s: database error: %s", event, exc)
                    return {"ok": False, "error": {"code": "cannot_save",
                                                   "message": cannot_save}}
                except Exception:
                    log.exception("socket event %s failed", event)
                    return {"ok": False, "error": {"code": "server_error", "message":
                            "something went wrong on the server; your last action was not "
                            "applied, try again"}}

            server.on(event, inner)
            return inner

        return wrap

    def routed_to(sid: str, table_id: str) -> None:
        """Routed by table, a connection speaks only for the table it was routed by (the
        `table` in its URL): anywhere else, this process would play a table that another
        process is playing too."""
        if not routed:
            return
        query = parse_qs((server.get_environ(sid) or {}).get("QUERY_STRING", ""))
        if query.get("table", [None])[0] != table_id:
            raise BadRequest("wrong_table", "this connection was opened for another table: "
                             "reload the page (connect with ?table=<the table's id>)")

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
            else view(live.state, None, acts=live.acts)
        return {"table": table_info(live, ident), "game": game}

    def seat_lost(live: Live, seat: SeatRecord, why: str) -> None:
        """Cut off every connection still speaking for a seat's last holder: tell them why,
        and make them viewers of the table. On other processes (a message queue), their
        connections leave the holder's room, so no view of the seat reaches them; their
        actions are refused because the holder no longer holds the seat."""
        table_id = live.record.id
        room = seat_room(table_id, seat.seat, seat.token_hash)
        server.emit("seat_lost", {"code": why, "seat": seat.seat, "message": SEAT_LOST[why]},
                    to=room)
        for sid, ident in list(presence.by_sid.items()):
            if ident.table_id == table_id and ident.holder == seat.token_hash \
                    and ident.kind == "seat":
                bind(sid, Identity("viewer", table_id))
                if why == "seat_removed":
                    removed.add((sid, table_id))
        server.close_room(room)

    tables.seat_lost = seat_lost

    @handler("hello", {"table": (str, True), "token": (str, False), "key": (str, False),
                       "screen": (str, False)})
    def hello(sid: str, data: dict) -> dict:
        routed_to(sid, data["table"])
        ident = tables.identify(data["table"], token=data.get("token"), key=data.get("key"),
                                screen=data.get("screen"))
        if ident.kind == "viewer" and viewers_per_table:
            watching = server.manager.rooms.get("/", {}).get(f"t:{ident.table_id}:viewers", {})
            if sid not in watching and len(watching) >= viewers_per_table:
                raise BadRequest("too_many_viewers", f"this table already has "
                                 f"{viewers_per_table} people watching: ask the facilitator "
                                 "for the table screen's link")
        before = presence.by_sid.get(sid)
        bind(sid, ident)
        live = tables.get(ident.table_id)
        if ident.kind == "seat" or (before is not None and before.kind == "seat"):
            # Only a seat's coming and going changes what others see ("here" / "away"); a
            # spectator saying hello must not cost every connection at the table a message.
            tables.publish(live, [{"type": "presence"}])
        return {"you": {"kind": ident.kind, "seat": ident.seat}, **snapshot(ident)}

    @handler("join", {"code": (str, True), "name": (str, True)})
    def join(sid: str, data: dict) -> dict:
        current = presence.by_sid.get(sid)
        if current is not None and current.kind == "seat":
            raise BadRequest("already_seated", f"this page already holds seat "
                             f"{(current.seat or 0) + 1} at a table: one seat per device. "
                             "Leave that seat first, or open the join page in a new tab")
        address = client_key(sid)
        wait = max(wrong_codes.blocked_for(sid), wrong_codes_here.blocked_for(address))
        if wait:
            raise BadRequest("too_many_attempts", f"too many wrong codes from here: wait "
                             f"{int(wait) + 1} seconds, then type the code exactly as the table "
                             "screen shows it, or scan its QR code")
        try:
            record = tables.find_code(data["code"])
        except BadRequest:
            wrong_codes.hit(sid)
            wrong_codes_here.hit(address)
            raise
        routed_to(sid, record.id)
        if (sid, record.id) in removed:
            raise BadRequest("seat_removed", "the facilitator freed your seat at this table; "
                             "ask them before joining again")
        live, seat, token = tables.join(data["code"], data["name"])
        ident = tables.identify(live.record.id, token=token)
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
        tables.leave(ident)  # every connection of this holder is now a viewer (seat_lost)
        bind(sid, Identity("viewer", ident.table_id))
        return {}

    @handler("undo", {})
    def undo(sid: str, data: dict) -> dict:
        return {"events": tables.undo(me(sid))}

    def reserved(event: str) -> dict:
        return {"ok": False, "error": {"code": "reserved_event", "message":
                f"'{event}' is the connection's own event and cannot be sent"}}

    @server.on("connect")
    def connect(sid: str, environ: dict, *_auth: object) -> bool | dict:
        if server.manager.is_connected(sid, "/"):  # sent by a connected client, not the server
            return reserved("connect")
        address = environ.get("REMOTE_ADDR") or "?"
        count = connections.get(address, 0)
        if connections_per_address and count >= connections_per_address:
            log.warning("refused a connection from %s: %d already open", address, count)
            return False
        connections[address] = count + 1
        return True

    @server.on("disconnect")
    def disconnect(sid: str, *_reason: object) -> dict | None:
        if server.manager.is_connected(sid, "/"):  # sent by a connected client, not the server
            return reserved("disconnect")
        address = client_key(sid)
        left = connections.get(address, 0) - 1
        if left > 0:
            connections[address] = left
        else:
            connections.pop(address, None)
        guard.forget(sid)
        flood.clear(sid)
        wrong_codes.clear(sid)
        for key in [k for k in removed if k[0] == sid]:
            removed.discard(key)
        ident = presence.drop(sid)
        if ident and ident.seat is not None:
            with contextlib.suppress(BadRequest):
                tables.publish(tables.current(ident.table_id), [{"type": "presence"}])
        return None

    @server.on("*")
    def unknown(event: str, _sid: str, *_args: object) -> dict:
        name = event if isinstance(event, str) else "?"
        return {"ok": False, "error": {"code": "unknown_event", "message":
                f"unknown event {name[:40]!r}; events are: hello, join, act, facilitate, "
                "leave, undo"}}
