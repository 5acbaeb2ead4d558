"""Bad input of every kind gets a clear refusal (`{"ok": false, "error": {"code", "message"}}`,
or an HTTP error in JSON) and changes nothing: the table's log, seats and status are compared
before and after every refusal."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from realserver import Client, ServerProcess, hand, open_table

LONG = "x" * 5000


def state(server: ServerProcess, table_id: str) -> dict:
    row = server.table_row(table_id)
    return {"log": server.action_log(table_id), "status": row["status"],
            "seats": [(s["kind"], s["name"], s["token_hash"]) for s in row["seats"]],
            "options": row["options"]}


def refused(client: Client, event: str, data: object, code: str) -> dict:
    answer = client.call(event, data)
    if answer.get("error", {}).get("code") == "too_fast" and code != "too_fast":
        time.sleep(1.05)  # over 20 messages a second: the flood limit, tested on its own below
        answer = client.call(event, data)
    assert answer.get("ok") is False, f"{event} {str(data)[:200]} was accepted: {answer}"
    assert set(answer) == {"ok", "error"} and set(answer["error"]) == {"code", "message"}
    assert answer["error"]["code"] == code, f"{event} {str(data)[:200]}: {answer}"
    message = answer["error"]["message"]
    assert isinstance(message, str) and 0 < len(message) <= 400, message  # short, for people
    return answer


@pytest.fixture
def game(server, clients):
    """A started table of four, in the proposal phase of round one."""
    return open_table(server, clients, seats=4)


def test_unknown_events_and_malformed_payloads_are_refused(server, game):
    p = game.players[0]
    before = state(server, game.id)
    # Unknown events, including names of events that only the server sends.
    for name in ("cheat", "view", "message", "Act", "act ", "x" * 300):
        refused(p, name, {}, "unknown_event")
    # Not an object, or not one object.
    for payload in ("pass", 5, [{"action": {"type": "pass"}}], True, 1.5):
        refused(p, "act", payload, "bad_payload")
    refused(p, "act", ({"action": {"type": "pass"}}, "and more"), "bad_payload")
    # Missing, extra and wrongly typed fields.
    refused(p, "act", None, "bad_payload")
    refused(p, "act", {}, "bad_payload")
    refused(p, "act", {"action": {"type": "pass"}, "seat": 1}, "bad_payload")
    refused(p, "act", {"action": "pass"}, "bad_payload")
    refused(p, "act", {"action": [{"type": "pass"}]}, "bad_payload")
    refused(p, "hello", {}, "bad_payload")
    refused(p, "hello", {"table": 5}, "bad_payload")
    refused(p, "hello", {"table": game.id, "token": 12345}, "bad_payload")
    refused(p, "hello", {"table": game.id, "seat": 0}, "bad_payload")
    refused(p, "join", {"code": game.code}, "bad_payload")
    refused(p, "join", {"code": 123456, "name": "Bo"}, "bad_payload")
    refused(p, "join", {"code": game.code, "name": ["Bo"]}, "bad_payload")
    refused(p, "facilitate", {}, "bad_payload")
    refused(p, "facilitate", {"command": ["start"]}, "bad_payload")
    refused(p, "facilitate", {"command": "start", "args": [1]}, "bad_payload")
    refused(p, "leave", {"now": True}, "bad_payload")
    # Actions the rules cannot read.
    refused(p, "act", {"action": {}}, "unknown_action")
    refused(p, "act", {"action": {"type": 5}}, "unknown_action")
    refused(p, "act", {"action": {"type": "teleport"}}, "unknown_action")
    refused(p, "act", {"action": {"type": "pass", "points": 99}}, "bad_action")
    refused(p, "act", {"action": {"type": "propose", "card": hand(p)[0]["card"]}}, "bad_action")
    assert state(server, game.id) == before


def test_huge_strings_are_refused_with_a_short_message(server, game, clients):
    p = game.players[0]
    before = state(server, game.id)
    refused(p, "hello", {"table": LONG}, "bad_payload")
    refused(p, "hello", {"table": game.id, "token": LONG}, "bad_payload")
    refused(p, "join", {"code": game.code, "name": LONG}, "bad_payload")
    refused(p, "facilitate", {"command": LONG}, "bad_payload")
    refused(p, "act", {"action": {"type": "propose", "card": LONG, "group": "customers"}},
            "bad_action")
    refused(p, "act", {"action": {"type": "pass", "phase": LONG}}, "bad_action")
    refused(p, "act", {"action": {"type": "vote", "approve": [LONG]}}, "bad_action")
    refused(p, "act", {"action": {"type": "vote", "approve": list(range(2000))}}, "bad_action")
    # A name a little too long, or with nothing in it, gets its own explanation.
    stranger = clients(server.url, label="stranger")
    refused(stranger, "join", {"code": game.code, "name": "n" * 41}, "bad_name")
    refused(stranger, "join", {"code": game.code, "name": " \t\u200b "}, "bad_name")
    # A frame over the server's limit (32 KB) ends that connection and nothing else.
    big = clients(server.url, label="big")
    with pytest.raises(Exception):  # noqa: B017 - the answer never comes: the server hung up
        big.sio.call("hello", {"table": "y" * 40_000}, timeout=3)
    assert not big.sio.connected
    assert p.call("act", {"action": {"type": "ready"}})["error"]["code"] == "wrong_phase"
    assert state(server, game.id) == before


def test_unknown_ids_cards_and_seats(server, game):
    p = game.players[0]
    before = state(server, game.id)
    refused(p, "hello", {"table": "no-such-table"}, "unknown_table")
    refused(p, "hello", {"table": game.id + "x"}, "unknown_table")
    refused(p, "hello", {"table": ""}, "unknown_table")
    for r in (requests.get(f"{server.url}/api/tables/no-such-table", timeout=10),
              requests.get(f"{server.url}/api/tables/no-such-table/debrief.json", timeout=10),
              requests.get(f"{server.url}/api/decks/no-such-deck", timeout=10)):
        assert r.status_code == 404 and r.json()["ok"] is False, r.text
    my_card = hand(p)[0]
    others = {c["card"] for q in game.players[1:] for c in hand(q)}
    not_mine = next(c for c in sorted(others) if c not in {h["card"] for h in hand(p)})
    group = next(iter(my_card["costs"]))
    refused(p, "act", {"action": {"type": "propose", "card": "no-such-card", "group": group}},
            "not_in_hand")
    refused(p, "act", {"action": {"type": "propose", "card": not_mine, "group": group}},
            "not_in_hand")  # a real card, in someone else's hand
    refused(p, "act", {"action": {"type": "propose", "card": my_card["card"],
                                  "group": "no-such-group"}}, "bad_group")
    refused(p, "act", {"action": {"type": "pass", "seat": 9}}, "not_your_seat")
    refused(p, "act", {"action": {"type": "pass", "seat": -1}}, "not_your_seat")
    refused(p, "act", {"action": {"type": "pass", "seat": "0x"}}, "not_your_seat")
    f = game.facilitator
    refused(f, "facilitate", {"command": "add_bot", "args": {"seat": 99}}, "bad_seat")
    refused(f, "facilitate", {"command": "remove_seat", "args": {"seat": -1}}, "bad_seat")
    refused(f, "facilitate", {"command": "remove_seat", "args": {"seat": True}}, "bad_seat")
    refused(f, "facilitate", {"command": "launch"}, "unknown_command")
    refused(f, "facilitate", {"command": "extend", "args": {"seconds": "60"}}, "bad_payload")
    refused(f, "facilitate", {"command": "set_timers", "args": {"timers": {"lunch": 5}}},
            "bad_options")
    assert state(server, game.id) == before


def test_out_of_turn_replayed_and_stale_actions(server, game):
    p0, p1, p2, p3 = game.players
    before = state(server, game.id)
    # Out of turn: each phase's actions only in that phase; the chair's only at chair tables.
    refused(p0, "act", {"action": {"type": "ready"}}, "wrong_phase")
    refused(p0, "act", {"action": {"type": "vote", "approve": []}}, "wrong_phase")
    refused(p0, "act", {"action": {"type": "decide", "adopt": []}}, "wrong_phase")
    assert state(server, game.id) == before
    # Replayed: the same action twice is applied once.
    card = hand(p0)[0]
    propose = {"type": "propose", "card": card["card"], "group": next(iter(card["costs"]))}
    assert p0.act(propose)["ok"]
    once = state(server, game.id)
    refused(p0, "act", {"action": propose}, "already_proposed")
    refused(p0, "act", {"action": {"type": "pass"}}, "already_proposed")
    assert state(server, game.id) == once
    # Stale: an action stamped with a round or phase the table has left.
    for p in (p1, p2, p3):
        assert p.act({"type": "pass", "round": 1, "phase": "proposal"})["ok"]
    p0.wait_view(lambda v: v["game"]["phase"] == "discussion")
    moved = state(server, game.id)
    refused(p1, "act", {"action": {"type": "pass", "round": 1, "phase": "proposal"}}, "stale")
    refused(p1, "act", {"action": {"type": "ready", "round": 2}}, "stale")
    refused(p1, "act", {"action": {"type": "ready", "phase": "result"}}, "stale")
    assert p1.act({"type": "ready", "round": 1, "phase": "discussion"})["ok"]
    refused(p1, "act", {"action": {"type": "ready", "round": 1, "phase": "discussion"}},
            "already_ready")
    after = state(server, game.id)
    assert after["log"][:len(moved["log"])] == moved["log"] and len(after["log"]) == len(
        moved["log"]) + 1
    # Votes: for proposals that exist, once.
    for p in (p0, p2, p3):
        assert p.act({"type": "ready"})["ok"]
    p1.wait_view(lambda v: v["game"]["phase"] == "vote")
    refused(p1, "act", {"action": {"type": "vote", "approve": [1]}}, "bad_proposal")  # passed
    refused(p1, "act", {"action": {"type": "vote", "approve": [0, 0]}}, "bad_action")
    refused(p1, "act", {"action": {"type": "vote", "approve": [True]}}, "bad_proposal")
    refused(p1, "act", {"action": {"type": "decide", "adopt": [0]}}, "not_chair")
    assert p1.act({"type": "vote", "approve": [0]})["ok"]
    refused(p1, "act", {"action": {"type": "vote", "approve": []}}, "already_voted")


def test_wrong_or_missing_tokens_and_keys(server, game, clients):
    c = clients(server.url, label="guesser")
    before = state(server, game.id)
    def altered(secret: str) -> str:  # the same secret but for its last character
        return secret[:-1] + ("B" if secret.endswith("A") else "A")

    for token in ("", "x", altered(game.players[0].token), game.key):
        refused(c, "hello", {"table": game.id, "token": token}, "bad_token")
    for key in ("", "x", altered(game.key), game.players[0].token):
        refused(c, "hello", {"table": game.id, "key": key}, "bad_key")
    # With neither, it is only the table screen: nothing to act with.
    assert c.hello(game.id)["you"] == {"kind": "viewer", "seat": None}
    refused(c, "act", {"action": {"type": "pass"}}, "not_seated")
    refused(c, "facilitate", {"command": "pause"}, "not_facilitator")
    # A token is for its own table only.
    other = open_table(server, clients, seats=3, start=False)
    refused(c, "hello", {"table": other.id, "token": game.players[0].token}, "bad_token")
    refused(c, "hello", {"table": other.id, "key": game.key}, "bad_key")
    assert state(server, game.id) == before


def test_bad_http_requests_are_refused_in_json(server):
    url = server.url + "/api/tables"
    cases = [
        ({"data": "not json", "headers": {"Content-Type": "application/json"}}, 400),
        ({"json": []}, 400),
        ({"json": {"deck": "good-governance", "scenario": "council-chatbot"}}, 400),
        ({"json": {"deck": "good-governance", "scenario": "council-chatbot", "seats": "5"}}, 400),
        ({"json": {"deck": "good-governance", "scenario": "council-chatbot", "seats": 99}}, 400),
        ({"json": {"deck": "nope", "scenario": "council-chatbot", "seats": 5}}, 404),
        ({"json": {"deck": "good-governance", "scenario": "nope", "seats": 5}}, 404),
        ({"json": {"deck": "good-governance", "scenario": "council-chatbot", "seats": 5,
                   "options": {"cheat": True}}}, 400),
        ({"json": {"deck": "good-governance", "scenario": "council-chatbot", "seats": 5,
                   "extra": 1}}, 400),
        ({"data": "x" * 100_000, "headers": {"Content-Type": "application/json"}}, 413),
    ]
    for kwargs, status in cases:
        r = requests.post(url, timeout=10, **kwargs)
        assert r.status_code == status, (kwargs.get("json"), r.status_code, r.text[:200])
        body = r.json()
        assert body["ok"] is False and body["error"]["code"] and body["error"]["message"]


def test_a_flood_of_messages_is_cut_short(server, game):
    p = game.players[0]
    before = state(server, game.id)
    # Sent in one burst, each without waiting for the last answer, as a flooding client
    # would: the bound below scales with how long the server took, so a busy machine
    # cannot make this test fail.
    answers: list[dict] = []
    done = threading.Event()

    def answered(answer: dict) -> None:
        answers.append(answer)
        if len(answers) == 60:
            done.set()

    started = time.monotonic()
    for _ in range(60):
        p.sio.emit("act", {"action": {"type": "ready"}}, callback=answered)
    assert done.wait(30), f"{len(answers)} of 60 answered"
    seconds = time.monotonic() - started
    codes = [a["error"]["code"] for a in answers]
    assert set(codes) == {"wrong_phase", "too_fast"}, codes
    assert codes.count("wrong_phase") <= 20 * (int(seconds) + 2), (seconds, codes)
    assert state(server, game.id) == before
    time.sleep(1.05)
    assert p.call("act", {"action": {"type": "ready"}})["error"]["code"] == "wrong_phase"
