"""Property tests: whatever legal actions are taken, in whatever order, the rules hold, the
game replays exactly from its seed and actions, and no view leaks another seat's secrets."""

from __future__ import annotations

import json

from fixtures.depth import examples
from fixtures.gamekit import (
    check_invariants,
    every_view,
    good_governance,
    other_seats_text,
    play,
    start_tracks,
    tiny,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.decks.rules import Adoption
from game.engine.actions import (
    GameState,
    action_types,
    legal_actions,
    new_game,
    round_setting,
    step,
)
from game.engine.results import score
from game.engine.scoring import change_value, plan_worth, score_round, single_worth
from game.engine.view import view

TABLE_OPTIONS = st.sampled_from([
    None,
    {"decision": "consensus"},
    {"decision": "chair"},
    {"decision": "chair", "chair": "treasurer"},
    {"deal": "open", "discard": "proposed"},
    {"hand_size": 2, "adopt_limit": 1},
    {"adopt_limit": 3, "hand_size": 4},
])

PROPERTY = settings(max_examples=examples(60), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def play_randomly(data: st.DataObject, state: GameState, start: dict[str, int],
                  *, max_steps: int = 400) -> list[dict]:
    """Take legal actions chosen by hypothesis until the game ends, checking every rule and
    every view after each one. Returns the actions taken."""
    actions: list[dict] = []
    for _ in range(max_steps):
        if state.phase == "ended":
            break
        seat = pick_actor(data, state)
        action = data.draw(st.sampled_from(legal_actions(state, seat)), label="action")
        for s in range(state.seats):
            assert action_types(state, s) == {a["type"] for a in legal_actions(state, s)}
        version = state.version
        step(state, action)
        actions.append(action)
        assert state.version == version + 1
        check_invariants(state, start)
        check_views_hide_secrets(state)
    return actions


def pick_actor(data: st.DataObject, state: GameState) -> int | None:
    """A seat that can act, or now and then (and when no seat can) the facilitator."""
    seats = [s for s in range(state.seats) if legal_actions(state, s)]
    if not seats or data.draw(st.integers(0, 7), label="advance?") == 0:
        return None
    return data.draw(st.sampled_from(seats), label="seat")


def check_views_hide_secrets(state: GameState) -> None:
    ended = state.phase == "ended"
    open_deal = state.settings.deal == "open"
    public = view(state, None)
    public_text = json.dumps(public)
    for seat in range(state.seats):
        v = view(state, seat)
        # The server builds every seat's view from one public view: the same result, and
        # the shared public view is left as it was.
        assert view(state, seat, public) == v
        assert json.dumps(public) == public_text
        text = json.dumps(v)
        if not ended:
            for secret in other_seats_text(state, seat):
                assert secret not in text, f"seat {seat} can read another seat's objective"
        for entry in v["seats"]:
            assert ("hand" in entry) == (open_deal or ended)
        assert [h["card"] for h in v["you"]["hand"]] == state.hands[seat]
        if state.phase == "proposal":
            for p in v["current"]["proposals"]:
                if p["seat"] != seat:
                    assert p == {"seat": p["seat"], "hidden": True}
        # Nothing about the other seats' hands changes this seat's view.
        if not open_deal and not ended:
            other = state.copy()
            for s in range(state.seats):
                if s != seat:
                    other.hands[s] = [state.hands[seat][0] if state.hands[seat] else "x"] \
                        * len(state.hands[s])
            assert view(other, seat) == v
    table = json.dumps(view(state, None))
    if not ended:
        for seat in range(state.seats):
            for secret in other_seats_text(state, seat):
                assert secret not in table
    assert '"you"' not in table


def replay_matches(state: GameState, actions: list[dict], **setup) -> None:
    again = new_game(state.deck, state.scenario.id, state.seats, state.seed, **setup)
    play(again, actions)
    assert every_view(again) == every_view(state)
    assert score(again) == score(state)
    assert again.hands == state.hands and again.draw_pile == state.draw_pile


@PROPERTY
@given(data=st.data(), seats=st.integers(2, 4), seed=st.integers(0, 2**32),
       scenario=st.sampled_from(["pilot", "short", "odd"]), options=TABLE_OPTIONS,
       difficulty=st.sampled_from([None, "easy"]))
def test_tiny_deck_any_legal_play(data, seats, seed, scenario, options, difficulty):
    deck = tiny()
    setup = {"difficulty": difficulty, "options": options}
    state = new_game(deck, scenario, seats, seed, **setup)
    start = start_tracks(deck, scenario, difficulty)
    check_invariants(state, start)
    actions = play_randomly(data, state, start)
    replay_matches(state, actions, **setup)


@settings(PROPERTY, max_examples=examples(25))
@given(data=st.data(), seats=st.integers(3, 6), seed=st.integers(0, 2**32),
       scenario=st.sampled_from(sorted(good_governance().scenarios)), options=TABLE_OPTIONS,
       difficulty=st.sampled_from([None, *sorted(good_governance().difficulties)]))
def test_good_governance_any_legal_play(data, seats, seed, scenario, options, difficulty):
    deck = good_governance()
    if options and options.get("chair") == "treasurer":
        options = {"decision": "chair", "chair": "head-of-legal"}
    setup = {"difficulty": difficulty, "options": options}
    state = new_game(deck, scenario, seats, seed, **setup)
    start = start_tracks(deck, scenario, difficulty)
    actions = play_randomly(data, state, start)
    replay_matches(state, actions, **setup)


@PROPERTY
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_apply_leaves_the_old_state_alone(data, seed):
    """`apply` returns a new state; the one it was given still replays to the same views."""
    from game.engine.actions import apply

    state = new_game(tiny(), "pilot", 3, seed)
    history: list[tuple[list[dict], str]] = []
    actions: list[dict] = []
    while state.phase != "ended" and len(actions) < 200:
        seat = pick_actor(data, state)
        action = data.draw(st.sampled_from(legal_actions(state, seat)))
        before = json.dumps(every_view(state), sort_keys=True)
        new, _events = apply(state, action)
        assert json.dumps(every_view(state), sort_keys=True) == before
        history.append((list(actions), before))
        actions.append(action)
        state = new
    for prefix, seen in history[:: max(1, len(history) // 5)]:
        again = play(new_game(tiny(), "pilot", 3, seed), prefix)
        assert json.dumps(every_view(again), sort_keys=True) == seen


@settings(PROPERTY, max_examples=examples(80))
@given(data=st.data(), seed=st.integers(0, 2**32), deck_name=st.sampled_from(["tiny", "gg"]),
       steps=st.integers(0, 120))
def test_plan_worth_is_exactly_the_value_of_the_scored_changes(data, seed, deck_name, steps):
    """The bots' fast valuation must agree with scoring the plan in full, to the last bit."""
    from game.engine.bots import choose

    deck = tiny() if deck_name == "tiny" else good_governance()
    scenario = data.draw(st.sampled_from(sorted(deck.scenarios)))
    state = new_game(deck, scenario, 4, seed, options=data.draw(TABLE_OPTIONS))
    for _ in range(steps):
        choices = [c for c in (choose(state, s, "random") for s in range(4)) if c]
        if state.phase == "ended" or not choices:
            break
        step(state, choices[0].action)
    rs = round_setting(state)
    options = [Adoption(deck.interventions[c], g, data.draw(st.integers(0, 6)), seat)
               for seat, hand in enumerate(state.hands) for c in hand
               for g in deck.interventions[c].reach]
    if not options:
        return
    plan = data.draw(st.lists(st.sampled_from(options), max_size=4))
    expected = change_value(score_round(rs, plan), state.weights, state.settings.track_values)
    assert plan_worth(rs, plan) == expected
    if len(plan) == 1:
        [a] = plan
        assert single_worth(rs, a.card, a.group, a.cost, a.seat) == expected


@settings(PROPERTY, max_examples=examples(40))
@given(data=st.data(), seed=st.integers(0, 2**32),
       scenario=st.sampled_from(["pilot", "short", "odd"]), options=TABLE_OPTIONS,
       kind=st.sampled_from(["greedy", "objective"]))
def test_what_bots_remember_never_changes_what_they_choose(data, seed, scenario, options, kind):
    """Bots keep what they work out in the round's cache. Whatever happens in between
    (abilities, events redrawn, costs cut, proposals coming in), a bot with that cache must
    choose what a bot working everything out afresh (on a copy, whose cache is empty) would."""
    from game.engine.bots import choose

    state = new_game(tiny(), scenario, 4, seed, options=options)
    for _ in range(300):
        if state.phase == "ended":
            break
        for s in range(state.seats):
            fresh = choose(state.copy(), s, kind)
            cached = choose(state, s, kind)
            assert (fresh and fresh.action) == (cached and cached.action)
        seat = pick_actor(data, state)
        step(state, data.draw(st.sampled_from(legal_actions(state, seat))))
