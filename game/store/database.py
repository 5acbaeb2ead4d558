"""Persistence for tables (game rooms): an append-only action log, plus table, seat and solo
score rows, on SQLite (the default) or PostgreSQL, through SQLAlchemy Core (except the log's
appends on SQLite, which go straight to the driver: see `_SQLiteLog`).

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

import contextlib
import enum
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

from game.store import migrations

__all__ = [
    "UNDO",
    "UNSET",
    "ActionRecord",
    "Conflict",
    "SeatRecord",
    "Store",
    "StoreError",
    "TableRecord",
    "in_effect",
    "sqlite_path",
]

SEAT_KINDS = frozenset({"human", "bot", "empty"})
TABLE_MODES = frozenset({"table", "solo"})

# How long a SQLite writer waits for another writer's lock before failing. Transactions here
# last about a millisecond, so only a stuck process makes anyone wait this long.
SQLITE_BUSY_TIMEOUT_MS = 5000
PG_CONNECT_TIMEOUT_S = 10
# How often the WAL is copied into the database file (see _Checkpoints).
CHECKPOINT_EVERY_S = 0.5

_WRITE = "game_store_write"  # execution option: this transaction will write


class StoreError(Exception):
    """The database refused or failed an operation."""


class Conflict(StoreError):
    """Another writer appended this seq first (or took this table code or id)."""


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = _Unset.UNSET  # "leave this field alone" in update_seat, where None is a real value


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


# --- column types -------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    # A naive datetime is taken to be UTC already (as from datetime.utcnow()).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes in and out. SQLite has no time zones, so it stores naive UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        value = _utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else _utc(value)


def _dumps(value: Any) -> str:
    # Canonical text: sorted keys and no spaces, so equal values give equal text on every
    # backend. ASCII escapes keep lone surrogates and exotic characters storable anywhere;
    # allow_nan=False refuses NaN/Infinity, which are not JSON and which PostgreSQL's json
    # functions would reject later.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


class JSONText(sa.TypeDecorator[Any]):
    """JSON kept as text rather than a native JSON type, to behave the same on both backends."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else _dumps(value)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Any:
        return None if value is None else json.loads(value)


# --- tables as queried now (the DDL that creates them lives in game.store.migrations) ------------

metadata = sa.MetaData()

