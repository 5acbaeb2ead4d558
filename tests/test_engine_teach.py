"""The coach's words (game/engine/teach.py) are true of the effects they explain: each number
is the weighted total's unit, each claim about a card's rating holds, the better plan uses only
cards the learner could see, a hidden card is marked as hidden, and people are named."""

from __future__ import annotations

import re

import pytest
from fixtures.gamekit import good_governance, play, tiny

from game.engine.actions import new_game, round_setting
from game.engine.scoring import plan_value
from game.engine.simulate import play_game
from game.engine.teach import points_of, teach

NAMES = ["You", "Ana", "Bo", "Cy"]
MINUS = "\u2212"


def number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def words(t: dict) -> str:
    parts = [*t["said"], t["yours"]["text"], t.get("visible_text", "")]
    for key in ("visible", "hidden"):
        if t[key]:
            parts.append(t[key]["text"])
    return " ".join(parts)


GAMES = [(scenario, seed, kind) for scenario in ("council-chatbot", "residents-assembly")
         for seed in (1, 2, 3) for kind in ("random", "greedy")]


@pytest.mark.parametrize(("scenario", "seed", "kind"), GAMES)
def test_every_sentence_is_true_of_the_round(scenario, seed, kind):
    deck = good_governance()
    state = play_game(deck, scenario, 4, seed, [kind])
    for index, rnd in enumerate(state.rounds):
        t = teach(state, index, 0, NAMES)
        text = words(t)
        # Names, never seat numbers.
        assert not re.search(r"\bseat \d", text, re.I), text
        _, changes = plan_value(round_setting(state, rnd), rnd.adopted)
        points = points_of(state, changes)
        # The plan's points, in the weighted total's unit.
        said = re.search(r"([+\u2212]?\d+(?:\.\d+)?) points? on the weighted total|"
                         r"The plan added ([+\u2212]?\d+) points?", t["said"][0])
        assert said, t["said"][0]
        assert number(said.group(1) or said.group(2)) == pytest.approx(points)
        if rnd.adopted:
            assert len(t["said"]) in (2, 3)
            most = re.match(r"It did most for (.+?) \(([+\u2212]?\d+(?:\.\d+)?) points?\)",
                            t["said"][1])
            crit = next(c for c in deck.criteria.values() if c.name == most.group(1))
            weighted = {c: sum(x.amount for x in changes if x.target == c)
                        * state.weights.get(c, 1.0) for c in deck.criteria}
            assert number(most.group(2)) == pytest.approx(weighted[crit.id])
            assert weighted[crit.id] == max(weighted.values())
            # The criterion is explained in the deck's own words.
            assert crit.question in t["said"][1]
            for card, rating in re.findall(r"([A-Z][\w' -]+?) is rated (\d) of 5 on it",
                                           t["said"][1]):
                assert deck.interventions[next(i for i, c in deck.interventions.items()
                                               if c.name == card)].ratings[crit.id] == int(rating)
            if len(t["said"]) == 3:
                least = re.match(r"It did least for (.+?) \(", t["said"][2]).group(1)
                weak = next(c for c in deck.criteria.values() if c.name == least)
                assert weighted[weak.id] == min(weighted.values())
                cap = re.search(r"no card adopted is rated above (\d)", t["said"][2])
                if cap:
                    assert max(a.card.ratings[weak.id] for a in rnd.adopted) == int(cap.group(1))
        # The learner's own proposal.
        mine = rnd.proposals.get(0)
        yours = t["yours"]
        if mine is None:
            assert yours["text"].startswith("You passed")
        elif yours["adopted"]:
            own = [c for c in changes if c.card == mine.card]
            assert yours["points"] == pytest.approx(points_of(state, own))
        else:
            assert "was not adopted" in yours["text"]
        # The better plan uses only what the learner could see: their hand, or a proposal as
        # it was put on the table.
        if t["visible"]:
            for p in t["visible"]["plan"]:
                if p["yours"]:
                    assert p["card"] in rnd.hands_at_decision[0]
                else:
                    assert any(q is not None and (q.card, q.group) == (p["card"], p["group"])
                               for s, q in rnd.proposals.items() if s != 0)
            assert t["visible"]["gain"] == pytest.approx(t["visible"]["points"] - points)
        if t["hidden"]:
            assert t["hidden"]["text"].startswith("Hidden from you: ")
            assert t["hidden"]["hidden_cards"]
            assert any(n in t["hidden"]["text"] for n in NAMES[1:])


def test_a_worked_round_in_words():
    # Seed 2, pilot: seat 0 holds workshop, survey and board; the others pass; the table
    # adopts seat 0's survey with experts: 1 voice, 1 point.
    state = new_game(tiny(), "pilot", 3, 2)
    play(state, [{"type": "propose", "seat": 0, "card": "survey", "group": "experts"},
                 {"type": "pass", "seat": 1}, {"type": "pass", "seat": 2},
                 *({"type": "ready", "seat": s} for s in range(3)),
                 *({"type": "vote", "seat": s, "approve": [0]} for s in range(3))])
    t = teach(state, 0, 0, ["You", "Ana", "Bo"])
    assert t["said"][0] == ("The table adopted Survey (your card) with experts: +1 point on "
                            "the weighted total.")
    assert t["yours"]["adopted"] and t["yours"]["points"] == 1
    # Nothing else was proposed, so the better plan is one of the learner's own cards: the
    # oversight board with the public (2 voice, 3 power counting double, the rally's +1 voice).
    assert [(p["card"], p["group"], p["yours"]) for p in t["visible"]["plan"]] == [
        ("board", "public", True)]
    assert t["visible"]["points"] == 9 and t["visible"]["gain"] == 8
    # Ana held the audit, which the best plan of all adds: hidden from the learner.
    assert t["hidden"]["hidden_cards"] == ["audit"]
    assert t["hidden"]["text"].startswith("Hidden from you: Ana held Audit")
    assert t["hidden"]["points"] == 13 and t["hidden"]["gain"] == 4
