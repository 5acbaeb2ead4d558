"""`kill -9` of the server in the middle of a round, and a restart on the same database: every
action that was acknowledged is still there, and the game goes on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from realserver import Client, ServerProcess, hand, open_table, play_round


@pytest.fixture
def own_server(tmp_path) -> Iterator[ServerProcess]:
    s = ServerProcess(tmp_path)
    s.start()
    yield s
    s.stop()
    assert not s.errors(), s.log_tail(80)


def reconnect(server: ServerProcess, clients, table, old: list[Client]) -> list[Client]:
    """Every seat comes back on a new connection with its token, as a reloaded page does."""
    fresh = []
    for p in old:
        c = clients(server.url, label=p.label + "-back")
        c.answer = c.hello(table.id, token=p.token)
        assert c.answer["you"] == {"kind": "seat", "seat": p.seat}
        c.token, c.seat, c.table = p.token, p.seat, table.id
        fresh.append(c)
    return fresh


def test_kill_9_mid_round_keeps_every_acknowledged_action(own_server, clients):
    server = own_server
    table = open_table(server, clients, seats=5)
    acked = play_round(table)  # one whole round
    # Round two: three of five propose, each acknowledged, then the server dies at once.
    for p in table.players[:3]:
        c = hand(p)[0]
        action = {"type": "propose", "card": c["card"], "group": next(iter(c["costs"]))}
        assert p.act(action)["ok"]
        acked.append((p.seat, action))
    server.kill9()
    server.start()
    assert server.starts == 2

    public = server.public(table.id)
    assert public["table"]["status"] == "playing"
    assert public["game"]["round"] == 2 and public["game"]["phase"] == "proposal"
    assert public["game"]["version"] == len(acked)
    assert [(r["seat"], r["action"]) for r in server.action_log(table.id)] == [
        (s, {**a, "seat": s}) for s, a in acked]

    players = reconnect(server, clients, table, table.players)
    for p, (seat, action) in zip(players, acked[-3:], strict=False):
        game = p.answer["game"]
        mine = next(x for x in game["current"]["proposals"] if x["seat"] == seat)
        assert (mine["card"], mine["group"]) == (action["card"], action["group"])
        assert "propose" not in game["you"]["legal"]
    # A refused repeat after the restart: the proposal is remembered, not made twice.
    players[0].refused("act", {"action": {"type": "pass"}}, "already_proposed")
    # The other two finish the round and the game goes on to the end.
    table.players = players
    for p in players[3:]:
        assert p.act({"type": "pass"})["ok"]
    for p in players:
        p.wait_view(lambda v: v["game"]["phase"] == "discussion")
    for p in players:
        assert p.act({"type": "ready"})["ok"]
    for p in players:
        p.wait_view(lambda v: v["game"]["phase"] == "vote")


def test_kill_9_while_actions_are_in_flight_loses_none_that_were_acknowledged(own_server,
                                                                               clients):
    """Five players fire at once, round after round; the server is killed while answers are
    on their way. Acknowledged means written: each one is in the log after the restart, with
    no gap and nothing twice, and the state replays to the same version."""
    server = own_server
    table = open_table(server, clients, seats=5)
    acked: list[tuple[int, dict]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def player(p: Client) -> None:
        while not stop.is_set():
            game = p.last_view()["game"]
            legal = game["you"]["legal"]
            if "propose" in legal:
                c = game["you"]["hand"][0]
                action = {"type": "propose", "card": c["card"], "group": next(iter(c["costs"]))}
            elif "ready" in legal:
                action = {"type": "ready"}
            elif "vote" in legal:
                ids = [x["seat"] for x in game["current"]["proposals"] if "card" in x]
                action = {"type": "vote", "approve": ids[:1]}
            else:
                time.sleep(0.005)
                continue
            action.update(round=game["round"], phase=game["phase"])
            try:
                answer = p.call("act", {"action": action}, timeout=2)
            except Exception:  # the server died under us
                return
            if answer.get("ok"):
                with lock:
                    acked.append((p.seat, action))
            elif answer["error"]["code"] not in ("stale", "already_ready", "already_voted",
                                                 "already_proposed", "wrong_phase"):
                raise AssertionError(answer)  # a view lagging behind is fine; nothing else
            else:
                time.sleep(0.005)

    threads = [threading.Thread(target=player, args=(p,), daemon=True) for p in table.players]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acked) < 23 and time.monotonic() < deadline:  # mid round two
        time.sleep(0.001)
    server.kill9()
    stop.set()
    for t in threads:
        t.join(10)
    with lock:
        told = list(acked)
    assert len(told) >= 23

    server.start()
    log = server.action_log(table.id)
    assert [r["seq"] for r in log] == list(range(1, len(log) + 1))
    logged = [(r["seat"], r["action"]) for r in log]
    for seat, action in told:
        assert logged.count((seat, {**action, "seat": seat})) == 1, (seat, action)
    # At most the actions whose answers were lost in the crash are extra.
    assert len(logged) - len(told) <= len(table.players)
    assert server.public(table.id)["game"]["version"] == len(log)
    # And everyone can take up the game where the log left it.
    players = reconnect(server, clients, table, table.players)
    table.players = players
    assert players[0].answer["game"]["version"] == len(log)
