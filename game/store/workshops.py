"""Workshops: one room of tables, run by one or more facilitators, joined with one code.

A workshop's tables are ordinary tables (game_tables, with their own codes, seats and logs);
this module keeps what ties them together: the workshop's row (its code, owner, name, day,
deck and settings), its numbered tables, its co-facilitators, and the people seated through
its code (one row per device, and one per name whatever its case, so that nobody takes two
seats). Nothing here knows the game's rules: the server decides, the store keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from game.store.database import Store
from game.store.schema import JSONText, UTCDateTime

__all__ = ["Person", "WorkshopRecord", "Workshops"]

STATUSES = ("open", "playing", "ended")

_md = sa.MetaData()
workshops_table = sa.Table(
    "workshops", _md,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("owner_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("day", sa.Text, nullable=False),
    sa.Column("deck", sa.Text, nullable=False),
    sa.Column("settings", JSONText, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
helpers_table = sa.Table(
    "workshop_facilitators", _md,
    sa.Column("workshop_id", sa.Text, primary_key=True),
    sa.Column("facilitator_id", sa.Text, primary_key=True),
)
tables_table = sa.Table(
    "workshop_tables", _md,
    sa.Column("workshop_id", sa.Text, primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("table_id", sa.Text, nullable=False),
)
people_table = sa.Table(
    "workshop_people", _md,
    sa.Column("workshop_id", sa.Text, primary_key=True),
    sa.Column("device_hash", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("table_number", sa.Integer, nullable=False),
    sa.Column("seat", sa.Integer, nullable=False),
    sa.Column("joined_at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True)
class WorkshopRecord:
    id: str
    code: str
    owner_id: str
    name: str
    day: str  # ISO date, as the facilitator chose it
    deck: str
    # scenarios (one per table), seats, options (timers, rule, bots), seating, roster
    settings: dict
    status: str  # "open" (seating), "playing", "ended"
    created_at: datetime


@dataclass(frozen=True)
class Person:
    workshop_id: str
    device_hash: str
    name: str
    table_number: int
    seat: int
    joined_at: datetime


class Workshops:
    """The workshops of one Store's database (its connections, its error translation)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # ---- workshops ---------------------------------------------------------------------------

    def create(self, record: WorkshopRecord, table_ids: list[str]) -> None:
        """The workshop and its tables (numbered from 1, in order) together. Conflict if the
        code (in any case) or id is taken."""
        if record.status not in STATUSES:
            raise ValueError(f"workshop status must be one of {STATUSES}")
        with self._store._tx(conflict=f"workshop code {record.code!r} is taken") as conn:
            conn.execute(workshops_table.insert(), record.__dict__)
            conn.execute(tables_table.insert(), [
                {"workshop_id": record.id, "number": n, "table_id": t}
                for n, t in enumerate(table_ids, 1)])

    def get(self, workshop_id: str) -> WorkshopRecord | None:
        w = workshops_table.c
        with self._store._tx(self._store._reader) as conn:
            row = conn.execute(sa.select(workshops_table).where(w.id == workshop_id)).first()
        return None if row is None else WorkshopRecord(**row._mapping)

    def find_by_code(self, code: str) -> WorkshopRecord | None:
        w = workshops_table.c
        query = sa.select(workshops_table).where(
            sa.func.lower(w.code) == sa.func.lower(sa.literal(code, sa.Text)))
        with self._store._tx(self._store._reader) as conn:
            row = conn.execute(query).first()
        return None if row is None else WorkshopRecord(**row._mapping)

    def set_status(self, workshop_id: str, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"workshop status must be one of {STATUSES}")
        with self._store._tx() as conn:
            conn.execute(workshops_table.update().where(workshops_table.c.id == workshop_id)
                         .values(status=status))

    def tables(self, workshop_id: str) -> list[str]:
        """The workshop's table ids, table 1 first."""
        t = tables_table.c
        with self._store._tx(self._store._reader) as conn:
            return list(conn.scalars(sa.select(t.table_id).where(t.workshop_id == workshop_id)
                                     .order_by(t.number)))

    def place_of(self, table_id: str) -> tuple[str, int] | None:
        """The workshop a table belongs to and its number there, or None."""
        t = tables_table.c
        with self._store._tx(self._store._reader) as conn:
            row = conn.execute(sa.select(t.workshop_id, t.number)
                               .where(t.table_id == table_id)).first()
        return None if row is None else (row[0], row[1])

    # ---- who runs it -------------------------------------------------------------------------

    def add_facilitator(self, workshop_id: str, facilitator_id: str) -> None:
        """A co-facilitator. Conflict if they already are one."""
        with self._store._tx(conflict="already a facilitator of this workshop") as conn:
            conn.execute(helpers_table.insert(), {"workshop_id": workshop_id,
                                                  "facilitator_id": facilitator_id})

    def co_facilitators(self, workshop_id: str) -> list[str]:
        h = helpers_table.c
        with self._store._tx(self._store._reader) as conn:
            return list(conn.scalars(sa.select(h.facilitator_id)
                                     .where(h.workshop_id == workshop_id)
                                     .order_by(h.facilitator_id)))

    def for_facilitator(self, facilitator_id: str) -> list[WorkshopRecord]:
        """The workshops they own or help run, the latest day first."""
        w, h = workshops_table.c, helpers_table.c
        helping = sa.select(h.workshop_id).where(h.facilitator_id == facilitator_id)
        query = (sa.select(workshops_table)
                 .where(sa.or_(w.owner_id == facilitator_id, w.id.in_(helping)))
                 .order_by(w.day.desc(), w.created_at.desc()))
        with self._store._tx(self._store._reader) as conn:
            return [WorkshopRecord(**row._mapping) for row in conn.execute(query)]

    # ---- who is seated -----------------------------------------------------------------------

    def people(self, workshop_id: str) -> list[Person]:
        p = people_table.c
        with self._store._tx(self._store._reader) as conn:
            return [Person(**row._mapping) for row in conn.execute(
                sa.select(people_table).where(p.workshop_id == workshop_id)
                .order_by(p.table_number, p.seat))]

    def add_person(self, person: Person) -> None:
        """Conflict if this device or this name (in any case) is in the workshop already."""
        with self._store._tx(conflict="that device or name already has a seat") as conn:
            conn.execute(people_table.insert(), person.__dict__)

    def move_person(self, workshop_id: str, device_hash: str, table_number: int,
                    seat: int) -> None:
        p = people_table.c
        with self._store._tx() as conn:
            conn.execute(people_table.update()
                         .where(p.workshop_id == workshop_id, p.device_hash == device_hash)
                         .values(table_number=table_number, seat=seat))

    def remove_person(self, workshop_id: str, device_hash: str) -> None:
        p = people_table.c
        with self._store._tx() as conn:
            conn.execute(people_table.delete()
                         .where(p.workshop_id == workshop_id, p.device_hash == device_hash))
