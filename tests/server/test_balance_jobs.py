"""A deck's balance report through a real server: start a job, follow it to its report, cancel
one, and the limits (one job per deck, two at once, bounded games, checked player counts).

The server reads a cards folder of three copies of the small balance deck
(tests/fixtures/decks/balance), so a job of 100 games is a fraction of a second of work;
the workers run at nice 19, so on a busy machine they wait their turn: the waits here are
generous deadlines, never measurements."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from realserver import ServerProcess

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "decks" / "balance"
DECKS = ("balance", "balance-b", "balance-c")
WAIT_S = 240.0  # nice 19 on a machine whose cores are shared: patience, not a measure


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    work = tmp_path_factory.mktemp("balance")
    cards = work / "cards"
    for name in DECKS:
        shutil.copytree(FIXTURE, cards / name)
        deck = cards / name / "deck.yaml"
        deck.write_text(deck.read_text().replace("id: balance\n", f"id: {name}\n"))
    s = ServerProcess(work, env={"CARDS_DIR": str(cards)})
    s.start()
    yield s
    s.stop()
    assert not s.errors(), s.log_tail(80)


def api(server: ServerProcess, deck: str, suffix: str = "") -> str:
    return f"{server.url}/api/decks/{deck}/balance{suffix}"


def start(server: ServerProcess, deck: str, games: int, players: list[int]) -> requests.Response:
    return requests.post(api(server, deck), json={"games": games, "players": players},
                         timeout=10)


def status(server: ServerProcess, deck: str) -> dict:
    return requests.get(api(server, deck), timeout=10).json()


def wait_for(server: ServerProcess, deck: str, done: callable) -> dict:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        now = status(server, deck)
        if done(now):
            return now
        time.sleep(0.2)
    raise AssertionError(f"the job never got there: {now}")


def cancel(server: ServerProcess, deck: str, token: object) -> requests.Response:
    return requests.post(api(server, deck, "/cancel"), json={"token": token}, timeout=10)


def test_a_report_from_start_to_finish(server: ServerProcess) -> None:
    page = requests.get(f"{server.url}/decks/balance/balance", timeout=10)
    assert page.status_code == 200
    assert "Run a report" in page.text and "<svg" not in page.text  # no report yet
    assert status(server, "balance") == {"ok": True, "state": "none"}

    r = start(server, "balance", 100, [2, 3])
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["ok"] and job["state"] in ("starting", "running") and job["token"]
    assert (job["games"], job["players"], job["total"]) == (100, [2, 3], 100)

    seen = []
    end = wait_for(server, "balance", lambda s: seen.append(s["done"]) or s["state"] == "done")
    assert end["job"] == job["job"]
    assert (end["done"], end["total"]) == (100, 100)
    assert seen == sorted(seen)  # progress only moves forward
    assert end["nice"] == 19  # the worker runs at the lowest priority
    assert "token" not in end

    page = requests.get(f"{server.url}/decks/balance/balance", timeout=10).text
    assert "Report: 100 games" in page
    assert page.count("<svg") == 9  # four win rates, the cards, two criteria, two tracks
    assert "Gold: 100.0% (dominant)" in page
    assert "Moon: never proposed (dead)" in page
    assert "Sunny: 100.0%" in page and "Stormy: 0.0%" in page
    # The report's styles are a file of their own: the page's CSP allows no inline styles.
    css = requests.get(f"{server.url}/decks/balance.css", timeout=10)
    assert css.status_code == 200 and ".balance-report" in css.text
    assert css.headers["Content-Type"].startswith("text/css")


def test_cancel_one_job_per_deck_and_two_at_once(server: ServerProcess) -> None:
    a = start(server, "balance-b", 20_000, [2, 3])
    assert a.status_code == 202, a.text
    again = start(server, "balance-b", 100, [2])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "balance_running"
    b = start(server, "balance-c", 20_000, [2])
    assert b.status_code == 202, b.text
    third = start(server, "balance", 100, [2])
    assert third.status_code == 503
    assert third.json()["error"] == {
        "code": "balance_full",
        "message": "the server is running 2 balance reports already: try again in a minute"}

    wait_for(server, "balance-b", lambda s: s["done"] > 0)  # under way
    wrong = cancel(server, "balance-b", b.json()["token"])  # another job's token
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "not_your_job"
    assert status(server, "balance-b")["state"] == "running"

    for deck, r in (("balance-b", a), ("balance-c", b)):
        ok = cancel(server, deck, r.json()["token"])
        assert ok.status_code == 200, ok.text
    for deck in ("balance-b", "balance-c"):
        end = wait_for(server, deck, lambda s: s["state"] not in ("starting", "running"))
        assert end["state"] == "cancelled"
        assert end["done"] < end["total"] == 20_000
    late = cancel(server, "balance-b", a.json()["token"])
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "no_balance_job"

    page = requests.get(f"{server.url}/decks/balance-b/balance", timeout=10).text
    assert "The last report was cancelled after" in page
    # With both stopped, a new job may start.
    r = start(server, "balance-c", 100, [3])
    assert r.status_code == 202, r.text
    wait_for(server, "balance-c", lambda s: s["state"] == "done")


@pytest.mark.parametrize(("body", "code", "message"), [
    ({"games": "lots", "players": [2]}, "bad_games",
     "games must be a whole number from 100 to 20000"),
    ({"games": 99, "players": [2]}, "bad_games", "games must be a whole number from 100"),
    ({"games": 20_001, "players": [2]}, "bad_games", "games must be a whole number from 100"),
    ({"games": True, "players": [2]}, "bad_games", "games must be a whole number"),
    ({"games": 150.5, "players": [2]}, "bad_games", "games must be a whole number"),
    ({"players": [2]}, "bad_games", "games must be a whole number"),
    ({"games": 100, "players": []}, "bad_players", "choose at least one player count: 2, 3"),
    ({"games": 100}, "bad_players", "choose at least one player count: 2, 3"),
    ({"games": 100, "players": "2"}, "bad_players", "choose at least one player count"),
    ({"games": 100, "players": [4]}, "bad_players",
     "player counts for this deck are 2, 3; 4 is not one of them"),
    ({"games": 100, "players": [True]}, "bad_players",
     "player counts for this deck are 2, 3; true is not one of them"),
    ({"games": 100, "players": [2], "seed": 3}, "bad_payload",
     'balance report: send an object like {"games": 2000, "players": [3, 4]} and nothing else'),
    ([100, [2]], "bad_payload", "balance report: send an object like"),
])
def test_bad_input_is_refused_with_what_to_fix(server: ServerProcess, body: object, code: str,
                                               message: str) -> None:
    r = requests.post(api(server, "balance-b"), json=body, timeout=10)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == code
    assert error["message"].startswith(message), error


def test_unknown_decks_and_bad_cancels(server: ServerProcess) -> None:
    for url in (f"{server.url}/decks/nowhere/balance", api(server, "nowhere")):
        r = requests.get(url, timeout=10)
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "unknown_deck"
    r = requests.post(api(server, "balance", "/cancel"), data="not json", timeout=10)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "bad_payload"


def workers_of(cards: Path) -> list[int]:
    """The balance workers (and the processes they forked) reading decks under `cards`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"game.server.balance_worker" in command and any(
                arg.startswith(str(cards).encode()) for arg in command):
            found.append(int(proc.name))
    return found


def wait_gone(cards: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while workers_of(cards) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not workers_of(cards), "a balance worker outlived its server"


@pytest.mark.parametrize("how", ["stop", "kill9"])
def test_no_worker_outlives_the_server(tmp_path: Path, how: str) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(FIXTURE, cards / "balance")
    s = ServerProcess(tmp_path, env={"CARDS_DIR": str(cards)})
    s.start()
    try:
        assert start(s, "balance", 20_000, [2, 3]).status_code == 202
        wait_for(s, "balance", lambda st: st["done"] > 0)
        assert workers_of(cards)  # the worker and its pool
        if how == "stop":  # Ctrl+C: the server ends them as it exits
            s.stop()
        else:  # killed outright: they notice their input close and stop themselves
            s.kill9()
        wait_gone(cards)
    finally:
        s.stop()
