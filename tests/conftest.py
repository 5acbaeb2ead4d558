"""Settings for the whole suite.

Hypothesis: the "ci" profile (chosen when CI=true) runs every property test at the depth its
module asks for; the "dev" profile, the default elsewhere, runs about a sixth of that, so the
suite stays quick on a laptop while CI keeps the full search. HYPOTHESIS_PROFILE picks one
explicitly (e.g. HYPOTHESIS_PROFILE=ci make test to search as CI does).

PostgreSQL and Redis (fixtures.services): the fixtures `pg_database` and `redis_url`, for the
server and the browser tests marked `services`.
"""

from __future__ import annotations

import os

import pytest
from fixtures.services import pg_database, redis_url  # noqa: F401 (fixtures for every test)
from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=15, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") == "true" else "dev"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With pytest-xdist's loadgroup (pyproject.toml), the tests of PostgreSQL and Redis run on
    one worker, one at a time, as they did before the suite ran on several: they share those
    services. Everything else, the browser tests too (each worker has its own Chromium and
    server), is spread over the workers."""
    for item in items:
        if item.get_closest_marker("services"):
            item.add_marker(pytest.mark.xdist_group("services"))
