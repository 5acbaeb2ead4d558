"""The Conditions and Effects tables in docs/decks.md are the vocabulary's registries
(game/decks/vocabulary.py, game/decks/effectwords.py): a word the loader knows but the docs
leave out, a documented word the loader refuses, or a place that differs fails here."""

from __future__ import annotations

import re

import pytest

from game.decks.effectwords import EFFECT_PLACES, EFFECTS, NEXT_ROUND
from game.decks.vocabulary import CONDITION_PLACES, CONDITIONS, places_in_words
from game.server.config import ROOT

DOC = (ROOT / "docs" / "decks.md").read_text()


def table_rows(heading: str, where_column: int) -> dict[str, str]:
    """{word: where it can be used} from the tables under `## heading`, up to the next one."""
    section = DOC.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        m = re.match(r"^\| `([a-z_]+)` \|", line)
        if m:
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            assert m.group(1) not in rows, f"{m.group(1)} is documented twice"
            rows[m.group(1)] = cells[where_column]
    return rows


CONDITION_ROWS = table_rows("Conditions", 2)
EFFECT_ROWS = table_rows("Effects", 2)


def test_the_tables_were_found():
    assert len(CONDITION_ROWS) >= 15 and len(EFFECT_ROWS) >= 5


def test_every_condition_is_documented_and_every_documented_one_is_real():
    assert set(CONDITION_ROWS) == set(CONDITIONS)


def test_every_effect_is_documented_and_every_documented_one_is_real():
    assert set(EFFECT_ROWS) == set(EFFECTS)


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_the_docs_say_where_a_condition_can_be_used(name):
    assert CONDITION_ROWS.get(name) == places_in_words(CONDITIONS[name].places,
                                                       CONDITION_PLACES)


@pytest.mark.parametrize("name", sorted(EFFECTS))
def test_the_docs_say_where_an_effect_can_be_used(name):
    assert EFFECT_ROWS.get(name) == places_in_words(EFFECTS[name].places, EFFECT_PLACES)


@pytest.mark.parametrize("name", NEXT_ROUND)
def test_the_docs_say_an_effect_drawn_after_the_scoring_changes_the_next_round(name):
    """The loader makes these effects the next round's when an event drawn after the scoring
    has them: the row saying only "this round" would be untrue of such an event."""
    assert "drawn after the scoring" in table_rows("Effects", 1)[name]
