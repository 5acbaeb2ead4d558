"""Lesson checks: a deck's `lessons` are unit tests of what it teaches, run over many deals
with the engine's own best-plan search (the one the coach uses), so that a score never
rewards the opposite of what the deck means to teach.

For each scenario a lesson covers, games are dealt with seeds 1..deals and played by greedy
bots; at the start of every round (after its event), the best plan the table's hands allow
(one card per seat, within the budget and the adopt limit, valued as the coach values plans)
is found and the round-level lessons checked against it. The first round that breaks a lesson
is kept as its counter-example: the hands, the plan and what it scores.

Pure, like the engine: it builds its own games and changes no deck.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from game.decks.lessons import Lesson
from game.decks.model import Deck
from game.decks.rules import Adoption
from game.engine.actions import new_game, step
from game.engine.bots import choose
from game.engine.greedy import option_values
from game.engine.scoring import Plan, best_plan, score_round
from game.engine.state import GameState, adopt_limit, card_cost, round_setting

ROUND_KINDS = ("best_reaches_affected", "best_never_only")


def round_options(state: GameState) -> list[Adoption]:
    """Every card each seat holds now, aimed at every group it reaches, at this round's cost."""
    deck = state.deck
    out = []
    for seat, hand in enumerate(state.hands):
        for ident in dict.fromkeys(hand):
            card = deck.interventions[ident]
            for group in card.reach:
                out.append(Adoption(card, group, card_cost(state, ident, group, seat), seat))
    return out


def round_best(state: GameState, options: list[Adoption]) -> Plan:
    values = option_values(state)
    return best_plan(values.rs, options, adopt_limit(state), state.budget_left(),
                     distinct_seats=True, worth=values.worth, explain=False)


def _points(state: GameState, adopted) -> dict:
    changes = score_round(round_setting(state), list(adopted))
    per_card: dict[str, float] = {}
    tracks: dict[str, int] = {}
    for c in changes:
        if c.target in state.deck.criteria:
            key = c.card or "(the round)"
            per_card[key] = per_card.get(key, 0) + c.amount * state.weights.get(c.target, 1.0)
        else:
            tracks[c.target] = tracks.get(c.target, 0) + c.amount
    return {"points": round(sum(per_card.values()), 6), "by_card": per_card, "tracks": tracks}


def _example(state: GameState, plan: Plan, why: str) -> dict:
    deck = state.deck
    rnd = state.rounds[-1]
    scored = _points(state, plan.adopted)
    return {
        "scenario": state.scenario.id, "seed": state.seed, "round": rnd.number,
        "stage": rnd.stage, "why": why,
        "hands": {str(s): list(h) for s, h in enumerate(state.hands)},
        "budget_left": state.budget_left(),
        "plan": [{"card": a.card.id, "name": a.card.name, "group": a.group,
                  "group_name": deck.groups[a.group].name, "cost": a.cost,
                  "points": round(scored["by_card"].get(a.card.id, 0), 6)}
                 for a in plan.adopted],
        "points": scored["points"], "tracks": scored["tracks"],
    }


def _check_round(lesson: Lesson, state: GameState, options: list[Adoption],
                 plan: Plan) -> str | None:
    """Why this round breaks `lesson`, or None when it holds (or does not apply)."""
    affected = state.scenario.affected
    budget = state.budget_left()
    if lesson.kind == "best_reaches_affected":
        could = [o for o in options if o.group in affected and (budget is None or
                                                                 o.cost <= budget)]
        if could and not any(a.group in affected for a in plan.adopted):
            return ("the best plan reaches none of the groups the scenario affects, though "
                    f"{len(could)} affordable choices would have")
        return None
    if lesson.kind == "best_never_only":
        # Where the scenario affects that group (staff under workplace monitoring), reaching
        # only them can rightly be best; and when the budget pays for nothing else, it may
        # be all there is. Neither breaks the lesson.
        if lesson.value in affected:
            return None
        could = [o for o in options if o.group != lesson.value and (budget is None or
                                                                    o.cost <= budget)]
        if could and plan.adopted and all(a.group == lesson.value for a in plan.adopted):
            return (f"the best plan reaches only {state.deck.groups[str(lesson.value)].name}, "
                    f"though {len(could)} affordable choices would have reached others")
        return None
    return None


def _applies(lesson: Lesson, scenario: str, stage: str | None = None) -> bool:
    return (not lesson.scenarios or scenario in lesson.scenarios) and (
        stage is None or not lesson.stages or stage in lesson.stages)


