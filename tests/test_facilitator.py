"""The facilitator's console and the phase timer, as the people at the table see them: the
timer running out, pause, resume, extend, stopping the timer, a bot in an empty seat, a seat
freed, a new join code. In-process (tests/fixtures/inprocess.py), with a clock the test moves,
so no test waits for real time."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.inprocess import Game, Table, propose

PROPOSAL_ONLY = {"proposal": 60, "discussion": 0, "vote": 0}


@pytest.fixture
def game(tmp_path: Path) -> Game:
    return Game(tmp_path)


def proposals(game: Game, table: Table) -> list[dict]:
    return game.public(table.id)["game"]["current"]["proposals"]


# ---- the phase timer -----------------------------------------------------------------------


def test_the_proposal_timer_running_out_passes_for_whoever_has_not_proposed(game):
    table = Table(game, 3, timers=PROPOSAL_ONLY)
    table.start()
    assert table.timer() == {"phase": "proposal", "round": 1, "length": 60, "remaining": 60.0}
    propose(table.players[0])
    assert game.tick_after(59) == 0
    assert table.phase() == "proposal"
    assert table.timer()["remaining"] == 1.0

    assert game.tick_after(2) == 1
    assert table.phase() == "discussion"
    shown = proposals(game, table)
    assert "card" in shown[0] and [p.get("passed") for p in shown[1:]] == [True, True]
    # Everyone is told why the phase ended, not only that it did.
    for conn in (table.facilitator, *table.players):
        assert {"type": "timeout", "phase": "proposal"} in conn.events(), conn.label
    assert table.timer() is None  # discussion is untimed here
    assert game.tick_after(3600) == 0


def test_each_timed_phase_gets_a_fresh_timer_of_its_own_length(game):
    table = Table(game, 3, timers={"proposal": 60, "discussion": 0, "vote": 45})
    table.start()
    for p in table.players:
        propose(p)
    assert table.phase() == "discussion" and table.timer() is None
    for p in table.players:
        p.ok("act", {"action": {"type": "ready"}})
    assert table.phase() == "vote"
    assert table.timer() == {"phase": "vote", "round": 1, "length": 45, "remaining": 45.0}
    assert game.tick_after(46) == 1
    assert table.phase() == "result"


def test_pausing_holds_the_clock_and_resuming_gives_back_the_time_left(game):
    table = Table(game, 3, timers=PROPOSAL_ONLY)
    table.start()
    propose(table.players[1])
    game.clock.advance(20)
    table.facilitator.command("pause")
    assert table.timer() == {"phase": "proposal", "round": 1, "length": 60,
                             "remaining": 40.0, "paused": True}
    assert game.tick_after(3600) == 0
    assert table.phase() == "proposal"
    assert game.public(table.id)["table"]["status"] == "paused"
    table.players[0].refused("act", {"action": {"type": "pass"}}, "paused")
    table.facilitator.refused("facilitate", {"command": "pause"}, "already_paused")

    table.facilitator.command("resume")
    assert table.timer()["remaining"] == 40.0 and "paused" not in table.timer()
    table.facilitator.refused("facilitate", {"command": "resume"}, "not_paused")
    assert game.tick_after(39) == 0
    assert game.tick_after(2) == 1
    assert table.phase() == "discussion"
    events = table.players[0].events()
    assert events.index({"type": "paused"}) < events.index({"type": "resumed"}) \
        < events.index({"type": "timeout", "phase": "proposal"})


def test_extending_the_timer_gives_the_phase_more_time_even_while_paused(game):
    table = Table(game, 3, timers=PROPOSAL_ONLY)
    table.start()
    propose(table.players[1])
    answer = table.facilitator.command("extend", seconds=30)
    assert answer["events"] == [{"type": "timer", "extended": 30}]
    assert table.timer()["remaining"] == 90.0
    assert game.tick_after(61) == 0
    assert table.phase() == "proposal"

    table.facilitator.command("pause")
    table.facilitator.command("extend")  # a minute by default
    assert table.timer()["remaining"] == 89.0
    table.facilitator.command("resume")
    assert game.tick_after(88) == 0
    assert game.tick_after(2) == 1
    assert table.phase() == "discussion"


@pytest.mark.parametrize("seconds", [0, 1801, -5, "60", True, 1.5])
def test_extend_takes_one_second_to_half_an_hour(game, seconds):
    table = Table(game, 3, timers=PROPOSAL_ONLY)
    table.start()
    table.facilitator.refused("facilitate", {"command": "extend", "args": {"seconds": seconds}},
                              "bad_payload")
    assert table.timer()["remaining"] == 60.0


def test_stopping_the_timer_leaves_the_phase_to_the_players_and_the_facilitator(game):
    table = Table(game, 3, timers={"proposal": 300})
    table.start()
    f = table.facilitator
    assert f.last()["table"]["timer"]["phase"] == "proposal"
    assert f.command("skip_timer")["events"] == [{"type": "timer", "stopped": True}]
    assert f.views()[-1]["table"]["timer"] is None
    assert f.last()["game"]["phase"] == "proposal"
    assert game.tick_after(3600) == 0
    # A move by a player does not start the countdown again.
    propose(table.players[0])
    assert len(proposals(game, table)) == 1
    assert table.timer() is None and table.phase() == "proposal"
    f.refused("facilitate", {"command": "extend", "args": {"seconds": 60}}, "no_timer")
    f.refused("facilitate", {"command": "skip_timer"}, "no_timer")
    f.ok("facilitate", {"command": "advance", "args": {"round": 1, "phase": "proposal"}})
    assert table.phase() == "discussion"


def test_timer_commands_wait_for_the_game_to_start_and_stop_when_it_ends(game):
    table = Table(game, 3, timers=PROPOSAL_ONLY)
    for command in ("pause", "resume", "extend", "skip_timer"):
        table.facilitator.refused("facilitate", {"command": command}, "not_started")
    table.start()
    table.facilitator.command("end")
    for command in ("pause", "resume", "extend", "skip_timer"):
        table.facilitator.refused("facilitate", {"command": command}, "game_over")
    assert game.tick_after(3600) == 0


def test_only_the_facilitator_runs_the_timer(game):
    table = Table(game, 3, timers=PROPOSAL_ONLY)
    table.start()
    for command in ("pause", "extend", "skip_timer"):
        table.players[0].refused("facilitate", {"command": command}, "not_facilitator")
    assert table.timer()["remaining"] == 60.0


# ---- seats ---------------------------------------------------------------------------------


def test_a_bot_added_to_an_empty_seat_plays_for_it(game):
    table = Table(game, 3, players=2, timers=PROPOSAL_ONLY)
    f = table.facilitator
    assert f.command("add_bot", seat=2)["events"][0] == {"type": "add_bot", "seat": 2}
    seats = game.public(table.id)["table"]["seats"]
    assert seats[2] == {"seat": 2, "name": "Bot 3", "kind": "bot", "connected": True}
    f.refused("facilitate", {"command": "add_bot", "args": {"seat": 0}}, "seat_taken")
    f.refused("facilitate", {"command": "add_bot", "args": {"seat": 3}}, "bad_seat")
    late = game.connect("late")
    late.refused("join", {"code": table.code, "name": "Late"}, "table_full")

    table.start()
    # The bot proposes as soon as the round begins; the people have not yet.
    assert [p["seat"] for p in proposals(game, table)] == [2]
    for p in table.players:
        propose(p)
    assert table.phase() == "discussion"


def test_removing_a_seat_frees_it_for_someone_else(game):
    table = Table(game, 3)
    f = table.facilitator
    gone = table.players[1]
    f.command("remove_seat", seat=1)
    assert [lost["code"] for lost in gone.other("seat_lost")] == ["seat_removed"]  # type: ignore[index]
    seats = game.public(table.id)["table"]["seats"]
    assert [s["kind"] for s in seats] == ["human", "empty", "human"]
    f.refused("facilitate", {"command": "remove_seat", "args": {"seat": 1}}, "seat_empty")
    # The removed connection cannot take a seat back with the same code; someone new can.
    gone.refused("join", {"code": table.code, "name": "Back"}, "seat_removed")
    newcomer = table.join("Nia")
    assert newcomer.seat == 1
    table.start()
    propose(newcomer)
    assert [p["seat"] for p in proposals(game, table)] == [1]


def test_removing_a_bot_during_play_leaves_its_seat_empty(game):
    table = Table(game, 3, players=2, bots="greedy")
    table.start()
    seats = game.public(table.id)["table"]["seats"]
    assert seats[2]["kind"] == "bot"
    table.facilitator.command("remove_seat", seat=2)
    assert game.public(table.id)["table"]["seats"][2]["kind"] == "empty"
    assert table.players[0].last()["table"]["seats"][2]["kind"] == "empty"


def test_a_new_join_code_turns_the_old_one_away_and_keeps_everyone_seated(game):
    table = Table(game, 3, players=2)
    f = table.facilitator
    old = table.code
    f.command("new_code")
    new = f.views()[-1]["table"]["code"]
    assert new.replace("-", "") != old.replace("-", "")
    game.connect("stranger").refused("join", {"code": old, "name": "Eve"}, "bad_code")
    third = table.join("Cai", code=new)
    assert third.seat == 2
    table.start()
    for p in (*table.players, third):
        propose(p)
    assert table.phase() == "discussion"
