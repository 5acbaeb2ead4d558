"""What each seat may see: its own hand and objective, never another seat's, and proposals
and votes only once the table may see them."""

from __future__ import annotations

import json

import pytest
from fixtures.gamekit import good_governance, play, tiny

from game.engine.actions import new_game, step
from game.engine.attribution import STAMP, for_engine, note, stamp
from game.engine.debrief import debrief
from game.engine.view import view

# Seed 2, pilot, 3 seats: roles convenor, treasurer, researcher.
OBJECTIVES = {r.id: r.objective.text for r in tiny().roles.values()}


def game(**kwargs):
    return new_game(tiny(), "pilot", 3, 2, **kwargs)


def to_vote(state) -> None:
    play(state, [
        {"type": "propose", "seat": 0, "card": "board", "group": "public"},
        {"type": "propose", "seat": 1, "card": "workshop", "group": "staff"},
        {"type": "pass", "seat": 2},
        *({"type": "ready", "seat": s} for s in range(3)),
    ])


def test_a_seat_sees_its_own_hand_and_objective_only():
    state = game()
    for seat, role in enumerate(state.roles):
        v = view(state, seat)
        text = json.dumps(v)
        assert v["you"]["seat"] == seat
        assert [h["card"] for h in v["you"]["hand"]] == state.hands[seat]
        assert v["you"]["objective"] == OBJECTIVES[role]
        for other, other_role in enumerate(state.roles):
            if other != seat:
                assert OBJECTIVES[other_role] not in text
        assert all("hand" not in entry for entry in v["seats"])
        assert [e["hand_size"] for e in v["seats"]] == [3, 3, 3]
        # Roles and abilities are public.
        assert [e["role"]["id"] for e in v["seats"]] == state.roles


def test_the_table_view_holds_no_hand_and_no_objective():
    state = game()
    table = view(state, None)
    text = json.dumps(table)
    assert "you" not in table
    assert not any(objective in text for objective in OBJECTIVES.values())
    assert all("hand" not in entry for entry in table["seats"])


def test_costs_in_hand_follow_the_round():
    state = game()
    assert view(state, 0)["you"]["hand"][2] == {"card": "board",
                                               "costs": {"public": 4, "staff": 3},
                                               "over_budget": []}
    assert view(state, 0)["you"]["legal"] == ["pass", "propose"]
    # The view, not the browser, says which groups the budget left cannot pay for.
    state.tracks["budget"] = 3
    assert view(state, 0)["you"]["hand"][2]["over_budget"] == ["public"]
    assert view(state, 1)["you"]["legal"] == ["ability", "pass", "propose"]


def test_votes_stay_secret_until_the_result():
    state = game()
    to_vote(state)
    step(state, {"type": "vote", "seat": 0, "approve": [0]})
    for seat in (None, 0, 1, 2):
        current = view(state, seat)["current"]
        assert current["voted"] == [0]
        assert "votes" not in current and "adopted" not in current
    play(state, [{"type": "vote", "seat": 1, "approve": [0, 1]},
                 {"type": "vote", "seat": 2, "approve": [1]}])
    current = view(state, 2)["current"]
    assert current["votes"] == {"0": [0], "1": [0, 1], "2": [1]}
    assert [a["card"] for a in current["adopted"]] == ["board", "workshop"]
    assert current["refused"] == []
    assert {c["target"] for c in current["changes"]} >= {"voice", "power", "trust", "budget"}


def test_open_deal_shows_every_hand():
    state = game(options={"deal": "open"})
    v = view(state, 0)
    assert [e["hand"] for e in v["seats"]] == state.hands
    assert OBJECTIVES[state.roles[1]] not in json.dumps(v)


def test_the_end_reveals_hands_objectives_and_the_last_result():
    state = game()
    to_vote(state)
    play(state, [{"type": "vote", "seat": s, "approve": [0]} for s in range(3)])
    while state.phase != "ended":
        step(state, {"type": "advance"})
    v = view(state, 1)
    assert [e["hand"] for e in v["seats"]] == state.hands
    assert {o["role"] for o in v["outcome"]["objectives"]} == set(state.roles)
    assert [h["number"] for h in v["history"]] == [1, 2]
    assert [a["card"] for a in v["history"][0]["adopted"]] == ["board"]
    assert "adopted" in v["current"]  # the last round's result is shown too
    assert v["you"]["legal"] == []


def test_history_keeps_each_round():
    state = game()
    to_vote(state)
    play(state, [{"type": "vote", "seat": s, "approve": [0, 1]} for s in range(3)])
    play(state, [{"type": "ready", "seat": s} for s in range(3)])
    v = view(state, 0)
    assert v["round"] == 2 and v["current"]["stage"] == "build"
    [first] = v["history"]
    assert [p.get("card") for p in first["proposals"]] == ["board", "workshop", None]
    assert first["proposals"][0]["cost"] is None  # costs are shown only for this round
    assert v["current"]["events"][0]["id"] == "cuts"
    assert v["tracks"] == state.tracks and v["budget_left"] == 0


# ---- what the view works out for the browser, and who acted --------------------------------


def logged(state, acts, action, holder=None):
    """Apply an action as the table does: note who filled which slot, then step."""
    if holder is not None:
        action = {**action, STAMP: holder}
    note(acts, state, action)
    step(state, for_engine(action))


