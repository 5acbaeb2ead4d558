"""Tests for game.store.database, each run on SQLite (a file) and on PostgreSQL (a schema of
its own).

PostgreSQL comes from TEST_POSTGRES_URL (default: trust auth on 127.0.0.1). Without it the
PostgreSQL cases skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from fixtures.depth import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.pool import NullPool

from game.store import migrations, schema
from game.store.database import Store
from game.store.migrations import LATEST
from game.store.records import (
    UNDO,
    ActionRecord,
    Conflict,
    SeatRecord,
    StoreError,
    TableRecord,
    in_effect,
)

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://@127.0.0.1:5432/test")
REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    engine = sa.create_engine(PG_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as e:
        engine.dispose()
        reason = f"PostgreSQL not reachable at {PG_URL}: {e.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: sa.Engine) -> Iterator[str]:
    """A URL whose connections work in a fresh, empty schema, dropped afterwards."""
    schema = f"test_store_{uuid.uuid4().hex[:12]}"
    with pg_admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with pg_admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database. For SQLite its directory does not exist yet."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'instance' / 'game.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store(db_url) as s:
        yield s


def table_record(table_id: str = "t1", code: str = "K7QX", **changes: object) -> TableRecord:
    fields: dict = {
        "id": table_id,
        "code": code,
        "deck": "data-commons",
        "scenario": "city-sensors",
        "seats": 3,
        "seed": 2**62 + 7,  # needs bigint
        "options": {"rounds": 6, "bots": ["cautious"], "timer": None},
        "facilitator_key_hash": "pbkdf2$abc",
        "status": "lobby",
        "created_at": T0,
        "mode": "table",
    }
    fields.update(changes)
    return TableRecord(**fields)


def seat_records(table_id: str = "t1", n: int = 3) -> list[SeatRecord]:
    return [
        SeatRecord(table_id, 0, "Ana", "hash-0", "human", T0),
        SeatRecord(table_id, 1, "Bot", None, "bot", None),
        *(SeatRecord(table_id, i, None, None, "empty", None) for i in range(2, n)),
    ]


def make_table(s: Store, table_id: str = "t1", code: str = "K7QX") -> TableRecord:
    record = table_record(table_id, code)
    s.create_table(record, seat_records(table_id))
    return record


def seqs(records: list[ActionRecord]) -> list[int]:
    return [r.seq for r in records]


# --- tables and seats ---------------------------------------------------------------------


def test_create_get_and_find_by_code_in_any_case(store: Store) -> None:
    record = make_table(store)
    assert store.get_table("t1") == record
    assert store.find_by_code("K7QX") == record
    assert store.find_by_code("k7qx") == record
    assert store.find_by_code("k7Qx") == record
    assert store.get_table("nope") is None
    assert store.find_by_code("ZZZZ") is None
    assert store.seats("t1") == seat_records()
    assert store.seats("nope") == []


def test_a_taken_code_in_another_case_is_a_conflict_and_leaves_nothing(store: Store) -> None:
    make_table(store)
    with pytest.raises(Conflict):
        store.create_table(table_record("t2", "k7qx"), seat_records("t2"))
    # The whole create is one transaction: no half-made table, no orphan seats.
    assert store.get_table("t2") is None
    assert store.seats("t2") == []
    with pytest.raises(Conflict):
        store.create_table(table_record("t1", "OTHER"), [])
    assert store.find_by_code("OTHER") is None
    make_table(store, "t2", "K7QY")  # the store is still usable


def test_create_table_rejects_inconsistent_arguments(store: Store) -> None:
    with pytest.raises(ValueError, match="mode"):
        store.create_table(table_record(mode="duel"), [])
    with pytest.raises(ValueError, match="belongs to"):
        store.create_table(table_record(), seat_records("other"))
    with pytest.raises(ValueError, match="kind"):
        store.create_table(table_record(), [SeatRecord("t1", 0, None, None, "ghost", None)])
    assert store.get_table("t1") is None


def test_status_options_and_seat_updates_change_only_what_is_given(store: Store) -> None:
    make_table(store)
    store.set_status("t1", "playing")
    store.set_options("t1", {"rounds": 4})
    table = store.get_table("t1")
    assert table is not None
    assert (table.status, table.options) == ("playing", {"rounds": 4})

    store.update_seat("t1", 2, name="Bea", kind="human", joined_at=T0)
    store.update_seat("t1", 0, token_hash=None)  # None clears; the name stays
    store.update_seat("t1", 1)  # nothing given: nothing happens
    by_seat = {s.seat: s for s in store.seats("t1")}
    assert by_seat[2] == SeatRecord("t1", 2, "Bea", None, "human", T0)
    assert by_seat[0] == SeatRecord("t1", 0, "Ana", None, "human", T0)
    assert by_seat[1] == seat_records()[1]

    with pytest.raises(StoreError):
        store.update_seat("t1", 9, name="Nobody")
    with pytest.raises(StoreError):
        store.set_status("nope", "playing")
    with pytest.raises(ValueError):
        store.update_seat("t1", 1, kind="ghost")


# --- the action log -----------------------------------------------------------------------


def test_append_and_read_actions_in_seq_order(store: Store) -> None:
    make_table(store)
    assert store.last_seq("t1") == 0
    assert store.actions("t1") == []
    for seq in (2, 1, 3, 4):  # insertion order must not matter
        store.append("t1", seq, seq % 2 or None, {"type": "play", "n": seq}, at=T0)
    got = store.actions("t1")
    assert seqs(got) == [1, 2, 3, 4]
    assert got[0] == ActionRecord("t1", 1, 1, {"type": "play", "n": 1}, T0)
    assert got[1].seat is None
    assert seqs(store.actions("t1", after=2)) == [3, 4]
    assert store.actions("t1", after=4) == []
    assert store.last_seq("t1") == 4
    assert store.last_seq("other") == 0


def test_a_duplicate_seq_is_a_conflict_and_changes_nothing(store: Store) -> None:
    make_table(store)
    store.append("t1", 1, 0, {"type": "start"}, at=T0)
    store.append("t1", 2, 0, {"type": "play"}, at=T0)
    before = store.actions("t1")
    with pytest.raises(Conflict):
        store.append("t1", 2, 1, {"type": "sneaky"})
    assert store.actions("t1") == before
    assert store.last_seq("t1") == 2
    store.append("t1", 3, 1, {"type": "play"})  # the pooled connection is still healthy
    assert store.last_seq("t1") == 3


def test_append_to_an_unknown_table_is_an_error_not_a_conflict(store: Store) -> None:
    with pytest.raises(StoreError) as info:
        store.append("nope", 1, None, {})
    assert not isinstance(info.value, Conflict)
    with pytest.raises(ValueError):
        store.append("nope", 0, None, {})


def test_two_stores_racing_for_each_seq_exactly_one_wins(db_url: str) -> None:
    rounds = 30
    with Store(db_url) as a, Store(db_url) as b:
        make_table(a)
        barrier = threading.Barrier(2)

        def race(s: Store, name: str) -> list[int]:
            won = []
            for seq in range(1, rounds + 1):
                barrier.wait(timeout=30)
                try:
                    s.append("t1", seq, None, {"by": name})
                    won.append(seq)
                except Conflict:
                    pass
            return won

        with ThreadPoolExecutor(2) as pool:
            fa, fb = pool.submit(race, a, "a"), pool.submit(race, b, "b")
            won_a, won_b = fa.result(timeout=120), fb.result(timeout=120)

        assert set(won_a).isdisjoint(won_b)
        assert sorted(won_a + won_b) == list(range(1, rounds + 1))
        for record in b.actions("t1"):
            assert record.action["by"] == ("a" if record.seq in won_a else "b")
        assert seqs(b.actions("t1")) == list(range(1, rounds + 1))


def test_an_undo_row_takes_back_the_actions_it_names_and_no_more() -> None:
    def log(*actions: dict) -> list[ActionRecord]:
        return [ActionRecord("t1", seq, 0, a, T0) for seq, a in enumerate(actions, 1)]

    def kept(rows: list[ActionRecord]) -> list[int]:
        return seqs(in_effect(rows))

    a = {"type": "pass"}
    assert kept(log(a, a, a)) == [1, 2, 3]
    assert kept(log(a, a, a, {"type": UNDO, "from_seq": 2})) == [1]
    assert kept(log(a, a, a, {"type": UNDO, "from_seq": 2}, a, a)) == [1, 5, 6]
    # A second undo reaching back past the first: still no undo row is ever taken back.
    assert kept(log(a, a, a, {"type": UNDO, "from_seq": 3}, a, {"type": UNDO, "from_seq": 2},
                    a)) == [1, 7]
    assert kept(log({"type": UNDO, "from_seq": 1}, a)) == [2]


def test_datetimes_come_back_as_utc(store: Store) -> None:
    make_table(store)
    paris = timezone(timedelta(hours=2))
    store.append("t1", 1, None, {}, at=datetime(2025, 6, 1, 12, 0, tzinfo=paris))
    store.append("t1", 2, None, {}, at=datetime(2025, 6, 1, 12, 0))  # naive: taken as UTC
    store.append("t1", 3, None, {})  # now
    first, second, third = store.actions("t1")
    assert first.at == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    assert second.at == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    for record in (first, second, third):
        assert record.at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - third.at) < timedelta(minutes=1)


def test_json_is_stored_as_canonical_text(store: Store) -> None:
    make_table(store)
    store.append("t1", 1, 0, {"b": 1, "a": {"d": [1, 2.5], "c": "é"}})
    with store.engine.connect() as conn:
        text = conn.execute(sa.text("SELECT action FROM actions")).scalar_one()
    assert text == '{"a":{"c":"\\u00e9","d":[1,2.5]},"b":1}'
    # NaN is not JSON: refuse it rather than store text other tools cannot read.
    with pytest.raises(StoreError) as info:
        store.append("t1", 2, 0, {"x": math.nan})
    assert not isinstance(info.value, Conflict)
    assert store.last_seq("t1") == 1


json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(action=st.dictionaries(st.text(max_size=12), json_values, max_size=5))
def test_any_json_action_round_trips(store: Store, action: dict) -> None:
    if store.get_table("prop") is None:
        make_table(store, "prop", "PROP")
    seq = store.last_seq("prop") + 1
    store.append("prop", seq, None, action)
    assert store.actions("prop", after=seq - 1)[0].action == action


# --- solo records -------------------------------------------------------------------------


def test_solo_records_newest_first_per_browser(store: Store) -> None:
    store.add_solo_record("b1", "deck", "s1", "easy", 12.5, True, "solo-1", at=T0)
    store.add_solo_record("b1", "deck", "s2", "hard", 3, False, "solo-2", at=T0 + timedelta(1))
    store.add_solo_record("b2", "deck", "s1", "easy", 99.0, True, "solo-3", at=T0)
    store.add_solo_record("b1", "deck", "s3", "easy", 7.25, True, "solo-4", at=T0)  # same time
    store.add_solo_record("b1", "deck", "s4", "easy", 1.0, False, "solo-5")  # now
    records = store.solo_records("b1")
    assert [r["table_id"] for r in records] == ["solo-5", "solo-2", "solo-4", "solo-1"]
    first = records[-1]
    assert first["browser_id"] == "b1"
    assert (first["deck"], first["scenario"], first["difficulty"]) == ("deck", "s1", "easy")
    assert first["total"] == 12.5
    assert first["won"] is True
    assert first["at"] == T0
    assert records[1]["won"] is False
    assert [r["table_id"] for r in store.solo_records("b1", limit=2)] == ["solo-5", "solo-2"]
    assert store.solo_records("nobody") == []


# --- migrations and the engine ------------------------------------------------------------


def migration_versions(url: str) -> list[int]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            query = "SELECT version FROM schema_migrations ORDER BY version"
            return list(conn.execute(sa.text(query)).scalars())
    finally:
        engine.dispose()


def test_migrations_are_idempotent(db_url: str) -> None:
    with Store(db_url) as first:
        make_table(first)
        first.append("t1", 1, 0, {"type": "start"})
        assert first.migrate() == []
    with Store(db_url) as second:
        assert second.migrate() == []
        assert second.last_seq("t1") == 1
        assert second.get_table("t1") == table_record()
    assert migration_versions(db_url) == list(range(1, LATEST + 1))


def test_step_3_moves_what_options_hid_into_columns(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database written before step 3, with a running timer and a solo table's browser and
    variant under underscore keys of options, keeps every value, now in its own column."""
    if db_url.startswith("sqlite"):
        Path(sa.make_url(db_url).database).parent.mkdir(parents=True)
    engine = sa.create_engine(db_url, poolclass=NullPool)
    timer = {"ends_at": 1234.5, "length": 120, "phase": "proposal", "round": 2}
    hidden = {"bots": "greedy", "timers": {"vote": 0}, "_timer": timer,
              "_browser": "browser-1234", "_variant": "captain", "_cuts": 1}
    try:
        with monkeypatch.context() as patch:
            patch.setattr(migrations, "STEPS", migrations.STEPS[:2])
            assert migrations.migrate(engine) == [1, 2]
        with engine.begin() as conn:
            for table_id, options in (("t1", hidden), ("t2", {"bots": "none"})):
                conn.execute(sa.text(
                    "INSERT INTO game_tables (id, code, deck, scenario, seats, seed, options, "
                    "facilitator_key_hash, status, mode, created_at) VALUES (:id, :id, 'd', "
                    "'s', 4, 1, :options, 'h', 'playing', 'solo', :at)"),
                    {"id": table_id, "options": json.dumps(options), "at": T0})
    finally:
        engine.dispose()
    with Store(db_url) as s:
        t1, t2 = s.get_table("t1"), s.get_table("t2")
    assert t1 is not None and t2 is not None
    assert (t1.timer, t1.browser_id, t1.variant) == (timer, "browser-1234", "captain")
    # What the facilitator chose stays; the count of undos that cut the log goes, as
    # undo appends now.
    assert t1.options == {"bots": "greedy", "timers": {"vote": 0}}
    assert (t2.options, t2.timer, t2.browser_id, t2.variant) == ({"bots": "none"}, None, None,
                                                                  None)


