"""The first paper version (v0.1) played in the browser: a whole solo game on a phone, scored
in points by the requirement cards, and the print link for the same deck."""

from __future__ import annotations

import re

import pytest
from browser_helpers import PHONE, axe, new_page, no_trouble, play_solo_round, shot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_whole_classic_game_from_the_practice_page(browser, server):
    page = new_page(browser, PHONE)
    page.goto(f"{server.url}/practice")
    page.get_by_label("Deck").select_option("good-governance-classic")
    page.get_by_label("Scenario: the project you govern").select_option("project-x")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(re.compile(r"/play/"))
    rounds = 5
    for number in range(1, rounds + 1):
        play_solo_round(page, number)
        if number < rounds:
            page.get_by_role("button", name="Ready for the next round").click()
    page.get_by_role("button", name="Ready to finish").click()
    page.get_by_role("link", name="See the debrief").click()
    expect(page.get_by_text("To win: Points is at least 20")).to_be_visible()
    for number in range(1, rounds + 1):
        expect(page.get_by_role("heading", name=re.compile(rf"^Round {number}: "))).to_be_visible()
    # Its cards carry four scales, not the five criteria of the other decks.
    expect(page.get_by_role("heading", name="The criteria")).to_be_visible()
    assert "five criteria" not in page.inner_text("main")
    shot(page, "classic-debrief-phone")
    no_trouble(page)


def test_the_practice_page_offers_the_deck_on_paper(browser, server):
    page = new_page(browser, PHONE)
    page.goto(f"{server.url}/practice")
    link = page.get_by_role("link", name="A4 PDF of The Good Governance Game (v0.1, 2023)")
    expect(link).to_be_visible()
    assert link.get_attribute("href") == "/api/decks/good-governance-classic/print.pdf?paper=a4"
    response = page.request.get(f"{server.url}{link.get_attribute('href')}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    axe(page, "practice-print-links")
    no_trouble(page)
