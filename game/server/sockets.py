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
from game.server import solo
from game.server.drain import Drain
from game.server.identity import Identity
from game.server.limits import BadRequest, RateLimiter, check_payload
from game.server.live import Live, Reply
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
    "moved": "The facilitator moved you to another table: open the workshop's join page "
             "again (the same code and name) to take your new seat.",
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


# Each event a client may send, and the payload it takes (game.server.limits.check_payload).
EVENTS: dict[str, dict] = {
    "hello": {"table": (str, True), "token": (str, False), "key": (str, False),
              "screen": (str, False)},
    "join": {"code": (str, True), "name": (str, True)},
    "act": {"action": (dict, True), "view": (bool, False)},
    "facilitate": {"command": (str, True), "args": (dict, False)},
    "leave": {},
    "undo": {},
    "reflect": {"question": (int, True), "choice": (int, True)},
}
SERVER_ERROR = ("something went wrong on the server; your last action was not applied, "
                "try again")


def register(socketio: SocketIO, tables: Tables, presence: Presence,
             table_info: Callable[[Live, Identity | None], dict],
             seat_view: Callable[[Live, int], dict], *,
             join_limit: int, events_per_second: int, connections_per_address: int = 0,
             viewers_per_table: int = 0, limit_storage: str | None = None,
             limit_prefix: str = "game",
             drain: Drain | None = None,
             cannot_save: str = "the server cannot save right now; try again",
             wrong_codes_here: RateLimiter | None = None, routed: bool = False) -> Events:
    events = Events(socketio, tables, presence, table_info, seat_view,
                    join_limit=join_limit, events_per_second=events_per_second,
                    connections_per_address=connections_per_address,
                    viewers_per_table=viewers_per_table, limit_storage=limit_storage,
                    limit_prefix=limit_prefix, drain=drain, cannot_save=cannot_save,
                    wrong_codes_here=wrong_codes_here, routed=routed)
    events.register()
    return events


