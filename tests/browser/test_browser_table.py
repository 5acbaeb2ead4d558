"""At the table, as a workshop uses it: phones that follow the game whoever moves it on, a
projector screen that is one screen read from the back, and a debrief and exports that say
who really played each card. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request

import pytest
from browser_helpers import PHONE, PROJECTOR, api_table, axe, join, new_page, no_trouble, shot
from playwright.sync_api import Page, expect

from game.server.limits import MAX_NAME

pytestmark = pytest.mark.browser
CONSOLE = {"width": 1366, "height": 768}
SMALL_PROJECTOR = {"width": 1280, "height": 720}
SLOW = {"proposal": 900, "discussion": 900, "vote": 900}


def console(browser, t: dict) -> Page:
    fac = new_page(browser, CONSOLE, accept_downloads=True)
    fac.goto(t["facilitator_url"])
    expect(fac.get_by_role("heading", name="Facilitator console")).to_be_visible()
    return fac


def phones(browser, base: str, t: dict, names: list[str]) -> list[Page]:
    out = []
    for name in names:
        page = new_page(browser, PHONE)
        join(page, base, t["code"].replace("-", ""), name)
        out.append(page)
    return out


def hand(page: Page):
    return page.get_by_role("region", name=re.compile(r"^Your hand"))


def propose_first(page: Page) -> None:
    """Open the first closed card in the hand, pick its first group and propose it."""
    hand(page).get_by_role("button", expanded=False).first.click()
    group = page.get_by_role("group", name="Involve which group?").first
    group.get_by_role("radio").first.check()
    page.get_by_role("button", name=re.compile("^Propose ")).first.click()
    expect(page.get_by_text(re.compile(r"^✔ You proposed ")).or_(
        page.get_by_role("heading", name="Your move: Discussion"))).to_be_visible()


def to_the_bottom(page: Page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("scrollY") > 0, "the page should be long enough to scroll"


def on_first_screen(page: Page, locator) -> None:
    """The control is visible without scrolling: below the sticky bar, above the fold."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    top = page.locator("#top").bounding_box()
    assert box is not None and top is not None
    assert box["y"] >= top["y"] + top["height"] - 1, f"{box} is under the sticky bar {top}"
    assert box["y"] + box["height"] <= page.viewport_size["height"], f"{box} is below the fold"


def no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{what}: the page is {width} px wide"


def announced(page: Page) -> str:
    return page.locator("#announce").inner_text()


# ---- 1. phones follow the game -----------------------------------------------------------------


