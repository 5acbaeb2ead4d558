"""Every page at phone and projector sizes: it loads, axe finds no serious or critical
violation, and a screenshot goes to test-artifacts/browser/."""

from __future__ import annotations

import re

import pytest
from browser_helpers import PHONE, PROJECTOR, api_table, axe, join, new_page, no_trouble, shot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_every_page_at_phone_and_projector_sizes(browser, server):
    base = server.url
    live = api_table(base, seats=4, options={"bots": "greedy"})
    done = api_table(base, seats=3, options={"bots": "greedy"},
                     scenario="family-data-dashboard")
    # A game of bots only, played to the end at once, for its debrief.
    fac = new_page(browser, PROJECTOR)
    fac.goto(done["facilitator_url"])
    fac.get_by_role("button", name="Start the game").click()
    expect(fac.get_by_role("link", name="Open the debrief")).to_have_class(re.compile(r"^button$"))
    fac.context.close()

    player = new_page(browser, PHONE)
    join(player, base, live["code"].replace("-", ""), "Pat")
    play_url = player.url

    pages = {
        "home": (f"{base}/", "heading", "Who gets a say over the data?"),
        "new": (f"{base}/new", "heading", "Start a table"),
        "join": (f"{base}/join", "heading", "Join a table"),
        "join-code": (f"{base}/join/{live['code']}?again=1", "heading", "Join a table"),
        "practice": (f"{base}/practice", "heading", "Practise alone"),
        "screen": (live["screen_url"], "heading", "Join this table"),
        "facilitate": (live["facilitator_url"], "button", "Start the game"),
        "facilitate-no-key": (f"{base}/facilitate/{live['table']}", "heading",
                              "This console needs the facilitator link"),
        "debrief": (f"{base}/debrief/{done['table']}", "heading", re.compile("^Round 1: ")),
    }
    for size_name, size in (("phone", PHONE), ("projector", PROJECTOR)):
        for name, (url, role, label) in pages.items():
            page = new_page(browser, size)
            page.goto(url)
            expect(page.get_by_role(role, name=label).first).to_be_visible()
            axe(page, f"{name}-{size_name}")
            shot(page, f"page-{name}-{size_name}")
            no_trouble(page)
            page.context.close()
        player.set_viewport_size(size)
        player.goto(play_url)
        expect(player.get_by_role("heading", name=re.compile("^Your hand"))).to_be_visible()
        axe(player, f"play-{size_name}")
        shot(player, f"page-play-{size_name}")
    no_trouble(player)
