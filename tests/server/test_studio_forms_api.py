"""The studio's forms for every part of a deck, its rule editor and deleting a deck, through a
real server as the studio page uses them: GET /api/studio/forms describes the forms, POST
/api/studio/edit writes a form's change into the YAML (set, add, append), POST
/api/studio/rule says a rule being built in plain words, POST .../delete deletes. Each good
edit is checked where a facilitator sees it (the YAML text, the deck check, a saved revision);
each bad one is refused with what was wrong, and nothing changes."""

from __future__ import annotations

import pytest
import requests
from realserver import ServerProcess
from test_studio_api import Facilitator, files_of, fork, people_at, unique


@pytest.fixture
def people(server: ServerProcess) -> dict[str, Facilitator]:
    return people_at(server)


def edit(who: Facilitator, files: dict, *edits: dict) -> requests.Response:
    return who.post("/api/studio/edit", {"files": files, "edits": list(edits)})


def edited(who: Facilitator, files: dict, *edits: dict) -> dict[str, str]:
    answer = edit(who, files, *edits)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()["files"]


def check(who: Facilitator, files: dict) -> dict:
    answer = who.post("/api/studio/check", {"files": files})
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()


def lines_around(text: str, needle: str, before: int = 0, after: int = 0) -> list[str]:
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if needle in line)
    return lines[at - before:at + after + 1]


def test_the_forms_are_described_by_the_server(people):
    ana = people["owner"]
    got = ana.get("/api/studio/forms").json()
    criteria = {f["key"]: f for f in got["sections"]["criteria"]}
    assert set(criteria) == {"name", "description", "question", "example"}
    assert criteria["description"]["kind"] == "text" and criteria["description"]["limit"] == 400
    hand = next(f for f in got["sections"]["settings"] if f["key"] == "hand_size")
    assert (hand["kind"], hand["low"], hand["high"]) == ("int", 1, 10)
    stage_fields = {f["key"]: f["kind"] for f in got["sections"]["stages"]}
    assert stage_fields["rules"] == "rules" and "rules" not in got["form_kinds"]
    words = {w["word"]: w for w in got["vocabulary"]["conditions"]}
    assert words["tag"]["places"] == ["card", "where"] and words["tag"]["takes"] == "tag"
    assert words["tag"]["example"] == "it has the … tag"
    assert "where" not in words["stage"]["places"]  # a stage is not about one intervention
    effects = {w["word"]: w for w in got["vocabulary"]["effects"]}
    assert effects["add"]["places"] == ["ability", "event", "rule"]
    assert effects["draw"]["places"] == ["ability", "event"]  # never in a scoring rule
    assert people["signed_out"].get("/api/studio/forms").status_code == 401


