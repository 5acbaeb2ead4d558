"""Facilitators' own decks (the deck studio), kept as revisions.

A studio deck belongs to one facilitator. Its content lives only in its revisions: each save
appends a revision (the deck's YAML files as text, who saved it, when, and a note), numbered
1, 2, 3... per deck, and never changed or deleted afterwards, so a table created with
revision 2 can always be rebuilt from it. Restoring an old revision appends a new one with
the old content.

Who may see a deck (`may_read`):
- private: its owner only;
- shared: its owner and the facilitators named in `deck_shares`;
- published: every facilitator on the server.
Only the owner saves, restores, shares or publishes (`may_write`). The server turns a refusal
into one "no such deck" answer, so that a private deck's existence is not given away.

A deck's `slug` is the id in its `deck:` section, which a deck folder's name must match; it is
unique per owner (two facilitators may each have a "my-deck"), so decks are addressed by
their own random `id`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from game.store.database import Store
from game.store.records import Conflict
from game.store.schema import JSONText, UTCDateTime, now

__all__ = ["DELETED", "VISIBILITIES", "DeckRecord", "Decks", "RevisionRecord"]

VISIBILITIES = ("private", "shared", "published")
# A deleted deck: nobody may read it, its owner neither, and its id is free again; its
# revisions stay, for the tables and workshops that play one of them (see Decks.delete).
DELETED = "deleted"

_md = sa.MetaData()
decks_table = sa.Table(
    "studio_decks", _md,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("owner_id", sa.Text, nullable=False),
    sa.Column("slug", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("visibility", sa.Text, nullable=False),
    sa.Column("forked_from", sa.Text),
    sa.Column("latest", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
revisions_table = sa.Table(
    "studio_deck_revisions", _md,
    sa.Column("deck_id", sa.Text, primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("files", JSONText, nullable=False),
    sa.Column("author_id", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)
shares_table = sa.Table(
    "studio_deck_shares", _md,
    sa.Column("deck_id", sa.Text, primary_key=True),
    sa.Column("facilitator_id", sa.Text, primary_key=True),
)


@dataclass(frozen=True)
class DeckRecord:
    id: str
    owner_id: str
    slug: str
    name: str
    visibility: str
    forked_from: str | None
    latest: int
    created_at: datetime
    shared_with: frozenset[str] = frozenset()  # facilitator ids

    def may_read(self, facilitator_id: str | None) -> bool:
        if facilitator_id is None or self.visibility == DELETED:
            return False
        return (facilitator_id == self.owner_id or self.visibility == "published"
                or (self.visibility == "shared" and facilitator_id in self.shared_with))

    def may_write(self, facilitator_id: str | None) -> bool:
        return (facilitator_id is not None and facilitator_id == self.owner_id
                and self.visibility != DELETED)


@dataclass(frozen=True)
class RevisionRecord:
    deck_id: str
    number: int
    files: dict[str, str]  # file name -> YAML text
    author_id: str
    note: str
    at: datetime


class Decks:
    """The studio decks of one Store's database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, owner_id: str, slug: str, name: str, files: Mapping[str, str],
               note: str, forked_from: str | None = None) -> DeckRecord:
        """A new private deck with `files` as its revision 1. Conflict if the owner already
        has a deck with that slug."""
        at = now()
        record = DeckRecord(id=uuid.uuid4().hex, owner_id=owner_id, slug=slug, name=name,
                            visibility="private", forked_from=forked_from, latest=1,
                            created_at=at)
        with self._store._tx(conflict="you already have a deck with that id") as conn:
            taken = conn.execute(sa.select(decks_table.c.id).where(
                decks_table.c.owner_id == owner_id, decks_table.c.slug == slug,
                decks_table.c.visibility != DELETED)).first()
            if taken:
                raise Conflict(f"you already have a deck with the id {slug!r}: choose another")
            values = {k: v for k, v in record.__dict__.items() if k != "shared_with"}
            conn.execute(decks_table.insert(), values)
            conn.execute(revisions_table.insert(), {
                "deck_id": record.id, "number": 1, "files": dict(files),
                "author_id": owner_id, "note": note, "at": at})
        return record

    def get(self, deck_id: str) -> DeckRecord | None:
        with self._store._tx(self._store._reader) as conn:
            row = conn.execute(sa.select(decks_table).where(decks_table.c.id == deck_id)).first()
            if row is None:
                return None
            shared = conn.scalars(sa.select(shares_table.c.facilitator_id).where(
                shares_table.c.deck_id == deck_id)).all()
        return DeckRecord(**row._mapping, shared_with=frozenset(shared))

    def visible_to(self, facilitator_id: str) -> list[DeckRecord]:
        """The decks `facilitator_id` may read: their own, those shared with them, and the
        published ones; their own first, then by name."""
        d, s = decks_table.c, shares_table.c
        shared_ids = sa.select(s.deck_id).where(s.facilitator_id == facilitator_id)
        query = sa.select(decks_table).where(sa.or_(
            sa.and_(d.owner_id == facilitator_id, d.visibility != DELETED),
            d.visibility == "published", sa.and_(d.visibility == "shared", d.id.in_(shared_ids))))
        with self._store._tx(self._store._reader) as conn:
            rows = conn.execute(query).all()
        records = [DeckRecord(**r._mapping) for r in rows]
        return sorted(records, key=lambda r: (r.owner_id != facilitator_id, r.name.lower(),
                                              r.id))

    def save(self, deck_id: str, author_id: str, files: Mapping[str, str], note: str,
             name: str | None = None, slug: str | None = None) -> RevisionRecord:
        """Append a revision. Two saves at once cannot both take the same number: the
        primary key refuses the second, which surfaces as Conflict."""
        at = now()
        d = decks_table.c
        with self._store._tx(conflict="someone saved this deck at the same moment: "
                             "save again") as conn:
            latest = conn.execute(sa.select(d.latest).where(d.id == deck_id)).scalar_one()
            number = latest + 1
            conn.execute(revisions_table.insert(), {
                "deck_id": deck_id, "number": number, "files": dict(files),
                "author_id": author_id, "note": note, "at": at})
            values: dict[str, object] = {"latest": number}
            if name is not None:
                values["name"] = name
            if slug is not None:
                values["slug"] = slug
            conn.execute(decks_table.update().where(d.id == deck_id).values(**values))
        return RevisionRecord(deck_id, number, dict(files), author_id, note, at)

    def revision(self, deck_id: str, number: int) -> RevisionRecord | None:
        r = revisions_table.c
        with self._store._tx(self._store._reader) as conn:
            row = conn.execute(sa.select(revisions_table).where(
                r.deck_id == deck_id, r.number == number)).first()
        return None if row is None else RevisionRecord(**row._mapping)

    def revisions(self, deck_id: str) -> list[RevisionRecord]:
        """Every revision of the deck, newest first, without their files (empty dicts)."""
        r = revisions_table.c
        query = (sa.select(r.deck_id, r.number, r.author_id, r.note, r.at)
                 .where(r.deck_id == deck_id).order_by(r.number.desc()))
        with self._store._tx(self._store._reader) as conn:
            rows = conn.execute(query).all()
        return [RevisionRecord(row.deck_id, row.number, {}, row.author_id, row.note, row.at)
                for row in rows]

    def delete(self, deck_id: str) -> None:
        """Delete a deck for everyone: no facilitator may read, change, fork or list it any
        more, and its owner may use its id again. Its revisions are kept, unreadable through
        the studio, so that a table or workshop playing one of them plays on (and comes back
        after a restart): they reach a revision by its deck and number alone."""
        with self._store._tx() as conn:
            # The slug is unique per owner: the deleted deck's gives way (its id is unique).
            conn.execute(decks_table.update().where(decks_table.c.id == deck_id)
                         .values(visibility=DELETED, slug=f"deleted-{deck_id}"))
            conn.execute(shares_table.delete().where(shares_table.c.deck_id == deck_id))

    def set_sharing(self, deck_id: str, visibility: str,
                    shared_with: frozenset[str] = frozenset()) -> None:
        """Set who may read the deck. `shared_with` (facilitator ids) is kept whatever the
        visibility, so that making a deck private and shared again keeps its list."""
        if visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}, not {visibility!r}")
        with self._store._tx() as conn:
            conn.execute(decks_table.update().where(decks_table.c.id == deck_id)
                         .values(visibility=visibility))
            conn.execute(shares_table.delete().where(shares_table.c.deck_id == deck_id))
            if shared_with:
                conn.execute(shares_table.insert(), [
                    {"deck_id": deck_id, "facilitator_id": f} for f in sorted(shared_with)])
