"""The coach's words for one learner after one round: a few plain sentences first, then what
the learner's own proposal did or would have done, one better plan made only of cards the
learner could see, and, apart and marked as such, what a teammate's hidden card could have
added.

One unit throughout: "points" are what a plan adds to the weighted total the players see
(each criterion's score times the scenario's weight). Tracks are named on their own, never
turned into points. Plans are ranked as the engine's best-plan search ranks them (criteria by
weight, tracks by the deck's `track_values`); when a plan ranks higher for its tracks while
adding fewer points, the words say so.

People are named: the learner is "you", everyone else by the name the caller gives (the
table's seat names); never a seat number unless no name is given.

Pure, like the engine: it reads the state and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.decks.model import Criterion
from game.decks.rules import Adoption, Change, Context
from game.engine.actions import GameState, Round, round_setting
from game.engine.coach import best_alternative, decision_options, round_limits
from game.engine.scoring import Plan, best_plan, effective_cost, plan_value

EPSILON = 1e-9


class Names:
    """Who is who, in words: "you" for the learner, the seat's name for anyone else."""

    def __init__(self, learner: int, names: Sequence[str] | None):
        self.learner = learner
        self.names = list(names or [])

    def who(self, seat: int | None) -> str:
        if seat == self.learner:
            return "you"
        if seat is not None and seat < len(self.names) and self.names[seat]:
            return self.names[seat]
        return "a teammate" if seat is None else f"the player in seat {seat + 1}"

    def whose(self, seat: int | None) -> str:
        return "your" if seat == self.learner else f"{self.who(seat)}'s"


def points_of(state: GameState, changes: Sequence[Change]) -> float:
    """What `changes` add to the weighted total the players see."""
    criteria = state.deck.criteria
    return round(sum(state.weights.get(c.target, 1.0) * c.amount for c in changes
                     if c.target in criteria), 6)


