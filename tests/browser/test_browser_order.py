"""Views can reach a phone out of order: the acknowledgement carrying the actor's view is sent
after the action's hooks have run, and meanwhile another seat's action may have sent a newer
view straight to the same phone. The page (conn.js keepNewest, as every game page runs it in
the browser) must then keep the newer game and the newer table together, never the new game
with an old table (an old phase's timer, old seats, an old status)."""

from __future__ import annotations

import pytest
from browser_helpers import PHONE, new_page

pytestmark = pytest.mark.browser

KEEP = """async (messages) => {
  const { keepNewest } = await import("/static/js/conn.js");
  const S = {};
  const shown = [];
  for (const msg of messages) {
    if (keepNewest(S, msg)) shown.push([S.game.version, S.table.status, S.table.timer]);
  }
  return shown;
}"""


def view(version: int, status: str, timer: str, events: list | None = None) -> dict:
    return {"game": {"version": version}, "table": {"status": status, "timer": timer},
            "events": events or []}


def test_an_older_view_arriving_late_changes_nothing_shown(browser, server):
    page = new_page(browser, PHONE)
    page.goto(server.url + "/")
    shown = page.evaluate(KEEP, [view(4, "playing", "proposals"),
                                 view(6, "paused", "vote"),       # another seat's, sent at once
                                 view(5, "playing", "discussion")])  # the actor's ack, late
    assert shown[-1] == [6, "paused", "vote"]
    # A message about seats only carries no game: its table is the newest there is.
    seats = {"table": {"status": "paused", "timer": "none"}, "events": []}
    assert page.evaluate(KEEP, [view(6, "paused", "vote"), seats])[-1] == [6, "paused", "none"]
    # An undo (solo practice) goes back in time on purpose, table and all.
    back = view(3, "playing", "proposals", [{"type": "undone"}])
    assert page.evaluate(KEEP, [view(6, "paused", "vote"), back])[-1] == [3, "playing",
                                                                          "proposals"]
