"""What a hostile client tried, and what it must now find: a freed seat's old connection cut
off, no hidden proposal given away, garbage and oversized frames refused cheaply, spectators
and connections capped, deep JSON refused, foreign host names refused, look-alike names
refused. Each test fails against the server as it was before the hardening."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests
import socketio
import websocket
from realserver import NO_TIMERS, Client, ServerProcess, hand, open_table


@pytest.fixture
def capped_server(tmp_path) -> Iterator[ServerProcess]:
    s = ServerProcess(tmp_path, env={"CONNECTIONS_PER_ADDRESS": "6", "VIEWERS_PER_TABLE": "2",
                                     "CONNECTS_PER_MINUTE": "8"}, name="capped")
    s.start()
    yield s
    s.stop()
    assert not s.errors(), s.log_tail(80)


def lost(client: Client) -> list[dict]:
    return [args[0] for event, args in client.others if event == "seat_lost"]  # type: ignore


def watching_when_let_in(client: Client, table_id: str, wait_s: float = 30.0) -> None:
    """Ask to watch until the server has room: it makes room once it has handled another
    viewer's disconnection, which takes a moment on a busy machine."""
    deadline = time.monotonic() + wait_s
    while True:
        answer = client.call("hello", {"table": table_id})
        if answer.get("ok"):
            return
        assert answer["error"]["code"] == "too_many_viewers", answer
        assert time.monotonic() < deadline, "a viewer's disconnection never made room"
        time.sleep(0.2)  # well within the connection's budget of events a second


def propose_action(client: Client) -> dict:
    card = hand(client)[0]
    return {"type": "propose", "card": card["card"], "group": next(iter(card["costs"]))}


# ---- seats ---------------------------------------------------------------------------------


def test_a_freed_seat_cuts_off_its_old_connection(server, clients):
    table = open_table(server, clients, seats=3)
    old = table.players[2]
    old_move = propose_action(old)
    table.facilitator.ok("facilitate", {"command": "remove_seat", "args": {"seat": 2}})
    deadline = time.monotonic() + 5
    while not lost(old) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lost(old) and lost(old)[0]["code"] == "seat_removed" and lost(old)[0]["message"]
    seen_before = len(old.views)

    newcomer = clients(server.url, label="newcomer")
    newcomer.join(table.code, "Nia")
    assert newcomer.seat == 2
    # The old connection can neither act for the seat nor take it back.
    assert old.call("act", {"action": old_move})["ok"] is False
    assert old.call("join", {"code": table.code, "name": "Back"})["error"]["code"] in (
        "seat_removed", "table_full")
    newcomer.act(propose_action(newcomer))
    assert [r["seat"] for r in server.action_log(table.id)] == [2]
    table.players[0].act(propose_action(table.players[0]))
    table.screen.wait_view(lambda v: len(v["game"]["current"]["proposals"]) == 2)
    # ... nor does it receive the newcomer's hand or secret objective.
    assert all("you" not in v.get("game", {}) for v in old.views[seen_before:])


def test_leaving_in_one_tab_cuts_off_the_other(server, clients):
    table = open_table(server, clients, seats=3)
    tab1 = table.players[1]
    tab2 = clients(server.url, label="tab2")
    tab2.hello(table.id, token=tab1.token)  # the same person, a second tab
    move = propose_action(tab2)
    tab1.ok("leave", {})
    deadline = time.monotonic() + 5
    while not lost(tab2) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lost(tab2) and lost(tab2)[0]["code"] == "left"
    seen_before = len(tab2.views)
    newcomer = clients(server.url, label="newcomer")
    newcomer.join(table.code, "Nia")
    assert newcomer.seat == 1
    assert tab2.call("act", {"action": move})["ok"] is False
    newcomer.act(propose_action(newcomer))
    assert [r["seat"] for r in server.action_log(table.id)] == [1]
    table.screen.wait_view(lambda v: len(v["game"]["current"]["proposals"]) == 1)
    assert all("you" not in v.get("game", {}) for v in tab2.views[seen_before:])


def test_a_new_join_code_keeps_the_seated_and_stops_the_old_code(server, clients):
    table = open_table(server, clients, seats=3)
    table.facilitator.ok("facilitate", {"command": "remove_seat", "args": {"seat": 2}})
    table.facilitator.ok("facilitate", {"command": "new_code"})
    fresh = table.facilitator.wait_view(lambda v: v["table"]["code"] != table.code)
    stranger = clients(server.url, label="stranger")
    stranger.refused("join", {"code": table.code, "name": "Old code"}, "bad_code")
    stranger.join(fresh["table"]["code"], "New code")
    assert stranger.seat == 2
    assert table.players[0].act(propose_action(table.players[0]))["ok"]


