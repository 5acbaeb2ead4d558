"""A deck's balance report on a 360 px phone: found from the new-table page, bad input
refused in words, a report run to its end and read, another cancelled; axe clean, nothing
wider than the screen."""

from __future__ import annotations

import re

import pytest
from browser_helpers import PHONE, axe, new_page, no_trouble, shot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SLOW_MS = 240_000  # the games run at nice 19 on shared cores: a deadline, not a measure


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def test_run_read_and_cancel_a_report_on_a_phone(browser, balance_server):
    base = balance_server.url
    page = new_page(browser, PHONE)
    page.goto(f"{base}/new")
    page.get_by_role("link", name="Balance report: Balance test deck").click()
    expect(page.get_by_role("heading", name="Balance report: Balance test deck")).to_be_visible()
    axe(page, "balance-form")
    fits(page)

    # Bad input, in words.
    games = page.get_by_label("Games in all")
    games.fill("5")
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_role("alert")).to_have_text(
        "games must be a whole number from 100 to 20000")
    games.fill("100")
    for n in (2, 3):
        page.get_by_label(f"{n} players").uncheck()
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_role("alert")).to_have_text("Choose at least one player count.")
    page.get_by_label("3 players").check()

    # Start; the progress bar shows; the page reloads with the report when it is done.
    page.get_by_role("button", name="Start the report").click()
    bar = page.get_by_role("progressbar", name="Playing games")
    expect(bar).to_have_attribute("aria-valuemax", "100")
    expect(page.get_by_role("heading", name="Report: 100 games")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("#report")).to_be_focused()
    expect(page.get_by_role("img", name=re.compile(r"^Win rate by scenario"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Each card"))).to_be_visible()
    expect(page.get_by_role("cell", name="dominant: adopted", exact=False)).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_hidden()
    fits(page)
    axe(page, "balance-report")
    shot(page, "balance-report-phone")

    # A long one, cancelled once it is under way.
    games.fill("20000")
    page.get_by_role("button", name="Start the report").click()
    expect(bar).to_be_visible()
    expect(bar).not_to_have_attribute("aria-valuenow", "0", timeout=SLOW_MS)
    expect(page.locator("#announce")).not_to_be_empty()  # said politely, not only drawn
    axe(page, "balance-progress")
    shot(page, "balance-progress-phone")
    page.get_by_role("button", name="Cancel the report").click()
    status = page.locator("#job-status")
    expect(status).to_have_text(re.compile(r"The last report was cancelled after \d+ of 20000 "
                                           r"games"), timeout=SLOW_MS)
    expect(status).to_be_focused()
    expect(page.locator("#announce")).to_have_text(status.inner_text())
    # The last finished report stays.
    expect(page.get_by_role("heading", name="Report: 100 games")).to_be_visible()
    expect(page.get_by_role("button", name="Start the report")).to_be_enabled()
    no_trouble(page)
