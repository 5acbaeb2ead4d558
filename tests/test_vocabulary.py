"""Every word of the deck vocabulary (game/decks/vocabulary.py), one case each: a tiny deck that
uses the word, played in a situation where it holds and one where it does not.

Conditions are checked through the scoring the engine plays with (score_round, and plan_worth,
which bots and the coach use, must agree with it); effects through the engine itself. A word
added to the registry without a case here fails test_every_word_has_a_case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fixtures.smalldecks import deck_head, template

from game.decks.effectwords import EFFECTS
from game.decks.loader import check_deck, load_deck
from game.decks.model import Deck
from game.decks.rules import Adoption
from game.decks.vocabulary import CONDITION_PLACES, CONDITIONS
from game.engine.actions import adopt_limit, card_cost, new_game, step
from game.engine.scoring import RoundSetting, change_value, plan_worth, score_round

# Two cards: jury (open; power 4; public 2, staff 1) and survey (closed; power 0; public 1).
# The scenario's one rule adds 1 to `mark`, a track no card moves, when its condition holds.
DECK = template(deck_head("words", "Words", groups=["public", "staff"],
                           tracks=[("budget", 5, 20), ("trust", 3, 10), ("mark", 0, 100)])) + """\
  base_scoring: none
  track_values: {{mark: 1}}
{win}
stages:
  - {{id: plan, name: Plan}}
  - {{id: review, name: Review}}
interventions:
  - id: jury
    name: Jury
    description: A small random group gives a verdict.
    ratings: {{voice: 3, power: 4}}
    why: Time with evidence.
    tags: [open]
    reach: {{public: 2, staff: 1}}
    copies: 4
  - id: survey
    name: Survey
    description: A questionnaire.
    ratings: {{voice: 1, power: 0}}
    why: Wide but shallow.
    tags: [closed]
    reach: {{public: 1}}
    copies: 4
events:
  - id: trial
    kind: change
    name: Trial
    text: The effect under test.
    stages: {trial_stages}
{trial}
  - id: calm
    kind: change
    name: Calm
    text: Nothing much.
    stages: {calm_stages}
    rules: [{{then: {{add: {{mark: 1}}}}}}]
roles:
  - id: host
    name: Host
    ability: {{name: Try, text: The effect under test., effects: [{ability}]}}
scenarios:
  - id: pilot
    name: Pilot
    context: The words one by one.
    affected: [public]
    weights: {{power: 2}}
    stages: [plan, review]
    rules: [{rule}]
