"""Studio decks in the store (game.store.decks): revisions, sharing, who may read and write;
on SQLite and on PostgreSQL (the same fixtures as tests/test_store.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from test_store import db_url, pg_admin, pg_url  # noqa: F401  (fixtures)

from game.store.accounts import Facilitators
from game.store.database import Conflict, Store
from game.store.decks import Decks


@dataclass
class World:
    decks: Decks
    ana: str
    bo: str
    cy: str


@pytest.fixture
def world(db_url: str) -> Iterator[World]:  # noqa: F811
    with Store(db_url) as store:
        people = Facilitators(store)
        yield World(Decks(store), *(people.create(n, n.title(), "h").id
                                    for n in ("ana", "bo", "cy")))


FILES = {"deck.yaml": "deck:\n  id: mine\n  name: Mine\n", "cards.yaml": "interventions: []\n"}


def test_each_save_is_a_new_revision_and_old_ones_stay_as_they_were(world):
    deck = world.decks.create(world.ana, "mine", "Mine", FILES, "forked")
    assert deck.latest == 1 and deck.visibility == "private"
    changed = {**FILES, "cards.yaml": "interventions: [x]\n"}
    second = world.decks.save(deck.id, world.ana, changed, "added x")
    assert second.number == 2
    assert world.decks.get(deck.id).latest == 2
    assert world.decks.revision(deck.id, 1).files == FILES
    assert world.decks.revision(deck.id, 2).files == changed
    assert world.decks.revision(deck.id, 3) is None
    listed = world.decks.revisions(deck.id)
    assert [(r.number, r.note, r.author_id) for r in listed] == [
        (2, "added x", world.ana), (1, "forked", world.ana)]
    assert listed[0].at >= listed[1].at


def test_a_deck_id_is_unique_per_owner_only(world):
    world.decks.create(world.ana, "mine", "Mine", FILES, "")
    with pytest.raises(Conflict, match="already have a deck"):
        world.decks.create(world.ana, "mine", "Again", FILES, "")
    world.decks.create(world.bo, "mine", "Bo's", FILES, "")  # another facilitator may


def test_private_shared_published(world):
    deck = world.decks.create(world.ana, "mine", "Mine", FILES, "")
    assert deck.may_read(world.ana) and deck.may_write(world.ana)
    assert not deck.may_read(world.bo) and not deck.may_read(None)
    assert [d.id for d in world.decks.visible_to(world.bo)] == []

    world.decks.set_sharing(deck.id, "shared", frozenset({world.bo}))
    deck = world.decks.get(deck.id)
    assert deck.may_read(world.bo) and not deck.may_write(world.bo)
    assert not deck.may_read(world.cy)
    assert [d.id for d in world.decks.visible_to(world.bo)] == [deck.id]
    assert world.decks.visible_to(world.cy) == []

    world.decks.set_sharing(deck.id, "published", frozenset({world.bo}))
    deck = world.decks.get(deck.id)
    assert deck.may_read(world.cy) and not deck.may_write(world.cy)
    assert not deck.may_read(None)
    assert [d.id for d in world.decks.visible_to(world.cy)] == [deck.id]

    world.decks.set_sharing(deck.id, "private", frozenset({world.bo}))
    assert not world.decks.get(deck.id).may_read(world.bo)  # the list is kept, not used
    assert world.decks.visible_to(world.bo) == []
    with pytest.raises(ValueError):
        world.decks.set_sharing(deck.id, "everyone")


def test_own_decks_are_listed_first(world):
    theirs = world.decks.create(world.bo, "a-deck", "A deck", FILES, "")
    world.decks.set_sharing(theirs.id, "published")
    own = world.decks.create(world.ana, "z-deck", "Z deck", FILES, "")
    assert [d.id for d in world.decks.visible_to(world.ana)] == [own.id, theirs.id]


def test_a_save_can_rename(world):
    deck = world.decks.create(world.ana, "mine", "Mine", FILES, "")
    world.decks.save(deck.id, world.ana, FILES, "renamed", name="Ours", slug="ours")
    again = world.decks.get(deck.id)
    assert (again.name, again.slug, again.latest) == ("Ours", "ours", 2)


def test_a_deleted_deck_is_nobody_s_but_its_revisions_stay(world):
    deck = world.decks.create(world.ana, "mine", "Mine", FILES, "forked")
    world.decks.save(deck.id, world.ana, FILES, "again")
    world.decks.set_sharing(deck.id, "published")
    world.decks.delete(deck.id)
    gone = world.decks.get(deck.id)
    assert not gone.may_read(world.ana) and not gone.may_write(world.ana)
    assert not gone.may_read(world.bo)
    assert all(d.id != deck.id for who in (world.ana, world.bo)
               for d in world.decks.visible_to(who))
    # A table playing revision 2 still reaches it by deck and number.
    assert world.decks.revision(deck.id, 2).files == FILES
    # The id is free for another deck of the owner's.
    again = world.decks.create(world.ana, "mine", "Mine", FILES, "new")
    assert again.id != deck.id and world.decks.get(again.id).may_read(world.ana)