def test_timer_and_solo_columns_are_written_and_cleared(store: Store) -> None:
    make_table(store)
    timer = {"round": 1, "phase": "vote", "remaining": 12.5, "length": 60}
    store.append("t1", 1, 0, {"type": "start"}, status="playing", timer=timer)
    store.set_solo("t1", "browser-1234", "team")
    table = store.get_table("t1")
    assert table is not None
    assert (table.status, table.timer, table.browser_id, table.variant) == (
        "playing", timer, "browser-1234", "team")
    assert table.options == table_record().options  # the timer is not among the options
    store.append("t1", 2, 0, {"type": "pass"})  # no timer given: the timer stays
    assert store.get_table("t1").timer == timer  # type: ignore[union-attr]
    store.update_table("t1", timer=None)
    assert store.get_table("t1").timer is None  # type: ignore[union-attr]


def test_the_migrated_schema_has_the_columns_the_store_queries(store: Store) -> None:
    inspector = sa.inspect(store.engine)
    for table in schema.metadata.sorted_tables:
        columns = [c["name"] for c in inspector.get_columns(table.name)]
        assert columns == [c.name for c in table.columns], table.name
        pk = inspector.get_pk_constraint(table.name)["constrained_columns"]
        assert pk == [c.name for c in table.primary_key.columns], table.name


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'g.db'}") as s:
        # Hold several pooled connections at once so each is a distinct DBAPI connection.
        conns = [s.engine.connect() for _ in range(3)]
        try:
            for conn in conns:
                pragma = conn.exec_driver_sql
                assert pragma("PRAGMA journal_mode").scalar() == "wal"
                assert pragma("PRAGMA busy_timeout").scalar() == 5000
                assert pragma("PRAGMA foreign_keys").scalar() == 1
        finally:
            for conn in conns:
                conn.close()


