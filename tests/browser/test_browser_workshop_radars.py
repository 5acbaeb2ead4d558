"""The cross-table debrief's radars in Chromium: one per table, that table's polygon over the
others' (lighter, dashed), a legend in words, and an accessible name that gives every table's
scores, read as a screen reader reads them; on a phone with no sideways scroll."""

from __future__ import annotations

import os
import re

import pytest
import requests
from browser_helpers import LAPTOP, PHONE, axe, new_page, no_trouble, shot, sign_up
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
BOTS = {"bots": "greedy", "timers": {"proposal": 0, "discussion": 0, "vote": 0}}


def signed_up(page: Page, base: str) -> None:
    sign_up(page, base, f"radar{os.urandom(3).hex()}")


def played_workshop(page: Page, base: str, tables: int = 3) -> str:
    """A workshop of `tables` tables, one person and two greedy bots at each, played to the
    end from the signed-in page's own session (its cookie and CSRF token)."""
    page.goto(base + "/workshops")
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    headers = {"X-CSRFToken": csrf or "", "Content-Type": "application/json"}
    made = page.request.post(base + "/api/workshops", headers=headers, data={
        "name": "Radar day", "deck": "good-governance", "scenario": "council-chatbot",
        "tables": tables, "seats": 3, "options": BOTS}).json()
    wid = made["workshop"]
    for n in range(tables):
        joined = requests.post(base + "/api/w/join", json={
            "code": made["code"], "name": f"Person {n + 1}", "device": os.urandom(18).hex()},
            timeout=10).json()
        assert joined["ok"], joined
    command = f"{base}/api/workshops/{wid}/command"
    page.request.post(command, headers=headers, data={"command": "start"})
    for _ in range(60):
        view = page.request.get(f"{base}/api/workshops/{wid}").json()
        if all(t["status"] == "ended" for t in view["tables"]):
            return wid
        page.request.post(command, headers=headers, data={"command": "advance"})
    raise AssertionError("the tables did not end")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_each_tables_radar_over_the_others_says_every_score(browser, server, viewport):
    page = new_page(browser, viewport=viewport)
    signed_up(page, server.url)
    wid = played_workshop(page, server.url)
    data = page.request.get(f"{server.url}/api/workshops/{wid}/export.json").json()
    results = data["comparison"]["results"]
    page.goto(f"{server.url}/workshops/{wid}/debrief")
    section = page.get_by_role("region", name="Each table's criteria over the others'")
    expect(section).to_be_visible()

    def scores_said(name: str, table: int) -> set[str]:
        found = re.search(rf"Table {table}: ([^.]*)\.", name)
        assert found, (table, name)
        return set(found[1].split(", "))

    for r in results:
        chart = section.get_by_role("img", name=re.compile(
            rf"^Table {r['table']}'s criteria over the other tables'"))
        expect(chart).to_have_count(1)
        name = chart.evaluate("e => document.getElementById("
                              "e.getAttribute('aria-labelledby')).textContent")
        # Every table's scores, in words: colour is not the only way to tell them apart.
        for other in results:
            assert scores_said(name, other["table"]) == \
                {f"{k} {v}" for k, v in other["criteria"].items()}, name
        figure = chart.locator("xpath=ancestor::figure[1]")
        others = ", ".join(str(o["table"]) for o in results if o is not r)
        expect(figure.locator("figcaption")).to_have_text(re.compile(
            rf"Table {r['table']} \(solid, filled\).*The other tables {others} "
            r"\(light, dashed\)"))
        # Its own polygon drawn last, over the others' lighter, dashed ones.
        assert chart.locator("polygon.other").count() == len(results) - 1
        assert chart.locator("polygon").last.get_attribute("class") == "score"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe(page, f"workshop-radars-{viewport['width']}")
    shot(page, f"workshop-radars-{viewport['width']}")
    no_trouble(page)
    page.context.close()


def test_a_tables_own_debrief_keeps_its_radar(browser, server):
    """The single-table debrief draws with the same radar: its plan over the targets."""
    page = new_page(browser, viewport=PHONE)
    signed_up(page, server.url)
    wid = played_workshop(page, server.url, tables=1)
    table = page.request.get(f"{server.url}/api/workshops/{wid}").json()["tables"][0]
    page.goto(f"{server.url}/debrief/{table['table']}")
    chart = page.get_by_role("img", name=re.compile("^Radar of the criteria: "))
    expect(chart).to_have_count(1)
    assert chart.locator("polygon.score").count() == 1
    expect(page.locator("figure.radar figcaption")).to_contain_text("Your plan (solid)")
    no_trouble(page)
    page.context.close()
