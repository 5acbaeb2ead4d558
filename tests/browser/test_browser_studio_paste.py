"""Pasting a whole file into the studio's YAML view (issue 11): a facilitator replaces all of
interventions.yaml at once, as when pasting a file from another deck. The text is there, the
gutter numbers the new lines and marks the one with a problem, the check's message is beside
it, undo brings back the text as it was and redo the pasted one. (fill() inserts the text
through Chromium's insertText, a line at a time with an input event per line, the way that
was slow; how long it takes is measured by bench/studio_paste.py, not here.)"""

from __future__ import annotations

import os
import re

import pytest
from browser_helpers import ROOT, fork_shipped, new_page, no_trouble, sign_up
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SLOW = 60_000  # a paste of 500 lines on a busy machine: generous, and never asserted


def test_paste_a_whole_file_then_undo(browser, server):
    page = new_page(browser, {"width": 1280, "height": 800})
    sign_up(page, server.url, f"paste{os.urandom(3).hex()}")
    fork_shipped(page, server.url)
    status = page.locator("#check-status")
    page.get_by_role("tab", name="interventions.yaml").click()
    yaml = page.locator("#yaml")
    before = yaml.input_value()
    assert before == (ROOT / "cards" / "good-governance" / "interventions.yaml").read_text()

    # The pasted file: without the opening comment (fewer lines than before) and with one
    # key misspelt.
    lines = before.split("\n")
    pasted = "\n".join(lines[lines.index("interventions:"):]).replace("reach:", "reech:", 1)
    bad = pasted[:pasted.index("reech:")].count("\n") + 1
    count = pasted.count("\n") + 1
    assert count < before.count("\n") + 1
    yaml.fill(pasted, timeout=SLOW)

    expect(yaml).to_have_value(pasted, timeout=SLOW)
    expect(status).to_have_text(re.compile(r"^\d+ problems?: see the list below"), timeout=SLOW)
    expect(page.locator(f"#note-{bad}")).to_contain_text(
        "unknown key 'reech' (did you mean 'reach'?)")
    gutter = page.locator("#gutter div")
    expect(gutter).to_have_count(count)
    expect(gutter.nth(bad - 1)).to_have_text(f"! {bad}")
    expect(gutter.last).to_have_text(str(count))
    expect(page.get_by_role("tab", name="interventions.yaml")).to_contain_text("problem")
    expect(page.get_by_role("link", name=f"interventions.yaml:{bad}:").first).to_be_visible()

    page.get_by_role("button", name="Undo").click()
    expect(yaml).to_have_value(before, timeout=SLOW)
    expect(status).to_have_text("No problems: the deck is ready to save.", timeout=SLOW)
    expect(gutter).to_have_count(before.count("\n") + 1)
    expect(page.locator("#gutter .bad")).to_have_count(0)
    expect(page.locator("#notes .line-note")).to_have_count(0)

    # Redo pastes it again: the same line is marked again.
    page.get_by_role("button", name="Redo").click()
    expect(yaml).to_have_value(pasted, timeout=SLOW)
    expect(gutter.nth(bad - 1)).to_have_text(f"! {bad}", timeout=SLOW)
    expect(gutter).to_have_count(count)
    no_trouble(page)