def by_target(changes: Sequence[Change]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in changes:
        out[c.target] = out.get(c.target, 0) + c.amount
    return out


def _pts(value: float, sign: bool = True) -> str:
    number = f"{value:+g}" if sign else f"{value:g}"
    return number.replace("-", "\u2212") + (" point" if abs(value) == 1 else " points")


def _tracks_words(state: GameState, totals: dict[str, int], *, skip_budget: bool = True) -> str:
    deck = state.deck
    parts = [f"{deck.tracks[t].name.lower()} {a:+d}".replace("-", "\u2212")
             for t, a in totals.items()
             if t in deck.tracks and a and not (skip_budget and
                                               t == state.settings.budget_track)]
    return ", ".join(parts)


def _join(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _card_list(state: GameState, adopted: Sequence[Adoption], names: Names) -> str:
    groups = state.deck.groups
    return _join([f"{a.card.name} ({names.whose(a.seat)} card) with "
                  f"{groups[a.group].name.lower()}" for a in adopted])


def _asks(c: Criterion) -> str:
    """A criterion's meaning, as the deck defines it."""
    return f"{c.name} asks: {c.question}" if c.question else f"{c.name}: {c.description}"


def _weight_words(state: GameState, target: str) -> str:
    w = state.weights.get(target, 1.0)
    if w == 1:
        return ""
    times = "double" if w == 2 else f"\u00d7{w:g}"
    return f" This scenario counts it {times}."


# ---- what the table's plan did -------------------------------------------------------------


def _best_card_on(state: GameState, adopted: Sequence[Adoption], target: str) -> Adoption | None:
    rated = [a for a in adopted if a.card.ratings.get(target, 0) > 0]
    return max(rated, key=lambda a: a.card.ratings.get(target, 0), default=None)


def _rule_reasons(changes: Sequence[Change], target: str, positive: bool) -> list[str]:
    """The reasons of the rules (not the cards' own ratings or costs) that moved `target`."""
    seen: dict[str, None] = {}
    for c in changes:
        if c.target == target and c.source not in ("rating", "cost") and \
                (c.amount > 0) == positive and c.amount:
            seen.setdefault(c.why.rstrip("."), None)
    return list(seen)


def plan_sentences(state: GameState, adopted: Sequence[Adoption], changes: Sequence[Change],
                   names: Names, refused: Sequence[tuple[int, str]] = ()) -> list[str]:
    """Two or three sentences: what the plan was and added, what it did most for and why,
    and what it did least for and why, in the words of the criteria's definitions."""
    deck = state.deck
    totals = by_target(changes)
    points = points_of(state, changes)
    tracks = _tracks_words(state, totals)
    if not adopted:
        why = _because(refused[0][1]) if refused else "nobody proposed a card"
        head = f"The table adopted nothing: {why}. The plan added {_pts(points)}" + \
            (f"; {tracks}" if tracks else "") + "."
        return [head, "A round with nothing adopted gives no one a say: every criterion "
                "waits for the next round."]
    head = (f"The table adopted {_card_list(state, adopted, names)}: "
            f"{_pts(points)} on the weighted total" + (f"; {tracks}" if tracks else "") + ".")
    weighted = {t: totals.get(t, 0) * state.weights.get(t, 1.0) for t in deck.criteria}
    # Strongest: most points; weakest: fewest, and among equals the one the scenario
    # counts most (that is where a better plan would gain most).
    strong = max(deck.criteria, key=lambda t: (weighted[t], state.weights.get(t, 1.0)))
    weak = min(deck.criteria, key=lambda t: (weighted[t], -state.weights.get(t, 1.0)))
    out = [head]
    c = deck.criteria[strong]
    top = _best_card_on(state, adopted, strong)
    because = []
    if top is not None:
        because.append(f"{top.card.name} is rated {top.card.ratings[strong]} of 5 on it "
                       f"({top.card.why.rstrip('.')})")
    because += [f"\u201c{r}\u201d" for r in _rule_reasons(changes, strong, True)[:1]]
    out.append(f"It did most for {c.name} ({_pts(weighted[strong])}). {_asks(c)}"
               + (f" Here, {_join(because)}." if because else ""))
    if weak != strong:
        c = deck.criteria[weak]
        against = _rule_reasons(changes, weak, False)
        best_rating = max((a.card.ratings.get(weak, 0) for a in adopted), default=0)
        if against:
            reason = f"it lost points because \u201c{against[0]}\u201d"
        elif len(adopted) > 1:
            reason = f"no card adopted is rated above {best_rating} of 5 on it"
        else:
            reason = f"{adopted[0].card.name} is rated {best_rating} of 5 on it"
        out.append(f"It did least for {c.name} ({_pts(weighted[weak])}): {reason}."
                   + _weight_words(state, weak) + f" {_asks(c)}")
    return out


# ---- the learner's own proposal ------------------------------------------------------------


def _options_cost(state: GameState, rnd: Round, card_id: str, group: str, seat: int) -> Adoption:
    ctx = Context(rnd.stage, (), (), rnd.tracks_before, rnd.scores_before, state.weights,
                  state.scenario.affected)
    card = state.deck.interventions[card_id]
    base = card.reach[group]
    return Adoption(card, group, effective_cost(base, Adoption(card, group, base, seat),
                                                rnd.mods.costs, ctx), seat)


def yours(state: GameState, rnd: Round, seat: int) -> dict:
    """What the learner's own proposal did, or would have done had the table adopted it too."""
    deck = state.deck
    mine = rnd.proposals.get(seat)
    if mine is None:
        return {"proposed": False, "adopted": False,
                "text": "You passed this round, so the plan had nothing of yours in it."}
    rs = round_setting(state, rnd)
    name = f"{deck.interventions[mine.card].name} with {deck.groups[mine.group].name.lower()}"
    _, chosen_changes = plan_value(rs, rnd.adopted)
    if any(a.seat == seat for a in rnd.adopted):
        own = [c for c in chosen_changes if c.card == mine.card]
        points = points_of(state, own)
        tracks = _tracks_words(state, by_target(own))
        return {"proposed": True, "adopted": True, "points": points,
                "text": f"Your proposal, {name}, was adopted: it brought {_pts(points)}"
                        + (f" ({tracks})" if tracks else "") + " of the plan's total."}
    why = next((w for s, w in rnd.refused if s == seat), "")
    me = _options_cost(state, rnd, mine.card, mine.group, seat)
    with_mine = [*rnd.adopted, me]
    _, changes = plan_value(rs, with_mine)
    points = round(points_of(state, changes) - points_of(state, chosen_changes), 6)
    tracks = _tracks_words(state, {t: a - by_target(chosen_changes).get(t, 0)
                                   for t, a in by_target(changes).items()})
    limit, budget = round_limits(state, rnd)
    room = ""
    if len(with_mine) > limit:
        room = (f" But the table could adopt only {limit} this round, so it would have had to "
                "replace one.")
    elif budget is not None and sum(a.cost for a in with_mine) > budget:
        left = budget - sum(a.cost for a in rnd.adopted)
        room = f" But it cost {me.cost} and only {left} budget was left after the plan."
    return {"proposed": True, "adopted": False, "points": points,
            "text": f"Your proposal, {name}, was not adopted"
                    + (f": {_because(why)}" if why else "")
                    + f". Adopted as well, it would have added {_pts(points)}"
                    + (f" ({tracks})" if tracks else "") + "." + room}


# ---- better plans --------------------------------------------------------------------------


def visible_options(state: GameState, rnd: Round, seat: int) -> list[Adoption]:
    """What the learner could see when the table decided: their own hand (any group each card
    reaches) and every proposal on the table (as proposed). With open hands, every hand."""
    if state.settings.deal == "open":
        return decision_options(state, rnd)
    out = [o for o in decision_options(state, rnd) if o.seat == seat]
    for s, p in sorted(rnd.proposals.items()):
        if p is not None and s != seat:
            out.append(_options_cost(state, rnd, p.card, p.group, s))
    return out


def _gain_words(state: GameState, better: Sequence[Change], chosen: Sequence[Change]) -> str:
    deck = state.deck
    b, c = by_target(better), by_target(chosen)
    diff = {t: b.get(t, 0) - c.get(t, 0) for t in {*b, *c}}
    crit = {t: d * state.weights.get(t, 1.0) for t, d in diff.items() if t in deck.criteria and d}
    parts = []
    if crit:
        most = max(crit, key=lambda t: crit[t])
        if crit[most] > 0:
            parts.append(f"Most of the gain is on {deck.criteria[most].name} "
                         f"({_pts(crit[most])}). {_asks(deck.criteria[most])}")
    tracks = _tracks_words(state, diff)
    if tracks:
        parts.append(f"Against the table's plan, the tracks would move: {tracks}")
    return " ".join(_full_stop(p) for p in parts)


def _because(why: str) -> str:
    """A refusal's reason as a clause ("did not get a majority's support" needs a subject)."""
    return f"it {why}" if why.startswith("did ") else why


def _full_stop(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _plan_dict(state: GameState, adopted: Sequence[Adoption], changes: Sequence[Change],
               names: Names, learner: int) -> list[dict]:
    return [{"card": a.card.id, "name": a.card.name, "group": a.group,
             "group_name": state.deck.groups[a.group].name, "cost": a.cost,
             "whose": names.whose(a.seat), "yours": a.seat == learner,
             "points": points_of(state, [c for c in changes if c.card == a.card.id])}
            for a in adopted]


def seen_plan(state: GameState, index: int, seat: int) -> Plan:
    """The best plan made only of cards the learner in `seat` could see in round `index`, as
    the engine's search ranks plans: what the coach speaks of, and what the closing
    reflection asks about. A decided round never changes: searched once, kept in its cache."""
    rnd = state.rounds[index]
    key = ("seen_plan", seat)
    plan = rnd.cache.get(key)
    if plan is None:
        limit, budget = round_limits(state, rnd)
        plan = rnd.cache[key] = best_plan(round_setting(state, rnd),
                                          visible_options(state, rnd, seat), limit, budget,
                                          distinct_seats=True)
    return plan


def better_seen(state: GameState, index: int, seat: int) -> Plan | None:
    """seen_plan when it ranks above the table's plan (the coach then shows it), else None."""
    rnd = state.rounds[index]
    seen = seen_plan(state, index, seat)
    chosen_value, _ = plan_value(round_setting(state, rnd), rnd.adopted)
    return seen if seen.value > chosen_value + EPSILON else None


def better_plans(state: GameState, index: int, seat: int, names: Names) -> dict:
    """The best plan from cards the learner could see, and what hidden cards could add."""
    rnd = state.rounds[index]
    rs = round_setting(state, rnd)
    limit, budget = round_limits(state, rnd)
    chosen_value, chosen_changes = plan_value(rs, rnd.adopted)
    chosen_points = points_of(state, chosen_changes)
    seen = seen_plan(state, index, seat)
    out: dict = {"visible": None, "hidden": None}
    if better_seen(state, index, seat) is not None:
        points = points_of(state, seen.changes)
        gain = round(points - chosen_points, 6)
        more = (f"{_pts(gain, sign=False)} more than the table's plan" if gain > 0 else
                "the same points as the table's plan" if gain == 0 else
                f"{_pts(-gain, sign=False)} fewer than the table's plan, but better for the "
                "tracks the win needs")
        out["visible"] = {
            "plan": _plan_dict(state, seen.adopted, seen.changes, names, seat),
            "points": points, "gain": gain,
            "text": f"From the cards you could see (your hand and the proposals on the "
                    f"table), a better plan was {_card_list(state, seen.adopted, names)}: "
                    f"{_pts(points)}, {more}. " + _gain_words(state, seen.changes,
                                                            chosen_changes),
        }
    else:
        out["visible_text"] = ("No plan made from the cards you could see (your hand and the "
                               "proposals on the table) would have done better.")
    alt = best_alternative(state, index)
    best_seen = max(seen.value, chosen_value)
    if not alt["same"] and alt["best"]["value"] > best_seen + EPSILON:
        full = best_plan(rs, decision_options(state, rnd), limit, budget, distinct_seats=True)
        hidden = [a for a in full.adopted if a.seat != seat and not any(
            o.seat == a.seat and o.card.id == a.card.id and o.group == a.group
            for o in visible_options(state, rnd, seat))]
        points = points_of(state, full.changes)
        seen_points = points_of(state, seen.changes) if seen.value > chosen_value + EPSILON \
            else chosen_points
        gain = round(points - seen_points, 6)
        held = _join([_held_words(state, rnd, a, names) for a in hidden])
        out["hidden"] = {
            "plan": _plan_dict(state, full.adopted, full.changes, names, seat),
            "points": points, "gain": gain, "hidden_cards": [a.card.id for a in hidden],
            "text": f"Hidden from you: {held}. The best plan with that was "
                    f"{_card_list(state, full.adopted, names)}: {_pts(points)}"
                    + (f", {_pts(gain, sign=False)} more than the best you could see"
                       if gain > 0 else "") + ". Asking teammates what they hold is part "
                    "of the game.",
        }
    return out


def _held_words(state: GameState, rnd: Round, a: Adoption, names: Names) -> str:
    p = rnd.proposals.get(a.seat) if a.seat is not None else None
    group = state.deck.groups[a.group].name.lower()
    if p is not None and p.card == a.card.id:
        return (f"{names.who(a.seat)} could have aimed {a.card.name} at {group} instead of "
                f"{state.deck.groups[p.group].name.lower()}")
    return f"{names.who(a.seat)} held {a.card.name} (with {group}) but did not propose it"


def teach(state: GameState, index: int, seat: int, names: Sequence[str] | None = None) -> dict:
    """Everything the coach says to the learner in `seat` about round `index`, in words."""
    rnd = state.rounds[index]
    if not rnd.hands_at_decision:
        raise ValueError(f"round {rnd.number} has not been decided yet")
    who = Names(seat, names)
    _, changes = plan_value(round_setting(state, rnd), rnd.adopted)
    return {"said": plan_sentences(state, rnd.adopted, changes, who, rnd.refused),
            "yours": yours(state, rnd, seat),
            **better_plans(state, index, seat, who)}
