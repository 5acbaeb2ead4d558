"""The studio's forms for the parts of a deck inside its items, and the rule editor's changes
in place, through a real server as the studio page uses them: a role's ability and objective
key by key, a reflection question, how the table wins and an objective's condition, and a
rule changed where it stands. Each good edit is checked where a facilitator sees it (the YAML
text, the deck check); each bad one is refused with what was wrong, in the deck check's own
words where it is about the deck."""

from __future__ import annotations

import pytest
from realserver import ServerProcess
from test_studio_api import Facilitator, files_of, fork, people_at
from test_studio_forms_api import check, edit, edited, lines_around

from game.decks.settings import PHASES


@pytest.fixture
def people(server: ServerProcess) -> dict[str, Facilitator]:
    return people_at(server)


def test_a_roles_ability_and_objective_and_a_reflection_question(people):
    """A role's ability and objective are parts: each key inside is set on its own line, the
    rest of the part as it was (its effects, its condition); a mistake the deck check finds
    is reported on that key's line. A reflection question is added with its wrong answers."""
    ana = people["owner"]
    deck = fork(ana)
    files = files_of(ana, deck["id"])
    got = ana.get("/api/studio/forms").json()["sections"]
    ability = next(f for f in got["roles"] if f["key"] == "ability")
    assert [(p["key"], p["kind"]) for p in ability["parts"]] == [
        ("name", "name"), ("text", "text"), ("phase", "choice"), ("effects", "effects")]
    phases = [c["value"] for c in ability["parts"][2]["choices"]]
    assert phases == list(PHASES)  # the phases the loader allows, and no others
    wrong = next(f for f in got["reflection"] if f["key"] == "wrong")
    assert (wrong["kind"], wrong["low"], wrong["high"], wrong["limit"]) == ("texts", 2, 3, 160)
    item = next(i for i in check(ana, files)["items"]["roles"] if i["id"] == "project-leader")
    assert item["values"]["ability"]["name"] == "Make the call"
    assert item["lines"]["ability.phase"] == item["lines"]["ability"] + 3

    role = {"op": "set", "section": "roles", "id": "project-leader"}
    after = edited(ana, files, {**role, "field": "ability", "key": "name", "value": "Decide"},
                   {**role, "field": "ability", "key": "phase", "value": None},
                   {**role, "field": "objective", "key": "text",
                    "value": "End the game with delivery at 12 or more."})
    assert lines_around(after["roles.yaml"], "id: project-leader", after=11) == [
        "  - id: project-leader", "    name: Project leader",
        "    description: Answers for the project landing on time, and holds the team "
        "together.",
        "    ability:", '      name: "Decide"',
        "      text: This round, one more proposal than usual may be adopted.",
        "      effects:", "        - adopt_limit: {change: 1}",
        "    objective:", '      text: "End the game with delivery at 12 or more."',
        "      condition:", "        track: {delivery: {at_least: 11}}"]
    assert check(ana, after)["valid"]
    # A phase set again goes in after the part's last key; a bad one is refused.
    again = edited(ana, after, {**role, "field": "ability", "key": "phase", "value": "vote"})
    assert '      phase: "vote"' in lines_around(again["roles.yaml"], "id: project-leader",
                                                after=9)
    for change, message in (
            ({"key": "phase", "value": "lunch"},
             "'phase' (When it may be used (not set: any time)) must be one of: proposal, "
             "discussion, vote"),
            ({"key": "name", "value": None},
             "'ability.name' (Name of the ability) must be there: give it a value"),
            ({"key": "effects", "value": []}, "'ability' of roles has no 'effects' a form may "
             "change; it has: name, text, phase")):
        refused = edit(ana, files, {**role, "field": "ability", **change})
        assert refused.status_code == 400 and refused.json()["error"]["message"] == message
    # A role with no ability yet gets one written one key a line; the deck check says what
    # it lacks, and the rule editor adds its effects to it, as docs/studio.md says.
    lines = files["roles.yaml"].split("\n")
    at = lines.index("    ability:")  # project-leader's, the first role
    bare = {**files, "roles.yaml": "\n".join(lines[:at] + lines[at + 6:])}
    assert check(ana, bare)["valid"]
    new = edited(ana, bare, {**role, "field": "ability", "key": "name", "value": "Decide"},
                 {**role, "field": "ability", "key": "text", "value": "You decide."})
    assert lines_around(new["roles.yaml"], "id: project-leader", after=9)[-3:] == [
        "    ability:", '      name: "Decide"', '      text: "You decide."']
    problems = check(ana, new)["problems"]
    assert [p["message"] for p in problems] == ["role 'project-leader' ability: missing 'effects'"]
    done = edited(ana, new, {"op": "append", "section": "roles", "id": "project-leader",
                             "field": "ability.effects", "item": {"draw": 1}})
    assert lines_around(done["roles.yaml"], "id: project-leader", after=11)[-5:] == [
        "    ability:", '      name: "Decide"', '      text: "You decide."',
        "      effects:", "        - draw: 1"]
    assert check(ana, done)["valid"]
    # A `{` in a comment on the part's line is no part written on one line: one key changes.
    commented = {**files, "roles.yaml": files["roles.yaml"].replace(
        "    ability:\n", "    ability:  # once a game {see decks.md}\n      # the call\n", 1)}
    named = edited(ana, commented, {**role, "field": "ability", "key": "name", "value": "Go"})
    assert named["roles.yaml"] == commented["roles.yaml"].replace(
        "      name: Make the call", '      name: "Go"', 1)

    question = {"op": "add", "section": "reflection", "item": {
        "id": "whose-rules", "question": "Who should set the rules for the readings?",
        "right": "The residents they are about", "why": "Setting the rules is governing.",
        "wrong": ["The vendor", "Nobody"]}}
    added = edited(ana, files, question)
    assert added["reflection.yaml"].endswith(
        '  - id: whose-rules\n    question: "Who should set the rules for the readings?"\n'
        '    right: "The residents they are about"\n    why: "Setting the rules is governing."\n'
        '    wrong: ["The vendor", "Nobody"]\n')
    assert check(ana, added)["valid"]
    one = {**question, "item": {**question["item"], "wrong": ["The vendor"]}}
    refused = edit(ana, files, one)
    assert refused.json()["error"]["message"] == (
        "'wrong' (Wrong answers (two or three)) must be 2 to 3 lines of text, each at most 160 "
        "characters")
    twice = {**question, "item": {**question["item"], "wrong": ["The vendor", "The vendor"]}}
    said = check(ana, edited(ana, files, twice))
    assert [p["message"] for p in said["problems"]] == [
        "reflection question 'whose-rules': the answer 'The vendor' is given twice: every "
        "answer must differ, or the question has no one right answer"]