def test_a_criterion_settings_and_a_new_group_through_the_forms(people):
    ana = people["owner"]
    deck = fork(ana)
    files = files_of(ana, deck["id"])
    definition = "Decided with the people it is about, not for them: yes, even on a Monday."
    files = edited(ana, files,
                   {"op": "set", "section": "criteria", "id": "collective",
                    "field": "description", "value": definition},
                   {"op": "set", "section": "settings", "field": "hand_size", "value": 5},
                   {"op": "set", "section": "settings", "field": "debt", "value": True},
                   {"op": "set", "section": "deck", "field": "name", "value": "Our own deck"},
                   {"op": "add", "section": "groups",
                    "item": {"id": "night-workers", "name": "Night workers"}})
    text = files["deck.yaml"]
    assert lines_around(text, "id: collective", after=2)[2] == f'    description: "{definition}"'
    assert "  hand_size: 5" in text.split("\n") and "  debt: true" in text.split("\n")
    assert "  - id: night-workers" in text.split("\n")
    # The comments of the settings are where they were.
    assert "  # Trust and delivery gate the win" in text
    # An emptied optional field goes (the deck's default applies); a required one stays.
    emptied = edited(ana, files, {"op": "set", "section": "criteria", "id": "collective",
                                  "field": "example", "value": None},
                     {"op": "set", "section": "settings", "field": "debt", "value": None})
    block = lines_around(emptied["deck.yaml"], "id: collective", after=4)
    assert [line.split(":")[0].strip() for line in block] == [
        "- id", "name", "description", "question", "- id"]
    assert "  debt: true" not in emptied["deck.yaml"]
    assert [p["message"] for p in check(ana, emptied)["problems"]] == [
        "group 'night-workers' is in no intervention's 'reach', so no one can ever involve it"]
    refused = edit(ana, files, {"op": "set", "section": "criteria", "id": "collective",
                                "field": "name", "value": None})
    assert refused.status_code == 400
    assert "'name' (Name) must be there" in refused.json()["error"]["message"]
    answer = check(ana, files)
    # The new group is reached by no card yet: the check says so, beside its id.
    assert not answer["valid"]
    assert [p["message"] for p in answer["problems"]] == [
        "group 'night-workers' is in no intervention's 'reach', so no one can ever involve it"]
    files = edited(ana, files, {"op": "set", "section": "interventions", "id": "citizens-jury",
                                "field": "reach",
                                "value": {"affected-communities": 3, "night-workers": 2}})
    answer = check(ana, files)
    assert answer["valid"], answer["problems"]
    catalogue = answer["deck"]
    assert catalogue["name"] == "Our own deck"
    assert next(c for c in catalogue["criteria"] if c["id"] == "collective")["description"] \
        == definition
    assert catalogue["settings"]["hand_size"] == 5
    # What the forms show is what the YAML says.
    assert answer["items"]["settings"]["values"]["hand_size"] == 5
    crit = next(i for i in answer["items"]["criteria"] if i["id"] == "collective")
    assert crit["values"]["description"] == definition and crit["file"] == "deck.yaml"
    saved = ana.post(f"/api/studio/decks/{deck['id']}/revisions",
                     {"files": files, "note": "through the forms"})
    assert saved.status_code == 201, saved.text[:500]
    assert files_of(ana, deck["id"]) == files


def test_a_stage_rule_and_an_event_effect_through_the_rule_editor(people):
    ana = people["owner"]
    deck = fork(ana)
    files = files_of(ana, deck["id"])
    rule = {"why": "Watching over it, with the people it is about, earns trust.",
            "per": "round",
            "if": [{"any_tag": "oversight"}, {"count": {"where": {"rating": {
                "powerful": {"at_least": 3}}}, "in": "round", "at_least": 1}}],
            "then": {"add": {"trust": 1}}}
    said = ana.post("/api/studio/rule", {"files": files, "section": "stages",
                                         "id": "data-collection", "field": "rules",
                                         "item": rule})
    assert said.status_code == 200, said.text[:300]
    assert said.json() == {
        "ok": True, "problems": [], "others": 0,
        "words": "+1 trust for this round when something adopted this round is Oversight and "
                 "the count of interventions adopted this round for which its Powerful rating "
                 "is at least 3 is at least 1"}
    # An amount from the adopted card's stars.
    stars = {"if": {"tag": "oversight"}, "then": {"add": {"trust": {"rating": "powerful",
                                                                    "times": 2}}}}
    said = ana.post("/api/studio/rule", {"files": files, "section": "stages", "id": "planning",
                                         "field": "rules", "item": stars}).json()
    assert said["words"] == ("2 per powerful star trust for each adopted intervention when it "
                             "has the Oversight tag"), said
    files = edited(ana, files, {"op": "append", "section": "stages", "id": "data-collection",
                                "field": "rules", "item": rule})
    block = lines_around(files["stages.yaml"], "Watching over it", after=3)
    assert block == [
        '      - why: "Watching over it, with the people it is about, earns trust."',
        "        per: round",
        "        if: [{any_tag: oversight}, {count: {where: {rating: {powerful: {at_least: 3}}}, "
        "in: round, at_least: 1}}]",
        "        then: {add: {trust: 1}}"]
    answer = check(ana, files)
    assert answer["valid"], answer["problems"]
    listed = answer["rules"]["stages"]["data-collection"]["rules"]
    assert listed[-1].startswith("Watching over it")
    # Removed again, the file is as it was, to the byte.
    original = files_of(ana, deck["id"])["stages.yaml"]
    removed = edited(ana, files, {"op": "remove", "section": "stages", "id": "data-collection",
                                  "field": "rules", "index": len(listed) - 1})
    assert removed["stages.yaml"] == original
    first_gone = edited(ana, files, {"op": "remove", "section": "stages", "id": "planning",
                                     "field": "rules", "index": 0})
    assert "Every piece of agreed work" not in "\n".join(
        lines_around(first_gone["stages.yaml"], "id: planning", after=5))
    assert len(check(ana, first_gone)["rules"]["stages"]["planning"]["rules"]) == 1

    # An effect for an event; a number out of range is the deck check's, on the rule's line.
    too_much = {"cost": {"change": 20, "where": {"tag": "oversight"}}}
    said = ana.post("/api/studio/rule", {"files": files, "section": "events",
                                         "id": "keeping-control", "field": "effects",
                                         "item": too_much}).json()
    assert said["words"] is None and said["others"] == 0
    assert ["change" in p["message"] and "-10 to 10" in p["message"] for p in said["problems"]] \
        == [True]
    files = edited(ana, files, {"op": "append", "section": "events", "id": "keeping-control",
                                "field": "effects", "item": {"draw": 1}})
    assert lines_around(files["events.yaml"], "id: keeping-control", after=13)[-3:] == [
        "        then: {add: {delivery: 1, deliberative: 1}}", "    effects:", "      - draw: 1"]
    answer = check(ana, files)
    assert answer["valid"], answer["problems"]
    assert answer["rules"]["events"]["keeping-control"]["effects"] == ["draw 1"]
    saved = ana.post(f"/api/studio/decks/{deck['id']}/revisions",
                     {"files": files, "note": "a rule and an effect"})
    assert saved.status_code == 201, saved.text[:500]