class Events:
    """The Socket.IO events of one server: who each connection is, and what it may ask."""

    def __init__(self, socketio: SocketIO, tables: Tables, presence: Presence,
                 table_info: Callable[[Live, Identity | None], dict],
                 seat_view: Callable[[Live, int], dict], *,
                 join_limit: int, events_per_second: int, connections_per_address: int,
                 viewers_per_table: int, limit_storage: str | None, limit_prefix: str,
                 drain: Drain | None, cannot_save: str,
                 wrong_codes_here: RateLimiter | None, routed: bool) -> None:
        self.server = socketio.server
        self.tables = tables
        self.presence = presence
        self.table_info = table_info
        self.seat_view = seat_view
        self.connections_per_address = connections_per_address
        self.viewers_per_table = viewers_per_table
        self.cannot_save = cannot_save
        self.routed = routed
        # Two limits: before decoding, a packet budget per connection that drops floods and
        # closes connections sending garbage (transport.PacketGuard); after it, a gentler
        # one per event, answered with "too_fast" so an honest but hasty client knows to
        # slow down.
        self.guard = PacketGuard(self.server, events_per_second * 5)
        self.flood = RateLimiter(events_per_second, 1.0, name="events")
        # Wrong join codes: a few per connection, so one person's typos lock out nobody else
        # at a venue that shares one address, and a larger, slower budget per address
        # (shared by every process when there is a Redis) so that reconnecting does not buy
        # more guesses.
        self.wrong_codes = RateLimiter(join_limit, 60.0, name="wrong-code-conn")
        self.wrong_codes_here = wrong_codes_here or RateLimiter(
            join_limit * 10, 600.0, limit_storage, name=f"{limit_prefix}:wrong-code-addr")
        self.connections: dict[str, int] = {}
        self.removed: set[tuple[str, str]] = set()  # (sid, table): this seat was freed
        self.drain = drain or Drain()  # events in flight, for stopping without dropping any

    def register(self) -> None:
        server = self.server
        for event, spec in EVENTS.items():
            server.on(event, self._handler(event, spec, getattr(self, event)))
        server.on("connect", self.connect)
        server.on("disconnect", self.disconnect)
        server.on("*", self.unknown)
        self.tables.seat_lost = self.seat_lost

    def _handler(self, event: str, spec: dict,
                 fn: Callable[[str, dict], dict | None]) -> Callable[..., dict]:
        """Check the rate and the payload, run `fn`, and answer with an acknowledgement."""

        @functools.wraps(fn)
        def inner(sid: str, payload: object = None, *extra: object) -> dict:
            try:
                if not self.flood.hit(sid):
                    raise BadRequest("too_fast", "too many messages at once: slow down")
                if extra:  # emit("act", a, b): one object only, or Python raises
                    raise BadRequest("bad_payload", f"{event}: send one object, not "
                                     f"{1 + len(extra)} arguments")
                data = check_payload(payload, spec, event)
                with self.drain.event(changes=event != "hello"):
                    result = fn(sid, data) or {}
                return {"ok": True, **result}
            except BadRequest as exc:  # with what more it tells programs, if anything
                return {"ok": False, "error": exc.as_dict()}
            except StoreError as exc:  # the database refused: nothing was applied
                log.error("socket event %s: database error: %s", event, exc)
                return {"ok": False, "error": {"code": "cannot_save",
                                               "message": self.cannot_save}}
            except Exception:
                log.exception("socket event %s failed", event)
                return {"ok": False, "error": {"code": "server_error",
                                               "message": SERVER_ERROR}}

        return inner

    # ---- who is on the other end -----------------------------------------------------------

    def client_key(self, sid: str) -> str:
        # Not X-Forwarded-For as sent: anyone can write that header, and a new value per
        # connection would reset the count. Behind a proxy, TRUSTED_PROXIES (see app.py)
        # makes REMOTE_ADDR the address the proxy saw.
        return (self.server.get_environ(sid) or {}).get("REMOTE_ADDR") or "?"

    def routed_to(self, sid: str, table_id: str) -> None:
        """Routed by table, a connection speaks only for the table it was routed by (the
        `table` in its URL): anywhere else, this process would play a table that another
        process is playing too."""
        if not self.routed:
            return
        query = parse_qs((self.server.get_environ(sid) or {}).get("QUERY_STRING", ""))
        if query.get("table", [None])[0] != table_id:
            raise BadRequest("wrong_table", "this connection was opened for another table: "
                             "reload the page (connect with ?table=<the table's id>)")

    def me(self, sid: str) -> Identity:
        ident = self.presence.by_sid.get(sid)
        if ident is None:
            raise BadRequest("not_joined", "say hello first: open the table's page again")
        return ident

    def bind(self, sid: str, ident: Identity) -> None:
        old = self.presence.bind(sid, ident)
        if old:
            for room in rooms_for(old):
                self.server.leave_room(sid, room)
        for room in rooms_for(ident):
            self.server.enter_room(sid, room)

    def snapshot(self, ident: Identity) -> dict:
        live = self.tables.get(ident.table_id)
        game = self.seat_view(live, ident.seat) \
            if ident.kind == "seat" and ident.seat is not None \
            else view(live.state, None, acts=live.acts)
        return {"table": self.table_info(live, ident), "game": game}

    def seat_lost(self, live: Live, seat: SeatRecord, why: str) -> None:
        """Cut off every connection still speaking for a seat's last holder: tell them why,
        and make them viewers of the table. On other processes (a message queue), their
        connections leave the holder's room, so no view of the seat reaches them; their
        actions are refused because the holder no longer holds the seat."""
        table_id = live.record.id
        room = seat_room(table_id, seat.seat, seat.token_hash)
        self.server.emit("seat_lost", {"code": why, "seat": seat.seat,
                                       "message": SEAT_LOST[why]}, to=room)
        for sid, ident in list(self.presence.by_sid.items()):
            if ident.table_id == table_id and ident.holder == seat.token_hash \
                    and ident.kind == "seat":
                self.bind(sid, Identity("viewer", table_id))
                if why == "seat_removed":
                    self.removed.add((sid, table_id))
        self.server.close_room(room)

    # ---- the events ------------------------------------------------------------------------

    def hello(self, sid: str, data: dict) -> dict:
        self.routed_to(sid, data["table"])
        ident = self.tables.identify(data["table"], token=data.get("token"),
                                     key=data.get("key"), screen=data.get("screen"))
        if ident.kind == "viewer" and self.viewers_per_table:
            watching = self.server.manager.rooms.get("/", {}).get(
                f"t:{ident.table_id}:viewers", {})
            if sid not in watching and len(watching) >= self.viewers_per_table:
                raise BadRequest("too_many_viewers", f"this table already has "
                                 f"{self.viewers_per_table} people watching: ask the "
                                 "facilitator for the table screen's link")
        before = self.presence.by_sid.get(sid)
        self.bind(sid, ident)
        live = self.tables.get(ident.table_id)
        if ident.kind == "seat" or (before is not None and before.kind == "seat"):
            # Only a seat's coming and going changes what others see ("here" / "away"); a
            # spectator saying hello must not cost every connection at the table a message.
            self.tables.publish(live, [{"type": "presence"}])
        return {"you": {"kind": ident.kind, "seat": ident.seat}, **self.snapshot(ident)}

    def join(self, sid: str, data: dict) -> dict:
        current = self.presence.by_sid.get(sid)
        if current is not None and current.kind == "seat":
            raise BadRequest("already_seated", f"this page already holds seat "
                             f"{(current.seat or 0) + 1} at a table: one seat per device. "
                             "Leave that seat first, or open the join page in a new tab")
        address = self.client_key(sid)
        wait = max(self.wrong_codes.blocked_for(sid), self.wrong_codes_here.blocked_for(address))
        if wait:
            raise BadRequest("too_many_attempts", f"too many wrong codes from here: wait "
                             f"{int(wait) + 1} seconds, then type the code exactly as the table "
                             "screen shows it, or scan its QR code")
        try:
            record = self.tables.find_code(data["code"])
        except BadRequest:
            self.wrong_codes.hit(sid)
            self.wrong_codes_here.hit(address)
            raise
        self.routed_to(sid, record.id)
        if (sid, record.id) in self.removed:
            raise BadRequest("seat_removed", "the facilitator freed your seat at this table; "
                             "ask them before joining again")
        live, seat, token = self.tables.join(data["code"], data["name"])
        ident = self.tables.identify(live.record.id, token=token)
        self.bind(sid, ident)
        # The "joined" view went out before this connection was bound to the seat: say now
        # that the new player is here, or the screen shows them away until the next move.
        self.tables.publish(live, [{"type": "presence"}])
        return {"table_id": live.record.id, "seat": seat, "token": token,
                **self.snapshot(ident)}

    def act(self, sid: str, data: dict) -> dict:
        ident = self.me(sid)
        # "view": true asks for this seat's new view in the acknowledgement, not after it.
        reply = Reply(ident.seat, sid) if data.get("view") and ident.seat is not None else None
        events = self.tables.act(ident, data["action"], reply)
        if reply is None or reply.view is None:
            return {"events": events}
        return {"events": events, "view": reply.view}

    def facilitate(self, sid: str, data: dict) -> dict:
        return {"events": self.tables.facilitate(self.me(sid), data["command"],
                                                 data.get("args") or {})}

    def leave(self, sid: str, data: dict) -> dict:
        ident = self.me(sid)
        self.tables.leave(ident)  # every connection of this holder is now a viewer (seat_lost)
        self.bind(sid, Identity("viewer", ident.table_id))
        return {}

    def undo(self, sid: str, data: dict) -> dict:
        return {"events": self.tables.undo(self.me(sid))}

    def reflect(self, sid: str, data: dict) -> dict:
        return solo.answer(self.tables, self.me(sid), data["question"], data["choice"])

    # ---- the connection's own events -------------------------------------------------------

    @staticmethod
    def reserved(event: str) -> dict:
        return {"ok": False, "error": {"code": "reserved_event", "message":
                f"'{event}' is the connection's own event and cannot be sent"}}

    def connect(self, sid: str, environ: dict, *_auth: object) -> bool | dict:
        if self.server.manager.is_connected(sid, "/"):  # sent by a client, not the server
            return self.reserved("connect")
        address = environ.get("REMOTE_ADDR") or "?"
        count = self.connections.get(address, 0)
        if self.connections_per_address and count >= self.connections_per_address:
            log.warning("refused a connection from %s: %d already open", address, count)
            return False
        self.connections[address] = count + 1
        return True

    def disconnect(self, sid: str, *_reason: object) -> dict | None:
        if self.server.manager.is_connected(sid, "/"):  # sent by a client, not the server
            return self.reserved("disconnect")
        address = self.client_key(sid)
        left = self.connections.get(address, 0) - 1
        if left > 0:
            self.connections[address] = left
        else:
            self.connections.pop(address, None)
        self.guard.forget(sid)
        self.flood.clear(sid)
        self.wrong_codes.clear(sid)
        for key in [k for k in self.removed if k[0] == sid]:
            self.removed.discard(key)
        ident = self.presence.drop(sid)
        if ident and ident.seat is not None:
            with contextlib.suppress(BadRequest):
                self.tables.publish(self.tables.current(ident.table_id), [{"type": "presence"}])
        return None

    @staticmethod
    def unknown(event: str, _sid: str, *_args: object) -> dict:
        name = event if isinstance(event, str) else "?"
        return {"ok": False, "error": {"code": "unknown_event", "message":
                f"unknown event {name[:40]!r}; events are: {', '.join(EVENTS)}"}}
