"""Schema migrations: a numbered list of steps, each applied once, in its own transaction, and
recorded in ``schema_migrations``.

To change the schema, append a new Step to STEPS. Never edit a step that has shipped: databases
in the field have already run it. Steps build their own Table objects instead of reusing the
ones in ``game.store.schema`` so that step 1 keeps creating the *original* schema after later
steps have altered it.

Concurrency: several processes (web workers) may start at once. On PostgreSQL each step holds a
transaction-scoped advisory lock; on SQLite the engine passed in must begin transactions with
``BEGIN IMMEDIATE`` (``game.store.connect`` arranges that), which takes the database write
lock. Either way the second process waits, then sees the step recorded and skips it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

log = logging.getLogger(__name__)

# Arbitrary constant: the advisory-lock "class" for this application's migrations.
_PG_LOCK_CLASS = 0x6A4E
# How long a process starting on SQLite waits for another's migration before giving up.
MIGRATION_WAIT_S = 120.0


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    apply: Callable[[sa.Connection], None]


schema_migrations = sa.Table(
    "schema_migrations",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)


def _step_1_create_tables(conn: sa.Connection) -> None:
    md = sa.MetaData()
    # Text rather than String(n): VARCHAR limits are enforced by PostgreSQL but not SQLite, and
    # the two backends must accept the same data. Length limits belong to input validation.
    game_tables = sa.Table(
        "game_tables",
        md,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("deck", sa.Text, nullable=False),
        sa.Column("scenario", sa.Text, nullable=False),
        sa.Column("seats", sa.Integer, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("options", sa.Text, nullable=False),  # JSON as text: same on both backends
        sa.Column("facilitator_key_hash", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Codes are typed by people and looked up case-insensitively, so uniqueness is too; this
    # index also serves find_by_code's WHERE lower(code) = lower(?).
    sa.Index("ux_game_tables_code_lower", sa.func.lower(game_tables.c.code), unique=True)
    sa.Table(
        "seats",
        md,
        sa.Column(
            "table_id",
            sa.Text,
            sa.ForeignKey("game_tables.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seat", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("token_hash", sa.Text, nullable=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
    )
    # The primary key (table_id, seq) is the log's concurrency control: it is what makes a
    # second writer of the same seq fail. It also serves every read (range scans by seq).
    sa.Table(
        "actions",
        md,
        sa.Column(
            "table_id",
            sa.Text,
            sa.ForeignKey("game_tables.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seat", sa.Integer, nullable=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    solo = sa.Table(
        "solo_records",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("browser_id", sa.Text, nullable=False),
        sa.Column("deck", sa.Text, nullable=False),
        sa.Column("scenario", sa.Text, nullable=False),
        sa.Column("difficulty", sa.Text, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("won", sa.Boolean, nullable=False),
        # No foreign key: a score outlives the solo table it was played at.
        sa.Column("table_id", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Index("ix_solo_records_browser_id", solo.c.browser_id, solo.c.at)
    # checkfirst tolerates tables that already exist (e.g. made by hand before migrations).
    md.create_all(conn, checkfirst=True)


def _step_2_create_health(conn: sa.Connection) -> None:
    # One row that /healthz rewrites: the cheapest write that fails exactly when an action's
    # append would (a full disk, a read-only file or database, a lost primary).
    health = sa.Table(
        "health",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    health.create(conn, checkfirst=True)
    conn.execute(health.insert(), {"id": 1, "at": datetime.now(UTC)})


# Table state that versions up to 2 kept in game_tables.options under these keys, and the
# column each now has.
_HIDDEN_OPTIONS = {"_timer": "timer", "_browser": "browser_id", "_variant": "variant"}
# Counted the times a solo undo had deleted the end of the log, so that other processes knew
# to fold it again. Undo now appends a row they see like any other, so the count goes.
_RETIRED_OPTIONS = ("_cuts",)


def _step_3_option_columns(conn: sa.Connection) -> None:
    # The timer, and a solo table's browser and variant, were kept in the options' JSON beside
    # what the facilitator chose: give each a column and move every table's values into it.
    for column in _HIDDEN_OPTIONS.values():
        conn.execute(sa.text(f"ALTER TABLE game_tables ADD COLUMN {column} TEXT"))
    tables = sa.table("game_tables", sa.column("id"), sa.column("options"),
                      *(sa.column(c) for c in _HIDDEN_OPTIONS.values()))
    for table_id, text in conn.execute(sa.select(tables.c.id, tables.c.options)).all():
        options = json.loads(text)
        if not options.keys() & {*_HIDDEN_OPTIONS, *_RETIRED_OPTIONS}:
            continue
        values = {column: options.pop(key, None) for key, column in _HIDDEN_OPTIONS.items()}
        for key in _RETIRED_OPTIONS:
            options.pop(key, None)
        # The timer column holds JSON, like the options; the others hold plain text.
        timer = values["timer"]
        values["timer"] = None if timer is None else _json(timer)
        conn.execute(tables.update().where(tables.c.id == table_id)
                     .values(options=_json(options), **values))


def _json(value: object) -> str:
    # The text game.store.schema writes (its dumps), so a migrated row reads and compares
    # the same.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _step_4_facilitators(conn: sa.Connection) -> None:
    # Facilitator accounts (game.store.accounts). Unique in any case, like table codes: the
    # indexes are on lower(), which is also what every look-up compares. Several rows may
    # have no e-mail: NULLs never collide in a unique index, on either backend.
    md = sa.MetaData()
    facilitators = sa.Table(
        "facilitators",
        md,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("user_name", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        # Bumped by "sign out everywhere": a session made under an older one is refused.
        sa.Column("session_generation", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Index("ux_facilitators_user_name_lower", sa.func.lower(facilitators.c.user_name),
             unique=True)
    sa.Index("ux_facilitators_email_lower", sa.func.lower(facilitators.c.email), unique=True)
    md.create_all(conn, checkfirst=True)


def _step_5_studio_decks(conn: sa.Connection) -> None:
    # Facilitators' own decks (game.store.decks): a deck row, its append-only revisions (the
    # YAML files as JSON text) and who it is shared with. A deck's slug is unique per owner.
    md = sa.MetaData()
    decks = sa.Table(
        "studio_decks",
        md,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("owner_id", sa.Text, sa.ForeignKey("facilitators.id"), nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("visibility", sa.Text, nullable=False),
        sa.Column("forked_from", sa.Text, nullable=True),
        sa.Column("latest", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Index("ux_studio_decks_owner_slug", decks.c.owner_id, decks.c.slug, unique=True)
    sa.Table(
        "studio_deck_revisions",
        md,
        sa.Column("deck_id", sa.Text, sa.ForeignKey("studio_decks.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("author_id", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    shares = sa.Table(
        "studio_deck_shares",
        md,
        sa.Column("deck_id", sa.Text, sa.ForeignKey("studio_decks.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("facilitator_id", sa.Text, sa.ForeignKey("facilitators.id"),
                  primary_key=True),
    )
    sa.Index("ix_studio_deck_shares_facilitator", shares.c.facilitator_id)
    sa.Table("facilitators", md, sa.Column("id", sa.Text, primary_key=True))
    md.create_all(conn, checkfirst=True)
    # A table made with a studio deck plays one revision of it for good: the deck column
    # names the studio deck's id, this one its revision (NULL for a shipped deck).
    conn.execute(sa.text("ALTER TABLE game_tables ADD COLUMN deck_revision INTEGER"))


def _step_6_workshops(conn: sa.Connection) -> None:
    # Workshops (game.store.workshops): one room of tables, its facilitators, and the
    # people seated through its code. A workshop's tables stay ordinary game_tables rows.
    md = sa.MetaData()
    workshops = sa.Table(
        "workshops",
        md,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("owner_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("day", sa.Text, nullable=False),  # ISO date the facilitator chose
        sa.Column("deck", sa.Text, nullable=False),
        # What else was chosen (scenarios, seats, timers, rule, bots, seating, roster), as
        # JSON text: new choices need no schema change.
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Index("ux_workshops_code_lower", sa.func.lower(workshops.c.code), unique=True)
    sa.Index("ix_workshops_owner", workshops.c.owner_id)
    sa.Table(
        "workshop_facilitators",
        md,
        sa.Column("workshop_id", sa.Text, primary_key=True),
        sa.Column("facilitator_id", sa.Text, primary_key=True),
        sa.Index("ix_workshop_facilitators_who", "facilitator_id"),
    )
    sa.Table(
        "workshop_tables",
        md,
        sa.Column("workshop_id", sa.Text, primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("table_id", sa.Text, nullable=False, unique=True),
    )
    people = sa.Table(
        "workshop_people",
        md,
        sa.Column("workshop_id", sa.Text, primary_key=True),
        sa.Column("device_hash", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("table_number", sa.Integer, nullable=False),
        sa.Column("seat", sa.Integer, nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    # One seat per name in a workshop, whatever its case.
    sa.Index("ux_workshop_people_name", people.c.workshop_id, sa.func.lower(people.c.name),
             unique=True)
    md.create_all(conn, checkfirst=True)


def _step_7_solo_reflections(conn: sa.Connection) -> None:
    # The closing reflection of a solo game: the learner's answers, one row per question.
    md = sa.MetaData()
    sa.Table(
        "solo_reflections",
        md,
        sa.Column("table_id", sa.Text, primary_key=True),
        sa.Column("question", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("questions", sa.Integer, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("choice", sa.Integer, nullable=False),
        sa.Column("choice_text", sa.Text, nullable=False),
        sa.Column("right", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    md.create_all(conn, checkfirst=True)


STEPS: list[Step] = [
    Step(1, "create game_tables, seats, actions, solo_records", _step_1_create_tables),
    Step(2, "create health (the health check's write probe)", _step_2_create_health),
    Step(3, "move the timer and solo browser and variant out of options into columns, "
            "and drop the undo count",
         _step_3_option_columns),
    Step(4, "create facilitators (accounts)", _step_4_facilitators),
    Step(5, "create studio_decks, studio_deck_revisions, studio_deck_shares; "
            "game_tables.deck_revision", _step_5_studio_decks),
    Step(6, "create workshops, workshop_facilitators, workshop_tables, workshop_people",
         _step_6_workshops),
    Step(7, "create solo_reflections (a solo game's closing questions, as answered)",
         _step_7_solo_reflections),
]

LATEST = STEPS[-1].version


def _lock(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        # Keyed by schema so that separate schemas (e.g. one per test) do not wait on each
        # other; released automatically at commit or rollback.
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:cls, hashtext(coalesce(current_schema(), '')))"),
            {"cls": _PG_LOCK_CLASS},
        )
    # SQLite: BEGIN IMMEDIATE already holds the database write lock.


def _applied(conn: sa.Connection) -> set[int]:
    return set(conn.scalars(sa.select(schema_migrations.c.version)))


def applied_versions(engine: sa.Engine) -> set[int]:
    """Versions recorded in schema_migrations (empty if the table does not exist yet)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("schema_migrations"):
            return set()
        return _applied(conn)