def test_the_sqlite_log_reaches_the_database_file_while_the_store_is_open(
    tmp_path: Path,
) -> None:
    # Appends never checkpoint themselves (that would stall an action on fsync); a thread
    # of the store's own does. Without it the log would stay in the WAL until the store
    # closed, and the database file would not grow.
    path = tmp_path / "game.db"
    with Store(f"sqlite:///{path}") as s:
        make_table(s)
        empty = path.stat().st_size
        for seq in range(1, 2001):
            s.append("t1", seq, 0, {"type": "propose", "card": "citizens-jury", "n": seq})
        deadline = time.monotonic() + 10
        while path.stat().st_size < empty + 200_000 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert path.stat().st_size >= empty + 200_000, "no checkpoint reached the file"
        assert s.last_seq("t1") == 2000


def test_relative_sqlite_path_creates_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Store("sqlite:///instance/game.db") as s:
        make_table(s)
    assert (tmp_path / "instance" / "game.db").is_file()


def test_in_memory_sqlite_is_one_database_for_all_threads() -> None:
    with Store("sqlite://") as s:
        make_table(s)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda seq: s.append("t1", seq, None, {}), range(1, 41)))
        assert seqs(s.actions("t1")) == list(range(1, 41))
        assert s.health()["ok"] is True


