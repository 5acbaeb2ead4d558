"""A table held in a process: its records, its folded game state, its timer and lock."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace

from game.engine import attribution
from game.engine.state import GameState
from game.store.records import SeatRecord, TableRecord


@dataclass
class Live:
    """A table held in this process: its records and its folded game state."""

    record: TableRecord
    seats: list[SeatRecord]
    state: GameState
    seq: int
    lock: threading.RLock = field(default_factory=threading.RLock)
    timer: dict | None = None  # {"round", "phase", "ends_at" | "remaining"}
    bot_lines: list[dict] = field(default_factory=list)  # what bots said, newest last
    loaded_at: float = field(default_factory=time.monotonic)
    # Who held each seat as it acted; replaced, never changed in place, like the state.
    acts: attribution.Acts = field(default_factory=dict)
    # What follows an action (bots' turns, a new timer) could not be saved: the clock
    # tries again, since nothing else might touch this table.
    unsettled: bool = False
    tick_failing: bool = False  # the clock's last attempt at this table could not save

    def snapshot(self) -> Live:
        """This table as it is now, for building views from one state while the table moves
        on: the game state is never changed in place once a Live holds it (changes go to a
        copy that then replaces it), so a shallow copy is enough."""
        with self.lock:
            return replace(self, bot_lines=list(self.bot_lines))


@dataclass
class Reply:
    """An acknowledgement that carries the actor's own view (the client asked for it): the
    view of `seat` after the action goes here instead of to connection `sid` as a message of
    its own, one message less per action. The holder's other connections (another tab)
    still get it as a message."""

    seat: int
    sid: str
    view: dict | None = None  # set when published
