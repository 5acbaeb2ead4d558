"""The deck-format gaps of issue 11 as a learner meets them on a phone: a stage's objective and
principles during its round, an event drawn after the scoring with the round's result, the cost
change it makes for the next round, and a scenario's own win at the end."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from browser_helpers import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    axe,
    join,
    new_page,
    no_trouble,
    play_solo_round,
    shot,
)
from conftest import Server
from fixtures.smalldecks import audit_event, deck_head
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DECK = deck_head("formats", "Formats", description="The new words of the deck format.",
                 tags=["open"], tracks=[("budget", 12, 20), ("trust", 5, 10)]) + """\
  missing_ratings: zero
  win: {total: {at_least: 0}}
stages:
  - id: plan
    name: Plan
    prompt: Who decides what the project is for?
    objective: Agree what the project is for, with the people it affects.
    principles: |
      Nothing about us without us.
      Say no early rather than late.
  - {id: review, name: Review}
interventions:
  - {id: jury, name: Jury, description: A small random group gives a verdict., why: Time.,
     tags: [open], reach: {public: 1}, ratings: {voice: 3}, copies: 4}
  - {id: poll, name: Poll, description: A quick poll., why: Quick., reach: {public: 1},
     copies: 4}
events:
""" + audit_event(
    effects=["cost: {change: 1}"],
    rules=["{why: Being audited builds trust, per: round, then: {add: {trust: 1}}}"]) + """
scenarios:
  - id: pilot
    name: Pilot
    context: Two rounds.
    affected: [public]
    stages: [plan, review]
    win: {track: {trust: {at_least: 99}}}
"""


@pytest.fixture
def formats_server(tmp_path, chromium):
    folder = tmp_path / "cards" / "formats"
    folder.mkdir(parents=True)
    (folder / "deck.yaml").write_text(DECK)
    srv = Server(tmp_path, cards_dir=tmp_path / "cards").start()
    yield srv
    srv.stop()


def test_a_learner_sees_the_new_parts_of_a_deck(browser, formats_server):
    page = new_page(browser, PHONE)
    page.goto(f"{formats_server.url}/practice")
    page.get_by_label("Deck").select_option("formats")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(re.compile(r"/play/"))
    round_box = page.get_by_role("region", name="This round")
    expect(round_box.get_by_text("Objective: Agree what the project is for, with the people "
                                 "it affects.")).to_be_visible()
    expect(round_box.get_by_text("Principles: Nothing about us without us.")).to_be_visible()
    play_solo_round(page, 1)
    act = page.get_by_role("region", name=re.compile("^Your move"))
    expect(act.get_by_role("heading", name="Drawn after the scoring")).to_be_visible()
    expect(act.get_by_role("heading", name="The audit")).to_be_visible()
    expect(act.get_by_text("drawn after the round is scored")).to_be_visible()
    expect(act.get_by_text("Now: next round costs +1")).to_be_visible()
    expect(act.get_by_text(re.compile(r"^Next round: \+1 \(The audit\)"))).to_be_visible()
    expect(act.get_by_text("Trust: Being audited builds trust")).to_be_visible()  # its point
    shot(page, "formats-after-scoring-phone")
    axe(page, "formats-after-scoring")
    page.get_by_role("button", name="Ready for the next round").click()
    # The review stage has no objective: none is shown.
    expect(round_box.get_by_text(re.compile("^Objective:"))).to_have_count(0)
    expect(round_box.get_by_text(re.compile(r"^Costs this round: \+1 \(The audit\)"))) \
        .to_be_visible()
    play_solo_round(page, 2)
    page.get_by_role("button", name="Ready to finish").click()
    expect(page.get_by_text("To win: Trust is at least 99")).to_be_visible()
    expect(page.get_by_text("The table did not win this time.")).to_be_visible()
    no_trouble(page)


def test_the_table_screen_keeps_the_principles_lines(browser, formats_server):
    """Principles written as lines (`|` in YAML) are read from the back of the room as lines."""
    body = json.dumps({"deck": "formats", "scenario": "pilot", "seats": 2,
                       "options": {"bots": "greedy"}}).encode()
    req = urllib.request.Request(f"{formats_server.url}/api/tables", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        t = json.load(res)
    phone = new_page(browser, PHONE)
    join(phone, formats_server.url, t["code"].replace("-", ""), "Sol")
    scr = new_page(browser, PROJECTOR)
    scr.goto(t["screen_url"])
    fac = new_page(browser, LAPTOP)
    fac.goto(t["facilitator_url"])
    fac.get_by_role("button", name="Start the game").click()
    principles = scr.locator("p").filter(has_text=re.compile("^Principles: "))
    expect(principles).to_be_visible()
    # innerText is what the screen shows: a collapsed line break would be a space here.
    assert principles.inner_text() == ("Principles: Nothing about us without us.\n"
                                       "Say no early rather than late.")
    no_trouble(phone, scr, fac)
