"""The deck-format gaps found when another paper game was written as a deck (issue 11): events
drawn after a round is scored, a stage's objective and principles, optional ratings, "every
adopted card has ...", a scenario's own win condition, and rules that change costs.

Each is checked as a facilitator meets it (the deck check's message, with file and line) and as
a table plays it (new_game and step, the views the phones get, the debrief), and a game with it
replays from its log to the same state.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures.gamekit import check_invariants, every_view, play, start_tracks
from fixtures.smalldecks import audit_event, deck_head, template

from game.decks.loader import check_deck, load_deck
from game.decks.model import Deck
from game.engine.actions import GameState, legal_actions, new_game, step
from game.engine.chance import Chance
from game.engine.debrief import debrief
from game.engine.results import score
from game.engine.view import view

# Two stages, two seats, two cards: jury (open; public 2) and survey (closed; public 1). The
# pieces in braces are what each test changes.
DECK = template(deck_head("formats", "Formats",
                           tracks=[("budget", 10, 20), ("trust", 5, 10)])) + """\
{settings}
stages:
  - id: plan
    name: Plan
{stage}
  - {{id: review, name: Review}}
interventions:
  - id: jury
    name: Jury
    description: A small random group gives a verdict.
{jury_ratings}
    why: Time with evidence.
    tags: [open]
    reach: {{public: 2}}
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
{events}
scenarios:
  - id: pilot
    name: Pilot
    context: Two rounds.
    affected: [public]
    stages: [plan, review]
{scenario}
"""
CALM = """\
  - id: calm
    kind: change
    name: Calm
    text: Nothing much.
    rules: [{then: {add: {voice: 0}}}]"""
AUDIT = audit_event(
    effects=["add: {trust: -1}", "cost: {change: 1, where: {tag: open}}"],
    rules=["why: Open methods satisfy the auditor.\nif: {tag: open}\nthen: {add: {trust: 3}}"])


def deck_yaml(*, settings: str = "", stage: str = "", events: str = CALM, scenario: str = "",
              jury_ratings: str = "    ratings: {voice: 3, power: 4}") -> str:
    return DECK.format(settings=settings, stage=stage, events=events, scenario=scenario,
                       jury_ratings=jury_ratings)


def write(tmp_path: Path, **parts: str) -> Path:
    path = tmp_path / "formats.yaml"
    path.write_text(deck_yaml(**parts))
    return path


def load(tmp_path: Path, **parts: str) -> Deck:
    return load_deck(write(tmp_path, **parts))


def problems(tmp_path: Path, **parts: str) -> list[str]:
    deck, found = check_deck(write(tmp_path, **parts))
    assert (deck is None) == bool(found)
    return [str(p) for p in found]


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def game(deck: Deck, seed: int = 1) -> GameState:
    return new_game(deck, "pilot", 2, seed)


def adopt(state: GameState, card: str | None) -> None:
    """Seat 0 proposes `card` (or passes), seat 1 passes, both approve it: the round is
    scored and in its result phase."""
    number = state.round.number
    if card is None or card not in state.hands[0]:
        step(state, {"type": "pass", "seat": 0})
    else:
        step(state, {"type": "propose", "seat": 0, "card": card, "group": "public"})
    step(state, {"type": "pass", "seat": 1})
    if state.phase == "discussion":
        step(state, {"type": "advance"})
        for seat in (0, 1):
            step(state, {"type": "vote", "seat": seat, "approve": [0]})
    assert state.phase in ("result", "ended") and state.round.number == number


def next_round(state: GameState) -> None:
    step(state, {"type": "advance"})


def random_game(deck: Deck, seed: int) -> tuple[GameState, list[dict]]:
    """A game played to the end with legal actions drawn from `seed`, checking the rules
    that always hold after each."""
    state = game(deck, seed)
    start = start_tracks(deck, "pilot", None)
    rng = Chance(seed)
    actions = []
    while state.phase != "ended":
        actors = [s for s in range(state.seats) if legal_actions(state, s)] or [None]
        options = legal_actions(state, actors[rng.below(len(actors))])
        action = options[rng.below(len(options))]
        step(state, action)
        actions.append(action)
        check_invariants(state, start)
    return state, actions


def replays(deck: Deck, seed: int) -> GameState:
    """A random game, and the same game rebuilt from its seed and actions (as a table is
    rebuilt from its log): they must agree on every view and every score."""
    state, actions = random_game(deck, seed)
    again = play(game(deck, seed), actions)
    assert every_view(again) == every_view(state)
    assert score(again) == score(state) and debrief(again) == debrief(state)
    return state


# ---- 1. events drawn after the scoring ------------------------------------------------------


def test_an_after_scoring_event_waits_for_the_scoring_then_scores_the_round(tmp_path):
    state = game(load(tmp_path, events=AUDIT))
    assert state.round.events == [] and state.round.later_events == []
    assert state.tracks["trust"] == 5
    adopt(state, "jury")
    # Paid for, then drawn: -1 trust for the audit itself, +3 for the open jury.
    assert state.round.later_events == ["audit"]
    assert state.tracks["trust"] == 5 - 1 + 3
    why = [c.why for c in state.round.changes if c.source == "event audit"]
    assert why == ["The audit", "Open methods satisfy the auditor. (Jury)"]
    public = view(state, None)["current"]
    assert [e["name"] for e in public["later_events"]] == ["The audit"]
    assert public["later_events"][0]["when"] == "after_scoring"
    assert public["later_events"][0]["effects"] == [
        "-1 trust", "next round costs +1 when it has the Open tag"]
    # Its cost effect is the next round's: this one is paid.
    assert public["next_round"]["cost_changes"] == [
        {"change": 1, "why": "The audit", "where": "it has the Open tag"}]


def test_an_after_scoring_events_cost_change_is_the_next_rounds(tmp_path):
    state = game(load(tmp_path, events=AUDIT))
    adopt(state, None)
    next_round(state)
    assert state.round.number == 2
    hand = view(state, 0)["you"]["hand"]
    costs = {h["card"]: h["costs"]["public"] for h in hand}
    # Seed 1 deals both cards to seat 0: Open jury costs 2 + 1, closed survey stays at 1.
    assert costs == {"jury": 3, "survey": 1}
    assert [c["why"] for c in view(state, None)["current"]["cost_changes"]] == ["The audit"]


def test_an_after_scoring_event_is_drawn_after_the_last_stage_too(tmp_path):
    deck = load(tmp_path, events=AUDIT.replace("when: after_scoring",
                                               "when: after_scoring\n    stages: [review]"))
    state = game(deck)
    adopt(state, None)
    assert state.round.later_events == []  # only in review
    assert view(state, 0)["current"]["next_round"] == {"cost_changes": [],
                                                       "adopt_limit_change": 0}
    next_round(state)
    adopt(state, "jury" if "jury" in state.hands[0] else "survey")
    assert state.round.later_events == ["audit"]
    # Its cost change would be the next round's, but there is none: nothing is announced.
    assert state.carry.costs and view(state, 0)["current"]["next_round"] is None
    step(state, {"type": "advance"})
    assert state.phase == "ended"
    rounds = debrief(state)["rounds"]
    assert rounds[0]["later_events"] == []
    assert [e["id"] for e in rounds[1]["later_events"]] == ["audit"]
    assert any(c["source"] == "event audit" for c in rounds[1]["changes"])
    # and in the record a facilitator files
    from datetime import datetime

    from game.engine.export import record

    meta = {"id": "t1", "code": "ABCDEF", "created_at": datetime(2026, 11, 28),
            "seats": [{"seat": 0, "name": "Ana", "kind": "human"},
                      {"seat": 1, "name": "Bo", "kind": "bot"}]}
    filed = record(debrief(state), meta, state.deck)
    assert [r["later_events"] for r in filed["rounds"]] == [[], ["The audit"]]


def test_a_start_event_is_not_drawn_after_scoring(tmp_path):
    state = game(load(tmp_path, events=CALM + "\n" + AUDIT))
    assert state.round.events == ["calm"]
    adopt(state, None)
    assert state.round.events == ["calm"] and state.round.later_events == ["audit"]


@pytest.mark.parametrize("seed", range(1, 9))
def test_a_game_with_events_after_scoring_replays_from_its_log(seed, tmp_path):
    replays(load(tmp_path, events=CALM + "\n" + AUDIT), seed)


def test_a_misspelt_when_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, events=AUDIT.replace("after_scoring", "after_score"))
    assert problems(tmp_path, events=AUDIT.replace("after_scoring", "after_score")) == [
        f"{path}:{line_of(path, 'when:')}: event 'audit': 'when' is 'after_score' (did you "
        "mean 'after_scoring'?); expected one of: start, after_scoring"]


def test_events_after_scoring_that_are_never_drawn_are_reported(tmp_path):
    parts = {"events": CALM + "\n" + AUDIT, "settings": "  events_after_scoring: 0"}
    path = write(tmp_path, **parts)
    assert problems(tmp_path, **parts) == [
        f"{path}:{line_of(path, 'when:')}: event 'audit' is drawn 'after_scoring', but "
        "settings: 'events_after_scoring' is 0, so it is never drawn: raise "
        "'events_after_scoring' or change 'when'"]


def test_a_deck_with_no_start_draw_keeps_its_start_events_for_a_redraw(tmp_path):
    """events_per_round: 0 with start events was valid before after-scoring events came (a
    role's redraw_event draws one), and stored decks like it must still load and play."""
    path = write(tmp_path, settings="  events_per_round: 0")
    path.write_text(path.read_text() + (
        "roles:\n  - id: chair\n    name: Chair\n    ability: {name: Change the subject, "
        "text: Draw another event., phase: proposal, effects: [{redraw_event: true}]}\n"))
    deck, found = check_deck(path)
    assert [str(p) for p in found] == []
    state = new_game(deck, "pilot", 2, 1)
    assert state.round.events == []
    step(state, {"type": "ability", "seat": state.roles.index("chair")})
    assert state.round.events == ["calm"]


# ---- 2. a stage's objective and principles ---------------------------------------------------

STAGE_TEXT = """\
    prompt: Who decides what the project is for?
    objective: Agree what the project is for, with the people it affects.
    principles: |
      Nothing about us without us.
      Say no early rather than late."""


def test_a_stages_objective_and_principles_are_shown_during_its_round(tmp_path):
    state = game(load(tmp_path, stage=STAGE_TEXT))
    for seat in (None, 0, 1):
        shown = view(state, seat)["current"]["stage_text"]
        assert shown == {"name": "Plan", "prompt": "Who decides what the project is for?",
                         "objective": "Agree what the project is for, with the people it "
                                      "affects.",
                         "principles": "Nothing about us without us.\n"
                                       "Say no early rather than late."}
    adopt(state, None)
    next_round(state)
    # The next stage has none: nothing is carried over from the last.
    assert view(state, None)["current"]["stage_text"] == {
        "name": "Review", "prompt": "", "objective": "", "principles": ""}


def printed_text(deck: Deck, tmp_path: Path) -> str:
    """The words of the deck's printed PDF, white space made single spaces."""
    from game.paper import render

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext missing: apt-get install poppler-utils")
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(bytes(render(deck, "a4").pdf.output()))
    return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                   capture_output=True, text=True, timeout=60).stdout.split())


