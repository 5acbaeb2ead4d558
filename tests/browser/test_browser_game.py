"""A facilitator and four players, each in their own browser, play a whole game to the
debrief. Every control is found by its role and accessible name; one player uses only the
keyboard. Screenshots of every step go to test-artifacts/browser/."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from browser_helpers import LAPTOP, PHONE, PROJECTOR, axe, join, new_page, no_trouble, shot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NAMES = ["Ana", "Ben", "Chidi", "Dana"]
KEYBOARD = 1  # Ben plays by keyboard only


def press(page: Page, locator, key: str = "Enter") -> None:
    locator.focus()
    page.keyboard.press(key)


def use(page: Page, locator, keyboard: bool, key: str = "Enter") -> None:
    if keyboard:
        press(page, locator, key)
    else:
        locator.click()


def propose(page: Page, keyboard: bool = False, passing: bool = False) -> None:
    expect(page.get_by_role("heading", name="Your move: Proposals")).to_be_visible()
    if passing:
        use(page, page.get_by_role("button", name="Pass this round…"), keyboard)
        use(page, page.get_by_role("button", name="Yes, pass"), keyboard)
        expect(page.get_by_text("You passed this round.").or_(
            page.get_by_role("heading", name=re.compile("^Your move: (Discussion|Results)"))
        )).to_be_visible()
        return
    act = page.get_by_role("region", name=re.compile("^Your move"))
    if act.get_by_text(re.compile(r"^Nothing in your hand fits")).is_visible():
        return propose(page, keyboard, passing=True)  # the budget pays for none of them
    # Each card in the hand opens with one tap on its name; the first group the budget can
    # pay for is chosen (a group it cannot is labelled so, and refused).
    hand = page.get_by_role("region", name=re.compile(r"^Your hand"))
    fits = re.compile(r", cost \d+$")
    cards = hand.get_by_role("article")
    for i in range(cards.count()):
        card = cards.nth(i)
        use(page, card.get_by_role("button", expanded=False).first, keyboard)
        if card.get_by_role("radio", name=fits).count():
            break
    radio = card.get_by_role("radio", name=fits).first
    if keyboard:
        press(page, radio, "Space")
    else:
        radio.check()
    expect(radio).to_be_checked()
    use(page, card.get_by_role("button", name=re.compile(r"^Propose ")), keyboard)
    expect(page.get_by_text(re.compile(r"^✔ You proposed ")).or_(
        page.get_by_role("heading", name="Your move: Discussion"))).to_be_visible()


def ready(page: Page, label: str, keyboard: bool = False) -> None:
    use(page, page.get_by_role("button", name=label), keyboard)


def vote_for_all(page: Page, keyboard: bool = False) -> None:
    expect(page.get_by_role("heading", name="Your move: Vote")).to_be_visible()
    boxes = page.get_by_role("checkbox", name=re.compile(r"^Back "))
    expect(boxes.first).to_be_visible()
    for i in range(boxes.count()):
        if keyboard:
            press(page, boxes.nth(i), "Space")
        else:
            boxes.nth(i).check()
        expect(boxes.nth(i)).to_be_checked()
    use(page, page.get_by_role("button", name="Cast my vote"), keyboard)
    expect(page.get_by_text("Your vote is in.").or_(
        page.get_by_role("heading", name="Your move: Results"))).to_be_visible()


def test_a_table_plays_a_whole_game_to_the_debrief(browser, server, tmp_path):
    base = server.url
    fac = new_page(browser, LAPTOP, accept_downloads=True)

    # Home, then open a table with five seats and long timers.
    fac.goto(f"{base}/")
    expect(fac.get_by_role("heading", name="Who gets a say over the data?")).to_be_visible()
    fac.get_by_role("link", name="Start a table").click()
    fac.get_by_role("combobox", name="Deck").select_option("good-governance")
    fac.get_by_role("combobox", name=re.compile("^Scenario")).select_option("council-chatbot")
    fac.get_by_role("spinbutton", name="Seats at the table").fill("5")
    fac.get_by_role("button", name=re.compile("^More options")).click()
    fac.get_by_role("combobox", name="How the table decides").select_option("majority")
    for label in ("Proposal phase", "Discussion phase", "Vote phase"):
        fac.get_by_role("spinbutton", name=label).fill("900")
    axe(fac, "new")
    shot(fac, "new-options-laptop")
    fac.get_by_role("button", name="Open the table").click()
    expect(fac.get_by_role("heading", name="Your table is open")).to_be_visible()
    expect(fac.get_by_role("img", name=re.compile("^QR code for the join link"))).to_be_visible()
    code = fac.locator("#opened-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", code)
    axe(fac, "new-opened")
    shot(fac, "new-opened-laptop")
    screen_url = fac.get_by_role("link", name="Open the table screen").get_attribute("href")
    fac.get_by_role("link", name="Open the facilitator console").click()
    expect(fac.get_by_role("heading", name="Facilitator console")).to_be_visible()
    expect(fac.get_by_role("button", name="Start the game")).to_be_visible()
    assert "key=" not in fac.url, "the key is taken out of the address bar"

    scr = new_page(browser, PROJECTOR)
    scr.goto(screen_url)
    expect(scr.get_by_role("heading", name="Join this table")).to_be_visible()
    expect(scr.get_by_text(f"Join code: {code}")).to_be_visible()
    expect(scr.get_by_role("img", name=re.compile("^QR code"))).to_be_visible()

    players = []
    for name in NAMES:
        page = new_page(browser, PHONE)
        join(page, base, code.replace("-", ""), name)
        players.append(page)
    expect(players[0].get_by_text("Waiting for the facilitator to start the game.")).to_be_visible()
    axe(players[0], "play-lobby")
    shot(players[0], "play-lobby-phone")
    shot(scr, "screen-lobby-projector")
    axe(scr, "screen-lobby")

    # Seats: everyone connected; a bot in the empty seat, removed, and added again.
    expect(fac.get_by_text("● Connected")).to_have_count(4)
    fac.get_by_role("button", name="Add a bot to seat 5").click()
    expect(fac.get_by_text("Seat 5: Bot 5")).to_be_visible()
    fac.get_by_role("button", name="Remove Bot 5 from seat 5").click()
    fac.get_by_role("button", name="Yes, remove Bot 5").click()
    expect(fac.get_by_role("button", name="Add a bot to seat 5")).to_be_visible()
    fac.get_by_role("button", name="Add a bot to seat 5").click()
    expect(fac.get_by_text("Seat 5: Bot 5")).to_be_visible()
    axe(fac, "facilitate-lobby")
    shot(fac, "facilitate-lobby-laptop")

    fac.get_by_role("button", name="Start the game").click()
    expect(fac.get_by_role("button", name="Pause")).to_be_visible()
    for p in players:
        expect(p.get_by_role("heading", name="Your move: Proposals")).to_be_visible()
    expect(players[0].get_by_role("timer")).to_have_text(re.compile(r"1[45]:\d\d"))

    # Timer: extend by a minute; pause and resume.
    fac.get_by_role("button", name="Add 1 minute").click()
    expect(fac.get_by_role("timer")).to_have_text(re.compile(r"Time left: 1[56]:\d\d"))
    fac.get_by_role("button", name="Pause").click()
    expect(players[2].get_by_text("The facilitator has paused the game.")).to_be_visible()
    expect(players[2].get_by_role("button", name=re.compile("^Propose "))).to_have_count(0)
    shot(scr, "screen-paused-projector")
    fac.get_by_role("button", name="Resume").click()
    expect(players[2].get_by_role("button", name="Pass this round…")).to_be_visible()

    # A role's ability, for a player whose ability can be used in this phase.
    for p in players:
        expect(p.get_by_role("button", name="Pass this round…")).to_be_visible()
    for p in players:
        ability = p.get_by_role("button", name=re.compile(r"^Use "))
        if ability.count():
            ability.click()
            expect(p.get_by_text("✔ Used.")).to_be_visible()
            expect(scr.get_by_text(re.compile(r"used their ability"))).to_be_visible()
            break

    shot(players[0], "play-proposal-phone")
    axe(players[0], "play-proposal")
    shot(scr, "screen-proposal-projector")
    axe(scr, "screen-proposal")
    shot(fac, "facilitate-proposal-laptop")
    axe(fac, "facilitate-playing")

    for rnd in range(1, 6):
        for i, p in enumerate(players):
            kb = i == KEYBOARD
            if rnd == 2 and i == 2:
                # A reload mid-round: back in the same seat, and the game goes on.
                p.reload()
                expect(p.get_by_text(re.compile(r"^Chidi \(you\)"))).to_be_visible()
            propose(p, keyboard=kb, passing=(rnd == 3 and i == 0))
            if rnd == 2 and i == 0:
                p.reload()
                expect(p.get_by_text(re.compile(r"^✔ You proposed "))).to_be_visible()
        # Discussion: everyone's proposals are revealed. When the budget pays for nothing
        # anyone holds, everyone passes and the round goes straight to its result.
        discussion = players[0].get_by_role("heading", name="Your move: Discussion")
        results = players[0].get_by_role("heading", name="Your move: Results")
        expect(discussion.or_(results)).to_be_visible()
        if results.is_visible():
            # By then round 2's timer steps have run; the facilitator moving a table on is
            # also covered by test_browser_table.py.
            assert rnd >= 4, "the budget ran out too early for this test's steps"
            label = "Ready to finish" if rnd == 5 else "Ready for the next round"
            for p in players:
                p.get_by_role("button", name=label).click()
            continue
        for p in players:
            expect(p.get_by_role("heading", name="Your move: Discussion")).to_be_visible()
        expect(players[0].get_by_role("heading", name=re.compile(r"^Bot 5: ")).or_(
            players[0].get_by_text(re.compile(r"^Bot 5 .*passed\.$")))).to_be_visible()
        if rnd == 1:
            shot(players[0], "play-discussion-phone")
            axe(players[0], "play-discussion")
            shot(scr, "screen-discussion-projector")
        if rnd == 2:
            # Stopping the timer stops the countdown; the discussion goes on until all are ready.
            fac.get_by_role("button", name="Stop the timer").click()
            expect(fac.get_by_role("timer")).to_have_count(0)
            expect(players[0].get_by_role("timer")).to_have_count(0)
            expect(players[0].get_by_role("button", name="I'm ready to vote")).to_be_visible()
            for i, p in enumerate(players):
                ready(p, "I'm ready to vote", keyboard=i == KEYBOARD)
        elif rnd == 4:
            fac.get_by_role("button", name=re.compile(r"^Move on now")).click()
        else:
            for i, p in enumerate(players):
                ready(p, "I'm ready to vote", keyboard=i == KEYBOARD)
        # Vote.
        for i, p in enumerate(players):
            if rnd == 1 and i == 0:
                shot(p, "play-vote-phone")
                axe(p, "play-vote")
            vote_for_all(p, keyboard=i == KEYBOARD)
        for p in players:
            expect(p.get_by_role("heading", name="Your move: Results")).to_be_visible()
        adopted = re.compile(r"^(Adopted \(\d\)|Nothing was adopted)$")
        expect(players[0].get_by_role("heading", name=adopted)).to_be_visible()
        if rnd == 1:
            expect(players[0].get_by_text(re.compile(r"^✔ Adopted: ")).first).to_be_visible()
            shot(players[0], "play-result-phone")
            axe(players[0], "play-result")
            shot(scr, "screen-result-projector")
            axe(scr, "screen-result")
            shot(fac, "facilitate-result-laptop")
        label = "Ready to finish" if rnd == 5 else "Ready for the next round"
        for i, p in enumerate(players):
            ready(p, label, keyboard=i == KEYBOARD)

    # The end.
    for p in players:
        expect(p.get_by_role("heading", name="Game over")).to_be_visible()
        expect(p.get_by_role("link", name="See the debrief")).to_be_visible()
    expect(scr.get_by_text("Game over", exact=True)).to_be_visible()
    expect(scr.get_by_text(re.compile(r"The table (won together|did not win)"))).to_be_visible()
    shot(players[0], "play-ended-phone")
    axe(players[0], "play-ended")
    shot(scr, "screen-ended-projector")
    axe(scr, "screen-ended")
    shot(fac, "facilitate-ended-laptop")

    # The debrief.
    fac.get_by_role("link", name="Open the debrief").click()
    expect(fac.get_by_role("heading", name=re.compile("^Debrief: "))).to_be_visible()
    expect(fac.get_by_role("img", name=re.compile("^Radar of the criteria"))).to_be_visible()
    expect(fac.get_by_role("img", name=re.compile("^Tracks over time"))).to_be_visible()
    for n in range(1, 6):
        expect(fac.get_by_role("heading", name=re.compile(rf"^Round {n}: "))).to_be_visible()
    expect(fac.get_by_text(re.compile(r"The table (won together|did not win)"))).to_be_visible()
    expect(fac.get_by_text(re.compile(r"^✔ Met: |^✘ Not met: "))).to_have_count(5)
    axe(fac, "debrief")
    shot(fac, "debrief-laptop")

    with fac.expect_download() as dl:
        fac.get_by_role("link", name="Download JSON").click()
    data = json.loads((dl.value.path()).read_text())
    assert len(data["rounds"]) == 5 and data["finished"]
    assert re.fullmatch(rf"governance-game-{code.replace('-', '')}-\d{{4}}-\d\d-\d\d\.json",
                        dl.value.suggested_filename)
    with fac.expect_download() as dl:
        fac.get_by_role("link", name="Download CSV").click()
    assert dl.value.suggested_filename.endswith(".csv") and code.replace("-", "") in \
        dl.value.suggested_filename
    rows = list(csv.reader(io.StringIO(dl.value.path().read_text())))
    assert rows[0][:4] == ["what", "round", "stage", "seat"] and len(rows) > 5

    fac.emulate_media(media="print")
    fac.set_viewport_size({"width": 720, "height": 1000})  # about A4 less its margins
    shot(fac, "debrief-print")
    pdf = tmp_path / "debrief.pdf"
    fac.pdf(path=str(pdf), format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 1 <= pages <= 2, f"the printed debrief takes {pages} pages"
    fac.emulate_media(media="screen")
    fac.set_viewport_size(LAPTOP)

    players[0].get_by_role("link", name="See the debrief").click()
    expect(players[0].get_by_role("heading", name=re.compile("^Debrief: "))).to_be_visible()
    shot(players[0], "debrief-phone")
    axe(players[0], "debrief-phone")

    # Reopening the join link later goes straight back to the seat.
    players[3].goto(f"{base}/join/{code.replace('-', '')}")
    players[3].wait_for_url(re.compile(r"/play/"))
    expect(players[3].get_by_text(re.compile(r"^Dana \(you\)"))).to_be_visible()

    no_trouble(fac, scr, *players)
