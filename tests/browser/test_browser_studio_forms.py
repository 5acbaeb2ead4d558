"""The studio's forms for every part of a deck and its rule editor, used with the keyboard
alone on a phone-sized page: change a criterion's definition, break a track with the form
(the deck check's message shows beside the field) and undo it, build a stage's scoring rule
word by word (shown in plain words before it is added), see both in the YAML view, save them
as a revision, and delete the deck. Axe on the page with the forms drawn."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from browser_helpers import PHONE, ROOT, axe, fork_shipped, new_page, no_trouble, shot, sign_up
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser


def press_on(page: Page, locator, key: str = "Enter") -> None:
    """Move the keyboard's focus to `locator` and press `key` there."""
    locator.focus()
    page.keyboard.press(key)


def forked_on_a_phone(browser, server, who: str) -> Page:
    """A new facilitator's phone in the studio, their copy of the shipped deck open."""
    page = new_page(browser, PHONE)
    sign_up(page, server.url, f"{who}{os.urandom(3).hex()}")
    fork_shipped(page, server.url)
    return page


def data_collection_rules(page: Page) -> Locator:
    """The rule editor, its place picker moved by keyboard from the planning stage (the first
    place) to the data collection stage's rules, as a facilitator moves it."""
    rules = page.locator("#rule-form")
    where = rules.get_by_label("Where it goes")
    where.focus()
    page.keyboard.press("ArrowDown")
    expect(where).to_have_value("stages|data-collection|rules")
    return rules


def test_a_check_landing_while_typing_keeps_what_is_typed(browser, server):
    """The check of one Apply may land after the facilitator has moved on, selected the next
    field's text and begun to replace it: what they type replaces the selection, as it would
    with no check at all. The check is held back here until the text is selected."""
    page = forked_on_a_phone(browser, server, "race")
    form = page.locator("#part-form")
    section = form.get_by_label("Section", exact=True)
    section.select_option("tracks")
    expect(form.get_by_label("Which one", exact=True)).to_have_value("budget")
    held = []

    def hold(route) -> None:
        held.append(route)

    page.route("**/api/studio/check", hold)
    form.get_by_label("Name (required)", exact=True).fill("Money")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(page.locator("#yaml")).to_have_value(re.compile(r'name: "Money"'))
    start = form.get_by_label("Starts at (required)", exact=True)
    start.focus()
    page.keyboard.press("Control+A")
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/api/studio/check", hold)
    # The check has landed: the picker names the track as the YAML now does.
    expect(form.get_by_label("Which one", exact=True).locator("option:checked")).to_have_text(
        "Money (budget)")
    expect(page.locator("#announce")).to_have_text("Tracks: changed in the YAML")
    page.keyboard.type("21")
    expect(start).to_have_value("21")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(page.locator("#yaml")).to_have_value(re.compile(r"\n    start: 21\n"))
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.")
    expect(page.locator("#part-error")).to_have_text("")
    no_trouble(page)


