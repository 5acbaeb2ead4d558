"""What a learner on a phone needs to learn from the screen: each criterion's definition one
tap away wherever a rating or score shows, a "how scoring works" page, and a coach that
speaks in sentences first, with its ledger folded away."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
import yaml
from browser_helpers import (
    ARTIFACTS,
    PHONE,
    ROOT,
    axe,
    new_page,
    no_trouble,
    play_solo_round,
    propose_affordable,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ARTIFACTS_DIR = ARTIFACTS
DECK = yaml.safe_load((ROOT / "cards" / "good-governance" / "deck.yaml").read_text())
CRITERIA = {c["name"]: c for c in DECK["criteria"]}


def solo(base: str, browser_id: str) -> str:
    body = json.dumps({"deck": "good-governance", "scenario": "council-chatbot",
                       "browser_id": browser_id, "variant": "team",
                       "difficulty": "gentle"}).encode()
    req = urllib.request.Request(f"{base}/api/solo", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.load(res)["resume_url"]


def no_sideways_scroll(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{page.url} is {wide} px wide on a {PHONE['width']} px phone"


def definition_opens(page: Page, button, name: str) -> None:
    """One tap on `button` shows `name`'s definition from the deck; Escape closes it and the
    keyboard is back on the button."""
    button.click()
    dialog = page.get_by_role("dialog", name=name)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(CRITERIA[name]["description"])
    expect(dialog).to_contain_text(CRITERIA[name]["question"])
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()


def test_each_criterion_is_one_tap_from_cards_scores_and_results(browser, server):
    page = new_page(browser, PHONE)
    page.goto(solo(server.url, "teaching-test-0001"))
    hand = page.get_by_role("region", name=re.compile(r"^Your hand"))
    # On a closed card in the hand: the pip "Powe" names the whole criterion and the rating.
    pip = hand.get_by_role("button", name=re.compile(r"^Powerful \d of 5$")).first
    expect(pip).to_have_attribute("aria-haspopup", "dialog")
    definition_opens(page, pip, "Powerful")
    # The score panel: every criterion's name opens its definition.
    scores = page.get_by_role("region", name="How the plan scores")
    definition_opens(page, scores.get_by_role("button", name="Democratic", exact=True),
                     "Democratic")
    play_solo_round(page, 1)
    # The round's result: a criterion named in a score change opens its definition.
    act = page.get_by_role("region", name=re.compile("^Your move"))
    button = act.locator("button[data-criterion]").first
    name = button.inner_text().strip()
    definition_opens(page, button, name)
    no_sideways_scroll(page)
    axe(page, "teaching-definitions")
    no_trouble(page)


def test_how_scoring_works_is_linked_from_the_game_and_defines_every_criterion(browser, server):
    page = new_page(browser, PHONE)
    page.goto(solo(server.url, "teaching-test-0002"))
    link = page.get_by_role("link", name=re.compile("^How scoring works")).first
    expect(link).to_have_attribute("href", "/decks/good-governance/scoring")
    page.goto(f"{server.url}/decks/good-governance/scoring")
    expect(page.get_by_role("heading", name="How scoring works")).to_be_visible()
    for c in DECK["criteria"]:
        expect(page.get_by_text(c["description"], exact=True)).to_be_visible()
        expect(page.get_by_text(c["example"])).to_be_visible()
    # The weights the scenarios set show, so "x2" on the score panel can be looked up.
    expect(page.get_by_text(re.compile(r"Democratic ×2")).first).to_be_visible()
    no_sideways_scroll(page)
    axe(page, "scoring-page")
    no_trouble(page)


def test_the_coach_speaks_in_sentences_first_and_folds_its_ledger(browser, server):
    page = new_page(browser, PHONE)
    page.goto(solo(server.url, "teaching-test-0003"))
    play_solo_round(page, 1)
    coach = page.get_by_role("region", name=re.compile(r"^Coach: round 1"))
    # Plain sentences first: the plan, what it did most for, with the criterion's question.
    expect(coach.get_by_text(re.compile(r"^The table adopted "))).to_be_visible()
    expect(coach.get_by_text(re.compile(r"^It did most for "))).to_be_visible()
    expect(coach.get_by_text(re.compile(r"^Your proposal, "))).to_be_visible()
    expect(coach.get_by_role("heading", name="A better plan from cards you could see")) \
        .to_be_visible()
    assert not re.search(r"\bseat \d", coach.inner_text(), re.I), "names, never seat numbers"
    # The ledger is folded: one button, closed, and its reasons out of sight.
    ledger = coach.get_by_role("button", name="The full ledger: every point and its reason")
    expect(ledger).to_have_attribute("aria-expanded", "false")
    reasons = coach.get_by_text(re.compile(r"^Paid \d+ for ")).first
    expect(reasons).to_be_hidden()
    folded = coach.bounding_box()["height"]
    coach.screenshot(path=str(ARTIFACTS_DIR / "coach-folded-phone.png"))
    ledger.click()
    expect(ledger).to_have_attribute("aria-expanded", "true")
    expect(reasons).to_be_visible()
    assert coach.bounding_box()["height"] > folded
    print(f"coach at 360 px: {folded:.0f} px folded, "
          f"{coach.bounding_box()['height']:.0f} px with the ledger open")
    # A criterion named by the coach is one tap from its definition.
    definition_opens(page, coach.get_by_role("button", name="Powerful", exact=True), "Powerful")
    no_sideways_scroll(page)
    axe(page, "teaching-coach")
    no_trouble(page)


def test_bots_say_what_they_back_and_answer_the_learners_case(browser, server):
    page = new_page(browser, PHONE)
    page.goto(solo(server.url, "teaching-test-0004"))
    act = page.get_by_role("region", name=re.compile("^Your move"))
    expect(act.get_by_text(re.compile(r"^(Open a card below|Nothing in your hand fits)"))) \
        .to_be_visible()
    if act.get_by_text(re.compile(r"^Nothing in your hand fits")).is_visible():
        pytest.fail("gentle practice starts with a budget that pays for something")
    propose_affordable(page)
    expect(page.get_by_role("heading", name="What the bots say")).to_be_visible()
    expect(act.get_by_text(re.compile(r"I will back |I see nothing")).first).to_be_visible()
    case = page.get_by_role("group", name="Make the case (optional)")
    back = case.get_by_label("Back")
    options = back.locator("option").all_inner_texts()
    other = next((o for o in options[1:] if not o.startswith("your ")), options[1])
    back.select_option(label=other)
    case.get_by_label("because it serves").select_option(label="Democratic")
    no_sideways_scroll(page)
    axe(page, "teaching-case")
    page.get_by_role("button", name="I'm ready to vote").click()
    for box in page.get_by_role("checkbox", name=re.compile("^Back ")).all():
        box.check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="How the bots voted")).to_be_visible()
    expect(act.get_by_text(re.compile(r"I back ")).first).to_be_visible()
    no_trouble(page)


def test_a_whole_game_reads_at_360_px_with_the_scores_near_the_top(browser, server):
    page = new_page(browser, PHONE)
    page.goto(solo(server.url, "teaching-test-0005"))
    for number in range(1, 6):
        play_solo_round(page, number)
        # After a round the coach, then the score panel, come straight after the move.
        order = page.evaluate("[...document.querySelectorAll('#game > section')]"
                              ".filter(s => !s.hidden).map(s => s.id)")
        assert order[:3] == ["act", "coach", "scores"], order
        no_sideways_scroll(page)
        if number < 5:
            page.get_by_role("button", name="Ready for the next round").click()
    page.get_by_role("button", name="Ready to finish").click()
    page.get_by_role("link", name="See the debrief").click()
    expect(page.get_by_role("heading", name="The criteria")).to_be_visible()
    no_sideways_scroll(page)
    # The criteria, one tap from their definitions, come before the rounds.
    key = page.get_by_text(re.compile(r"^What the criteria mean:"))
    timeline = page.get_by_role("heading", name="Round by round")
    assert key.bounding_box()["y"] < timeline.bounding_box()["y"]
    definition_opens(page, key.get_by_role("button", name="Collective"), "Collective")
    axe(page, "teaching-debrief")
    no_trouble(page)
