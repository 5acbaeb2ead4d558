"""What one app's routes share: its store, decks, tables, Socket.IO server and limits. Built
once by `create_app`; pages and API routes reach it through `services()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from flask import current_app, request
from flask_socketio import SocketIO

from game.decks.library import DeckLibrary
from game.server.broadcast import Broadcast
from game.server.config import Config
from game.server.drain import Drain
from game.server.limits import BadRequest, RateLimiter
from game.server.presence import Presence
from game.server.tables import Tables
from game.server.workshops import Room
from game.store.database import Store

T = TypeVar("T")


@dataclass
class Services:
    config: Config
    store: Store
    library: DeckLibrary
    tables: Tables
    socketio: SocketIO
    presence: Presence
    drain: Drain
    broadcast: Broadcast
    wrong_codes: RateLimiter  # wrong join codes per address, for "join" and GET /api/codes
    create_limit: RateLimiter  # tables and solo games opened per address
    start_clock: Callable[[], None]  # phase timers and presence beats; the entry point calls it
    health: tuple[float, dict] | None = None  # when /healthz last wrote, and what it found
    printed: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (deck, paper): PDF
    room: Room | None = None  # workshops (game.server.workshops)

    def base_url(self) -> str:
        """How phones reach this server, for join links and QR codes."""
        if self.config.public_url:
            return self.config.public_url
        try:
            return request.host_url.rstrip("/")
        except RuntimeError:
            return f"http://{self.config.host}:{self.config.port}"

    def by_code(self, find: Callable[[str], T], code: str, shown_on: str) -> T:
        """What a join code opens (`find`), with wrong codes counted against the address, as
        the socket's "join" counts them: a guesser gets no more tries over HTTP.
        `shown_on` names where people read the code ("table screen", "room screen")."""
        address = request.remote_addr or "?"
        wait = self.wrong_codes.blocked_for(address)
        if wait:
            raise BadRequest("too_many_attempts", f"too many wrong codes from here: wait "
                             f"{int(wait) + 1} seconds, then type the code exactly as the "
                             f"{shown_on} shows it, or scan its QR code")
        try:
            return find(code[:20])
        except BadRequest:
            self.wrong_codes.hit(address)
            raise

    def may_open(self) -> bool:
        return (not self.config.tables_per_minute
                or self.create_limit.hit(request.remote_addr or "?"))


def services() -> Services:
    found: Services = current_app.extensions["game"]
    return found
