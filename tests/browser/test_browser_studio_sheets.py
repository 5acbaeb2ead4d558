"""The studio's spreadsheets as a facilitator uses them, on a phone: download the cards'
workbook from the deck page, make mistakes in it, upload it with the page's one upload
control (by keyboard) and read what to fix, by sheet, row and column; fix it and upload it
again as the next revision."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from browser_helpers import ARTIFACTS, axe, fork_shipped, new_page, no_trouble, shot, sign_up
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_upload_a_spreadsheet_with_mistakes_then_fixed(browser, server, tmp_path: Path):
    page = new_page(browser)
    sign_up(page, server.url, f"sheets{os.urandom(3).hex()}")
    fork_shipped(page, server.url)

    with page.expect_download() as got:
        page.get_by_role("link", name="Download the cards as a spreadsheet").click()
    assert got.value.suggested_filename == "good-governance-r1-cards.xlsx"
    book = load_workbook(io.BytesIO(got.value.path().read_bytes()))
    assert book.sheetnames == ["about", "interventions", "events", "scenarios", "roles",
                               "stages"]
    cards = book["interventions"]
    column = next(c.column for c in cards[1] if c.value == "rating:collective")
    kept = cards.cell(5, column).value
    cards.cell(5, column).value = 9  # ratings are 0 to 5
    kind = next(c.column for c in book["events"][1] if c.value == "kind")
    book["events"].cell(3, kind).value = "requirment"
    broken = tmp_path / "my cards.xlsx"
    book.save(broken)

    upload = page.get_by_label("A file to upload")
    upload.set_input_files(str(broken))
    page.get_by_role("button", name="Upload as the next revision").focus()
    page.keyboard.press("Enter")
    status = page.locator("#upload-status")
    expect(status).to_have_text("Not uploaded, nothing changed: the upload has 2 problems: "
                                "fix them and upload it again.")
    fixes = page.get_by_role("list", name="What to fix")
    expect(fixes.get_by_role("listitem")).to_have_count(2)
    expect(fixes).to_contain_text("interventions, row 5, column rating:collective (G): ")
    expect(fixes).to_contain_text("events, row 3, column kind (B): 'kind' is 'requirment' "
                                  "(did you mean 'requirement'?)")
    expect(upload).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#latest")).to_have_text("1")
    # The panel alone too: the whole page is too long to look at on a phone's width.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("section", has=fixes).screenshot(
        path=str(ARTIFACTS / "studio-sheet-mistakes-panel-360.png"))
    shot(page, "studio-sheet-mistakes-360")
    axe(page, "studio-sheet-mistakes")

    cards.cell(5, column).value = kept
    book["events"].cell(3, kind).value = "challenge"
    fixed = tmp_path / "my cards fixed.xlsx"
    book.save(fixed)
    upload.set_input_files(str(fixed))
    page.get_by_role("button", name="Upload as the next revision").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Uploaded my cards fixed.xlsx as revision 2: it replaced the "
                                "deck's interventions, events, scenarios, roles, stages.")
    expect(fixes.get_by_role("listitem")).to_have_count(0)
    expect(upload).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#latest")).to_have_text("2")
    no_trouble(page)


def test_an_upload_whose_answer_is_lost_says_to_look_before_uploading_again(
        browser, server, tmp_path: Path):
    """The server saves the upload but its answer never reaches the page (the Wi-Fi drops):
    the page must not claim nothing changed, and shows the revisions, the new one among
    them, so the facilitator does not upload the same file twice."""
    page = new_page(browser)
    sign_up(page, server.url, f"lost{os.urandom(3).hex()}")
    fork_shipped(page, server.url)
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the cards as a spreadsheet").click()
    mine = tmp_path / "my cards.xlsx"
    mine.write_bytes(got.value.path().read_bytes())

    def answer_lost(route):
        # The server gets the same file and saves it (sent again from here: Playwright's
        # route.fetch sends a multipart body's bytes as text), and the page hears nothing.
        sent = page.context.request.post(route.request.url, multipart={"file": {
            "name": mine.name, "mimeType": "application/octet-stream",
            "buffer": mine.read_bytes()}},
            headers={"X-CSRFToken": route.request.headers["x-csrftoken"]})
        assert sent.status == 201, sent.text()
        route.abort()

    page.route("**/upload", answer_lost)
    page.get_by_label("A file to upload").set_input_files(str(mine))
    page.get_by_role("button", name="Upload as the next revision").click()
    status = page.locator("#upload-status")
    expect(status).to_contain_text("No answer from the server about my cards.xlsx")
    expect(status).to_contain_text("to see whether it was saved before you upload it again")
    expect(status).not_to_contain_text("nothing changed")
    expect(page.locator("#rev-2")).to_contain_text("uploaded my cards.xlsx")
    no_trouble(page)