def test_phones_follow_every_phase_change_whoever_caused_it(browser, server):
    base = server.url
    t = api_table(base, seats=3, options={"timers": SLOW})
    fac = console(browser, t)
    ana, ben, chidi = phones(browser, base, t, ["Ana", "Ben", "Chidi"])
    expect(ana.get_by_text("You're in as Ana")).to_be_visible()
    fac.get_by_role("button", name="Start the game").click()
    expect(ana.get_by_role("heading", name="Your move: Proposals")).to_be_visible()

    # The hand is compact: every card closed to its name, pips and costs, the whole hand
    # about one screen; one tap opens a card.
    cards = hand(ana).get_by_role("button", expanded=False)
    expect(cards.first).to_be_visible()
    listed = ana.locator("#hand ul.hand").bounding_box()
    assert listed is not None and listed["height"] <= PHONE["height"], listed
    first = hand(ana).get_by_role("button", name=cards.first.inner_text(), exact=True)
    first.click()
    expect(first).to_have_attribute("aria-expanded", "true")
    expect(ana.get_by_role("group", name="Involve which group?")).to_be_visible()
    first.click()
    expect(first).to_have_attribute("aria-expanded", "false")

    # The sticky bar says the phase, the time left and what is expected of me.
    expect(ana.locator("#top")).to_contain_text("Proposals")
    expect(ana.locator("#top").get_by_role("timer")).to_be_visible()
    expect(ana.locator("#top")).to_contain_text("Your turn")
    shot(ana, "table-phone-proposal")

    # Ana proposes first and reads on down the page; the others' proposals move the table
    # to the discussion: her page comes back to what she must do now, and says so.
    propose_first(ana)
    expect(ana.locator("#top")).to_contain_text("Waiting for Ben and Chidi")
    to_the_bottom(ana)
    propose_first(ben)
    propose_first(chidi)
    on_first_screen(ana, ana.get_by_role("button", name="I'm ready to vote"))
    expect(ana.locator("#announce")).to_contain_text("Discussion")
    expect(ana.locator("#top")).to_be_in_viewport()

    # Others' moves redraw her page but leave her focus where it was (keyboard users).
    ana.get_by_role("button", name="I'm ready to vote").focus()
    ben.get_by_role("button", name="I'm ready to vote").click()
    expect(ana.get_by_text(re.compile(r"^Ben .*· ready$"))).to_be_visible()
    expect(ana.get_by_role("button", name="I'm ready to vote")).to_be_focused()

    # After saying she is ready, the instruction no longer asks her to.
    ana.keyboard.press("Enter")
    expect(ana.get_by_text("You are ready to vote.")).to_be_visible()
    expect(ana.get_by_text("say you are ready to vote")).to_have_count(0)

    # The facilitator moves the table on: the vote is on the first screen.
    to_the_bottom(ana)
    fac.get_by_role("button", name=re.compile(r"^Move on now")).click()
    expect(ana.get_by_role("heading", name="Your move: Vote")).to_be_visible()
    on_first_screen(ana, ana.get_by_role("checkbox").first)
    expect(ana.locator("#announce")).to_contain_text("Vote")
    shot(ana, "table-phone-vote")

    # Ana and Ben vote; Chidi does not, and the facilitator counts the votes. Chidi is
    # told his vote counted as a no; Ana, scrolled away, gets the result at the top.
    for p in (ana, ben):
        p.get_by_role("checkbox").first.check()
        p.get_by_role("button", name="Cast my vote").click()
        expect(p.get_by_text("Your vote is in.").first).to_be_visible()
    to_the_bottom(ana)
    fac.get_by_role("button", name=re.compile(r"^Move on now")).click()
    on_first_screen(ana, ana.get_by_role("button", name="Ready for the next round"))
    expect(chidi.get_by_text("The facilitator moved the table on before you voted: your vote "
                             "counted as a no to every proposal.", exact=True)).to_be_visible()
    expect(chidi.locator("#announce")).to_contain_text("counted as a no")
    for p in (ana, ben, chidi):
        no_sideways_scroll(p, "a phone in the result")
    axe(ana, "table-phone-result")
    no_trouble(fac, ana, ben, chidi)


def test_a_player_whose_time_ran_out_is_told_they_passed(browser, server):
    base = server.url
    # Two bots propose at once; Chidi lets the (short) proposal timer run out.
    t = api_table(base, seats=3, options={"bots": "greedy", "timers": {
        "proposal": 2, "discussion": 900, "vote": 900}})
    fac = console(browser, t)
    (chidi,) = phones(browser, base, t, ["Chidi"])
    fac.get_by_role("button", name="Start the game").click()
    expect(chidi.get_by_text("Time ran out before you chose: you passed this round.",
                             exact=True)).to_be_visible(timeout=15_000)
    expect(chidi.get_by_text(re.compile(r"^Chidi \(.*\) passed \(time ran out\)\.$"))) \
        .to_be_visible()
    expect(chidi.get_by_text(re.compile(r"^✔ You passed"))).to_have_count(0)
    no_trouble(fac, chidi)


def test_passing_asks_once_more(browser, server):
    base = server.url
    t = api_table(base, seats=3, options={"timers": SLOW, "bots": "greedy"})
    fac = console(browser, t)
    (ana,) = phones(browser, base, t, ["Ana"])
    fac.get_by_role("button", name="Start the game").click()
    ana.get_by_role("button", name="Pass this round…").click()
    expect(ana.get_by_role("group", name="Pass this round?")).to_be_visible()
    ana.get_by_role("button", name="Keep my choice open").click()
    expect(ana.get_by_role("heading", name="Your move: Proposals")).to_be_visible()
    expect(ana.get_by_role("button", name="Pass this round…")).to_be_focused()
    ana.get_by_role("button", name="Pass this round…").click()
    ana.get_by_role("button", name="Yes, pass").click()
    expect(ana.get_by_role("heading", name="Your move: Discussion")).to_be_visible()
    no_trouble(fac, ana)


# ---- 2. the projector --------------------------------------------------------------------------


ROOM_TEXT = ("#stage", "#phase", "#waiting", ".chip-code", ".scr-cards h3", ".total",
             ".outlook-mark", ".plan li", "#seats .name", ".event h3",
             ".res:not(.refused) > li > strong")


