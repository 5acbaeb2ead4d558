"""A whole game of five people over real Socket.IO connections, and getting a seat back."""

from __future__ import annotations

import requests
from realserver import hand, open_table, play_round, table_version


def test_five_seats_play_a_whole_game(server, clients):
    table = open_table(server, clients, seats=5)
    f, screen, players = table.facilitator, table.screen, table.players
    rounds = server.public(table.id)["game"]["rounds"]
    acked: list[tuple[int, dict]] = []
    for number in range(1, rounds + 1):
        for p in players:
            assert p.last_view()["game"]["round"] == number
            assert p.last_view()["game"]["phase"] == "proposal"
        acked += play_round(table, vote_for=lambda seat, ids: ids[:2])
        # After every round, all five seats, the screen and the facilitator agree with HTTP.
        version = table_version(players[-1])
        public = server.public(table.id)["game"]
        assert public["version"] == version == len(acked)
        for c in (f, screen, *players):
            assert c.wait_version(version)["game"]["history" if number < rounds else "current"]
        history = public["history"] if number < rounds else [public["current"]]
        last = history[-1]
        assert last["number"] == number and "adopted" in last and "votes" in last

    end = server.public(table.id)
    assert end["table"]["status"] == "ended"
    assert end["game"]["phase"] == "ended"
    assert set(end["game"]["outcome"]) >= {"won", "objectives"}
    for p in players:
        v = p.wait_view(lambda v: v["table"]["status"] == "ended")
        assert v["game"]["phase"] == "ended" and v["game"]["you"]["legal"] == []
    # Points come with reasons, and the debrief is there for everyone.
    debrief = requests.get(f"{server.url}/api/tables/{table.id}/debrief.json", timeout=10)
    assert debrief.status_code == 200
    csv = requests.get(f"{server.url}/api/tables/{table.id}/debrief.csv", timeout=10)
    assert csv.status_code == 200 and csv.text.startswith("what,round,stage,seat,who")
    # The log holds exactly what was acknowledged, in order, each under its seat and
    # stamped with who held the seat (for the debrief).
    log = server.action_log(table.id)
    assert [(r["seat"], r["action"]) for r in log] == [
        (seat, {**action, "seat": seat}) for seat, action in acked]
    assert [(r["by"]["kind"], r["by"]["name"]) for r in log] == [
        ("human", f"Player {seat}") for seat, _ in acked]
    names = {p["seat"]: p["by"] for p in debrief.json()["rounds"][0]["proposals"]}
    assert names == {s: {"kind": "human", "name": f"Player {s}"} for s in range(5)}
    assert [r["seq"] for r in log] == list(range(1, len(acked) + 1))
    # Nothing more can be done.
    players[0].refused("act", {"action": {"type": "ready"}}, "game_over")


def test_the_screen_marks_a_player_who_has_just_joined_as_here(server, clients):
    table = open_table(server, clients, seats=3, players=2, start=False)
    newcomer = clients(server.url, label="late")
    newcomer.join(table.code, "Late Lou")
    view = table.screen.wait_view(lambda v: v["table"]["seats"][2]["name"] == "Late Lou"
                                  and v["table"]["seats"][2]["connected"])
    assert [s["connected"] for s in view["table"]["seats"]] == [True, True, True]


def test_a_phone_that_drops_gets_its_seat_back_with_its_token(server, clients):
    table = open_table(server, clients, seats=4)
    p0, p1 = table.players[0], table.players[1]
    card = hand(p1)[0]
    group = next(iter(card["costs"]))
    assert p1.act({"type": "propose", "card": card["card"], "group": group})["ok"]
    token = p1.token
    p1.drop()
    # The others see seat 1 go away ...
    p0.wait_view(lambda v: not v["table"]["seats"][1]["connected"])
    # ... and come back on a new connection, as the same seat, with its proposal still there.
    again = clients(server.url, label="seat1-again")
    answer = again.hello(table.id, token=token)
    assert answer["you"] == {"kind": "seat", "seat": 1}
    game = answer["game"]
    assert game["you"]["seat"] == 1
    mine = [p for p in game["current"]["proposals"] if p["seat"] == 1]
    assert mine == [{"seat": 1, "card": card["card"], "group": group, "cost": card["costs"][group],
                     "by": {"kind": "human", "name": "Player 1"}}]
    assert game["you"]["proposal"]["by_you"] is True
    assert "propose" not in game["you"]["legal"]
    assert game["you"]["hand"] == hand(p1)  # the same hand as before the drop
    assert answer["table"]["seats"][1]["connected"] is True
    p0.wait_view(lambda v: v["table"]["seats"][1]["connected"])
    # It plays on: the round goes on once everyone has proposed.
    for p in (table.players[0], *table.players[2:]):
        c = hand(p)[0]
        assert p.act({"type": "propose", "card": c["card"],
                      "group": next(iter(c["costs"]))})["ok"]
    again.wait_view(lambda v: v["game"]["phase"] == "discussion")
    assert again.act({"type": "ready"})["ok"]
    log = server.action_log(table.id)
    assert [r["seat"] for r in log] == [1, 0, 2, 3, 1]
    # The old token still names seat 1: a second device with it is the same seat, not a new one.
    twin = clients(server.url, label="seat1-twin")
    assert twin.hello(table.id, token=token)["you"] == {"kind": "seat", "seat": 1}
    twin.refused("act", {"action": {"type": "ready"}}, "already_ready")


def test_after_leaving_the_token_no_longer_opens_the_seat(server, clients):
    table = open_table(server, clients, seats=3, start=False)
    p2 = table.players[2]
    token = p2.token
    p2.ok("leave", {})
    assert server.public(table.id)["table"]["seats"][2]["kind"] == "empty"
    back = clients(server.url, label="back")
    back.refused("hello", {"table": table.id, "token": token}, "bad_token")
    # The seat is free again for someone else (the code is shown to everyone in the lobby).
    newcomer = clients(server.url, label="newcomer")
    assert newcomer.join(table.code, "Newcomer")["seat"] == 2
