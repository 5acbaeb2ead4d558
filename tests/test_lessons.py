"""Lesson checks (`python -m game lessons`): a deck's lessons run over many deals with the
engine's own best-plan search; each is held or broken, and a broken one comes with a true
counter-example (the hands, the plan, what it scores). And `reach`: who a card engages
changes what its ratings count."""

from __future__ import annotations

import json
import shutil

import pytest
from fixtures.gamekit import CARDS, TINY

from game import cli
from game.decks.loader import check_deck, load_deck
from game.decks.rules import Adoption
from game.engine.actions import new_game, step
from game.engine.bots import choose
from game.engine.lessons import check_lessons, round_best, round_options
from game.engine.scoring import change_value, plan_worth, score_round
from game.engine.state import round_setting

LESSONS = """
lessons:
  - id: not-experts-only
    text: A plan that engages only experts is never the best one.
    check: {best_never_only: experts}
  - id: reach-the-public
    text: The best plan reaches the public whenever it can.
    check: {best_reaches_affected: true}
    scenarios: [pilot]
  - id: criteria-differ
    text: Voice and power have different best cards.
    check: {best_cards_differ: true}
  - id: used
    text: Every card is adopted in at least one game in a hundred.
    check: {adopted: {at_least: 1}}
"""


def tiny_with(tmp_path, lessons: str = LESSONS, settings: str = ""):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "lessons.yaml").write_text(lessons)
    if settings:
        deck = folder / "deck.yaml"
        deck.write_text(deck.read_text().replace("  adopt_limit: 2\n",
                                                 f"  adopt_limit: 2\n{settings}"))
    return folder


def test_each_lesson_is_held_or_broken_with_a_true_counter_example(tmp_path, capsys):
    folder = tiny_with(tmp_path)
    deck = load_deck(folder)
    results = {r["id"]: r for r in check_lessons(deck, deals=10, seats=3)}
    assert set(results) == {"not-experts-only", "reach-the-public", "criteria-differ", "used"}
    for r in results.values():
        assert r["checked"] > 0 and r["held"] == (r["broken"] == 0)
    # The counter-example of a broken round lesson is what the engine finds for those hands:
    # the same game, played by greedy bots to that round's start, holds those hands and its
    # best plan is that plan.
    replayed = 0
    for r in results.values():
        ex = r["example"]
        if r["held"] or "plan" not in ex:
            continue
        state = new_game(deck, ex["scenario"], 3, ex["seed"])
        assert ex["round"] >= 1 and ex["hands"]
        if r["id"] == "not-experts-only":
            assert ex["plan"] and all(p["group"] == "experts" for p in ex["plan"])
        if r["id"] == "reach-the-public":
            assert all(p["group"] != "public" for p in ex["plan"])
        assert ex["scenario"] in deck.scenarios
        while state.rounds[-1].number < ex["round"]:
            moves = (choose(state, s, "greedy") for s in range(state.seats))
            move = next((m for m in moves if m is not None), None)
            step(state, move.action if move else {"type": "advance"})
        assert {str(s): list(h) for s, h in enumerate(state.hands)} == ex["hands"]
        plan = round_best(state, round_options(state))
        assert [(a.card.id, a.group) for a in plan.adopted] == \
            [(p["card"], p["group"]) for p in ex["plan"]]
        replayed += 1
    assert replayed, "this deck's lessons are written to break at least once"
    # The command: one line per lesson, exit 1 when any is broken, JSON with --json.
    code = cli.main(["lessons", str(folder), "--deals", "10", "--seats", "3"])
    out = capsys.readouterr().out
    assert out.count(f"{folder}: ") == 4
    assert code == (0 if all(r["held"] for r in results.values()) else 1)
    cli.main(["lessons", str(folder), "--deals", "10", "--seats", "3", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data[0]["lessons"]] == [r for r in results]


def test_a_broken_lesson_fails_the_command(tmp_path, capsys):
    # No card of the tiny deck is adopted in every game greedy bots play.
    folder = tiny_with(tmp_path, """
lessons:
  - id: every-card-everywhere
    text: Every card is adopted in every game.
    check: {adopted: {at_least: 100}}
""")
    assert cli.main(["lessons", str(folder), "--deals", "5", "--seats", "3"]) == 1
    out = capsys.readouterr().out
    assert "BROKEN: every-card-everywhere" in out and "% of greedy bots' games" in out


@pytest.mark.parametrize(("text", "message"), [
    ("{id: a, text: T, check: {best_never_only: expurts}}", "unknown group 'expurts'"),
    ("{id: a, text: T, check: {best_everything: true}}", "unknown check 'best_everything'"),
    ("{id: a, text: T, check: {adopted: {above: 3}}}", "'adopted' takes at_least and at_most"),
    ("{id: a, check: {best_cards_differ: true}}", "lesson 'a': missing 'text'"),
])
def test_a_badly_written_lesson_says_what_to_fix(tmp_path, text, message):
    folder = tiny_with(tmp_path, f"lessons:\n  - {text}\n")
    _, problems = check_deck(folder)
    assert any(message in p.message for p in problems), [str(p) for p in problems]


def test_every_shipped_deck_keeps_its_lessons(capsys):
    decks = sorted(str(p) for p in CARDS.iterdir() if p.is_dir())
    assert cli.main(["lessons", *decks]) == 0, capsys.readouterr().out


# ---- reach -------------------------------------------------------------------------------


def test_who_a_card_engages_changes_what_its_ratings_count(tmp_path):
    folder = tiny_with(tmp_path, "", "  reach:\n    affected: 100\n    staff: 25\n"
                                     "    experts: {other: 50, voice: 0}\n")
    deck = load_deck(folder)
    pilot = deck.scenarios["pilot"]  # affects the public only
    assert pilot.reach == {"staff": {"voice": 25, "power": 25},
                           "experts": {"voice": 0, "power": 50}}
    assert "staff" not in deck.scenarios["short"].reach  # there the staff are affected
    state = new_game(deck, "pilot", 3, 2)
    rs = round_setting(state)
    jury = deck.interventions["jury"]  # voice 3, power 2
    staff = score_round(rs, [Adoption(jury, "staff", 2, 0)])
    public = score_round(rs, [Adoption(jury, "public", 3, 0)])
    got = {c.target: c.amount for c in staff if c.source == "rating"}
    assert got == {"voice": 1, "power": 1}  # 3 x 25% = 0.75 and 2 x 25% = 0.5, halves up
    assert {c.target: c.amount for c in public if c.source == "rating"} == {"voice": 3,
                                                                             "power": 2}
    assert any("engaging staff counts 25% of it" in c.why for c in staff)
    # The bots' fast valuation agrees with the written score, to the last bit.
    options = round_options(state)
    for size in (1, 2):
        for i in range(0, len(options) - size + 1):
            plan = options[i:i + size]
            if len({a.seat for a in plan}) < size:
                continue
            assert plan_worth(rs, plan) == change_value(score_round(rs, plan), rs.weights,
                                                        deck.settings.track_values)
    assert round_best(state, options) is not None
