"""One table played across two server processes that share PostgreSQL and the Redis message
queue, as behind a load balancer. Skipped without the services, except in CI (CI=true).

TEST_DATABASE_URL (an SQLAlchemy URL to a database we may CREATE DATABASE from) and
TEST_REDIS_URL say where they are."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from realserver import (
    Client,
    ServerProcess,
    cheapest_move,
    hand,
    open_table,
    play_round,
)

pytestmark = pytest.mark.services

@pytest.fixture(scope="module")
def pair(tmp_path_factory, pg_database, redis_url) -> Iterator[list[ServerProcess]]:
    work = tmp_path_factory.mktemp("pair")
    servers = [ServerProcess(work, database_url=pg_database, name=name,
                             env={"MESSAGE_QUEUE": redis_url}) for name in ("a", "b")]
    for s in servers:
        s.start()
    yield servers
    for s in servers:
        s.stop()
    for s in servers:
        assert not s.errors(), s.log_tail(80)


def test_both_processes_report_the_services(pair):
    import requests

    for s in pair:
        health = requests.get(s.url + "/healthz", timeout=5).json()
        assert health["ok"] and health["database"]["backend"] == "postgresql"
        assert health["queue"]["ok"]


def test_a_table_split_over_two_processes_plays_a_whole_game(pair, clients):
    a, b = pair
    # Seats 0, 2, 4 and the facilitator on A; seats 1, 3 and the screen on B.
    table = open_table(a, clients, seats=5, url=lambda i: (a, b)[i % 2].url)
    rounds = a.public(table.id)["game"]["rounds"]
    acked = []
    for _ in range(rounds):
        acked += play_round(table, vote_for=lambda seat, ids: ids[:2])
    for c in table.clients:
        c.wait_view(lambda v: v["table"]["status"] == "ended")
    for s in pair:  # both processes agree, and with the log
        public = s.public(table.id)
        assert public["table"]["status"] == "ended"
        assert public["game"]["version"] == len(acked)
    assert [(r["seat"], r["action"]) for r in a.action_log(table.id)] == [
        (seat, {**action, "seat": seat}) for seat, action in acked]


def test_a_seat_comes_back_through_the_other_process(pair, clients):
    a, b = pair
    created = a.create_table(seats=3)
    clients(b.url, label="screen-b").hello(created["table"])  # B holds the table from here
    table = open_table(a, clients, seats=3, start=False, created=created)  # all join on A
    table.facilitator.ok("facilitate", {"command": "start"})
    p0 = table.players[0]
    c = hand(p0)[0]
    assert p0.act({"type": "propose", "card": c["card"], "group": next(iter(c["costs"]))})["ok"]
    p0.drop()
    back = clients(b.url, label="seat0-on-b")  # the phone reconnects; the balancer picks B
    answer = back.hello(table.id, token=p0.token)
    assert answer["you"] == {"kind": "seat", "seat": 0}
    assert "propose" not in answer["game"]["you"]["legal"]
    assert answer["game"]["version"] == 1
    for p in table.players[1:]:
        assert p.act({"type": "pass"})["ok"]
    view = back.wait_view(lambda v: v["game"]["phase"] == "discussion")
    assert view["game"]["version"] == 3
    assert back.act({"type": "ready"})["ok"]  # and plays on from B


def test_simultaneous_actions_on_both_processes_are_each_applied_once(pair, clients):
    """In every phase, all five seats (three on A, two on B) send at the same instant. Each
    action acknowledged is in the log exactly once; nothing else is."""
    a, b = pair
    table = open_table(a, clients, seats=5, url=lambda i: (a, b)[i % 2].url)
    acked: list[tuple[int, dict]] = []
    refusals: list[tuple[int, dict, dict]] = []
    lock = threading.Lock()
    rounds = a.public(table.id)["game"]["rounds"]

    def send(p: Client, action: dict, barrier: threading.Barrier) -> None:
        barrier.wait()
        while True:
            answer = p.act(action)
            with lock:
                if answer["ok"]:
                    acked.append((p.seat, action))  # type: ignore[arg-type]
                    return
                refusals.append((p.seat, action, answer))  # type: ignore[arg-type]
            if answer["error"]["code"] != "conflict":
                return  # anything but "the table moved as you acted" is a real refusal
            # conflict: look again and retry, as the message says

    version = 0
    for _ in range(rounds):
        for phase in ("proposal", "discussion", "vote", "result"):
            actions = {}
            skipped = False
            for p in table.players:
                game = p.wait_version(version)["game"]
                if phase in ("discussion", "vote") and game["phase"] == "result":
                    skipped = True  # everyone passed (the purse was empty): no discussion
                    break
                assert game["phase"] == phase, (p.label, game["phase"], phase)
                if phase == "proposal":
                    actions[p.seat] = cheapest_move(game["you"])
                elif phase == "vote":
                    ids = [x["seat"] for x in game["current"]["proposals"] if "card" in x]
                    actions[p.seat] = {"type": "vote", "approve": ids[:2]}
                else:
                    actions[p.seat] = {"type": "ready"}
                actions[p.seat].update(round=game["round"], phase=phase)
            if skipped:
                continue
            barrier = threading.Barrier(len(table.players))
            threads = [threading.Thread(target=send, args=(p, actions[p.seat], barrier))
                       for p in table.players]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            bad = [r for r in refusals if r[2]["error"]["code"] != "conflict"]
            assert not bad, bad
            version += len(table.players)
    log = a.action_log(table.id)
    assert [r["seq"] for r in log] == list(range(1, len(log) + 1))
    logged = sorted((r["seat"], sorted(r["action"].items())) for r in log)
    told = sorted((seat, sorted({**action, "seat": seat}.items())) for seat, action in acked)
    assert logged == told  # nothing lost, nothing twice, nothing unacknowledged
    # Five seats act in each phase of each round; a round where all five passed (the purse
    # was empty) skips its discussion and vote.
    passed_rounds = {a["round"] for _, a in acked if a["type"] == "pass"
                     and sum(1 for _, b in acked if b["type"] == "pass"
                             and b["round"] == a["round"]) == 5}
    assert len(acked) == (rounds * 4 - 2 * len(passed_rounds)) * 5
    for s in pair:
        assert s.public(table.id)["table"]["status"] == "ended"
    for p in table.players:
        p.wait_view(lambda v: v["game"]["phase"] == "ended")


def test_who_is_connected_is_the_same_on_both_processes(pair, clients):
    """A phone counts as connected whichever process it reached: the facilitator on A and
    the screen on B see the same marks, and a phone that moves from A to B stays marked."""
    a, b = pair
    table = open_table(a, clients, seats=3, start=False, url=lambda i: (a, b)[i % 2].url)
    # The facilitator and seats 0 and 2 are on A; the screen and seat 1 are on B.

    def marks(view: dict) -> list[bool]:
        return [s["connected"] for s in view["table"]["seats"]]

    for watcher in (table.facilitator, table.screen):
        watcher.wait_view(lambda v: marks(v) == [True, True, True])
    p0 = table.players[0]
    p0.drop()
    for watcher in (table.facilitator, table.screen):
        watcher.wait_view(lambda v: marks(v) == [False, True, True])
    back = clients(b.url, label="seat0-on-b")  # the phone comes back through B
    back.hello(table.id, token=p0.token)
    for watcher in (table.facilitator, table.screen):
        watcher.wait_view(lambda v: marks(v) == [True, True, True])
    # A change made through A is drawn by A, which must know seat 0 is on B.
    table.facilitator.ok("facilitate", {"command": "start"})
    view = table.screen.wait_view(lambda v: v["table"]["status"] == "playing")
    assert marks(view) == [True, True, True]
