"""Pages that teach the deck itself: how scoring works, the criteria defined in the deck's
own words. Server-rendered, so they read well before any script loads and print cleanly."""

from __future__ import annotations

from flask import Blueprint, render_template

from game.decks.model import Deck
from game.server.services import services


def scoring_facts(deck: Deck) -> dict:
    """What the scoring page says about a deck besides its criteria: the weights and targets
    of each scenario (only those that differ from 1 and are set) and what the win needs."""
    scenarios = []
    for s in deck.scenarios.values():
        weights = {deck.criteria[c].name: w for c, w in s.weights.items() if w != 1}
        targets = {deck.criteria[c].name: t for c, t in s.targets.items()}
        affected = [deck.groups[g].name for g in sorted(s.affected)]
        # Who you reach matters: each group's share of a card's ratings, when not in full.
        reach = [(deck.groups[g].name, _share_words(deck, shares))
                 for g, shares in s.reach.items()]
        scenarios.append({"name": s.name, "weights": weights, "targets": targets,
                          "affected": affected, "reach": reach,
                          "win": s.win.text if s.win else ""})  # its own, not the deck's
    budget = deck.tracks.get(deck.settings.budget_track or "")
    return {"scenarios": scenarios, "budget": budget,
            "other_tracks": [t for t in deck.tracks.values() if t is not budget],
            "ratings": deck.settings.base_scoring == "ratings",
            "win": deck.settings.win_text}


def _share_words(deck: Deck, shares: dict[str, int]) -> str:
    values = set(shares.values())
    if len(values) == 1:
        return f"{values.pop()}%"
    return ", ".join(f"{deck.criteria[c].name} {v}%" for c, v in shares.items())


learn = Blueprint("learn", __name__)


@learn.get("/decks/<deck_id>/scoring")
def scoring_page(deck_id: str) -> str:
    deck = services().library.lookup(deck_id)  # a shipped deck, or a table's studio deck
    return render_template("scoring.html", deck=deck, facts=scoring_facts(deck))
