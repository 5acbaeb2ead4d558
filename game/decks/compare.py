"""What changed between two versions of a deck, card by card.

Compared as loaded decks rather than as text, so that moving a card to another file, reordering
keys or reindenting is no change, and a change is named by what a facilitator sees: the
section, the card's id and the fields that differ ("interventions 'open-data': name, ratings").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from game.decks.fields import LIST_SECTIONS
from game.decks.model import Deck


@dataclass(frozen=True, slots=True)
class Change:
    section: str  # one of fields.LIST_SECTIONS, or "deck" / "settings" for the two mappings
    id: str  # the card's id ("" for deck and settings)
    kind: str  # "added", "removed" or "changed"
    fields: tuple[str, ...] = ()  # for "changed": the fields that differ

    def as_json(self) -> dict[str, object]:
        return {"section": self.section, "id": self.id, "kind": self.kind,
                "fields": list(self.fields)}


def _plain(value: object) -> object:
    """`value` as plain data that compares by content: a condition by its text (it also
    holds the functions that test it, which never compare equal), sets sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "test") and hasattr(value, "text"):
            return ("condition", value.text)
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.compare}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(_plain(v) for v in value)  # type: ignore[type-var]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if callable(value):
        return None
    return value


def _fields(old: object, new: object) -> tuple[str, ...]:
    a, b = _plain(old), _plain(new)
    assert isinstance(a, dict) and isinstance(b, dict)
    return tuple(k for k in a if a[k] != b.get(k))


def _by_id(items: object) -> dict[str, object]:
    """A section as {id: item}: most are dicts already; lessons are a tuple."""
    if isinstance(items, dict):
        return items
    return {item.id: item for item in items}  # type: ignore[attr-defined]


def compare(old: Deck, new: Deck) -> list[Change]:
    """Every card added, removed or changed from `old` to `new`, by section then id."""
    changes: list[Change] = []
    head = tuple(f for f in ("id", "name", "description", "version")
                 if getattr(old, f) != getattr(new, f))
    if head:
        changes.append(Change("deck", "", "changed", head))
    settings = _fields(old.settings, new.settings)
    if settings:
        changes.append(Change("settings", "", "changed", settings))
    for section in LIST_SECTIONS:
        before: dict[str, object] = _by_id(getattr(old, section))
        after: dict[str, object] = _by_id(getattr(new, section))
        for ident in sorted(before.keys() | after.keys()):
            if ident not in after:
                changes.append(Change(section, ident, "removed"))
            elif ident not in before:
                changes.append(Change(section, ident, "added"))
            else:
                differ = _fields(before[ident], after[ident])
                if differ:
                    changes.append(Change(section, ident, "changed", differ))
    return changes
