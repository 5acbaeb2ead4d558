"""Facilitator accounts: who may own decks and workshops. No account is needed to play.

A facilitator signs in with a user name (or e-mail) and a password; the store keeps only the
password's hash, made and checked by the server (game.server.passwords). "Sign out
everywhere" bumps `session_generation`: every signed session carries the generation it was
made under, and one that no longer matches the row is refused (game.server.accounts).

User names and e-mail addresses are unique whatever their case, like table codes: the unique
indexes are on lower(...), and every look-up compares lower() with lower().
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from game.store.database import Store
from game.store.schema import UTCDateTime, now

__all__ = ["Facilitator", "Facilitators"]

facilitators_table = sa.Table(
    "facilitators",
    sa.MetaData(),
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("session_generation", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True)
class Facilitator:
    id: str
    user_name: str
    email: str | None
    display_name: str
    # Kept out of repr, so that a log line or a failed assertion never prints it.
    password_hash: str = field(repr=False)
    session_generation: int
    created_at: datetime


def _facilitator(row: sa.Row | None) -> Facilitator | None:
    return None if row is None else Facilitator(**row._mapping)


class Facilitators:
    """The facilitators of one Store's database (its connections, its error translation)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, user_name: str, display_name: str, password_hash: str,
               email: str | None = None) -> Facilitator:
        """A new facilitator. Conflict if the user name or e-mail (in any case) is taken;
        the caller checks the values first (lengths, characters)."""
        record = Facilitator(id=uuid.uuid4().hex, user_name=user_name, email=email or None,
                             display_name=display_name, password_hash=password_hash,
                             session_generation=0, created_at=now())
        with self._store._tx(conflict="that user name or e-mail is taken") as conn:
            conn.execute(facilitators_table.insert(), record.__dict__)
        return record

    def get(self, facilitator_id: str) -> Facilitator | None:
        f = facilitators_table.c
        with self._store._tx(self._store._reader) as conn:
            return _facilitator(conn.execute(
                sa.select(facilitators_table).where(f.id == facilitator_id)).first())

    def find(self, login: str) -> Facilitator | None:
        """The facilitator whose user name or e-mail is `login`, in any case."""
        f = facilitators_table.c
        key = sa.func.lower(login)
        query = sa.select(facilitators_table).where(
            sa.or_(sa.func.lower(f.user_name) == key, sa.func.lower(f.email) == key))
        with self._store._tx(self._store._reader) as conn:
            return _facilitator(conn.execute(query).first())

    def taken(self, user_name: str | None = None, email: str | None = None) -> set[str]:
        """Which of `user_name` and `email` another facilitator already has ("user_name",
        "email"), so a sign-up form can say which field to change."""
        f = facilitators_table.c
        found: set[str] = set()
        with self._store._tx(self._store._reader) as conn:
            for name, column, value in (("user_name", f.user_name, user_name),
                                        ("email", f.email, email)):
                if value and conn.execute(sa.select(f.id).where(
                        sa.func.lower(column) == sa.func.lower(value))).first():
                    found.add(name)
        return found

    def set_password_hash(self, facilitator_id: str, password_hash: str) -> None:
        """Replace the hash (after a sign-in found it made with older parameters)."""
        self._update(facilitator_id, password_hash=password_hash)

    def end_sessions(self, facilitator_id: str) -> int:
        """Sign out everywhere: bump the generation so that every session made before is
        refused. Returns the new generation, which the caller's own new session carries."""
        f = facilitators_table.c
        with self._store._tx() as conn:
            return conn.execute(
                facilitators_table.update().where(f.id == facilitator_id)
                .values(session_generation=f.session_generation + 1)
                .returning(f.session_generation)).scalar_one()

    def _update(self, facilitator_id: str, **values: object) -> None:
        f = facilitators_table.c
        with self._store._tx() as conn:
            conn.execute(facilitators_table.update().where(f.id == facilitator_id)
                         .values(**values))
