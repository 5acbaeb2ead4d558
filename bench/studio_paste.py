"""How long pasting a whole file into the studio's YAML view takes, against a bare textarea.

Starts a real server (tests/browser/conftest.py's Server) and Debian's Chromium, signs up,
forks the shipped deck good-governance, opens interventions.yaml in the studio and replaces
its whole text at once, as a paste does (Playwright's fill(): select all, then Chromium's
insertText), N times, alternating two versions of the file so each run changes every line.
The same is done in a bare textarea of the same size for comparison. Prints milliseconds per
run and the medians (studio_checked: from the paste until the check's result shows, which
includes the editor's 500 ms pause before checking); --profile FILE also writes a CPU
profile (CDP Profiler) of one studio paste, for chrome://inspect or speedscope; --clipboard
pastes with Control+V from the clipboard instead (one input event, where fill() gives one
per line).

    .venv/bin/python bench/studio_paste.py --runs 5
    .venv/bin/python bench/studio_paste.py --runs 5 --clipboard
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import CHROMIUM, LAUNCH_ARGS, Server  # noqa: E402
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright  # noqa: E402

PASSWORD = "four words make it"
BARE = ("<!doctype html><textarea id=yaml spellcheck=false "
        "style='width:800px;height:448px;white-space:pre;font:14px/21px monospace'></textarea>")


def paste(page: Page, text: str, clipboard: bool = False) -> float:
    if not clipboard:
        start = time.perf_counter()
        page.locator("#yaml").fill(text, timeout=120_000)
        return (time.perf_counter() - start) * 1000
    page.evaluate("t => navigator.clipboard.writeText(t)", text)
    page.locator("#yaml").focus()
    page.keyboard.press("Control+A")
    start = time.perf_counter()
    page.keyboard.press("Control+V")
    expect(page.locator("#yaml")).to_have_value(text, timeout=120_000)
    return (time.perf_counter() - start) * 1000


def studio(page: Page, base: str) -> None:
    name = f"bench{os.urandom(3).hex()}"
    page.goto(base + "/signup")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Your name").fill(name.title())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Make my account").click()
    expect(page).not_to_have_url(base + "/signup")
    page.goto(base + "/studio")
    page.get_by_label("Deck to copy").select_option("good-governance")
    page.get_by_role("button", name="Make my own copy").click()
    expect(page.locator("#check-status")).to_have_text("No problems: the deck is ready to save.",
                                                       timeout=30_000)
    page.get_by_role("tab", name="interventions.yaml").click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="write a .cpuprofile of one studio paste")
    parser.add_argument("--clipboard", action="store_true",
                        help="paste with Control+V from the clipboard instead of fill()")
    args = parser.parse_args()
    original = (ROOT / "cards" / "good-governance" / "interventions.yaml").read_text()
    other = original.replace("name: ", "name:  ")  # same YAML, every name line changed
    texts = [other, original]
    with tempfile.TemporaryDirectory() as work, sync_playwright() as pw:
        server = Server(Path(work)).start()
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            results: dict[str, list[float]] = {"studio": [], "studio_checked": [], "bare": []}
            def context() -> BrowserContext:
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                ctx.grant_permissions(["clipboard-read", "clipboard-write"])
                return ctx

            page = context().new_page()
            studio(page, server.url)
            for i in range(args.runs):
                start = time.perf_counter()
                results["studio"].append(paste(page, texts[i % 2], args.clipboard))
                expect(page.locator("#check-status")).to_have_text(
                    "No problems: the deck is ready to save.", timeout=60_000)
                results["studio_checked"].append((time.perf_counter() - start) * 1000)
            if args.profile:
                cdp = page.context.new_cdp_session(page)
                cdp.send("Profiler.enable")
                cdp.send("Profiler.start")
                paste(page, texts[args.runs % 2], args.clipboard)
                args.profile.write_text(json.dumps(cdp.send("Profiler.stop")["profile"]))
            bare = context().new_page()
            # Served from localhost, a secure context, where the page may use the clipboard.
            bare.route(server.url + "/bare", lambda route: route.fulfill(
                body=BARE, content_type="text/html"))
            bare.goto(server.url + "/bare")
            bare.locator("#yaml").fill(original)
            for i in range(args.runs):
                results["bare"].append(paste(bare, texts[i % 2], args.clipboard))
        finally:
            browser.close()
            server.stop()
    for kind, times in results.items():
        print(json.dumps({kind: [round(t) for t in times],
                          "median_ms": round(statistics.median(times))}))


if __name__ == "__main__":
    main()
