"""What each connection is sent: never another seat's hidden hand or secret objective, and
names as plain text.

Every message a client receives (each `view`, any other event, every acknowledgement) is
recorded during a whole game and checked afterwards."""

from __future__ import annotations

import json
import re
from pathlib import Path

import requests
from realserver import REPO, Client, open_table, paths, play_round, table_version


def secret_paths(value: object, key: str) -> list[str]:
    """Where `key` is found, leaving out a stage's own objective and principles
    (`game.current.stage_text.objective`), which the deck shows to everyone in that round."""
    return [p for p in paths(value, key)
            if p not in ("game.current.stage_text.objective", "current.stage_text.objective")]


def messages(client: Client) -> list[object]:
    return [*client.views, *client.others, *client.answers]


def test_no_message_to_a_seat_holds_another_seats_hand_or_objective(server, clients):
    table = open_table(server, clients, seats=5)
    players = table.players
    objectives = {p.seat: p.last_view()["game"]["you"].get("objective") for p in players}
    assert all(objectives.values()) and len(set(objectives.values())) == 5, objectives
    rounds = server.public(table.id)["game"]["rounds"]
    for _ in range(rounds - 1):  # the last round ends the game, when everything is shown
        play_round(table)
    # The last round up to the vote, and hands seen mid-proposal too.
    for p in players[:2]:
        c = p.last_view()["game"]["you"]["hand"][0]
        assert p.act({"type": "propose", "card": c["card"], "group": next(iter(c["costs"]))})
    for p in players:
        p.wait_version(table_version(players[1]))

    checked = 0
    for p in players:
        assert p.views and p.answers
        for m in messages(p):
            text = json.dumps(m)
            for other, objective in objectives.items():
                if other != p.seat:
                    assert objective not in text, f"seat {p.seat} was sent seat {other}'s goal"
            assert set(paths(m, "hand")) <= {"game.you.hand"}, paths(m, "hand")
            secrets = secret_paths(m, "objective")
            assert set(secrets) <= {"game.you.objective"}, secrets
            if isinstance(m, dict) and "game" in m:
                you = m["game"]["you"]
                assert you["seat"] == p.seat
                game = m["game"]
                if game["phase"] == "proposal":
                    for prop in game["current"]["proposals"]:
                        if prop["seat"] != p.seat:
                            assert prop == {"seat": prop["seat"], "hidden": True}, prop
            checked += 1
    for watcher in (table.screen, table.facilitator):
        for m in messages(watcher):
            text = json.dumps(m)
            assert not any(o in text for o in objectives.values())
            assert paths(m, "hand") == [] and secret_paths(m, "objective") == []
            assert "you" not in m.get("game", {})
            checked += 1
    assert checked > 5 * rounds * 20
    # Over HTTP, the public view holds neither either.
    public = server.public(table.id)
    assert paths(public, "hand") == [] and secret_paths(public, "objective") == []


def test_while_proposing_nobody_sees_what_the_others_proposed(server, clients):
    table = open_table(server, clients, seats=3)
    p0, p1, p2 = table.players
    c = p0.last_view()["game"]["you"]["hand"][0]
    assert p0.act({"type": "propose", "card": c["card"], "group": next(iter(c["costs"]))})["ok"]
    v1 = p1.wait_view(lambda v: v["game"]["current"]["proposals"])
    assert v1["game"]["current"]["proposals"] == [{"seat": 0, "hidden": True}]
    screen = table.screen.wait_view(lambda v: v["game"]["current"]["proposals"])
    assert screen["game"]["current"]["proposals"] == [{"seat": 0, "hidden": True}]
    mine = p0.wait_view(lambda v: v["game"]["current"]["proposals"])
    assert mine["game"]["current"]["proposals"][0]["card"] == c["card"]
    # Once everyone has proposed, all are revealed to all.
    assert p1.act({"type": "pass"})["ok"] and p2.act({"type": "pass"})["ok"]
    revealed = p1.wait_view(lambda v: v["game"]["phase"] == "discussion")
    assert revealed["game"]["current"]["proposals"][0]["card"] == c["card"]


def test_names_are_stored_and_sent_as_text_not_markup(server, clients):
    table = open_table(server, clients, seats=3, players=0, start=False)
    names = ['<img src=x onerror=1>', '"><b>x</b>&amp;', "Zoë 👋 <i>"]
    for name in names:
        clients(server.url, label=name).join(table.code, name)
    row = server.table_row(table.id)
    assert [s["name"] for s in row["seats"]] == names  # stored as typed
    public = server.public(table.id)
    assert [s["name"] for s in public["table"]["seats"]] == names  # sent as typed, in JSON
    r = requests.get(f"{server.url}/api/tables/{table.id}", timeout=10)
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    view = table.screen.wait_view(lambda v: all(s["name"] for s in v["table"]["seats"]))
    assert [s["name"] for s in view["table"]["seats"]] == names
    # The pages are rendered without names, so no name reaches HTML from the server...
    for page in (f"/screen/{table.id}", f"/play/{table.id}", f"/facilitate/{table.id}"):
        html = requests.get(server.url + page, timeout=10).text
        assert "onerror" not in html and "<b>x</b>" not in html
    # ... and the browser code puts text into the page only as text.
    for js in Path(REPO, "static", "js").glob("*.js"):
        source = js.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write",
                             source), f"{js.name} writes markup"