game_tables = sa.Table(
    "game_tables",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("deck", sa.Text, nullable=False),
    sa.Column("scenario", sa.Text, nullable=False),
    sa.Column("seats", sa.Integer, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("options", JSONText, nullable=False),
    sa.Column("facilitator_key_hash", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("mode", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("timer", JSONText),
    sa.Column("browser_id", sa.Text),
    sa.Column("variant", sa.Text),
)

seats_table = sa.Table(
    "seats",
    metadata,
    sa.Column("table_id", sa.Text, primary_key=True),
    sa.Column("seat", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text),
    sa.Column("token_hash", sa.Text),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("joined_at", UTCDateTime),
)

actions_table = sa.Table(
    "actions",
    metadata,
    sa.Column("table_id", sa.Text, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seat", sa.Integer),
    sa.Column("action", JSONText, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

solo_records_table = sa.Table(
    "solo_records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("browser_id", sa.Text, nullable=False),
    sa.Column("deck", sa.Text, nullable=False),
    sa.Column("scenario", sa.Text, nullable=False),
    sa.Column("difficulty", sa.Text, nullable=False),
    sa.Column("total", sa.Float, nullable=False),
    sa.Column("won", sa.Boolean, nullable=False),
    sa.Column("table_id", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

health_table = sa.Table(
    "health",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

_INSERT_ACTION = actions_table.insert()


# --- engine -------------------------------------------------------------------------------


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Take transaction control away from pysqlite, whose legacy mode runs DDL outside any
    # transaction and starts reads lazily; _sqlite_on_begin emits BEGIN instead.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        # Set first, so that the journal_mode switch below also waits rather than fails.
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        # WAL: readers and the writer do not block each other. Persistent in the file.
        cur.execute("PRAGMA journal_mode = WAL")
        # With WAL, NORMAL never corrupts and a crash of the application loses nothing; only
        # a power cut or OS crash can lose the last commits. It saves an fsync per append.
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    # Writers take the write lock at BEGIN, where busy_timeout makes them queue. A deferred
    # transaction that reads and then writes can instead fail at once with SQLITE_BUSY when
    # another process committed in between; reads stay deferred so they never block writers.
    if conn.get_execution_options().get(_WRITE):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _make_engine(url: str, echo: bool) -> tuple[sa.Engine, bool]:
    """Return (engine, serialise): serialise when all threads share one connection."""
    u = sa.make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        database = u.database or ""
        if database in ("", ":memory:"):
            # An in-memory database lives in one connection: share it across threads (the
            # default pool would give each thread its own, empty, database).
            engine = sa.create_engine(
                u,
                echo=echo,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
            )
            serialise = True
        else:
            if not u.query.get("uri"):  # "file:" URIs are for the caller to manage
                try:
                    Path(database).parent.mkdir(parents=True, exist_ok=True)
                except OSError as e:
                    raise StoreError(f"cannot create directory for {database!r}: {e}") from e
            engine = sa.create_engine(u, echo=echo)
            serialise = False
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine, serialise
    if backend == "postgresql":
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in u.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        return sa.create_engine(u, echo=echo, connect_args=connect_args), False
    raise StoreError(f"unsupported database {backend!r}: use sqlite or postgresql")


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory ones. Here
    because only the store reads database URLs (game.store.diskcheck asks it)."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") \
            or url.query.get("uri"):
        return None
    return Path(url.database)


_SQLITE_TAKEN = ("SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE")


def _file_of(url: sa.URL) -> tuple[str, bool]:
    return url.database or "", bool(url.query.get("uri"))


def _is_unique_violation(err: sa.exc.IntegrityError) -> bool:
    orig = err.orig
    if getattr(orig, "sqlstate", None) == "23505":  # psycopg: unique_violation
        return True
    return getattr(orig, "sqlite_errorname", "") in _SQLITE_TAKEN


def _describe(err: Exception) -> str:
    # The driver's own message, without SQLAlchemy's echo of the SQL and its parameters
    # (which may hold token hashes).
    orig = getattr(err, "orig", None)
    cause = err if orig is None else orig
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}{_hint(cause)}"


# SQLite's and PostgreSQL's ways of saying "this database cannot be written now".
_CANNOT_WRITE = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN")
_PG_CANNOT_WRITE = {"25006": "the database is read-only (a standby, or "
                    "default_transaction_read_only)", "53100": "the database's disk is full"}


def _hint(cause: BaseException) -> str:
    """What an operator should do about an error, when the error says it."""
    name = getattr(cause, "sqlite_errorname", "") or ""
    if name.startswith(_CANNOT_WRITE):
        return ("; the database cannot be written: free disk space, or make the database "
                "file, its -wal and -shm files and their folder writable")
    state = getattr(cause, "sqlstate", None)
    if state in _PG_CANNOT_WRITE:
        return f"; {_PG_CANNOT_WRITE[state]}"
    return ""


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


def _table_values(status: str | None, timer: dict | _Unset | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = status
    if not isinstance(timer, _Unset):
        values["timer"] = timer
    return values


def _check_kind(kind: str) -> None:
    if kind not in SEAT_KINDS:
        raise ValueError(f"seat kind must be one of {sorted(SEAT_KINDS)}, not {kind!r}")


# --- the hot path -------------------------------------------------------------------------


class _SQLiteLog:
    """Appends to the action log on SQLite through one connection kept for the purpose,
    straight through the driver: SQLAlchemy's per-statement work (pool checkout, BEGIN
    IMMEDIATE through an event, compiling, type processing) was five times the INSERT itself
    and the largest single cost of an action under load (docs/performance.md).

    pysqlite is in autocommit here (see _sqlite_on_connect), so the INSERT is its own
    transaction: committed, or refused, when execute returns. SQLite has one writer at a
    time anyway, so one connection behind a lock loses no concurrency."""

    SQL = "INSERT INTO actions (table_id, seq, seat, action, at) VALUES (?, ?, ?, ?, ?)"

    def __init__(self, engine: sa.Engine, lock: AbstractContextManager[Any],
                 checkpoint_file: tuple[str, bool] | None) -> None:
        self._engine = engine
        self._lock = lock
        self._conn: Any = None  # SQLAlchemy's pooled connection, taken on first use
        self._checkpoints = _Checkpoints(checkpoint_file) if checkpoint_file else None

    def append(self, row: tuple[str, int, int | None, str, datetime], conflict: str,
               table: dict[str, str | None] | None = None) -> None:
        """One INSERT, its own transaction; with `table` (column: text to set on the table's
        row), the INSERT and that UPDATE in one transaction: both are kept, or neither."""
        table_id, seq, seat, text, when = row
        # The text SQLAlchemy's SQLite DATETIME writes, so its reads parse it back.
        at = f"{when.replace(tzinfo=None):%Y-%m-%d %H:%M:%S.%f}"
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._open()
                driver = self._conn.driver_connection
                if not table:
                    driver.execute(self.SQL, (table_id, seq, seat, text, at))
                    return
                driver.execute("BEGIN IMMEDIATE")
                try:
                    driver.execute(self.SQL, (table_id, seq, seat, text, at))
                    sets = ", ".join(f"{column} = ?" for column in table)
                    done = driver.execute(f"UPDATE game_tables SET {sets} WHERE id = ?",
                                          (*table.values(), table_id))
                    if done.rowcount != 1:
                        raise StoreError(f"no table {table_id!r}")
                    driver.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        driver.execute("ROLLBACK")
                    raise
            except sqlite3.IntegrityError as e:
                if getattr(e, "sqlite_errorname", "") in _SQLITE_TAKEN:
                    raise Conflict(conflict) from e
                raise StoreError(_describe(e)) from e
            except (sqlite3.Error, sa.exc.SQLAlchemyError) as e:
                self._drop()  # start from a fresh connection next time
                raise StoreError(_describe(e)) from e

    def _open(self) -> Any:
        conn = self._engine.raw_connection()
        if self._checkpoints:
            # A commit that crosses SQLite's checkpoint threshold (1,000 pages of WAL) copies
            # the WAL into the database and waits for two fsyncs, here about 15 ms, in the
            # middle of an action, where under gevent every table waits too. The log's
            # connection leaves that to _Checkpoints, on a thread of its own.
            conn.driver_connection.execute("PRAGMA wal_autocheckpoint = 0")
            self._checkpoints.start()
        return conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.invalidate()

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.driver_connection.execute("PRAGMA wal_autocheckpoint = 1000")
                conn.close()  # back to the pool, which the engine then disposes of
            if self._checkpoints:
                self._checkpoints.stop()


def _os_thread_tools() -> tuple[Callable[[Callable[[], None]], Any], Callable[[float], None]]:
    """start_new_thread and sleep as the operating system has them. Under gevent's
    monkey-patching both are green: a "thread" would be a greenlet, and an fsync in it
    would still stop every greenlet in the process."""
    import _thread

    start, sleep = _thread.start_new_thread, time.sleep
    try:
        from gevent import monkey
    except ImportError:
        return (lambda fn: start(fn, ())), sleep
    if monkey.is_module_patched("threading"):
        start = monkey.get_original("_thread", "start_new_thread")
        sleep = monkey.get_original("time", "sleep")
    return (lambda fn: start(fn, ())), sleep


class _Checkpoints:
    """Copies the SQLite WAL into the database every CHECKPOINT_EVERY_S seconds, from an
    operating-system thread with its own connection (the driver lets go of the GIL while
    SQLite works), so that no action waits on a checkpoint's fsyncs. PASSIVE: it never
    blocks a writer or a reader, and does what it can when they are busy."""

    def __init__(self, file: tuple[str, bool]) -> None:
        self._file = file  # (path or "file:" URI, whether it is a URI)
        self._running = False
        self._stopped = False

    def start(self) -> None:
        if self._running:
            return
        self._running, self._stopped = True, False
        start, self._sleep = _os_thread_tools()
        start(self._loop)

    def stop(self) -> None:
        self._stopped = True

    def _loop(self) -> None:
        path, uri = self._file
        conn = sqlite3.connect(path, uri=uri, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            while not self._stopped:
                self._sleep(CHECKPOINT_EVERY_S)
                with contextlib.suppress(sqlite3.Error):  # busy or gone: try next time
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()
            self._running = False


# --- the store ----------------------------------------------------------------------------


class Store:
    """Tables, seats, the action log and solo records in one database.

    Thread-safe; share one Store per process. Connections come from SQLAlchemy's pool.
    """

    def __init__(self, url: str, *, echo: bool = False, migrate: bool = True) -> None:
        # migrate=False only for tools that must not touch the schema (or a health probe
        # of a database that may be down); the application should leave it True.
        self._url = url  # private: it may hold a password
        self._engine, serialise = _make_engine(url, echo)
        # Views of one engine (same pool and listeners) for three kinds of work:
        # transactions that write (SQLite: the option makes _sqlite_on_begin BEGIN IMMEDIATE),
        # single-statement reads, and single-statement appends. On PostgreSQL the last two run
        # in autocommit: one round trip instead of BEGIN, statement, COMMIT. That is as
        # atomic and durable, since one statement is its own transaction, and ~1.5x the rate.
        self._writer = self._engine.execution_options(**{_WRITE: True})
        if self.backend == "postgresql":
            self._reader = self._engine.execution_options(isolation_level="AUTOCOMMIT")
            self._appender = self._reader
        else:
            self._reader, self._appender = self._engine, self._writer
        self._serial: AbstractContextManager[Any] = (
            threading.RLock() if serialise else nullcontext()
        )
        self._sqlite_log = (
            _SQLiteLog(
                self._engine,
                self._serial if serialise else threading.Lock(),
                None if serialise else _file_of(self._engine.url),  # in memory: no WAL
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
            if _is_unique_violation(e):
                raise Conflict(conflict) from e
            raise StoreError(_describe(e)) from e
        except sa.exc.SQLAlchemyError as e:
            raise StoreError(_describe(e)) from e

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

    def _update_table(self, table_id: str, **values: Any) -> None:
        with self._tx() as conn:
            result = conn.execute(
                game_tables.update().where(game_tables.c.id == table_id).values(**values)
            )
            if result.rowcount == 0:
                raise StoreError(f"no table {table_id!r}")

    def set_status(self, table_id: str, status: str) -> None:
        self._update_table(table_id, status=status)

    def set_code(self, table_id: str, code: str) -> None:
        """Give the table a new join code; Conflict if another table has it."""
        with self._tx(conflict="join code taken") as conn:
            conn.execute(game_tables.update().where(game_tables.c.id == table_id)
                         .values(code=code))

    def update_table(self, table_id: str, *, status: str | None = None,
                     timer: dict | _Unset | None = UNSET) -> None:
        """Set the status and/or the timer (None: no timer) of a table in one write."""
        values = _table_values(status, timer)
        if values:
            self._update_table(table_id, **values)

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
        name: str | _Unset | None = UNSET,
        token_hash: str | _Unset | None = UNSET,
        kind: str | _Unset = UNSET,
        joined_at: datetime | _Unset | None = UNSET,
    ) -> None:
        """Change only the fields given (None is a value: it clears the field)."""
        given = {"name": name, "token_hash": token_hash, "kind": kind, "joined_at": joined_at}
        values = {k: v for k, v in given.items() if v is not UNSET}
        if not isinstance(kind, _Unset):
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
        timer: dict | _Unset | None = UNSET,
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
        when = _now() if at is None else _utc(at)
        conflict = f"table {table_id!r} already has action {seq}"
        values = _table_values(status, timer)
        if self._sqlite_log is not None:
            try:
                text = _dumps(action)
                table = {k: _dumps(v) if k == "timer" and v is not None else v
                         for k, v in values.items()}
            except ValueError as e:  # NaN or Infinity
                raise StoreError(f"that action is not JSON: {e}") from e
            self._sqlite_log.append((table_id, seq, seat, text, when), conflict, table)
            return
        row = {"table_id": table_id, "seq": seq, "seat": seat, "action": action, "at": when}
        if not values:
            with self._tx(self._appender, conflict=conflict) as conn:
                conn.execute(_INSERT_ACTION, row)
            return
        with self._tx(conflict=conflict) as conn:
            conn.execute(_INSERT_ACTION, row)
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
            "at": _now() if at is None else at,
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
                                 .values(at=_now()))
            else:
                with self._serial, self._reader.connect() as conn:
                    conn.execute(sa.text("SELECT 1")).scalar_one()
        except Exception as e:  # any failure is a health result, not an exception
            error = str(e) if isinstance(e, StoreError) else _describe(e)
        return {
            "ok": error is None,
            "backend": self.backend,
            "latency_ms": round((time.perf_counter() - start) * 1000, 3),
            "error": error,
        }
