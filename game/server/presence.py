"""Who is connected to which table: the "connected" mark beside each seat on the table
screen and the facilitator's console.

`Presence` counts the connections of this process. With several processes (a message queue
configured), a phone may be connected to another one, so `SharedPresence` also records in
Redis which seats each process holds, and asks Redis about the seats it does not hold.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import defaultdict

from game.server.identity import Identity

log = logging.getLogger(__name__)


class Presence:
    """Who is connected to which table, in this process."""

    def __init__(self) -> None:
        self.by_sid: dict[str, Identity] = {}
        self.counts: dict[tuple[str, int], int] = defaultdict(int)
        self.lock = threading.Lock()

    def bind(self, sid: str, ident: Identity) -> Identity | None:
        """This connection now speaks for `ident`. Returns whom it spoke for before."""
        with self.lock:
            old = self.by_sid.get(sid)
            changed = self._count(old, -1)
            self.by_sid[sid] = ident
            changed += self._count(ident, +1)
        self._changed(changed)
        return old

    def drop(self, sid: str) -> Identity | None:
        """The connection has gone. Returns whom it spoke for."""
        with self.lock:
            old = self.by_sid.pop(sid, None)
            changed = self._count(old, -1)
        self._changed(changed)
        return old

    def online(self, table_id: str, seats: range) -> frozenset[int]:
        """Which of the table's seats have a connection."""
        return frozenset(s for s in seats if self.counts.get((table_id, s), 0) > 0)

    def beat(self) -> None:
        """Called every few seconds by the server's clock."""

    def _count(self, ident: Identity | None, step: int) -> list[tuple[str, int, bool]]:
        """Count a seat's connection in or out; say if the seat went from none to some
        connections here, or back (table, seat, held now)."""
        if ident is None or ident.seat is None:
            return []
        key = (ident.table_id, ident.seat)
        before = self.counts[key]
        self.counts[key] = before + step
        if before == 0 and step > 0:
            return [(*key, True)]
        if before + step == 0:
            del self.counts[key]
            return [(*key, False)]
        return []

    def _changed(self, changes: list[tuple[str, int, bool]]) -> None:
        """Seats this process started or stopped holding."""


class SharedPresence(Presence):
    """Presence across processes that share a Redis.

    Each process writes the seats it holds into a hash per table (field "seat:process") and
    keeps a key of its own alive with a short expiry, renewed by `beat`. A seat held by
    another process counts only while that process's key lives, so a crashed process's seats
    show as away within ALIVE_S. Nothing is cached: a process learns of another's change
    only by reading, and the last view after a change must be right. That is one or two
    round trips to Redis per view sent, where a shared table already reads the database.

    If Redis fails, presence falls back to this process's own connections (and says so in
    the log): a mark beside a seat is not worth refusing a move for."""

    ALIVE_S = 30
    TABLE_KEEP_S = 24 * 3600  # a table left alone for a day is forgotten

    def __init__(self, url: str, prefix: str = "gg") -> None:
        super().__init__()
        import redis

        self._errors = (redis.RedisError, OSError)
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.me = secrets.token_hex(8)
        self.prefix = prefix  # the deployment's channel: two sharing a Redis keep apart
        self._down = False
        self.beat()

    def online(self, table_id: str, seats: range) -> frozenset[int]:
        here = super().online(table_id, seats)
        if len(here) == len(seats):
            return here
        return here | self._held_elsewhere(table_id)

    def beat(self) -> None:
        """Renew this process's key, and write again every seat it holds: after Redis
        restarts empty (or evicts a table's key) the seats would otherwise show as away
        until each phone reconnected."""
        with self.lock:
            held: dict[str, list[int]] = defaultdict(list)
            for (table_id, seat), n in self.counts.items():
                if n > 0:
                    held[table_id].append(seat)
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.set(self._alive_key(self.me), 1, ex=self.ALIVE_S)
            for table_id, seats in held.items():
                key = self._table_key(table_id)
                pipe.hset(key, mapping={f"{seat}:{self.me}": 1 for seat in seats})
                pipe.expire(key, self.TABLE_KEEP_S)
            pipe.execute()
        except self._errors as exc:
            self._failed(exc)
        else:
            self._reached()

    def _failed(self, exc: Exception) -> None:
        """Say once per outage, with the cause, that presence is local only."""
        if not self._down:
            log.warning("presence: cannot reach Redis (%s: %s); showing this process's own "
                        "connections only until it is back", type(exc).__name__, exc)
        self._down = True

    def _reached(self) -> None:
        if self._down:
            log.info("presence: Redis is back")
        self._down = False

    def _changed(self, changes: list[tuple[str, int, bool]]) -> None:
        for table_id, seat, held in changes:
            key, field = self._table_key(table_id), f"{seat}:{self.me}"
            try:
                pipe = self.redis.pipeline()
                if held:
                    pipe.hset(key, field, 1)
                else:
                    pipe.hdel(key, field)
                pipe.expire(key, self.TABLE_KEEP_S)
                pipe.execute()
            except self._errors as exc:
                self._failed(exc)

    def _held_elsewhere(self, table_id: str) -> frozenset[int]:
        seats: frozenset[int] = frozenset()
        try:
            holders: dict[str, set[int]] = defaultdict(set)
            for field in self.redis.hkeys(self._table_key(table_id)):
                text = field.decode() if isinstance(field, bytes) else field
                seat, _, process = text.partition(":")
                if process != self.me:
                    holders[process].add(int(seat))
            if holders:
                names = list(holders)
                alive = self.redis.mget([self._alive_key(p) for p in names])
                seats = frozenset(s for p, up in zip(names, alive, strict=True) if up
                                  for s in holders[p])
        except (ValueError, *self._errors) as exc:
            self._failed(exc)
        return seats

    def _table_key(self, table_id: str) -> str:
        return f"{self.prefix}:presence:{table_id}"

    def _alive_key(self, process: str) -> str:
        return f"{self.prefix}:process:{process}"
