"""Names and deck texts that contain HTML are shown as text: no element is made from them
and no script runs. The deck is a copy of the shipped one whose names and texts carry
`<b>bold</b><script>alert(1)</script>`."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    HTML,
    IMG,
    LAPTOP,
    PHONE,
    PROJECTOR,
    api_table,
    join,
    new_page,
    open_card,
    rx,
    shot,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
SVG = "<svg onload=alert(1)>"
INJECTED = ("main b, main script, main img[src='x'], main svg[onload], main [onerror], "
            "main [onload]")


def clean(page: Page) -> None:
    found = page.locator(INJECTED)
    assert found.count() == 0, found.first.evaluate("e => e.outerHTML")
    assert page.dialogs == [], f"a dialog opened: {page.dialogs}"  # type: ignore[attr-defined]
    assert page.errors == [], page.errors  # type: ignore[attr-defined]


def test_names_and_deck_texts_are_text(browser, html_server):
    base = html_server.url
    t = api_table(base, seats=3, options={
        "bots": "greedy", "timers": {"proposal": 0, "discussion": 0, "vote": 0}})
    code = t["code"].replace("-", "")

    # The whole attack string fits in a name (at most 24 characters).
    p = new_page(browser, PHONE)
    join(p, base, code, IMG)
    name = IMG
    expect(p.get_by_text(f"{name} (you)", exact=False)).to_be_visible()
    other = new_page(browser, PHONE)
    join(other, base, code, SVG)

    fac = new_page(browser, LAPTOP)
    fac.goto(t["facilitator_url"])
    expect(fac.get_by_text(f"Seat 1: {name}")).to_be_visible()
    expect(fac.get_by_text(f"Seat 2: {SVG}")).to_be_visible()
    scr = new_page(browser, PROJECTOR)
    scr.goto(t["screen_url"])
    expect(scr.get_by_text(SVG)).to_be_visible()
    expect(scr.get_by_text(name, exact=True)).to_be_visible()
    fac.get_by_role("button", name="Start the game").click()

    expect(p.get_by_role("heading", name="Your move: Proposals")).to_be_visible()
    scenario = rx(f"The council's front-door chatbot {HTML}", "^")
    expect(p.get_by_role("heading", name=scenario)).to_be_visible()
    expect(p.get_by_role("heading", name=rx(HTML, end="$")).first).to_be_visible()
    expect(p.get_by_role("heading", name=rx(HTML, "^Your role: .*"))).to_be_visible()
    expect(scr.get_by_text(HTML).first).to_be_visible()
    open_card(p)
    expect(p.get_by_text(IMG).first).to_be_visible()
    shot(p, "escaping-play-phone")
    shot(scr, "escaping-screen-projector")

    # Play one round so that reasons built from deck texts are shown too.
    open_card(other)
    for page in (p, other):
        group = page.get_by_role("group", name="Involve which group?").first
        group.get_by_role("radio").first.check()
        page.get_by_role("button", name=re.compile("^Propose ")).first.click()
    for page in (p, other):
        page.get_by_role("button", name="I'm ready to vote").click()
    for page in (p, other):
        for box in page.get_by_role("checkbox", name=re.compile("^Back ")).all():
            box.check()
        page.get_by_role("button", name="Cast my vote").click()
    expect(p.get_by_role("heading", name="Your move: Results")).to_be_visible()
    results = p.get_by_role("region", name="Your move: Results")
    expect(results.get_by_text(HTML).first).to_be_visible()
    shot(p, "escaping-result-phone")

    fac.get_by_role("button", name="End the game…").click()
    fac.get_by_role("button", name="Yes, end the game").click()
    expect(p.get_by_role("heading", name="Game over")).to_be_visible()
    p.get_by_role("link", name="See the debrief").click()
    expect(p.get_by_role("heading", name=rx(HTML, "^Debrief: .*"))).to_be_visible()
    expect(p.get_by_text(name).first).to_be_visible()
    expect(p.get_by_text(IMG).first).to_be_visible()
    assert HTML in p.title()
    shot(p, "escaping-debrief-phone")

    home = new_page(browser, LAPTOP)
    home.goto(f"{base}/new")
    expect(home.get_by_role("combobox", name="Deck")).to_contain_text(HTML)
    for page in (p, other, fac, scr, home):
        clean(page)