def nested(word: str, levels: int) -> dict:
    """A condition `levels` conditions deep: `word` around `word` ... around {tag: oversight}."""
    inner: dict = {"tag": "oversight"}
    for _ in range(levels):
        inner = {word: [inner] if word == "all" else inner}
    return inner


def test_the_rule_editor_is_sent_the_decks_own_bounds(people):
    """What the editor offers (numbers, scopes, nesting) is what the deck check accepts: at
    each bound the deck checks, one past it the check says so."""
    ana = people["owner"]
    files = files_of(ana, fork(ana)["id"])
    vocabulary = ana.get("/api/studio/forms").json()["vocabulary"]
    bounded = {w["word"]: (w["low"], w["high"]) for w in vocabulary["effects"] if "low" in w}
    assert set(bounded) == {"add", "cost", "draw", "discard", "adopt_limit"}

    def effect(word: str, n: int) -> dict:
        return {"add": {"add": {"trust": n}}, "cost": {"cost": {"change": n}},
                "adopt_limit": {"adopt_limit": {"change": n}}}.get(word, {word: n})

    for word, (low, high) in bounded.items():
        for n, good in ((low, True), (high, True), (low - 1, False), (high + 1, False)):
            said = ana.post("/api/studio/rule", {
                "files": files, "section": "events", "id": "keeping-control",
                "field": "effects", "item": effect(word, n)}).json()
            assert said["ok"] and (said["problems"] == []) == good, (word, n, said)
            if not good:
                assert f"{low} to {high}" in said["problems"][0]["message"], said
    # A rating amount only where the rule looks at one adopted intervention.
    assert [p for p, per in vocabulary["rule_places"].items()
            if per in vocabulary["star_places"]] == ["adopted"]
    # At the end of the game a count is over the whole game; in a rule, a round or the game.
    scopes = {place: [s["value"] for s in got] for place, got in vocabulary["count_scopes"].items()}
    assert scopes == {"card": ["round", "game"], "round": ["round", "game"], "game": ["game"]}
    # Conditions inside conditions, as deep as the editor is told, written and checked; and
    # one deeper refused with the same number.
    deepest = vocabulary["max_depth"]
    for word in ("all", "not"):
        rule = {"if": nested(word, deepest), "then": {"add": {"trust": 1}}}
        deep = edited(ana, files, {"op": "append", "section": "stages", "id": "planning",
                                   "field": "rules", "item": rule})
        assert check(ana, deep)["valid"]
        rule["if"] = nested(word, deepest + 1)
        answer = edit(ana, files, {"op": "append", "section": "stages", "id": "planning",
                                   "field": "rules", "item": rule})
        assert answer.status_code == 400
        assert f"at most {deepest} deep" in answer.json()["error"]["message"]
    # Inside a count's where, each level of a rating comparison, in a list: still a request.
    where = {"all": [{"all": [{"rating": {"powerful": {"at_least": 1}}}]}]}
    rule = {"if": [{"tag": "oversight"}, {"count": {"where": where, "at_least": 1}}],
            "then": {"add": {"trust": 1}}}
    deep = edited(ana, files, {"op": "append", "section": "stages", "id": "planning",
                               "field": "rules", "item": rule})
    assert check(ana, deep)["valid"]


