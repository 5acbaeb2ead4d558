"""What the browser tests share: pages that record errors and dialogs, axe, screenshots."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
HTML = "<b>bold</b><script>alert(1)</script>"
IMG = "<img src=x onerror=f(1)>"  # 24 characters: a name at its longest
PHONE = {"width": 360, "height": 740}
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 900}
PASSWORD = "four words make it"  # a facilitator's password in every browser test


def sign_up(page: Page, base: str, user_name: str, display_name: str | None = None,
            next_path: str | None = None) -> None:
    """Make a facilitator account through the sign-up form, signed in when it returns."""
    page.goto(base + "/signup" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("User name").fill(user_name)
    page.get_by_label("Your name").fill(display_name or user_name.title())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Make my account").click()
    expect(page).not_to_have_url(re.compile(r"/signup"))


def fork_shipped(page: Page, base: str, deck: str = "good-governance") -> None:
    """Copy a shipped deck into the studio, as /studio offers, and wait for its check."""
    page.goto(base + "/studio")
    page.get_by_label("Deck to copy").select_option(deck)
    page.get_by_role("button", name="Make my own copy").click()
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.")


def rx(text: str, start: str = "", end: str = "") -> re.Pattern:
    """A pattern matching `text` literally; '/' escaped too, for Playwright's selectors."""
    return re.compile(start + re.escape(text).replace("/", "\\/") + end)


def watch(page: Page) -> Page:
    """Record script errors and any dialog (alert, confirm) a page opens."""
    page.errors = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))  # type: ignore[attr-defined]

    def dialog(d):
        page.dialogs.append(d.message)  # type: ignore[attr-defined]
        d.dismiss()

    page.on("dialog", dialog)
    page.on("console", lambda m: page.errors.append(m.text)  # type: ignore[attr-defined]
            if m.type == "error" and "Content Security Policy" in m.text else None)
    return page


def new_page(browser, viewport=PHONE, **kw) -> Page:
    ctx = browser.new_context(viewport=viewport, **kw)
    return watch(ctx.new_page())


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe(page: Page, what: str) -> None:
    """Run axe-core in the page; fail on any serious or critical violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/vendor/axe.min.js")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{what}.json").write_text(json.dumps(result, indent=1))
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {what}: {json.dumps(bad, indent=1)}"


def no_trouble(*pages: Page) -> None:
    for p in pages:
        assert not p.errors, f"{p.url}: {p.errors}"  # type: ignore[attr-defined]
        assert not p.dialogs, f"{p.url}: a dialog opened: {p.dialogs}"  # type: ignore[attr-defined]


def api_table(base: str, seats: int = 4, options: dict | None = None,
              scenario: str = "council-chatbot") -> dict:
    body = json.dumps({"deck": "good-governance", "scenario": scenario, "seats": seats,
                       "options": options or {}}).encode()
    req = urllib.request.Request(f"{base}/api/tables", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.load(res)


def join(page: Page, base: str, code: str, name: str) -> None:
    page.goto(f"{base}/join/{code}")
    expect(page.get_by_role("textbox", name="Join code")).to_have_value(
        re.compile(re.escape(code[:3]) + "-?" + re.escape(code[-3:])))
    page.get_by_role("textbox", name="Your name").fill(name)
    page.get_by_role("button", name="Take a seat").click()
    page.wait_for_url(re.compile(r"/play/"))
    expect(page.get_by_role("heading", name=re.compile("^Your role"))).to_be_visible()
    expect(page.get_by_role("heading", name="Before the game starts").or_(
        page.get_by_role("heading", name=re.compile("^Your move")))).to_be_visible()


def open_card(page: Page) -> None:
    """Open the first closed card in the player's hand (one tap on its name). A new phase
    starts with the hand closed: a tap that lands just before the new phase's view arrives
    is undone by it, as it would be for a person, who taps again; so does this."""
    hand = page.get_by_role("region", name=re.compile(r"^Your hand"))
    group = page.get_by_role("group", name="Involve which group?").first
    for _ in range(2):
        hand.get_by_role("button", expanded=False).first.click()
        try:
            expect(group).to_be_visible(timeout=3000)
            return
        except AssertionError:
            continue
    hand.get_by_role("button", expanded=False).first.click()
    expect(group).to_be_visible()


def play_solo_round(page: Page, number: int) -> None:
    """A learner's round of solo practice: propose the first card the budget can pay for, to
    the first group it can, say ready, back every proposal and vote; the coach then speaks
    about round `number`. When nothing in the hand fits the budget left, the game offers only
    a pass: take it (and if everyone passes, the round goes straight to its result)."""
    propose_or_pass(page)
    coach = page.get_by_role("heading", name=re.compile(rf"^Coach: round {number}\b"))
    ready = page.get_by_role("button", name="I'm ready to vote")
    expect(ready.or_(coach)).to_be_visible()
    if ready.is_visible():
        ready.click()
        for box in page.get_by_role("checkbox", name=re.compile("^Back ")).all():
            box.check()
        page.get_by_role("button", name="Cast my vote").click()
    expect(coach).to_be_visible()


def propose_or_pass(page: Page) -> str | None:
    """Propose a card the budget can pay for (and return its name); when nothing in the
    hand fits the budget left, the game offers only a pass: take it (and return None)."""
    act = page.get_by_role("region", name=re.compile("^Your move"))
    expect(act.get_by_text(re.compile(r"^(Open a card below|Nothing in your hand fits)"))) \
        .to_be_visible()
    if act.get_by_text(re.compile(r"^Nothing in your hand fits")).is_visible():
        act.get_by_role("button", name="Pass this round\u2026").click()
        page.get_by_role("button", name="Yes, pass").click()
        return None
    return propose_affordable(page)


FITS = re.compile(r", cost \d+$")  # a group's radio says when the budget cannot pay for it


def propose_affordable(page: Page) -> str:
    """Open the hand's cards in turn until one has a group the budget can pay for; propose
    it and return its name. A tap undone by a late phase view (which starts with the hand
    closed) is retried."""
    hand = page.get_by_role("region", name=re.compile(r"^Your hand"))
    cards = hand.get_by_role("article")
    for i in range(cards.count()):
        card = cards.nth(i)
        group = card.get_by_role("group", name="Involve which group?")
        for _ in range(3):
            closed = card.get_by_role("button", expanded=False)
            if closed.count():
                closed.first.click()
            try:
                expect(group).to_be_visible(timeout=3000)
                break
            except AssertionError:
                continue
        if group.get_by_role("radio", name=FITS).count():
            group.get_by_role("radio", name=FITS).first.check()
            propose = card.get_by_role("button", name=re.compile("^Propose "))
            name = propose.inner_text().removeprefix("Propose ")
            propose.click()
            return name
    raise AssertionError("no card in the hand fits the budget, yet proposing was offered")


