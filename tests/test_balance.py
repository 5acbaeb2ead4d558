"""The balance report on a deck whose answers are known by construction
(tests/fixtures/decks/balance/deck.yaml says why), and `python -m game balance`."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from game.cli import main
from game.decks.loader import load_deck
from game.engine.balance import BalanceError, Cancelled, batches, make_plan, run_balance
from game.engine.balance_report import bins, report_html, text_summary

FIXTURES = Path(__file__).parent / "fixtures" / "decks"
DECK = FIXTURES / "balance"
GAMES = 96  # 2 scenarios x 2 player counts x 2 difficulties x 3 bot kinds, four times over


@pytest.fixture(scope="module")
def deck():
    return load_deck(DECK)


@pytest.fixture(scope="module")
def report(deck) -> dict:
    return run_balance(deck, make_plan(deck, GAMES), workers=1)


def rates(rows: list[dict]) -> dict:
    return {r["id"]: (r["games"], r["win_rate"]) for r in rows}


def test_win_rates_by_each_dimension(report):
    assert report["games"] == GAMES
    assert report["win_rate"] == 0.5
    assert rates(report["by_scenario"]) == {"sunny": (48, 1.0), "stormy": (48, 0.0)}
    assert rates(report["by_players"]) == {2: (48, 0.5), 3: (48, 0.5)}
    assert rates(report["by_difficulty"]) == {None: (48, 0.5), "rich": (48, 0.5)}
    assert rates(report["by_bots"]) == {"random": (32, 0.5), "greedy": (32, 0.5),
                                        "objective": (32, 0.5)}


def test_the_free_best_card_is_dominant_and_the_unaffordable_one_dead(report):
    cards = {c["id"]: c for c in report["cards"]}
    assert cards["gold"]["flag"] == "dominant"
    assert cards["gold"]["adoption_rate"] == 1.0
    assert cards["moon"]["flag"] == "dead"
    assert cards["moon"]["held"] >= 30
    assert (cards["moon"]["proposed"], cards["moon"]["adopted"]) == (0, 0)
    assert "never proposed" in cards["moon"]["why"]
    assert cards["tin"]["flag"] is None
    # Counted from the greedy and objective bots' games only.
    assert report["cards_from"] == ["greedy", "objective"]
    assert report["card_games"] == 64


def test_end_of_game_distributions(report):
    criteria = {d["id"]: d for d in report["criteria"]}
    tracks = {d["id"]: d for d in report["tracks"]}
    assert criteria["silence"]["counts"] == [[0, GAMES]]  # no card rates it
    assert tracks["mood"]["counts"] == [[0, 48], [5, 48]]  # nothing moves it
    assert sum(n for _v, n in criteria["voice"]["counts"]) == GAMES
    assert criteria["voice"]["max"] > 0


def test_sharing_over_processes_gives_the_same_report(deck, report):
    shared = run_balance(deck, make_plan(deck, GAMES), workers=2)
    assert {**shared, "seconds": 0} == {**report, "seconds": 0}


def test_progress_after_each_batch_and_cancel_between_them(deck):
    plan = make_plan(deck, 200, difficulties=[None], bots=["greedy"])
    seen: list[tuple[int, int]] = []
    run_balance(deck, plan, progress=lambda d, t: seen.append((d, t)), workers=1)
    assert len(seen) == len(batches(plan)) > 1
    assert [t for _d, t in seen] == [200] * len(seen)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert seen[-1] == (200, 200)

    for workers in (1, 2):
        done: list[int] = []
        with pytest.raises(Cancelled) as caught:
            run_balance(deck, plan, progress=lambda d, _t, done=done: done.append(d),
                        cancelled=lambda done=done: bool(done), workers=workers)
        assert caught.value.done == done[0] < 200
        assert caught.value.total == 200


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"games": 3}, "games must be a whole number from 4 (one for each scenario and player "
                   "count) to 200000"),
    ({"games": 10**7}, "games must be a whole number from 4"),
    ({"games": 10, "players": [2, 5]}, "this deck is for 2 to 3 players, not 5"),
    ({"games": 10, "scenarios": ["windy"]}, "the deck has no scenario 'windy'; it has: sunny, "
                                           "stormy"),
    ({"games": 10, "bots": ["clever"]}, "unknown bot kind 'clever'; choose from: random, "
                                       "greedy, objective"),
    ({"games": 10, "difficulties": ["poor"]}, "the deck has no difficulty 'poor'; it has: "
                                             "rich"),
])
def test_plans_that_cannot_be_played_say_what_to_fix(deck, kwargs, message):
    games = kwargs.pop("games")
    with pytest.raises(BalanceError, match=re.escape(message)):
        make_plan(deck, games, **kwargs)


def test_every_game_is_played_once_with_its_own_seed(deck):
    plan = make_plan(deck, 50, seed=7)
    seeds = [s for _key, some in batches(plan) for s in some]
    assert sorted(seeds) == list(range(7, 57))


def test_bins_cover_every_value_in_at_most_ten():
    assert bins([[0, 3], [5, 2]]) == [(0, 0, 3), (1, 1, 0), (2, 2, 0), (3, 3, 0), (4, 4, 0),
                                      (5, 5, 2)]
    wide = bins([[v, 1] for v in range(3, 46)])
    assert len(wide) <= 10
    assert wide[0][0] == 3 and wide[-1][1] == 45
    assert sum(n for _a, _b, n in wide) == 43


def test_html_figures_are_svg_with_title_desc_and_a_table(report):
    page = report_html(report)
    figures = re.findall(r"<figure>.*?</figure>", page, re.S)
    # four win-rate figures, the cards, two criteria, two tracks
    assert len(figures) == 9
    for fig in figures:
        root = ElementTree.fromstring(fig.replace("&nbsp;", " "))
        svg = root.find("{http://www.w3.org/2000/svg}svg")
        assert svg is not None and svg.get("role") == "img"
        title = svg.find("{http://www.w3.org/2000/svg}title")
        desc = svg.find("{http://www.w3.org/2000/svg}desc")
        assert title is not None and title.text
        assert desc is not None and desc.text
        assert root.find(".//table") is not None
    # A flag is written out, not only drawn.
    assert "Gold: 100.0% (dominant)" in page
    assert "Moon: never proposed (dead)" in page


def test_deck_text_is_escaped(deck, report):
    hostile = {**report, "deck_name": "<script>alert(1)</script>",
               "cards": [{**c, "name": "<b>bold</b> & co"} for c in report["cards"]]}
    page = report_html(hostile)
    assert "<script>alert" not in page and "<b>bold" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page


def test_text_summary(report):
    text = text_summary(report)
    assert "Win rate 50.0% (win: Mood is at least 3)" in text
    assert re.search(r"Sunny\s+100\.0%\s+\(48 of 48\)", text)
    assert re.search(r"Moon\s+never proposed\s+\(0 of 0\)\s+DEAD", text)


# ---- the command line --------------------------------------------------------------------


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_text_json_and_html(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "balance", str(DECK), "--games", "48")
    assert code == 0
    assert "Balance test deck (balance): 48 games" in out
    assert re.search(r"Sunny\s+100\.0%", out)
    assert re.search(r"Gold\s+100\.0%", out)

    html = tmp_path / "report.html"
    code, out, _ = run_cli(capsys, "balance", str(DECK), "--games", "48", "--json",
                           "--html", str(html))
    assert code == 0
    data = json.loads(out)
    assert data["games"] == 48
    assert {r["id"]: r["win_rate"] for r in data["by_scenario"]} == {"sunny": 1.0,
                                                                    "stormy": 0.0}
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "<svg" in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(("argv", "message"), [
    (("--players", "2,9"), "cannot balance: this deck is for 2 to 3 players, not 9"),
    (("--players", "two"), "--players must be whole numbers separated by commas"),
    (("--games", "1"), "cannot balance: games must be a whole number from 4"),
    (("--scenarios", "windy"), "cannot balance: the deck has no scenario 'windy'"),
    (("--bots", "smart"), "cannot balance: unknown bot kind 'smart'"),
])
def test_cli_errors(capsys, argv, message):
    code, out, err = run_cli(capsys, "balance", str(DECK), *argv)
    assert code == 2
    assert out == ""
    assert message in err


def test_cli_refuses_a_broken_deck(capsys):
    code, _out, err = run_cli(capsys, "balance", str(FIXTURES / "broken"))
    assert code == 1
    assert "fix the problems above first" in err


def test_cli_cannot_write_the_html(capsys, tmp_path):
    code, out, err = run_cli(capsys, "balance", str(DECK), "--games", "8", "--html",
                             str(tmp_path / "no" / "such" / "r.html"))
    assert code == 1
    assert "cannot write" in err
    assert "Win rate" in out  # the games' report is printed all the same


def test_fewer_games_than_combinations_still_play_every_one(deck):
    """2 scenarios x 2 player counts are 4 cells; 2 difficulties x 3 bot kinds 6
    combinations: 12 games are fewer than the 24 of a full turn, yet each difficulty and each
    bot kind plays, in as many games as the others."""
    plan = make_plan(deck, 12)
    games = {}
    for (_scenario, _players, difficulty, bot), seeds in batches(plan):
        games[difficulty, bot] = games.get((difficulty, bot), 0) + len(seeds)
    assert games == {(d, b): 2 for d in (None, "rich") for b in ("random", "greedy",
                                                                  "objective")}


def test_ctrl_c_stops_the_games_and_says_how_far_they_got():
    """Progress shows on a terminal; Ctrl+C (SIGINT) ends the run without a traceback and
    leaves no worker behind."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "game", "balance", str(DECK), "--games",
                             "200000"], cwd=Path(__file__).resolve().parents[1],
                            stdout=subprocess.PIPE, stderr=follower, start_new_session=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 120
    while b" of 200000 games" not in seen and time.monotonic() < deadline:
        seen += os.read(leader, 1024)  # the progress line: the games are under way
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl+C does: the whole foreground group
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise AssertionError("Ctrl+C did not stop it") from None
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.returncode == 130
    assert out == b""
    text = seen.decode()
    assert re.search(r"cancelled after \d+ of 200000 games", text), text
    assert "Traceback" not in text
    with pytest.raises(ProcessLookupError):  # nothing of its process group is left
        os.killpg(proc.pid, 0)


