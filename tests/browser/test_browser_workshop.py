"""A workshop as the facilitator runs one and as issue 13 says it is checked, in one Chromium:
four tables of five phones (360x740), four table screens and the room screen (1920x1080),
the dashboard on a laptop. People join with the room's one code, one is moved to another
table, the facilitator starts, pauses and resumes every table and messages the room, a
phone reloads and keeps its seat and hand, the players propose, discuss and vote in the
first round on their phones and the facilitator moves every table on to the end; the
cross-table debrief shows every table and the PDF report is read page by page. Then a
smaller room over two server processes sharing PostgreSQL and Redis, the dashboard on one
and the phones on both.

The deck is AI at Work and its scenario with the fewest rounds (four), without timers: the
players act through their pages' controls in the first round, "Move all on" does the rest,
as a facilitator short of time would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from browser_helpers import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    axe,
    new_page,
    no_trouble,
    propose_or_pass,
    shot,
    sign_up,
    watch,
)
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser
DECK = "ai-at-work"
SCENARIO = "hospital-rostering"  # four rounds: the fewest of any shipped scenario
OTHER_SCENARIO = "call-centre-emotion-ai"
DAY = "2026-11-27"
WORKSHOP = "Data day at the council"
NAMES = ("Ana", "Bo", "Cy", "Di", "Ed", "Fa", "Gus", "Hal", "Ida", "Jo", "Kit", "Lu", "Mo",
         "Ned", "Oli", "Pia", "Quin", "Rui", "Sol", "Tam")
LONG = 30_000  # ms: a loaded two-core machine drawing two dozen pages


@pytest.fixture(autouse=True)
def closed_after(browser):
    """Two dozen pages each hold a connection: closed when the test ends, so that they do
    not go on reconnecting to a stopped server under the tests that follow."""
    before = set(browser.contexts)
    yield
    for context in browser.contexts:
        if context not in before:
            context.close()


# ---- the facilitator -----------------------------------------------------------------------


def signed_up(page: Page, base: str, user_name: str = "lead.facilitator") -> None:
    sign_up(page, base, user_name, "Lead", next_path="/workshops")
    expect(page.get_by_role("heading", name="Your workshops")).to_be_visible(timeout=LONG)


def create_workshop(page: Page, tables: int, seats: int,
                    scenarios: tuple[str, ...] = ()) -> str:
    """Fill the new-workshop form (each table its own scenario when `scenarios` are given);
    return the room's code from the dashboard it leads to."""
    page.get_by_label("Name", exact=True).fill(WORKSHOP)
    page.get_by_label("Date", exact=True).fill(DAY)
    page.get_by_label("Deck", exact=True).select_option(DECK)
    page.get_by_label(re.compile("^Scenario")).select_option(SCENARIO)
    page.get_by_label("Tables", exact=True).fill(str(tables))
    page.get_by_label("Seats per table").fill(str(seats))
    page.get_by_label("Fill tables evenly").check()
    if scenarios:
        page.get_by_label("Give each table its own scenario").check()
        expect(page.get_by_role("group", name="Each table's scenario")
               .get_by_role("combobox")).to_have_count(tables)
        for number, scenario in enumerate(scenarios, 1):
            page.get_by_label(f"Table {number}", exact=True).select_option(scenario)
    page.get_by_role("button", name="Create the workshop and its tables").click()
    expect(page.get_by_role("heading", name=re.compile("^" + WORKSHOP))).to_be_visible(
        timeout=LONG)
    return page.locator("#room-code").inner_text()


def table_card(dash: Page, number: int) -> Locator:
    return dash.get_by_role("article", name=re.compile(rf"^Table {number}\b"))


def statuses(dash: Page) -> list[str]:
    return dash.locator("#tables .status").all_text_contents()


def command(dash: Page, button: str, done: str) -> None:
    dash.get_by_role("button", name=button).click()
    expect(dash.get_by_role("status").filter(has_text=done)).to_be_visible(timeout=LONG)


