"""Fixtures for the server tests: a real `server.py` process shared by the modules that need
no server of their own, and clients that are disconnected after each test.
The machinery itself is in realserver.py."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from realserver import Client, ServerProcess, need_service, pg_conninfo


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


# ---- services (tests marked `services`): PostgreSQL and Redis -------------------------

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    """A database of its own for this run, dropped afterwards."""
    try:
        import psycopg

        admin = psycopg.connect(pg_conninfo(PG_URL), autocommit=True, connect_timeout=3)
    except Exception as exc:
        need_service(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    name = f"gg_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        need_service(f"Redis not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL
