"""Bots that talk and can be persuaded: they say in the discussion which proposals they will
back and why; a case made for a proposal sways them as the difficulty says, only when the
case is true of the card; they break ranks as often as the difficulty says, so the learner's
vote can change what the table adopts. Over Socket.IO, in-process, with the real server."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fixtures.gamekit import good_governance
from fixtures.inprocess import DECK, SCENARIO, Game

from game.engine.actions import IllegalAction, apply, new_game, step
from game.engine.bots import choose, play_bots
from game.engine.persuade import serves


def at_vote(seed: int, persuadable: int, disagree: int, difficulty: str = "standard"):
    """A four-seat good-governance game at the first vote, seat 0 still to vote: the bots
    (seats 1-3) and seat 0 proposed as greedy bots do, and everyone but seat 0 is ready."""
    state = new_game(good_governance(), SCENARIO, 4, seed, difficulty=difficulty)
    state.difficulty = dataclasses.replace(state.difficulty, persuadable=persuadable,
                                           disagree=disagree)
    while state.phase == "proposal":
        for seat in range(4):
            c = choose(state, seat, "greedy")
            if c and c.action["type"] in ("propose", "pass"):
                step(state, c.action)
    return state


def case_for(state, holds: bool):
    """A (proposal seat, reason) among seat 1-3's proposals that is true (or false) of the card,
    for a proposal the bots would not back anyway."""
    rnd = state.rounds[-1]
    for s, p in rnd.proposals.items():
        if s == 0 or p is None:
            continue
        for reason in state.deck.criteria:
            if serves(state, s, reason)[0] == holds:
                return s, reason
    return None


def test_a_true_case_sways_a_persuadable_bot_and_a_false_one_never_does():
    swayed = unswayed = refused = 0
    for seed in range(12):
        for persuadable in (100, 0):
            state = at_vote(seed, persuadable, 0)
            if state.phase != "discussion":
                continue
            case = case_for(state, holds=True)
            if case is None:
                continue
            step(state, {"type": "ready", "seat": 0, "back": case[0], "reason": case[1]})
            for seat in (1, 2, 3):
                c = choose(state, seat, "greedy")
                step(state, c.action)
                assert "I will back" in c.reason  # they say what they back, and why
            for seat in (1, 2, 3):
                c = choose(state, seat, "greedy")
                backs = case[0] in c.action["approve"]
                if "The case convinced me" in c.reason:
                    assert persuadable == 100 and backs
                    swayed += 1
                elif "but I still prefer" in c.reason:
                    assert persuadable == 0 and not backs
                    unswayed += 1
                step(state, c.action)
        state = at_vote(seed, 100, 0)
        false = case_for(state, holds=False) if state.phase == "discussion" else None
        if false:
            step(state, {"type": "ready", "seat": 0, "back": false[0], "reason": false[1]})
            for seat in (1, 2, 3):
                step(state, choose(state, seat, "greedy").action)
            c = choose(state, 1, "greedy")
            if "does not hold" in c.reason:
                refused += 1
    assert swayed and unswayed and refused, (swayed, unswayed, refused)


def test_a_case_names_a_proposal_on_the_table_and_a_criterion_or_track():
    state = at_vote(0, 60, 20)
    assert state.phase == "discussion"
    real = next(s for s, p in state.rounds[-1].proposals.items() if p is not None)
    for bad, code in (({"back": 9, "reason": "democratic"}, "bad_proposal"),
                      ({"back": real, "reason": "budget"}, "bad_reason"),
                      ({"back": real, "reason": "democracy"}, "bad_reason")):
        with pytest.raises(IllegalAction) as caught:
            step(state, {"type": "ready", "seat": 0, **bad})
        assert caught.value.code == code
    step(state, {"type": "ready", "seat": 0, "back": real, "reason": "trust"})


def test_the_learners_vote_can_change_what_the_table_adopts():
    """When bots break ranks, the learner's yes or no decides some proposals."""
    decided = 0
    for seed in range(30):
        state = at_vote(seed, 60, 40)
        if state.phase != "discussion":
            continue
        play_bots(state, {1: "objective", 2: "objective", 3: "objective"})
        step(state, {"type": "ready", "seat": 0})
        play_bots(state, {1: "objective", 2: "objective", 3: "objective"})
        assert state.phase == "vote" and set(state.rounds[-1].votes) == {1, 2, 3}
        every = [s for s, p in state.rounds[-1].proposals.items() if p is not None]
        yes, _ = apply(state, {"type": "vote", "seat": 0, "approve": every})
        no, _ = apply(state, {"type": "vote", "seat": 0, "approve": []})
        if {a.seat for a in yes.rounds[-1].adopted} != {a.seat for a in no.rounds[-1].adopted}:
            decided += 1
    assert decided >= 3, f"the learner's vote decided only {decided} rounds of 30"


def test_without_a_difficulty_bots_vote_as_they_always_did():
    state = new_game(good_governance(), SCENARIO, 4, 3)
    assert state.difficulty is None
    play_bots(state, {s: "greedy" for s in range(4)})
    votes = [v for v in state.rounds[0].votes.values()]
    assert votes and all(v == votes[0] for v in votes)  # one block


GAMES_FOR_A_DECLINE = 40


def test_bots_talk_in_the_discussion_and_answer_a_case_over_socketio(tmp_path: Path):
    game = Game(tmp_path)
    case_words = ("The case convinced me", "does not hold", "but I still prefer",
                  "the budget cannot pay")
    checked = 0
    # Deals differ from game to game (the server draws each seed): play until a bot declines
    # the proposal the learner made the case for, so its answer is heard at least once.
    # Gentle bots are swayed 85 % of the time, so a run of 12 games without one decline
    # came up in CI; 40 makes it about as likely as never.
    for attempt in range(GAMES_FOR_A_DECLINE):
        lines, backed, target = _a_case_over_socketio(game, f"persuade-test-{attempt}")
        for seat, line in lines.items():
            # A bot that does not back the proposal the learner made the case for says why.
            if target not in backed[str(seat)]:
                assert any(w in line for w in case_words), line
                checked += 1
        if checked:
            break
    assert checked, f"no bot declined the learner's case in {GAMES_FOR_A_DECLINE} games"


def _a_case_over_socketio(game: Game, browser_id: str) -> tuple[dict, dict, int]:
    """One solo round in which the learner makes a case: the bots' vote lines, the votes and
    the seat the case was for."""
    r = game.http.post("/api/solo", json={"deck": DECK, "scenario": SCENARIO,
                                          "difficulty": "gentle", "variant": "team",
                                          "browser_id": browser_id})
    assert r.status_code == 201, r.get_data(as_text=True)
    solo = r.get_json()
    learner = game.connect(browser_id)
    you = learner.ok("hello", {"table": solo["table"], "token": solo["token"]})["game"]["you"]
    card = you["hand"][0]
    fits = [g for g in card["costs"] if g not in card["over_budget"]]
    action = {"type": "propose", "card": card["card"], "group": fits[0]} if fits \
        else {"type": "pass"}
    learner.ok("act", {"action": action})
    view = learner.last()
    assert view["game"]["phase"] == "discussion"
    said = [b for b in view["table"]["bots_say"] if b["type"] == "ready"]
    assert len(said) == 3 and all(b["says"].startswith("I will back") or
                                  b["says"].startswith("I see nothing") for b in said)
    reasons = view["game"]["you"]["case_reasons"]
    assert "democratic" in reasons and "trust" in reasons and "budget" not in reasons
    others = [p for p in view["game"]["current"]["proposals"] if p.get("card") and p["seat"]]
    target = others[0]["seat"] if others else 0
    learner.ok("act", {"action": {"type": "ready", "back": target, "reason": "democratic"}})
    assert learner.last()["game"]["phase"] == "vote"
    learner.ok("act", {"action": {"type": "vote", "approve": [target]}})
    end = learner.last()
    assert end["game"]["phase"] == "result"
    lines = {b["seat"]: b["says"] for b in end["table"]["bots_say"] if b["type"] == "vote"}
    assert sorted(lines) == [1, 2, 3]
    return lines, end["game"]["current"]["votes"], target
