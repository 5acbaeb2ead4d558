"""Stopping without dropping anyone's move: on SIGTERM (or Ctrl+C) the server stops taking
new connections, answers every event it has started on, and only then exits. An action is
either applied and acknowledged, or refused with a reason; never left without an answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from game.server.limits import BadRequest

# How long in-flight events get to finish. An action takes milliseconds; only a database
# that has stopped answering makes one take this long.
DRAIN_TIMEOUT_S = 15.0


class Drain:
    """Counts the events being handled, and refuses new ones once closing."""

    def __init__(self) -> None:
        self.closing = False
        self.last_event = 0.0  # when an event last came in, answered or refused
        self._busy = 0
        self._lock = threading.Lock()

    @contextmanager
    def event(self, *, changes: bool = True) -> Iterator[None]:
        """Count an event in and out. Once closing, an event that changes something is
        refused; one that only reads (hello) still gets its answer."""
        with self._lock:
            self.last_event = time.monotonic()
            if self.closing and changes:
                raise BadRequest("restarting", "the server is restarting: nothing was lost; "
                                 "try again in a moment")
            self._busy += 1
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1

    @property
    def busy(self) -> int:
        return self._busy

    def close(self, sleep: Callable[[float], None], timeout: float = DRAIN_TIMEOUT_S) -> bool:
        """Refuse new events, then wait for those in flight. True if all finished."""
        self.closing = True
        deadline = time.monotonic() + timeout
        while self._busy and time.monotonic() < deadline:
            sleep(0.01)
        return not self._busy
