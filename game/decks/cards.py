"""The intervention cards players hold and propose: plain data, no rules.

Below the rule vocabulary (game.decks.rules), whose conditions look at the card of an adoption,
and below the deck (game.decks.model), which holds cards and rules together.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Intervention:
    id: str
    name: str
    description: str
    ratings: dict[str, int]
    why: str
    tags: frozenset[str]
    reach: dict[str, int]  # group id -> cost
    tracks: dict[str, int]
    copies: int = 1