def test_a_stages_objective_is_printed_on_its_sheet(tmp_path):
    text = printed_text(load(tmp_path, stage=STAGE_TEXT), tmp_path)
    assert ("Objective Agree what the project is for, with the people it affects. Principles "
            "Nothing about us without us. Say no early rather than late.") in text


def test_an_objective_too_long_is_reported_with_its_line(tmp_path):
    stage = "    objective: " + "x" * 1201
    path = write(tmp_path, stage=stage)
    assert problems(tmp_path, stage=stage) == [
        f"{path}:{line_of(path, 'objective:')}: stage 'plan': 'objective' is 1201 "
        "characters; at most 1200"]


# ---- 3. optional ratings ---------------------------------------------------------------------

ZERO = "  missing_ratings: zero"


def test_a_card_without_ratings_is_a_mistake_unless_the_deck_says_so(tmp_path):
    path = write(tmp_path, jury_ratings="")
    assert problems(tmp_path, jury_ratings="") == [
        f"{path}:{line_of(path, '- id: jury')}: intervention 'jury': missing 'ratings': rate it "
        "0 to 5 on every criterion (a deck that leaves ratings out on purpose says settings: "
        "missing_ratings: zero)"]
    deck = load(tmp_path, jury_ratings="", settings=ZERO)
    assert deck.interventions["jury"].ratings == {"voice": 0, "power": 0}


