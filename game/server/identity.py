"""Who is on the other end of a connection or request, and the secrets that say so: seat
tokens and facilitator keys are stored only as hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from game.store.records import TableRecord


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(secret: object, stored: str | None) -> bool:
    return isinstance(secret, str) and bool(stored) and hmac.compare_digest(
        digest(secret), stored or "")


def screen_secret(record: TableRecord) -> str:
    """The table screen's own secret, for its link: it shows the join code all game long,
    which a spectator who only knows the table's id must not read. Derived from the
    facilitator key's hash, so it needs no column and only the server can make it."""
    return hmac.new(record.facilitator_key_hash.encode(), b"table screen",
                    hashlib.sha256).hexdigest()[:24]


@dataclass(frozen=True)
class Identity:
    """Who is on the other end: a seat, the facilitator, the table's own screen, or a
    viewer (a spectator who knows only the table's id).

    A seat's identity names its holder, the hash of the token that took the seat: when the
    seat is freed and someone else takes it, a connection still speaking for the old holder
    can neither act for the seat nor receive its views."""

    kind: str  # "seat" | "facilitator" | "screen" | "viewer"
    table_id: str
    seat: int | None = None
    holder: str | None = None


