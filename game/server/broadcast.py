"""Sending views: after every change, each kind of listener at a table gets the view it may
see (viewers, the table screen, the facilitator, each seat's holder), and after a message
queue outage, every table this process serves gets its current view again."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask_socketio import SocketIO

from game.decks.library import deck_ref
from game.engine import attribution
from game.engine.view import proposals_hidden, view
from game.server import fastjson, solo, timers
from game.server.identity import Identity, screen_secret
from game.server.joincode import display
from game.server.limits import BadRequest
from game.server.live import Live, Reply
from game.server.presence import Presence
from game.server.sockets import seat_room
from game.server.tables import Tables
from game.store.records import StoreError

log = logging.getLogger(__name__)
SEAT_EVENTS = ("presence", "joined", "left")


class Broadcast:
    """`shared`: a message queue carries views to other processes, whose listeners this
    process cannot see, so every view is sent. `tables` is set once the tables exist (they
    publish through this object)."""

    def __init__(self, socketio: SocketIO, presence: Presence, *, shared: bool) -> None:
        self.socketio = socketio
        self.presence = presence
        self.shared = shared
        self.tables: Tables | None = None
        self.rooms = socketio.server.manager.rooms
        self.behind: set[str] = set()  # tables whose latest views some connections missed
        # Told after every publish (a workshop's dashboard hears of its tables' changes).
        self.published: Callable[[Live, list[dict], frozenset[int]], None] = \
            lambda live, events, online: None

    def held(self, table_id: str) -> bool:
        return bool(self.rooms.get("/", {}).get(f"t:{table_id}"))

    def listening(self, room: str) -> bool:
        # With a message queue, listeners may be on other processes: always send. A lone
        # process knows its rooms, and skips building views nobody would receive.
        return self.shared or bool(self.rooms.get("/", {}).get(room))

    def table_info(self, live: Live, ident: Identity | None,
                   online: frozenset[int] | None = None) -> dict:
        assert self.tables is not None
        rec = live.record
        if online is None:
            online = self.presence.online(rec.id, range(rec.seats))
        seats = [{"seat": s.seat, "name": s.name, "kind": s.kind,
                  "connected": s.kind == "bot" or s.seat in online}
                 for s in live.seats]
        info = {"id": rec.id, "deck": deck_ref(rec.deck, rec.deck_revision),
                "scenario": rec.scenario, "mode": rec.mode,
                "status": rec.status, "seats": seats,
                "timer": timers.for_screen(live.timer, self.tables.clock()),
                "bots_say": bots_said(live), "options": rec.options}
        kind = ident.kind if ident else "viewer"
        # The join code lets anyone take an empty seat: it is for the facilitator and the
        # table's own screen, and for everyone while the table is still filling up.
        if kind in ("facilitator", "screen") or rec.status == "lobby":
            info["code"] = display(rec.code)
            info["join_path"] = f"/join/{rec.code}"
        if kind == "facilitator":
            info["screen_key"] = screen_secret(rec)
            info["screen_path"] = f"/screen/{rec.id}#screen={info['screen_key']}"
        return info

    def seat_view(self, live: Live, seat: int, public: dict | None = None) -> dict:
        row = live.seats[seat]
        game = view(live.state, seat, public, acts=live.acts,
                    holder=attribution.stamp(row.kind, row.name, seat, row.token_hash))
        if live.record.mode == "solo":
            game["coach"] = solo.coach(live.state, seat, [s.name or "" for s in live.seats])
            if live.state.phase == "ended" and seat == solo.LEARNER:
                assert self.tables is not None
                reflection = solo.reflection_view(self.tables, live)
                if reflection["questions"]:  # a deck too small to ask anything has none
                    game["reflection"] = reflection
        return game

    def publish(self, live: Live, events: list[dict], reply: Reply | None = None) -> None:
        # Every part of every message from one state: building them takes Redis round trips,
        # during which (under gevent) another action may change the table.
        live = live.snapshot()
        table_id = live.record.id
        base = f"t:{table_id}"
        # Who is connected, joining or leaving changes the seats, not the game: send only
        # the table part then, so a reconnecting phone does not cost everyone a full view.
        seats_only = bool(events) and all(e["type"] in SEAT_EVENTS for e in events)
        # The public game view, each part encoded once for every message that holds it.
        game = None if seats_only else fastjson.encoded(view(live.state, None, acts=live.acts))
        online = self.presence.online(table_id, range(live.record.seats))
        public = {"table": self.table_info(live, None, online), "events": events}
        if game is not None:
            public["game"] = game
        emit = self.socketio.emit
        if self.listening(f"{base}:viewers"):
            emit("view", public, to=f"{base}:viewers")
        for kind in ("screen", "facilitator"):
            if self.listening(f"{base}:{kind}"):
                table = self.table_info(live, Identity(kind, table_id), online)
                emit("view", {**public, "table": table}, to=f"{base}:{kind}")
        seat_table = self.table_info(live, Identity("seat", table_id, 0), online)
        for seat in range(live.record.seats):
            room = seat_room(table_id, seat, live.seats[seat].token_hash)
            if live.seats[seat].kind != "human" or not self.listening(room):
                continue  # a bot plays in this process, an absent player gets a view on return
            message = {"table": seat_table, "events": events}
            if game is not None:
                message["game"] = self.seat_view(live, seat, game)
            members = self.rooms.get("/", {}).get(room) or {}
            if reply is not None and seat == reply.seat and reply.sid in members:
                reply.view = message  # the actor's goes in the acknowledgement
                if self.shared or len(members) > 1:  # and the holder's other tabs'
                    emit("view", message, to=room, skip_sid=reply.sid)
                continue
            emit("view", message, to=room)
        self.published(live, events, online)

    # ---- catching up after a message-queue outage ------------------------------------------

    def views_lost(self, room: str) -> None:
        """A view could not go through Redis: the other processes' players missed it."""
        if room.startswith("t:"):
            self.behind.add(room.split(":")[1])

    def listening_again(self) -> None:
        """This process missed whatever was published while it could not listen: send its
        connections the current view of every table they are at."""
        self.behind.update(room.split(":")[1] for room in list(self.rooms.get("/", {}))
                           if isinstance(room, str) and room.startswith("t:"))

    def catch_up(self) -> None:
        assert self.tables is not None
        for table_id in list(self.behind):
            self.behind.discard(table_id)
            try:
                self.publish(self.tables.current(table_id), [])
            except (BadRequest, StoreError) as exc:
                log.warning("cannot send table %s its current view (%s)", table_id, exc)


def bots_said(live: Live) -> list[dict]:
    """What bots said, less what would give away a proposal still hidden this round."""
    state = live.state
    hidden = proposals_hidden(state)
    out = []
    for line in live.bot_lines[-12:]:
        if hidden and line["round"] == state.rounds[-1].number \
                and line["type"] in ("propose", "pass"):
            line = {**line, "says": "I have made my choice for this round."}
        out.append(line)
    return out