def test_a_rating_left_out_counts_zero_and_the_others_still_score(tmp_path):
    one = "    ratings: {power: 4}"
    path = write(tmp_path, jury_ratings=one)
    assert problems(tmp_path, jury_ratings=one) == [
        f"{path}:{line_of(path, 'ratings: {power: 4}')}: intervention 'jury': no rating for "
        "voice: rate it 0 to 5 on every criterion (a deck that leaves ratings out on purpose "
        "says settings: missing_ratings: zero)"]
    state = game(load(tmp_path, jury_ratings=one, settings=ZERO))
    adopt(state, "jury" if "jury" in state.hands[0] else "survey")
    adopted = state.round.adopted[0].card.id
    assert state.scores == ({"voice": 0, "power": 4} if adopted == "jury"
                            else {"voice": 1, "power": 0})


@pytest.mark.parametrize("ratings, message", [
    ("    ratings: {voise: 3}", "intervention 'jury': unknown criterion 'voise' in ratings "
                                "(did you mean 'voice'?)"),
    ("    ratings: {voice: 6}", "intervention 'jury' rating: 'voice' must be a whole number from 0 "
                                "to 5, not 6"),
])
def test_a_given_rating_is_still_checked_when_others_may_be_left_out(ratings, message,
                                                                     tmp_path):
    found = problems(tmp_path, jury_ratings=ratings, settings=ZERO)
    assert [p.split(": ", 1)[1] for p in found] == [message]


