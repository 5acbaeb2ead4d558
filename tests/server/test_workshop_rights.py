"""Who may do what with a workshop: every new route and event, asked by every kind of
participant, as tests/server/test_authorisation.py does for a table.

The participants:
- owner: the facilitator who created the workshop;
- co: a facilitator the owner added;
- other: a signed-in facilitator of nothing here;
- signed_out: a browser with no session;
- player: seated at table 1 of this workshop (through its code), not signed in;
- outsider: seated at a table of another workshop, not signed in.

Each cell is the answer (an HTTP status and error code, or "ok"); refused cells must change
nothing, which is read back after the matrix.
"""

from __future__ import annotations

import re

import pytest
import requests
from realserver import Client, ServerProcess
from workshop_people import Host, cookie_header, join

PARTICIPANTS = ("owner", "co", "other", "signed_out", "player", "outsider")
FACILITATORS = {"owner", "co"}


class Browser:
    """A participant's browser: a session (signed in or not), with a CSRF token if it has one."""

    def __init__(self, server: ServerProcess, host: Host | None = None,
                 seat: dict | None = None):
        self.url = server.url
        self.http = host.http if host else requests.Session()
        if host:
            self.csrf = host.csrf
        else:  # a token of its own session, from the sign-in form: refusals are for who it is
            page = self.http.get(self.url + "/signin", timeout=10).text
            self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        self.host = host
        self.seat = seat

    def send(self, method: str, path: str, body: object = None) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf}
        return self.http.request(method, self.url + path, json=body, headers=headers,
                                 allow_redirects=False, timeout=30)


@pytest.fixture(scope="module")
def room(server: ServerProcess):
    owner, co, other = Host(server), Host(server), Host(server)
    w = owner.create(tables=2, seats=3)
    assert owner.post(f"/api/workshops/{w['workshop']}/facilitators",
                      {"user_name": co.user_name}).json()["ok"]
    elsewhere = other.create(tables=1, seats=3)
    player = join(server, w["code"], "Pia").json()
    outsider = join(server, elsewhere["code"], "Oz").json()
    people = {"owner": Browser(server, owner), "co": Browser(server, co),
              "other": Browser(server, other), "signed_out": Browser(server),
              "player": Browser(server, seat=player), "outsider": Browser(server, seat=outsider)}
    return w, people


def answer(res: requests.Response) -> str:
    if res.status_code in (200, 201):
        return "ok"
    if res.status_code == 303:
        return "signin" if res.headers["Location"].startswith("/signin") else "303"
    if res.headers.get("Content-Type", "").startswith("application/json"):
        return f"{res.status_code} {res.json()['error']['code']}"
    code = res.text.split('data-code="', 1)[1].split('"', 1)[0] if "data-code" in res.text \
        else "?"
    return f"{res.status_code} {code}"


def expected(who: str, *, page: bool = False, ok: str = "ok") -> str:
    if who in FACILITATORS:
        return ok
    if who == "other":
        return "403 not_workshop_facilitator"
    return "signin" if page else "401 not_signed_in"


ROUTES = [  # (case, method, path, body, kind): kind is "page", "api" or "debrief"
    ("dashboard", "GET", "/workshops/{id}", None, "page"),
    ("room_screen", "GET", "/workshops/{id}/screen", None, "page"),
    ("overview", "GET", "/api/workshops/{id}", None, "api"),
    ("message", "POST", "/api/workshops/{id}/message", {"text": "hello"}, "api"),
    ("extend_all", "POST", "/api/workshops/{id}/command", {"command": "extend"}, "api"),
    ("move_nobody", "POST", "/api/workshops/{id}/move", {"name": "Nobody", "table": 2},
     "api"),
    ("add_self", "POST", "/api/workshops/{id}/facilitators", {"user_name": "nobody-at-all"},
     "api"),
    ("debrief_page", "GET", "/workshops/{id}/debrief", None, "debrief"),
    ("debrief_json", "GET", "/api/workshops/{id}/export.json", None, "debrief"),
    ("debrief_csv", "GET", "/api/workshops/{id}/proposals.csv", None, "debrief"),
]


