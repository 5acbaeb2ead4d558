"""The cross-table debrief of a workshop through a real server: two tables of bots played to
the end, compared stage by stage, exported as JSON and one CSV per kind of record; and who
may read it before and after the workshop ends."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
import requests
from realserver import DECK, SCENARIO, ServerProcess
from workshop_people import Host, join

BOTS = {"bots": "greedy", "timers": {"proposal": 0, "discussion": 0, "vote": 0}}


@pytest.fixture(scope="module")
def owner(server: ServerProcess) -> Host:
    return Host(server)


def pdf_pages(data: bytes) -> list[str]:
    """Each page's words, read back with Poppler's pdftotext."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, check=True,
                          capture_output=True).stdout.decode()
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def played(server: ServerProcess, owner: Host) -> dict:
    """A workshop of two tables, one person at each and bots in the other seats, played to
    the end: the person passes each time and the facilitator moves each table on."""
    w = owner.create(tables=2, seats=3, options=BOTS)
    seats = [join(server, w["code"], name).json() for name in ("Ana", "Bo")]
    assert {s["number"] for s in seats} == {1, 2}
    path = f"/api/workshops/{w['workshop']}/command"
    owner.post(path, {"command": "start"})
    for _ in range(40):  # rounds and phases: moving on ends each within a few dozen steps
        tables = owner.get(f"/api/workshops/{w['workshop']}").json()["tables"]
        if all(t["status"] == "ended" for t in tables):
            break
        owner.post(path, {"command": "advance"})
    else:
        raise AssertionError(f"the tables did not end: {tables}")
    return w


def test_the_tables_side_by_side_and_the_exports(server, owner):
    w = played(server, owner)
    page = owner.get(f"/workshops/{w['workshop']}/debrief")
    assert page.status_code == 200
    assert "Stage by stage" in page.text and "Table 1" in page.text and "Table 2" in page.text
    data = owner.get(f"/api/workshops/{w['workshop']}/export.json").json()
    assert data["workshop"]["name"] == "Data day"
    assert data["workshop"]["facilitators"] == [owner.user_name.title()]
    assert [t["table"]["number"] for t in data["tables"]] == [1, 2]
    assert [t["table"]["code"] for t in data["tables"]] == [t["code"] for t in w["tables"]]
    assert all(t["finished"] for t in data["tables"])
    assert data["tables"][0]["scenario"]["id"] == SCENARIO
    players = {p["name"] for t in data["tables"] for p in t["players"]}
    assert {"Ana", "Bo"} <= players
    stages = data["comparison"]["stages"]
    assert stages and all(len(s["tables"]) == 2 for s in stages)
    for s in stages:  # "diverged" says whether the tables adopted different things
        adopted = [sorted((a["card"], a["group"]) for a in t["adopted"] or [])
                   for t in s["tables"]]
        assert s["diverged"] == (adopted[0] != adopted[1])
    cards = requests.get(f"{server.url}/api/decks/{DECK}", timeout=10).json()["interventions"]
    adopted = {a["card"] for s in stages for t in s["tables"] for a in t["adopted"]}
    assert adopted and adopted <= {c["name"] for c in cards}  # names, as on the cards
    results = data["comparison"]["results"]
    assert data["comparison"]["best"] == [r["table"] for r in results
                                          if r["total"] == max(x["total"] for x in results)]
    for kind, column in (("players", "name"), ("proposals", "card"), ("votes", "backed"),
                         ("adopted", "card"), ("scores", "criterion"), ("tracks", "track")):
        res = owner.get(f"/api/workshops/{w['workshop']}/{kind}.csv")
        assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(res.text)))
        assert rows and column in rows[0], kind
        assert {r["table"] for r in rows} == {"1", "2"}, kind
    assert owner.get(f"/api/workshops/{w['workshop']}/hands.csv").json()["error"]["code"] \
        == "bad_export"
    # The PDF report: a cover, a page per table, the comparison, in words a reader can find.
    pdf = owner.get(f"/api/workshops/{w['workshop']}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pages = pdf_pages(pdf.content)
    assert "Data day" in pages[0] and owner.user_name.title() in pages[0]
    assert pages[1].startswith(f"Table 1 ({w['tables'][0]['code']})")
    assert pages[2].startswith(f"Table 2 ({w['tables'][1]['code']})")
    assert "Ana" in pages[1] + pages[2] and "Bo" in pages[1] + pages[2]
    assert "The tables compared" in pages[-1]


def test_only_its_facilitators_read_the_debrief_before_the_end_and_anyone_after(
        server, owner):
    w = owner.create(tables=2, seats=3, options=BOTS)
    other = Host(server)
    anyone = requests.Session()
    for path in (f"/workshops/{w['workshop']}/debrief",
                 f"/api/workshops/{w['workshop']}/report.pdf",
                 f"/api/workshops/{w['workshop']}/export.json",
                 f"/api/workshops/{w['workshop']}/votes.csv"):
        assert owner.get(path).status_code == 200, path
        for who in (other.http, anyone):
            res = who.get(server.url + path, timeout=10)
            assert res.status_code == 403, path
            # The page says why, as a page; the exports, as JSON.
            assert 'data-code="not_ended"' in res.text if path.endswith("debrief") \
                else res.json()["error"]["code"] == "not_ended"
    done = played(server, owner)
    for who in (other.http, anyone):
        assert who.get(f"{server.url}/api/workshops/{done['workshop']}/export.json",
                       timeout=10).status_code == 200
