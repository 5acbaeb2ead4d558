"""The decks a server offers: every valid deck under its cards folder, loaded once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from game.decks.loader import check_deck
from game.decks.model import Deck
from game.errors import GameError

log = logging.getLogger(__name__)
DEFAULT_DECK = "good-governance"


class DeckLibrary:
    """Every valid deck under the cards folder, loaded once."""

    def __init__(self, root: Path):
        self.root = root
        # How a facilitator's deck at one revision is found (the server's studio sets it):
        # the library reads no database.
        self.resolver: Callable[[str, int], Deck] | None = None
        self.decks: dict[str, Deck] = {}
        self.problems: dict[str, list[str]] = {}
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            deck, problems = check_deck(folder)
            if deck is None:
                self.problems[folder.name] = [str(p) for p in problems]
                log.warning("deck %s skipped: %d problems", folder.name, len(problems))
            else:
                self.decks[deck.id] = deck
        # The default deck comes first, so pickers open on it.
        if DEFAULT_DECK in self.decks:
            self.decks = {DEFAULT_DECK: self.decks[DEFAULT_DECK],
                          **{k: v for k, v in self.decks.items() if k != DEFAULT_DECK}}

    def get(self, deck_id: object, revision: int | None = None) -> Deck:
        """A shipped deck, or with `revision` a studio deck at that revision."""
        if revision is not None and self.resolver is not None and isinstance(deck_id, str):
            return self.resolver(deck_id, revision)
        if not isinstance(deck_id, str) or deck_id not in self.decks:
            raise GameError("unknown_deck", f"there is no deck {deck_id!r}; choose one of: "
                             + ", ".join(self.decks))
        return self.decks[deck_id]



    def lookup(self, ref: object) -> Deck:
        """A deck by what a table's info calls it: a shipped deck's id, or "<studio deck>@<n>"
        for revision n of a studio deck."""
        if isinstance(ref, str):
            return self.get(*parse_ref(ref))
        return self.get(ref)


def deck_ref(deck_id: str, revision: int | None) -> str:
    return deck_id if revision is None else f"{deck_id}@{revision}"


def parse_ref(ref: str) -> tuple[str, int | None]:
    """`deck_ref` read back: "<deck>@<n>" is revision n of a studio deck; anything else
    names a shipped deck."""
    deck_id, at, number = ref.partition("@")
    if at and number.isdigit() and len(number) < 9:
        return deck_id, int(number)
    return ref, None