def cards_differ(deck: Deck) -> str | None:
    """Why the criteria's best cards fail to differ: two criteria whose top-rated cards are
    the very same set (so one card teaches both and the criteria blur)."""
    top: dict[str, frozenset[str]] = {}
    for c in deck.criteria:
        best = max(card.ratings.get(c, 0) for card in deck.interventions.values())
        top[c] = frozenset(i for i, card in deck.interventions.items()
                           if card.ratings.get(c, 0) == best)
    names = list(deck.criteria)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if top[a] == top[b]:
                cards = ", ".join(deck.interventions[x].name for x in sorted(top[a]))
                return (f"{deck.criteria[a].name} and {deck.criteria[b].name} have the same "
                        f"best card(s): {cards}")
    return None


def check_lessons(deck: Deck, deals: int = 20, seats: int = 4) -> list[dict]:
    """Every lesson of `deck`, held or broken, with a counter-example when broken."""
    lessons = list(deck.lessons)
    results: dict[str, dict[str, Any]] = {
        lesson.id: {"id": lesson.id, "text": lesson.text, "check": lesson.kind,
                    "checked": 0, "broken": 0, "example": None} for lesson in lessons}
    games: Counter[str] = Counter()  # games played per scenario
    adopted_in: dict[str, Counter[str]] = {}  # scenario -> card -> games it was adopted in
    seats = min(max(seats, deck.settings.seats_min), deck.settings.seats_max)
    scenarios = [s for s in deck.scenarios
                 if any(_applies(lesson, s) for lesson in lessons)]
    for scenario in scenarios:
        adopted_in[scenario] = Counter()
        for seed in range(1, deals + 1):
            state = new_game(deck, scenario, seats, seed)
            _play(state, [lesson for lesson in lessons if lesson.kind in ROUND_KINDS
                          and _applies(lesson, scenario)], results)
            games[scenario] += 1
            for ident in {a.card.id for r in state.rounds for a in r.adopted}:
                adopted_in[scenario][ident] += 1
    for lesson in lessons:
        r = results[lesson.id]
        if lesson.kind == "best_cards_differ":
            r["checked"] = 1
            why = cards_differ(deck)
            if why:
                r["broken"], r["example"] = 1, {"why": why}
        elif lesson.kind == "adopted":
            low, high = cast(tuple[int, int], lesson.value)
            total = sum(games[s] for s in scenarios if _applies(lesson, s))
            counts: Counter[str] = Counter()
            for s in scenarios:
                if _applies(lesson, s):
                    counts.update(adopted_in[s])
            for ident, card in deck.interventions.items():
                share = 100 * counts[ident] / total if total else 0
                r["checked"] += 1
                if not low <= share <= high:
                    r["broken"] += 1
                    if r["example"] is None:
                        r["example"] = {"why": f"{card.name} is adopted in {share:.0f}% of "
                                        f"greedy bots' games; the lesson wants {low}% to "
                                        f"{high}%", "card": ident, "percent": round(share, 1)}
    for r in results.values():
        r["held"] = r["broken"] == 0
    return list(results.values())


def _play(state: GameState, lessons: list[Lesson], results: dict) -> None:
    """Play the game with greedy bots, checking each round-level lesson at each round's
    start."""
    seen = 0
    for _ in range(10_000):
        if state.phase == "ended":
            return
        rnd = state.rounds[-1]
        if rnd.number != seen:
            seen = rnd.number
            here = [lesson for lesson in lessons if _applies(lesson, state.scenario.id,
                                                             rnd.stage)]
            if here:
                options = round_options(state)
                plan = round_best(state, options)
                for lesson in here:
                    r = results[lesson.id]
                    r["checked"] += 1
                    why = _check_round(lesson, state, options, plan)
                    if why:
                        r["broken"] += 1
                        if r["example"] is None:
                            r["example"] = _example(state, plan, why)
        for seat in range(state.seats):
            c = choose(state, seat, "greedy")
            if c is not None:
                step(state, c.action)
                break
        else:
            step(state, {"type": "advance"})
    raise RuntimeError("a lesson game did not end")


def words(deck: Deck, results: list[dict]) -> list[str]:
    """One line per lesson (and its counter-example), for the command line."""
    out = []
    for r in results:
        if r["held"]:
            out.append(f"held: {r['id']}: {r['text']} ({r['checked']} checked)")
            continue
        ex = r["example"] or {}
        line = f"BROKEN: {r['id']}: {r['text']} ({r['broken']} of {r['checked']}): {ex['why']}"
        if "plan" in ex:
            plan = "; ".join(f"{p['name']} with {p['group_name'].lower()} (cost {p['cost']}, "
                             f"{p['points']:+g} points)" for p in ex["plan"]) or "nothing"
            hands = " | ".join(", ".join(deck.interventions[c].name for c in h)
                               for h in ex["hands"].values())
            line += (f"\n  e.g. {ex['scenario']}, seed {ex['seed']}, round {ex['round']} "
                     f"({ex['stage']}), budget {ex['budget_left']}: best plan {plan}"
                     f"\n  hands: {hands}")
        out.append(line)
    return out
