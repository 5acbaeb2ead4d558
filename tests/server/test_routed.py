"""Scale-out by table ownership: HAProxy (deploy/haproxy.cfg) in front of two processes
started with ROUTING=table, PostgreSQL as the log, Redis for the shared rate limits. Every
connection and request of a table reaches the process that plays it; when that process is
killed, its tables are rebuilt from the log by the other one and its players come back
through the proxy, with nothing acknowledged lost.

Skipped without haproxy, PostgreSQL or Redis, except in CI (CI=true), where .ci/run
installs haproxy."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fixtures.services import need_service
from realserver import (
    REPO,
    Client,
    ServerProcess,
    Table,
    cheapest_move,
    free_port,
    open_table,
    play_round,
)

pytestmark = pytest.mark.services


class Proxy:
    """HAProxy with the shipped configuration, in front of the given processes."""

    def __init__(self, workdir: Path, backends: list[ServerProcess]):
        haproxy = shutil.which("haproxy") or (
            "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
        if haproxy is None:
            need_service("haproxy is not installed (apt-get install haproxy)")
        self.port = free_port()
        self.log_path = workdir / "haproxy.log"
        env = {**os.environ, "GG_LISTEN": f"127.0.0.1:{self.port}",
               "GG_A": f"127.0.0.1:{backends[0].port}", "GG_B": f"127.0.0.1:{backends[1].port}"}
        self.proc = subprocess.Popen([haproxy, "-db", "-f", str(REPO / "deploy" / "haproxy.cfg")],
                                     env=env, stdout=self.log_path.open("w"),
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # up once both processes pass the health check
            assert self.proc.poll() is None, self.log_path.read_text()
            served = set()
            for _ in range(6):
                try:
                    r = requests.get(self.url + "/healthz", timeout=1)
                    served.add(r.headers.get("X-Game-Process"))
                except requests.RequestException:
                    pass
            if served >= {"a", "b"}:
                return
            time.sleep(0.2)
        raise AssertionError("haproxy did not reach both processes:\n"
                             + self.log_path.read_text())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def owner(self, table_id: str) -> str:
        r = requests.get(f"{self.url}/api/tables/{table_id}", timeout=5)
        assert r.status_code == 200, r.text
        return r.headers["X-Game-Process"]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def routed(tmp_path, pg_database, redis_url) -> Iterator[tuple[Proxy, dict[str, ServerProcess]]]:
    env = {"ROUTING": "table", "MESSAGE_QUEUE": redis_url, "TRUSTED_PROXIES": "1"}
    servers = {name: ServerProcess(tmp_path, database_url=pg_database, name=name, env=env)
               for name in ("a", "b")}
    for s in servers.values():
        s.start()
    proxy = Proxy(tmp_path, list(servers.values()))
    yield proxy, servers
    proxy.stop()
    for s in servers.values():
        s.stop()
    for s in servers.values():
        assert not s.errors(), s.log_tail(80)


def connect(make, proxy: Proxy, table_id: str, label: str, patience: float = 15.0) -> Client:
    """A phone's connection to the table through the proxy, tried again and again as the
    browser does while the connection is down."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return make(f"{proxy.url}?table={table_id}", label=label)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_process_killed_mid_game_loses_nothing_acknowledged(routed, clients):
    proxy, servers = routed
    tables: list[Table] = []
    owners: dict[str, str] = {}
    while len(tables) < 12 and not (len(tables) >= 4 and len(set(owners.values())) == 2):
        created = requests.post(proxy.url + "/api/tables", timeout=10, json={
            "deck": "good-governance", "scenario": "council-chatbot", "seats": 3,
            "options": {"timers": {"proposal": 0, "discussion": 0, "vote": 0}}}).json()
        table_id = created["table"]
        # The join page's way: the code names the table, the connection names it to the proxy.
        found = requests.get(f"{proxy.url}/api/codes/{created['code']}", timeout=5).json()
        assert found == {"ok": True, "table": table_id}
        table = open_table(servers["a"], clients, seats=3,
                           created=created, url=lambda _i, t=table_id: f"{proxy.url}?table={t}")
        table.server = None  # type: ignore[assignment]  # the proxy answers, not one process
        tables.append(table)
        owners[table_id] = proxy.owner(table_id)
    assert set(owners.values()) == {"a", "b"}, owners  # both processes play some tables
    # A connection routed by one table cannot speak for another: that process may not be
    # the one playing it.
    elsewhere = clients(f"{proxy.url}?table={tables[0].id}", label="elsewhere")
    elsewhere.refused("hello", {"table": tables[1].id}, "wrong_table")
    elsewhere.refused("join", {"code": tables[1].code, "name": "Stray"}, "wrong_table")

    acked: dict[str, list[tuple[int, dict]]] = {t.id: [] for t in tables}
    for t in tables:
        acked[t.id] += play_round_via(proxy, t)
    # Mid-round on every table: the first seat proposes (acknowledged), the rest have not.
    for t in tables:
        p = t.players[0]
        action = cheapest_move(p.last_view()["game"]["you"])
        assert p.act(action)["ok"]
        acked[t.id].append((p.seat, action))

    victim = "a"
    servers[victim].kill9()
    moved = [t for t in tables if owners[t.id] == victim]
    stayed = [t for t in tables if owners[t.id] != victim]
    started = time.monotonic()
    back: dict[str, list[Client]] = {}
    for t in moved:  # their phones come back through the proxy, to the live process
        back[t.id] = []
        for old in t.players:
            c = connect(clients, proxy, t.id, f"{old.label}-back")
            answer = c.hello(t.id, token=old.token)
            assert answer["you"] == {"kind": "seat", "seat": old.seat}
            assert answer["game"]["version"] == len(acked[t.id])  # nothing acknowledged lost
            c.token, c.seat, c.table = old.token, old.seat, t.id
            back[t.id].append(c)
        t.players = back[t.id]
    print(f"\n{len(moved)} tables rebuilt, {sum(len(v) for v in back.values())} seats back "
          f"in {time.monotonic() - started:.2f} s after the kill")
    for t in moved + stayed:
        assert proxy.owner(t.id) != victim

    # Play on: the round under way, then every round to the end, on every table.
    for t in tables:
        for p in t.players[1:]:
            action = cheapest_move(p.last_view()["game"]["you"])
            answer = p.act(action)
            assert answer["ok"], answer
            acked[t.id].append((p.seat, action))
        version = len(acked[t.id])
        for p in t.players:
            p.wait_version(version)
        acked[t.id] += finish_round(t, version)
        rounds = t.players[0].last_view()["game"]["rounds"]
        while t.players[0].last_view()["game"]["phase"] != "ended":
            acked[t.id] += play_round_via(proxy, t)
            assert len(acked[t.id]) <= rounds * 12
        logged = servers["b"].action_log(t.id)  # PostgreSQL, shared by both
        assert [(r["seat"], r["action"]) for r in logged] == [
            (seat, {**action, "seat": seat}) for seat, action in acked[t.id]]


def play_round_via(proxy: Proxy, table: Table) -> list[tuple[int, dict]]:
    """play_round, reading the table's version from its players rather than one process."""
    version = max(v["game"]["version"] for p in table.players for v in p.views if "game" in v)

    class Through:  # what play_round asks of the server: the table's public view
        def public(self, _table_id: str) -> dict:
            return {"game": {"version": version}}

    table.server = Through()  # type: ignore[assignment]
    return play_round(table, vote_for=lambda _s, ids: ids[:1])


def finish_round(table: Table, version: int) -> list[tuple[int, dict]]:
    """From the discussion to the next round: ready, vote, ready, each seat in turn."""
    done: list[tuple[int, dict]] = []
    for phase in ("discussion", "vote", "result"):
        ids = [x["seat"] for x in table.players[0].last_view()["game"]["current"]["proposals"]
               if "card" in x]
        for p in table.players:
            assert p.last_view()["game"]["phase"] == phase
            action = {"type": "vote", "approve": ids[:1]} if phase == "vote" \
                else {"type": "ready"}
            answer = p.act(action)
            assert answer["ok"], (p.label, action, answer)
            done.append((p.seat, action))
            version += 1
        for p in table.players:
            p.wait_version(version)
    return done