def test_one_connection_takes_one_seat(server, clients):
    created = server.create_table(seats=4)
    c = clients(server.url, label="greedy")
    c.join(created["code"], "Gus")
    c.refused("join", {"code": created["code"], "name": "Gus two"}, "already_seated")
    seats = [s["kind"] for s in server.table_row(created["table"])["seats"]]
    assert seats == ["human", "empty", "empty", "empty"]


# ---- what others may read ------------------------------------------------------------------


def test_bots_do_not_give_away_hidden_proposals(server, clients):
    table = open_table(server, clients, seats=4, players=1, options={"bots": "greedy"})
    watcher = clients(server.url, label="watcher")
    watcher.hello(table.id)
    me = table.players[0]
    me.wait_view(lambda v: len(v["game"]["current"]["proposals"]) == 3)
    names = {c["id"]: c["name"] for c in requests.get(
        f"{server.url}/api/decks/good-governance", timeout=10).json()["interventions"]}
    hidden = {names[r["action"]["card"]] for r in server.action_log(table.id)
              if r["action"]["type"] == "propose"}
    assert len(hidden) >= 1
    for c in (me, table.screen, watcher, table.facilitator):
        for v in c.views + [a for a in c.answers if "table" in a]:
            if v.get("game", {}).get("phase", "proposal") != "proposal":
                continue
            said = " ".join(b["says"] for b in v["table"]["bots_say"])
            assert not any(n in said for n in hidden), (c.label, said)


def test_the_join_code_is_not_handed_out_mid_game(server, clients):
    table = open_table(server, clients, seats=3)
    anyone = requests.get(f"{server.url}/api/tables/{table.id}", timeout=10).json()["table"]
    assert "code" not in anyone
    screen = requests.get(f"{server.url}/api/tables/{table.id}",
                          params={"screen": table.screen_key}, timeout=10).json()["table"]
    assert screen["code"] == table.code
    qr = f"{server.url}/api/tables/{table.id}/qr.svg"
    assert requests.get(qr, timeout=10).status_code == 403
    assert requests.get(qr, params={"screen": table.screen_key}, timeout=10).status_code == 200


def test_debrief_answers_are_not_cached(server, clients):
    table = open_table(server, clients, seats=3)
    for path in ("debrief.json", "debrief.csv"):
        r = requests.get(f"{server.url}/api/tables/{table.id}/{path}",
                         params={"key": table.key}, timeout=10)
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store", path


# ---- floods, garbage, sizes ----------------------------------------------------------------


def raw_socket(server: ServerProcess) -> websocket.WebSocket:
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10)
    assert ws.recv().startswith("0")  # Engine.IO's open packet
    ws.send("40")  # join the default namespace
    assert ws.recv().startswith("40")
    return ws


def test_garbage_packets_close_the_connection_without_tracebacks(server, clients):
    table = open_table(server, clients, seats=3)
    ws = raw_socket(server)
    closed = False
    try:
        for _ in range(200):
            ws.send('42["act",{]')
    except (websocket.WebSocketException, OSError):
        closed = True
    if not closed:
        try:
            while True:  # read until the server closes it
                if ws.recv() == "":
                    break
        except (websocket.WebSocketException, OSError):
            pass
        closed = not ws.connected
    assert closed, "the server kept a connection that sent 200 undecodable packets"
    log = server.log_text()
    assert "Traceback" not in log
    assert log.count("do not decode") == 1
    # Players at the table are served as before.
    assert table.players[0].act(propose_action(table.players[0]))["ok"]


def test_an_oversized_message_is_refused_as_it_arrives(server):
    ws = raw_socket(server)
    ws.send("42" + json.dumps(["act", {"action": {"type": "x" * (1024 * 1024)}}]))
    frame = ws.recv_frame()
    while frame.opcode != websocket.ABNF.OPCODE_CLOSE:
        frame = ws.recv_frame()
    assert int.from_bytes(frame.data[:2], "big") == 1009  # message too big


