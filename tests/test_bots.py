"""Bots only take legal actions, finish every game, and greedy bots play better than random."""

from __future__ import annotations

import statistics

import pytest
from fixtures.gamekit import check_invariants, good_governance, start_tracks, tiny

from game.decks.options import BOT_KINDS
from game.engine.actions import legal_actions, new_game, step
from game.engine.bots import choose, play_bots
from game.engine.greedy import greedy_proposal
from game.engine.simulate import play_game


def canonical(action: dict) -> tuple:
    """An action with its list of seats as a set: the engine takes them in any order."""
    return tuple(sorted((k, frozenset(v) if isinstance(v, list) else v)
                        for k, v in action.items()))


def play_checking(state, kinds: dict[int, str]) -> int:
    """Play like play_bots, checking that every bot action is one the engine offered."""
    start = start_tracks(state.deck, state.scenario.id,
                         state.difficulty.id if state.difficulty else None)
    steps = 0
    while state.phase != "ended":
        for seat, kind in kinds.items():
            choice = choose(state, seat, kind)
            if choice is not None:
                break
        else:
            raise AssertionError("no bot could act before the game ended")
        legal = {canonical(a) for a in legal_actions(state, seat)}
        assert canonical(choice.action) in legal, (kind, choice.action)
        assert choice.reason
        step(state, choice.action)
        check_invariants(state, start)
        steps += 1
        assert steps < 1000
    return steps


@pytest.mark.parametrize("kind", BOT_KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_bots_take_only_legal_actions_on_the_tiny_deck(kind, seed):
    for options in (None, {"decision": "chair"}, {"decision": "consensus"}):
        state = new_game(tiny(), "pilot", 2 + seed % 3, seed, options=options)
        play_checking(state, dict.fromkeys(range(state.seats), kind))


@pytest.mark.parametrize("kind", BOT_KINDS)
def test_bots_take_only_legal_actions_on_good_governance(kind):
    deck = good_governance()
    for seed, scenario in enumerate(sorted(deck.scenarios)):
        state = new_game(deck, scenario, 3 + seed % 4, seed,
                         options={"decision": "chair"} if seed % 3 == 0 else None)
        play_checking(state, dict.fromkeys(range(state.seats), kind))


def test_a_mixed_table_finishes():
    state = new_game(good_governance(), "council-chatbot", 6, 3, difficulty="hard")
    play_checking(state, {s: BOT_KINDS[s % 3] for s in range(6)})


def test_play_bots_stops_at_a_person_and_goes_on_after_them():
    state = new_game(tiny(), "pilot", 3, 2)
    taken = play_bots(state, {0: "greedy", 2: "greedy"})
    assert [seat for seat, _, _ in taken] == [0, 2]  # then seat 1, a person, must propose
    assert state.phase == "proposal" and 1 not in state.round.proposals
    step(state, {"type": "pass", "seat": 1})
    taken = play_bots(state, {0: "greedy", 2: "greedy"})
    assert state.phase == "discussion" and state.round.ready == {0, 2}
    assert all(action["type"] == "ready" for _, action, _ in taken)


def test_greedy_proposes_the_best_card_it_can_afford():
    state = new_game(tiny(), "pilot", 3, 2)
    # Seat 0 holds workshop, survey and board. Alone this round (power counts double, trust
    # 1), board with the public (cost 4) is worth 2 voice + 2x3 power + 1 trust from the
    # card, +1 trust (affected), +1 voice +1 trust (rally), +1 trust (lasting, public) = 13;
    # board with staff (3) 9; workshop with the public (2) 2 + 2x1 - 1 + 1 + 2 + 1 = 7.
    card, group, reason = greedy_proposal(state, 0)
    assert (card, group) == ("board", "public")
    assert reason == "Oversight board is rated 3 for power"
    state.tracks["budget"] = 3
    assert greedy_proposal(state, 0)[:2] == ("board", "staff")
    state.tracks["budget"] = 2
    assert greedy_proposal(state, 0)[:2] == ("workshop", "public")
    state.tracks["budget"] = 0
    choice = choose(state, 0, "greedy")
    assert choice.action == {"type": "pass", "seat": 0}


def test_bots_are_deterministic():
    a = play_game(tiny(), "pilot", 3, 11, ["random", "greedy", "objective"])
    b = play_game(tiny(), "pilot", 3, 11, ["random", "greedy", "objective"])
    assert [c.as_dict() for r in a.rounds for c in r.changes] == \
        [c.as_dict() for r in b.rounds for c in r.changes]


def test_greedy_beats_random():
    deck = good_governance()
    totals = {}
    for kind in ("greedy", "random"):
        games = [play_game(deck, "council-chatbot", 4, seed, [kind]) for seed in range(50)]
        totals[kind] = statistics.fmean(g.total() for g in games)
    assert totals["greedy"] > totals["random"] * 1.1, totals


def test_simulations_can_skip_the_reasons_without_changing_the_play():
    explained = new_game(good_governance(), "council-chatbot", 4, 5)
    silent = new_game(good_governance(), "council-chatbot", 4, 5)
    kinds = {0: "greedy", 1: "objective", 2: "random", 3: "greedy"}
    said = play_bots(explained, kinds)
    quiet = play_bots(silent, kinds, explain=False)
    assert [(s, a) for s, a, _ in said] == [(s, a) for s, a, _ in quiet]
    assert all(isinstance(r, str) and r for _, _, r in said)
    assert all(r is None for _, _, r in quiet)
    proposal = next(r for _, a, r in said if a["type"] == "propose")
    assert proposal.startswith("I propose ")
