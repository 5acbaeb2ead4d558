"""What the log says happened is what players are told and shown, whatever the database
refuses and wherever a crash falls (issue 16, points 1 and 2). Real SQLite stores; the
failures are real ones, made with triggers and by editing a table's row as a crash would
have left it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from game.decks.library import DeckLibrary
from game.engine.bots import choose
from game.server.config import ROOT
from game.server.identity import Identity
from game.server.limits import BadRequest
from game.server.live import Live
from game.server.tables import Tables
from game.store.database import Store
from game.store.records import StoreError

DECK, SCENARIO = "good-governance", "council-chatbot"
TIMERS = {"timers": {"proposal": 600, "discussion": 600, "vote": 600}}


@pytest.fixture(scope="module")
def library() -> DeckLibrary:
    return DeckLibrary(ROOT / "cards")


class Shown:
    """Records what `publish` is asked to send, as the players would see it."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, list[dict]]] = []

    def __call__(self, live: Live, events: list[dict], reply: object = None) -> None:
        self.sent.append((live.state.version, events))


def open_table(tables: Tables, seats: int, options: dict) -> tuple[Live, list[Identity]]:
    live, _key = tables.create(DECK, SCENARIO, seats, options)
    people = []
    for i in range(seats):
        _, _seat, token = tables.join(live.record.code, f"P{i}")
        people.append(tables.identify(live.record.id, token=token))
    return live, people


def propose(live: Live, who: Identity) -> dict:
    card = live.state.hands[who.seat][0]  # type: ignore[index]
    group = next(iter(live.state.deck.interventions[card].reach))
    return {"type": "propose", "card": card, "group": group}


def refuse_table_writes(db: Path) -> None:
    """Make every UPDATE of a table's row fail, as a row lock that times out would."""
    con = sqlite3.connect(db)
    con.execute("CREATE TRIGGER no_row BEFORE UPDATE ON game_tables "
                "BEGIN SELECT RAISE(ABORT, 'row locked'); END")
    con.commit()
    con.close()


def allow_table_writes(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER no_row")
    con.commit()
    con.close()


def log_of(db: Path, table_id: str) -> list[dict]:
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT action FROM actions WHERE table_id = ? "
                                          "ORDER BY seq", (table_id,))]
    finally:
        con.close()


def test_an_action_whose_new_timer_cannot_be_saved_is_not_applied_and_can_be_retried(
        tmp_path: Path, library: DeckLibrary) -> None:
    """The last proposal moves the table to discussion, whose timer goes on the table's row.
    If that write fails, the action must not be in the log: the player is told it was not
    applied, and the same action is accepted when tried again (not refused as stale)."""
    db = tmp_path / "t.db"
    shown = Shown()
    tables = Tables(Store(f"sqlite:///{db}"), library, publish=shown)
    live, people = open_table(tables, 3, TIMERS)
    tables.facilitate(Identity("facilitator", live.record.id), "start", {})
    for who in people[:2]:
        tables.act(who, propose(live, who))
    last = propose(live, people[2])
    before = len(log_of(db, live.record.id))
    refuse_table_writes(db)
    with pytest.raises(StoreError):
        tables.act(people[2], last)
    assert len(log_of(db, live.record.id)) == before  # told "not applied": it was not
    assert live.state.phase == "proposal" and live.state.version == before
    allow_table_writes(db)
    tables.act(people[2], last)  # the retry goes through
    assert live.state.phase == "discussion"
    fresh = Tables(Store(f"sqlite:///{db}"), library).get(live.record.id)
    assert fresh.timer is not None and fresh.timer["phase"] == "discussion"
    assert shown.sent[-1][0] == live.state.version


def test_a_bot_move_that_cannot_be_saved_does_not_undo_the_players_move(
        tmp_path: Path, library: DeckLibrary) -> None:
    """The player's action is saved, then the bots' turns fail to save: the player is told
    it was applied and everyone is shown it; the bots move once the database recovers."""
    db = tmp_path / "t.db"
    store = Store(f"sqlite:///{db}")
    shown = Shown()
    tables = Tables(store, library, publish=shown)
    live, _key = tables.create(DECK, SCENARIO, 4, {**TIMERS, "bots": "greedy"})
    _, seat, token = tables.join(live.record.code, "Learner")
    me = tables.identify(live.record.id, token=token)
    tables.facilitate(Identity("facilitator", live.record.id), "start", {})
    choice = choose(live.state, seat, "greedy")
    assert choice is not None
    real_append = store.append

    def bots_cannot_save(table_id, seq, seat_no, action, *args, **kwargs):
        if seat_no != seat:
            raise StoreError("OperationalError: database or disk is full")
        return real_append(table_id, seq, seat_no, action, *args, **kwargs)

    before = live.state.version  # the bots proposed as the game started
    store.append = bots_cannot_save  # type: ignore[method-assign]
    events = tables.act(me, choice.action)  # no exception: the move is in the log
    assert events
    logged = log_of(db, live.record.id)
    assert len(logged) == before + 1 and f'"seat":{seat}' in logged[-1]
    assert shown.sent[-1][0] == before + 1  # everyone was shown it
    tables.tick()  # still failing: nothing more happens, nothing breaks
    assert live.state.version == before + 1
    store.append = real_append  # type: ignore[method-assign]
    tables.tick()  # the clock lets the bots take their turns now
    assert live.state.version > before + 1
    assert shown.sent[-1][0] == live.state.version
    assert len(log_of(db, live.record.id)) == live.state.version


