"""A facilitator makes an account and signs in on a phone (360 px wide) with the keyboard
alone, from the home page's link: every field reachable by Tab with its label, mistakes
shown next to their fields, nothing wider than the screen, axe content."""

from __future__ import annotations

import pytest
from browser_helpers import PASSWORD, PHONE, axe, new_page, no_trouble, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def tab_to(page: Page, name: str, most: int = 15) -> None:
    """Press Tab until the control whose accessible name is `name` has focus."""
    target = page.get_by_label(name, exact=True).or_(
        page.get_by_role("button", name=name)).or_(page.get_by_role("link", name=name))
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']}"


def test_sign_up_and_sign_in_by_keyboard_on_a_phone(browser, server):
    page = new_page(browser, PHONE)
    page.goto(server.url + "/")
    page.get_by_role("link", name="Facilitator sign in").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Facilitator sign in")).to_be_visible()
    tab_to(page, "Make a facilitator account")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Make a facilitator account")).to_be_visible()
    fits(page)
    axe(page, "signup")

    # A first try with a password too short: the message is under the password field,
    # which has focus again; what was typed elsewhere is kept.
    tab_to(page, "User name")
    page.keyboard.type("rosa.h")
    page.keyboard.press("Tab")
    page.keyboard.type("Rosa <em>Hernández</em>")
    tab_to(page, "E-mail (optional)")
    page.keyboard.press("Tab")
    page.keyboard.type("short")
    page.keyboard.press("Enter")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_be_focused()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(
        "At least 12 characters. A few unrelated words in a row are long and easy to "
        "remember. That is 5 characters; use at least 12.")
    expect(page.get_by_label("User name")).to_have_value("rosa.h")
    expect(page.get_by_role("alert")).to_have_text("One field needs a change: see below.")
    fits(page)
    axe(page, "signup-error")
    shot(page, "account-signup-error-360")

    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your facilitator account")).to_be_visible()
    # The name is shown as typed, tags and all, as text.
    expect(page.get_by_role("heading", name="Signed in as Rosa <em>Hernández</em>")
           ).to_be_visible()
    fits(page)
    axe(page, "account")
    shot(page, "account-360")

    tab_to(page, "Sign out on this browser")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="signed out")).to_have_text(
        "You are signed out on this browser.")

    tab_to(page, "User name or e-mail")
    page.keyboard.type("ROSA.H")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your facilitator account")).to_be_visible()
    expect(page.locator("#account-user-name")).to_have_text("rosa.h")
    no_trouble(page)
    page.context.close()
