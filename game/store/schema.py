"""The tables as the store queries them now, and their column types. The DDL that creates
and alters them lives in game.store.migrations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


def utc(value: datetime) -> datetime:
    # A naive datetime is taken to be UTC already (as from datetime.utcnow()).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes in and out. SQLite has no time zones, so it stores naive UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        value = utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else utc(value)


def dumps(value: Any) -> str:
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
        return None if value is None else dumps(value)

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
    sa.Column("deck_revision", sa.Integer),
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

# The closing reflection of a solo game: one row per question the learner answered (the
# first answer counts). The question and the chosen answer are kept as words, so the
# practice record reads the same after the deck changes: the view matches a row to its
# question by those words, never by `question`, which is only the row's slot (the
# question's place when answered, or the next free one) and `questions` the reflection's
# size then.
solo_reflections_table = sa.Table(
    "solo_reflections",
    metadata,
    sa.Column("table_id", sa.Text, primary_key=True),
    sa.Column("question", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("questions", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("choice", sa.Integer, nullable=False),
    sa.Column("choice_text", sa.Text, nullable=False),
    sa.Column("right", sa.Boolean, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

health_table = sa.Table(
    "health",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

INSERT_ACTION = actions_table.insert()