def test_a_refused_edit_says_which_change_it_was(one_deck):
    ana, _, files = one_deck
    answer = edit(ana, files,
                  {"op": "set", "section": "tracks", "id": "budget", "field": "name",
                   "value": "Money"},
                  {"op": "set", "section": "tracks", "id": "budget", "field": "start",
                   "value": None})
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "code": "bad_edit", "edit": 1,
        "message": "'start' (Starts at) must be there: give it a value"}


BAD = [
    ({"op": "set", "section": "cards", "id": "x", "field": "name", "value": "x"},
     "'cards' is not a section of a deck"),
    ({"op": "set", "section": "criteria", "id": "collective", "field": "colour", "value": "x"},
     "criteria have no field 'colour'"),
    ({"op": "set", "section": "stages", "id": "planning", "field": "rules", "value": []},
     "'rules' of stages is changed with the rule editor"),
    ({"op": "set", "section": "settings", "field": "win", "value": {}},
     "'win' of settings is changed with the rule editor"),
    ({"op": "set", "section": "settings", "field": "timers", "value": {}},
     "'timers' of settings is changed in the YAML view"),
    ({"op": "condition", "section": "settings", "field": "timers", "value": {}},
     "the conditions the editor writes are: settings' win, scenarios' win, roles' objective"),
    ({"op": "set", "section": "settings", "field": "hand_size", "value": "five"},
     "'hand_size' (Cards in each hand) must be a whole number from 1 to 10"),
    ({"op": "set", "section": "settings", "field": "hand_size", "value": 11},
     "must be a whole number from 1 to 10"),
    ({"op": "set", "section": "settings", "field": "deal", "value": "face-up"},
     "must be one of: hidden, open"),
    ({"op": "set", "section": "criteria", "id": "collective", "field": "description",
      "value": "x" * 401}, "is 401 characters; at most 400"),
    ({"op": "set", "section": "groups", "id": "general-population", "field": "name",
      "value": ["a list"]}, "'name' (Name) must be text"),
    ({"op": "set", "section": "tracks", "id": "budget", "field": "start", "value": None},
     "'start' (Starts at) must be there: give it a value"),
    ({"op": "set", "section": "criteria", "id": "no-such", "field": "name", "value": "x"},
     "there is no criterion 'no-such' in the deck"),
    ({"op": "add", "section": "groups", "item": {"id": "Bad Id", "name": "x"}},
     "a new item's 'id' is lower-case letters"),
    ({"op": "append", "section": "stages", "id": "planning", "field": "rules",
      "item": {"if": {"tagg": "oversight"}, "then": {"add": {"trust": 1}}}},
     "stage 'planning' rule 3: unknown condition 'tagg' (did you mean 'tag'?)"),
    ({"op": "append", "section": "stages", "id": "planning", "field": "rules",
      "item": {"per": "round", "if": {"tag": "oversight"}, "then": {"add": {"trust": 1}}}},
     "'tag' is about one intervention, and there is none here: use it in a rule with 'per: "
     "adopted', or inside count"),
    ({"op": "append", "section": "stages", "id": "planning", "field": "rules",
      "item": {"then": {"draw": 1}}}, "effect 'draw' cannot be used here; allowed: add"),
    ({"op": "append", "section": "stages", "id": "planning", "field": "rules",
      "item": {"if": {"tag": 3}, "then": {"add": {"trust": 1}}}}, "unknown tag 3 in 'tag'"),
    ({"op": "append", "section": "stages", "id": "planning", "field": "rules",
      "item": {"if": {"cost": {"at_least": "two"}}, "then": {"add": {"trust": 1}}}},
     "rule 3: 'at_least' must be a whole number"),
    ({"op": "append", "section": "stages", "id": "planning", "field": "rules",
      "item": {"then": {"add": {"trust": 1}}, "per: round\nwin": True}},
     "unknown key 'per: round\nwin'"),
    ({"op": "append", "section": "stages", "id": "planning", "field": "rules",
      "item": {"why": "x" * 301, "then": {"add": {"trust": 1}}}}, "at most 300"),
    ({"op": "append", "section": "events", "id": "keeping-control", "field": "effects",
      "item": []}, "an effect is a mapping such as {draw: 1}"),
    ({"op": "append", "section": "groups", "id": "general-population", "field": "rules",
      "item": {"then": {"add": {"trust": 1}}}}, "the rule editor adds to:"),
    ({"op": "append", "section": "stages", "id": "planning", "field": "rules",
      "item": {"per": "round", "then": {"add": {"trust": {"rating": "powerful"}}}}},
     "an amount from a rating needs one intervention to look at"),
    ({"op": "remove", "section": "stages", "id": "planning", "field": "rules", "index": 2},
     "'planning' has 2 rules: say which, from 0"),
    ({"op": "remove", "section": "groups"}, "an edit is {op: set"),
]


