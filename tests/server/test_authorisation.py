"""Who may do what: every event, sent by every kind of participant, against one table.

The participants, all on their own connection:
- seat: the player in seat 0, the one the cases below are about;
- other_seat: the player in seat 1 of the same table;
- table_view: the table's own screen (hello with the secret of its link);
- watcher: someone who knows only the table's id (hello with neither token, key nor screen);
- spectator: a player seated at *another* table, who knows this table's id and code;
- facilitator: hello with the facilitator key;
- stranger: connected, but never said hello.

Each cell is the answer's error code ("ok" when accepted) and what it did to the table, read
back from the database: refused cells must change nothing at all.
"""

from __future__ import annotations

import collections
import time

import pytest
from realserver import Table, open_table

from game.server.config import Config

PARTICIPANTS = ("seat", "other_seat", "table_view", "watcher", "spectator", "facilitator",
                "stranger")


def cases(a: Table) -> list[tuple[str, str, object]]:
    """(case, event, payload), in the order they are sent: the accepted ones that change the
    table come last, so that each participant meets every case in the same situation."""
    seat0 = {"type": "pass", "seat": 0}
    return [
        ("unknown_event", "cheat", {"table": a.id}),
        ("hello_forged_token", "hello", {"table": a.id, "token": "x" * 32}),
        ("hello_forged_key", "hello", {"table": a.id, "key": "x" * 32}),
        ("hello_unknown_table", "hello", {"table": "no-such-table"}),
        ("hello_forged_screen", "hello", {"table": a.id, "screen": "x" * 24}),
        ("emit_disconnect", "disconnect", {}),
        ("emit_connect", "connect", {}),
        ("join_wrong_code", "join", {"code": "ZZZ-ZZZ", "name": "Mallory"}),
        ("join_full_table", "join", {"code": a.code, "name": "Mallory"}),
        ("start_again", "facilitate", {"command": "start"}),
        ("advance_unstamped", "facilitate", {"command": "advance"}),
        ("advance_stale", "facilitate", {"command": "advance",
                                         "args": {"round": 1, "phase": "vote"}}),
        ("pause_with_extra_args", "facilitate", {"command": "pause", "args": {"all": True}}),
        ("add_bot_over_seat0", "facilitate", {"command": "add_bot", "args": {"seat": 0}}),
        ("undo", "undo", {}),
        ("advance_as_action", "act", {"action": {"type": "advance"}}),
        ("act_for_seat0", "act", {"action": seat0}),
        ("pause", "facilitate", {"command": "pause"}),
        ("remove_seat0", "facilitate", {"command": "remove_seat", "args": {"seat": 0}}),
        ("leave", "leave", {}),
        ("end", "facilitate", {"command": "end"}),
    ]


# The expected answer of every cell. "ok+X" means accepted with effect X (see EFFECTS).
EXPECTED: dict[str, dict[str, str]] = {
    "unknown_event": dict.fromkeys(PARTICIPANTS, "unknown_event"),
    "hello_forged_token": dict.fromkeys(PARTICIPANTS, "bad_token"),
    "hello_forged_key": dict.fromkeys(PARTICIPANTS, "bad_key"),
    "hello_unknown_table": dict.fromkeys(PARTICIPANTS, "unknown_table"),
    "hello_forged_screen": dict.fromkeys(PARTICIPANTS, "bad_key"),
    # The connection's own events cannot be sent by a client (it would show a seat as away
    # while the connection kept receiving its views).
    "emit_disconnect": dict.fromkeys(PARTICIPANTS, "reserved_event"),
    "emit_connect": dict.fromkeys(PARTICIPANTS, "reserved_event"),
    # One seat per connection: a seated connection cannot take another seat.
    "join_wrong_code": {**dict.fromkeys(PARTICIPANTS, "bad_code"), "seat": "already_seated",
                        "other_seat": "already_seated", "spectator": "already_seated"},
    "join_full_table": {**dict.fromkeys(PARTICIPANTS, "table_full"), "seat": "already_seated",
                        "other_seat": "already_seated", "spectator": "already_seated"},
    "start_again": {"seat": "not_facilitator", "other_seat": "not_facilitator",
                    "table_view": "not_facilitator", "spectator": "not_facilitator",
                    "facilitator": "already_started", "stranger": "not_joined"},
    # The facilitator's "move on" names the phase it moves on from, as players' actions do.
    "advance_unstamped": {**dict.fromkeys(PARTICIPANTS, "not_facilitator"),
                          "facilitator": "bad_payload", "stranger": "not_joined"},
    "advance_stale": {**dict.fromkeys(PARTICIPANTS, "not_facilitator"),
                      "facilitator": "stale", "stranger": "not_joined"},
    "pause_with_extra_args": {**dict.fromkeys(PARTICIPANTS, "not_facilitator"),
                              "facilitator": "bad_payload", "stranger": "not_joined"},
    "add_bot_over_seat0": {"seat": "not_facilitator", "other_seat": "not_facilitator",
                           "table_view": "not_facilitator", "spectator": "not_facilitator",
                           "facilitator": "seat_taken", "stranger": "not_joined"},
    "undo": {"seat": "not_solo", "other_seat": "not_solo", "table_view": "not_solo",
             "spectator": "not_solo", "facilitator": "not_solo", "stranger": "not_joined"},
    "advance_as_action": {"seat": "not_facilitator", "other_seat": "not_facilitator",
                          "table_view": "not_seated", "spectator": "not_facilitator",
                          "facilitator": "not_seated", "stranger": "not_joined"},
    "act_for_seat0": {"seat": "ok+seat0_passed", "other_seat": "not_your_seat",
                      "table_view": "not_seated", "spectator": "not_your_seat",
                      "facilitator": "not_seated", "stranger": "not_joined"},
    "pause": {"seat": "not_facilitator", "other_seat": "not_facilitator",
              "table_view": "not_facilitator", "spectator": "not_facilitator",
              "facilitator": "ok+paused", "stranger": "not_joined"},
    "remove_seat0": {"seat": "not_facilitator", "other_seat": "not_facilitator",
                     "table_view": "not_facilitator", "spectator": "not_facilitator",
                     "facilitator": "ok+seat0_empty", "stranger": "not_joined"},
    # Leaving gives up *your own* seat: the other seat frees seat 1, the spectator its seat at
    # the other table; neither touches seat 0.
    "leave": {"seat": "ok+seat0_empty", "other_seat": "ok+seat1_empty",
              "table_view": "not_seated", "spectator": "ok+nothing_here",
              "facilitator": "not_seated", "stranger": "not_joined"},
    "end": {"seat": "not_facilitator", "other_seat": "not_facilitator",
            "table_view": "not_facilitator", "spectator": "not_facilitator",
            "facilitator": "ok+ended", "stranger": "not_joined"},
}

