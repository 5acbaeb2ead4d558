"""The closing reflection (game/engine/reflect.py): questions drawn from a played game, whose
right answers are true of the deck and the game, never tied, and drawn the same way each time;
and a deck's own questions, read with file:line errors."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest
from fixtures.gamekit import TINY, good_governance

from game.decks.loader import check_deck, load_deck
from game.engine.actions import new_game, round_setting
from game.engine.chance import Chance
from game.engine.reflect import COUNT, card_questions, plan_questions, reflection
from game.engine.scoring import plan_value
from game.engine.simulate import play_bots, play_game
from game.engine.teach import Names, points_of, teach

NAMES = ["You", "Ana", "Bo", "Cy"]
GAMES = [(scenario, seed, kind) for scenario in ("council-chatbot", "residents-assembly",
                                                 "street-sensors")
         for seed in (1, 2, 3, 4) for kind in ("random", "greedy")]


def number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


@pytest.fixture(scope="module")
def games():
    deck = good_governance()
    return {(s, seed, kind): play_game(deck, s, 4, seed, [kind]) for s, seed, kind in GAMES
            if s in deck.scenarios}


def test_three_questions_with_three_or_four_different_choices(games):
    for state in games.values():
        questions = reflection(state, 0, NAMES)
        assert len(questions) == COUNT
        assert len({q.text for q in questions}) == COUNT
        # The deck has questions of its own: one of them is asked, in the definition's place.
        assert [q.kind for q in questions].count("deck") == 1
        for q in questions:
            assert 3 <= len(q.choices) <= 4, q
            assert len(set(q.choices)) == len(q.choices), q
            assert 0 <= q.answer < len(q.choices)
            assert q.reason and q.text
            assert "answer" not in q.public() and "reason" not in q.public()


def test_drawn_the_same_way_every_time_and_differently_for_other_games(games):
    deck = good_governance()
    drawn = {}
    for (scenario, seed, kind), state in games.items():
        again = play_game(deck, scenario, 4, seed, [kind])  # the same game, played again
        assert reflection(again, 0, NAMES) == reflection(state, 0, NAMES)
        drawn[scenario, seed, kind] = [(q.text, q.choices) for q in reflection(state, 0, NAMES)]
    assert len({str(d) for d in drawn.values()}) > len(drawn) // 2


def test_card_questions_are_true_of_the_cards_ratings(games):
    deck = good_governance()
    asked = 0
    for state in games.values():
        adopted = {a.card.id: (a.seat, r.number) for r in state.rounds for a in r.adopted}
        for q in card_questions(state, 0, Chance(7)):
            asked += 1
            name = re.match(r"(?:You proposed|Your table adopted) (.+?) in round \d",
                            q.text).group(1)
            card = next(c for c in deck.interventions.values() if c.name == name)
            assert card.id in adopted, "asked about a card the table did not adopt"
            by_name = {c.name: c.id for c in deck.criteria.values()}
            top = card.ratings[by_name[q.choices[q.answer]]]
            for i, choice in enumerate(q.choices):
                if i != q.answer:  # no ties: every other choice is rated strictly lower
                    assert card.ratings[by_name[choice]] < top, q
            assert f"rated {top} of 5 for {q.choices[q.answer]}" in q.reason
            assert card.why.split()[0] in q.reason  # the card's own reason, from the deck
            mine = adopted[card.id][0] == 0
            assert q.text.startswith("You proposed" if mine else "Your table adopted")
    assert asked > 10


def test_a_card_whose_best_rating_is_shared_is_never_asked_about():
    deck = good_governance()
    state = play_game(deck, "council-chatbot", 4, 1, ["greedy"])
    assert card_questions(state, 0, Chance(1))
    for rnd in state.rounds:  # give every adopted card a tie at the top of its ratings
        for i, a in enumerate(rnd.adopted):
            ratings = dict(a.card.ratings)
            first, second = list(ratings)[:2]
            ratings[first] = ratings[second] = 5
            rnd.adopted[i] = replace(a, card=replace(a.card, ratings=ratings))
    assert card_questions(state, 0, Chance(1)) == []


def test_plan_questions_match_what_the_coach_showed(games):
    asked = 0
    for state in games.values():
        for q in reflection(state, 0, NAMES):
            if q.kind != "plan":
                continue
            asked += 1
            n = int(re.match(r"Round (\d+) ", q.text).group(1))
            index = n - 1
            rnd = state.rounds[index]
            said = teach(state, index, 0, NAMES)
            visible = said["visible"]
            assert visible is not None, "asked about a round the coach found no better plan in"
            right = q.choices[q.answer]
            for p in visible["plan"]:  # the right answer is the coach's better plan
                assert f"{p['name']} ({p['whose']} card) with {p['group_name'].lower()}" in right
            # The reason's numbers: the better plan's points, the table's, the third's.
            numbers = [number(x) for x in re.findall(r"added ([\u2212\d.]+) points?",
                                                     q.reason)]
            chosen = points_of(state, plan_value(round_setting(state, rnd), rnd.adopted)[1])
            assert numbers[0] == pytest.approx(visible["points"])
            assert numbers[1] == pytest.approx(chosen)
            assert numbers[0] > numbers[1] and numbers[0] > numbers[2], q.reason
    assert asked >= 3


def test_a_plan_question_is_asked_only_where_the_coach_showed_a_better_plan():
    """In this game's second round the table's plan ranks above every plan the learner could
    see (it does more for the tracks the win needs) although one such plan adds more points:
    the coach shows no better plan there, so the reflection asks nothing about it either."""
    deck = good_governance()
    state = play_game(deck, "family-data-dashboard", 4, 22, ["greedy"])
    assert teach(state, 1, 0, NAMES)["visible"] is None
    asked = [q for q in plan_questions(state, 0, Names(0, NAMES), Chance(1))
             if q.text.startswith("Round 2 ")]
    assert asked == []
    for q in plan_questions(state, 0, Names(0, NAMES), Chance(1)):  # each has the coach's
        index = int(re.match(r"Round (\d+) ", q.text).group(1)) - 1
        assert teach(state, index, 0, NAMES)["visible"]["gain"] > 0


def test_criterion_questions_use_the_decks_definitions(games):
    deck = good_governance()
    for state in games.values():
        for q in reflection(state, 0, NAMES):
            if q.kind == "criterion":
                name = re.match(r"Which of these defines (.+)\?$", q.text).group(1)
                crit = next(c for c in deck.criteria.values() if c.name == name)
                assert q.choices[q.answer] == crit.description
                others = {c.description for c in deck.criteria.values() if c is not crit}
                assert set(q.choices) - {crit.description} <= others
                # About the criterion the table finished furthest from its target.
                gaps = {c: state.scores[c] - state.scenario.targets.get(c, 0)
                        for c in deck.criteria}
                assert gaps[crit.id] == min(gaps.values())
            if q.kind == "asks":
                crit = next(c for c in deck.criteria.values() if c.question in q.text)
                assert q.choices[q.answer] == crit.name


def test_no_reflection_before_the_game_has_ended():
    state = new_game(good_governance(), "council-chatbot", 4, 5)
    with pytest.raises(ValueError, match="ended"):
        reflection(state, 0, NAMES)


# ---- the deck's own questions ----------------------------------------------------------------

OWN = """
reflection:
  - id: governing
    question: Which of these is governing data rather than taking part in data?
    right: Residents who set the rules for who may use their street's readings
    wrong:
      - Residents who answer a survey about the readings
      - Residents whose phones send their location to the project
    why: Setting the rules is a say over the data; answering or sending data is being data.