def migrate(engine: sa.Engine) -> list[int]:
    """Apply pending steps in order; return the versions this call applied (usually [])."""
    done = applied_versions(engine)  # fast path: a started database needs no lock
    unknown = {v for v in done if v > LATEST}
    if unknown:
        log.warning("database has schema versions %s newer than this code knows", sorted(unknown))
    if all(step.version in done for step in STEPS):
        return []
    applied: list[int] = []
    for step in STEPS:
        deadline = time.monotonic() + MIGRATION_WAIT_S
        while True:
            try:
                if _apply(engine, step):
                    applied.append(step.version)
                break
            except sa.exc.OperationalError as exc:
                if not _sqlite_locked(exc) or time.monotonic() > deadline:
                    raise
                log.info("waiting for another process to finish migrating the database")
    return applied


def _apply(engine: sa.Engine, step: Step) -> bool:
    """Apply one step unless another process has; say whether this call applied it."""
    with engine.begin() as conn:
        _lock(conn)
        schema_migrations.create(conn, checkfirst=True)
        if step.version in _applied(conn):
            return False  # applied by another process while we waited for the lock
        log.info("applying schema migration %d: %s", step.version, step.name)
        step.apply(conn)
        conn.execute(
            schema_migrations.insert(),
            {"version": step.version, "applied_at": datetime.now(UTC)},
        )
    return True


def _sqlite_locked(exc: sa.exc.OperationalError) -> bool:
    # SQLite gives up on the write lock after its busy timeout, which is sized for
    # transactions of a millisecond. A process starting while another migrates should wait
    # for it (PostgreSQL's advisory lock waits as long as it takes).
    return "database is locked" in str(exc.orig)
