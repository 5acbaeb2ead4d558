"""The database failing under a running server (issue 16, points 1, 6 and 7): a row lock and a
killed connection in the middle of an action, and a database that turns read-only. Players
are told the truth (applied, or "cannot save, nothing was lost"), HTTP answers JSON, and
/healthz says 503 while actions would fail. Needs PostgreSQL: skipped without it, except in
CI (CI=true)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
from fixtures.services import need_service, pg_conninfo
from realserver import ServerProcess, hand, open_table

pytestmark = pytest.mark.services

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://@127.0.0.1:5432/test")
TIMERS = {"timers": {"proposal": 600, "discussion": 600, "vote": 600}}


def admin():
    import psycopg

    return psycopg.connect(pg_conninfo(PG_URL), autocommit=True, connect_timeout=3)


@pytest.fixture
def pg_server(tmp_path) -> Iterator[tuple[ServerProcess, str]]:
    """A server on a PostgreSQL database of its own, dropped afterwards."""
    try:
        con = admin()
    except Exception as exc:
        need_service(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    name = f"gg_test_{uuid.uuid4().hex[:12]}"
    con.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    server = ServerProcess(tmp_path, database_url=f"{base}/{name}")
    try:
        server.start()
        yield server, name
    finally:
        server.stop()
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.close()
    assert not server.errors(), server.log_tail(80)


def propose(client) -> dict:
    card = hand(client)[0]
    return {"type": "propose", "card": card["card"], "group": next(iter(card["costs"]))}


def test_an_action_caught_by_a_row_lock_and_a_killed_connection_is_told_truthfully(
        pg_server, clients):
    """The last proposal of a round moves the table to discussion, which writes its timer
    on the table's row. Another session holds that row; the server's connection is killed
    while it waits. The player is told "not applied" only if the action is not in the log,
    and then the same action is accepted when sent again."""
    server, dbname = pg_server
    table = open_table(server, clients, seats=3, options=TIMERS)
    for p in table.players[:2]:
        assert p.act(propose(p))["ok"]
    last = table.players[2]
    action = propose(last)
    import psycopg

    locker = psycopg.connect(pg_conninfo(server.database_url))
    # As an UPDATE of the row would: the log's foreign key still lets actions in.
    locker.execute("SELECT 1 FROM game_tables WHERE id = %s FOR NO KEY UPDATE", (table.id,))
    answer: dict = {}
    sender = threading.Thread(target=lambda: answer.update(last.act(action)))
    sender.start()
    with admin() as con:
        waiting: list = []
        for _ in range(400):  # the server's session queues behind the lock
            waiting = con.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock'", (dbname,)).fetchall()
            if waiting:
                break
            time.sleep(0.025)
        assert waiting, "the server never waited on the locked row"
        con.execute("SELECT pg_terminate_backend(%s)", (waiting[0][0],))
    sender.join(15)
    locker.rollback()
    locker.close()
    logged = [r["action"] for r in server.action_log(table.id)]
    applied = {**action, "seat": last.seat} in logged
    assert answer, "no answer"
    assert answer["ok"] is applied, (answer, logged)
    if not applied:
        assert answer["error"]["code"] == "cannot_save"
        assert "nothing was lost" in answer["error"]["message"]
        assert last.act(action)["ok"]  # not refused as stale: the table is not stuck
    for c in table.clients:
        c.wait_view(lambda v: v["game"]["phase"] == "discussion")
    public = server.public(table.id)
    assert public["table"]["timer"]["phase"] == "discussion"
    assert public["game"]["version"] == len(server.action_log(table.id)) == 3


def test_a_read_only_database_gets_clear_answers_and_a_failing_health_check(
        pg_server, clients):
    server, dbname = pg_server
    table = open_table(server, clients, seats=3)
    p0 = table.players[0]
    assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
    with admin() as con:  # as a failover to a standby would make it
        con.execute(f'ALTER DATABASE "{dbname}" SET default_transaction_read_only = on')
        con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,))
    try:
        for _ in range(5):  # the first use of a killed connection fails as such
            time.sleep(1.1)  # /healthz probes the database at most once a second
            health = requests.get(server.url + "/healthz", timeout=10)
            assert health.status_code == 503 and health.json()["ok"] is False
            if "read-only" in health.json()["database"]["error"]:
                break
        assert "read-only" in health.json()["database"]["error"], health.json()
        # A new table over HTTP: a JSON answer that says what happened, not an HTML 500.
        r = requests.post(server.url + "/api/tables", json={
            "deck": "good-governance", "scenario": "council-chatbot", "seats": 3}, timeout=10)
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "cannot_save"
        # An action over the socket: told the server cannot save, and that nothing was lost.
        action = propose(p0)
        answer = p0.act(action)
        assert answer["ok"] is False and answer["error"]["code"] == "cannot_save"
        assert "nothing was lost" in answer["error"]["message"]
        assert server.action_log(table.id) == []
    finally:
        with admin() as con:
            con.execute(f'ALTER DATABASE "{dbname}" SET default_transaction_read_only = off')
            con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,))
    healthy = False
    for _ in range(5):  # again, the first probe may meet a connection killed above
        time.sleep(1.1)
        healthy = requests.get(server.url + "/healthz", timeout=10).status_code == 200
        if healthy:
            break
    assert healthy
    assert p0.act(action)["ok"]  # and the same action goes through once it can be saved
    assert len(server.action_log(table.id)) == 1
    assert "the database is read-only" in server.log_text()  # the operator is told why
