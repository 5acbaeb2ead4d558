"""The budget refuses at once what it can never pay: a proposal costing more than the budget
left is refused when it is made (not later "for lack of a majority"), with its cost and what
is left; the view marks those cards for the browser; each proposal a vote backs must be
payable on its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from fixtures.gamekit import CARDS, play, tiny
from fixtures.inprocess import Game, Table, hand

from game.decks.options import BOT_KINDS
from game.engine.actions import IllegalAction, legal_actions, new_game, step
from game.engine.bots import choose

BUDGET = 0  # every card with a cost is too dear: no deal can dodge the test


def poor_cards(dest: Path) -> Path:
    """The shipped deck with every scenario's budget at 0, so every card with a cost is too dear."""
    cards = dest / "cards"
    shutil.copytree(CARDS / "good-governance", cards / "good-governance")
    path = cards / "good-governance" / "scenarios.yaml"
    data = yaml.safe_load(path.read_text())
    for s in data["scenarios"]:
        s["tracks"] = {**s.get("tracks", {}), "budget": BUDGET}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return cards


def test_a_proposal_the_budget_cannot_pay_is_refused_at_once_with_its_cost(tmp_path):
    game = Game(tmp_path, cards_dir=poor_cards(tmp_path))
    table = Table(game, seats=3)
    table.start()
    player = table.players[0]
    you = player.last()["game"]
    left = you["budget_left"]
    assert left is not None and left <= BUDGET
    too_dear = [(e["card"], g, c) for e in hand(player) for g, c in e["costs"].items()
                if c > left]
    assert too_dear, "the test needs a card in hand that costs more than the budget left"
    # The view says so before anyone tries: the browser derives no rule.
    for e in hand(player):
        assert sorted(e["over_budget"]) == sorted(g for g, c in e["costs"].items() if c > left)
    card, group, cost = too_dear[0]
    answer = player.refused("act", {"action": {"type": "propose", "card": card,
                                               "group": group}}, "cannot_afford")
    message = answer["error"]["message"]
    assert f"costs {cost}" in message and f"only {left} left" in message, message
    # Nothing changed: the player can still propose something else, or pass.
    assert table.phase() == "proposal"
    cheap = [(e["card"], g) for e in hand(player) for g, c in e["costs"].items() if c <= left]
    action = ({"type": "propose", "card": cheap[0][0], "group": cheap[0][1]} if cheap
              else {"type": "pass"})
    player.ok("act", {"action": action})


def test_legal_actions_and_bots_never_offer_what_the_budget_cannot_pay():
    state = new_game(tiny(), "pilot", 3, 2)
    state.tracks["budget"] = 1  # as if an event had emptied the purse
    offered = 0
    for seat in range(3):
        for a in legal_actions(state, seat):
            if a["type"] == "propose":
                cost = tiny().interventions[a["card"]].reach[a["group"]]
                assert cost <= 1, a
                offered += 1
        # Every kind of bot proposes only what the purse can pay, or passes.
        for kind in BOT_KINDS:
            choice = choose(state, seat, kind)
            if choice is not None and choice.action["type"] == "propose":
                act = choice.action
                assert tiny().interventions[act["card"]].reach[act["group"]] <= 1, (kind, act)
    assert offered, "the deal should hold something the purse can still pay for"


def test_a_vote_cannot_back_a_proposal_that_no_longer_fits():
    # Seat 0 proposes the oversight board (cost 4 with the public) while 5 is left; then the
    # budget falls to 3 (as a challenge's effect would) before the vote.
    state = new_game(tiny(), "pilot", 3, 2)
    play(state, [{"type": "propose", "seat": 0, "card": "board", "group": "public"},
                 {"type": "propose", "seat": 1, "card": "audit", "group": "experts"},
                 {"type": "pass", "seat": 2},
                 *({"type": "ready", "seat": s} for s in range(3))])
    state.tracks["budget"] = 3
    with pytest.raises(IllegalAction) as caught:
        step(state, {"type": "vote", "seat": 0, "approve": [0, 1]})
    assert caught.value.code == "over_budget"
    assert str(caught.value).startswith("Oversight board costs 4 and the budget has only 3 left")
    step(state, {"type": "vote", "seat": 0, "approve": [1]})  # the audit alone fits
    assert all(0 not in a["approve"] for a in legal_actions(state, 1) if a["type"] == "vote")
