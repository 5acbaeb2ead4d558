"""The numbers a deck may hold have one home, game/decks/sections.py: the studio's forms offer
its bounds and the loader refuses a value outside them, in the loader's own words."""

from __future__ import annotations

import dataclasses

import pytest
from fixtures.gamekit import FIXTURES

from game.decks import sections
from game.decks.loader import check_texts

MINIMAL = (FIXTURES / "minimal.yaml").read_text()
DIFFICULTY = "\ndifficulties:\n  - id: easy\n    name: Easy\n"

# (section, key): the minimal deck with that key set to {v}.
PLACES = {
    ("tracks", "start"): ("    start: 5", "    start: {v}"),
    ("tracks", "min"): ("    start: 5", "    start: 5\n    min: {v}"),
    ("tracks", "max"): ("    start: 5", "    start: 5\n    max: {v}"),
    ("interventions", "copies"): ("    copies: 4", "    copies: {v}"),
    ("interventions", "ratings"): ("{collective: 3,", "{collective: {v},"),
    ("interventions", "reach"): ("{public: 2,", "{public: {v},"),
    ("interventions", "tracks"): ("    copies: 4", "    copies: 4\n    tracks: {budget: {v}}"),
    ("events", "severity"): ("outside.", "outside.\n    severity: {v}"),
    ("difficulties", "max_severity"): (DIFFICULTY, DIFFICULTY + "    max_severity: {v}\n"),
    ("difficulties", "persuadable"): (DIFFICULTY, DIFFICULTY + "    persuadable: {v}\n"),
    ("difficulties", "disagree"): (DIFFICULTY, DIFFICULTY + "    disagree: {v}\n"),
}


def messages(section: str, key: str, value: int) -> list[str]:
    old, new = PLACES[section, key]
    text = MINIMAL + DIFFICULTY if section == "difficulties" else MINIMAL
    assert old in text
    _, problems = check_texts({"minimal.yaml": text.replace(old, new.replace("{v}", str(value)))})
    return [p.message for p in problems]


@pytest.mark.parametrize("section,key", list(PLACES), ids=[f"{s}-{k}" for s, k in PLACES])
def test_a_number_past_the_forms_bounds_is_refused_by_the_loader(section, key):
    low, high = sections.bounds(section, key)
    for value in (low - 1, high + 1):
        said = messages(section, key, value)
        assert any(f"{low} to {high}" in m and str(value) in m for m in said), said
    for value in (low, high):
        said = messages(section, key, value)
        assert not any(f"{low} to {high}" in m for m in said), said


def test_the_loader_reads_its_bounds_from_the_sections(monkeypatch):
    """Narrow a bound in sections.py alone, and the loader follows it."""
    fields = tuple(dataclasses.replace(f, high=3) if f.key == "copies" else f
                   for f in sections.SECTIONS["interventions"])
    monkeypatch.setitem(sections.SECTIONS, "interventions", fields)
    assert "intervention 'jury': 'copies' is 4; expected 1 to 3" in \
        messages("interventions", "copies", 4)
