"""Browser tests: a real server process on a free port with its own SQLite file, and Debian's
Chromium driven by Playwright. Without /usr/bin/chromium these tests skip, except in CI
(CI=true), where a missing browser is a failure."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from browser_helpers import HTML, IMG, ROOT
from fixtures.starts import note_start

CHROMIUM = "/usr/bin/chromium"
# A room of phones all comes from 127.0.0.1 here: the caps on new connections, tables and
# accounts from one address are tested on their own (tests/server/test_join_limit.py,
# test_accounts.py). With Redis the count of new accounts outlives the server, so a cap
# would also count every earlier run's sign-ups from this machine.
ONE_ADDRESS = {"CONNECTS_PER_MINUTE": "0", "TABLES_PER_MINUTE": "0", "SIGNUPS_PER_HOUR": "0"}
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python server.py` in its own process, on 127.0.0.1 only: its own SQLite file, or the
    `database_url` and other settings (`env`) a test gives it."""

    def __init__(self, workdir: Path, cards_dir: Path | None = None, *, name: str = "server",
                 database_url: str | None = None, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = workdir / ("game.db" if name == "server" else f"{name}.db")
        self.database_url = database_url or f"sqlite:///{self.db}"
        self.log = workdir / f"{name}.log"
        self.cards_dir = cards_dir
        self.env = env or {}
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port),
               "DATABASE_URL": self.database_url, "PUBLIC_URL": ""}
        env.pop("MESSAGE_QUEUE", None)
        env.pop("REDIS_URL", None)
        if self.cards_dir:
            env["CARDS_DIR"] = str(self.cards_dir)
        env.update(self.env)
        note_start("browser-" + self.log.stem)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, str(ROOT / "server.py")], cwd=ROOT,
                                         env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as res:
                    if res.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in 20 seconds")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def tracebacks(self) -> list[str]:
        """Handlers that failed instead of refusing cleanly, as the server logged them."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "Traceback" in line]

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory, chromium):
    """One server for every module that needs no settings of its own (a start-up costs
    seconds). Every page comes from this one address, so the caps per address are off
    (ONE_ADDRESS): the modules together sign up more facilitators than an hour allows. A
    traceback it logged in any module fails the run at the end (room_server says which
    module, for the workshop's)."""
    srv = Server(tmp_path_factory.mktemp("server"), env=ONE_ADDRESS).start()
    yield srv
    checked([srv])


@pytest.fixture
def own_server(tmp_path, chromium):
    """A server of the test's own, which the test may stop and start again."""
    srv = Server(tmp_path)
    yield srv
    srv.stop()


def html_deck(dest: Path) -> Path:
    """A copy of the shipped deck whose names and texts carry HTML and a script."""
    cards = dest / "cards"
    shutil.copytree(ROOT / "cards" / "good-governance", cards / "good-governance")

    def poison(node, key=None):
        if isinstance(node, dict):
            return {k: poison(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [poison(v, key) for v in node]
        if isinstance(node, str) and key in ("name",):
            return f"{node[:36]} {HTML}"
        if isinstance(node, str) and key in ("description", "text", "why", "context", "prompt",
                                             "coach"):
            return f"{node[:300]} {HTML} {IMG}"
        return node

    for path in (cards / "good-governance").glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        path.write_text(yaml.safe_dump(poison(data), sort_keys=False, allow_unicode=True,
                                       width=1000))
    return cards


@pytest.fixture(scope="session")
def html_server(tmp_path_factory, chromium):
    work = tmp_path_factory.mktemp("html-deck")
    srv = Server(work, cards_dir=html_deck(work)).start()
    yield srv
    checked([srv])


@pytest.fixture(scope="module")
def balance_server(tmp_path_factory, chromium):
    """A server whose only deck is the small balance deck (tests/fixtures/decks/balance)."""
    work = tmp_path_factory.mktemp("balance-deck")
    shutil.copytree(ROOT / "tests" / "fixtures" / "decks" / "balance", work / "cards" / "balance")
    srv = Server(work, cards_dir=work / "cards").start()
    yield srv
    checked([srv])


def checked(servers: list[Server]) -> None:
    """Stop the servers; fail if one logged a traceback (a handler that failed instead of
    refusing cleanly)."""
    for s in servers:
        s.stop()
    for s in servers:
        assert not s.tracebacks(), s.log_tail(80)


@pytest.fixture(scope="module")
def room_server(server):
    """A server for a whole room of phones (a workshop), all from this one address: the
    shared one, which has the settings a room needs (ONE_ADDRESS). A traceback it logged
    during the module fails the module."""
    before = len(server.tracebacks())
    yield server
    assert not server.tracebacks()[before:], server.log_tail(80)


@pytest.fixture(scope="module")
def server_pair(tmp_path_factory, chromium, pg_database, redis_url):
    """Two servers as a load balancer has them: one PostgreSQL database, the Redis message
    queue and one secret (a facilitator signed in on one is signed in on both)."""
    work = tmp_path_factory.mktemp("pair")
    env = {**ONE_ADDRESS, "MESSAGE_QUEUE": redis_url, "SECRET_KEY": "shared-pair-secret"}
    servers = [Server(work, name=name, database_url=pg_database, env=env) for name in "ab"]
    try:
        for s in servers:
            s.start()
        yield servers
    finally:
        checked(servers)