def move_all_on_to_the_end(dash: Page, tables: int) -> None:
    """'Move all on' until every table has ended: each click waits for the dashboard to show
    a table moved on (the dashboard stamps the command with the phase it shows, so a click
    on a page that is behind moves nothing twice)."""
    for _ in range(30):  # four steps a round at most, five rounds at most, and room to spare
        before = statuses(dash)
        if all(s.startswith("Ended") for s in before):
            break
        dash.get_by_role("button", name="Move all on").click()
        dash.wait_for_function(
            "before => [...document.querySelectorAll('#tables .status')]"
            ".some((e, i) => e.textContent !== before[i])", arg=before, timeout=LONG)
    for number in range(1, tables + 1):
        expect(table_card(dash, number).locator(".status")).to_contain_text("Ended")


# ---- the room ------------------------------------------------------------------------------


def seat(browser, base: str, code: str, names: list[str]) -> list[Page]:
    """Phones join the workshop with its code and their names, and land on their tables.
    Each taps "Take a seat" before the one before it has its table on screen, as people in
    a room do; then every phone is checked."""
    phones = []
    for name in names:
        phone = new_page(browser, PHONE)
        phone.goto(f"{base}/w")
        no_sideways_scroll([phone], "the join page")
        phone.get_by_label("Workshop code").fill(code)
        phone.get_by_label("Your name").fill(name)
        phone.get_by_role("button", name="Take a seat").click()
        phones.append(phone)
    for phone in phones:
        phone.wait_for_url(re.compile(r"/play/"), timeout=LONG)
        expect(phone.get_by_role("heading", name="Before the game starts")).to_be_visible(
            timeout=LONG)
    return phones


def table_screen(browser, base: str, dash: Page, number: int) -> Page:
    """Table `number`'s own screen, opened as a facilitator does: its console (linked from
    the dashboard), then the console's link to the table screen, on a projector."""
    screen = new_page(browser, PROJECTOR)
    console = table_card(dash, number).get_by_role("link", name=f"Console of table {number}")
    screen.goto(base + console.get_attribute("href"))
    screen.get_by_role("link", name="Table screen (for the projector)").click()
    expect(screen.locator("#phase")).to_have_text("Waiting to start", timeout=LONG)
    return screen


def message_shown(page: Page, text: str) -> None:
    expect(page.get_by_role("region", name="Message from the facilitator")) \
        .to_contain_text(text, timeout=LONG)


def no_sideways_scroll(pages: list[Page], when: str) -> None:
    for page in pages:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{when}: {page.url} is {width} px wide"


