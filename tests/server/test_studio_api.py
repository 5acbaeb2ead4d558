"""The deck studio's JSON routes through a real server, as the studio page uses them: a
signed-in facilitator's cookie kept by requests.Session and the CSRF token from a page in an
X-CSRFToken header. Forking, saving revisions (checked as `validate` checks a folder),
compare, restore, sharing, and who may reach what: every route is tried by the owner, a
facilitator it is shared with, another facilitator and a signed-out visitor."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests
from realserver import ServerProcess

PASSWORD = "purple tulip orbit 42"


class Facilitator:
    def __init__(self, server: ServerProcess, name: str | None = None):
        self.url = server.url
        self.http = requests.Session()
        self.name = name
        # Signed out, still a token (from the sign-in page): what is refused is the visitor,
        # not a missing token.
        page = self.http.get(self.url + "/signin", timeout=10)
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        if name:
            page = self.http.get(self.url + "/signup", timeout=10)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
            done = self.http.post(self.url + "/signup", allow_redirects=False, timeout=30,
                                  data={"csrf_token": token, "user_name": name,
                                        "display_name": name.title(), "password": PASSWORD})
            assert done.status_code == 303, done.text[:300]
            page = self.http.get(self.url + "/account", timeout=10)
            self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.url + path, timeout=30, allow_redirects=False)

    def upload(self, path: str, data: bytes, name: str = "deck.zip") -> requests.Response:
        return self.http.post(self.url + path, files={"file": (name, data)}, timeout=60,
                              headers={"X-CSRFToken": self.csrf}, allow_redirects=False)

    def post(self, path: str, body: dict | None = None, **kw: object) -> requests.Response:
        return self.http.post(self.url + path, json=body or {}, timeout=60,
                              headers={"X-CSRFToken": self.csrf}, allow_redirects=False, **kw)


def deck_zip(files: dict[str, str], folder: str = "good-governance") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in files.items():
            z.writestr(f"{folder}/{name}", text)
    return out.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix}{os.urandom(3).hex()}"


def people_at(server: ServerProcess) -> dict[str, Facilitator]:
    """A deck's owner, one it is shared with, another facilitator, and a signed-out visitor."""
    return {"owner": Facilitator(server, unique("ana")),
            "shared": Facilitator(server, unique("bo")),
            "other": Facilitator(server, unique("cy")),
            "signed_out": Facilitator(server)}


@pytest.fixture
def people(server: ServerProcess) -> dict[str, Facilitator]:
    return people_at(server)


def fork(owner: Facilitator) -> dict:
    made = owner.post("/api/studio/decks", {"fork": "good-governance"})
    assert made.status_code == 201, made.text[:500]
    return made.json()["deck"]


def files_of(who: Facilitator, deck: str) -> dict[str, str]:
    answer = who.get(f"/api/studio/decks/{deck}")
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()["revision"]["files"]


def test_fork_save_list_compare_restore(people):
    ana = people["owner"]
    deck = fork(ana)
    assert deck["deck_id"] == "good-governance" and deck["latest"] == 1
    assert deck["visibility"] == "private" and deck["mine"]
    again = fork(ana)  # a second fork gets an id of its own
    assert again["deck_id"] == "good-governance-2"
    assert "id: good-governance-2" in files_of(ana, again["id"])["deck.yaml"]

    files = files_of(ana, deck["id"])
    edited = dict(files)
    edited["scenarios.yaml"] = files["scenarios.yaml"].replace(
        "name: ", "name: Renamed ", 1)
    saved = ana.post(f"/api/studio/decks/{deck['id']}/revisions",
                     {"files": edited, "note": "renamed a scenario"})
    assert saved.status_code == 201, saved.text[:500]
    assert saved.json()["revision"]["number"] == 2

    listed = ana.get(f"/api/studio/decks/{deck['id']}/revisions").json()["revisions"]
    assert [(r["number"], r["note"], r["author"]) for r in listed] == [
        (2, "renamed a scenario", ana.name), (1, "forked from good-governance", ana.name)]

    changes = ana.get(f"/api/studio/decks/{deck['id']}/compare?from=1&to=2").json()["changes"]
    assert len(changes) == 1
    assert changes[0]["section"] == "scenarios" and changes[0]["kind"] == "changed"
    assert changes[0]["fields"] == ["name"]

    restored = ana.post(f"/api/studio/decks/{deck['id']}/restore", {"revision": 1})
    assert restored.status_code == 201 and restored.json()["revision"]["number"] == 3
    assert files_of(ana, deck["id"]) == files
    assert ana.get(f"/api/studio/decks/{deck['id']}/compare?from=1&to=3").json()[
        "changes"] == []
    assert ana.get(f"/api/studio/decks/{deck['id']}/revisions/2").json()["revision"][
        "files"] == edited