def finish_game(tables: Tables, live: Live, people: list[Identity]) -> None:
    for _ in range(2000):
        if live.state.phase == "ended":
            return
        for who in people:
            choice = choose(live.state, who.seat, "greedy")  # type: ignore[arg-type]
            if choice is not None:
                tables.act(who, choice.action)
                break
        else:
            raise AssertionError("nobody can move and the game has not ended")
    raise AssertionError("the game did not end")


def test_a_table_whose_row_lags_its_log_is_corrected_on_loading(
        tmp_path: Path, library: DeckLibrary) -> None:
    """A process killed between the log write and the row update (as older versions wrote
    them) left the game ended in the log with the status "playing": loading it again
    follows the log."""
    db = tmp_path / "t.db"
    tables = Tables(Store(f"sqlite:///{db}"), library)
    live, people = open_table(tables, 3, {})
    tables.facilitate(Identity("facilitator", live.record.id), "start", {})
    finish_game(tables, live, people)
    con = sqlite3.connect(db)
    con.execute("UPDATE game_tables SET status = 'playing' WHERE id = ?", (live.record.id,))
    con.commit()
    con.close()
    again = Tables(Store(f"sqlite:///{db}"), library).get(live.record.id)
    assert again.record.status == "ended"
    assert Store(f"sqlite:///{db}").get_table(live.record.id).status == "ended"  # saved


def test_a_timer_left_from_an_earlier_phase_is_replaced_on_loading(
        tmp_path: Path, library: DeckLibrary) -> None:
    db = tmp_path / "t.db"
    tables = Tables(Store(f"sqlite:///{db}"), library)
    live, people = open_table(tables, 3, TIMERS)
    tables.facilitate(Identity("facilitator", live.record.id), "start", {})
    stale = dict(live.timer or {})
    assert stale["phase"] == "proposal"
    for who in people:
        tables.act(who, propose(live, who))
    assert live.state.phase == "discussion"
    store = Store(f"sqlite:///{db}")
    store.update_table(live.record.id, timer=stale)  # as a crash left it
    again = Tables(store, library).get(live.record.id)
    assert again.timer is not None and again.timer["phase"] == "discussion"
    assert store.get_table(live.record.id).timer["phase"] == "discussion"


def test_a_refused_action_changes_nothing(tmp_path: Path, library: DeckLibrary) -> None:
    tables = Tables(Store(f"sqlite:///{tmp_path / 't.db'}"), library)
    live, people = open_table(tables, 3, TIMERS)
    tables.facilitate(Identity("facilitator", live.record.id), "start", {})
    with pytest.raises(BadRequest):
        tables.act(people[0], {"type": "ready"})
    assert live.state.version == 0


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_timer_that_cannot_be_saved_holds_up_no_other_table(
        tmp_path: Path, library: DeckLibrary) -> None:
    """Two tables' proposal timers run out together; the first table's move cannot be
    saved. The clock still moves the second on, and the first once its database can save."""
    db = tmp_path / "t.db"
    clock = Clock()
    store = Store(f"sqlite:///{db}")
    tables = Tables(store, library, clock=clock)
    timed = {"timers": {"proposal": 60, "discussion": 60, "vote": 60}}
    first, _ = open_table(tables, 3, timed)
    second, _ = open_table(tables, 3, timed)
    for live in (first, second):
        tables.facilitate(Identity("facilitator", live.record.id), "start", {})
    real_append = store.append

    def first_cannot_save(table_id, *args, **kwargs):
        if table_id == first.record.id:
            raise StoreError("OperationalError: database or disk is full")
        return real_append(table_id, *args, **kwargs)

    store.append = first_cannot_save  # type: ignore[method-assign]
    clock.now += 61
    assert tables.tick() == 1  # no exception, and the second table moved on
    assert second.state.phase != "proposal" and first.state.phase == "proposal"
    assert tables.tick() == 0  # the first still cannot: still no exception
    store.append = real_append  # type: ignore[method-assign]
    assert tables.tick() == 1
    assert first.state.phase != "proposal"
    assert len(log_of(db, first.record.id)) == first.state.version


def test_an_undo_that_cannot_be_saved_leaves_the_log_and_the_game_as_they_were(
        tmp_path: Path, library: DeckLibrary) -> None:
    """Solo undo appends one row; if it cannot be written, the learner is told so, and the
    log and the game they see keep every action."""
    from game.server import solo

    db = tmp_path / "t.db"
    tables = Tables(Store(f"sqlite:///{db}"), library)
    live, token = solo.start(tables, DECK, SCENARIO, None, "team", "browser-durable-01")
    me = tables.identify(live.record.id, token=token)
    choice = choose(live.state, me.seat, "greedy")  # type: ignore[arg-type]
    assert choice is not None
    tables.act(me, choice.action)
    before, version = log_of(db, live.record.id), live.state.version
    con = sqlite3.connect(db)
    con.execute("CREATE TRIGGER no_log BEFORE INSERT ON actions "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    con.commit()
    with pytest.raises(StoreError):
        tables.undo(me)
    assert log_of(db, live.record.id) == before
    assert tables.get(live.record.id).state.version == version
    con.execute("DROP TRIGGER no_log")
    con.commit()
    con.close()
    tables.undo(me)
    assert log_of(db, live.record.id)[:len(before)] == before
    assert tables.get(live.record.id).state.version < version