def test_unsupported_backend_is_refused() -> None:
    with pytest.raises(StoreError, match="unsupported"):
        Store("mysql://localhost/game")


# --- health -------------------------------------------------------------------------------


def test_health_ok(store: Store) -> None:
    health = store.health()
    assert health["ok"] is True
    assert health["backend"] == store.backend
    assert health["backend"] in ("sqlite", "postgresql")
    assert health["error"] is None
    assert health["latency_ms"] >= 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_health_of_an_unreachable_database_is_not_ok_and_does_not_raise(
    backend: str, tmp_path: Path
) -> None:
    # A directory is not a database file; nothing listens on port 1.
    url = {
        "sqlite": f"sqlite:///{tmp_path}",
        "postgresql": "postgresql+psycopg://@127.0.0.1:1/nowhere",
    }[backend]
    with Store(url, migrate=False) as s:
        health = s.health()
    assert health["ok"] is False
    assert health["backend"] == backend
    assert health["error"]
    assert isinstance(health["latency_ms"], float)
    with pytest.raises(StoreError):
        Store(url)  # the application itself fails fast, with our exception type


# --- real OS processes --------------------------------------------------------------------

# Each worker says "ready" once started, waits for "go" on stdin (so all start together), then
# either migrates (by opening a Store) or appends until the log reaches the target, always
# taking the next free seq and counting the Conflicts it loses.
WORKER = r"""
import json, os, sys
from game.store.database import Store
from game.store.records import Conflict

mode, url = sys.argv[1], sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()
store = Store(url, migrate=False)  # migrate explicitly, to report what this process applied
result = {"pid": os.getpid(), "applied": store.migrate(), "won": [], "lost": 0}
if mode == "append":
    table_id, target = sys.argv[3], int(sys.argv[4])
    while (seq := store.last_seq(table_id) + 1) <= target:
        try:
            store.append(table_id, seq, None, {"pid": os.getpid()})
            result["won"].append(seq)
        except Conflict:
            result["lost"] += 1
store.close()
print(json.dumps(result), flush=True)
"""