def test_deep_json_is_refused_with_a_clear_error(server, clients):
    for path in ("/api/tables", "/api/solo"):
        r = requests.post(server.url + path, data="[" * 5000 + "]" * 5000,
                          headers={"Content-Type": "application/json"}, timeout=10)
        assert r.status_code == 400 and r.json()["error"]["code"] == "too_deep", r.text[:200]
    table = open_table(server, clients, seats=3)
    deep: object = {"type": "propose"}
    for _ in range(200):
        deep = {"x": deep}
    table.players[0].refused("act", {"action": deep}, "too_deep")
    # Deeper than the Python client will send: straight onto the socket, with an ack id.
    ws = raw_socket(server)
    ws.send('421["hello",' + json.dumps({"table": table.id, "token": table.players[1].token})
            + "]")
    ack(ws, "431")
    ws.send('422["act",{"action":' + '{"x":' * 1000 + "1" + "}" * 1001 + "]")
    assert json.loads(ack(ws, "432")[3:])[0]["error"]["code"] == "too_deep"


def ack(ws: websocket.WebSocket, prefix: str) -> str:
    """The acknowledgement that starts with `prefix`, skipping views sent before it."""
    answer = ws.recv()
    while not answer.startswith(prefix):
        answer = ws.recv()
    return answer


def test_spectators_saying_hello_cost_the_table_nothing(server, clients):
    table = open_table(server, clients, seats=3)
    seat = table.players[0]
    before = seat.last_view()["game"]["version"]
    n = len(seat.views)
    for i in range(8):
        clients(server.url, label=f"watcher{i}").hello(table.id)
    seat.act(propose_action(seat))
    seat.wait_version(before + 1)
    # The first view the seat received after the watchers came is the one for its own move.
    assert seat.views[n]["game"]["version"] == before + 1, [v["events"] for v in seat.views[n:]]


def test_viewers_and_connections_are_capped(capped_server, clients):
    server = capped_server
    table = open_table(server, clients, seats=3, players=1)  # facilitator, screen, one seat
    w1, w2 = clients(server.url, label="w1"), clients(server.url, label="w2")
    w1.hello(table.id)
    w2.hello(table.id)
    w3 = clients(server.url, label="w3")
    answer = w3.refused("hello", {"table": table.id}, "too_many_viewers")
    assert "screen" in answer["error"]["message"]
    # Six connections from this address are open now: a seventh is refused ...
    with pytest.raises(socketio.exceptions.ConnectionError):
        Client(server.url, label="seventh")
    # ... until one closes. The server counts a connection out in the same step as it
    # leaves the table's viewers, so w3 being let in says the count is down too.
    w1.close()
    watching_when_let_in(w3, table.id)
    again = clients(server.url, label="again")
    # Eight new connections a minute: a client that was cut off cannot come straight back.
    w2.close()
    watching_when_let_in(again, table.id)  # w2 is counted out: only the minute's limit is left
    with pytest.raises(socketio.exceptions.ConnectionError):
        Client(server.url, label="ninth")
    r = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_connections"


# ---- names and hosts -----------------------------------------------------------------------


def test_look_alike_and_long_names_are_refused(server, clients):
    created = server.create_table(seats=5)
    clients(server.url, label="alice").join(created["code"], "Alice")
    cyrillic = clients(server.url, label="cyrillic")
    answer = cyrillic.refused("join", {"code": created["code"], "name": "\u0410lice"},
                              "bad_name")
    assert "alphabet" in answer["error"]["message"]
    wide = clients(server.url, label="wide")  # full-width letters are the same name
    wide.refused("join", {"code": created["code"], "name": "\uff21lice"}, "name_taken")
    clients(server.url, label="long").refused(
        "join", {"code": created["code"], "name": "A" * 25}, "bad_name")
    assert clients(server.url, label="welsh").join(created["code"], "Siân Ŵyn")["ok"]


def test_foreign_host_names_are_refused(server):
    r = requests.get(server.url + "/", headers={"Host": "evil.example"}, timeout=10)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_host"
    # The shape of DNS rebinding: a page on a foreign name talking to the game's socket.
    r = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling",
                     headers={"Host": "evil.example:80", "Origin": "http://evil.example"},
                     timeout=10)
    assert r.status_code == 400
    r = requests.post(server.url + "/api/tables", json={
        "deck": "good-governance", "scenario": "council-chatbot", "seats": 3,
        "options": NO_TIMERS}, headers={"Host": "evil.example"}, timeout=10)
    assert r.status_code == 400
    made = requests.post(server.url + "/api/tables", json={
        "deck": "good-governance", "scenario": "council-chatbot", "seats": 3,
        "options": NO_TIMERS}, timeout=10).json()
    assert made["join_url"].startswith(f"http://127.0.0.1:{server.port}/")
