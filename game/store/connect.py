"""Connecting to the database: SQLAlchemy engines tuned for SQLite (WAL, write locks taken at
BEGIN) and PostgreSQL, what their errors mean for an operator, and SQLite's hot path (the
log's appends straight through the driver, and WAL checkpoints off the request path)."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

from game.store.records import Conflict, StoreError

# How long a SQLite writer waits for another writer's lock before failing. Transactions here
# last about a millisecond, so only a stuck process makes anyone wait this long.
SQLITE_BUSY_TIMEOUT_MS = 5000
PG_CONNECT_TIMEOUT_S = 10
# How often the WAL is copied into the database file (see Checkpoints).
CHECKPOINT_EVERY_S = 0.5

WRITE = "game_store_write"  # execution option: this transaction will write


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
    if conn.get_execution_options().get(WRITE):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, echo: bool) -> tuple[sa.Engine, bool]:
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


def file_of(url: sa.URL) -> tuple[str, bool]:
    return url.database or "", bool(url.query.get("uri"))


def is_unique_violation(err: sa.exc.IntegrityError) -> bool:
    orig = err.orig
    if getattr(orig, "sqlstate", None) == "23505":  # psycopg: unique_violation
        return True
    return getattr(orig, "sqlite_errorname", "") in _SQLITE_TAKEN


def describe(err: Exception) -> str:
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


class SQLiteLog:
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
        self._checkpoints = Checkpoints(checkpoint_file) if checkpoint_file else None

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
                raise StoreError(describe(e)) from e
            except (sqlite3.Error, sa.exc.SQLAlchemyError) as e:
                self._drop()  # start from a fresh connection next time
                raise StoreError(describe(e)) from e

    def _open(self) -> Any:
        conn = self._engine.raw_connection()
        if self._checkpoints:
            # A commit that crosses SQLite's checkpoint threshold (1,000 pages of WAL) copies
            # the WAL into the database and waits for two fsyncs, here about 15 ms, in the
            # middle of an action, where under gevent every table waits too. The log's
            # connection leaves that to Checkpoints, on a thread of its own.
            driver = conn.driver_connection
            assert driver is not None  # a pooled connection that is open has its driver's
            driver.execute("PRAGMA wal_autocheckpoint = 0")
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


def os_thread_tools() -> tuple[Callable[[Callable[[], None]], Any], Callable[[float], None]]:
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


class Checkpoints:
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
        start, self._sleep = os_thread_tools()
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