"""
NO_EFFECT = "    rules: [{then: {add: {mark: 1}}}]"


def write_deck(tmp_path: Path, *, rule: str = "{then: {add: {mark: 1}}}", win: str = "",
               trial: str = NO_EFFECT, ability: str = "{add: {mark: 1}}",
               trial_stages: str = "[plan, review]",
               calm_stages: str = "[plan, review]") -> Path:
    path = tmp_path / "words.yaml"
    path.write_text(DECK.format(rule=rule, win=win, trial=trial, ability=ability,
                                trial_stages=trial_stages, calm_stages=calm_stages))
    return path


def words_deck(tmp_path: Path, **kwargs: str) -> Deck:
    return load_deck(write_deck(tmp_path, **kwargs))


# ---- conditions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Situation:
    adopted: tuple[tuple[str, str], ...]  # (card, group) adopted this round
    earlier: tuple[tuple[str, str], ...] = ()  # adopted in earlier rounds
    tracks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)
    stage: str = "plan"


def at(*adopted: tuple[str, str], **kwargs: object) -> Situation:
    return Situation(adopted, **kwargs)  # type: ignore[arg-type]


JURY_PUBLIC, JURY_STAFF, SURVEY = ("jury", "public"), ("jury", "staff"), ("survey", "public")


@dataclass(frozen=True)
class Case:
    word: str
    condition: str
    per: str  # the rule's per
    holds: Situation
    fails: Situation


CASES = [
    Case("tag", "{tag: open}", "adopted", at(JURY_PUBLIC), at(SURVEY)),
    Case("reaches", "{reaches: staff}", "adopted", at(JURY_STAFF), at(JURY_PUBLIC)),
    Case("reaches_affected", "{reaches_affected: true}", "adopted", at(JURY_PUBLIC),
         at(JURY_STAFF)),
    Case("reaches_affected", "{reaches_affected: false}", "adopted", at(JURY_STAFF),
         at(JURY_PUBLIC)),
    Case("intervention", "{intervention: survey}", "adopted", at(SURVEY), at(JURY_PUBLIC)),
    Case("rating", "{rating: {power: {at_least: 4}}}", "adopted", at(JURY_PUBLIC), at(SURVEY)),
    Case("cost", "{cost: {at_most: 1}}", "adopted", at(JURY_STAFF), at(JURY_PUBLIC)),
    Case("count", "{count: {where: {tag: open}, at_least: 2}}", "round",
         at(JURY_PUBLIC, JURY_STAFF), at(JURY_PUBLIC, SURVEY, earlier=(JURY_STAFF,))),
    Case("count", "{count: {where: {tag: open}, at_least: 2, in: game}}", "round",
         at(JURY_PUBLIC, earlier=(JURY_STAFF,)), at(JURY_PUBLIC, SURVEY)),
    Case("count", "{count: {at_most: 0}}", "round", at(), at(SURVEY)),
    Case("every", "{every: {where: {tag: open}}}", "round", at(JURY_PUBLIC, JURY_STAFF),
         at(JURY_PUBLIC, SURVEY)),
    # a plan of nothing has nothing that every card has: false, whatever was adopted before
    Case("every", "{every: {where: {tag: open}}}", "round", at(JURY_PUBLIC),
         at(earlier=(JURY_STAFF,))),
    Case("every", "{every: {where: {reaches: public}, in: game}}", "adopted",
         at(JURY_PUBLIC, earlier=(SURVEY,)), at(JURY_PUBLIC, earlier=(JURY_STAFF,))),
    Case("any_reaches", "{any_reaches: staff}", "round", at(SURVEY, JURY_STAFF),
         at(JURY_PUBLIC, earlier=(JURY_STAFF,))),
    Case("none_reaches", "{none_reaches: staff}", "round", at(JURY_PUBLIC), at(JURY_STAFF)),
    Case("any_tag", "{any_tag: closed}", "round", at(JURY_PUBLIC, SURVEY),
         at(JURY_PUBLIC, earlier=(SURVEY,))),
    Case("none_tag", "{none_tag: closed}", "round", at(JURY_PUBLIC), at(SURVEY)),
    Case("track", "{track: {trust: {below: 3}}}", "round", at(tracks={"trust": 2}),
         at(tracks={"trust": 3})),
    Case("score", "{score: {voice: {at_least: 4}}}", "round", at(scores={"voice": 4}),
         at(scores={"voice": 3})),
    # power counts twice in this scenario: 2 + 2 * 4 = 10, 1 + 2 * 4 = 9
    Case("total", "{total: {at_least: 10}}", "round", at(scores={"voice": 2, "power": 4}),
         at(scores={"voice": 1, "power": 4})),
    Case("stage", "{stage: review}", "round", at(stage="review"), at(stage="plan")),
    Case("all", "{all: [{tag: open}, {reaches: staff}]}", "adopted", at(JURY_STAFF),
         at(JURY_PUBLIC)),
    Case("any", "{any: [{tag: closed}, {reaches: staff}]}", "adopted", at(JURY_STAFF),
         at(JURY_PUBLIC)),
    Case("not", "{not: {tag: open}}", "adopted", at(SURVEY), at(JURY_PUBLIC)),
]


def case_id(case: Case) -> str:
    return f"{case.word}:{case.condition}"


def round_setting(deck: Deck, s: Situation) -> RoundSetting:
    sc = deck.scenarios["pilot"]
    tracks = {t.id: t.start for t in deck.tracks.values()} | s.tracks
    return RoundSetting(
        deck=deck, scenario=sc, settings=deck.settings,
        weights={c: sc.weights.get(c, 1.0) for c in deck.criteria}, stage=s.stage, events=(),
        number=1, tracks=tracks, scores=dict.fromkeys(deck.criteria, 0) | s.scores,
        earlier=[adoption(deck, x) for x in s.earlier])


def adoption(deck: Deck, pick: tuple[str, str]) -> Adoption:
    card = deck.interventions[pick[0]]
    return Adoption(card, pick[1], card.reach[pick[1]])


def marks(deck: Deck, s: Situation) -> int:
    """How much the rule under test added to `mark`, scoring the situation as the engine
    does; bots' and the coach's plan_worth must give the same worth."""
    rs = round_setting(deck, s)
    adopted = [adoption(deck, x) for x in s.adopted]
    changes = score_round(rs, adopted)
    assert plan_worth(rs, adopted) == change_value(changes, rs.weights,
                                                   deck.settings.track_values)
    return sum(c.amount for c in changes if c.target == "mark")


def test_every_word_has_a_case():
    assert {c.word for c in CASES} == set(CONDITIONS)
    # skip_event and redraw_event play out over time: they have tests of their own below
    assert set(EFFECT_CASES) | {"skip_event", "redraw_event"} == set(EFFECTS)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_condition_holds_and_fails_as_documented(case, tmp_path):
    rule = f"{{per: {case.per}, if: {case.condition}, then: {{add: {{mark: 1}}}}}}"
    deck = words_deck(tmp_path, rule=rule)
    assert marks(deck, case.holds) == 1
    assert marks(deck, case.fails) == 0


# Each condition in each place a deck can put one, to be accepted exactly where the registry
# (and so docs/decks.md, see test_vocabulary_docs.py) says.
PLACED = {
    "card": lambda c: {"rule": f"{{per: adopted, if: {c}, then: {{add: {{mark: 1}}}}}}"},
    "round": lambda c: {"rule": f"{{per: round, if: {c}, then: {{add: {{mark: 1}}}}}}"},
    "game": lambda c: {"win": f"  win: {c}"},
    "where": lambda c: {"ability": f"{{cost: {{change: 1, where: {c}}}}}"},
}
FIRST_CASE = {c.word: c for c in reversed(CASES)}


def example(word: str, place: str) -> str:
    """The word's first case; all, any and not made of a word that can stand in `place`."""
    inner = "{tag: open}" if place == "where" else "{total: {at_least: 0}}"
    return {"all": f"{{all: [{inner}, {inner}]}}", "any": f"{{any: [{inner}, {inner}]}}",
            "not": f"{{not: {inner}}}"}.get(word, FIRST_CASE[word].condition)


