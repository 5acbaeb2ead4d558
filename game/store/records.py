"""What the store reads and writes, as plain records, and the errors it raises. No SQL here:
the server and its tests use these without touching SQLAlchemy."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class StoreError(Exception):
    """The database refused or failed an operation."""


class Conflict(StoreError):
    """Another writer appended this seq first (or took this table code or id)."""


class Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = Unset.UNSET  # "leave this field alone" in update_seat, where None is a real value


@dataclass(frozen=True)
class TableRecord:
    id: str
    code: str
    deck: str
    scenario: str
    seats: int
    seed: int
    options: dict
    facilitator_key_hash: str
    status: str
    created_at: datetime
    mode: str  # "table" or "solo"
    # The phase's countdown: {"round", "phase", "length", and "ends_at", "remaining" or
    # "stopped"}; None when no phase is timed. Written with each action that changes it.
    timer: dict | None = None
    # Solo practice: the learner's browser (whose records the game adds to) and the variant.
    browser_id: str | None = None
    variant: str | None = None
    # A studio deck's revision, which the table plays for good (`deck` is then the studio
    # deck's id); None for a shipped deck.
    deck_revision: int | None = None


@dataclass(frozen=True)
class SeatRecord:
    table_id: str
    seat: int
    name: str | None
    token_hash: str | None
    kind: str  # "human" | "bot" | "empty"
    joined_at: datetime | None


@dataclass(frozen=True)
class ActionRecord:
    table_id: str
    seq: int
    seat: int | None
    action: dict
    at: datetime


# A log row {"type": "undo", "from_seq": n} takes back the actions from seq n up to itself.
UNDO = "undo"


def in_effect(rows: list[ActionRecord]) -> list[ActionRecord]:
    """The actions of a log (in seq order) that still count, in order: each undo row takes
    back every action still in effect from the seq it names on, and is no game action itself.
    Undo rows are never taken back."""
    kept: list[ActionRecord] = []
    for row in rows:
        if row.action.get("type") == UNDO:
            start = row.action["from_seq"]
            while kept and kept[-1].seq >= start:
                kept.pop()
        else:
            kept.append(row)
    return kept