def one_screen(page: Page, what: str, fonts: bool, code: str = ".chip-code") -> None:
    """Nothing below the fold or off the side, and at 1080p the room's text at 32 px."""
    size = page.viewport_size
    dims = page.evaluate("[document.documentElement.scrollWidth, "
                         "document.documentElement.scrollHeight]")
    assert dims[0] <= size["width"] and dims[1] <= size["height"], f"{what}: page is {dims}"
    cut = page.evaluate("""(h) => [...document.querySelectorAll('#board *, .scr-head *')]
        .filter(e => e.offsetParent !== null && e.getClientRects().length)
        .filter(e => e.getBoundingClientRect().bottom > h + 1)
        .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 30))""",
                        size["height"])
    assert not cut, f"{what}: below the fold: {cut[:5]}"
    expect(page.locator(code)).to_be_in_viewport()
    if fonts:
        small = page.evaluate("""(sels) => sels.flatMap(s => [...document.querySelectorAll(s)]
            .filter(e => e.offsetParent !== null)
            .map(e => [s, parseFloat(getComputedStyle(e).fontSize)]))
            .filter(([s, px]) => px < 31.9)""", list(ROOM_TEXT))
        assert not small, f"{what}: text the room reads is under 32 px: {small}"


def test_the_table_screen_is_one_screen_read_from_the_back(browser, server):
    base = server.url
    t = api_table(base, seats=6, options={"timers": SLOW, "bots": "greedy"})
    fac = console(browser, t)
    scr = new_page(browser, PROJECTOR)
    scr.goto(t["screen_url"])
    expect(scr.get_by_text(f"Join code: {t['code']}")).to_be_visible()
    name = "Long name " + "x" * (MAX_NAME - 10)
    (ana,) = phones(browser, base, t, [name])
    for viewport, label in ((PROJECTOR, "1080p"), (SMALL_PROJECTOR, "720p")):
        scr.set_viewport_size(viewport)
        one_screen(scr, f"lobby {label}", fonts=False, code=".code-big")
        shot(scr, f"table-screen-lobby-{label}")
    scr.set_viewport_size(PROJECTOR)
    fac.get_by_role("button", name="Start the game").click()
    expect(scr.get_by_role("heading", name=re.compile(r"^Proposals: \d of 6 in"))).to_be_visible()
    # Once the game has started the code stays, small, for latecomers.
    expect(scr.locator(".chip-code")).to_have_text(f"Join code: {t['code']}")
    expect(scr.get_by_text(re.compile(r"Too early to tell"))).to_be_visible()

    for viewport, label in ((PROJECTOR, "1080p"), (SMALL_PROJECTOR, "720p")):
        scr.set_viewport_size(viewport)
        one_screen(scr, f"proposals {label}", fonts=viewport is PROJECTOR)
    scr.set_viewport_size(PROJECTOR)

    propose_first(ana)
    expect(scr.get_by_role("heading", name=re.compile(r"^Proposals"))).to_be_visible()
    expect(scr.locator(".scr-cards > li")).to_have_count(6)
    for viewport, label in ((PROJECTOR, "1080p"), (SMALL_PROJECTOR, "720p")):
        scr.set_viewport_size(viewport)
        one_screen(scr, f"discussion {label}", fonts=viewport is PROJECTOR)
        shot(scr, f"table-screen-discussion-{label}")
    scr.set_viewport_size(PROJECTOR)

    ana.get_by_role("button", name="I'm ready to vote").click()
    ana.get_by_role("checkbox").first.check()
    ana.get_by_role("button", name="Cast my vote").click()
    expect(scr.get_by_role("heading", name=re.compile(r"^This round: [+−]?\d+ points?"))) \
        .to_be_visible()
    # On track or at risk, against the win line, in words as well as colour.
    expect(scr.get_by_text(re.compile(r"^(▲ On track to win|▼ At risk)$"))).to_be_visible()
    expect(scr.get_by_text(re.compile(r"^Win line: "))).to_be_visible()
    for viewport, label in ((PROJECTOR, "1080p"), (SMALL_PROJECTOR, "720p")):
        scr.set_viewport_size(viewport)
        one_screen(scr, f"result {label}", fonts=viewport is PROJECTOR)
        shot(scr, f"table-screen-result-{label}")
    axe(scr, "table-screen-result")
    no_trouble(fac, scr, ana)


