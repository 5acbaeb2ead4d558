"""The workshop dashboard through a real server: its live room over Socket.IO (a summary
whenever a table changes), commands to every table or one (each table once), and a message
to every phone and screen in the room, and nowhere else."""

from __future__ import annotations

import pytest
from realserver import ServerProcess, propose_first
from workshop_people import Host, cookie_header, seat_everyone, wait_event


@pytest.fixture(scope="module")
def owner(server: ServerProcess) -> Host:
    return Host(server)


def test_the_dashboard_hears_each_table_change_live(server, owner, clients):
    w = owner.create(tables=2, seats=3)
    dash = clients(server.url, headers=cookie_header(owner), label="dashboard")
    hello = dash.call("workshop_hello", {"workshop": w["workshop"]})
    assert hello["ok"] and [t["number"] for t in hello["tables"]] == [1, 2]
    assert hello["code"] == w["code"]
    phones = seat_everyone(server, w, ["Ana", "Bo", "Cy", "Di", "Ed", "Fa"], clients)
    seen = wait_event(dash, "workshop_table",
                      lambda t: t["number"] == 2 and [s["name"] for s in t["seats"]] ==
                      ["Bo", "Di", "Fa"] and all(s["here"] for s in t["seats"]))
    assert seen["status"] == "lobby" and seen["missing"] == []
    assert seen["stuck_after_s"] is None  # only a table being played can be stuck
    owner.post(f"/api/workshops/{w['workshop']}/command", {"command": "start"})
    propose_first(phones["Ana"])
    table1 = wait_event(dash, "workshop_table", lambda t: t["number"] == 1
                        and t["last"] == "Ana proposed")
    assert table1["phase"] == "proposal" and table1["round"] == 1
    assert {c["criterion"] for c in table1["scores"]} and table1["tracks"]
    # Whether a target is met is the server's to say, not the page's.
    assert [c["met"] for c in table1["scores"]] == [
        None if c["target"] is None else c["score"] >= c["target"] for c in table1["scores"]]
    assert any(c["met"] is not None for c in table1["scores"])
    assert table1["stuck_after_s"] == 60
    phones["Cy"].close()  # Cy's phone goes: the dashboard says Cy is missing
    away = wait_event(dash, "workshop_table", lambda t: t["number"] == 1
                      and t["missing"] == ["Cy"] and t["status"] == "playing")
    assert next(s for s in away["seats"] if s["name"] == "Cy")["away_s"] is not None


def test_a_command_to_all_tables_is_applied_once_at_each(server, owner):
    w = owner.create(tables=3, seats=3)
    path = f"/api/workshops/{w['workshop']}/command"
    started = owner.post(path, {"command": "start"}).json()["results"]
    assert started == [{"number": n, "ok": True} for n in (1, 2, 3)]
    ids = [t["table"] for t in w["tables"]]
    before = {t: len(server.action_log(t)) for t in ids}
    moved = owner.post(path, {"command": "advance", "tables": [2, 2, 3]}).json()["results"]
    # Table 2 named twice, moved on once.
    assert moved == [{"number": 2, "ok": True}, {"number": 3, "ok": True}]
    for n, t in enumerate(ids, 1):
        advances = [a for a in server.action_log(t)[before[t]:]
                    if a["action"]["type"] == "advance"]
        assert len(advances) == (0 if n == 1 else 1), (n, advances)
    # Two facilitators move every table on from what their dashboards showed, at once:
    # each table moves once, and the second click is refused as stale.
    shown = {str(t["number"]): {"round": t["round"], "phase": t["phase"]}
             for t in owner.get(f"/api/workshops/{w['workshop']}").json()["tables"]}
    logs = {t: len(server.action_log(t)) for t in ids}
    first = owner.post(path, {"command": "advance", "seen": shown}).json()["results"]
    second = owner.post(path, {"command": "advance", "seen": shown}).json()["results"]
    assert [r["ok"] for r in first] == [True] * 3
    assert [r["error"]["code"] for r in second] == ["stale"] * 3
    for t in ids:
        assert [a["action"]["type"] for a in server.action_log(t)[logs[t]:]] == ["advance"]
    paused = owner.post(path, {"command": "pause"}).json()["results"]
    assert all(r["ok"] for r in paused)
    again = owner.post(path, {"command": "pause"}).json()["results"]
    assert [r["error"]["code"] for r in again] == ["already_paused"] * 3
    statuses = [owner.get(f"/api/workshops/{w['workshop']}").json()["tables"][i]["status"]
                for i in range(3)]
    assert statuses == ["paused"] * 3
    assert all(r["ok"] for r in owner.post(path, {"command": "resume"}).json()["results"])


@pytest.mark.parametrize("body, code", [
    ({"command": "remove_seat"}, "unknown_command"),
    ({"command": "start", "tables": [0]}, "pick_table"),
    ({"command": "start", "tables": [True]}, "pick_table"),
    ({"command": "advance", "seen": {"1": 3}}, "bad_payload"),
    # Refused by the table itself, which says why; the other tables are not asked.
    ({"command": "extend", "args": {"seconds": 60}, "tables": [1]}, "table:not_started"),
])
def test_bad_commands_are_refused_before_any_table_changes(server, owner, body, code):
    w = owner.create(tables=2, seats=3)
    res = owner.post(f"/api/workshops/{w['workshop']}/command", body).json()
    if code.startswith("table:"):
        assert [(r["number"], r["error"]["code"]) for r in res["results"]] == \
            [(1, code.removeprefix("table:"))]
    else:
        assert res["error"]["code"] == code
    tables = owner.get(f"/api/workshops/{w['workshop']}").json()["tables"]
    assert [t["status"] for t in tables] == ["lobby", "lobby"]


def test_a_message_reaches_every_phone_and_screen_of_the_room_and_no_other(server, owner,
                                                                           clients):
    w = owner.create(tables=2, seats=3)
    other = owner.create(tables=1, seats=3)
    phones = seat_everyone(server, w, ["Ana", "Bo"], clients)
    stranger = seat_everyone(server, other, ["Zed"], clients)["Zed"]
    screen = clients(server.url, label="screen")
    key = w["tables"][1]["console"].split("#key=")[1]
    console = clients(server.url, label="console")
    console.hello(w["tables"][1]["table"], key=key)
    screen_secret = console.last_view()["table"]["screen_key"]
    screen.hello(w["tables"][1]["table"], screen=screen_secret)
    sent = owner.post(f"/api/workshops/{w['workshop']}/message",
                      {"text": "  Five   minutes left "}).json()
    assert sent["message"]["text"] == "Five minutes left"
    for c in (*phones.values(), screen, console):
        assert wait_event(c, "room_message")["text"] == "Five minutes left"
    # The other workshop's phone heard nothing: a sentinel message to its room arrives alone.
    owner.post(f"/api/workshops/{other['workshop']}/message", {"text": "sentinel"})
    assert wait_event(stranger, "room_message")["text"] == "sentinel"
    assert [a[0]["text"] for e, a in stranger.others if e == "room_message"] == ["sentinel"]
    for text, code in (("", "bad_message"), (" ", "bad_message"), ("x" * 201, "bad_payload")):
        bad = owner.post(f"/api/workshops/{w['workshop']}/message", {"text": text})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == code