"""


def tiny_with(tmp_path, text: str):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "reflection.yaml").write_text(text)
    return folder


def test_a_decks_own_question_is_asked_with_its_right_answer(tmp_path):
    deck = load_deck(tiny_with(tmp_path, OWN))
    own = deck.reflection[0]
    asked = 0
    for seed in range(1, 6):
        state = new_game(deck, "pilot", 3, seed)
        play_bots(state, dict.fromkeys(range(3), "greedy"), explain=False)
        questions = reflection(state, 0)
        deck_qs = [q for q in questions if q.kind == "deck"]
        assert len(deck_qs) == 1
        q = deck_qs[0]
        asked += 1
        assert q.text == own.question and q.reason == own.why
        assert q.choices[q.answer] == own.right
        assert sorted(q.choices) == sorted([own.right, *own.wrong])
    assert asked == 5


@pytest.mark.parametrize(("text", "line", "message"), [
    (OWN.replace("    why: Setting", "    whyy: Setting"), 9,
     "reflection question 'governing': unknown key 'whyy' (did you mean 'why'?)"),
    (OWN.replace("      - Residents whose phones send their location to the project\n", ""),
     6, "reflection question 'governing': 'wrong' must be a list of two or three wrong "
        "answers"),
    (OWN.replace("Residents whose phones send their location to the project",
                 "Residents who set the rules for who may use their street's readings"),
     8, "reflection question 'governing': the answer \"Residents who set the rules for who "
        "may use their street's readings\" is given twice"),
    (OWN.replace("    question: Which", "    question: ''\n    x: Which"), 4,
     "reflection question 'governing': 'question' must be text"),
])
def test_a_decks_own_questions_are_checked_with_file_and_line(tmp_path, text, line, message):
    folder = tiny_with(tmp_path, text)
    deck, problems = check_deck(folder)
    assert deck is None
    said = [str(p) for p in problems]
    assert any(s.startswith(f"{folder / 'reflection.yaml'}:{line}: {message}")
               for s in said), said
