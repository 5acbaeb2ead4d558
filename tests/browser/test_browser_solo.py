"""Solo practice on the player's page: the resume link carries the seat, the coach speaks
after each round, and the learner can undo a choice."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from browser_helpers import PHONE, axe, new_page, no_trouble, open_card, play_solo_round, shot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_solo_game_with_coach_and_undo(browser, server):
    body = json.dumps({"deck": "good-governance", "scenario": "council-chatbot",
                       "browser_id": "browser-test-1234", "variant": "team"}).encode()
    req = urllib.request.Request(f"{server.url}/api/solo", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        solo = json.load(res)
    page = new_page(browser, PHONE)
    page.goto(solo["resume_url"])
    assert "token=" not in page.url, "the token is taken out of the address bar"
    open_card(page)
    propose = page.get_by_role("button", name=re.compile("^Propose ")).first
    expect(propose).to_be_visible()
    group = page.get_by_role("group", name="Involve which group?").first
    group.get_by_role("radio").first.check()
    propose.click()
    expect(page.get_by_role("heading", name="Your move: Discussion")).to_be_visible()
    page.get_by_role("button", name="Undo my last choice").click()
    expect(page.get_by_role("heading", name="Your move: Proposals")).to_be_visible()
    open_card(page)
    page.get_by_role("group", name="Involve which group?").first.get_by_role("radio").first.check()
    page.get_by_role("button", name=re.compile("^Propose ")).first.click()
    page.get_by_role("button", name="I'm ready to vote").click()
    for box in page.get_by_role("checkbox", name=re.compile("^Back ")).all():
        box.check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="Your move: Results")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Coach: round 1"))).to_be_visible()
    axe(page, "play-solo")
    shot(page, "play-solo-result-phone")
    no_trouble(page)


def test_whole_solo_game_from_the_practice_page(browser, server):
    """A new learner on a phone: choose a scenario, play every round with only controls found
    by role and name, read the coach after each round, and reach the debrief."""
    page = new_page(browser, PHONE, has_touch=True)
    page.goto(f"{server.url}/practice")
    page.get_by_label("Scenario: the project you govern").select_option("residents-assembly")
    page.get_by_label("Difficulty").select_option("gentle")
    page.get_by_role("radio", name=re.compile("^With the team")).check()
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(re.compile(r"/play/"))
    rounds = 5
    for number in range(1, rounds + 1):
        play_solo_round(page, number)
        # The coach says what the learner's choice did, in words.
        expect(page.get_by_text(re.compile(r"^(Your proposal, |You passed )"))).to_be_visible()
        if number < rounds:
            page.get_by_role("button", name="Ready for the next round").click()
    page.get_by_role("button", name="Ready to finish").click()
    answer_the_reflection(page)
    page.get_by_role("link", name="See the debrief").click()
    expect(page.get_by_role("heading", name="The criteria")).to_be_visible()
    for number in range(1, rounds + 1):
        expect(page.get_by_role("heading", name=re.compile(rf"^Round {number}: "))).to_be_visible()
    shot(page, "solo-debrief-phone")
    no_trouble(page)

    page.goto(f"{server.url}/practice")
    expect(page.get_by_role("heading", name="Your practice record")).to_be_visible()
    expect(page.get_by_text(re.compile(r"points, (won|not won)")).first).to_be_visible()
    # The finished game is listed with its reflection's score.
    expect(page.get_by_text(re.compile(r"; reflection: [0-3] of 3 right$"))).to_be_visible()
    axe(page, "practice-record")


VERDICT = re.compile(r"^(Right\. |Not this time\. )")


def answer_the_reflection(page):
    """After the final results, three questions: the first answered with a tap, the second
    with the keyboard alone, the third with a tap again. Each verdict is said in words."""
    reflect = page.get_by_role("region", name="Reflect")
    expect(reflect.get_by_role("heading", name="Reflect")).to_be_visible()
    questions = reflect.get_by_role("group")  # an answered question's choices are no longer buttons
    expect(questions).to_have_count(3)
    first = questions.first
    first.get_by_role("button").first.tap()
    verdicts = reflect.get_by_text(VERDICT)
    expect(verdicts).to_have_count(1)
    # The answer is told in words (not colour alone): which was right, and the learner's.
    expect(reflect.get_by_text(re.compile(r"^\u2714 (Right answer|Your answer, right): ")))\
        .to_have_count(1)
    expect(questions).to_have_count(2)
    # Keyboard: focus went to the verdict; Tab reaches the next question's first answer.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('[role=group]') !== null && "
                            "document.activeElement.tagName")
    assert focused == "BUTTON"
    page.keyboard.press("Enter")
    expect(verdicts).to_have_count(2)
    expect(questions).to_have_count(1)
    # The last question is answered in another tab first: this stale tab's answer is refused,
    # and it shows the verdict kept instead of leaving its buttons up.
    other = page.context.new_page()
    other.goto(page.url)
    elsewhere = other.get_by_role("region", name="Reflect")
    elsewhere.get_by_role("group").first.get_by_role("button").first.click()
    expect(elsewhere.get_by_text(VERDICT)).to_have_count(3)
    other.close()
    questions.first.get_by_role("button").last.tap()
    expect(reflect.get_by_role("alert")).to_contain_text("answered this question already")
    expect(verdicts).to_have_count(3)
    expect(questions).to_have_count(0)
    expect(reflect.get_by_text(re.compile(r"^Done: [0-3] of 3 right\."))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "solo-reflection-phone")
    axe(page, "play-solo-reflection")
