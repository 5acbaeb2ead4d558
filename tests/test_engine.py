"""Unit tests of the rules engine on the tiny fixture deck, with numbers worked out by hand
from tests/fixtures/decks/tiny."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fixtures.gamekit import TINY, actors, check_invariants, play, snapshot, start_tracks, tiny

from game.decks.loader import load_deck
from game.engine.actions import (
    IllegalAction,
    adopt_limit,
    apply,
    card_cost,
    legal_actions,
    new_game,
    step,
)
from game.engine.results import outcome, score
from game.engine.view import view

# Seed 2, scenario pilot, 3 seats deals: roles convenor, treasurer, researcher; hands
# [workshop, survey, board], [audit, workshop, panel], [panel, survey, survey]; event rally.
SEED = 2


def game(seats: int = 3, seed: int = SEED, scenario: str = "pilot", **kwargs):
    return new_game(tiny(), scenario, seats, seed, **kwargs)


def propose(seat: int, card: str, group: str) -> dict:
    return {"type": "propose", "seat": seat, "card": card, "group": group}


def ready_all(state) -> None:
    for s in range(state.seats):
        step(state, {"type": "ready", "seat": s})


def vote(seat: int, *approve: int) -> dict:
    return {"type": "vote", "seat": seat, "approve": list(approve)}


def first_round_proposals(state) -> None:
    play(state, [propose(0, "board", "public"), propose(1, "workshop", "staff"),
                 propose(2, "survey", "public")])


def variant(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the tiny deck with one line of its settings changed."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    deck_file = folder / "deck.yaml"
    text = deck_file.read_text()
    assert old in text
    deck_file.write_text(text.replace(old, new))
    return folder


# ---- setting up ----------------------------------------------------------------------------


def test_new_game_deals_the_table():
    state = game()
    assert state.hands == [["workshop", "survey", "board"], ["audit", "workshop", "panel"],
                           ["panel", "survey", "survey"]]
    assert state.roles == ["convenor", "treasurer", "researcher"]
    assert state.phase == "proposal" and state.round.number == 1 and state.round.stage == "plan"
    assert state.round.events == ["rally"]
    assert state.tracks == {"budget": 5, "trust": 3}
    assert state.scores == {"voice": 0, "power": 0}
    assert state.weights == {"voice": 1.0, "power": 2.0}
    check_invariants(state, start_tracks(tiny(), "pilot", None))


def test_more_seats_than_roles_leaves_seats_without_one():
    state = new_game(load_deck(TINY), "pilot", 4, 0)
    assert sorted(r for r in state.roles if r) == sorted(tiny().roles)
    state = new_game(tiny(), "pilot", 2, 0)
    assert len(state.roles) == 2 and all(state.roles)


@pytest.mark.parametrize(("args", "kwargs", "code"), [
    (("nowhere", 3, 1), {}, "unknown_scenario"),
    (("pilot", 1, 1), {}, "bad_seats"),
    (("pilot", 5, 1), {}, "bad_seats"),
    (("pilot", 3, 1), {"difficulty": "brutal"}, "unknown_difficulty"),
])
def test_new_game_refuses_a_bad_setup(args, kwargs, code):
    with pytest.raises(IllegalAction) as caught:
        new_game(tiny(), *args, **kwargs)
    assert caught.value.code == code and caught.value.message


def test_scenario_and_difficulty_set_the_start():
    assert game(scenario="short").tracks["budget"] == 8
    easy = game(difficulty="easy")
    assert easy.tracks["budget"] == 7
    # Easy draws only severity-1 events: never cuts (2) or shake-up (3).
    assert set(easy.round.events + easy.event_pile) == {"rally", "grant", "lull"}
    assert game(scenario="short").event_pile + game(scenario="short").round.events \
        in (["grant", "rally"], ["rally", "grant"])


def test_the_same_seed_deals_the_same_game_and_another_seed_another():
    assert snapshot(game(seed=9)) == snapshot(game(seed=9))
    deals = {str(game(seed=s).hands) for s in range(10)}
    assert len(deals) == 10


# ---- a round, worked by hand ---------------------------------------------------------------


def test_proposals_are_hidden_until_everyone_has_proposed():
    state = game()
    step(state, propose(0, "board", "public"))
    assert state.phase == "proposal"
    seen_by_1 = view(state, 1)["current"]["proposals"]
    assert seen_by_1 == [{"seat": 0, "hidden": True}]
    assert view(state, 0)["current"]["proposals"][0]["card"] == "board"
    events = step(state, propose(1, "workshop", "staff"))
    assert events == [{"type": "proposed", "seat": 1}]
    events = step(state, {"type": "pass", "seat": 2})
    assert events == [{"type": "passed", "seat": 2}, {"type": "revealed"}]
    assert state.phase == "discussion"
    assert [p.get("card") for p in view(state, 2)["current"]["proposals"]] == \
        ["board", "workshop", None]


def test_a_round_scores_every_point_with_its_reason():
    state = game()
    first_round_proposals(state)
    ready_all(state)
    assert state.phase == "vote"
    events = play(state, [vote(0, 0, 1), vote(1, 0, 1, 2)]) and step(state, vote(2, 2))
    assert events == [{"type": "voted", "seat": 2}, {"type": "resolved", "adopted": [0, 1]}]
    rnd = state.round
    # Each proposal has 2 votes of 3; board (seat 0) and workshop (seat 1) come first.
    assert [(a.seat, a.card.id, a.group, a.cost) for a in rnd.adopted] == \
        [(0, "board", "public", 4), (1, "workshop", "staff", 1)]
    assert rnd.refused == [(2, "the table may adopt at most 2 this round")]
    got = [(c.target, c.amount, c.source) for c in rnd.changes]
    assert got == [
        ("budget", -4, "cost"), ("voice", 2, "rating"), ("power", 3, "rating"),
        ("trust", 1, "intervention"),
        ("budget", -1, "cost"), ("voice", 2, "rating"), ("power", 1, "rating"),
        ("trust", -1, "intervention"),
        ("trust", 1, "stage plan"),  # board reaches the public, who are affected
        ("voice", 1, "event rally"), ("trust", 1, "event rally"),  # board reaches the public
        ("trust", 1, "scenario pilot"),  # board is lasting and reaches the public
    ]
    assert rnd.changes[8].why == "Asking the people affected first builds trust. (Oversight board)"
    assert state.tracks == {"budget": 0, "trust": 6}
    assert state.scores == {"voice": 5, "power": 4}
    sheet = score(state)
    assert sheet["total"] == 5 * 1 + 4 * 2
    assert sheet["criteria"]["power"]["weighted"] == 8
    assert [r["why"] for r in sheet["criteria"]["power"]["reasons"]] == [
        "Oversight board is rated 3 for power", "Workshop is rated 1 for power"]
    assert sheet["tracks"]["trust"]["start"] == 3
    # Adopted cards leave their hands and the hands are topped up from the draw pile.
    assert state.hands == [["workshop", "survey", "jury"], ["audit", "panel", "jury"],
                           ["panel", "survey", "survey"]]
    assert state.discard_pile == ["board", "workshop"]
    assert state.phase == "result"
    check_invariants(state, start_tracks(tiny(), "pilot", None))


def test_an_event_effect_stops_at_the_track_minimum_and_says_so():
    state = game()
    first_round_proposals(state)
    ready_all(state)
    play(state, [vote(0, 0, 1), vote(1, 0, 1), vote(2)])
    ready_all(state)
    assert state.round.number == 2 and state.round.events == ["cuts"]
    [change] = state.round.changes
    assert (change.target, change.amount) == ("budget", 0)
    assert change.why == "Cuts (stopped at its minimum, 0)"


def test_a_plan_over_budget_is_refused_in_vote_order():
    state = game()
    play(state, [propose(0, "board", "public"), propose(1, "audit", "experts"),
                 propose(2, "survey", "public")])
    ready_all(state)
    # board (4) has 3 votes and goes first, leaving 1: audit (1) fits, then the limit is hit.
    play(state, [vote(0, 0, 1, 2), vote(1, 0, 1), vote(2, 0, 2)])
    assert [a.card.id for a in state.round.adopted] == ["board", "audit"]
    state = game()
    play(state, [propose(0, "board", "public"), propose(1, "workshop", "public"),
                 {"type": "pass", "seat": 2}])
    ready_all(state)
    play(state, [vote(0, 0, 1), vote(1, 0, 1), vote(2, 1)])
    # workshop (2) has 3 votes and goes first; board (4) no longer fits in the 3 left.
    assert [a.card.id for a in state.round.adopted] == ["workshop"]
    assert state.round.refused == [(0, "it costs 4 and the budget had only 3 left")]
    assert state.tracks["budget"] == 3


def test_the_game_ends_after_the_last_stage():
    state = game(scenario="short")
    for _ in range(2):
        step(state, {"type": "advance"})  # everyone passes: nothing to discuss
        assert state.phase == "result"
        step(state, {"type": "advance"})
    assert state.phase == "ended" and len(state.rounds) == 2
    assert legal_actions(state, 0) == [] and legal_actions(state, None) == []
    result = outcome(state)
    assert result["ended"] is True
    assert result["won"] is False  # trust 3 < 4 and total 0 < 12
    assert result["win_condition"]
    assert {o["role"]: o["met"] for o in result["objectives"]} == {
        "convenor": False, "treasurer": True, "researcher": False}
    with pytest.raises(IllegalAction) as caught:
        step(state, {"type": "advance"})
    assert caught.value.code == "game_over"


def test_a_table_wins_when_its_win_condition_holds():
    state = game(scenario="short")
    play(state, [propose(0, "board", "public"), propose(1, "workshop", "public"),
                 {"type": "pass", "seat": 2}])
    ready_all(state)
    play(state, [vote(0, 0, 1), vote(1, 0, 1), vote(2, 0, 1)])
    assert [a.card.id for a in state.round.adopted] == ["board", "workshop"]
    assert (state.tracks, state.total()) == ({"budget": 2, "trust": 6}, 10)
    assert outcome(state)["won"] is False  # not over yet, and 10 < 12
    ready_all(state)
    # Review: oversight adds its power stars again; the audit (2 power) is worth 2 + 2 more.
    play(state, [{"type": "pass", "seat": 0}, propose(1, "audit", "experts"),
                 {"type": "pass", "seat": 2}])
    ready_all(state)
    play(state, [vote(0, 1), vote(1, 1), vote(2)])
    ready_all(state)
    assert state.phase == "ended"
    assert (state.tracks, state.scores) == ({"budget": 1, "trust": 6}, {"voice": 6, "power": 8})
    assert outcome(state)["won"] is True


# ---- refused actions -----------------------------------------------------------------------


def at_vote():
    state = game()
    first_round_proposals(state)
    ready_all(state)
    step(state, vote(0, 0))
    return state


@pytest.mark.parametrize(("make", "action", "code"), [
    (game, vote(0, 0), "wrong_phase"),
    (game, {"type": "ready", "seat": 0}, "wrong_phase"),
    (game, propose(0, "jury", "public"), "not_in_hand"),
    (game, propose(0, "nonsense", "public"), "not_in_hand"),
    (game, propose(0, "board", "experts"), "bad_group"),
    (game, propose(3, "board", "public"), "bad_seat"),
    (game, propose(True, "board", "public"), "bad_seat"),
    (game, {"type": "propose", "seat": 0, "card": "board"}, "bad_action"),
    (game, {**propose(0, "board", "public"), "cheat": 1}, "bad_action"),
    (game, {"type": "advance", "seat": 0}, "bad_action"),
    (game, {"type": "teleport", "seat": 0}, "unknown_action"),
    (game, {"type": ["propose"], "seat": 0}, "unknown_action"),
    (game, {"type": "propose", "seat": 0, "card": ["board"], "group": "public"}, "not_in_hand"),
    (game, {"type": "propose", "seat": 0, "card": "board", "group": ["public"]}, "bad_group"),
    (game, ["propose"], "bad_action"),
    (game, {**propose(0, "board", "public"), "round": 2}, "stale"),
    (game, {**propose(0, "board", "public"), "phase": "vote"}, "stale"),
    (game, {"type": "ability", "seat": 0}, "wrong_phase"),  # casting vote: vote phase only
    (at_vote, vote(0, 1), "already_voted"),
    (at_vote, vote(1, 0, 0), "bad_action"),
    (at_vote, vote(1, 5), "bad_proposal"),
    (at_vote, vote(1, "0"), "bad_proposal"),
    (at_vote, {"type": "decide", "seat": 1, "adopt": [0]}, "not_chair"),
    (at_vote, propose(1, "audit", "experts"), "wrong_phase"),
    (at_vote, {**vote(1, 0), "phase": "discussion"}, "stale"),
])
def test_an_illegal_action_is_refused_and_changes_nothing(make, action, code):
    state = make()
    before = snapshot(state)
    with pytest.raises(IllegalAction) as caught:
        apply(state, action)
    assert caught.value.code == code and caught.value.message
    with pytest.raises(IllegalAction):
        step(state, action)
    assert snapshot(state) == before


def test_proposing_or_getting_ready_twice_is_refused():
    state = game()
    step(state, propose(0, "board", "public"))
    for again in (propose(0, "survey", "public"), {"type": "pass", "seat": 0}):
        before = snapshot(state)
        with pytest.raises(IllegalAction) as caught:
            step(state, again)
        assert caught.value.code == "already_proposed" and snapshot(state) == before
    play(state, [propose(1, "workshop", "staff"), propose(2, "survey", "public")])
    step(state, {"type": "ready", "seat": 0})
    with pytest.raises(IllegalAction) as caught:
        step(state, {"type": "ready", "seat": 0})
    assert caught.value.code == "already_ready"


def test_every_legal_action_is_accepted():
    state = game()
    while state.phase != "ended":
        for who in actors(state):
            for action in legal_actions(state, who):
                apply(state, action)  # raises if the engine refuses its own offer
        who = actors(state)[0]
        step(state, legal_actions(state, who)[-1])


# ---- decision rules ------------------------------------------------------------------------


def test_majority_needs_more_than_half_the_seats():
    state = game()
    first_round_proposals(state)
    ready_all(state)
    play(state, [vote(0, 0), vote(1, 0, 1), vote(2, 2)])
    assert [a.seat for a in state.round.adopted] == [0]
    assert sorted(state.round.refused) == [
        (1, "did not get a majority's support (1 of 3)"),
        (2, "did not get a majority's support (1 of 3)")]


def test_consensus_needs_every_seat():
    state = game(options={"decision": "consensus"})
    first_round_proposals(state)
    ready_all(state)
    play(state, [vote(0, 0, 1, 2), vote(1, 0, 1), vote(2, 0, 2)])
    assert [a.seat for a in state.round.adopted] == [0]
    assert (2, "did not get everyone's support (2 of 3)") in state.round.refused


def test_the_chair_decides_alone_and_the_chair_rotates():
    state = game(options={"decision": "chair"})
    assert state.round.chair == 0
    play(state, [propose(0, "board", "public"), propose(1, "workshop", "public"),
                 propose(2, "survey", "public")])
    ready_all(state)
    assert legal_actions(state, 1) == []
    with pytest.raises(IllegalAction) as caught:
        step(state, vote(0, 0))
    assert caught.value.code == "chair_decides"
    decide = [a for a in legal_actions(state, 0) if a["type"] == "decide"]
    # Up to 2 of the 3 proposals, within the budget of 5: board (4) and workshop (2) clash.
    assert sorted(map(tuple, (a["adopt"] for a in decide))) == sorted(
        [(), (0,), (1,), (2,), (0, 2), (1, 2)])
    for bad, code in (([0, 1], "over_budget"), ([0, 1, 2], "over_limit")):
        with pytest.raises(IllegalAction) as caught:
            step(state, {"type": "decide", "seat": 0, "adopt": bad})
        assert caught.value.code == code
    step(state, {"type": "decide", "seat": 0, "adopt": [2, 1]})
    assert [a.seat for a in state.round.adopted] == [2, 1]
    assert view(state, 1)["current"]["voted"] == [0]
    ready_all(state)
    assert state.round.chair == 1


def test_a_role_can_hold_the_chair_every_round():
    state = game(options={"decision": "chair", "chair": "researcher"})
    assert state.round.chair == 2
    step(state, {"type": "advance"})  # all pass
    step(state, {"type": "advance"})
    assert state.round.number == 2 and state.round.chair == 2


def test_advance_fills_in_for_missing_seats_by_default():
    state = game()
    step(state, propose(0, "board", "public"))
    events = step(state, {"type": "advance"})
    assert events[0] == {"type": "advanced", "phase": "proposal"}
    assert state.round.proposals[1] is None and state.round.proposals[2] is None
    assert state.phase == "discussion"
    step(state, {"type": "advance"})
    assert state.phase == "vote"
    step(state, vote(0, 0))
    step(state, {"type": "advance"})  # seats 1 and 2 abstain: 1 of 3 is no majority
    assert state.round.adopted == [] and state.phase == "result"


def test_advance_with_best_proposals_and_approving_silence(tmp_path):
    folder = variant(tmp_path, "  adopt_limit: 2\n",
                     "  adopt_limit: 2\n  on_timeout: {proposal: best, vote: approve}\n")
    state = new_game(load_deck(folder), "pilot", 3, SEED)
    step(state, {"type": "advance"})
    proposed = state.round.proposals
    assert all(p is not None for p in proposed.values())
    # A greedy seat proposes what it can afford that adds the most on its own.
    assert (proposed[0].card, proposed[0].group) == ("board", "public")
    step(state, {"type": "advance"})
    step(state, vote(0))  # seat 0 votes for nothing; the silent seats approve everything
    step(state, {"type": "advance"})
    # Every proposal has 2 votes of 3; board (4) goes first and leaves too little for more.
    assert [a.card.id for a in state.round.adopted] == ["board"]
    assert state.round.refused == [(1, "it costs 2 and the budget had only 1 left"),
                                   (2, "it costs 2 and the budget had only 1 left")]


def test_a_deck_can_allow_debt(tmp_path):
    folder = variant(tmp_path, "  adopt_limit: 2\n", "  adopt_limit: 2\n  debt: true\n")
    state = new_game(load_deck(folder), "pilot", 3, SEED)
    assert state.budget_left() is None
    play(state, [propose(0, "board", "public"), propose(1, "workshop", "public"),
                 {"type": "pass", "seat": 2}])
    ready_all(state)
    play(state, [vote(0, 0, 1), vote(1, 0, 1), vote(2)])
    assert state.tracks["budget"] == 5 - 4 - 2
    check_invariants(state, start_tracks(state.deck, "pilot", None))


def test_discarding_proposed_cards_empties_more_of_the_hand():
    state = game(options={"discard": "proposed"})
    first_round_proposals(state)
    ready_all(state)
    play(state, [vote(0, 0), vote(1, 0), vote(2, 0)])
    assert sorted(state.discard_pile) == ["board", "survey", "workshop"]
    assert "workshop" not in state.hands[1]


def test_without_refill_hands_shrink(tmp_path):
    folder = variant(tmp_path, "  hand_size: 3\n", "  hand_size: 3\n  refill: none\n")
    state = new_game(load_deck(folder), "pilot", 3, SEED)
    first_round_proposals(state)
    ready_all(state)
    play(state, [vote(0, 0), vote(1, 0), vote(2, 0)])
    assert [len(h) for h in state.hands] == [2, 3, 3]


# ---- events and abilities ------------------------------------------------------------------


def test_an_event_can_cut_costs_and_raise_the_adopt_limit():
    state = game(seed=0)  # round 1 draws grant: surveys cost 1 less, one more may be adopted
    assert state.round.events == ["grant"]
    assert adopt_limit(state) == 3
    assert card_cost(state, "survey", "public") == 0
    assert card_cost(state, "board", "public") == 4
    assert view(state, 2)["you"]["hand"][0] == {"card": "survey",
                                               "costs": {"public": 0, "experts": 0},
                                               "over_budget": []}


def test_a_lull_skips_the_next_event():
    state = game(seed=1)  # round 1 draws lull
    assert state.round.events == ["lull"]
    step(state, {"type": "advance"})  # all pass; nobody adopted: the lull costs trust
    assert [(c.target, c.amount) for c in state.round.changes] == [("trust", -1)]
    step(state, {"type": "advance"})
    assert state.round.number == 2 and state.round.events == []


def test_abilities_work_once_in_their_phase():
    state = game()  # convenor, treasurer, researcher
    step(state, {"type": "ability", "seat": 1})  # find funds: +2 budget
    assert state.tracks["budget"] == 7
    assert state.round.changes[-1].why == "Find funds (Treasurer)"
    with pytest.raises(IllegalAction) as caught:
        step(state, {"type": "ability", "seat": 1})
    assert caught.value.code == "ability_used"
    step(state, {"type": "ability", "seat": 2})  # read up: draw a card, in any phase
    assert len(state.hands[2]) == 4
    first_round_proposals(state)
    ready_all(state)
    assert adopt_limit(state) == 2
    step(state, {"type": "ability", "seat": 0})  # casting vote: one more may be adopted
    assert adopt_limit(state) == 3
    assert view(state, 1)["current"]["abilities"] == [1, 2, 0]
    play(state, [vote(0, 0, 1, 2), vote(1, 0, 1, 2), vote(2)])
    assert len(state.round.adopted) == 3
    assert state.ability_used == [True, True, True]


def test_a_seat_without_a_role_has_no_ability():
    state = new_game(tiny(), "pilot", 4, 3)
    state.roles[3] = None
    with pytest.raises(IllegalAction) as caught:
        step(state, {"type": "ability", "seat": 3})
    assert caught.value.code == "no_ability"


def test_changing_the_subject_redraws_the_event():
    state = game(seed=5)  # spokesperson at seat 0; round 1 draws grant, then rally
    assert state.round.events == ["grant"] and state.roles[0] == "spokesperson"
    step(state, {"type": "ability", "seat": 0})
    assert state.round.events == ["rally"]
    assert "grant" not in state.event_pile


def test_a_cost_change_can_depend_on_the_affected_groups(tmp_path):
    # Grant: "surveys cost 1 less" becomes "anything aimed at an affected group costs 1 less".
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    events = folder / "events.yaml"
    events.write_text(events.read_text().replace("where: {tag: survey}",
                                                 "where: {reaches_affected: true}"))
    state = new_game(load_deck(folder), "pilot", 3, 0)  # round 1 draws grant
    assert card_cost(state, "jury", "public") == 2 and card_cost(state, "jury", "staff") == 2
    assert card_cost(state, "survey", "experts") == 1
    from game.engine.coach import best_alternative

    step(state, {"type": "advance"})
    assert best_alternative(state, 0)["best"]["plan"]


def test_a_redrawn_event_never_discards_a_proposed_card():
    state = game(seed=5)  # spokesperson at seat 0
    state.event_pile.insert(0, "shake-up")  # what the redraw will bring: discard 1, draw 1
    state.hands[1] = ["audit"]  # seat 1 holds only the card it is about to propose
    step(state, propose(1, "audit", "experts"))
    step(state, {"type": "ability", "seat": 0})  # change the subject: shake-up
    assert state.round.events == ["shake-up"]
    # The proposed card is on the table: nothing else to discard, and one card drawn.
    assert state.hands[1][0] == "audit" and len(state.hands[1]) == 2
    card = state.hands[0][0]
    play(state, [propose(0, card, next(iter(state.deck.interventions[card].reach))),
                 {"type": "pass", "seat": 2}])
    ready_all(state)
    play(state, [vote(s, 1) for s in range(3)])
    assert [(a.seat, a.card.id) for a in state.round.adopted] == [(1, "audit")]
    assert state.round.hands_at_decision[1][0] == "audit"
