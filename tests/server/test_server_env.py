"""The test server is started without the developer's own settings: every variable the server's
configuration reads is scrubbed from the environment it inherits (a test that needs one passes
it itself), so that a limit set in one's shell cannot change what the tests see."""

from __future__ import annotations

import os

import pytest
from realserver import SERVER_ENV

from game.server.config import Config


class _Reading(dict):
    """The environment, noting the name of every variable looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def __contains__(self, name: object) -> bool:
        self.read.add(str(name))
        return False

    def get(self, name: str, default: object = None) -> object:
        self.read.add(name)
        return default

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        raise KeyError(name)


def test_every_variable_the_server_reads_is_scrubbed(monkeypatch: pytest.MonkeyPatch):
    reading = _Reading()
    monkeypatch.setattr(os, "environ", reading)
    Config.from_env()
    assert len(reading.read) > 10  # the configuration was read through it
    assert reading.read - set(SERVER_ENV) == set()
