"""Fixtures for the server tests: a real `server.py` process per module and clients that
are disconnected after each test. The machinery itself is in realserver.py."""

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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the tests of a module (each module opens at most ~25 tables: the server
    lets one address open 30 a minute)."""
    s = ServerProcess(tmp_path_factory.mktemp("server"))
    s.start()
    yield s
    s.stop()
    errors = s.errors()
    assert not errors, "the server logged errors:\n" + s.log_tail(80)