@pytest.fixture(scope="module")
def one_deck(server: ServerProcess) -> tuple[Facilitator, dict, dict[str, str]]:
    """A facilitator and a deck of theirs, for tries that must change nothing."""
    ana = Facilitator(server, unique("di"))
    deck = fork(ana)
    return ana, deck, files_of(ana, deck["id"])


@pytest.mark.parametrize("change,message", BAD, ids=[m[:40] for _, m in BAD])
def test_a_bad_edit_is_refused_saying_what_was_wrong(one_deck, change, message):
    ana, deck, files = one_deck
    answer = edit(ana, files, change)
    assert answer.status_code == 400, answer.text[:300]
    error = answer.json()["error"]
    assert error["code"] == "bad_edit" and message in error["message"], error["message"]
    assert error["edit"] == 0  # which change, for a form to show it beside its field
    if change["op"] == "append":  # the rule editor's words for it: the deck check's problem
        said = ana.post("/api/studio/rule", {"files": files, **{
            k: change[k] for k in ("section", "id", "field", "item")}})
        if said.status_code == 400:  # a list the editor does not add to
            assert message in said.json()["error"]["message"]
        else:
            assert [message in p["message"] for p in said.json()["problems"]] == [True]
    assert ana.get(f"/api/studio/decks/{deck['id']}").json()["deck"]["latest"] == 1