def test_a_typo_in_the_switch_is_caught(tmp_path):
    found = problems(tmp_path, jury_ratings="", settings="  missing_ratings: zeros")
    assert any("settings: 'missing_ratings' is 'zeros' (did you mean 'zero'?); expected one "
               "of: error, zero" in p for p in found), found


def test_the_cards_leave_off_a_criterion_no_card_rates(tmp_path):
    from game.server.catalogue import deck_catalogue

    survey = "ratings: {voice: 1, power: 0}"
    text = deck_yaml(jury_ratings="    ratings: {voice: 2}", settings=ZERO).replace(
        survey, "ratings: {voice: 1}")
    (tmp_path / "formats.yaml").write_text(text)
    deck = load_deck(tmp_path / "formats.yaml")
    assert {c["id"]: c["rated"] for c in deck_catalogue(deck)["criteria"]} == {
        "voice": True, "power": False}
    # A deck that rates every criterion shows every one, even one rated 0 on every card.
    assert all(c["rated"] for c in deck_catalogue(load(tmp_path))["criteria"])


# ---- 4. "every adopted card has ..." ---------------------------------------------------------


@pytest.mark.parametrize("written, message", [
    ("{every: {tag: open}}", "'every' must look like {where: {tag: oversight}} (with 'in: "
                             "game' for every intervention adopted in the game)"),
    ("{every: {where: {any_tag: open}}}", "only conditions about one intervention"),
    ("{every: {where: {tag: open}, in: round}}", "at the end of the game there is no round: "
                                                "use 'in: game'"),
])
def test_a_mistake_in_every_is_reported_with_its_line(written, message, tmp_path):
    settings = f"  win: {written}"
    path = write(tmp_path, settings=settings)
    found = problems(tmp_path, settings=settings)
    assert len(found) == 1 and found[0].startswith(f"{path}:{line_of(path, 'win:')}: ")
    assert message in found[0]


def test_every_in_a_win_looks_at_the_whole_game(tmp_path):
    deck = load(tmp_path, settings="  win: {every: {where: {tag: open}}}")
    assert deck.settings.win_text == ("something was adopted in the game, and for every "
                                      "intervention adopted it has the Open tag")
    outcomes = set()
    for seed in range(1, 30):
        state, _ = random_game(deck, seed)
        adopted = [a.card.id for a in state.adopted_so_far]
        won = view(state, None)["outcome"]["won"]
        assert won == (bool(adopted) and set(adopted) == {"jury"}), (seed, adopted)
        outcomes.add(won)
    assert outcomes == {True, False}  # both ends were played


# ---- 5. a scenario's own win -----------------------------------------------------------------

OWN_WIN = """\
    win: {track: {trust: {at_least: 99}}}
  - id: other
    name: Other
    context: The deck's own win.
    affected: [public]
    stages: [plan, review]"""


def finish(state: GameState) -> GameState:
    while state.phase != "ended":
        step(state, {"type": "advance"})
    return state


@pytest.mark.parametrize("options", [None, {"decision": "consensus"}])
def test_a_scenarios_own_win_replaces_the_decks(options, tmp_path):
    deck = load(tmp_path, settings="  win: {total: {at_least: 0}}", scenario=OWN_WIN)
    own = finish(new_game(deck, "pilot", 2, 1, options=options))
    usual = finish(new_game(deck, "other", 2, 1, options=options))
    assert own.tracks["trust"] < 99  # trust's most is 10: this scenario cannot be won
    for state, won, text in ((own, False, "Trust is at least 99"),
                             (usual, True, "the weighted total is at least 0")):
        shown = view(state, 0)
        assert shown["outcome"]["won"] is won
        assert shown["outcome"]["win_condition"] == shown["outlook"]["win"] == text
        assert debrief(state)["outcome"]["won"] is won


