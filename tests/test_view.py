"""What each seat may see: its own hand and objective, never another seat's, and proposals
and votes only once the table may see them."""

from __future__ import annotations

import json

from fixtures.gamekit import play, tiny

from game.engine import new_game, step
from game.view import view

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
                                               "costs": {"public": 4, "staff": 3}}
    assert view(state, 0)["you"]["legal"] == ["pass", "propose"]
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
