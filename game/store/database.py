"""Persistence for tables (game rooms): an append-only action log, plus table, seat and solo
score rows, on SQLite (the default) or PostgreSQL, through SQLAlchemy Core (except the log's
appends on SQLite, which go straight to the driver: see `SQLiteLog`).

The action log is the truth: a table's state is the fold of its actions over the deck and seed.
Rows are never changed or deleted: a solo undo is a row of its own (see ``in_effect``).
The only write on the hot path is ``append``: one INSERT in one short transaction. The primary
key (table_id, seq) is the concurrency control: when two processes append the same seq, one
INSERT wins and the other raises ``Conflict``, after which the caller reloads and retries or
rejects.

Every database error surfaces as ``StoreError`` (``Conflict`` for a taken key) so callers need
to know nothing about SQLAlchemy or the driver. Invalid arguments raise ``ValueError``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from game.store import migrations
from game.store.connect import (
    WRITE,
    SQLiteLog,
    describe,
    file_of,
    is_unique_violation,
    make_engine,
)
from game.store.records import (
    UNSET,
    ActionRecord,
    Conflict,
    SeatRecord,
    StoreError,
    TableRecord,
    Unset,
)
from game.store.schema import (
    INSERT_ACTION,
    actions_table,
    dumps,
    game_tables,
    health_table,
    now,
    seats_table,
    solo_records_table,
    solo_reflections_table,
    utc,
)

SEAT_KINDS = frozenset({"human", "bot", "empty"})
TABLE_MODES = frozenset({"table", "solo"})


# --- row conversion -----------------------------------------------------------------------


def _table(row: sa.Row) -> TableRecord:
    m = row._mapping
    return TableRecord(
        id=m["id"],
        code=m["code"],
        deck=m["deck"],
        scenario=m["scenario"],
        seats=m["seats"],
        seed=m["seed"],
        options=m["options"],
        facilitator_key_hash=m["facilitator_key_hash"],
        status=m["status"],
        created_at=m["created_at"],
        mode=m["mode"],
        timer=m["timer"],
        browser_id=m["browser_id"],
        variant=m["variant"],
        deck_revision=m["deck_revision"],
    )


def _seat(row: sa.Row) -> SeatRecord:
    m = row._mapping
    return SeatRecord(
        table_id=m["table_id"],
        seat=m["seat"],
        name=m["name"],
        token_hash=m["token_hash"],
        kind=m["kind"],
        joined_at=m["joined_at"],
    )


def _table_values(status: str | None, timer: dict | Unset | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = status
    if not isinstance(timer, Unset):
        values["timer"] = timer
    return values


def _check_kind(kind: str) -> None:
    if kind not in SEAT_KINDS:
        raise ValueError(f"seat kind must be one of {sorted(SEAT_KINDS)}, not {kind!r}")


class Store:
    """Tables, seats, the action log and solo records in one database.

    Thread-safe; share one Store per process. Connections come from SQLAlchemy's pool.
    """

    def __init__(self, url: str, *, echo: bool = False, migrate: bool = True) -> None:
        # migrate=False only for tools that must not touch the schema (or a health probe
        # of a database that may be down); the application should leave it True.
        self._url = url  # private: it may hold a password
        self._engine, serialise = make_engine(url, echo)
        # Views of one engine (same pool and listeners) for three kinds of work:
        # transactions that write (SQLite: the option makes _sqlite_on_begin BEGIN IMMEDIATE),
        # single-statement reads, and single-statement appends. On PostgreSQL the last two run
        # in autocommit: one round trip instead of BEGIN, statement, COMMIT. That is as
        # atomic and durable, since one statement is its own transaction, and ~1.5x the rate.
        self._writer: sa.Engine = self._engine.execution_options(**{WRITE: True})
        self._reader: sa.Engine
        self._appender: sa.Engine
        if self.backend == "postgresql":
            self._reader = self._engine.execution_options(isolation_level="AUTOCOMMIT")
            self._appender = self._reader
        else:
            self._reader, self._appender = self._engine, self._writer
        self._serial: AbstractContextManager[Any] = (
            threading.RLock() if serialise else nullcontext()
        )
        self._sqlite_log = (
            SQLiteLog(
                self._engine,
                self._serial if serialise else threading.Lock(),
                None if serialise else file_of(self._engine.url),  # in memory: no WAL
            )
            if self.backend == "sqlite"
            else None
        )
        if migrate:
            self.migrate()

    @property
    def backend(self) -> str:
        """The backend: "sqlite" or "postgresql"."""
        return self._engine.dialect.name

    @property
    def engine(self) -> sa.Engine:
        """The underlying engine, for tests and maintenance tools."""
        return self._engine

    def migrate(self) -> list[int]:
        """Bring the schema up to date; return the versions applied now. Idempotent."""
        with self._guard():
            return migrations.migrate(self._writer)

    def close(self) -> None:
        if self._sqlite_log is not None:
            self._sqlite_log.close()
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({sa.make_url(self._url).render_as_string(hide_password=True)!r})"

    @contextmanager
    def _guard(self, conflict: str = "already exists") -> Iterator[None]:
        """Translate SQLAlchemy and driver errors into StoreError / Conflict."""
        try:
            with self._serial:
                yield
        except sa.exc.IntegrityError as e:
            if is_unique_violation(e):
                raise Conflict(conflict) from e
            raise StoreError(describe(e)) from e
        except sa.exc.SQLAlchemyError as e:
            raise StoreError(describe(e)) from e

    @contextmanager
    def _tx(
        self, engine: sa.Engine | None = None, *, conflict: str = "already exists"
    ) -> Iterator[sa.Connection]:
        """One transaction (by default a writing one), committed on leaving the block."""
        with self._guard(conflict), (engine or self._writer).begin() as conn:
            yield conn

    # --- tables and seats -----------------------------------------------------------------

    def create_table(self, record: TableRecord, seats: list[SeatRecord]) -> None:
        """Insert a table and its seats together. Conflict if the code (any case) or id is taken."""
        if record.mode not in TABLE_MODES:
            raise ValueError(
                f"table mode must be one of {sorted(TABLE_MODES)}, not {record.mode!r}"
            )
        for s in seats:
            _check_kind(s.kind)
            if s.table_id != record.id:
                raise ValueError(f"seat {s.seat} belongs to {s.table_id!r}, not {record.id!r}")
        row = {
            "id": record.id,
            "code": record.code,
            "deck": record.deck,
            "scenario": record.scenario,
            "seats": record.seats,
            "seed": record.seed,
            "options": record.options,
            "facilitator_key_hash": record.facilitator_key_hash,
            "status": record.status,
            "mode": record.mode,
            "created_at": record.created_at,
            "timer": record.timer,
            "browser_id": record.browser_id,
            "variant": record.variant,
            "deck_revision": record.deck_revision,
        }
        seat_rows = [
            {
                "table_id": s.table_id,
                "seat": s.seat,
                "name": s.name,
                "token_hash": s.token_hash,
                "kind": s.kind,
                "joined_at": s.joined_at,
            }
            for s in seats
        ]
        conflict = f"table code {record.code!r} or id {record.id!r} is already taken"
        with self._tx(conflict=conflict) as conn:
            conn.execute(game_tables.insert(), row)
            if seat_rows:
                conn.execute(seats_table.insert(), seat_rows)

    def get_table(self, table_id: str) -> TableRecord | None:
        with self._tx(self._reader) as conn:
            row = conn.execute(sa.select(game_tables).where(game_tables.c.id == table_id)).first()
        return None if row is None else _table(row)

    def find_by_code(self, code: str) -> TableRecord | None:
        """Case-insensitive. lower() on both sides, in SQL, matches the unique index exactly."""
        query = sa.select(game_tables).where(
            sa.func.lower(game_tables.c.code) == sa.func.lower(sa.literal(code, sa.Text))
        )
        with self._tx(self._reader) as conn:
            row = conn.execute(query).first()
        return None if row is None else _table(row)

    def _update_table(self, table_id: str, expect_status: str | None = None,
                      **values: Any) -> None:
        where = game_tables.c.id == table_id
        if expect_status is not None:
            where = sa.and_(where, game_tables.c.status == expect_status)
        with self._tx() as conn:
            result = conn.execute(game_tables.update().where(where).values(**values))
            if result.rowcount == 0:
                if expect_status is not None and conn.execute(
                        sa.select(game_tables.c.id).where(game_tables.c.id == table_id)
                ).first() is not None:
                    raise Conflict(f"table {table_id!r} is no longer {expect_status!r}")
                raise StoreError(f"no table {table_id!r}")

    def set_status(self, table_id: str, status: str) -> None:
        self._update_table(table_id, status=status)

    def set_code(self, table_id: str, code: str) -> None:
        """Give the table a new join code; Conflict if another table has it."""
        with self._tx(conflict="join code taken") as conn:
            conn.execute(game_tables.update().where(game_tables.c.id == table_id)
                         .values(code=code))

    def update_table(self, table_id: str, *, status: str | None = None,
                     timer: dict | Unset | None = UNSET,
                     expect_status: str | None = None) -> None:
        """Set the status and/or the timer (None: no timer) of a table in one write. With
        `expect_status`, only if the table's status is still that (Conflict if another
        process changed it first), so that two processes pausing at once pause it once."""
        values = _table_values(status, timer)
        if values:
            self._update_table(table_id, expect_status, **values)

    def set_solo(self, table_id: str, browser_id: str, variant: str) -> None:
        """Say whose solo practice the table is, and which variant."""
        self._update_table(table_id, browser_id=browser_id, variant=variant)

    def set_options(self, table_id: str, options: dict) -> None:
        """Replace the table's options as a whole."""
        self._update_table(table_id, options=options)

    def seats(self, table_id: str) -> list[SeatRecord]:
        query = (
            sa.select(seats_table)
            .where(seats_table.c.table_id == table_id)
            .order_by(seats_table.c.seat)
        )
        with self._tx(self._reader) as conn:
            return [_seat(row) for row in conn.execute(query)]

    def update_seat(
        self,
        table_id: str,
        seat: int,
        *,
        name: str | Unset | None = UNSET,
        token_hash: str | Unset | None = UNSET,
        kind: str | Unset = UNSET,
        joined_at: datetime | Unset | None = UNSET,
    ) -> None:
        """Change only the fields given (None is a value: it clears the field)."""
        given = {"name": name, "token_hash": token_hash, "kind": kind, "joined_at": joined_at}
        values = {k: v for k, v in given.items() if v is not UNSET}
        if not isinstance(kind, Unset):
            _check_kind(kind)
        if not values:
            return
        query = (
            seats_table.update()
            .where(seats_table.c.table_id == table_id, seats_table.c.seat == seat)
            .values(**values)
        )
        with self._tx() as conn:
            if conn.execute(query).rowcount == 0:
                raise StoreError(f"no seat {seat} at table {table_id!r}")

    # --- the action log -------------------------------------------------------------------

    def append(
        self,
        table_id: str,
        seq: int,
        seat: int | None,
        action: dict,
        at: datetime | None = None,
        *,
        status: str | None = None,
        timer: dict | Unset | None = UNSET,
    ) -> None:
        """Add action number seq (1, 2, ...) to the log, committed before returning.

        `status` and `timer`, when given, are written to the table's row in the same
        transaction: what the action made of the table (its status, its timer) is stored
        with the action or not at all, so no crash or failure can leave one without the
        other. Raises Conflict if that seq is already in the log: another writer got there
        first.
        """
        if seq < 1:
            raise ValueError(f"seq starts at 1, got {seq}")
        when = now() if at is None else utc(at)
        conflict = f"table {table_id!r} already has action {seq}"
        values = _table_values(status, timer)
        if self._sqlite_log is not None:
            try:
                text = dumps(action)
                table = {k: dumps(v) if k == "timer" and v is not None else v
                         for k, v in values.items()}
            except ValueError as e:  # NaN or Infinity
                raise StoreError(f"that action is not JSON: {e}") from e
            self._sqlite_log.append((table_id, seq, seat, text, when), conflict, table)
            return
        row = {"table_id": table_id, "seq": seq, "seat": seat, "action": action, "at": when}
        if not values:
            with self._tx(self._appender, conflict=conflict) as conn:
                conn.execute(INSERT_ACTION, row)
            return
        with self._tx(conflict=conflict) as conn:
            conn.execute(INSERT_ACTION, row)
            done = conn.execute(
                game_tables.update().where(game_tables.c.id == table_id).values(**values))
            if done.rowcount == 0:
                raise StoreError(f"no table {table_id!r}")

    def actions(self, table_id: str, after: int = 0) -> list[ActionRecord]:
        """Actions with seq > after, in seq order."""
        a = actions_table.c
        query = (
            sa.select(a.table_id, a.seq, a.seat, a.action, a.at)
            .where(a.table_id == table_id, a.seq > after)
            .order_by(a.seq)
        )
        with self._tx(self._reader) as conn:
            return [ActionRecord(*row) for row in conn.execute(query)]

    def last_seq(self, table_id: str) -> int:
        """The highest seq in the table's log, 0 when it is empty."""
        query = sa.select(sa.func.coalesce(sa.func.max(actions_table.c.seq), 0)).where(
            actions_table.c.table_id == table_id
        )
        with self._tx(self._reader) as conn:
            return int(conn.execute(query).scalar_one())

    # --- solo records ---------------------------------------------------------------------

    def add_solo_record(
        self,
        browser_id: str,
        deck: str,
        scenario: str,
        difficulty: str,
        total: float,
        won: bool,
        table_id: str,
        at: datetime | None = None,
    ) -> None:
        row = {
            "browser_id": browser_id,
            "deck": deck,
            "scenario": scenario,
            "difficulty": difficulty,
            "total": float(total),
            "won": bool(won),
            "table_id": table_id,
            "at": now() if at is None else at,
        }
        with self._tx() as conn:
            conn.execute(solo_records_table.insert(), row)

    def solo_records(self, browser_id: str, limit: int | None = None) -> list[dict]:
        """This browser's records, newest first (ties broken by insertion order)."""
        s = solo_records_table.c
        query = (
            sa.select(solo_records_table)
            .where(s.browser_id == browser_id)
            .order_by(s.at.desc(), s.id.desc())
            .limit(limit)
        )
        with self._tx(self._reader) as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def add_reflection_answer(self, table_id: str, question: int, questions: int, kind: str,
                              text: str, choice: int, choice_text: str, right: bool) -> None:
        """Keep the learner's answer to one question of a solo game's reflection. A question
        is answered once: a second answer raises Conflict."""
        row = {"table_id": table_id, "question": question, "questions": questions,
               "kind": kind, "text": text, "choice": choice, "choice_text": choice_text,
               "right": bool(right), "at": now()}
        with self._tx(conflict="that question has been answered") as conn:
            conn.execute(solo_reflections_table.insert(), row)

    def reflection_answers(self, table_id: str) -> list[dict]:
        """A solo game's reflection answers, by question."""
        r = solo_reflections_table.c
        query = (sa.select(solo_reflections_table).where(r.table_id == table_id)
                 .order_by(r.question))
        with self._tx(self._reader) as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def reflection_scores(self, table_ids: list[str]) -> dict[str, dict]:
        """For each of these solo games with answers: {"right", "answered", "of"}."""
        if not table_ids:
            return {}
        r = solo_reflections_table.c
        query = (sa.select(r.table_id, sa.func.count(), sa.func.sum(sa.case((r.right, 1),
                                                                            else_=0)),
                           sa.func.max(r.questions))
                 .where(r.table_id.in_(table_ids)).group_by(r.table_id))
        with self._tx(self._reader) as conn:
            return {t: {"right": int(right or 0), "answered": int(n), "of": int(of)}
                    for t, n, right, of in conn.execute(query)}

    # --- operations -----------------------------------------------------------------------

    def health(self, *, write: bool = False) -> dict:
        """Round-trip a SELECT 1, or with `write` rewrite the one row of the health table:
        a write fails when appends would (disk full, read-only database or file), where a
        read still succeeds. Never raises: meant for a health endpoint."""
        start = time.perf_counter()
        error: str | None = None
        try:
            if write:
                with self._tx() as conn:
                    conn.execute(health_table.update().where(health_table.c.id == 1)
                                 .values(at=now()))
            else:
                with self._serial, self._reader.connect() as conn:
                    conn.execute(sa.text("SELECT 1")).scalar_one()
        except Exception as e:  # any failure is a health result, not an exception
            error = str(e) if isinstance(e, StoreError) else describe(e)
        return {
            "ok": error is None,
            "backend": self.backend,
            "latency_ms": round((time.perf_counter() - start) * 1000, 3),
            "error": error,
        }