def test_a_deck_with_problems_is_refused_with_every_problem_and_its_line(people):
    ana = people["owner"]
    deck = fork(ana)
    files = files_of(ana, deck["id"])
    broken = {**files, "interventions.yaml": files["interventions.yaml"].replace(
        "reach:", "reech:", 1)}
    checked = ana.post("/api/studio/check", {"files": broken}).json()
    assert checked["valid"] is False
    first = checked["problems"][0]
    assert first["file"] == "interventions.yaml" and first["line"] > 1
    assert "unknown key 'reech' (did you mean 'reach'?)" in first["message"]
    refused = ana.post(f"/api/studio/decks/{deck['id']}/revisions", {"files": broken})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "deck_invalid" and error["problems"] == checked["problems"]
    assert ana.get(f"/api/studio/decks/{deck['id']}").json()["deck"]["latest"] == 1
    fine = ana.post("/api/studio/check", {"files": files}).json()
    assert fine["valid"] is True and fine["problems"] == []


@pytest.mark.parametrize("files", [
    [], "text", {"../deck.yaml": "x"}, {"/etc/passwd.yaml": "x"}, {"deck.yaml": 3},
    {"Deck.YAML": "x"}, {f"f{i}.yaml": "" for i in range(41)},
    {"deck.yaml": "x" * (2 * 1024 * 1024 + 1)}])
def test_files_that_could_not_be_a_deck_folder_are_refused(people, files):
    ana = people["owner"]
    answer = ana.post("/api/studio/check", {"files": files})
    assert answer.status_code in (400, 413), answer.text[:300]
    if answer.status_code == 400:
        assert answer.json()["error"]["code"] == "bad_deck_files"