# ---- 3. 4. a seat that changes hands ------------------------------------------------------------


def test_the_debrief_credits_each_play_to_who_held_the_seat(browser, server):
    base = server.url
    t = api_table(base, seats=3, options={"timers": SLOW, "bots": "greedy"})
    fac = console(browser, t)
    ana, ben, chidi = phones(browser, base, t, ["Ana", "Ben", "Chidi"])
    console_errors: list[str] = []
    chidi.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    fac.get_by_role("button", name="Start the game").click()
    propose_first(ana)
    propose_first(ben)

    # The facilitator frees Chidi's seat: his phone says so once, with no reconnecting
    # banner and nothing left to do at the table.
    fac.get_by_role("button", name="Remove Chidi from seat 3").click()
    fac.get_by_role("button", name="Yes, remove Chidi").click()
    expect(chidi.get_by_role("heading", name="You no longer have a seat")).to_be_visible()
    expect(chidi.get_by_role("link", name="Join again")).to_be_visible()
    expect(chidi.locator("#conn")).to_have_text("")
    expect(chidi.get_by_role("heading", name=re.compile("^Your move"))).to_be_hidden()
    expect(chidi.locator("#expect")).to_have_text("")
    expect(chidi.locator("#announce")).not_to_contain_text("propose")
    assert not [e for e in console_errors if "WebSocket" in e], console_errors

    # A bot plays seat 3, and proposes at once; then Dana takes the seat.
    fac.get_by_role("button", name="Add a bot to seat 3").click()
    expect(ana.get_by_role("heading", name="Your move: Discussion")).to_be_visible()
    bot_card = re.sub(r"^Bot 3: ", "", ana.get_by_role("heading", name=re.compile(
        r"^Bot 3: ")).inner_text())
    fac.get_by_role("button", name="Remove Bot 3 from seat 3").click()
    fac.get_by_role("button", name="Yes, remove Bot 3").click()
    (dana,) = phones(browser, base, t, ["Dana"])
    expect(dana.get_by_text(f"Before you took this seat, Bot 3 proposed {bot_card} for it "
                            "this round.")).to_be_visible()
    expect(dana.get_by_text(re.compile("^✔ You proposed"))).to_have_count(0)
    expect(dana.get_by_role("heading", name=f"Bot 3: {bot_card}")).to_be_visible()

    # The round is played out (the bot had said seat 3 was ready) and the game ended.
    for p in (ana, ben):
        p.get_by_role("button", name="I'm ready to vote").click()
    for p in (ana, ben, dana):
        for box in p.get_by_role("checkbox").all():
            box.check()
        p.get_by_role("button", name="Cast my vote").click()
    expect(dana.get_by_role("heading", name="Your move: Results")).to_be_visible()
    fac.get_by_role("button", name="End the game…").click()
    fac.get_by_role("button", name="Yes, end the game").click()
    fac.get_by_role("link", name="Open the debrief").click()
    expect(fac.get_by_role("heading", name=re.compile("^Debrief: "))).to_be_visible()
    proposed = fac.get_by_role("paragraph").filter(has_text=re.compile(r"^Proposed: "))
    expect(proposed).to_contain_text(f"Bot 3 (bot): {bot_card}")
    expect(proposed).not_to_contain_text("Dana:")
    expect(proposed).not_to_contain_text("Chidi:")

    with fac.expect_download() as dl:
        fac.get_by_role("link", name="Download JSON").click()
    record = json.loads(dl.value.path().read_text())
    by = {p["seat"]: p["by"] for p in record["rounds"][0]["proposals"]}
    assert by == {1: "Ana", 2: "Ben", 3: "Bot 3 (bot)"}
    voters = {v["seat"]: v["by"] for v in record["rounds"][0]["votes"]}
    assert voters == {1: "Ana", 2: "Ben", 3: "Dana"}, "Dana held seat 3 when it voted"
    no_trouble(fac, ana, ben, dana)


# ---- 5. 6. 13. one scoring language, a debrief that fits, exports to file ------------------------


