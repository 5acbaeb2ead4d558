"""The player's page, from an empty cache: it becomes usable (a hand to propose from) in
under 150 KB transferred, counting every HTTP response and every WebSocket frame.

How long that takes is measured, not asserted: a busy machine would fail a timed test for
nothing. The figures go to test-artifacts/player-page-weight.json, and `bench/page.py` runs
this test several times and reports the times."""

from __future__ import annotations

import json
import re

import pytest
from browser_helpers import ARTIFACTS, LAPTOP, PHONE, api_table, join, new_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
BUDGET_BYTES = 150 * 1024


def test_player_page_is_light_and_fast(browser, server):
    base = server.url
    t = api_table(base, seats=4, options={"bots": "greedy"})
    first = new_page(browser, PHONE)
    join(first, base, t["code"].replace("-", ""), "Wren")
    token = first.evaluate(f"JSON.parse(localStorage.getItem('gg.seat.{t['table']}')).token")
    first.context.close()
    fac = new_page(browser, LAPTOP)
    fac.goto(t["facilitator_url"])
    fac.get_by_role("button", name="Start the game").click()
    expect(fac.get_by_role("button", name="Pause")).to_be_visible()

    ctx = browser.new_context(viewport=PHONE)  # a fresh profile: nothing cached
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    http: dict[str, int] = {}
    urls: dict[str, str] = {}
    frames = {"received": 0, "sent": 0}

    def frame(direction):
        def count(e):
            frames[direction] += len(e["response"]["payloadData"].encode())
        return count

    cdp.on("Network.requestWillBeSent",
           lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda e: http.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.on("Network.webSocketFrameReceived", frame("received"))
    cdp.on("Network.webSocketFrameSent", frame("sent"))

    page.goto(f"{base}/play/{t['table']}#token={token}")
    expect(page.get_by_role("region", name=re.compile("^Your hand")).get_by_role(
        "button").first).to_be_visible()
    usable_ms = page.evaluate("performance.now()")
    timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {htmlResponseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd,
                load: n.loadEventEnd}; }""")
    waterfall = page.evaluate("""() => performance.getEntriesByType('resource').map(r =>
        [r.name.replace(location.origin, '').replace(/\\?.*/, ''), Math.round(r.startTime),
         Math.round(r.responseEnd)])""")
    page.wait_for_timeout(1500)  # let the transport upgrade and any late frames arrive

    by_url = {}
    for rid, size in http.items():
        url = urls.get(rid, rid).replace(base, "")
        key = re.sub(r"\?.*", "", url)
        by_url[key] = by_url.get(key, 0) + size
    total = sum(http.values()) + frames["received"] + frames["sent"]
    report = {"usable_ms": round(usable_ms), **{k: round(v) for k, v in timing.items()},
              "http_bytes": sum(http.values()), "websocket_bytes": frames, "total_bytes": total,
              "total_kb": round(total / 1024, 1), "by_url": by_url,
              "waterfall_ms": waterfall}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "player-page-weight.json").write_text(json.dumps(report, indent=1))
    print("\nplayer page:", json.dumps(report))
    assert timing["load"] > 0, report  # the page finished loading ...
    assert total < BUDGET_BYTES, report  # ... and everything it needed was this light
    ctx.close()