def test_how_the_table_wins_and_an_objective_through_the_rule_editor(people):
    """A win or an objective's condition is one condition, sent as the YAML writes it and in
    words; the editor writes it in place of the one there, on one line, if the deck check
    finds nothing wrong on that line."""
    ana = people["owner"]
    deck = fork(ana)
    files = files_of(ana, deck["id"])
    forms = ana.get("/api/studio/forms").json()["vocabulary"]
    assert {(t["section"], t["field"]) for t in forms["condition_targets"]} == {
        ("settings", "win"), ("scenarios", "win"), ("roles", "objective")}
    got = check(ana, files)["conditions"]
    assert got["roles"]["project-leader"] == {
        "value": {"track": {"delivery": {"at_least": 11}}},
        "words": "Delivery is at least 11"}
    win = {"all": [{"track": {"trust": {"at_least": 9}}}, {"total": {"at_least": 30}}]}
    said = ana.post("/api/studio/rule", {"files": files, "section": "settings", "id": "",
                                         "field": "win", "item": win}).json()
    assert said["problems"] == [] and said["words"] == (
        "Trust is at least 9 and the weighted total is at least 30")
    after = edited(ana, files, {"op": "condition", "section": "settings", "field": "win",
                                "value": win},
                   {"op": "condition", "section": "roles", "id": "project-leader",
                    "field": "objective", "value": {"track": {"delivery": {"at_least": 12}}}})
    written = "\n".join(after.values())
    assert "  win: {all: [{track: {trust: {at_least: 9}}}, {total: {at_least: 30}}]}" in written
    assert lines_around(after["roles.yaml"], "id: project-leader", after=11)[-3:] == [
        "    objective:", "      text: End the game with delivery at 11 or more.",
        "      condition: {track: {delivery: {at_least: 12}}}"]
    answer = check(ana, after)
    assert answer["valid"], answer["problems"]
    assert answer["conditions"]["settings"][""]["words"] == said["words"]
    # A word not allowed once, at the end of the game: the deck check's own words, and
    # nothing is written.
    bad = {"tag": "oversight"}
    said = ana.post("/api/studio/rule", {"files": files, "section": "scenarios",
                                         "id": "council-chatbot", "field": "win",
                                         "item": bad}).json()
    assert len(said["problems"]) == 1 and said["words"] is None
    refused = edit(ana, files, {"op": "condition", "section": "scenarios",
                                "id": "council-chatbot", "field": "win", "value": bad})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == said["problems"][0]["message"]
    refused = edit(ana, files, {"op": "condition", "section": "roles", "id": "project-leader",
                                "field": "objective", "value": None})
    assert refused.json()["error"]["message"] == (
        "'objective.condition' (Condition (met at the end of the game)) must be there: give "
        "it a value")
    # A win taken out: the deck's default way to win again.
    gone = edited(ana, after, {"op": "condition", "section": "settings", "field": "win",
                               "value": None})
    assert "  win:" not in "\n".join(gone.values())


