"""Workshops through a real server: creating one (its tables are ordinary tables), adding a
co-facilitator, the facilitator's list, joining with the room's code in each seating mode,
one seat per device and per name, a full workshop, and moving a person before the start."""

from __future__ import annotations

import json

import pytest
import requests
from realserver import ServerProcess
from workshop_people import Host, device, join, wait_event


@pytest.fixture(scope="module")
def owner(server: ServerProcess) -> Host:
    return Host(server)


def seated(host: Host, workshop: str) -> dict[str, int]:
    people = host.get(f"/api/workshops/{workshop}").json()["people"]
    return {p["name"]: p["number"] for p in people}


def test_a_workshop_opens_ordinary_tables_with_their_own_codes_and_consoles(server, owner):
    w = owner.create(tables=3, seats=4)
    tables = w["tables"]
    assert [t["number"] for t in tables] == [1, 2, 3]
    assert len({t["code"] for t in tables}) == 3
    for t in tables:
        # The console link's key is the table's own facilitator key.
        key = t["console"].split("#key=")[1]
        state = requests.get(f"{server.url}/api/tables/{t['table']}",
                             headers={"X-Facilitator-Key": key}, timeout=10).json()
        assert state["table"]["status"] == "lobby"
        assert "screen_path" in state["table"]  # only the facilitator is told it
        assert len(state["table"]["seats"]) == 4
    assert w["status"] == "open" and w["name"] == "Data day" and w["date"] == "2026-11-27"


def test_the_list_shows_own_and_co_facilitated_workshops(server, owner):
    helper = Host(server)
    w = owner.create()
    assert owner.post(f"/api/workshops/{w['workshop']}/facilitators",
                      {"user_name": helper.user_name.upper()}).json()["ok"]
    again = owner.post(f"/api/workshops/{w['workshop']}/facilitators",
                       {"user_name": helper.user_name})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_facilitator"
    nobody = owner.post(f"/api/workshops/{w['workshop']}/facilitators",
                        {"user_name": "no-such-person"})
    assert nobody.json()["error"]["code"] == "unknown_facilitator"
    listed = helper.get("/api/workshops").json()["workshops"]
    assert [(x["id"], x["owner"]) for x in listed] == [(w["workshop"], False)]
    assert w["workshop"] in helper.get("/workshops").text  # the page lists it too
    # The co-facilitator may do what the owner does: pace it, add people to run it.
    assert helper.post(f"/api/workshops/{w['workshop']}/command",
                       {"command": "start"}).json()["ok"]


@pytest.mark.parametrize("body, says", [
    ({"tables": 0}, "1 to 20 tables"),
    ({"tables": 21}, "1 to 20 tables"),
    ({"name": "  "}, "name"),
    ({"date": "27/11/2026"}, "2026-11-27"),
    ({"seating": "random"}, "even, pick, list"),
    ({"seats": 40}, "seats"),
    ({"scenario": ["council-chatbot"]}, "one for each"),
    ({"scenario": ["council-chatbot", "nowhere"]}, "no scenario 'nowhere'"),
    ({"seating": "list", "roster": "Ana"}, "line 1"),
    ({"seating": "list", "roster": "Ana, 9"}, "table 9 does not exist"),
    ({"seating": "list", "roster": "Ana, 1\nana, 2"}, "twice"),
    ({"options": {"difficulty": "brutal"}}, "difficulty must be one of: gentle, standard"),
])
def test_a_bad_workshop_is_refused_saying_what_to_fix(server, owner, body, says):
    full = {"name": "Data day", "date": "2026-11-27", "deck": "good-governance",
            "scenario": "council-chatbot", "tables": 2, "seats": 3, **body}
    before = owner.get("/api/workshops").json()["workshops"]
    res = owner.post("/api/workshops", full)
    assert res.status_code in (400, 404), res.text
    assert says in res.json()["error"]["message"]
    assert owner.get("/api/workshops").json()["workshops"] == before


def test_filling_evenly_spreads_people_and_a_full_workshop_says_what_to_do(server, owner):
    w = owner.create(tables=2, seats=3)
    for name in ("Ana", "Bo", "Cy", "Di", "Ed", "Fa"):
        res = join(server, w["code"], name)
        assert res.status_code == 200, res.text
        assert res.json()["play_url"] == f"/play/{res.json()['table']}#token={res.json()['token']}"
    counts = list(seated(owner, w["workshop"]).values())
    assert sorted(counts) == [1, 1, 1, 2, 2, 2]
    full = join(server, w["code"], "Gus")
    assert full.status_code == 409 and full.json()["error"]["code"] == "workshop_full"
    assert "ask the facilitator" in full.json()["error"]["message"]


def test_one_seat_per_device_and_per_name_and_a_return_gets_the_same_seat(server, owner):
    w = owner.create(tables=2, seats=3)
    phone = device()
    first = join(server, w["code"], "Ana", phone).json()
    again = join(server, w["code"].lower(), "ana", phone).json()  # a reload: the same seat
    assert (again["table"], again["seat"], again["token"]) == \
        (first["table"], first["seat"], first["token"])
    other_name = join(server, w["code"], "Zed", phone)
    assert other_name.json()["error"]["code"] == "already_joined"
    assert "as Ana at table 1" in other_name.json()["error"]["message"]
    other_phone = join(server, w["code"], "ANA")
    assert other_phone.json()["error"]["code"] == "name_taken"
    assert seated(owner, w["workshop"]) == {"Ana": 1}
    # The token is the seat's: it says hello at the table as the seat.
    table = requests.get(f"{server.url}/api/tables/{first['table']}", timeout=10).json()
    assert [s["name"] for s in table["table"]["seats"]] == ["Ana", None, None]