def test_the_view_says_whom_the_table_waits_for_and_the_votes_needed():
    state = game()
    assert view(state, None)["current"]["waiting"] == [0, 1, 2]
    assert view(state, None)["votes_needed"] == 2
    step(state, {"type": "pass", "seat": 1})
    assert view(state, None)["current"]["waiting"] == [0, 2]
    assert view(game(options={"decision": "consensus"}), None)["votes_needed"] == 3


def test_the_view_says_what_each_seat_is_doing():
    state = game()
    step(state, {"type": "pass", "seat": 1})
    assert view(state, None)["current"]["doing"] == [
        {"done": False, "text": "choosing"}, {"done": True, "text": "has chosen"},
        {"done": False, "text": "choosing"}]
    to_vote(state := game())
    step(state, {"type": "vote", "seat": 2, "approve": [0]})
    assert [d["text"] for d in view(state, 0)["current"]["doing"]] == [
        "deciding", "deciding", "voted"]


def test_when_the_chair_decides_only_the_chair_has_a_part_in_the_vote():
    state = game(options={"decision": "chair"})
    to_vote(state)
    chair = state.rounds[-1].chair
    doing = view(state, None)["current"]["doing"]
    assert doing[chair] == {"done": False, "text": "deciding"}
    assert [d for s, d in enumerate(doing) if s != chair] == [None, None]


def test_the_debrief_says_which_rounds_are_decided():
    state = game()
    to_vote(state)
    assert [r["resolved"] for r in debrief(state)["rounds"]] == [False]
    play(state, [{"type": "vote", "seat": s, "approve": [0]} for s in range(3)])
    assert [r["resolved"] for r in debrief(state)["rounds"]] == [True]


def test_every_criterion_change_says_its_points_on_the_weighted_total():
    state = game()
    to_vote(state)
    play(state, [{"type": "vote", "seat": s, "approve": [0, 1]} for s in range(3)])
    changes = view(state, None)["current"]["changes"]
    crit = [c for c in changes if c["target"] in state.deck.criteria]
    assert crit and all(c["points"] == c["amount"] * state.weights[c["target"]] for c in crit)
    assert all(c["points"] is None for c in changes if c["target"] in state.deck.tracks)
    assert sum(c["points"] for c in crit) == view(state, None)["total"]


def test_a_seat_that_changed_hands_is_told_who_chose_for_it():
    state, acts = game(), {}
    bot = stamp("bot", "Bot 3", 2, None)
    dana = stamp("human", "Dana", 2, "token-hash-of-dana")
    logged(state, acts, {"type": "propose", "seat": 0, "card": "board", "group": "public"},
           stamp("human", "Ana", 0, "secret-ana-hash"))
    logged(state, acts, {"type": "pass", "seat": 2}, bot)
    mine = view(state, 2, acts=acts, holder=dana)["you"]
    assert mine["proposal"]["by_you"] is False
    assert mine["notices"] == ["Before you took this seat, Bot 3 passed for it this round."]
    hidden = view(state, None, acts=acts)["current"]["proposals"]
    assert all(p == {"seat": p["seat"], "hidden": True} for p in hidden), hidden
    logged(state, acts, {"type": "pass", "seat": 1}, stamp("human", "Ben", 1, "ben"))
    table = view(state, None, acts=acts)["current"]["proposals"]
    assert [p["by"]["name"] for p in table] == ["Ana", "Ben", "Bot 3"]
    for seat in (None, 0, 1, 2):
        assert "secret-ana" not in json.dumps(view(state, seat, acts=acts, holder=dana)), \
            "holders' ids stay on the server"
    same = view(state, 2, acts=acts, holder=bot)["you"]
    assert same["proposal"]["by_you"] is True and same["notices"] == []


def test_a_seat_the_table_filled_in_is_told_so():
    state, acts = game(), {}
    logged(state, acts, {"type": "propose", "seat": 0, "card": "board", "group": "public"},
           stamp("human", "Ana", 0, "ana"))
    logged(state, acts, {"type": "advance", "round": 1, "phase": "proposal"},
           {"kind": "timer"})
    notices = view(state, 1, acts=acts, holder=stamp("human", "Ben", 1, "ben"))["you"]["notices"]
    assert notices == ["Time ran out before you chose: you passed this round."]
    logged(state, acts, {"type": "advance", "round": 1, "phase": "discussion"},
           {"kind": "facilitator"})
    logged(state, acts, {"type": "vote", "seat": 0, "approve": [0]},
           stamp("human", "Ana", 0, "ana"))
    logged(state, acts, {"type": "advance", "round": 1, "phase": "vote"},
           {"kind": "facilitator"})
    notices = view(state, 2, acts=acts, holder=stamp("human", "Cy", 2, "cy"))["you"]["notices"]
    assert notices[-1] == ("The facilitator moved the table on before you voted: your vote "
                           "counted as a no to every proposal.")
    assert view(state, None, acts=acts)["current"]["voted_by"]["2"] == {
        "kind": "default", "why": "facilitator"}


def test_the_outlook_carries_the_pace_so_far_to_the_last_round():
    state = new_game(good_governance(), "council-chatbot", 3, 7)
    assert view(state, None)["outlook"]["status"] == "early"
    while state.rounds[0].hands_at_decision == []:
        step(state, {"type": "advance"})
    out = view(state, None)["outlook"]
    decided = 1
    rounds = len(state.scenario.stages)
    assert out["status"] in ("on_track", "at_risk") and out["rounds_decided"] == decided
    assert out["projected"]["total"] == pytest.approx(sum(
        state.weights[c] * round(v * rounds / decided) for c, v in state.scores.items()))
    assert out["win"] == state.settings.win_text
