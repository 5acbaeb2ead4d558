"""Real server processes and real Socket.IO clients for the server tests.

`server.py` runs as a subprocess on 127.0.0.1 with its own SQLite file (or the database and
message queue a test gives it). Tests talk to it only as people and programs do: HTTP and
Socket.IO. They read the database file afterwards to compare the action log with what was
acknowledged.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
import socketio
from fixtures.answers import Answers
from fixtures.services import pg_conninfo
from fixtures.starts import note_start

REPO = Path(__file__).resolve().parents[2]
DECK = "good-governance"
SCENARIO = "council-chatbot"
NO_TIMERS = {"timers": {"proposal": 0, "discussion": 0, "vote": 0}}
CALL_TIMEOUT = 10.0
# Variables of the developer's shell that would point a test server elsewhere.
SERVER_ENV = ("HOST", "PORT", "DATABASE_URL", "MESSAGE_QUEUE", "MESSAGE_QUEUE_CHANNEL",
              "REDIS_URL", "SECRET_KEY", "CARDS_DIR", "ASYNC_MODE", "PUBLIC_URL",
              "WS_COMPRESSION", "WS_SEND_BUFFER", "TRUSTED_PROXIES", "CONNECTIONS_PER_ADDRESS",
              "CONNECTS_PER_MINUTE", "TABLES_PER_MINUTE", "VIEWERS_PER_TABLE",
              "ALLOWED_HOSTS", "INSTANCE_DIR", "SECURE_COOKIES", "SESSION_DAYS",
              "SIGNIN_WINDOW", "SIGNIN_FAILURES_PER_NAME", "SIGNIN_FAILURES_PER_ADDRESS",
              "SIGNUPS_PER_HOUR", "UPLOADS_PER_MINUTE", "ROUTING")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`python server.py` on a free port. start(), kill9(), stop(); start() again reuses the
    same port and database, as an operator restarting a crashed server would."""

    def __init__(self, workdir: Path, *, database_url: str | None = None,
                 env: dict[str, str] | None = None, name: str = "server"):
        self.workdir = workdir
        self.name = name
        self.port = free_port()
        self.db_path = workdir / f"{name}.db"
        self.database_url = database_url or f"sqlite:///{self.db_path}"
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / f"{name}.log"
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        env = {k: v for k, v in os.environ.items() if k not in SERVER_ENV}
        env.update(HOST="127.0.0.1", PORT=str(self.port), DATABASE_URL=self.database_url,
                   SECRET_KEY="test-secret-" + self.name, PYTHONUNBUFFERED="1",
                   # Every test client comes from 127.0.0.1, faster than any room of
                   # phones, and one server serves many modules' tables: the caps on new
                   # connections, tables and accounts are tested on their own. (With Redis
                   # the count of new accounts outlives the server: a cap would count every
                   # earlier run's sign-ups from this machine.)
                   CONNECTS_PER_MINUTE="0", TABLES_PER_MINUTE="0", SIGNUPS_PER_HOUR="0")
        if os.environ.get("TEST_ASYNC_MODE"):  # e.g. threading; server.py's default otherwise
            env["ASYNC_MODE"] = os.environ["TEST_ASYNC_MODE"]
        env.update(self.extra_env)
        self.starts += 1
        note_start(self.name)
        log = self.log_path.open("a")
        log.write(f"\n===== start {self.starts} =====\n")
        log.flush()
        self.proc = subprocess.Popen([sys.executable, "server.py"], cwd=REPO, env=env,
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not become healthy:\n" + self.log_tail())

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def errors(self) -> list[str]:
        """Tracebacks the server logged: handlers that failed instead of refusing cleanly."""
        return [line for line in self.log_text().splitlines() if "Traceback" in line]

    # ---- HTTP ------------------------------------------------------------------------------

    def create_table(self, seats: int = 5, options: dict | None = None, *,
                     deck: str = DECK, scenario: str = SCENARIO) -> dict:
        r = requests.post(self.url + "/api/tables", json={
            "deck": deck, "scenario": scenario, "seats": seats,
            "options": NO_TIMERS if options is None else options}, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()

    def public(self, table_id: str) -> dict:
        r = requests.get(f"{self.url}/api/tables/{table_id}", timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    # ---- the database, read-only, to compare with what clients were told ----------------

    def action_log(self, table_id: str) -> list[dict]:
        """[{"seq", "seat", "action", "by"}] in seq order, straight from the database. The
        table stamps each logged action with who made it (game.engine.attribution); "action" is the
        move without that stamp, "by" the stamp (None if there is none)."""
        query = "SELECT seq, seat, action FROM actions WHERE table_id = ? ORDER BY seq"
        if self.database_url.startswith("postgresql"):
            import psycopg

            with psycopg.connect(pg_conninfo(self.database_url)) as con:
                rows = con.execute(query.replace("?", "%s"), (table_id,)).fetchall()
        else:
            con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
            try:
                rows = con.execute(query, (table_id,)).fetchall()
            finally:
                con.close()
        out = []
        for q, s, a in rows:
            action = json.loads(a)
            by = action.pop("by", None)
            out.append({"seq": q, "seat": s, "action": action, "by": by})
        return out

    def table_row(self, table_id: str) -> dict:
        con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        con.row_factory = sqlite3.Row
        try:
            row = con.execute("SELECT * FROM game_tables WHERE id = ?", (table_id,)).fetchone()
            seats = con.execute("SELECT seat, name, kind, token_hash FROM seats "
                                "WHERE table_id = ? ORDER BY seat", (table_id,)).fetchall()
        finally:
            con.close()
        return {**dict(row), "seats": [dict(s) for s in seats]}


class Client(Answers):
    """One python-socketio client: a phone, the table screen, a facilitator's laptop, or a
    stranger. Records every view and every other event it receives."""

    def __init__(self, url: str, *, headers: dict | None = None, label: str = "client"):
        self.label = label
        self.url = url
        self.views: list[dict] = []
        self.others: list[tuple[str, object]] = []  # any event besides "view"
        self.answers: list[dict] = []  # every acknowledgement received
        self.cond = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("view", self._on_view)
        self.sio.on("*", self._on_other)
        self.sio.connect(url, transports=["websocket"], headers=headers or {}, wait_timeout=10)
        self.token: str | None = None
        self.seat: int | None = None
        self.table: str | None = None

    def _on_view(self, data: object) -> None:
        with self.cond:
            self.views.append(data)  # type: ignore[arg-type]
            self.cond.notify_all()

    def _on_other(self, event: str, *args: object) -> None:
        with self.cond:
            self.others.append((event, args))
            self.cond.notify_all()

    # ---- talking ---------------------------------------------------------------------------

    def call(self, event: str, data: object = None, timeout: float = CALL_TIMEOUT) -> dict:
        answer = self.sio.call(event, data, timeout=timeout)
        with self.cond:
            self.answers.append(answer)
        return answer


    def _snapshot(self, answer: dict) -> None:
        """hello and join answer with the table and game as they are, as the browser uses
        them; keep that as a view unless a newer one has already arrived."""
        with self.cond:
            versions = [v["game"]["version"] for v in self.views if "game" in v]
            if not versions or max(versions) <= answer["game"]["version"]:
                self.views.append({"table": answer["table"], "game": answer["game"],
                                   "events": []})
                self.cond.notify_all()

    def hello(self, table: str, **creds: str) -> dict:
        answer = self.ok("hello", {"table": table, **creds})
        self._snapshot(answer)
        return answer

    def join(self, code: str, name: str) -> dict:
        answer = self.ok("join", {"code": code, "name": name})
        self._snapshot(answer)
        self.token, self.seat, self.table = answer["token"], answer["seat"], answer["table_id"]
        return answer

    def act(self, action: dict) -> dict:
        return self.call("act", {"action": action})

    # ---- watching --------------------------------------------------------------------------

    def last_view(self) -> dict:
        """The newest view with the game in it (views about who is connected carry only the
        table). Newest by the game's version, as the browser keeps it (conn.js keepNewest):
        views of two actions made at once may arrive in either order."""
        with self.cond:
            games = [v for v in self.views if "game" in v]
            assert games, f"{self.label} has no view yet"
            newest = games[0]
            for v in games[1:]:
                undone = any(e.get("type") == "undone" for e in v.get("events", []))
                if undone or v["game"]["version"] >= newest["game"]["version"]:
                    newest = v
            return newest

    def wait_view(self, test: Callable[[dict], bool], timeout: float = CALL_TIMEOUT) -> dict:
        """The first view (already received or arriving within `timeout`) that passes."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                for v in self.views[seen:]:
                    try:
                        if test(v):
                            return v
                    except KeyError:  # e.g. a view of the seats only, without the game
                        pass
                seen = len(self.views)
                left = deadline - time.monotonic()
                if left <= 0:
                    last = self.views[-1].get("game") if self.views else None
                    raise AssertionError(f"{self.label}: no matching view in {timeout}s; "
                                         f"last game view: {json.dumps(last)[:600]}")
                self.cond.wait(left)

    def wait_version(self, version: int, timeout: float = CALL_TIMEOUT) -> dict:
        return self.wait_view(lambda v: v["game"]["version"] >= version, timeout)

    def close(self) -> None:
        """Disconnect politely, without the client's 3 s wait for a closing handshake that the
        development server never answers (it has stopped reading the WebSocket by then)."""
        ws = getattr(self.sio.eio, "ws", None)
        if ws is not None:
            close = ws.close
            ws.close = lambda *_a, **_k: close(timeout=0.05)
        if self.sio.connected:
            self.sio.disconnect()

    def drop(self) -> None:
        """Lose the network, as a phone going into a tunnel: no goodbye, the TCP connection
        just ends."""
        self.sio.eio.ws.sock.shutdown(socket.SHUT_RDWR)


class Table:
    """A table with its facilitator, its screen and its seated players."""

    def __init__(self, server: ServerProcess, created: dict):
        self.server = server
        self.id: str = created["table"]
        self.code: str = created["code"]
        self.key: str = created["key"]
        self.screen_key: str = created["screen_url"].split("#screen=", 1)[1]
        self.players: list[Client] = []
        self.facilitator: Client | None = None
        self.screen: Client | None = None

    @property
    def clients(self) -> list[Client]:
        return [c for c in (self.facilitator, self.screen, *self.players) if c is not None]

    def version(self) -> int:
        return self.server.public(self.id)["game"]["version"]

    def legal(self, seat: int) -> list[str]:
        return self.players[seat].last_view()["game"]["you"]["legal"]


def open_table(server: ServerProcess, make: Callable[..., Client], *, seats: int = 5,
               players: int | None = None, options: dict | None = None, start: bool = True,
               url: str | Callable[[int], str] | None = None, created: dict | None = None,
               ) -> Table:
    """Open a table over HTTP (or take one just `created`), connect its facilitator and
    screen, seat `players` people (all seats by default) through the join code, and start
    the game."""
    table = Table(server, created or server.create_table(seats, options))
    where: Callable[[int], str] = (url if callable(url)
                                   else lambda _i: url or server.url)  # type: ignore[assignment]
    table.facilitator = make(where(0), label="facilitator")
    table.facilitator.hello(table.id, key=table.key)
    table.screen = make(where(1), label="screen")
    table.screen.hello(table.id, screen=table.screen_key)
    for i in range(seats if players is None else players):
        p = make(where(i), label=f"seat{i}")
        p.join(table.code, f"Player {i}")
        assert p.seat == i
        table.players.append(p)
    if start:
        table.facilitator.ok("facilitate", {"command": "start"})
        for c in table.clients:
            c.wait_view(lambda v: v["table"]["status"] == "playing")
    return table


def hand(client: Client) -> list[dict]:
    return client.last_view()["game"]["you"]["hand"]


def cheapest_move(you: dict) -> dict:
    """The cheapest proposal the budget can pay for in this hand (so the table's money lasts
    all game), or a pass when it can pay for none: the game refuses the rest at once."""
    options = [(cost, card["card"], group) for card in you["hand"]
               for group, cost in card["costs"].items()
               if group not in card.get("over_budget", [])]
    if not options:
        return {"type": "pass"}
    _, card, group = min(options)
    return {"type": "propose", "card": card, "group": group}


def propose_first(client: Client, **stamp: object) -> dict:
    """Propose the first card of the hand to the first group it reaches."""
    card = hand(client)[0]
    group = next(iter(card["costs"]))
    return client.act({"type": "propose", "card": card["card"], "group": group, **stamp})


def play_round(table: Table, *, vote_for: Callable[[int, list[int]], list[int]] | None = None,
               ) -> list[tuple[int, dict]]:
    """Every seat proposes, readies, votes and readies again, each step once every seat has
    seen the previous one. Returns [(seat, action)] of every acknowledged action, in order."""
    done: list[tuple[int, dict]] = []
    players = table.players
    version = table.server.public(table.id)["game"]["version"]

    def act_all(make_action: Callable[[int], dict]) -> None:
        nonlocal version
        for p in players:
            action = make_action(p.seat)  # type: ignore[arg-type]
            answer = p.act(action)
            assert answer["ok"], (p.label, action, answer)
            done.append((p.seat, action))  # type: ignore[arg-type]
            version += 1
        for p in players:
            p.wait_version(version)

    act_all(lambda seat: cheapest_move(players[seat].last_view()["game"]["you"]))
    phase = players[0].last_view()["game"]["phase"]
    if phase == "result":  # nobody could pay for anything: the round went straight on
        act_all(lambda s: {"type": "ready"})
        return done
    assert phase == "discussion", phase
    act_all(lambda s: {"type": "ready"})
    assert players[0].last_view()["game"]["phase"] == "vote"
    ids = [p["seat"] for p in players[0].last_view()["game"]["current"]["proposals"]
           if "card" in p]
    act_all(lambda s: {"type": "vote", "approve": (vote_for or (lambda _s, i: i[:1]))(s, ids)})
    assert players[0].last_view()["game"]["phase"] == "result"
    act_all(lambda s: {"type": "ready"})
    return done


def table_version(client: Client) -> int:
    """The newest version among the views this client has seen."""
    return max(v["game"]["version"] for v in client.views if "game" in v)


def paths(value: object, key: str, where: str = "") -> list[str]:
    """Every place in a message where `key` is a key, as a dotted path."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            here = f"{where}.{k}" if where else str(k)
            if k == key:
                found.append(here)
            found += paths(v, key, here)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += paths(v, key, f"{where}[{i}]")
    return found