def test_points_add_up_everywhere_and_the_exports_can_be_filed(browser, server):
    base = server.url
    t = api_table(base, seats=3, options={"timers": SLOW, "bots": "greedy"})
    fac = console(browser, t)
    scr = new_page(browser, PROJECTOR)
    scr.goto(t["screen_url"])
    (ana,) = phones(browser, base, t, ["@Ana"])
    fac.get_by_role("button", name="Start the game").click()
    propose_first(ana)
    ana.get_by_role("button", name="I'm ready to vote").click()
    for box in ana.get_by_role("checkbox").all():
        box.check()
    ana.get_by_role("button", name="Cast my vote").click()
    line = ana.get_by_text(re.compile(r"^This round: [+−]?\d+ points?"))
    expect(line).to_be_visible()
    points = int(re.search(r"[+−]?(\d+) point", line.inner_text()).group(1))
    total = int(re.search(r"now (\d+)", ana.locator(".round-points").inner_text()).group(1))
    assert points == total, "round 1 is the whole total"
    # Every change listed adds up to the round's points.
    listed = ana.locator("#act ul.changes:not(.tracks-moved) .amt").all_inner_texts()
    assert sum(int(x.replace("−", "-")) for x in listed) == points
    expect(scr.locator(".total")).to_have_text(f"Weighted total {total}")
    expect(ana.locator("#scores")).to_contain_text(f"Weighted total: {total}")

    fac.get_by_role("button", name="End the game…").click()
    fac.get_by_role("button", name="Yes, end the game").click()
    fac.get_by_role("link", name="Open the debrief").click()
    expect(fac.get_by_text(re.compile(rf"^Points: \+{points} on the weighted total"))) \
        .to_be_visible()
    expect(fac.get_by_text(re.compile(rf"^Weighted total: {total} points"))).to_be_visible()
    # At 1366 px the criteria table is whole, beside the tracks table, not under it.
    points_head = fac.get_by_role("columnheader", name="Points")
    expect(points_head).to_be_visible()
    box = points_head.bounding_box()
    tracks = fac.get_by_role("table").filter(has=fac.get_by_role("columnheader", name="Track"))
    other = tracks.bounding_box()
    assert box["x"] + box["width"] <= other["x"] or box["y"] >= other["y"] + other["height"] \
        or box["x"] >= other["x"] + other["width"], (box, other)
    no_sideways_scroll(fac, "debrief at 1366")
    shot(fac, "table-debrief-console")

    with fac.expect_download() as dl:
        fac.get_by_role("link", name="Download CSV").click()
    code = t["code"].replace("-", "")
    assert re.fullmatch(rf"governance-game-{code}-\d{{4}}-\d\d-\d\d\.csv",
                        dl.value.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(dl.value.path().read_text())))
    kinds = {r["what"] for r in rows}
    assert {"table", "player", "proposal", "vote", "adopted", "score change",
            "final criterion"} <= kinds
    facts = {r["target"]: r["detail"] for r in rows if r["what"] == "table"}
    assert facts["table code"] == t["code"] and re.fullmatch(r"\d{4}-\d\d-\d\d", facts["date"])
    assert facts["scenario"] == "The council's front-door chatbot"
    proposal = next(r for r in rows if r["what"] == "proposal" and r["seat"] == "1")
    assert proposal["who"] == "'@Ana", "a name starting with @ is defused for spreadsheets"
    deck = json.load(urllib.request.urlopen(f"{base}/api/decks/good-governance"))
    assert proposal["card"] in {c["name"] for c in deck["interventions"]}
    assert any(r["what"] == "player" and r["who"] == "'@Ana" for r in rows)

    ana.get_by_role("link", name="See the debrief").click()
    expect(ana.get_by_role("heading", name=re.compile("^Debrief: "))).to_be_visible()
    no_sideways_scroll(ana, "debrief at 360")
    shot(ana, "table-debrief-phone")
    no_trouble(fac, scr, ana)


# ---- 9. 10. 11. 14. the room's network, long names, joining, small things ------------------------


def test_a_loopback_address_is_flagged_with_the_address_to_use(browser, server):
    page = new_page(browser, CONSOLE)
    page.goto(f"{server.url}/new")
    warn = page.get_by_role("region", name=re.compile(r"^Phones cannot reach 127\.0\.0\.1"))
    expect(warn).to_be_visible()
    expect(warn).to_contain_text("HOST=0.0.0.0")
    links = warn.get_by_role("link", name=re.compile(r"^Open this page at http:\/\/"))
    if links.count():
        href = links.first.get_attribute("href")
        assert re.fullmatch(r"http://[\d.]+:\d+/new", href) and "127.0.0.1" not in href
    else:
        expect(warn).to_contain_text("no network address phones could use")
    axe(page, "table-new-loopback")
    t = api_table(server.url, seats=3)
    scr = new_page(browser, PROJECTOR)
    scr.goto(t["screen_url"])
    expect(scr.get_by_role("region", name=re.compile(r"^Phones cannot reach"))).to_be_visible()
    no_trouble(page, scr)


