"""What one app's routes share: its store, decks, tables, Socket.IO server and limits. Built
once by `create_app`; pages and API routes reach it through `services()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, request
from flask_socketio import SocketIO

from game.decks.library import DeckLibrary
from game.server.broadcast import Broadcast
from game.server.config import Config
from game.server.drain import Drain
from game.server.limits import RateLimiter
from game.server.presence import Presence
from game.server.tables import Tables
from game.server.workshops import Room
from game.store.database import Store


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

    def may_open(self) -> bool:
        return (not self.config.tables_per_minute
                or self.create_limit.hit(request.remote_addr or "?"))


def services() -> Services:
    found: Services = current_app.extensions["game"]
    return found
