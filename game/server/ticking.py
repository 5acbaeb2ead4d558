"""The tables' clock: every tick, each cached table whose phase timer has run out moves on,
and what could not be saved after an action (bots' turns) is finished. `Tables.tick` calls
this; it lives apart so that tables.py stays about acting on one table."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from game.server import timers
from game.server.limits import BadRequest
from game.server.live import Live
from game.store.records import StoreError

log = logging.getLogger(__name__)


class Tables(Protocol):
    """What ticking needs of the tables (game/server/tables.py), which call it."""

    clock: Callable[[], float]
    cache: OrderedDict[str, Live]
    cache_lock: threading.Lock
    held: Callable[[str], bool] | None
    publish: Callable[..., None]

    def _refresh(self, live: Live) -> None: ...
    def after_change(self, live: Live) -> list[dict]: ...
    def advance(self, live: Live, stamp: dict | None = None, *,
                by: str = "facilitator") -> list[dict]: ...


def tick(tables: Tables) -> int:
    """Advance every cached table whose phase timer has run out, and finish what could
    not be saved after an action (bots' turns). Returns how many timers fired. A table
    the database fails for is tried again at the next tick; the others go on."""
    now = tables.clock()
    fired = 0
    with tables.cache_lock:
        cached = list(tables.cache.values())
    for live in cached:
        if tables.held is not None and not tables.held(live.record.id):
            continue  # routed: the process holding the table keeps its time
        try:
            fired += _tick_one(tables, live, now)
        except StoreError as exc:
            if not live.tick_failing:
                log.warning("table %s: cannot save its timer's move (%s); trying again "
                            "at every tick", live.record.id, exc)
            live.tick_failing = True
        else:
            live.tick_failing = False
    return fired


def _tick_one(tables: Tables, live: Live, now: float) -> int:
    if live.unsettled:
        with live.lock:
            tables._refresh(live)
            events = tables.after_change(live)
        if not live.unsettled:
            tables.publish(live, events)
    if not timers.due(live.timer, now) or live.record.status != "playing":
        return 0
    with live.lock:
        tables._refresh(live)
        t = live.timer
        if t is None or not timers.due(t, now) or live.record.status != "playing":
            return 0
        try:
            events = tables.advance(live, {"round": t["round"], "phase": t["phase"]},
                                    by="timer")
        except BadRequest:  # another process advanced it first
            live.timer = None
            return 0
        events.insert(0, {"type": "timeout", "phase": t["phase"]})
    tables.publish(live, events)
    return 1