def test_a_scenario_with_its_own_win_is_counted_and_named_by_it(tmp_path):
    """'stormy' can never reach mood 3, but with a win of its own (mood stays at 0) every
    stormy game is won; the report says which condition each scenario played to."""
    text = (DECK / "deck.yaml").read_text(encoding="utf-8")
    text = text.replace("    context: Nothing can cheer anyone up.\n",
                        "    context: Nothing can cheer anyone up.\n"
                        "    win: {track: {mood: {at_most: 0}}}\n")
    (tmp_path / "balance").mkdir()
    (tmp_path / "balance" / "deck.yaml").write_text(text, encoding="utf-8")
    deck = load_deck(tmp_path / "balance")
    own = run_balance(deck, make_plan(deck, 24), workers=1)
    assert rates(own["by_scenario"]) == {"sunny": (12, 1.0), "stormy": (12, 1.0)}
    rows = {r["id"]: r["win_condition"] for r in own["by_scenario"]}
    assert rows["sunny"] == own["win_condition"] != rows["stormy"]
    assert rows["stormy"] == "Mood is at most 0"
    summary = text_summary(own)
    assert "except where a scenario sets its own" in summary
    assert f"win: {rows['stormy']}" in summary
    html = report_html(own)
    assert '<th scope="col">To win</th>' in html
    assert "<td>the deck&#x27;s condition</td>" in html  # sunny's, escaped as all text is