def test_long_names_never_break_a_layout_and_joining_says_what_next(browser, server):
    base = server.url
    page = new_page(browser, PHONE)
    page.goto(f"{base}/join")
    name_box = page.get_by_role("textbox", name="Your name")
    assert name_box.get_attribute("maxlength") == str(MAX_NAME)
    expect(page.get_by_text(f"up to {MAX_NAME} characters")).to_be_visible()

    t = api_table(base, seats=3, options={"timers": SLOW})
    fac = console(browser, t)
    longest = "W" * MAX_NAME
    players = phones(browser, base, t, [longest, "Ben", "Chidi"])
    expect(players[0].get_by_text(re.compile("You're in as W+"))).to_be_visible()
    # A full table says what to do next.
    late = new_page(browser, PHONE)
    late.goto(f"{base}/join/{t['code'].replace('-', '')}")
    late.get_by_role("textbox", name="Your name").fill("Dee")
    late.get_by_role("button", name="Take a seat").click()
    expect(late.get_by_role("alert")).to_contain_text("Ask the facilitator to free a seat")

    fac.get_by_role("button", name="Start the game").click()
    for p in players:
        expect(p.get_by_role("heading", name="Your move: Proposals")).to_be_visible()
        top = p.locator("#top").bounding_box()
        assert top["height"] <= 0.15 * PHONE["height"], f"the sticky bar is {top['height']} px"
        no_sideways_scroll(p, "a phone with a long name at the table")
    for p in players[1:]:
        propose_first(p)
    expect(players[1].locator("#top")).to_contain_text("Waiting for")
    assert players[1].locator("#top").bounding_box()["height"] <= 0.15 * PHONE["height"]
    # The console: the Remove button keeps to its own line and the page to its width.
    remove = fac.get_by_role("button", name=f"Remove {longest} from seat 1")
    seat_line = fac.get_by_text(f"Seat 1: {longest}")
    b, s = remove.bounding_box(), seat_line.bounding_box()
    assert b["y"] >= s["y"] + s["height"] - 1, "the button sits below the name"
    no_sideways_scroll(fac, "console with a long name")
    fac.set_viewport_size(PHONE)
    no_sideways_scroll(fac, "console at 360 with a long name")
    no_trouble(fac, late, *players)


def test_the_new_table_options_show_their_whole_text(browser, server):
    page = new_page(browser, PHONE)
    page.goto(f"{server.url}/new")
    page.get_by_role("button", name=re.compile("^More options")).click()
    for label in ("Hands", "After each round, discard", "How the table decides"):
        select = page.get_by_role("combobox", name=label)
        clipped = select.evaluate("""(s) => {
            const c = document.createElement('canvas').getContext('2d');
            const st = getComputedStyle(s);
            c.font = `${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
            const pad = parseFloat(st.paddingLeft) + parseFloat(st.paddingRight);
            const room = s.clientWidth - pad - 24;  // 24 px for the arrow
            return [...s.options].filter(o => c.measureText(o.text).width > room).map(o => o.text);
        }""")
        assert not clipped, f"{label}: cut off at 360 px: {clipped}"
    labels = page.locator(".row3 label")
    tops = [labels.nth(i).bounding_box()["y"] for i in range(labels.count())]
    assert len(set(round(t) for t in tops)) in (1, 3), f"timer fields half wrapped: {tops}"
    no_sideways_scroll(page, "new table at 360")
    no_trouble(page)


def test_no_page_scrolls_sideways_at_360(browser, server):
    base = server.url
    t = api_table(base, seats=3)
    page = new_page(browser, PHONE)
    for path in ("/", "/join", "/new", "/practice", t["screen_url"].replace(base, ""),
                 t["facilitator_url"].replace(base, "")):
        page.goto(base + path)
        expect(page.locator("main")).to_be_visible()
        page.wait_for_load_state("networkidle")
        no_sideways_scroll(page, path.split("#")[0])
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16, f"{path.split('#')[0]}: body text is {size} px at 360"
    no_trouble(page)
