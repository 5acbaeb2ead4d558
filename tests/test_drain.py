"""Stopping (game/server/drain.py): what is in flight finishes, what changes things is refused once
closing, and a hello (which only reads) is still answered."""

from __future__ import annotations

import threading
import time

import pytest

from game.server.drain import Drain
from game.server.limits import BadRequest


def test_closing_waits_for_events_in_flight_and_refuses_new_changes() -> None:
    drain = Drain()
    started, release = threading.Event(), threading.Event()
    finished: list[str] = []

    def action() -> None:
        with drain.event():
            started.set()
            release.wait(5)
            finished.append("action")

    worker = threading.Thread(target=action)
    worker.start()
    started.wait(5)
    closer = threading.Thread(target=lambda: finished.append(f"closed {drain.close(time.sleep)}"))
    closer.start()
    while not drain.closing:
        time.sleep(0.001)
    with pytest.raises(BadRequest) as refused, drain.event():
        pass
    assert refused.value.code == "restarting"
    with drain.event(changes=False):  # a hello still goes through
        pass
    assert finished == []  # closing waits for the action in flight
    release.set()
    worker.join(5)
    closer.join(5)
    assert finished == ["action", "closed True"]


def test_closing_gives_up_after_its_timeout() -> None:
    drain = Drain()
    with drain.event():
        assert drain.close(time.sleep, timeout=0.05) is False
    assert drain.busy == 0
