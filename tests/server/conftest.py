"""Fixtures for the server tests: a real `server.py` process shared by the modules that need
no server of their own, and clients that are disconnected after each test.
The machinery itself is in realserver.py."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from realserver import Client, ServerProcess


@pytest.fixture
def clients() -> Iterator[Callable[..., Client]]:
    """Make clients; every one is disconnected when the test ends."""
    made: list[Client] = []

    def make(url: str, **kwargs: object) -> Client:
        c = Client(url, **kwargs)  # type: ignore[arg-type]
        made.append(c)
        return c

    yield make
    for c in made:
        with contextlib.suppress(Exception):
            c.close()


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for every module that needs no server of its own: a start-up costs seconds.
    Tests stay independent by each opening its own tables (the shared server has no cap on
    new tables, see realserver.py)."""
    s = ServerProcess(tmp_path_factory.mktemp("server"))
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def server(shared_server: ServerProcess) -> Iterator[ServerProcess]:
    """The shared server, with its log checked after each module: a handler that failed
    instead of refusing cleanly fails the module that made it fail."""
    before = len(shared_server.errors())
    yield shared_server
    errors = shared_server.errors()[before:]
    assert not errors, "the server logged errors:\n" + shared_server.log_tail(80)
