"""A workshop as a facilitator runs one, in Chromium: two tables of three phones (360x740),
the dashboard on a laptop and the room screen on a projector (1920x1080); people join with
the room's code, one is moved to another table, the facilitator starts all, pauses all and
messages the room, resumes, moves every table on to the end, and reads the cross-table
debrief."""

from __future__ import annotations

import re

import pytest
from browser_helpers import LAPTOP, PHONE, PROJECTOR, axe, new_page, no_trouble, shot, watch
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
PASSWORD = "four words make it"
NAMES = ("Ana", "Bo", "Cy", "Di", "Ed", "Fa")


def sign_up(page: Page, base: str) -> None:
    page.goto(base + "/signup?next=/workshops")
    page.get_by_label("User name").fill("lead.facilitator")
    page.get_by_label("Your name").fill("Lead")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^Make")).click()
    expect(page.get_by_role("heading", name="Your workshops")).to_be_visible()


def create_workshop(page: Page) -> None:
    page.get_by_label("Name", exact=True).fill("Data day at the council")
    page.get_by_label("Tables", exact=True).fill("2")
    page.get_by_label("Seats per table").fill("3")
    page.get_by_label("Fill tables evenly").check()
    # Each table its own scenario: one picker per table, as many as there are tables.
    page.get_by_label("Give each table its own scenario").check()
    expect(page.get_by_role("group", name="Each table's scenario").get_by_role("combobox")) \
        .to_have_count(2)
    page.get_by_label("Table 2", exact=True).select_option("street-sensors")
    page.get_by_role("button", name="Create the workshop and its tables").click()
    expect(page.get_by_role("heading", name=re.compile("^Data day at the council"))) \
        .to_be_visible()


def seat(browser, base: str, code: str, name: str) -> Page:
    """A phone joins the workshop with its code and a name, and lands on its table."""
    phone = new_page(browser, PHONE)
    phone.goto(f"{base}/w")
    phone.get_by_label("Workshop code").fill(code)
    phone.get_by_label("Your name").fill(name)
    phone.get_by_role("button", name="Take a seat").click()
    phone.wait_for_url(re.compile(r"/play/"))
    expect(phone.get_by_role("heading", name="Before the game starts")).to_be_visible()
    return phone


def status_of(dash: Page, number: int) -> str:
    return dash.get_by_role("article", name=re.compile(rf"^Table {number}\b")) \
        .locator(".status").inner_text()