def one_readable_screen(screen: Page, when: str) -> None:
    """The room screen at 1920x1080: no element ends below the fold or off the side (the
    page clips what overflows, so the page's own scroll size would not tell), and no text
    under 32 px (computed sizes of every shown element that holds text)."""
    outside = screen.evaluate("""() => [...document.querySelectorAll('body *')]
        .map(e => [e, e.getBoundingClientRect()])
        .filter(([e, r]) => r.width > 1 && r.height > 1
            && (r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5))
        .map(([e, r]) => [e.tagName, e.textContent.trim().slice(0, 40), r.right, r.bottom])""")
    assert not outside, f"{when}: on the room screen beyond 1920x1080: {outside}"
    small = screen.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1
            && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()); })
        .map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent.trim().slice(0, 40)])
        .filter(([px]) => px < 32)""")
    assert not small, f"{when}: text under 32 px on the room screen: {small}"


def hand_names(phone: Page) -> list[str]:
    hand = phone.get_by_role("region", name=re.compile(r"^Your hand"))
    return hand.get_by_role("button", expanded=False).all_inner_texts()


def play_round_one(dash: Page, phones: dict[int, list[Page]]) -> dict[int, set[str]]:
    """Every player plays the first round on their phone: proposes a card the budget can
    pay for (or passes when none fits), says they are ready to vote, and backs the first
    proposal on the list; the facilitator then moves every table on from the results.
    Returns the cards proposed at each table."""
    everyone = [(n, p) for n, ps in phones.items() for p in ps]
    proposed: dict[int, set[str]] = {n: set() for n in phones}
    for number, phone in everyone:
        name = propose_or_pass(phone)
        if name:
            proposed[number].add(name)
    for _, phone in everyone:
        ready = phone.get_by_role("button", name="I'm ready to vote")
        results = phone.get_by_role("heading", name="Your move: Results")
        expect(ready.or_(results)).to_be_visible(timeout=LONG)
        if ready.is_visible():  # (everyone at a table passed: no discussion, no vote)
            ready.click()
    for _, phone in everyone:
        vote = phone.get_by_role("button", name="Cast my vote")
        results = phone.get_by_role("heading", name="Your move: Results")
        expect(vote.or_(results)).to_be_visible(timeout=LONG)
        if vote.is_visible():
            phone.get_by_role("checkbox", name=re.compile("^Back ")).first.check()
            vote.click()
    for number in phones:
        expect(table_card(dash, number).locator(".status")).to_contain_text(
            "Round 1, Results", timeout=LONG)
    command(dash, "Move all on", "Moved on tables 1, 2, 3, 4.")
    for _, phone in everyone:
        expect(phone.get_by_role("heading", name="Your move: Proposals")).to_be_visible(
            timeout=LONG)
        expect(phone.locator("#scenario")).to_contain_text("Round 2 of 4")
    return proposed


def pdf_pages(path: Path) -> list[str]:
    """Each page's words as Poppler's pdftotext reads them (-f N -l N), spaces made one."""
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    out = []
    for n in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                              check=True, capture_output=True, text=True).stdout
        out.append(" ".join(text.split()))
    return out


# ---- 1. the whole journey, on one server ---------------------------------------------------


def test_a_workshop_of_four_tables_of_five_from_the_code_to_the_pdf_report(
        browser, room_server, tmp_path):
    base = room_server.url
    dash = new_page(browser, LAPTOP)
    signed_up(dash, base)
    axe(dash, "workshops")
    code = create_workshop(dash, tables=4, seats=5)
    workshop_url = dash.url
    api = workshop_url.replace("/workshops/", "/api/workshops/")

    # The room screen, on the projector (signed in: the facilitator's own browser).
    room = watch(dash.context.new_page())
    room.set_viewport_size(PROJECTOR)
    room.goto(workshop_url + "/screen")
    expect(room.locator("#room-code")).to_have_text(code)
    expect(room.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(room.get_by_role("article")).to_have_count(4, timeout=LONG)
    one_readable_screen(room, "before anyone joined")

    # Nineteen phones join with the one code; tables are filled evenly (5, 5, 5, 4).
    phones = dict(zip(NAMES[:19], seat(browser, base, code, list(NAMES[:19])), strict=True))
    axe(phones["Ana"], "workshop-phone")
    expect(room.get_by_text("5 of 5 seated")).to_have_count(3, timeout=LONG)
    expect(room.get_by_text("4 of 5 seated")).to_have_count(1)

    # Before the start, someone moves to the table with a free seat: their phone says so
    # and its "Join again" seats them there, with the same name. (The phones joined at
    # once, so the server chose who sits where.)
    people = {p["name"]: p["number"] for p in dash.request.get(api).json()["people"]}
    short = next(n for n in range(1, 5) if list(people.values()).count(n) == 4)
    mover = next(name for name in NAMES if people[name] != short)
    moving = phones[mover]
    first_table = moving.url.split("#")[0]
    person = dash.locator("#people li").filter(
        has_text=re.compile(rf"^{mover}, table {people[mover]}"))
    person.get_by_label(f"New table for {mover}").select_option(str(short))
    person.get_by_role("button", name=f"Move {mover}").click()
    expect(dash.get_by_role("status").filter(has_text=f"Moved {mover} to table {short}.")) \
        .to_be_visible(timeout=LONG)
    expect(moving.get_by_role("heading", name="You no longer have a seat")).to_be_visible(
        timeout=LONG)
    expect(moving.locator("#noseat").get_by_text(re.compile("moved you to another table"))) \
        .to_be_visible()
    no_sideways_scroll([moving], "a seat lost to a move")
    moving.get_by_role("link", name="Join again").click()
    expect(moving.get_by_label("Your name")).to_have_value(mover, timeout=LONG)
    moving.get_by_role("button", name="Take a seat").click()
    moving.wait_for_url(re.compile(r"/play/"), timeout=LONG)
    assert moving.url.split("#")[0] != first_table
    expect(moving.get_by_role("heading", name="Before the game starts")).to_be_visible(
        timeout=LONG)
    # The twentieth person takes the seat left: every table is full.
    phones[NAMES[19]] = seat(browser, base, code, [NAMES[19]])[0]
    expect(room.get_by_text("5 of 5 seated")).to_have_count(4, timeout=LONG)
    expect(dash.locator("#people").get_by_text(re.compile(rf"^{mover}, table {short}"))) \
        .to_be_visible(timeout=LONG)
    for name in NAMES:  # the dashboard saw everyone sit down, without reloading
        expect(dash.locator("#tables").get_by_text(name, exact=True)).to_be_visible()
    overview = dash.request.get(api).json()
    at = {p["name"]: p["number"] for p in overview["people"]}
    assert at[mover] == short and at[NAMES[19]] == people[mover]
    by_table = {n: [phones[name] for name in NAMES if at[name] == n] for n in range(1, 5)}
    assert [len(ps) for ps in by_table.values()] == [5, 5, 5, 5]
    everyone = list(phones.values())
    no_sideways_scroll(everyone, "seated, before the start")

    # Each table's own screen, opened from its console.
    screens = [table_screen(browser, base, dash, n) for n in range(1, 5)]

    command(dash, "Start all", "Started tables 1, 2, 3, 4.")
    for phone in everyone:
        expect(phone.get_by_role("heading", name="Your move: Proposals")).to_be_visible(
            timeout=LONG)
    for screen in screens:
        expect(screen.locator("#phase")).to_have_text("Proposals", timeout=LONG)
    expect(room.get_by_text(re.compile(r"^Round 1, Proposals"))).to_have_count(4, timeout=LONG)

    command(dash, "Pause all", "Paused tables 1, 2, 3, 4.")
    for page in (*everyone, *screens):
        expect(page.locator("#phase")).to_have_text("Paused", timeout=LONG)
    expect(room.get_by_text(re.compile(r"^Paused · Round 1"))).to_have_count(4, timeout=LONG)
    for number in range(1, 5):
        expect(table_card(dash, number).locator(".status")).to_contain_text("Paused")
    command(dash, "Resume all", "Resumed tables 1, 2, 3, 4.")
    for page in (*everyone, *screens):
        expect(page.locator("#phase")).to_have_text("Proposals", timeout=LONG)

    dash.get_by_label("Message to every phone and screen in the room").fill("Five minutes left")
    dash.get_by_role("button", name="Send to the room").click()
    for page in (*everyone, *screens, room):
        message_shown(page, "Five minutes left")
    no_sideways_scroll(everyone, "playing, with the facilitator's message")
    one_readable_screen(room, "playing, with the facilitator's message")
    shot(room, "workshop-room-screen")
    shot(dash, "workshop-dashboard")
    axe(dash, "workshop-dashboard")
    axe(room, "workshop-room-screen")

    # Mid-game, a phone reloads: the same seat (role, name) and the same hand.
    reloader = by_table[2][0]
    role = reloader.get_by_role("heading", name=re.compile("^Your role")).inner_text()
    hand = hand_names(reloader)
    assert hand, "a hand of cards before the reload"
    reloader.reload()
    expect(reloader.get_by_role("heading", name="Your move: Proposals")).to_be_visible(
        timeout=LONG)
    expect(reloader.get_by_role("heading", name=re.compile("^Your role"))).to_have_text(role)
    assert hand_names(reloader) == hand
    # ... and plays on from it: the table waits for this seat's proposal like any other.

    proposed = play_round_one(dash, by_table)
    move_all_on_to_the_end(dash, 4)
    for phone in everyone:
        expect(phone.get_by_role("heading", name="Game over")).to_be_visible(timeout=LONG)
    for screen in screens:
        expect(screen.locator("#phase")).to_have_text("Game over", timeout=LONG)
    expect(room.get_by_text(re.compile(r"^Ended"))).to_have_count(4, timeout=LONG)
    no_sideways_scroll(everyone, "at the end")
    one_readable_screen(room, "at the end")

    # The cross-table debrief: every table, and what each adopted in the round it played.
    dash.get_by_role("link", name="Cross-table debrief").click()
    expect(dash.get_by_role("heading", name=f"{WORKSHOP}: the tables compared")) \
        .to_be_visible(timeout=LONG)
    codes = [t["code"] for t in overview["tables"]]
    rows = dash.locator("#scores tbody tr")
    expect(rows).to_have_count(4)
    for number, table_code in enumerate(codes, 1):
        expect(rows.nth(number - 1).get_by_role("rowheader")).to_have_text(
            f"Table {number} ({table_code})")
    radars = dash.get_by_role("region", name="Each table's criteria over the others'")
    for number in range(1, 5):
        expect(radars.get_by_role("img", name=re.compile(
            rf"^Table {number}'s criteria over the other tables'"))).to_have_count(1)
    round_one = dash.get_by_role("table", name=re.compile(r"^Round 1: adopted")) \
        .locator("tbody tr")
    expect(round_one).to_have_count(4)
    adopted: dict[int, list[str]] = {}
    for number in range(1, 5):
        cell = round_one.nth(number - 1).locator("td").first.inner_text()
        adopted[number] = [item.strip() for item in cell.split(";")]
        cards = {item.rsplit(" for ", 1)[0] for item in adopted[number]}
        # All five backed the first proposal, and only that one: it alone was adopted.
        assert len(cards) == 1 and cards <= proposed[number], (number, cell, proposed[number])
    axe(dash, "workshop-debrief")

    # The PDF report, downloaded from the debrief and read page by page: a cover, a page
    # per table with its code and the cards it adopted, then the comparison.
    link = dash.get_by_role("link", name=re.compile("^The report, as a PDF"))
    report = dash.request.get(base + link.get_attribute("href"), timeout=120_000)
    assert report.ok and report.headers["content-type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(report.body())
    pages = pdf_pages(path)
    cover = pages[0]
    assert WORKSHOP in cover and DAY in cover and "Run by Lead" in cover, cover
    for number, table_code in enumerate(codes, 1):
        page = pages[number]
        assert page.startswith(f"Table {number} ({table_code})"), page[:200]
        for item in adopted[number]:
            assert item in page, (number, item, page)
        assert f"Table {number % 4 + 1} (" not in page  # one table a page
    compared = " ".join(pages[5:])
    assert pages[5].startswith("The tables compared"), pages[5][:200]
    for number, table_code in enumerate(codes, 1):
        assert f"Table {number} ({table_code}): total" in compared, compared
    no_trouble(dash, room, *screens, *everyone)


# ---- 2. the same room over two server processes --------------------------------------------


@pytest.mark.services
def test_a_workshop_over_two_processes_reaches_every_phone(browser, server_pair):
    a, b = server_pair
    # The dashboard on A; the room screen and the debrief reach B (the same browser: the
    # sign-in holds there too); Ana, Cy and Ed join through A, Bo, Di and Fa through B.
    dash = new_page(browser, LAPTOP)
    signed_up(dash, a.url)
    code = create_workshop(dash, tables=2, seats=3, scenarios=(SCENARIO, OTHER_SCENARIO))
    workshop_id = dash.url.rsplit("/", 1)[1]
    room = watch(dash.context.new_page())
    room.set_viewport_size(PROJECTOR)
    room.goto(f"{b.url}/workshops/{workshop_id}/screen")
    expect(room.get_by_role("article")).to_have_count(2, timeout=LONG)

    names = list(NAMES[:6])
    phones = {**dict(zip(names[0::2], seat(browser, a.url, code, names[0::2]), strict=True)),
              **dict(zip(names[1::2], seat(browser, b.url, code, names[1::2]), strict=True))}
    expect(room.get_by_text("3 of 3 seated")).to_have_count(2, timeout=LONG)
    for name in names:  # the dashboard on A saw the phones on B sit down too
        expect(dash.locator("#tables").get_by_text(name, exact=True)).to_be_visible(
            timeout=LONG)
    overview = dash.request.get(f"{a.url}/api/workshops/{workshop_id}").json()
    scenarios = [dash.request.get(f"{b.url}/api/tables/{t['table']}").json()["table"]
                 ["scenario"] for t in overview["tables"]]
    assert scenarios == [SCENARIO, OTHER_SCENARIO]  # as the form chose

    command(dash, "Start all", "Started tables 1, 2.")
    for phone in phones.values():
        expect(phone.get_by_role("heading", name="Your move: Proposals")).to_be_visible(
            timeout=LONG)
    # Bo's phone is on B: the dashboard on A hears what Bo did.
    bo_table = next(t["number"] for t in overview["tables"]
                    if any(s["name"] == "Bo" for s in t["seats"]))
    propose_or_pass(phones["Bo"])
    expect(table_card(dash, bo_table)).to_contain_text(re.compile(r"Last: Bo (proposed|passed)"),
                                                       timeout=LONG)

    command(dash, "Pause all", "Paused tables 1, 2.")
    for phone in phones.values():
        expect(phone.locator("#phase")).to_have_text("Paused", timeout=LONG)
    expect(room.get_by_text(re.compile(r"^Paused · Round 1"))).to_have_count(2, timeout=LONG)
    dash.get_by_label("Message to every phone and screen in the room").fill("Back in five")
    dash.get_by_role("button", name="Send to the room").click()
    for page in (*phones.values(), room):
        message_shown(page, "Back in five")
    command(dash, "Resume all", "Resumed tables 1, 2.")
    for phone in phones.values():
        expect(phone.locator("#phase")).to_have_text("Proposals", timeout=LONG)

    move_all_on_to_the_end(dash, 2)
    for phone in phones.values():
        expect(phone.get_by_role("heading", name="Game over")).to_be_visible(timeout=LONG)
    expect(room.get_by_text(re.compile(r"^Ended"))).to_have_count(2, timeout=LONG)
    room.goto(f"{b.url}/workshops/{workshop_id}/debrief")
    expect(room.locator("#scores tbody tr")).to_have_count(2)
    no_trouble(dash, room, *phones.values())


def test_the_room_screen_keeps_twenty_tables_and_a_message_on_one_screen(browser, room_server):
    """The most tables a workshop may have, on the projector: before the start, with a
    message, and once every table plays (its longest lines: round, phase and time left):
    nothing below the fold and no text under 32 px, the code always on screen."""
    dash = new_page(browser, LAPTOP)
    signed_up(dash, room_server.url, "big.room")
    for phase in ("proposal", "discussion", "vote"):  # tables wait on their empty seats
        dash.locator(f"#t-{phase}").fill("600")
    # The difficulty picker offers the chosen deck's own difficulties, as on /new.
    dash.get_by_label("Deck", exact=True).select_option(DECK)
    offered = dash.get_by_label("Difficulty").locator("option:not([disabled])")
    expect(offered).to_have_count(4)  # "as the deck is written" and the deck's three
    dash.get_by_label("Difficulty").select_option("hostile-employer")
    code = create_workshop(dash, tables=20, seats=6)
    overview = dash.request.get(dash.url.replace("/workshops/", "/api/workshops/")).json()
    first = dash.request.get(f"{room_server.url}/api/tables/{overview['tables'][0]['table']}")
    assert first.json()["game"]["difficulty"] == "hostile-employer"
    room = watch(dash.context.new_page())
    room.set_viewport_size(PROJECTOR)
    room.goto(dash.url + "/screen")
    expect(room.get_by_role("article")).to_have_count(20, timeout=LONG)
    expect(room.locator("#room-code")).to_have_text(code)
    one_readable_screen(room, "twenty tables before the start")

    dash.get_by_label("Message to every phone and screen in the room").fill(
        "Welcome! Find a seat at any table with a free place, then wait for the start.")
    dash.get_by_role("button", name="Send to the room").click()
    message_shown(room, "Welcome! Find a seat")
    one_readable_screen(room, "twenty tables and a message")

    dash.get_by_role("button", name="Start all").click()
    expect(room.get_by_text(re.compile(r"^Round 1, "))).to_have_count(20, timeout=LONG)
    one_readable_screen(room, "twenty tables playing, and a message")
    expect(room.locator("#room-code")).to_be_visible()
    shot(room, "workshop-room-screen-twenty")
