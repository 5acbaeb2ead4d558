"""Workshops in the store (game.store.workshops), on SQLite and on PostgreSQL (the same
fixtures as tests/test_store.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from test_store import db_url, pg_admin, pg_url  # noqa: F401  (fixtures)

from game.store.database import Conflict, Store
from game.store.workshops import Person, WorkshopRecord, Workshops


@pytest.fixture
def rooms(db_url: str) -> Iterator[Workshops]:  # noqa: F811
    with Store(db_url) as store:
        yield Workshops(store)


def workshop(wid: str = "w1", code: str = "ACDEFH", owner: str = "ana",
             day: str = "2026-11-27") -> WorkshopRecord:
    return WorkshopRecord(id=wid, code=code, owner_id=owner, name="Data day", day=day,
                          deck="good-governance",
                          settings={"scenarios": ["council-chatbot"], "seats": 3},
                          status="open", created_at=datetime(2026, 11, 1, tzinfo=UTC))


def person(name: str, device: str, table: int = 1, seat: int = 0) -> Person:
    return Person("w1", device, name, table, seat, datetime(2026, 11, 27, tzinfo=UTC))


def test_a_workshop_keeps_its_tables_in_order_and_is_found_by_code_in_any_case(rooms):
    rooms.create(workshop(), ["t-b", "t-a", "t-c"])
    assert rooms.get("w1") == workshop()
    assert rooms.find_by_code("acdefh") == workshop()
    assert rooms.tables("w1") == ["t-b", "t-a", "t-c"]
    assert rooms.place_of("t-a") == ("w1", 2)
    assert rooms.place_of("elsewhere") is None
    assert rooms.get("nope") is None
    with pytest.raises(Conflict):
        rooms.create(workshop("w2", code="AcDeFh"), ["t-d"])
    assert rooms.tables("w2") == []  # nothing of the refused workshop was kept


def test_the_list_holds_what_they_own_and_what_they_help_run_latest_day_first(rooms):
    rooms.create(workshop("w1", "AAAAAA", "ana", "2026-10-01"), ["t1"])
    rooms.create(workshop("w2", "CCCCCC", "bo", "2026-12-01"), ["t2"])
    rooms.create(workshop("w3", "DDDDDD", "bo", "2026-09-01"), ["t3"])
    rooms.add_facilitator("w2", "ana")
    with pytest.raises(Conflict):
        rooms.add_facilitator("w2", "ana")
    assert [w.id for w in rooms.for_facilitator("ana")] == ["w2", "w1"]
    assert [w.id for w in rooms.for_facilitator("bo")] == ["w2", "w3"]
    assert rooms.co_facilitators("w2") == ["ana"]
    rooms.set_status("w1", "ended")
    assert rooms.get("w1").status == "ended"
    with pytest.raises(ValueError):
        rooms.set_status("w1", "lost")


def test_one_seat_per_device_and_per_name_whatever_its_case(rooms):
    rooms.create(workshop(), ["t1", "t2"])
    rooms.add_person(person("Ana", "dev-a"))
    with pytest.raises(Conflict):
        rooms.add_person(person("Bo", "dev-a", seat=1))  # the same device
    with pytest.raises(Conflict):
        rooms.add_person(person("ANA", "dev-b", seat=1))  # the same name
    rooms.add_person(person("Bo", "dev-b", table=2))
    rooms.move_person("w1", "dev-a", 2, 1)
    assert [(p.name, p.table_number, p.seat) for p in rooms.people("w1")] == \
        [("Bo", 2, 0), ("Ana", 2, 1)]
    rooms.remove_person("w1", "dev-b")
    assert [p.name for p in rooms.people("w1")] == ["Ana"]


def test_a_status_change_that_expects_a_status_applies_once(db_url):  # noqa: F811
    """Two processes pausing one table at once: the second finds it paused (Conflict)."""
    from test_store import table_record

    with Store(db_url) as store:
        store.create_table(table_record(status="playing"), [])
        store.update_table("t1", status="paused", expect_status="playing")
        with pytest.raises(Conflict):
            store.update_table("t1", status="paused", expect_status="playing")
        assert store.get_table("t1").status == "paused"
        store.update_table("t1", status="playing", timer=None)  # no expectation: as before
        assert store.get_table("t1").status == "playing"