for _cells in EXPECTED.values():  # a watcher may do what the table screen may: nothing
    _cells.setdefault("watcher", _cells["table_view"])


def snapshot(server, table_id: str) -> dict:
    row = server.table_row(table_id)
    return {"status": row["status"], "log": server.action_log(table_id),
            "seats": [(s["seat"], s["kind"], s["name"], s["token_hash"]) for s in row["seats"]]}


def effect(before: dict, after: dict) -> str:
    """Name what changed at the table, for the cells that are accepted."""
    if after == before:
        return "nothing_here"
    changes = []
    new_rows = after["log"][len(before["log"]):]
    if after["log"][:len(before["log"])] != before["log"]:
        changes.append("log_rewritten")
    for r in new_rows:
        changes.append(f"seat{r['seat']}_{r['action']['type']}ed")
    if after["status"] != before["status"]:
        changes.append(after["status"])
    for old, new in zip(before["seats"], after["seats"], strict=True):
        if old != new:
            changes.append(f"seat{new[0]}_{new[1]}")
    return ",".join(changes)


# The server's budget of events per connection per second. The cases go out as fast as the
# table can be read between them: on a quick machine that came near the budget, and a
# refusal for pace is not what this test is about.
EVENTS_PER_SECOND = Config.events_per_second


class Pace:
    """At most `per_second` calls in any second: waits only when that many were just made."""

    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self.sent: collections.deque[float] = collections.deque()

    def wait(self) -> None:
        now = time.monotonic()
        while self.sent and now - self.sent[0] >= 1.0:
            self.sent.popleft()
        if len(self.sent) >= self.per_second:
            time.sleep(1.0 - (now - self.sent[0]))
            self.sent.popleft()
        self.sent.append(time.monotonic())


def watcher(server, clients, a: Table):
    c = clients(server.url, label="watcher")
    c.hello(a.id)
    return c


@pytest.mark.parametrize("who", PARTICIPANTS)
def test_every_event_by_every_participant(server, clients, who):
    a = open_table(server, clients, seats=5)
    b = open_table(server, clients, seats=3) if who == "spectator" else None
    actor = {
        "seat": lambda: a.players[0],
        "other_seat": lambda: a.players[1],
        "table_view": lambda: a.screen,
        "watcher": lambda: watcher(server, clients, a),
        "spectator": lambda: b.players[1],  # type: ignore[union-attr]
        "facilitator": lambda: a.facilitator,
        "stranger": lambda: clients(server.url, label="stranger"),
    }[who]()
    actual: dict[str, str] = {}
    seated_views = 0
    pace = Pace(EVENTS_PER_SECOND - 5)
    for case, event, payload in cases(a):
        if case == "leave":
            seated_views = len(actor.views)
        before = snapshot(server, a.id)
        before_b = snapshot(server, b.id) if b else None
        pace.wait()
        answer = actor.call(event, payload)
        after = snapshot(server, a.id)
        if answer.get("ok"):
            actual[case] = "ok+" + effect(before, after)
        else:
            assert set(answer) == {"ok", "error"}, answer
            assert answer["error"]["message"], answer
            actual[case] = answer["error"]["code"]
            assert after == before, f"{who} {case} was refused but changed the table"
            if b is not None:
                assert snapshot(server, b.id) == before_b, f"{case} changed the other table"
    expected = {case: EXPECTED[case][who] for case in EXPECTED}
    wrong = {c: (actual.get(c), expected[c]) for c in expected if actual.get(c) != expected[c]}
    assert not wrong, f"{who}: (got, expected) {wrong}"

    # What each kind of participant was sent about table A.
    seen = [v for v in actor.views if v["table"]["id"] == a.id]
    if who in ("stranger", "spectator"):
        assert seen == [], f"{who} received table A's views"
    elif who in ("table_view", "watcher", "facilitator"):
        assert seen and all("you" not in v.get("game", {}) for v in seen)
        # The join code is for the screen and the console; a watcher sees it only while
        # the table is filling up (its game started before the watcher came).
        assert all(("code" in v["table"]) == (who != "watcher") for v in seen), who
    else:
        own = 0 if who == "seat" else 1
        while_seated = [v for v in actor.views[:seated_views]
                        if v["table"]["id"] == a.id and "game" in v]
        assert while_seated and all(v["game"]["you"]["seat"] == own for v in while_seated)