def test_a_rule_changed_in_its_place(people):
    """The check sends each rule as the YAML writes it (for the editor to open); a rule sent
    back with an index takes the place of that one: the rules before and after it, and the
    comments, stay where they were."""
    ana = people["owner"]
    deck = fork(ana)
    files = files_of(ana, deck["id"])
    files["stages.yaml"] = files["stages.yaml"].replace(
        "      - why: Lowering the barriers", "      # kept\n      - why: Lowering the barriers")
    answer = check(ana, files)
    opened = answer["entries"]["stages"]["data-collection"]
    assert opened[1] == {"why": "Collecting data about a community with no one from it in the "
                                "room costs trust.", "per": "round",
                         "if": {"none_reaches": "affected-communities"},
                         "then": {"add": {"trust": -2}}}
    # Written back in the order the editor builds a rule (the JSON's keys come sorted).
    was = {k: opened[1][k] for k in ("why", "per", "if", "then")}
    changed = {**was, "if": {"none_reaches": "technologists"}, "then": {"add": {"trust": -3}}}
    where = {"section": "stages", "id": "data-collection", "field": "rules"}
    said = ana.post("/api/studio/rule", {"files": files, **where, "index": 1,
                                         "item": changed}).json()
    assert said["problems"] == [] and said["words"] == (
        "-3 trust for this round when nothing adopted this round reaches Technologists")
    after = edited(ana, files, {"op": "replace", **where, "index": 1, "item": changed})
    assert lines_around(after["stages.yaml"], "id: data-collection", after=16)[6:] == [
        "      - why: Every piece of agreed work moves the project on.",
        "        then: {add: {delivery: 1}}",
        '      - why: "Collecting data about a community with no one from it in the room '
        'costs trust."',
        "        per: round",
        "        if: {none_reaches: technologists}",
        "        then: {add: {trust: -3}}",
        "      # kept",
        "      - why: Lowering the barriers for the people the data is about makes collection "
        "fairer.",
        "        if: {all: [{tag: inclusive}, {reaches_affected: true}]}",
        "        then: {add: {trust: 1, collective: 1}}",
        ""]
    rules = check(ana, after)["rules"]["stages"]["data-collection"]["rules"]
    assert len(rules) == 3 and "Technologists" in rules[1]
    # Back as it was: the file is as it was, but for the quotes the editor puts round text.
    back = edited(ana, after, {"op": "replace", **where, "index": 1, "item": was})
    assert back["stages.yaml"] == files["stages.yaml"].replace(
        f"why: {was['why']}", f'why: "{was["why"]}"')
    assert check(ana, back)["rules"] == answer["rules"]
    # A rule the deck check refuses is not written, with the check's own words.
    bad = {"if": {"tag": "no-such-tag"}, "then": {"add": {"trust": 1}}}
    said = ana.post("/api/studio/rule", {"files": files, **where, "index": 0,
                                         "item": bad}).json()
    assert [p["message"] for p in said["problems"]] == [
        "stage 'data-collection' rule 1: unknown tag 'no-such-tag' in 'tag'"]
    refused = edit(ana, files, {"op": "replace", **where, "index": 0, "item": bad})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == said["problems"][0]["message"]
    for index, message in ((3, "'data-collection' has 3 rules: say which, from 0"),
                           (True, "'data-collection' has 3 rules: say which, from 0")):
        refused = edit(ana, files, {"op": "replace", **where, "index": index,
                                    "item": opened[0]})
        assert refused.status_code == 400 and refused.json()["error"]["message"] == message
    refused = edit(ana, files, {"op": "replace", "section": "events", "id": "keeping-control",
                                "field": "effects", "index": 0, "item": {"draw": 1}})
    assert refused.status_code == 400
    assert "are changed in the YAML view" in refused.json()["error"]["message"]
    refused = edit(ana, files, {"op": "replace", "section": "roles", "id": "project-leader",
                                "field": "ability.effects", "index": 0, "item": {"draw": 1}})
    assert refused.status_code == 400 and refused.json()["error"]["message"] == (
        "effects, an event's or an ability's, are changed in the YAML view; rules in their "
        "place")