def test_a_person_whose_seat_was_freed_is_seated_again_by_joining_again(
        server, owner, clients):
    w = owner.create(tables=2, seats=3)
    phone = device()
    first = join(server, w["code"], "Ana", phone).json()
    c = clients(server.url)
    c.hello(first["table"], token=first["token"])
    assert c.call("leave", {})["ok"]
    back = join(server, w["code"], "Ana", phone).json()
    # A seat this device holds now, not the freed seat's token (which no seat would accept).
    assert clients(server.url).hello(back["table"], token=back["token"])["you"]["kind"] == "seat"
    assert seated(owner, w["workshop"]) == {"Ana": back["number"]}


def test_people_pick_a_table_and_see_the_free_seats(server, owner):
    w = owner.create(tables=2, seats=3, seating="pick")
    assert join(server, w["code"], "Ana").json()["error"]["code"] == "pick_table"
    assert join(server, w["code"], "Ana", table=3).json()["error"]["code"] == "pick_table"
    for name in ("Ana", "Bo", "Cy"):
        assert join(server, w["code"], name, table=2).json()["number"] == 2
    room = requests.get(f"{server.url}/api/w/{w['code']}", timeout=10).json()
    assert [(t["number"], t["free"]) for t in room["tables"]] == [(1, 3), (2, 0)]
    full = join(server, w["code"], "Di", table=2)
    assert full.json()["error"]["code"] == "table_full"
    assert "choose another table" in full.json()["error"]["message"]


def test_assigning_by_list_seats_each_name_at_its_table(server, owner):
    many = "".join(f"Person {n}, {n % 2 + 1}\n" for n in range(60))  # a long paste
    w = owner.create(tables=2, seats=3, seating="list",
                     roster=f"Ana Lopez, 2\nBo\t1\n\n{many}")
    assert join(server, w["code"], "ana lopez").json()["number"] == 2
    assert join(server, w["code"], "Bo").json()["number"] == 1
    stranger = join(server, w["code"], "Mallory")
    assert stranger.status_code == 403 and stranger.json()["error"]["code"] == "not_on_list"


def test_a_person_is_moved_before_the_start_and_gets_the_new_seat_by_joining_again(
        server, owner, clients):
    w = owner.create(tables=2, seats=3)
    phone = device()
    first = join(server, w["code"], "Ana", phone).json()
    old = clients(server.url)
    old.hello(first["table"], token=first["token"])
    moved = owner.post(f"/api/workshops/{w['workshop']}/move", {"name": "ana", "table": 2})
    assert moved.json()["moved"] == {"name": "Ana", "number": 2, "seat": 0}
    lost = wait_event(old, "seat_lost")
    assert lost["code"] == "moved" and "join page" in lost["message"]
    back = join(server, w["code"], "Ana", phone).json()
    assert back["number"] == 2 and back["table"] == w["tables"][1]["table"]
    assert clients(server.url).hello(back["table"], token=back["token"])["you"]["seat"] == 0
    assert old.call("hello", {"table": first["table"], "token": first["token"]})[
        "error"]["code"] == "bad_token"
    # Not once the game has started.
    owner.post(f"/api/workshops/{w['workshop']}/command", {"command": "start"})
    late = owner.post(f"/api/workshops/{w['workshop']}/move", {"name": "Ana", "table": 1})
    assert late.json()["error"]["code"] == "already_started"


def test_a_wrong_workshop_code_is_refused(server):
    res = join(server, "ZZZ-ZZZ", "Ana")
    assert res.status_code == 400 and res.json()["error"]["code"] == "bad_code"
    assert join(server, "ZZZ-ZZZ", "Ana", dev="short").json()["error"]["code"] == "bad_code"


def test_each_table_may_play_its_own_scenario(server, owner):
    w = owner.create(tables=2, seats=3, scenario=["council-chatbot", "street-sensors"])
    played = [requests.get(f"{server.url}/api/tables/{t['table']}", timeout=10).json()[
        "table"]["scenario"] for t in w["tables"]]
    assert played == ["council-chatbot", "street-sensors"]


def test_a_workshop_sets_every_tables_difficulty(server, owner):
    """Chosen on the workshop form as on /new: every table plays it, so its bots weigh a
    player's case as the difficulty says (tests/test_persuade.py)."""
    w = owner.create(tables=2, seats=3, options={
        "bots": "greedy", "difficulty": "gentle",
        "timers": {"proposal": 0, "discussion": 0, "vote": 0}})
    plain = owner.create(tables=1, seats=3)
    for t in w["tables"]:
        assert json.loads(server.table_row(t["table"])["options"])["difficulty"] == "gentle"
        assert server.public(t["table"])["game"]["difficulty"] == "gentle"
    assert server.public(plain["tables"][0]["table"])["game"]["difficulty"] is None
