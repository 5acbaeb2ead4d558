"""Chance that stays the same on every Python version.

A table is rebuilt from its seed and its log, so a deal must come out the same next year as
today. Python's `shuffle`, `choice` and `randrange` are free to change their algorithms
between versions (3.12 changed `randrange` already); what it keeps is the Mersenne Twister's
stream of 32-bit words for a seed, which `random()` is made of and promised to keep.
`Chance` draws whole numbers from those words the way CPython 3.11 did (`getrandbits` takes
the top bits of the next word; draws past n are thrown back), so every deal dealt before this
module existed is dealt the same, and will be on later versions.
"""

from __future__ import annotations

import random
from collections.abc import MutableSequence, Sequence
from typing import TypeVar

T = TypeVar("T")


class Chance:
    """A seeded stream of draws: `below`, `pick`, `shuffle` and `random`."""

    __slots__ = ("_bits", "random")

    def __init__(self, seed: int) -> None:
        generator = random.Random(seed)
        self._bits = generator.getrandbits
        self.random = generator.random

    def below(self, n: int) -> int:
        """A whole number from 0 to n - 1, every one equally likely."""
        if n <= 0:
            raise ValueError("below() needs n > 0")
        k = n.bit_length()
        r = self._bits(k)
        while r >= n:
            r = self._bits(k)
        return r

    def pick(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def shuffle(self, items: MutableSequence[T]) -> None:
        """Fisher-Yates, in place, from the last item down."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