def test_a_workshop_of_two_tables_played_to_the_cross_table_debrief(browser, server):
    dash = new_page(browser, LAPTOP)
    sign_up(dash, server.url)
    axe(dash, "workshops")
    create_workshop(dash)
    code = dash.locator("#room-code").inner_text()
    workshop_url = dash.url

    # The room screen, on the projector: the code and QR large, nothing below the fold.
    screen = watch(dash.context.new_page())  # the same browser: signed in
    screen.set_viewport_size(PROJECTOR)
    screen.goto(workshop_url + "/screen")
    expect(screen.locator("#room-code")).to_have_text(code)
    expect(screen.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(screen.get_by_role("article")).to_have_count(2)

    phones = []
    for name in NAMES[:5]:
        phones.append(seat(browser, server.url, code, name))
    axe(phones[0], "workshop-phone")

    # Before the start, Ana moves from table 1 to table 2: her phone says so and takes her
    # back to the join page, which seats her at table 2 with the same name.
    ana = phones[0]
    first_table = ana.url
    person = dash.locator("#people li").filter(has_text=re.compile(r"^Ana, table 1"))
    person.get_by_label("New table for Ana").select_option("2")
    person.get_by_role("button", name="Move Ana").click()
    expect(dash.get_by_role("status").filter(has_text="Moved Ana to table 2.")).to_be_visible()
    expect(ana.get_by_role("heading", name="You no longer have a seat")).to_be_visible()
    expect(ana.locator("#noseat").get_by_text(re.compile("moved you to another table"))) \
        .to_be_visible()
    ana.get_by_role("link", name="Join again").click()
    expect(ana.get_by_label("Your name")).to_have_value("Ana")
    ana.get_by_role("button", name="Take a seat").click()
    ana.wait_for_url(re.compile(r"/play/"))
    assert ana.url.split("#")[0] != first_table.split("#")[0]
    expect(ana.get_by_role("heading", name="Before the game starts")).to_be_visible()
    phones.append(seat(browser, server.url, code, NAMES[5]))
    # The dashboard saw everyone sit down, without reloading.
    for name in NAMES:
        expect(dash.locator("#tables").get_by_text(name, exact=True)).to_be_visible()
    expect(dash.locator("#people").get_by_text(re.compile(r"^Ana, table 2"))).to_be_visible()
    expect(screen.get_by_text("3 of 3 seated")).to_have_count(2)

    dash.get_by_role("button", name="Start all").click()
    expect(dash.get_by_role("status").filter(has_text="Started tables 1, 2.")).to_be_visible()
    for phone in phones:
        expect(phone.get_by_role("heading", name=re.compile("^Your move"))).to_be_visible()

    dash.get_by_role("button", name="Pause all").click()
    for phone in phones:
        expect(phone.locator("#phase")).to_have_text("Paused")
    expect(dash.get_by_role("article", name=re.compile(r"^Table 2\b")).locator(".status")) \
        .to_contain_text("Paused")
    dash.get_by_label("Message to every phone and screen in the room").fill("Five minutes left")
    dash.get_by_role("button", name="Send to the room").click()
    for page in (*phones, screen):
        expect(page.get_by_role("region", name="Message from the facilitator")) \
            .to_contain_text("Five minutes left")
    # Readable from the back of the room, and all of it on one screen.
    smallest = screen.evaluate("""() => Math.min(...[...document.querySelectorAll(
        'main *')].filter(e => e.offsetParent && e.childNodes.length && [...e.childNodes]
        .some(n => n.nodeType === 3 && n.textContent.trim())).map(e =>
        parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 32, smallest
    assert screen.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    shot(screen, "workshop-room-screen")
    shot(dash, "workshop-dashboard")
    axe(dash, "workshop-dashboard")
    axe(screen, "workshop-room-screen")

    dash.get_by_role("button", name="Resume all").click()
    for phone in phones:
        expect(phone.locator("#phase")).not_to_have_text("Paused")
    # Move every table on until both have ended (players may act meanwhile; nobody does).
    for _ in range(40):
        if all(status_of(dash, n).startswith("Ended") for n in (1, 2)):
            break
        before = (status_of(dash, 1), status_of(dash, 2))
        dash.get_by_role("button", name="Move all on").click()
        expect(dash.get_by_role("article", name=re.compile(r"^Table 1\b")).locator(".status")) \
            .not_to_have_text(before[0])
    for n in (1, 2):
        expect(dash.get_by_role("article", name=re.compile(rf"^Table {n}\b"))
               .locator(".status")).to_contain_text("Ended")

    dash.get_by_role("link", name="Cross-table debrief").click()
    expect(dash.get_by_role("heading", name="Data day at the council: the tables compared")) \
        .to_be_visible()
    expect(dash.locator("#scores tbody tr")).to_have_count(2)
    overview = dash.request.get(workshop_url.replace("/workshops/", "/api/workshops/")).json()
    scenarios = [dash.request.get(f"{server.url}/api/tables/{t['table']}").json()["table"][
        "scenario"] for t in overview["tables"]]
    assert scenarios == ["council-chatbot", "street-sensors"]  # as the form chose
    expect(dash.get_by_role("heading", name=re.compile(r"^Round 1: "))).to_be_visible()
    axe(dash, "workshop-debrief")
    no_trouble(dash, screen, *phones)
