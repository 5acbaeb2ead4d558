"""Every reason matches its effect: in the shipped decks, a rule's `why` that names criteria
names each criterion the rule adds to (so "one point per participatory star" is never the
reason given for Democratic), and a `why` used by several rules is never the reason for
effects on different criteria."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from fixtures.gamekit import CARDS

from game.decks.loader import load_deck

SHIPPED = sorted(p for p in CARDS.iterdir() if p.is_dir())


def rules_of(deck):
    for s in deck.stages.values():
        yield f"stage {s.id}", s.rules
    for e in deck.events.values():
        yield f"event {e.id}", e.rules
    for sc in deck.scenarios.values():
        yield f"scenario {sc.id}", sc.rules


def named(deck, text: str) -> set[str]:
    return {c for c, crit in deck.criteria.items()
            if re.search(rf"\b{re.escape(crit.name.lower())}", text.lower())}


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_a_reason_that_names_criteria_names_those_it_scores(folder):
    deck = load_deck(folder)
    wrong = []
    for where, rules in rules_of(deck):
        for rule in rules:
            scored = {t for t, _ in rule.adds if t in deck.criteria}
            said = named(deck, rule.why)
            if scored and said and not scored <= said:
                wrong.append(f"{where}: adds to {sorted(scored)} but says {rule.why!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_no_reason_is_reused_for_unrelated_criteria(folder):
    deck = load_deck(folder)
    uses = defaultdict(set)
    for where, rules in rules_of(deck):
        for rule in rules:
            scored = frozenset(t for t, _ in rule.adds if t in deck.criteria)
            if scored:
                uses[rule.why].add((scored, where))
    wrong = {why: sorted((sorted(s), w) for s, w in u) for why, u in uses.items()
             if len({s for s, _ in u}) > 1}
    assert not wrong, wrong
    # One reason for several criteria at once must name them all (checked above); one that
    # names none may score one criterion only, so the same words never explain two.
    for why, u in uses.items():
        for scored, where in u:
            assert len(scored) == 1 or scored <= named(deck, why), (where, why)


def test_the_check_catches_a_reason_given_for_the_wrong_criterion(tmp_path):
    text = (CARDS.parent / "tests" / "fixtures" / "decks" / "minimal.yaml").read_text()
    text = text.replace("""      - why: The crowd wants a say.
        if: {reaches: public}
        then: {add: {budget: 1}}""", """      - why: One point per participatory star.
        then: {add: {democratic: {rating: participatory}}}""")
    (tmp_path / "deck.yaml").write_text(text)
    deck = load_deck(tmp_path / "deck.yaml")
    rule = deck.events["rally"].rules[0]
    assert {t for t, _ in rule.adds} == {"democratic"}
    assert named(deck, rule.why) == {"participatory"}  # the check above would refuse it