def test_a_scenario_may_have_a_win_when_the_deck_has_none(tmp_path):
    deck = load(tmp_path, scenario=OWN_WIN)
    assert deck.settings.win is None
    assert view(finish(game(deck)), None)["outcome"]["won"] is False


def test_a_mistake_in_a_scenarios_win_is_reported_with_its_line(tmp_path):
    scenario = "    win: {any_tag: open}"
    path = write(tmp_path, scenario=scenario)
    assert problems(tmp_path, scenario=scenario) == [
        f"{path}:{line_of(path, 'win:')}: scenario 'pilot': win: 'any_tag' is about one round; "
        "for the whole game use {count: {where: ..., at_least: 1}}"]


def test_the_scoring_page_and_the_deck_say_each_scenarios_win(tmp_path):
    from fixtures.inprocess import Game

    folder = tmp_path / "cards" / "formats"
    folder.mkdir(parents=True)
    (folder / "deck.yaml").write_text(deck_yaml(settings="  win: {total: {at_least: 0}}",
                                                scenario=OWN_WIN))
    server = Game(tmp_path, cards_dir=tmp_path / "cards")
    page = server.http.get("/decks/formats/scoring").get_data(as_text=True)
    assert "To win in this scenario (instead of the above): Trust is at least 99." in page
    assert page.count("To win in this scenario") == 1  # the other plays the deck's own
    deck = server.http.get("/api/decks/formats").get_json()
    assert {s["id"]: s["win"] for s in deck["scenarios"]} == {
        "pilot": "Trust is at least 99", "other": "the weighted total is at least 0"}


# ---- 6. rules that change costs ---------------------------------------------------------------


def next_costs(tmp_path: Path, rule: str, card: str | None) -> tuple[dict[str, int], list[str]]:
    """Round 1 adopts `card` (or nothing) under the scenario rule `rule`; then round 2's cost
    of each card for the public, and the reasons the round shows for its cost changes."""
    deck = load(tmp_path, scenario=f"    rules: [{rule}]")
    state = game(deck, seed=3)
    assert card is None or card in state.hands[0]
    adopt(state, card)
    next_round(state)
    costs = {c: card_cost_of(state, c) for c in ("jury", "survey")}
    return costs, [c["why"] for c in view(state, None)["current"]["cost_changes"]]


def card_cost_of(state: GameState, card: str) -> int:
    from game.engine.state import card_cost

    return card_cost(state, card, "public")


@pytest.mark.parametrize("rule, card, costs, why", [
    # per adopted: once for each adopted card that matches
    ("{why: Open work pays off, if: {tag: open}, then: {cost: {change: -1}}}", "jury",
     {"jury": 1, "survey": 0}, ["Open work pays off (Jury)"]),
    ("{why: Open work pays off, if: {tag: open}, then: {cost: {change: -1}}}", None,
     {"jury": 2, "survey": 1}, []),
    # per round, with its own where: only surveys cost more
    ("{why: Nobody was asked, per: round, if: {count: {at_most: 0}}, then: [{add: {trust: -1}}, "
     "{cost: {change: 2, where: {tag: closed}}}]}", None,
     {"jury": 2, "survey": 3}, ["Nobody was asked"]),
    ("{why: Nobody was asked, per: round, if: {count: {at_most: 0}}, then: [{add: {trust: -1}}, "
     "{cost: {change: 2, where: {tag: closed}}}]}", "jury", {"jury": 2, "survey": 1}, []),
])
def test_a_rules_cost_change_is_the_next_rounds(rule, card, costs, why, tmp_path):
    assert next_costs(tmp_path, rule, card) == (costs, why)


def test_a_rules_cost_change_does_not_change_the_round_it_scores(tmp_path):
    deck = load(tmp_path, scenario="    rules: [{if: {tag: open}, then: {cost: {change: 5}}}]")
    state = game(deck, seed=3)
    adopt(state, "jury")
    assert state.round.adopted[0].cost == 2
    assert state.tracks["budget"] == 10 - 2
    shown = view(state, None)["current"]["next_round"]["cost_changes"]
    # Every card costs 5 more next round, once for each Open card adopted: the reason says so.
    assert shown == [{"change": 5, "why": "for each adopted intervention when it has the Open "
                      "tag: next round, each intervention costs 5 more (Jury)", "where": None}]
    deck = load(tmp_path, scenario="    rules: [{if: {any_tag: open}, then: [{add: {trust: 1}}, "
                                   "{cost: {change: 2, where: {tag: closed}}}]}, {per: round, "
                                   "then: {cost: {change: -1}}}]")
    assert [r.why for r in deck.scenarios["pilot"].rules] == [
        "+1 trust for each adopted intervention when something adopted this round is Open; "
        "for each adopted intervention when something adopted this round is Open: next "
        "round, each intervention costs 2 more when it has the Closed tag",
        "next round, each intervention costs 1 less"]