@pytest.mark.parametrize("place", sorted(CONDITION_PLACES))
@pytest.mark.parametrize("word", sorted(CONDITIONS))
def test_a_condition_is_allowed_where_the_registry_says(word, place, tmp_path):
    assert set(PLACED) == set(CONDITION_PLACES)
    path = write_deck(tmp_path, **PLACED[place](example(word, place)))
    deck, problems = check_deck(path)
    if place in CONDITIONS[word].places:
        assert problems == [] and deck is not None
    else:
        assert len(problems) == 1, problems
        assert f"'{word}'" in problems[0].message or "only conditions about one" \
            in problems[0].message


def test_a_condition_in_the_wrong_place_says_where_it_belongs(tmp_path):
    path = write_deck(tmp_path, win="  win: {any_tag: open}")
    assert [str(p) for p in check_deck(path)[1]] == [
        f"{path}:20: settings: win: 'any_tag' is about one round; for the whole game use "
        "{count: {where: ..., at_least: 1}}"]


# ---- effects ------------------------------------------------------------------------------


def event_effect(effect: str) -> str:
    return f"    effects: [{effect}]"


def hand_sizes(state) -> list[int]:
    return [len(h) for h in state.hands]


# effect: (the trial event's effects, what to measure on a new game, with it, without it)
EFFECT_CASES = {
    "add": ("{add: {trust: 2}}", lambda s: s.tracks["trust"], 5, 3),
    "cost": ("{cost: {change: -1, where: {tag: open}}}",
             lambda s: (card_cost(s, "jury", "public"), card_cost(s, "survey", "public")),
             (1, 1), (2, 1)),
    "draw": ("{draw: 1}", hand_sizes, [3, 3], [2, 2]),
    "discard": ("{discard: 1}", hand_sizes, [1, 1], [2, 2]),
    "adopt_limit": ("{adopt_limit: {change: 1}}", adopt_limit, 3, 2),
}


def first_round(tmp_path: Path, trial: str) -> object:
    """A new two-seat game whose first round draws the trial event, and the second calm."""
    deck = words_deck(tmp_path, trial=trial, trial_stages="[plan]", calm_stages="[review]")
    state = new_game(deck, "pilot", 2, 1)
    assert state.round.events == ["trial"]
    return state


@pytest.mark.parametrize("word", sorted(EFFECT_CASES))
def test_an_event_effect_changes_the_game(word, tmp_path):
    effect, measure, with_it, without_it = EFFECT_CASES[word]
    assert measure(first_round(tmp_path, event_effect(effect))) == with_it
    assert measure(first_round(tmp_path, NO_EFFECT)) == without_it


def test_an_ability_can_add_too(tmp_path):
    state = new_game(words_deck(tmp_path, ability="{add: {trust: 2}}"), "pilot", 2, 1)
    step(state, {"type": "ability", "seat": state.roles.index("host")})
    assert state.tracks["trust"] == 5


def next_round(state) -> list[str]:
    """The events the second round draws, everyone having passed in the first."""
    step(state, {"type": "advance"})
    step(state, {"type": "advance"})
    assert state.round.number == 2
    return state.round.events


def test_skip_event_leaves_the_next_round_without_one(tmp_path):
    assert next_round(first_round(tmp_path, event_effect("{skip_event: true}"))) == []
    assert next_round(first_round(tmp_path, NO_EFFECT)) == ["calm"]


@pytest.mark.parametrize("use_it", [True, False])
def test_redraw_event_sets_this_rounds_event_aside(use_it, tmp_path):
    state = new_game(words_deck(tmp_path, ability="{redraw_event: true}"), "pilot", 2, 1)
    first = state.round.events
    assert len(first) == 1 and len(state.event_pile) == 1
    other = state.event_pile[0]
    if use_it:
        step(state, {"type": "ability", "seat": state.roles.index("host")})
    assert state.round.events == ([other] if use_it else first)