def test_an_effect_added_to_a_roles_ability(people):
    """A role's ability's effects are a list the rule editor adds to, inside the ability."""
    ana = people["owner"]
    deck = fork(ana)
    files = files_of(ana, deck["id"])
    where = {"section": "roles", "id": "project-leader", "field": "ability.effects"}
    said = ana.post("/api/studio/rule", {"files": files, **where,
                                         "item": {"redraw_event": True}}).json()
    assert said["problems"] == [] and said["words"] == "redraw event"
    after = edited(ana, files, {"op": "append", **where, "item": {"redraw_event": True}})
    assert lines_around(after["roles.yaml"], "id: project-leader", after=10)[-4:] == [
        "      effects:", "        - adopt_limit: {change: 1}", "        - redraw_event: true",
        "    objective:"]
    answer = check(ana, after)
    assert answer["valid"], answer["problems"]
    assert answer["rules"]["roles"]["project-leader"]["ability.effects"] == [
        "adopt limit +1", "redraw event"]
    # Words the deck check refuses are its own; a role with no ability is told what to do.
    said = ana.post("/api/studio/rule", {"files": files, **where,
                                         "item": {"add": {"nothing-here": 1}}}).json()
    assert len(said["problems"]) == 1 and "nothing-here" in said["problems"][0]["message"]
    lines = files["roles.yaml"].split("\n")
    at = lines.index("    ability:")
    bare = {**files, "roles.yaml": "\n".join(lines[:at] + lines[at + 6:])}
    refused = edit(ana, bare, {"op": "append", **where, "item": {"draw": 1}})
    assert refused.status_code == 400 and refused.json()["error"]["message"] == (
        "'project-leader' has no 'ability' written one key a line: give it its name and text "
        "in the form first, or add to it in the YAML view")


def test_a_rule_changed_in_the_yaml_after_it_was_opened_is_not_overwritten(people):
    """The rule editor saves a rule back by its place, saying what it opened (`was`). If the
    YAML changed meanwhile (a rule above it deleted), that place holds another rule: saving
    is refused with what to do, and nothing is written; with the YAML unchanged it saves."""
    ana = people["owner"]
    files = files_of(ana, fork(ana)["id"])
    where = {"section": "stages", "id": "data-collection", "field": "rules"}
    opened = check(ana, files)["entries"]["stages"]["data-collection"]
    changed = {**opened[1], "then": {"add": {"trust": -3}}}
    first = lines_around(files["stages.yaml"], "      - why: Every piece of agreed work",
                         after=1)
    assert first[1] == "        then: {add: {delivery: 1}}"
    shorter = {**files, "stages.yaml": files["stages.yaml"].replace("\n".join(first) + "\n", "")}
    assert check(ana, shorter)["entries"]["stages"]["data-collection"] == opened[1:]
    refused = edit(ana, shorter, {"op": "replace", **where, "index": 1, "was": opened[1],
                                  "item": changed})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        "rule 2 of 'data-collection' has changed in the YAML since you opened it: "
        "open it again from the list")
    saved = edited(ana, files, {"op": "replace", **where, "index": 1, "was": opened[1],
                                "item": changed})
    assert check(ana, saved)["entries"]["stages"]["data-collection"][1]["then"] == \
        {"add": {"trust": -3}}