def test_a_rules_cost_change_is_printed_in_words(tmp_path):
    from game.decks.wording import effect_words, rule_words

    audit = load(tmp_path, events=AUDIT.replace("{tag: open}}", "{tag: open}}\n      - "
                                                "adopt_limit: {change: 1}"))
    assert [effect_words(audit, e) for e in audit.events["audit"].effects] == [
        "-1 Trust.", "Next round, an intervention costs 1 more when it has the Open tag.",
        "Next round, 1 more intervention than usual may be adopted."]

    deck = load(tmp_path, scenario="    rules: [{if: {tag: open}, then: [{add: {trust: 1}}, "
                                   "{cost: {change: -1, where: {tag: closed}}}]}]")
    assert rule_words(deck, deck.scenarios["pilot"].rules[0]) == (
        "Each intervention adopted this round, if it has the Open tag: +1 Trust. Next round, "
        "an intervention costs 1 less when it has the Closed tag (for each).")
    # Once a round, the change is made once: no "(for each)".
    deck = load(tmp_path, scenario="    rules: [{per: round, then: {cost: {change: 2}}}]")
    assert rule_words(deck, deck.scenarios["pilot"].rules[0]) == (
        "Once this round: Next round, an intervention costs 2 more.")


@pytest.mark.parametrize("seed", range(1, 9))
def test_a_game_with_rules_that_change_costs_replays_from_its_log(seed, tmp_path):
    rule = "{if: {tag: open}, then: {cost: {change: -1, where: {tag: open}}}}"
    replays(load(tmp_path, events=CALM + "\n" + AUDIT, scenario=f"    rules: [{rule}]"), seed)


def test_skip_event_is_printed_as_the_start_draw_it_skips(tmp_path):
    """The engine skips only the next round's start draw; an after-scoring event is still
    drawn, so the printed card must not say that no event is drawn next round."""
    audit = AUDIT.replace("{tag: open}}\n", "{tag: open}}\n      - skip_event: true\n")
    deck = load(tmp_path, events=CALM + "\n" + audit)
    text = printed_text(deck, tmp_path)
    assert "No event is drawn at the start of next round." in text
    assert "No event is drawn next round" not in text


def test_the_printed_rules_say_when_events_are_drawn_after_the_scoring(tmp_path):
    for events, said in ((CALM + "\n" + AUDIT, True), (CALM, False)):
        text = printed_text(load(tmp_path, events=events), tmp_path)
        assert ("Turn up events until 1 is marked “Drawn after the round is scored”" in text) \
            is said
        assert ("Drawn after the round is scored, the last round too" in text) is said
        # The start draw passes over the marked events, as the engine's does.
        assert ("Turn up events until 1 is not marked “Drawn after the round is scored” (put "
                "the marked ones back on top, in order)" in text) is said
        assert ("Draw 1 event; do what it says" in text) is not said


def test_the_printed_draw_passes_over_events_of_other_stages_as_the_engine_does(tmp_path):
    """The engine draws only events that may be drawn in this round's stage: a deck that
    keeps an event to some stages gets printed draw steps that say so, in each draw step."""
    staged = CALM + "\n    stages: [review]"
    # Without marked events one draw step; with them, the start draw and the later one.
    for events, starts, steps in (
            (staged, "Draw 1 event that may be drawn in this stage", 1),
            (staged + "\n" + AUDIT, "Turn up events until 1 is not marked", 2)):
        text = printed_text(load(tmp_path, events=events), tmp_path)
        assert starts in text
        assert text.count("may be drawn in this stage (its card names the stages it may be "
                          "drawn in)") == steps
    plain = printed_text(load(tmp_path, events=CALM + "\n" + AUDIT), tmp_path)
    assert "may be drawn in this stage" not in plain


def test_the_printed_draw_of_two_events_says_to_do_what_each_says(tmp_path):
    text = printed_text(load(tmp_path, settings="  events_per_round: 2"), tmp_path)
    assert "Draw 2 events; do what each says under “When it is drawn” at once." in text
    assert "Draw 2 events; do what it says" not in text