def test_a_new_deck_from_the_template_validates_and_names_are_text(people):
    ana = people["owner"]
    made = ana.post("/api/studio/decks", {"id": "my-deck", "name": '<b>Mine</b> "x"'})
    assert made.status_code == 201, made.text[:500]
    assert made.json()["deck"]["name"] == "<b>Mine</b> 'x'"
    taken = ana.post("/api/studio/decks", {"id": "my-deck", "name": "Again"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "deck_taken"
    bad = ana.post("/api/studio/decks", {"id": "My Deck!", "name": "x"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_deck_files"


def test_sharing_by_user_name_and_publishing(people):
    ana, bo, cy = people["owner"], people["shared"], people["other"]
    deck = fork(ana)
    assert all(d["id"] != deck["id"] for d in bo.get("/api/studio/decks").json()["decks"])
    unknown = ana.post(f"/api/studio/decks/{deck['id']}/sharing",
                       {"visibility": "shared", "shared_with": ["nobody-at-all"]})
    assert unknown.status_code == 400 and "'nobody-at-all'" in unknown.json()["error"]["message"]
    shared = ana.post(f"/api/studio/decks/{deck['id']}/sharing",
                      {"visibility": "shared", "shared_with": [bo.name.upper()]})
    assert shared.status_code == 200 and shared.json()["deck"]["shared_with"] == [bo.name]
    seen = [d for d in bo.get("/api/studio/decks").json()["decks"] if d["id"] == deck["id"]]
    assert seen and not seen[0]["mine"] and seen[0]["owner"] == ana.name
    assert "shared_with" not in seen[0]  # who else it is shared with is the owner's business
    assert all(d["id"] != deck["id"] for d in cy.get("/api/studio/decks").json()["decks"])
    ana.post(f"/api/studio/decks/{deck['id']}/sharing", {"visibility": "published"})
    assert any(d["id"] == deck["id"] for d in cy.get("/api/studio/decks").json()["decks"])
    # A reader may fork it into a deck of their own.
    copy = cy.post("/api/studio/decks", {"fork_studio": deck["id"]})
    assert copy.status_code == 201 and copy.json()["deck"]["deck_id"] == "good-governance-copy"


def routes(deck: str, files: dict) -> list[tuple[str, str, dict | None, bool]]:
    """(method, path, body, writes) for every studio route about one deck."""
    return [
        ("GET", f"/api/studio/decks/{deck}", None, False),
        ("GET", f"/api/studio/decks/{deck}/revisions", None, False),
        ("GET", f"/api/studio/decks/{deck}/revisions/1", None, False),
        ("GET", f"/api/studio/decks/{deck}/compare?from=1&to=1", None, False),
        ("POST", "/api/studio/decks", {"fork_studio": deck}, False),
        ("POST", f"/api/studio/decks/{deck}/revisions", {"files": files, "note": "x"}, True),
        ("POST", f"/api/studio/decks/{deck}/restore", {"revision": 1}, True),
        ("POST", f"/api/studio/decks/{deck}/sharing", {"visibility": "published"}, True),
        ("GET", f"/api/studio/decks/{deck}/export.zip", None, False),
        ("UPLOAD", f"/api/studio/decks/{deck}/import", None, True),
        ("GET", f"/api/studio/decks/{deck}/interventions.csv", None, False),
        ("SHEET", f"/api/studio/decks/{deck}/interventions.csv", None, True),
        ("GET", f"/api/studio/decks/{deck}/events.csv", None, False),
        ("EVENTS", f"/api/studio/decks/{deck}/events.csv", None, True),
        ("GET", f"/api/studio/decks/{deck}/cards.xlsx", None, False),
        ("BOOK", f"/api/studio/decks/{deck}/cards.xlsx", None, True),
        ("UPLOAD", f"/api/studio/decks/{deck}/upload", None, True),
    ]


# What each may do with a private deck, a deck shared with "shared", and a published one.
EXPECTED = {
    # who: (private: read, write), (shared: read, write), (published: read, write)
    "owner": ((True, True), (True, True), (True, True)),
    "shared": ((False, False), (True, False), (True, False)),
    "other": ((False, False), (False, False), (True, False)),
    "signed_out": ((False, False), (False, False), (False, False)),
}


@pytest.mark.parametrize("visibility", ["private", "shared", "published"])
def test_who_may_reach_a_deck_on_every_route(people, visibility):
    ana = people["owner"]
    deck = fork(ana)["id"]
    files = files_of(ana, deck)
    sheet = ana.get(f"/api/studio/decks/{deck}/interventions.csv").content
    events = ana.get(f"/api/studio/decks/{deck}/events.csv").content
    book = ana.get(f"/api/studio/decks/{deck}/cards.xlsx").content
    if visibility != "private":
        ana.post(f"/api/studio/decks/{deck}/sharing",
                 {"visibility": visibility, "shared_with": [people["shared"].name]})
    column = ("private", "shared", "published").index(visibility)
    for who, person in people.items():
        may_read, may_write = EXPECTED[who][column]
        for method, path, body, writes in routes(deck, files):
            if who == "owner" and path.endswith("/sharing"):
                continue  # would change what the others may do mid-test
            if method == "UPLOAD":
                answer = person.upload(path, deck_zip(files))
            elif method == "SHEET":
                answer = person.upload(path, sheet, "interventions.csv")
            elif method == "EVENTS":
                answer = person.upload(path, events, "events.csv")
            elif method == "BOOK":
                answer = person.upload(path, book, "cards.xlsx")
            else:
                answer = person.get(path) if method == "GET" else person.post(path, body)
            code = answer.json()["error"]["code"] if answer.status_code >= 400 else None
            label = f"{who} {method} {path} ({visibility})"
            if who == "signed_out":
                assert (answer.status_code, code) == (401, "not_signed_in"), label
            elif not may_read:
                assert (answer.status_code, code) == (404, "unknown_deck"), label
                assert files["deck.yaml"] not in answer.text, label
            elif writes and not may_write:
                assert (answer.status_code, code) == (403, "not_your_deck"), label
            else:
                assert answer.status_code in (200, 201), f"{label}: {answer.text[:300]}"
    # Nobody but the owner changed anything.
    latest = ana.get(f"/api/studio/decks/{deck}").json()["deck"]["latest"]
    # The fork's revision 1, then the owner's save, restore, two zip uploads, two CSV sheets
    # and a workbook.
    assert latest == 8


def test_a_change_without_the_csrf_token_is_refused(people):
    ana = people["owner"]
    deck = fork(ana)
    ana.csrf = ""
    refused = ana.post(f"/api/studio/decks/{deck['id']}/restore", {"revision": 1})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_csrf"


def test_a_table_keeps_playing_the_revision_it_was_opened_with(tmp_path):
    """Opened at revision 1; revision 2 renames its scenario; the table,
    folded again by a restarted server, still plays revision 1."""
    server = ServerProcess(tmp_path, name="studio-tables", env={"SIGNUPS_PER_HOUR": "0"})
    server.start()
    try:
        ana = Facilitator(server, unique("ana"))
        deck = fork(ana)
        files = files_of(ana, deck["id"])
        opened = ana.post(f"/api/studio/decks/{deck['id']}/tables",
                          {"revision": 1, "scenario": "council-chatbot", "seats": 4})
        assert opened.status_code == 201, opened.text[:300]
        table = opened.json()["table"]
        assert opened.json()["join_url"].startswith(server.url + "/join/")

        edited = dict(files)
        edited["scenarios.yaml"] = files["scenarios.yaml"].replace(
            "name: The council's front-door chatbot", "name: A renamed chatbot", 1)
        saved = ana.post(f"/api/studio/decks/{deck['id']}/revisions",
                         {"files": edited, "note": "renamed"})
        assert saved.status_code == 201, saved.text[:300]
        bo = Facilitator(server, unique("bo"))  # anyone may open a table of a deck they can read
        refused = bo.post(f"/api/studio/decks/{deck['id']}/tables",
                          {"scenario": "council-chatbot", "seats": 4})
        assert refused.status_code == 404

        server.stop()
        server.start()  # nothing cached: the table is folded again from the store
        player = requests.Session()
        info = player.get(f"{server.url}/api/tables/{table}", timeout=30)
        assert info.status_code == 200, info.text[:300]
        ref = info.json()["table"]["deck"]
        assert ref == f"{deck['id']}@1"
        catalogue = player.get(f"{server.url}/api/decks/{ref}", timeout=30).json()
        names = {s["id"]: s["name"] for s in catalogue["scenarios"]}
        assert names["council-chatbot"] == "The council's front-door chatbot"
        # The players' "How scoring works" link names the deck by this reference too.
        scoring = player.get(f"{server.url}/decks/{ref}/scoring", timeout=30)
        assert scoring.status_code == 200 and "How scoring works" in scoring.text
        newer = player.get(f"{server.url}/api/decks/{deck['id']}@2", timeout=30).json()
        assert {s["id"]: s["name"] for s in newer["scenarios"]}["council-chatbot"] == \
            "A renamed chatbot"
        assert player.get(f"{server.url}/api/decks/{deck['id']}@9", timeout=30).status_code \
            == 404
    finally:
        server.stop()
    assert not server.errors(), server.log_tail(80)


def test_the_new_table_page_lists_own_shared_and_published_decks(people):
    ana, bo, cy = people["owner"], people["shared"], people["other"]
    mine = fork(ana)
    ana.post("/api/studio/decks", {"id": "for-bo", "name": "For <i>Bo</i>"})
    listed = ana.get("/api/studio/decks").json()["decks"]
    for_bo = next(d for d in listed if d["deck_id"] == "for-bo")
    ana.post(f"/api/studio/decks/{for_bo['id']}/sharing",
             {"visibility": "shared", "shared_with": [bo.name]})
    page = ana.get("/new").text
    assert '<optgroup label="Your decks">' in page
    assert f'value="studio:{mine["id"]}@1"' in page
    assert "For &lt;i&gt;Bo&lt;/i&gt; (revision 1)" in page  # a name is text
    seen_by_bo = bo.get("/new").text
    assert '<optgroup label="Shared with you">' in seen_by_bo
    assert f'value="studio:{for_bo["id"]}@1"' in seen_by_bo
    assert mine["id"] not in seen_by_bo
    assert for_bo["id"] not in cy.get("/new").text
    assert "studio:" not in people["signed_out"].get("/new").text


def test_a_downloaded_deck_passes_validate_and_uploads_back(people, tmp_path):
    ana = people["owner"]
    deck = fork(ana)
    got = ana.get(f"/api/studio/decks/{deck['id']}/export.zip")
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/zip"
    assert 'filename="good-governance-r1.zip"' in got.headers["Content-Disposition"]
    zipfile.ZipFile(io.BytesIO(got.content)).extractall(tmp_path)
    repo = Path(__file__).resolve().parents[2]
    checked = subprocess.run([sys.executable, "-m", "game", "validate",
                              str(tmp_path / "good-governance")], cwd=repo,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ": ok:" in checked.stdout

    uploaded = ana.upload(f"/api/studio/decks/{deck['id']}/import", got.content, "mine.zip")
    assert uploaded.status_code == 201, uploaded.text[:300]
    assert uploaded.json()["revision"]["note"] == "uploaded mine.zip"
    made = ana.upload("/api/studio/import", got.content)
    assert made.status_code == 201 and made.json()["deck"]["deck_id"] == "good-governance-2"


def test_hostile_and_broken_uploads_are_refused_with_what_to_fix(people):
    ana = people["owner"]
    deck = fork(ana)
    files = files_of(ana, deck["id"])
    path = f"/api/studio/decks/{deck['id']}/import"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("deck/deck.yaml", b"#" * (40 * 1024 * 1024))
    for data, message in [
        (b"not a zip at all", "that is not a zip file"),
        (bomb.getvalue(), "over 512 KB unpacked"),
        (deck_zip({"../../deck.yaml": "x"}, folder="d"), "'..'"),
        (deck_zip({"Deck File.yaml": "x"}), "rename it"),
        (b"x" * (5 * 1024 * 1024), "too large"),
    ]:
        answer = ana.upload(path, data)
        assert answer.status_code in (400, 413), answer.text[:200]
        assert message in answer.json()["error"]["message"], answer.text[:300]
    broken = {**files, "events.yaml": files["events.yaml"] + "\n  - id: x\n\tname: tab\n"}
    answer = ana.upload(path, deck_zip(broken))
    error = answer.json()["error"]
    assert answer.status_code == 400 and error["code"] == "deck_invalid"
    assert error["problems"][0]["file"] == "events.yaml"
    assert "a tab character" in error["problems"][0]["message"]
    assert ana.get(f"/api/studio/decks/{deck['id']}").json()["deck"]["latest"] == 1


def test_a_spreadsheet_round_trip_with_a_mistake_then_fixed(people):
    ana = people["owner"]
    deck = fork(ana)
    got = ana.get(f"/api/studio/decks/{deck['id']}/interventions.csv")
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/csv")
    text = got.content.decode("utf-8-sig")
    assert text.startswith("id,name,description,why,tags,copies,rating:collective,")
    path = f"/api/studio/decks/{deck['id']}/interventions.csv"
    broken = text.replace("desk-review,Desk review", "desk-review,", 1)
    answer = ana.upload(path, broken.encode(), "interventions.csv")
    assert answer.status_code == 400, answer.text[:300]
    problems = answer.json()["error"]["problems"]
    assert problems[0]["file"] == "interventions.csv" and problems[0]["line"] == 2
    assert problems[0]["message"].startswith("row 2")
    answer = ana.upload(path, b"\xff\xfe not utf-8", "interventions.csv")
    assert answer.status_code == 400 and "CSV UTF-8" in answer.json()["error"]["message"]
    fixed = text.replace("desk-review,Desk review", "desk-review,Desk research", 1)
    answer = ana.upload(path, fixed.encode(), "interventions.csv")
    assert answer.status_code == 201, answer.text[:300]
    changes = ana.get(f"/api/studio/decks/{deck['id']}/compare?from=1&to=2").json()["changes"]
    assert changes == [{"section": "interventions", "id": "desk-review", "kind": "changed",
                        "fields": ["name"]}]


def test_check_balance_of_a_revision(people):
    """The studio's "Check balance" opens the balance page of one saved revision: bots play
    that revision (not the shipped deck its id came from), in the balance module's worker."""
    ana = people["owner"]
    deck = fork(ana)
    ref = f"{deck['id']}@1"
    page = ana.get(f"/studio/{deck['id']}").text
    assert f'href="/decks/{ref}/balance"' in page
    balance_page = ana.get(f"/decks/{ref}/balance")
    assert balance_page.status_code == 200 and f'data-deck="{ref}"' in balance_page.text
    started = ana.http.post(f"{ana.url}/api/decks/{ref}/balance",
                            json={"games": 100, "players": [4]}, timeout=30)
    assert started.status_code == 202, started.text[:300]
    state = {}
    for _ in range(600):
        state = ana.get(f"/api/decks/{ref}/balance").json()
        if state["state"] not in ("starting", "running"):
            break
        time.sleep(0.2)
    assert state["state"] == "done", state
    assert ana.get("/api/decks/good-governance/balance").json()["state"] == "none"
    assert "Report: 100 games" in ana.get(f"/decks/{ref}/balance").text