def run_workers(n: int, *args: str) -> list[dict]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env,
        )
        for _ in range(n)
    ]
    try:
        for p in procs:
            assert p.stdout is not None
            assert p.stdout.readline().strip() == "ready", p.stderr.read() if p.stderr else ""
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def test_processes_appending_at_once_write_every_seq_exactly_once(db_url: str) -> None:
    target = 200
    with Store(db_url) as s:
        make_table(s)
    results = run_workers(3, "append", db_url, "t1", str(target))

    claimed = [seq for r in results for seq in r["won"]]
    assert sorted(claimed) == list(range(1, target + 1))  # no seq claimed twice, none missing
    owner = {seq: r["pid"] for r in results for seq in r["won"]}
    with Store(db_url) as s:
        log = s.actions("t1")
    assert seqs(log) == list(range(1, target + 1))
    assert all(record.action["pid"] == owner[record.seq] for record in log)


def test_processes_starting_at_once_migrate_exactly_once(db_url: str) -> None:
    results = run_workers(4, "migrate", db_url)
    applied = [r["applied"] for r in results]
    # Each step takes the lock on its own, so one process may apply step 1 and another step
    # 2; what must hold is that every step is applied once, and each process goes in order.
    assert sorted(v for a in applied for v in a) == list(range(1, LATEST + 1)), applied
    assert all(a == sorted(a) for a in applied), applied
    assert migration_versions(db_url) == list(range(1, LATEST + 1))
    with Store(db_url) as s:
        make_table(s)  # and the schema works


def test_a_process_starting_while_another_holds_the_lock_waits_to_migrate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite gives up on a lock after its busy timeout, sized for millisecond transactions;
    a process starting while another migrates (or holds the write lock longer) must wait its
    turn rather than fail to start. The timeout is shortened so the test waits a second."""
    import sqlite3

    from game.store import connect

    monkeypatch.setattr(connect, "SQLITE_BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "game.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")  # another process's write, still going
    released = threading.Timer(1.0, holder.execute, args=("COMMIT",))
    released.start()
    try:
        engine, _ = connect.make_engine(f"sqlite:///{path}", False)
        try:
            assert migrations.migrate(engine) == list(range(1, LATEST + 1))
        finally:
            engine.dispose()
    finally:
        released.join()
        holder.close()
    assert migration_versions(f"sqlite:///{path}") == list(range(1, LATEST + 1))
