"""The first paper version (v0.1, 2023) as a deck: its cards as printed, and its games scored
the way the paper game scored them, worked out here independently of the engine's rules."""

from __future__ import annotations

from collections import Counter

import pytest
from fixtures.gamekit import CARDS, check_invariants, deck_at, play, start_tracks

from game.engine.actions import new_game, step
from game.engine.bots import play_bots
from game.engine.results import outcome

CLASSIC = CARDS / "good-governance-classic"
SCALES = ("deliberative", "participatory", "scalable", "powerful")

# The 22 requirement cards' printed points lines: what each counts and how much.
PAPER = {
    "long-term-commitment": ("tag", "long-term", 2),
    "keeping-control": ("tag", "invite-only", 2),
    "is-that-the-right-tech": ("group", "technologists", 3),
    "good-data-governance": ("stars", ("participatory", "powerful"), 1),
    "getting-buy-in": ("group", "internal-stakeholders", 3),
    "ethics-check": ("group", "affected-communities", 3),
    "doing-good": ("group", "affected-communities", 3),
    "cause-for-concern": ("group", "affected-communities", 3),
    "addressing-bias": ("tag", "representative", 2),
    "setting-the-charter": ("group", "general-population", 3),
    "self-regulation": ("tag", "oversight", 2),
    "powerful-voice": ("stars", ("powerful",), 1),
    "participatory-process": ("stars", ("participatory",), 1),
    "overcoming-barriers": ("tag", "inclusive", 2),
    "outsourcing": ("tag", "outsourced", 2),
    "opening-up": ("tag", "open", 2),
    "nationwide-engagement": ("stars", ("scalable",), 1),
    "marketing-want-numbers": ("group", "customers", 3),
    "user-research": ("group", "customers", 3),
    "trustworthy-tech": ("group", "general-population", 3),
    "this-is-complicated": ("stars", ("deliberative",), 1),
    "technical-advisors-appointed": ("group", "technologists", 3),
}


def classic():
    return deck_at(CLASSIC)


def paper_points(requirement: str, card, group: str) -> int:
    """What one method adopted for `group` scores under a requirement, as the card prints."""
    kind, what, points = PAPER[requirement]
    if kind == "group":
        return points if group == what else 0
    if kind == "tag":
        return points if what in card.tags else 0
    return points * max(card.ratings[s] for s in what)


def test_the_deck_holds_the_paper_cards():
    deck = classic()
    assert len(deck.interventions) == 25 and len(deck.events) == 22
    assert set(deck.events) == set(PAPER)
    assert all(e.kind == "requirement" for e in deck.events.values())
    assert tuple(deck.criteria) == SCALES
    assert deck.settings.base_scoring == "none"
    for card in deck.interventions.values():
        assert len(card.tags) == 3, card.id  # three attribute icons on every printed card
        assert 1 <= len(card.reach) <= 2 and all(1 <= c <= 3 for c in card.reach.values())
    # Spot checks against the printed sheets.
    jury = deck.interventions["citizens-jury"]
    assert jury.ratings == {"deliberative": 4, "participatory": 3, "scalable": 1, "powerful": 4}
    assert jury.reach == {"affected-communities": 2, "general-population": 2}
    assert deck.interventions["data-governance-board"].reach == {"internal-stakeholders": 1}
    assert deck.interventions["workers-council"].tags == {"representative", "long-term",
                                                          "negotiation"}


def _arrange(state, hands: list[list[str]], events: list[str]) -> None:
    """Deal `hands` and stack the event pile so round n draws events[n - 1], keeping every
    card in exactly one place."""
    pile = Counter(c.id for c in state.deck.interventions.values() for _ in range(c.copies))
    pile.subtract(Counter(c for h in hands for c in h))
    assert all(n >= 0 for n in pile.values())
    state.hands = [list(h) for h in hands]
    state.draw_pile = sorted(pile.elements())
    state.discard_pile = []
    state.round.events = [events[0]]
    state.event_pile = list(events[1:])


def _propose(seat: int, card: str, group: str) -> dict:
    return {"type": "propose", "seat": seat, "card": card, "group": group}


