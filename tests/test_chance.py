"""Deals must not change with the Python version: the draws are pinned here, as numbers."""

from __future__ import annotations

import random
import sys

import pytest

from game.decks.loader import load_deck
from game.engine.actions import new_game
from game.engine.chance import Chance
from game.server.config import ROOT


def test_the_stream_of_draws_is_pinned():
    c = Chance(2026)
    assert [c.below(10) for _ in range(12)] == [1, 5, 8, 8, 1, 3, 9, 9, 8, 6, 9, 8]
    items = list("ABCDEFGH")
    c.shuffle(items)
    assert "".join(items) == "FCABDEGH"
    assert c.pick(["x", "y", "z"]) == "x"


def test_it_draws_as_python_3_11_did():
    """Tables opened before Chance existed are rebuilt with the same deal. (Python 3.11's
    own shuffle is the yardstick; a later Python's may differ, which is why Chance exists.)"""
    if sys.version_info[:2] != (3, 11):
        pytest.skip("compares with Python 3.11's own shuffle and randrange")
    for seed in range(50):
        ours, theirs = Chance(seed), random.Random(seed)
        items, same = list(range(30)), list(range(30))
        ours.shuffle(items)
        theirs.shuffle(same)
        assert items == same
        assert [ours.below(n) for n in (1, 2, 7, 1000)] == \
            [theirs.randrange(n) for n in (1, 2, 7, 1000)]


def test_a_shipped_deck_deals_the_same_hands():
    deck = load_deck(ROOT / "cards" / "good-governance")
    state = new_game(deck, "council-chatbot", 4, 12345)
    assert state.hands[0] == PINNED_HAND


PINNED_HAND = ["data-governance-board", "citizens-jury", "randomised-controlled-trial",
               "online-consultation"]
