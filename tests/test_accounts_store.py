"""Facilitator accounts in the store (game.store.accounts), on SQLite and on PostgreSQL (the
same fixtures as tests/test_store.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_store import db_url, pg_admin, pg_url  # noqa: F401  (fixtures)

from game.store.accounts import Facilitators
from game.store.database import Conflict, Store


@pytest.fixture
def people(db_url: str) -> Iterator[Facilitators]:  # noqa: F811
    with Store(db_url) as store:
        yield Facilitators(store)


def test_a_new_facilitator_is_found_by_id_user_name_or_email_in_any_case(people):
    ana = people.create("Ana.Lopez", "Ana López", "hash-a", email="Ana@Example.org")
    assert ana.session_generation == 0
    assert people.get(ana.id) == ana
    for login in ("Ana.Lopez", "ana.lopez", "ANA.LOPEZ", "ana@example.org", "ANA@EXAMPLE.ORG"):
        assert people.find(login) == ana, login
    assert people.find("ana") is None
    assert people.get("nobody") is None


def test_the_password_hash_never_shows_in_a_repr(people):
    ana = people.create("ana", "Ana", "$argon2id$secret-hash")
    assert "secret-hash" not in repr(ana)
    assert ana.password_hash == "$argon2id$secret-hash"


def test_user_names_and_emails_are_unique_whatever_their_case(people):
    people.create("ana", "Ana", "h", email="ana@example.org")
    with pytest.raises(Conflict):
        people.create("ANA", "Another Ana", "h")
    with pytest.raises(Conflict):
        people.create("ana2", "Ana Two", "h", email="ANA@example.org")
    # Any number of facilitators may give no e-mail.
    people.create("bo", "Bo", "h")
    people.create("cy", "Cy", "h", email="")
    assert people.taken("Ana", "nobody@example.org") == {"user_name"}
    assert people.taken("dee", "Ana@Example.org") == {"email"}
    assert people.taken("dee", None) == set()


def test_signing_out_everywhere_moves_the_generation_on(people):
    ana = people.create("ana", "Ana", "h")
    bo = people.create("bo", "Bo", "h")
    assert people.end_sessions(ana.id) == 1
    assert people.end_sessions(ana.id) == 2
    assert people.get(ana.id).session_generation == 2
    assert people.get(bo.id).session_generation == 0  # nobody else's


def test_a_rehashed_password_is_kept(people):
    ana = people.create("ana", "Ana", "old")
    people.set_password_hash(ana.id, "new")
    assert people.get(ana.id).password_hash == "new"


def test_accounts_survive_reopening_the_database(db_url):  # noqa: F811
    with Store(db_url) as store:
        ana = Facilitators(store).create("ana", "Ana <b>", "h", email="a@b.org")
    with Store(db_url) as store:
        assert Facilitators(store).find("ANA") == ana
