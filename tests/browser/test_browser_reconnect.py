"""When the connection drops, a banner says so; when the server is back, the page says hello
again by itself and the player is in the same seat, mid-round."""

from __future__ import annotations

import re

import pytest
from browser_helpers import LAPTOP, PHONE, api_table, join, new_page, no_trouble, open_card, shot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_dropped_connection_shows_a_banner_and_recovers(browser, own_server):
    srv = own_server.start()
    t = api_table(srv.url, seats=3, options={"bots": "greedy"})
    page = new_page(browser, PHONE)
    join(page, srv.url, t["code"].replace("-", ""), "Rae")
    fac = new_page(browser, LAPTOP)
    fac.goto(t["facilitator_url"])
    fac.get_by_role("button", name="Start the game").click()
    expect(page.get_by_role("heading", name="Your move: Proposals")).to_be_visible()
    open_card(page)
    expect(page.get_by_role("button", name=re.compile("^Propose ")).first).to_be_visible()

    srv.stop()
    lost = re.compile("^Connection lost|^Cannot reach")
    banner = page.get_by_role("status").filter(has_text=lost)
    expect(banner).to_be_visible()
    expect(fac.get_by_text(re.compile("^Connection lost|^Cannot reach"))).to_be_visible()
    shot(page, "reconnect-banner-phone")

    srv.start()
    expect(page.get_by_text("Reconnected.")).to_be_visible(timeout=20_000)
    expect(page.get_by_text(re.compile(r"^Rae \(you\)"))).to_be_visible()
    expect(page.get_by_text(re.compile("^Connection lost"))).to_have_count(0)
    group = page.get_by_role("group", name="Involve which group?").first
    expect(group).to_be_visible()
    group.get_by_role("radio").first.check()
    page.get_by_role("button", name=re.compile("^Propose ")).first.click()
    expect(page.get_by_role("heading", name="Your move: Discussion")).to_be_visible()
    expect(fac.get_by_text("● Connected")).to_have_count(1)
    no_trouble(page, fac)
