"""The accounts API the deck studio and workshops build on (game.server.accounts), used as
their code will use it: a page and JSON routes behind @facilitator_required, a script
sending the CSRF token in a header, and a Socket.IO handler asking who opened its
connection; and the kept secret key. In-process (tests/fixtures/inprocess.py); the forms
themselves are tested through a real server in tests/server/test_accounts.py."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fixtures.inprocess import Game
from flask import jsonify

from game.server.accounts import (
    TOKEN_ROUTES,
    current_facilitator,
    facilitator_for,
    facilitator_required,
    require_facilitator,
)
from game.server.config import persistent_secret

PASSWORD = "a long enough passphrase"


@pytest.fixture
def game(tmp_path: Path) -> Game:
    g = Game(tmp_path, instance_dir=tmp_path / "instance")
    app, server = g.app, g.socketio.server

    # What the studio and workshop code will look like.
    @app.get("/studio-example")
    @facilitator_required
    def page():
        return f"hello {current_facilitator().user_name}"

    @app.get("/api/studio-example")
    @facilitator_required
    def read():
        return jsonify(ok=True, user=current_facilitator().user_name)

    @app.post("/api/studio-example")
    def change():
        return jsonify(ok=True, user=require_facilitator().user_name)

    def whoami(sid: str, _data: object = None) -> dict:
        me = facilitator_for(app, server.get_environ(sid))
        return {"ok": True, "user": me.user_name if me else None}

    server.on("whoami-example", whoami)
    return g


def token(game: Game, path: str = "/signup") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', game.http.get(path).text)[1]


def sign_up(game: Game, name: str = "ana") -> None:
    done = game.http.post("/signup", data={"csrf_token": token(game), "user_name": name,
                                           "display_name": "Ana", "password": PASSWORD})
    assert done.status_code == 303, done.text


def test_a_page_sends_a_signed_out_visitor_to_sign_in_and_a_json_route_says_401(game):
    page = game.http.get("/studio-example?deck=7")
    assert page.status_code == 303
    assert page.headers["Location"] == "/signin?next=%2Fstudio-example%3Fdeck%3D7"
    answer = game.http.get("/api/studio-example")
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == "not_signed_in"
    sign_up(game)
    assert game.http.get("/studio-example").text == "hello ana"
    assert game.http.get("/api/studio-example").json == {"ok": True, "user": "ana"}


def test_a_script_changing_something_sends_the_token_in_a_header(game):
    sign_up(game)
    refused = game.http.post("/api/studio-example", json={})
    assert refused.status_code == 400 and refused.json["error"]["code"] == "bad_csrf"
    done = game.http.post("/api/studio-example", json={},
                          headers={"X-CSRFToken": token(game, "/account")})
    assert done.status_code == 200 and done.json["user"] == "ana"


def test_a_socket_handler_knows_who_opened_the_connection_until_they_sign_out_everywhere(
        game):
    stranger = game.socketio.test_client(game.app)
    assert stranger.emit("whoami-example", {}, callback=True)["user"] is None
    sign_up(game)
    mine = game.socketio.test_client(game.app, flask_test_client=game.http)
    assert mine.emit("whoami-example", {}, callback=True)["user"] == "ana"
    out = game.http.post("/signout-everywhere", data={"csrf_token": token(game, "/account")})
    assert out.status_code == 303
    # The connection stays open, but its handshake's cookie no longer names anyone.
    assert mine.emit("whoami-example", {}, callback=True)["user"] is None


def test_processes_starting_together_agree_on_one_kept_key(tmp_path):
    folder = tmp_path / "instance"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _i: persistent_secret(folder), range(16)))
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no half-made files left
    assert (folder / "secret_key").stat().st_mode & 0o777 == 0o600


def test_every_route_that_changes_something_needs_the_token_or_is_listed_as_not_needing_it(
        game):
    """Every route that changes something, in any blueprint, refuses a request without the
    CSRF token unless TOKEN_ROUTES lists it (with the reason it needs none); and every rule
    listed still exists, so a renamed route is noticed here rather than by its callers."""
    sign_up(game)  # with the cookie, as a facilitator's browser sends it
    changing = [r for r in game.app.url_map.iter_rules()
                if set(r.methods or ()) & {"POST", "PUT", "PATCH", "DELETE"}
                and r.rule not in TOKEN_ROUTES and not r.rule.startswith("/socket.io")]
    assert {r.rule for r in changing} >= {"/signup", "/signin", "/signout",
                                          "/signout-everywhere", "/api/studio-example"}
    for rule in changing:
        # Any value fits a plain part; an any(...) part takes the first it lists.
        path = re.sub(r"<[^>]+>", "x", re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule))
        method = sorted(set(rule.methods or ()) & {"POST", "PUT", "PATCH", "DELETE"})[0]
        answer = game.http.open(path, method=method, json={})
        assert answer.status_code == 400 and answer.json["error"]["code"] == "bad_csrf", path
    for rule in TOKEN_ROUTES:  # still there, under the same rule
        assert rule in {r.rule for r in game.app.url_map.iter_rules()}, rule