def test_who_may_use_the_forms_and_save_what_they_made(people):
    ana, bo, cy, out = (people[k] for k in ("owner", "shared", "other", "signed_out"))
    deck = fork(ana)
    ana.post(f"/api/studio/decks/{deck['id']}/sharing",
             {"visibility": "shared", "shared_with": [bo.name]})
    files = files_of(bo, deck["id"])
    change = {"op": "set", "section": "criteria", "id": "collective", "field": "name",
              "value": "Together"}
    rule = {"files": files, "section": "stages", "id": "planning", "field": "rules",
            "item": {"then": {"add": {"trust": 1}}}}
    for path, body in (("/api/studio/edit", {"files": files, "edits": [change]}),
                       ("/api/studio/rule", rule), ("/api/studio/check", {"files": files})):
        refused = out.post(path, body)
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "not_signed_in")
    # A reader may try the forms on their copy of the text (nothing is stored) ...
    mine = edited(bo, files, change)
    assert '    name: "Together"' in mine["deck.yaml"]
    # ... but only the owner may save it: the shared reader is refused, another facilitator
    # learns nothing of the deck.
    refused = bo.post(f"/api/studio/decks/{deck['id']}/revisions", {"files": mine, "note": "x"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_your_deck")
    refused = cy.post(f"/api/studio/decks/{deck['id']}/revisions", {"files": mine, "note": "x"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "unknown_deck")
    assert ana.post(f"/api/studio/decks/{deck['id']}/revisions",
                    {"files": mine, "note": "renamed"}).status_code == 201


def test_deleting_a_deck_owner_only_with_confirmation_tables_play_on(people, server):
    ana, bo, cy, out = (people[k] for k in ("owner", "shared", "other", "signed_out"))
    deck = fork(ana)
    path = f"/api/studio/decks/{deck['id']}/delete"
    ana.post(f"/api/studio/decks/{deck['id']}/sharing",
             {"visibility": "shared", "shared_with": [bo.name]})
    opened = ana.post(f"/api/studio/decks/{deck['id']}/tables",
                      {"scenario": "council-chatbot", "seats": 4})
    assert opened.status_code == 201, opened.text[:300]
    table = opened.json()["table"]
    for who, code, status in ((out, "not_signed_in", 401), (cy, "unknown_deck", 404),
                              (bo, "not_your_deck", 403)):
        refused = who.post(path, {"confirm": "good-governance"})
        assert (refused.status_code, refused.json()["error"]["code"]) == (status, code)
    for confirm in (None, "", "good-governance-2", "GOOD-GOVERNANCE"):
        refused = ana.post(path, {"confirm": confirm})
        assert (refused.status_code, refused.json()["error"]["code"]) == (400, "bad_confirm")
        assert "type its deck id 'good-governance'" in refused.json()["error"]["message"]
    assert ana.get(f"/api/studio/decks/{deck['id']}").status_code == 200  # still there

    assert ana.post(path, {"confirm": "good-governance"}).status_code == 200
    for who in (ana, bo):
        gone = who.get(f"/api/studio/decks/{deck['id']}")
        assert (gone.status_code, gone.json()["error"]["code"]) == (404, "unknown_deck")
        assert all(d["id"] != deck["id"] for d in who.get("/api/studio/decks").json()["decks"])
        assert deck["id"] not in who.get("/new").text
    assert ana.post(path, {"confirm": "good-governance"}).status_code == 404
    assert ana.post(f"/api/studio/decks/{deck['id']}/tables",
                    {"scenario": "council-chatbot", "seats": 4}).status_code == 404
    # The table opened before plays on with its revision.
    player = requests.Session()
    info = player.get(f"{server.url}/api/tables/{table}", timeout=30)
    assert info.status_code == 200, info.text[:300]
    ref = info.json()["table"]["deck"]
    assert ref == f"{deck['id']}@1"
    assert player.get(f"{server.url}/api/decks/{ref}", timeout=30).status_code == 200
    # The deck id is free again: a new copy takes it.
    again = fork(ana)
    assert again["deck_id"] == "good-governance" and again["id"] != deck["id"]


@pytest.mark.parametrize("typed", ["stages: 5\n", "roles: 7\n", "settings: 3\n"])
def test_a_section_that_is_not_a_list_is_a_problem_not_a_crash(people, typed):
    """The check runs as the facilitator types, so `stages: 5` half-typed must come back as
    the deck check's problem, with the forms and rule lists still answered."""
    ana = people["owner"]
    files = files_of(ana, fork(ana)["id"])
    answer = check(ana, {**files, "extra.yaml": typed})
    section = typed.split(":")[0]
    assert not answer["valid"]
    assert any(p["file"] == "extra.yaml" and f"'{section}'" in p["message"]
               for p in answer["problems"]), answer["problems"]
    # The forms and the rule editor still have the deck's parts to show.
    assert answer["items"]["interventions"] and answer["entries"]["stages"], answer.keys()
