"""A table where the chair decides: the chair picks the plan; everyone else sees who chairs."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    LAPTOP,
    PHONE,
    api_table,
    axe,
    join,
    new_page,
    no_trouble,
    open_card,
    shot,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_chair_decides(browser, server):
    t = api_table(server.url, seats=3, options={"decision": "chair", "chair": "rotate",
                                                "bots": "greedy"})
    page = new_page(browser, PHONE)
    join(page, server.url, t["code"].replace("-", ""), "Sol")
    fac = new_page(browser, LAPTOP)
    fac.goto(t["facilitator_url"])
    fac.get_by_role("button", name="Start the game").click()

    # Round 1: seat 1 (Sol) chairs.
    open_card(page)
    group = page.get_by_role("group", name="Involve which group?").first
    group.get_by_role("radio").first.check()
    page.get_by_role("button", name=re.compile("^Propose ")).first.click()
    page.get_by_role("button", name="I'm ready to vote").click()
    expect(page.get_by_role("heading", name="Your move: The chair decides")).to_be_visible()
    expect(page.get_by_text("You chair this round: you choose the plan.")).to_be_visible()
    boxes = page.get_by_role("checkbox", name=re.compile("^Adopt "))
    expect(boxes.first).to_be_visible()
    boxes.first.check()
    expect(page.get_by_text(re.compile(r"^Adopting 1: cost \d+"))).to_be_visible()
    axe(page, "play-chair")
    shot(page, "play-chair-phone")
    page.get_by_role("button", name="Adopt this plan").click()
    expect(page.get_by_role("heading", name="Your move: Results")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^✔ Adopted: "))).to_have_count(1)
    page.get_by_role("button", name="Ready for the next round").click()

    # Round 2: a bot chairs; Sol can only make the case.
    page.get_by_role("button", name="Pass this round…").click()
    page.get_by_role("button", name="Yes, pass").click()
    ready = page.get_by_role("button", name="I'm ready to vote")
    results = page.get_by_role("heading", name="Your move: Results")
    expect(ready.or_(results)).to_be_visible()
    if ready.is_visible():
        ready.click()
    expect(results).to_be_visible()
    expect(page.get_by_text("✔ Adopted: ").or_(
        page.get_by_role("heading", name="Nothing was adopted")).first).to_be_visible()
    no_trouble(page, fac)