def test_edit_a_definition_and_add_a_stage_rule_with_the_keyboard(browser, server):
    page = forked_on_a_phone(browser, server, "forms")
    status = page.locator("#check-status")

    # A criterion's definition: the form opens on the first criterion; Tab leads to Apply.
    form = page.locator("#part-form")
    expect(form.get_by_label("Section", exact=True)).to_have_value("criteria")
    expect(form.get_by_label("Which one", exact=True)).to_have_value("collective")
    definition = form.get_by_label("Definition (players read it wherever the score shows)")
    expect(definition).to_have_value(re.compile("^Treats data as something"))
    definition.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Decided by the community the data is about, together.")
    for _ in range(3):  # the question, the example, then Apply
        page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Apply")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#announce")).to_have_text("Criteria: changed in the YAML")
    press_on(page, page.get_by_role("tab", name="deck.yaml"))
    expect(page.locator("#yaml")).to_have_value(re.compile(
        r'\n  - id: collective\n    name: Collective\n'
        r'    description: "Decided by the community the data is about, together."\n'))
    expect(status).to_have_text("No problems: the deck is ready to save.")
    # An example emptied is taken out of the YAML.
    form.get_by_label("Example of a plan that meets it", exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#yaml")).to_have_value(re.compile(
        r'    description: "Decided by the community the data is about, together."\n'
        r'    question: "Does the plan treat[^\n]*\n  - id: democratic\n'))

    # A track started above its highest: the check's message is beside the field; undo.
    section = form.get_by_label("Section", exact=True)
    section.focus()
    page.keyboard.type("Tracks")
    expect(section).to_have_value("tracks")
    expect(form.get_by_label("Which one", exact=True)).to_have_value("budget")
    start = form.get_by_label("Starts at (required)", exact=True)
    start.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("999")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(page.locator("#part-error")).to_have_text("")
    expect(status).to_contain_text("1 problem")
    expect(page.locator("#part-start-problem")).to_contain_text(
        "track 'budget': 'start' (999) must be between min")
    expect(start).to_have_attribute("aria-describedby", "part-start-problem")
    page.keyboard.press("Control+Z")
    expect(status).to_have_text("No problems: the deck is ready to save.")
    expect(page.locator("#part-start-problem")).to_have_text("")
    # Emptied, a field the deck needs is refused by the server, which says so beside it.
    start.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(page.locator("#part-start-problem")).to_have_text(
        "'start' (Starts at) must be there: give it a value")
    expect(page.locator("#part-error")).to_have_text(
        "Nothing was changed: see the message beside the field.")
    expect(start).to_be_focused()
    expect(status).to_have_text("No problems: the deck is ready to save.")
    page.keyboard.type("5")

    # A stage's scoring rule, word by word.
    rules = data_collection_rules(page)
    expect(rules.locator("#rule-list")).to_contain_text("Every piece of agreed work")
    for _ in range(rules.locator("#rule-list li").count()):  # past each rule's two buttons
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    counted = rules.get_by_label("Counted", exact=True)
    expect(counted).to_be_focused()
    # Once a round, there is no one intervention to look at: no word about one is offered.
    page.keyboard.press("ArrowDown")
    expect(counted).to_have_value("round")
    page.keyboard.press("Tab")
    expect(rules.get_by_role("button", name="Add a condition")).to_be_focused()
    page.keyboard.press("Enter")
    word = rules.get_by_label("Condition", exact=True)
    expect(word).to_be_focused()
    offered = [o.split(":")[0] for o in word.locator("option").all_text_contents()]
    assert "any_tag" in offered and "tag" not in offered and "rating" not in offered
    # Nor an amount from an adopted card's stars; the amount's bounds are the ones sent.
    expect(rules.get_by_label("How much is added", exact=True)).to_have_count(0)
    sent = page.request.get(server.url + "/api/studio/forms").json()["vocabulary"]
    add = next(w for w in sent["effects"] if w["word"] == "add")
    amount = rules.get_by_label("How much (a negative number takes away)", exact=True)
    expect(amount).to_have_attribute("min", str(add["low"]))
    expect(amount).to_have_attribute("max", str(add["high"]))
    counted.focus()
    page.keyboard.press("ArrowUp")  # per adopted intervention again: the conditions start over
    expect(counted).to_have_value("adopted")
    expect(word).to_have_count(0)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(word).to_be_focused()
    offered = word.locator("option").all_text_contents()
    assert offered[0] == "tag: it has the … tag" and "rating: its … rating is …" in offered
    page.keyboard.press("Tab")
    which = rules.get_by_label("Which tag", exact=True)
    expect(which).to_be_focused()
    page.keyboard.type("Oversight")
    expect(which).to_have_value("oversight")
    adds_to = rules.get_by_label("Add to", exact=True)
    adds_to.focus()
    page.keyboard.type("Trust")
    expect(adds_to).to_have_value("trust")
    effect = rules.get_by_label("Effect", exact=True)
    # a rule adds, or changes the next round's costs: none of the events' other effects
    assert effect.locator("option").all_text_contents() == ["add: +1 …", "cost: costs -1"]
    rules.get_by_label(re.compile("^Why")).focus()
    page.keyboard.type("Someone watching over the collection earns trust.")
    expect(rules.locator("#rule-words")).to_have_text(
        "In plain words: +1 trust for each adopted intervention when it has the Oversight tag.")
    expect(rules.locator("#rule-problems li")).to_have_count(0)
    # Per adopted intervention, the amount may be the card's stars instead; back to 1 after.
    how = rules.get_by_label("How much is added", exact=True)
    how.focus()
    page.keyboard.press("ArrowDown")
    rules.get_by_label("Stars on", exact=True).focus()
    page.keyboard.type("Powerful")
    expect(rules.locator("#rule-words")).to_have_text(
        "In plain words: 1 per powerful star trust for each adopted intervention when it has "
        "the Oversight tag.")
    how.focus()
    page.keyboard.press("ArrowUp")
    expect(rules.locator("#rule-words")).to_have_text(
        "In plain words: +1 trust for each adopted intervention when it has the Oversight tag.")
    rules.get_by_label(re.compile("^Why")).focus()
    axe(page, "studio-forms-360")
    shot(page, "studio-rule-editor-360")
    page.keyboard.press("Tab")
    expect(rules.get_by_role("button", name="Add it to the deck")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#announce")).to_have_text("Rule added to the YAML")
    expect(status).to_have_text("No problems: the deck is ready to save.")
    expect(rules.locator("#rule-list")).to_contain_text(
        "Someone watching over the collection earns trust. (+1 trust for each adopted "
        "intervention when it has the Oversight tag)")
    press_on(page, page.get_by_role("tab", name="stages.yaml"))
    expect(page.locator("#yaml")).to_have_value(re.compile(
        r'\n      - why: "Someone watching over the collection earns trust."\n'
        r"        if: \{tag: oversight\}\n        then: \{add: \{trust: 1\}\}\n"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Removed from the list, and back with undo.
    count = rules.locator("#rule-list li").count()
    press_on(page, rules.get_by_role("button", name=f"Remove rule {count}"))
    expect(page.locator("#announce")).to_have_text("Rule removed from the YAML")
    expect(rules.locator("#rule-list li")).to_have_count(count - 1)
    assert "Someone watching over" not in page.locator("#yaml").input_value()
    page.keyboard.press("Control+Z")
    expect(rules.locator("#rule-list li")).to_have_count(count)
    expect(page.locator("#yaml")).to_have_value(re.compile("Someone watching over"))

    # Saved as a revision, with the keyboard.
    page.get_by_label("What changed").focus()
    page.keyboard.type("a new definition and a rule for oversight")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save as a new revision")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_have_text("Saved as revision 2.")
    press_on(page, page.get_by_role("button", name="Compare with revision 1"))
    expect(page.locator("#compare")).to_contain_text("stages 'data-collection': changed (rules)")
    expect(page.locator("#compare")).to_contain_text("criteria 'collective': changed")

    # Deleting asks for the deck id first.
    press_on(page, page.get_by_role("button", name="Delete this deck"))
    expect(page.locator("#delete-status")).to_have_text(
        "Not deleted: to delete the deck, type its deck id 'good-governance' to confirm.")
    expect(page.get_by_label("To confirm, type the deck id")).to_be_focused()
    page.keyboard.type("good-governance")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(server.url + "/studio")
    expect(page.get_by_text("You have no decks yet.")).to_be_visible()
    no_trouble(page)


def validate_says(tmp_path, stages_yaml: str) -> list[str]:
    """What `python -m game validate` says of the shipped deck with this stages.yaml."""
    folder = tmp_path / "good-governance"
    shutil.copytree(ROOT / "cards" / "good-governance", folder)
    (folder / "stages.yaml").write_text(stages_yaml)
    done = subprocess.run([sys.executable, "-m", "game", "validate", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    return [line.split(": ", 1)[1] for line in (done.stdout + done.stderr).splitlines()
            if line.startswith(str(folder / "stages.yaml") + ":")]


def test_change_a_rule_in_its_place_with_the_keyboard(browser, server, tmp_path):
    """A stage's rule opened in the rule editor, changed (a mistake on the way shows the same
    message as `python -m game validate`) and saved back in its place; undo; a rule the
    controls cannot show is left to the YAML view, saying so."""
    page = forked_on_a_phone(browser, server, "change")
    rules = data_collection_rules(page)
    where = rules.get_by_label("Where it goes")
    listed = rules.locator("#rule-list li")
    expect(listed).to_have_count(3)
    before = listed.all_text_contents()

    press_on(page, rules.get_by_role("button", name="Change rule 2"))
    expect(rules.locator("#rule-mode")).to_have_text(
        "Changing rule 2: save it back in its place, or stop.")
    counted = rules.get_by_label("Counted", exact=True)
    expect(counted).to_be_focused()
    expect(counted).to_have_value("round")
    why = rules.get_by_label(re.compile("^Why"))
    expect(why).to_have_value(
        "Collecting data about a community with no one from it in the room costs trust.")
    expect(rules.get_by_label("Condition", exact=True)).to_have_value("none_reaches")
    group = rules.get_by_label("Which group", exact=True)
    expect(group).to_have_value("affected-communities")
    expect(rules.get_by_label("Add to", exact=True)).to_have_value("trust")
    amount = rules.get_by_label("How much (a negative number takes away)", exact=True)
    expect(amount).to_have_value("-2")
    words = rules.locator("#rule-words")
    expect(words).to_have_text("In plain words: -2 trust for this round when nothing adopted "
                               "this round reaches Affected communities.")

    group.focus()
    page.keyboard.type("Tech")
    expect(group).to_have_value("technologists")
    amount.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("-60")
    press_on(page, page.get_by_role("tab", name="stages.yaml"))
    stages = page.locator("#yaml").input_value()
    expected = validate_says(tmp_path, stages.replace(
        "        if: {none_reaches: affected-communities}\n        then: {add: {trust: -2}}",
        "        if: {none_reaches: technologists}\n        then: {add: {trust: -60}}"))
    assert len(expected) == 1 and "-60" in expected[0], expected
    expect(rules.locator("#rule-problems li")).to_have_text(expected)
    amount.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("-3")
    expect(words).to_have_text("In plain words: -3 trust for this round when nothing adopted "
                               "this round reaches Technologists.")
    expect(rules.locator("#rule-problems li")).to_have_count(0)
    # And the next round's costs go up by one, as well.
    press_on(page, rules.get_by_role("button", name="Add to something else too"))
    effects = rules.get_by_label("Effect", exact=True)
    expect(effects.nth(1)).to_be_focused()
    page.keyboard.type("cost")
    expect(effects.nth(1)).to_have_value("cost")
    change = rules.get_by_label("Change to each intervention's cost", exact=True)
    change.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    expect(words).to_contain_text("-3 trust")
    expect(words).to_contain_text("cost")
    said = words.text_content()
    why.focus()
    page.keyboard.press("Tab")
    expect(rules.get_by_role("button", name="Save rule 2")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#announce")).to_have_text("Rule 2 changed in the YAML")
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.")
    expect(listed).to_have_count(3)
    assert said.startswith("In plain words: ")
    expect(listed.nth(1)).to_contain_text(f"({said.removeprefix('In plain words: ')[:-1]})")
    assert [listed.nth(0).text_content(), listed.nth(2).text_content()] == [before[0], before[2]]
    expect(rules.get_by_role("button", name="Add it to the deck")).to_be_visible()
    expect(rules.locator("#rule-mode")).to_have_text("")
    expect(where).to_be_focused()
    expect(page.locator("#yaml")).to_have_value(re.compile(
        r"moves the project on\.\n        then: \{add: \{delivery: 1\}\}\n"
        r'      - why: "Collecting data about a community with no one from it in the room '
        r'costs trust\."\n        per: round\n        if: \{none_reaches: technologists\}\n'
        r"        then: \{add: \{trust: -3\}, cost: \{change: 1\}\}\n"
        r"      - why: Lowering the barriers"))
    # Opened again, it shows both effects as written.
    press_on(page, rules.get_by_role("button", name="Change rule 2"))
    assert [e.input_value() for e in effects.all()] == ["add", "cost"]
    expect(change).to_have_value("1")
    press_on(page, rules.get_by_role("button", name="Stop changing rule 2"))
    page.keyboard.press("Control+Z")
    expect(listed.nth(1)).to_contain_text("reaches Affected communities")

    # Opened, and left without saving: the editor is empty again.
    press_on(page, rules.get_by_role("button", name="Change rule 3"))
    expect(rules.get_by_label("Add to", exact=True)).to_have_count(2)
    conditions = rules.get_by_label("Condition", exact=True)  # all, and the two inside it
    expect(conditions).to_have_count(3)
    assert [c.input_value() for c in conditions.all()] == ["all", "tag", "reaches_affected"]
    axe(page, "studio-rule-change-360")
    shot(page, "studio-rule-change-360")
    press_on(page, rules.get_by_role("button", name="Stop changing rule 3"))
    expect(where).to_be_focused()
    expect(rules.get_by_label("Condition", exact=True)).to_have_count(0)
    expect(rules.get_by_role("button", name="Add it to the deck")).to_be_visible()

    # Two comparisons in one: the controls hold one, so the YAML view is the place.
    yaml = page.locator("#yaml")
    yaml.fill(yaml.input_value().replace("if: {none_reaches: affected-communities}",
                                         "if: {track: {trust: {at_least: 2, at_most: 9}}}"))
    expect(listed.nth(1)).to_contain_text("at least 2")
    press_on(page, rules.get_by_role("button", name="Change rule 2"))
    expect(rules.locator("#rule-error")).to_have_text(
        "Rule 2 is written in a way this editor cannot show (a comparison): change it in the "
        "YAML view.")
    expect(rules.get_by_role("button", name="Add it to the deck")).to_be_visible()
    no_trouble(page)


def test_a_roles_ability_and_objective_and_a_reflection_question(browser, server):
    """A role's ability and objective in the part form, key by key, with the keyboard; then a
    reflection question added, its mistakes shown beside its wrong answers."""
    page = forked_on_a_phone(browser, server, "roles")
    form = page.locator("#part-form")
    yaml = page.locator("#yaml")
    section = form.get_by_label("Section", exact=True)
    section.focus()
    page.keyboard.type("Roles")
    expect(section).to_have_value("roles")
    expect(form.get_by_label("Which one", exact=True)).to_have_value("project-leader")
    ability = form.get_by_role("group", name="Ability (used once a game)")
    name = ability.get_by_label("Name of the ability (required)", exact=True)
    expect(name).to_have_value("Make the call")
    phase = ability.get_by_label("When it may be used (not set: any time)", exact=True)
    expect(phase).to_have_value("vote")
    expect(ability).to_contain_text("Effects: with the rule editor below.")
    name.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Decide now")
    phase.focus()
    for _ in range(3):
        page.keyboard.press("ArrowUp")
    expect(phase).to_have_value("")
    objective = form.get_by_role("group", name="Secret objective")
    goal = objective.get_by_label("The objective, as its player reads it (required)", exact=True)
    expect(goal).to_have_value("End the game with delivery at 11 or more.")
    expect(objective).to_contain_text(
        "Condition (met at the end of the game): with the rule editor below.")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(page.locator("#announce")).to_have_text("Roles: changed in the YAML")
    press_on(page, page.get_by_role("tab", name="roles.yaml"))
    expect(yaml).to_have_value(re.compile(
        r'    ability:\n      name: "Decide now"\n      text: This round, one more proposal '
        r"than usual may be adopted\.\n      effects:\n        - adopt_limit: \{change: 1\}\n"
        r"    objective:\n"))
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.")
    # The objective's text emptied: refused beside it, which is focused.
    goal.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(form.locator("#part-objective-text-problem")).to_have_text(
        "'objective.text' (The objective, as its player reads it) must be there: give it a "
        "value")
    expect(goal).to_be_focused()
    page.keyboard.type("End with delivery at 12.")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(yaml).to_have_value(re.compile(
        r'    objective:\n      text: "End with delivery at 12\."'))
    expect(form.locator("#part-objective-text-problem")).to_have_text("")  # fixed: gone
    expect(form.locator("#part-error")).to_have_text("")
    axe(page, "studio-role-form-360")

    # A reflection question of the deck's own.
    section.select_option("reflection")  # R is Roles first
    pick = form.get_by_label("Which one", exact=True)
    pick.focus()
    page.keyboard.type("A new")
    expect(pick).to_have_value("")
    form.get_by_label("Id of the new one").fill("whose-rules")
    form.get_by_label("Question (required)", exact=True).fill(
        "Who should set the rules for the street's readings?")
    form.get_by_label("The right answer (required)", exact=True).fill("The residents")
    form.get_by_label("Why the right answer is right (required)", exact=True).fill(
        "Setting the rules is governing the data.")
    wrong = form.get_by_role("group", name="Wrong answers (two or three) (required)")
    first = wrong.get_by_label("Answer 1", exact=True)
    first.fill("The vendor")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(form.locator("#part-wrong-problem")).to_have_text(
        "'wrong' (Wrong answers (two or three)) must be 2 to 3 lines of text, each at most 160 "
        "characters")
    expect(first).to_be_focused()
    wrong.get_by_label("Answer 2", exact=True).fill("The vendor")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(page.locator("#announce")).to_have_text("Reflection questions: changed in the YAML")
    expect(pick).to_have_value("whose-rules")
    # Two answers the same: written, and the deck check's message is beside them.
    expect(form.locator("#part-wrong-problem")).to_have_text(
        "reflection question 'whose-rules': the answer 'The vendor' is given twice: every "
        "answer must differ, or the question has no one right answer")
    expect(page.locator("#check-status")).to_contain_text("1 problem")
    # The forms wait for a deck without problems: fixed in the YAML view, the form follows.
    press_on(page, page.get_by_role("tab", name="reflection.yaml"))
    expect(yaml).to_have_value(re.compile(
        r'  - id: whose-rules\n'
        r'    question: "Who should set the rules for the street\'s readings\?"\n'
        r'    right: "The residents"\n    wrong: \["The vendor", "The vendor"\]\n    why: '))
    yaml.fill(yaml.input_value().replace('"The vendor", "The vendor"', '"The vendor", "Nobody"'))
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.")
    expect(form.locator("#part-wrong-problem")).to_have_text("")
    expect(wrong.get_by_label("Answer 2", exact=True)).to_have_value("Nobody")
    shot(page, "studio-reflection-form-360")
    no_trouble(page)


def test_how_the_table_wins_and_an_objective_with_the_rule_editor(browser, server):
    """The deck's win condition and a role's secret objective open in the rule editor's
    controls, are changed with the keyboard and written back on one line each."""
    page = forked_on_a_phone(browser, server, "wins")
    rules = page.locator("#rule-form")
    where = rules.get_by_label("Where it goes")
    where.select_option("settings||win")  # one letter does not pick it: S is a stage first
    expect(rules.locator("#rule-list")).to_contain_text("the weighted total is at least 150")
    expect(rules.get_by_label("Counted", exact=True)).to_be_hidden()
    conditions = rules.get_by_label("Condition", exact=True)
    expect(conditions).to_have_count(4)
    assert [c.input_value() for c in conditions.all()] == ["all", "track", "track", "total"]
    total = rules.get_by_label("It: number", exact=True)
    expect(total).to_have_value("150")
    total.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("140")
    words = rules.locator("#rule-words")
    expect(words).to_contain_text("the weighted total is at least 140")
    press_on(page, rules.get_by_role("button", name="Write the condition into the deck"))
    expect(page.locator("#announce")).to_have_text("Condition written into the YAML")
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.")
    expect(rules.locator("#rule-list")).to_contain_text("the weighted total is at least 140")
    press_on(page, page.get_by_role("tab", name="deck.yaml"))
    expect(page.locator("#yaml")).to_have_value(re.compile(
        r"\n  win: \{all: \[\{track: \{trust: \{at_least: 11\}\}\}, \{track: \{delivery: "
        r"\{at_least: 9\}\}\}, \{total: \{at_least: 140\}\}\]\}\n"))

    # A role's secret objective: only the words allowed at the end of a game are offered.
    where.select_option("roles|project-leader|objective")
    expect(rules.locator("#rule-list")).to_have_text("Delivery is at least 11")
    word = rules.get_by_label("Condition", exact=True)
    expect(word).to_have_value("track")
    offered = [o.split(":")[0] for o in word.locator("option").all_text_contents()]
    assert "tag" not in offered and "any_tag" not in offered and "total" in offered
    value = rules.get_by_label("Its value: number", exact=True)
    value.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    expect(words).to_have_text("In plain words: Delivery is at least 12.")
    axe(page, "studio-win-condition-360")
    press_on(page, rules.get_by_role("button", name="Write the condition into the deck"))
    expect(rules.locator("#rule-list")).to_have_text("Delivery is at least 12")  # checked
    press_on(page, page.get_by_role("tab", name="roles.yaml"))
    expect(page.locator("#yaml")).to_have_value(re.compile(
        r"      text: End the game with delivery at 11 or more\.\n"
        r"      condition: \{track: \{delivery: \{at_least: 12\}\}\}\n"))
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.")

    # An effect added to the same role's ability.
    where.select_option("roles|project-leader|ability.effects")
    expect(rules.locator("#rule-list")).to_have_text("adopt limit +1")
    effect = rules.get_by_label("Effect", exact=True)
    effect.focus()
    page.keyboard.type("d")  # the first effect with a d
    expect(effect).to_have_value("draw")
    expect(words).to_have_text("In plain words: draw 1.")
    press_on(page, rules.get_by_role("button", name="Add it to the deck"))
    expect(page.locator("#announce")).to_have_text("Effect added to the YAML")
    expect(page.locator("#yaml")).to_have_value(re.compile(
        r"      effects:\n        - adopt_limit: \{change: 1\}\n        - draw: 1\n    objective:"))
    expect(rules.locator("#rule-list li")).to_have_count(2)
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.")
    no_trouble(page)


def test_a_rule_moved_in_the_yaml_while_open_is_not_overwritten(browser, server):
    """Rule 2 opened, then rule 1 deleted in the YAML view: rule 2's place now holds what was
    rule 3. Saving says so and writes nothing, instead of replacing the wrong rule."""
    page = forked_on_a_phone(browser, server, "moved")
    rules = data_collection_rules(page)
    listed = rules.locator("#rule-list li")
    expect(listed).to_have_count(3)
    press_on(page, rules.get_by_role("button", name="Change rule 2"))
    expect(rules.locator("#rule-mode")).to_have_text(
        "Changing rule 2: save it back in its place, or stop.")

    press_on(page, page.get_by_role("tab", name="stages.yaml"))
    yaml = page.locator("#yaml")
    first = ("      - why: Every piece of agreed work moves the project on.\n"
             "        then: {add: {delivery: 1}}\n")
    shorter = yaml.input_value().replace(first, "")
    assert shorter != yaml.input_value()
    yaml.fill(shorter)
    expect(listed).to_have_count(2)
    press_on(page, rules.get_by_role("button", name="Save rule 2"))
    expect(rules.locator("#rule-error")).to_have_text(
        "rule 2 of 'data-collection' has changed in the YAML since you opened it: open it "
        "again from the list")
    expect(yaml).to_have_value(shorter)
    no_trouble(page)


def test_a_new_ability_and_objective_finished_with_the_form_and_the_rule_editor(browser,
                                                                                 server):
    """A role with no ability and no objective gets both from the part form (name and text),
    then the ability's effect and the objective's condition from the rule editor, which works
    while the deck still lacks them: no YAML typed, as docs/studio.md says."""
    page = forked_on_a_phone(browser, server, "newpart")
    yaml = page.locator("#yaml")
    status = page.locator("#check-status")
    press_on(page, page.get_by_role("tab", name="roles.yaml"))
    text = yaml.input_value()
    start = text.index("    ability:")  # project-leader's, the first role
    end = text.index("\n\n  - id: product-owner")
    yaml.fill(text[:start] + text[end + 1:])
    expect(status).to_have_text("No problems: the deck is ready to save.")

    form = page.locator("#part-form")
    section = form.get_by_label("Section", exact=True)
    section.select_option("roles")
    expect(form.get_by_label("Which one", exact=True)).to_have_value("project-leader")
    ability = form.get_by_role("group", name="Ability (used once a game)")
    ability.get_by_label("Name of the ability (required)", exact=True).fill("Decide")
    ability.get_by_label("What it does (required)", exact=True).fill("Draw a card.")
    objective = form.get_by_role("group", name="Secret objective")
    objective.get_by_label("The objective, as its player reads it (required)",
                           exact=True).fill("Deliver well.")
    press_on(page, form.get_by_role("button", name="Apply"))
    expect(page.locator("#announce")).to_have_text("Roles: changed in the YAML")
    # Missing: the ability's effects, the objective's condition (said twice).
    expect(status).to_contain_text("3 problems")

    rules = page.locator("#rule-form")
    where = rules.get_by_label("Where it goes")
    where.select_option("roles|project-leader|ability.effects")
    effect = rules.get_by_label("Effect", exact=True)
    expect(effect).to_be_enabled()
    effect.focus()
    page.keyboard.type("d")
    expect(effect).to_have_value("draw")
    press_on(page, rules.get_by_role("button", name="Add it to the deck"))
    expect(page.locator("#announce")).to_have_text("Effect added to the YAML")
    expect(status).to_contain_text("2 problems")

    where.select_option("roles|project-leader|objective")
    expect(rules.locator("#rule-list")).to_have_text("Not set.")
    press_on(page, rules.get_by_role("button", name="Add a condition", exact=True))
    word = rules.get_by_label("Condition", exact=True)
    word.select_option("track")
    value = rules.get_by_label("Its value: number", exact=True)
    value.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("9")
    press_on(page, rules.get_by_role("button", name="Write the condition into the deck"))
    expect(status).to_have_text("No problems: the deck is ready to save.")
    expect(yaml).to_have_value(re.compile(
        r'    ability:\n      name: "Decide"\n      text: "Draw a card\."\n'
        r"      effects:\n        - draw: 1\n    objective:\n      text: \"Deliver well\.\"\n"
        r"      condition: \{track: "))
    no_trouble(page)
