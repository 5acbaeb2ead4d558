"""The deck studio as a new facilitator uses it, at 1280x800 and at 360x740: sign up, fork the
shipped deck, rename a scenario and add a card through the forms, break a rule in the YAML
view (the loader's message appears beside the line and in the list, which leads to it), fix
it, save, and start a table with the new revision. Axe on the studio's pages."""

from __future__ import annotations

import os
import re

import pytest
from browser_helpers import axe, fork_shipped, new_page, no_trouble, shot, sign_up
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

def type_over(page: Page, old: str, new: str) -> None:
    """Select the first `old` in the YAML view and type `new` over it, as a person fixes a
    word. (fill() would replace the whole file through Chromium's insertText, which takes
    seconds for a file this size and can outlast the timeout on a busy machine.)"""
    page.evaluate("""([old]) => {
        const area = document.querySelector('#yaml');
        const at = area.value.indexOf(old);
        area.focus();
        area.setSelectionRange(at, at + old.length);
    }""", [old])
    page.keyboard.type(new)


@pytest.mark.parametrize("size", [(1280, 800), (360, 740)], ids=["desktop", "phone"])
def test_fork_edit_break_fix_save_and_start_a_table(browser, server, size):
    width, height = size
    page = new_page(browser, {"width": width, "height": height})
    sign_up(page, server.url, f"studio{os.urandom(3).hex()}")
    page.goto(server.url + "/studio")
    axe(page, f"studio-list-{width}")
    page.get_by_label("Deck to copy").select_option("good-governance")
    page.get_by_role("button", name="Make my own copy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Good Governance Game")
    status = page.get_by_role("status").filter(has_text="problem")
    expect(status).to_have_text("No problems: the deck is ready to save.")
    axe(page, f"studio-deck-{width}")

    # Rename a scenario through its form: the YAML view shows it.
    page.get_by_label("Scenario to change").select_option("council-chatbot")
    page.get_by_label("Name", exact=True).first.fill("The chatbot, renamed")
    page.get_by_role("button", name="Apply to the scenario").click()
    page.get_by_role("tab", name="scenarios.yaml").click()
    expect(page.locator("#yaml")).to_have_value(re.compile(r'\n    name: "The chatbot, renamed"\n'))

    # Add a card through the form; the preview shows it as a phone does.
    form = page.locator("#card-form")
    form.get_by_label("Card", exact=True).select_option("")
    # Before it has a name, the preview's heading still says something.
    expect(page.locator("#card-preview h3")).to_have_text("(no name yet)")
    form.get_by_label("Id of the new card").fill("street-stall")
    form.get_by_label("Name", exact=True).fill("Street stall")
    form.get_by_label("Description", exact=True).fill("Talk to people where they shop.")
    form.get_by_label("Why it scores as it does").fill("People come to you.")
    page.locator("#cost-general-population").fill("1")
    page.locator("#rate-participatory").fill("3")
    expect(page.locator("#card-preview h3")).to_have_text("Street stall")
    page.get_by_role("button", name="Apply to the card").click()
    page.get_by_role("tab", name="interventions.yaml").click()
    expect(page.locator("#yaml")).to_have_value(re.compile(r"\n  - id: street-stall\n"))
    expect(status).to_have_text("No problems: the deck is ready to save.")

    # Break a rule in the YAML view: the message is beside its line, and in the list.
    yaml = page.locator("#yaml")
    text = yaml.input_value()
    type_over(page, "reach:", "reech:")
    expect(status).to_contain_text("problem")
    line = text[:text.index("reach:")].count("\n") + 1
    note = page.locator(f"#note-{line}")
    expect(note).to_contain_text("unknown key 'reech' (did you mean 'reach'?)")
    expect(page.locator("#gutter div").nth(line - 1)).to_have_text(f"! {line}")
    link = page.get_by_role("link", name=f"interventions.yaml:{line}:").first
    link.click()
    expect(yaml).to_be_focused()
    expect(page.locator("#line-problems")).to_contain_text(f"Line {line}:")
    shot(page, f"studio-broken-{width}")
    # Undo takes the mistake back.
    page.get_by_role("button", name="Undo").click()
    expect(status).to_have_text("No problems: the deck is ready to save.")
    assert "reech:" not in yaml.input_value()
    page.get_by_role("button", name="Redo").click()
    expect(status).to_contain_text("problem")
    type_over(page, "reech:", "reach:")  # fixed by hand
    expect(status).to_have_text("No problems: the deck is ready to save.")

    page.get_by_label("What changed").fill("renamed the chatbot, a street stall")
    page.get_by_role("button", name="Save as a new revision").click()
    expect(page.locator("#save-status")).to_have_text("Saved as revision 2.")
    expect(page.locator("#rev-2")).to_contain_text("renamed the chatbot, a street stall")
    page.get_by_role("button", name="Compare with revision 1").click()
    expect(page.locator("#compare")).to_contain_text("interventions 'street-stall': added")
    expect(page.locator("#compare")).to_contain_text("scenarios 'council-chatbot': changed (name)")
    axe(page, f"studio-saved-{width}")
    if width == 360:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Restoring an old revision over edits not yet saved does not go ahead, and says why.
    # Typed at the end, as a person would (see type_over).
    yaml = page.locator("#yaml")
    yaml.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# a note not saved yet\n")
    page.get_by_role("button", name="Restore revision 1").click()
    expect(page.locator("#save-status")).to_contain_text("edits not saved yet")
    expect(yaml).to_have_value(re.compile("a note not saved yet"))
    page.get_by_role("button", name="Undo").click()

    # Share it: a user name nobody has is refused, saying which.
    page.get_by_label("Shared with the facilitators named below").check()
    page.get_by_label("User names to share with, separated by commas").fill("no-such-person")
    page.get_by_role("button", name="Save who may see it").click()
    expect(page.locator("#share-status")).to_contain_text("'no-such-person'")
    page.get_by_label("Published: every facilitator on this server").check()
    page.get_by_label("User names to share with, separated by commas").fill("")
    page.get_by_role("button", name="Save who may see it").click()
    expect(page.locator("#share-status")).to_have_text(
        "Published: every facilitator on this server sees it.")

    # Start a table with the new revision.
    page.get_by_role("link", name="Start a table with this deck").click()
    deck = page.get_by_label("Deck", exact=True)
    value = page.locator("#deck option", has_text="(revision 2)").get_attribute("value")
    deck.select_option(value)
    # The renamed scenario is the revision's (the shipped deck's keeps its name).
    page.get_by_label("Scenario: the project your table governs").select_option(
        label="The chatbot, renamed")
    page.get_by_role("button", name="Open the table").click()
    expect(page.get_by_role("heading", name="Your table is open")).to_be_visible()
    shot(page, f"studio-table-{width}")
    no_trouble(page)


