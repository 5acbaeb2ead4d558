"""Comparing two versions of a deck card by card (game.decks.compare), as the studio shows it."""

from __future__ import annotations

from pathlib import Path

from game.decks.compare import compare
from game.decks.loader import check_texts

SHIPPED = Path(__file__).resolve().parents[1] / "cards" / "good-governance"


def files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.yaml"))}


def load(texts: dict[str, str]):
    deck, problems = check_texts(texts)
    assert deck is not None, [str(p) for p in problems]
    return deck


def test_the_same_deck_reindented_or_moved_between_files_is_no_change():
    old = files()
    moved = dict(old)
    # The scenarios moved into the events' file, under their own section key.
    moved["events.yaml"] = old["events.yaml"] + "\n" + old["scenarios.yaml"]
    del moved["scenarios.yaml"]
    assert compare(load(old), load(moved)) == []


def test_added_removed_and_changed_cards_by_section_and_id():
    old = files()
    new = dict(old)
    new["scenarios.yaml"] = old["scenarios.yaml"].replace(
        "name: The council's front-door chatbot", "name: Renamed", 1)
    new["deck.yaml"] = old["deck.yaml"].replace("name: The Good Governance Game",
                                                "name: Our Game", 1)
    new["interventions.yaml"] = old["interventions.yaml"] + """
  - id: brand-new
    name: Brand new
    description: A card added in the studio.
    why: It helps.
    ratings: {collective: 1, democratic: 1, participatory: 1, deliberative: 1, powerful: 1}
    reach: {customers: 1}
"""
    changes = [c.as_json() for c in compare(load(old), load(new))]
    assert {"section": "deck", "id": "", "kind": "changed", "fields": ["name"]} in changes
    assert {"section": "scenarios", "id": "council-chatbot", "kind": "changed",
            "fields": ["name"]} in changes
    assert {"section": "interventions", "id": "brand-new", "kind": "added",
            "fields": []} in changes
    back = [c.as_json() for c in compare(load(new), load(old))]
    assert {"section": "interventions", "id": "brand-new", "kind": "removed",
            "fields": []} in back
    assert len(changes) == 3
