"""The cross-table debrief's comparison through a real server: each table's best alternative
per decided round (the coach's, as the table's own debrief has it) in the JSON, the page, the
PDF and the alternatives CSV; where the tables diverged, each table's points there and how far
behind the best table, in a sentence; who may read it before the end; and a workshop that
plays a facilitator's own deck at one revision, with the rights of a single table."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
import requests
from realserver import DECK, SCENARIO, ServerProcess
from test_workshop_debrief import pdf_pages
from workshop_people import Host, join

BOTS = {"bots": "greedy", "timers": {"proposal": 0, "discussion": 0, "vote": 0}}


@pytest.fixture(scope="module")
def owner(server: ServerProcess) -> Host:
    return Host(server)


def end_every_table(owner: Host, w: dict) -> None:
    path = f"/api/workshops/{w['workshop']}/command"
    owner.post(path, {"command": "start"})
    for _ in range(60):
        tables = owner.get(f"/api/workshops/{w['workshop']}").json()["tables"]
        if all(t["status"] == "ended" for t in tables):
            return
        owner.post(path, {"command": "advance"})
    raise AssertionError(f"the tables did not end: {tables}")


@pytest.fixture(scope="module")
def diverged(server: ServerProcess, owner: Host) -> dict:
    """Two tables of three: at table 1 three people who never propose (the facilitator moves
    them on, so it adopts nothing), at table 2 one person and two greedy bots, who adopt."""
    w = owner.create(tables=2, seats=3, options=BOTS, seating="pick")
    for name, number in (("Ana", 1), ("Bo", 1), ("Cy", 1), ("Di", 2)):
        assert join(server, w["code"], name, table=number).json()["number"] == number
    end_every_table(owner, w)
    return w


def test_best_alternative_per_table_is_the_coachs_by_card_name(server, owner, diverged):
    w = diverged
    data = owner.get(f"/api/workshops/{w['workshop']}/export.json").json()
    cards = {c["id"]: c["name"] for c in requests.get(
        f"{server.url}/api/decks/{DECK}", timeout=10).json()["interventions"]}
    for t in data["tables"]:
        # The table's own debrief (anyone may read it once the table has ended).
        own = requests.get(f"{server.url}/api/tables/{t['table']['id']}/debrief.json",
                           timeout=10).json()
        decided = [r for r in own["rounds"] if r["resolved"]]
        assert decided, t["table"]
        for r, mine in zip(t["rounds"], own["rounds"], strict=True):
            alt = r["best_alternative"]
            if not mine["resolved"]:
                assert alt is None
                continue
            coach = mine["alternative"]
            assert [a["card"] for a in alt["best"]] == [cards[p["card"]] for p in
                                                        coach["best"]["plan"]]
            assert [a["card"] for a in alt["adopted"]] == [a["card"] for a in r["adopted"]]
            assert alt["best_points"] == round(coach["best"]["points"], 2)
            assert alt["points_more"] == round(coach["points_gain"], 2)
            assert alt["same"] == coach["same"]
            assert not set(cards) & {a["card"] for a in alt["best"]}  # names, never ids
    # Table 1 adopted nothing all game: the coach finds better than nothing somewhere.
    table1 = data["tables"][0]
    assert all(not r["adopted"] for r in table1["rounds"])
    better = [r["best_alternative"] for r in table1["rounds"]
              if r["best_alternative"] and not r["best_alternative"]["same"]]
    assert better and all(a["best"] and a["best_points"] > 0 for a in better)
    # In the comparison, stage by stage, beside what each table adopted.
    for s in data["comparison"]["stages"]:
        for x in s["tables"]:
            r = data["tables"][x["table"] - 1]["rounds"][s["round"] - 1]
            assert x["best_alternative"] == r["best_alternative"]

    # The CSV of the alternatives: one row per decided round per table, by names.
    res = owner.get(f"/api/workshops/{w['workshop']}/alternatives.csv")
    assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(res.text)))
    expected = [(str(t["table"]["number"]), str(r["round"])) for t in data["tables"]
                for r in t["rounds"] if r["best_alternative"]]
    assert [(row["table"], row["round"]) for row in rows] == expected
    first = next(row for row in rows if row["table"] == "1" and row["adopted the best"] == "no")
    alt = table1["rounds"][int(first["round"]) - 1]["best_alternative"]
    assert first["adopted"] == "nothing"
    parts = [f"{a['card']} for {a['group']}" for a in alt["best"]]  # "A, B and C"
    assert first["best plan"] == (", ".join(parts[:-1]) + " and " + parts[-1]
                                  if len(parts) > 1 else parts[0])
    assert float(first["points more"]) == alt["points_more"]

    # The page shows each table's best plan per round.
    page = html.unescape(owner.get(f"/workshops/{w['workshop']}/debrief").text)
    assert "Best plan its cards allowed" in page
    assert f"{alt['best'][0]['card']} for {alt['best'][0]['group']}" in page
    # The PDF: each table's page has its alternatives.
    pages = pdf_pages(owner.get(f"/api/workshops/{w['workshop']}/report.pdf").content)
    assert pages[1].startswith(f"Table 1 ({w['tables'][0]['code']})")
    assert "The best alternative, round by round" in pages[1]
    assert "would have added" in pages[1]
    # And its radar over the other table's: each axis named with its score, and the key.
    for table, page_text in zip(data["tables"], pages[1:3], strict=True):
        for c in table["criteria"]:
            assert f"{c['criterion']} {c['score']}" in page_text, c
    assert "The radar: table 1 solid and filled, over table 2 light and dashed." in pages[1]


def test_where_the_tables_diverged_each_tables_points_and_the_gap(owner, diverged):
    w = diverged
    data = owner.get(f"/api/workshops/{w['workshop']}/export.json").json()
    stages = data["comparison"]["stages"]
    split = [s for s in stages if s["diverged"]]
    assert split, stages  # table 2 adopted, table 1 never did
    for s in stages:
        if not s["diverged"]:
            assert "summary" not in s
            continue
        points = {x["table"]: x["points"] for x in s["tables"]}
        best = max(points.values())
        assert {x["table"]: x["behind"] for x in s["tables"]} == \
            {n: round(best - p, 2) for n, p in points.items()}
        def pts(v: float) -> str:
            return f"{v:g} point" + ("" if v == 1 else "s")

        said = s["summary"].lower()
        for x in s["tables"]:
            named = [f"{a['card']} for {a['group']}" for a in x["adopted"]]
            plan = (", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1
                    else named[0] if named else "nothing")
            assert f"table {x['table']} adopted {plan}: {pts(x['points'])}".lower() in said
        leaders = [n for n, p in points.items() if p == best]
        assert said.count(f": {pts(best)}, the most") == len(leaders)
        if points[1] != best:  # table 1 adopted nothing: how far behind, and behind whom
            assert len(leaders) == 1
            assert (f"table 1 adopted nothing: {pts(points[1])}, "
                    f"{pts(round(best - points[1], 2))} behind table {leaders[0]}") in said
    page = html.unescape(owner.get(f"/workshops/{w['workshop']}/debrief").text)
    for s in split:
        assert s["summary"] in page
    pages = pdf_pages(owner.get(f"/api/workshops/{w['workshop']}/report.pdf").content)
    assert "behind table" in pages[-1]


def test_before_the_end_only_its_facilitators_read_the_comparison(server, owner):
    w = owner.create(tables=2, seats=3, options=BOTS)
    seat = join(server, w["code"], "Pia").json()
    player = requests.Session()  # Pia's phone: it joined, holds a seat token, no account
    assert player.post(f"{server.url}/api/w/join", json={
        "code": w["code"], "name": "Quin", "device": "d" * 20}, timeout=10).json()["ok"]
    # The table screen: its link's secret, as the table's console is told it.
    screen = requests.Session()
    screen_page = screen.get(f"{server.url}/screen/{seat['table']}", timeout=10)
    assert screen_page.status_code == 200
    other = Host(server)
    anyone = requests.Session()
    paths = (f"/workshops/{w['workshop']}/debrief",
             f"/api/workshops/{w['workshop']}/alternatives.csv",
             f"/api/workshops/{w['workshop']}/export.json",
             f"/api/workshops/{w['workshop']}/report.pdf")
    for path in paths:
        assert owner.get(path).status_code == 200, path
        for who in (player, screen, other.http, anyone):
            res = who.get(server.url + path, timeout=10, allow_redirects=False)
            assert res.status_code == 403, path
            assert 'data-code="not_ended"' in res.text if path.endswith("debrief") \
                else res.json()["error"]["code"] == "not_ended"
            assert "best_alternative" not in res.text and "Best plan" not in res.text


def studio_deck(owner: Host) -> str:
    made = owner.post("/api/studio/decks", {"fork": DECK})
    assert made.status_code == 201, made.text[:300]
    return made.json()["deck"]["id"]


def test_a_workshop_plays_a_facilitators_own_deck_at_one_revision(server, owner):
    deck = studio_deck(owner)
    files = owner.get(f"/api/studio/decks/{deck}").json()["revision"]["files"]
    # The form offers it, with its scenarios, beside the shipped decks.
    form = owner.get("/workshops").text
    assert f'<option value="studio:{deck}@1"' in form
    assert f'data-deck="studio:{deck}@1"' in form
    made = owner.post("/api/workshops", {
        "name": "Own deck", "date": "2026-11-27", "deck": f"studio:{deck}@1",
        "scenario": SCENARIO, "tables": 2, "seats": 3, "options": BOTS})
    assert made.status_code == 201, made.text[:300]
    wid = made.json()["workshop"]
    # A later revision renames the scenario: the workshop's tables keep revision 1.
    edited = dict(files)
    edited["scenarios.yaml"] = files["scenarios.yaml"].replace(
        "name: The council's front-door chatbot", "name: A renamed chatbot", 1)
    assert edited != files
    saved = owner.post(f"/api/studio/decks/{deck}/revisions", {"files": edited, "note": "x"})
    assert saved.status_code == 201, saved.text[:300]
    overview = owner.get(f"/api/workshops/{wid}").json()
    assert overview["deck"] == f"{deck}@1"
    seat = join(server, overview["code"], "Eve").json()
    phone = requests.Session()
    info = phone.get(f"{server.url}/api/tables/{seat['table']}", timeout=10).json()
    assert info["table"]["deck"] == f"{deck}@1"
    catalogue = phone.get(f"{server.url}/api/decks/{deck}@1", timeout=10).json()
    assert {s["id"]: s["name"] for s in catalogue["scenarios"]}[SCENARIO] == \
        "The council's front-door chatbot"
    end_every_table(owner, {"workshop": wid})
    for t in overview["tables"]:  # still revision 1 once played to the end
        played = phone.get(f"{server.url}/api/tables/{t['table']}", timeout=10).json()
        assert played["table"]["deck"] == f"{deck}@1" and played["table"]["status"] == "ended"
    data = owner.get(f"/api/workshops/{wid}/export.json").json()
    assert data["workshop"]["deck"] == f"{deck}@1"
    assert all(t["deck"]["version"] for t in data["tables"])


def test_nobody_runs_a_workshop_on_a_private_deck_of_someone_elses(server, owner):
    deck = studio_deck(owner)
    other = Host(server)
    body = {"name": "Not mine", "deck": f"studio:{deck}@1", "scenario": SCENARIO,
            "tables": 1, "seats": 3, "options": BOTS}
    before = len(other.get("/api/workshops").json()["workshops"])
    for ref in (f"studio:{deck}@1", f"{deck}@1"):
        refused = other.post("/api/workshops", {**body, "deck": ref})
        assert refused.status_code == 404, refused.text[:300]
        assert refused.json()["error"]["code"] == "unknown_deck"
    assert len(other.get("/api/workshops").json()["workshops"]) == before  # nothing made
    anyone = requests.Session()  # with this browser's own CSRF token, but signed out
    page = anyone.get(f"{server.url}/signin", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]  # type: ignore[index]
    signed_out = anyone.post(f"{server.url}/api/workshops", json=body, timeout=10,
                             headers={"X-CSRFToken": token})
    assert signed_out.status_code == 401, signed_out.text[:300]
    assert signed_out.json()["error"]["code"] == "not_signed_in"
    missing = owner.post("/api/workshops", {**body, "deck": f"studio:{deck}@9"})
    assert missing.json()["error"]["code"] == "unknown_revision"
    # Shared with them, it is theirs to play.
    shared = owner.post(f"/api/studio/decks/{deck}/sharing",
                        {"visibility": "shared", "shared_with": [other.user_name]})
    assert shared.status_code == 200, shared.text[:300]
    made = other.post("/api/workshops", body)
    assert made.status_code == 201, made.text[:300]
    assert other.get(f"/api/workshops/{made.json()['workshop']}").json()["deck"] == f"{deck}@1"