def test_an_older_revision_prints_and_starts_a_table(browser, server):
    """From the list of revisions: print one as it will print, and open a table with it
    while a newer one exists (the new-table page offers it, chosen)."""
    page = new_page(browser, {"width": 1280, "height": 800})
    sign_up(page, server.url, f"older{os.urandom(3).hex()}")
    fork_shipped(page, server.url)
    status = page.get_by_role("status").filter(has_text="problem")
    page.get_by_label("Scenario to change").select_option("council-chatbot")
    page.get_by_label("Name", exact=True).first.fill("The chatbot, second draft")
    page.get_by_role("button", name="Apply to the scenario").click()
    expect(status).to_have_text("No problems: the deck is ready to save.")
    page.get_by_label("What changed").fill("second draft")
    page.get_by_role("button", name="Save as a new revision").click()
    expect(page.locator("#save-status")).to_have_text("Saved as revision 2.")

    first = page.locator("#rev-1")
    printed = page.request.get(server.url + (first.get_by_role("link", name=re.compile(
        "^Print revision 1")).get_attribute("href") or ""))
    assert printed.ok and printed.headers["content-type"] == "application/pdf"
    assert printed.body().startswith(b"%PDF")

    first.get_by_role("link", name="Start a table with revision 1").click()
    deck = page.get_by_label("Deck", exact=True)
    expect(deck.locator("option:checked")).to_contain_text("(revision 1)")
    # Revision 1's scenario keeps the shipped name; revision 2's renamed one is not offered.
    scenario = page.get_by_label("Scenario: the project your table governs")
    expect(scenario.locator("option:not([disabled])", has_text="second draft")).to_have_count(0)
    expect(scenario.locator("option:checked")).to_be_attached()  # the revision's first
    page.get_by_role("button", name="Open the table").click()
    expect(page.get_by_role("heading", name="Your table is open")).to_be_visible()
    table = re.search(r"/screen/([^#/?]+)", page.get_by_role(
        "link", name=re.compile("table screen", re.I)).first.get_attribute("href") or "")
    assert table, "no link to the table screen"
    info = page.request.get(f"{server.url}/api/tables/{table[1]}").json()
    assert info["table"]["deck"].endswith("@1"), info["table"]["deck"]
    no_trouble(page)
