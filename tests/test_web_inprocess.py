"""The HTTP side of the app in-process (Flask's test client): limits and answers a person or a
program sees when opening tables, without starting a server."""

from __future__ import annotations

from pathlib import Path

from fixtures.inprocess import DECK, SCENARIO, Game

NEW_TABLE = {"deck": DECK, "scenario": SCENARIO, "seats": 3}


def open_from(game: Game, address: str) -> dict:
    r = game.http.post("/api/tables", json=NEW_TABLE, environ_base={"REMOTE_ADDR": address})
    return {"status": r.status_code, **r.get_json()}


def test_one_address_opens_thirty_tables_a_minute_and_others_are_not_held_back(tmp_path: Path):
    game = Game(tmp_path)
    for i in range(30):
        assert open_from(game, "203.0.113.7")["status"] == 201, i
    refused = open_from(game, "203.0.113.7")
    assert refused["status"] == 429 and refused["error"]["code"] == "too_fast"
    assert "wait a minute" in refused["error"]["message"]
    # Someone else, on another address, is not turned away.
    assert open_from(game, "198.51.100.2")["status"] == 201


def test_the_table_limit_is_a_setting(tmp_path: Path):
    tight = Game(tmp_path / "tight", tables_per_minute=2)
    assert [open_from(tight, "203.0.113.7")["status"] for _ in range(3)] == [201, 201, 429]
    r = tight.http.post("/api/solo", json={"deck": DECK, "scenario": SCENARIO,
                                           "browser_id": "b" * 16},
                        environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "too_fast"
    # 0 lifts the cap, as the shared test servers need (tests/server/realserver.py).
    open_cap = Game(tmp_path / "open", tables_per_minute=0)
    assert all(open_from(open_cap, "203.0.113.7")["status"] == 201 for _ in range(40))