def _round(state, proposals: list[tuple[str, str] | None], approve: list[int]) -> None:
    """Each seat proposes (or passes, for None), everyone approves the seats in `approve`."""
    play(state, [_propose(s, *p) if p else {"type": "pass", "seat": s}
                 for s, p in enumerate(proposals)])
    for s in range(state.seats):
        step(state, {"type": "ready", "seat": s})
    for s in range(state.seats):
        step(state, {"type": "vote", "seat": s, "approve": approve})
    step(state, {"type": "advance", "seat": None})


def test_a_hand_played_out_scores_the_paper_points():
    state = new_game(classic(), "project-x", 3, seed=1)
    events = ["is-that-the-right-tech", "good-data-governance", "opening-up",
              "nationwide-engagement", "long-term-commitment"]
    _arrange(state, [
        ["expert-advisory-panel", "peer-research", "town-hall", "desk-review"],
        ["co-creation", "data-governance-board", "twitter-chat", "social-auditing"],
        ["survey", "opinion-polling", "legal-action", "focus-group"],
    ], events)
    # Round 1, "Is that the right tech?" (3 per method reaching technologists): the panel (1)
    # and co-creation (2) both reach technologists: 6 points, 3 budget. 11 - 3 = 8 left.
    _round(state, [("expert-advisory-panel", "technologists"), ("co-creation", "technologists"),
                   ("survey", "customers")], [0, 1])
    assert state.tracks == {"budget": 8, "points": 6}
    # Round 2, "Good data governance" (1 per participatory or powerful star, the higher):
    # peer research max(5, 4) = 5 and the board max(2, 5) = 5: 16; budget 8 - 3 - 1 = 4.
    _round(state, [("peer-research", "affected-communities"),
                   ("data-governance-board", "internal-stakeholders"),
                   ("opinion-polling", "customers")], [0, 1])
    assert state.tracks == {"budget": 4, "points": 16}
    # Round 3, "Opening up" (2 per open method): town hall and the Twitter chat: 20; 4 - 2.
    _round(state, [("town-hall", "affected-communities"), ("twitter-chat", "general-population"),
                   ("legal-action", "customers")], [0, 1])
    assert state.tracks == {"budget": 2, "points": 20}
    # Round 4, "Nationwide engagement" (1 per scalable star): desk review has 5; the others
    # are voted down. 25 points, budget 1.
    _round(state, [("desk-review", "general-population"),
                   ("social-auditing", "internal-stakeholders"), ("survey", "customers")], [0])
    assert state.tracks == {"budget": 1, "points": 25}
    # Round 5, "Long-term commitment" (2 per long-term method): social auditing (1): 27.
    _round(state, [None, ("social-auditing", "internal-stakeholders"),
                   ("focus-group", "customers")], [1])
    assert state.phase == "ended"
    assert state.tracks == {"budget": 0, "points": 27}
    assert outcome(state)["won"] is True  # 20 or more wins
    assert state.scores == dict.fromkeys(SCALES, 0)  # stars score only through requirements


@pytest.mark.parametrize("seats", [3, 4, 6])
def test_a_bot_game_scores_what_the_paper_rules_give(seats):
    deck = classic()
    state = new_game(deck, "project-x", seats, seed=seats)
    ids = sorted(deck.interventions)
    hands = [ids[i * 4:(i + 1) * 4] for i in range(seats)]
    events = ["ethics-check", "this-is-complicated", "self-regulation", "powerful-voice",
              "marketing-want-numbers"]
    _arrange(state, hands, events)
    start = start_tracks(deck, "project-x", None)
    play_bots(state, dict.fromkeys(range(seats), "greedy"))
    check_invariants(state, start)
    assert state.phase == "ended"
    expected = 0
    for rnd, requirement in zip(state.rounds, events, strict=True):
        assert rnd.events == [requirement]
        gained = sum(paper_points(requirement, a.card, a.group) for a in rnd.adopted)
        moved = sum(c.amount for c in rnd.changes if c.target == "points")
        assert moved == gained, (rnd.number, requirement)
        expected += gained
        spent = sum(a.cost for a in rnd.adopted)
        assert sum(c.amount for c in rnd.changes if c.target == "budget") == -spent
    assert state.tracks["points"] == expected > 0
    assert outcome(state)["won"] == (expected >= 20)