@pytest.mark.parametrize("who", PARTICIPANTS)
def test_every_route_against_every_participant(server, room, who):
    w, people = room
    me = people[who]
    got, want = {}, {}
    for case, method, path, body, kind in ROUTES:
        got[case] = answer(me.send(method, path.format(id=w["workshop"]), body))
        if kind == "debrief":  # open to its facilitators until every table has ended
            want[case] = "ok" if who in FACILITATORS else "403 not_ended"
        else:
            want[case] = expected(who, page=kind == "page", ok={
                "move_nobody": "404 unknown_person", "add_self": "404 unknown_facilitator",
                "extend_all": "ok"}.get(case, "ok"))
    # The list and a new workshop are every signed-in facilitator's own.
    got["list"] = answer(me.send("GET", "/api/workshops"))
    want["list"] = "ok" if me.host else "401 not_signed_in"
    got["list_page"] = answer(me.send("GET", "/workshops"))
    want["list_page"] = "ok" if me.host else "signin"
    got["create"] = answer(me.send("POST", "/api/workshops", {
        "name": "x", "deck": "nope", "scenario": "x", "tables": 1, "seats": 3}))
    want["create"] = "404 unknown_deck" if me.host else "401 not_signed_in"
    assert got == want
    if who in ("player", "outsider"):
        assert me.send("GET", f"/api/workshops/{w['workshop']}",
                       None).status_code == 401


@pytest.mark.parametrize("who", PARTICIPANTS)
def test_the_dashboard_room_against_every_participant(server, room, who, clients):
    w, people = room
    me = people[who]
    headers = cookie_header(me.host) if me.host else {}
    conn: Client = clients(server.url, headers=headers, label=who)
    res = conn.call("workshop_hello", {"workshop": w["workshop"]})
    want = {"owner": True, "co": True}.get(who)
    if want:
        assert res["ok"] and len(res["tables"]) == 2
    else:
        code = "not_workshop_facilitator" if who == "other" else "not_signed_in"
        assert res["error"]["code"] == code
    bad = conn.call("workshop_hello", {"workshop": "no-such-workshop"})
    assert bad["error"]["code"] == ("unknown_workshop" if me.host else "not_signed_in")


def test_without_the_csrf_token_a_facilitator_changes_nothing(server, room):
    w, people = room
    owner = people["owner"]
    for path, body in ((f"/api/workshops/{w['workshop']}/command", {"command": "start"}),
                       (f"/api/workshops/{w['workshop']}/message", {"text": "x"}),
                       ("/api/workshops", {"name": "x"})):
        res = owner.http.post(server.url + path, json=body, timeout=10)
        assert res.status_code == 400 and res.json()["error"]["code"] == "bad_csrf", path
    tables = owner.send("GET", f"/api/workshops/{w['workshop']}").json()["tables"]
    assert [t["status"] for t in tables] == ["lobby", "lobby"]


def test_a_player_of_one_table_cannot_act_at_or_read_another(server, room, clients):
    w, people = room
    seat = people["player"].seat
    other_table = next(t["table"] for t in w["tables"] if t["table"] != seat["table"])
    phone = clients(server.url)
    refused = phone.call("hello", {"table": other_table, "token": seat["token"]})
    assert refused["error"]["code"] == "bad_token"
    outsider = people["outsider"].seat
    assert phone.call("hello", {"table": seat["table"], "token": outsider["token"]})[
        "error"]["code"] == "bad_token"
    # Watching another table shows no hand: a spectator's view has no "you".
    watcher = phone.call("hello", {"table": other_table})
    assert watcher["ok"] and "you" not in watcher["game"]
    # Nor a second seat in the same workshop.
    again = join(server, w["code"], "Pia Two", dev=None)
    assert again.json()["ok"]  # another person on another device is welcome
    assert join(server, w["code"], "Pia").json()["error"]["code"] == "name_taken"


def test_refused_requests_changed_nothing(server, room):
    w, people = room
    base = f"/api/workshops/{w['workshop']}"
    other = people["other"].host
    assert other is not None
    # Each refused participant tries what would change something real: move Pia, make the
    # other facilitator a co-facilitator, start the tables.
    for who in ("other", "signed_out", "player", "outsider"):
        me = people[who]
        for path, body in ((f"{base}/move", {"name": "Pia", "table": 2}),
                           (f"{base}/facilitators", {"user_name": other.user_name}),
                           (f"{base}/command", {"command": "start"})):
            assert answer(me.send("POST", path, body)) == expected(who), (who, path)
    mine = people["other"].send("GET", "/api/workshops").json()["workshops"]
    assert w["workshop"] not in {x["id"] for x in mine}
    view = people["owner"].send("GET", f"/api/workshops/{w['workshop']}").json()
    assert next(p["number"] for p in view["people"] if p["name"] == "Pia") == 1
    assert [t["status"] for t in view["tables"]] == ["lobby", "lobby"]
    # Only the people who joined (Pia Two, if the test above ran in this process first).
    assert "Pia" in {p["name"] for p in view["people"]} <= {"Pia", "Pia Two"}
