"""The rules engine: set up a game, apply actions, say what each seat may do and see.

Pure: no Flask, no database, no clock and no global random. All chance comes from the
game's seed, so the same deck, seed and actions always give the same game.

`apply(state, action)` returns a new state; `step(state, action)` changes the state in
place and is what the server's cached state and the bots' simulations use. Both check the
whole action before changing anything, so a refused action changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import combinations

from game.decks.model import Deck, Settings
from game.decks.options import SEATS, TABLE_OPTIONS
from game.decks.rules import Adoption, RoundMods
from game.engine.budget import affordable, backing_refusal, proposal_refusal
from game.engine.chance import Chance
from game.engine.effects import apply_effects, draw, draw_event
from game.engine.greedy import greedy_proposal
from game.engine.persuade import check_case, record_case
from game.engine.scoring import score_round

# The state and what anyone may ask of it live in game.engine.state, below this module and the
# heuristics; they are named here too because the engine is where callers look for them.
from game.engine.state import (
    GameState,
    Proposal,
    Round,
    adopt_limit,
    card_cost,
    proposal_cost,
    round_setting,
)
from game.errors import GameError

PHASES = ("proposal", "discussion", "vote", "result", "ended")
ACTION_KEYS = {
    "propose": {"card", "group"},
    "pass": set(),
    "ready": set(),
    "vote": {"approve"},
    "decide": {"adopt"},
    "ability": set(),
    "advance": set(),
}
_ALLOWED_KEYS = {kind: frozenset(keys | {"type", "seat", "round", "phase"})
                 for kind, keys in ACTION_KEYS.items()}
# In the discussion, ready may back a proposal with a reason (game/engine/persuade.py).
_ALLOWED_KEYS["ready"] |= {"back", "reason"}


class IllegalAction(GameError):
    """An action the rules refuse. `code` is for programs, `message` for people."""


# ---- setting up ----------------------------------------------------------------------------


def table_settings(deck: Deck, options: dict | None, scenario: str | None = None) -> Settings:
    """The deck's settings with a facilitator's table options applied (already validated),
    and the scenario's own win condition if it has one."""
    base = deck.settings_for(scenario) if scenario else deck.settings
    if not options:
        return base
    changes = {k: v for k, v in options.items() if k in TABLE_OPTIONS}
    if "timers" in changes:
        changes["timers"] = {**base.timers, **changes["timers"]}
    return replace(base, **changes)


def new_game(deck: Deck, scenario: str, seats: int, seed: int, *,
             difficulty: str | None = None, options: dict | None = None) -> GameState:
    if not isinstance(scenario, str) or scenario not in deck.scenarios:
        raise IllegalAction("unknown_scenario", f"deck {deck.id} has no scenario {scenario!r}; "
                            "choose one of: " + ", ".join(deck.scenarios))
    settings = table_settings(deck, options, scenario)
    if isinstance(seats, bool) or not isinstance(seats, int) \
            or not settings.seats_min <= seats <= min(settings.seats_max, SEATS.high):
        raise IllegalAction("bad_seats", f"this deck is for {settings.seats_min} to "
                            f"{settings.seats_max} seats, not {seats}")
    if difficulty is not None and difficulty not in deck.difficulties:
        raise IllegalAction("unknown_difficulty", f"the deck has no difficulty '{difficulty}'")
    sc = deck.scenarios[scenario]
    level = deck.difficulties.get(difficulty) if difficulty else None
    rng = Chance(seed)
    tracks = {t.id: sc.tracks.get(t.id, t.start) for t in deck.tracks.values()}
    if level:
        for t, delta in level.tracks.items():
            tr = deck.tracks[t]
            tracks[t] = max(tr.min, min(tr.max, tracks[t] + delta))
    pile = [c.id for c in deck.interventions.values() for _ in range(c.copies)]
    rng.shuffle(pile)
    max_sev = level.max_severity if level else 3
    events = [e for e in sc.events if deck.events[e].severity <= max_sev]
    rng.shuffle(events)
    roles: list[str | None] = list(deck.roles)
    rng.shuffle(roles)
    roles = (roles + [None] * seats)[:seats]
    hands = [pile[i * settings.hand_size:(i + 1) * settings.hand_size] for i in range(seats)]
    del pile[:seats * settings.hand_size]
    weights = {c: sc.weights.get(c, 1.0) for c in deck.criteria}
    state = GameState(
        deck=deck, scenario=sc, settings=settings, difficulty=level, seed=seed, seats=seats,
        roles=roles, hands=hands, draw_pile=pile, discard_pile=[], event_pile=events,
        tracks=tracks, scores=dict.fromkeys(deck.criteria, 0), weights=weights, rounds=[],
        ability_used=[False] * seats)
    _start_round(state, 1)
    return state


def _chair_for(state: GameState, number: int) -> int | None:
    s = state.settings
    if s.decision != "chair":
        return None
    if s.chair == "learner":  # solo "team captain": the learner's seat chairs every round
        return 0
    if s.chair != "rotate" and s.chair in state.roles:
        return state.roles.index(s.chair)
    return (number - 1) % state.seats


def _start_round(state: GameState, number: int) -> None:
    stage = state.scenario.stages[number - 1]
    rnd = Round(number, stage, [], _chair_for(state, number), state.carry)
    state.carry = RoundMods()
    state.rounds.append(rnd)
    state.phase = "proposal"
    if state.skip_next_event:
        state.skip_next_event = False
    else:
        for _ in range(state.settings.events_per_round):
            draw_event(state)


# ---- what a seat may do --------------------------------------------------------------------


def _deciders(state: GameState) -> list[int]:
    chair = state.rounds[-1].chair
    return [chair] if chair is not None else list(range(state.seats))


_NOTHING: frozenset[str] = frozenset()
_ADVANCE = frozenset({"advance"})
_PROPOSE = frozenset({"propose", "pass"})
_PASS = frozenset({"pass"})
_READY = frozenset({"ready"})
_VOTE = frozenset({"vote"})
_DECIDE = frozenset({"decide"})
_ABILITY = frozenset({"ability"})


def action_types(state: GameState, seat: int | None) -> frozenset[str]:
    """The types of the actions `seat` may take now: `{a["type"] for a in legal_actions(state,
    seat)}`, without listing every vote. Bots and views ask this at every step."""
    phase = state.phase
    if phase == "ended":
        return _NOTHING
    if seat is None:
        return _ADVANCE
    rnd = state.rounds[-1]
    if phase == "proposal":
        types = _NOTHING if seat in rnd.proposals else _PROPOSE if any(
            affordable(state, c, g, seat) for c in state.hands[seat]
            for g in state.deck.interventions[c].reach) else _PASS
    elif phase == "vote":
        # Adopting nothing is always within the budget and the limit, so there is always a
        # vote (or, for the chair, a decision) to give.
        if state.settings.decision == "chair":
            types = _DECIDE if seat == rnd.chair and rnd.decided is None else _NOTHING
        else:
            types = _NOTHING if seat in rnd.votes else _VOTE
    else:  # discussion or result
        types = _NOTHING if seat in rnd.ready else _READY
    if _ability_ok(state, seat):
        return types | _ABILITY
    return types


def legal_actions(state: GameState, seat: int | None) -> list[dict]:
    """Every action `seat` may take now (seat None: the facilitator or the clock)."""
    phase = state.phase
    if phase == "ended":
        return []
    if seat is None:
        return [{"type": "advance"}]
    rnd = state.rounds[-1]
    out: list[dict] = []
    if phase == "proposal" and seat not in rnd.proposals:
        for card in dict.fromkeys(state.hands[seat]):
            for group in state.deck.interventions[card].reach:
                if affordable(state, card, group, seat):
                    out.append({"type": "propose", "seat": seat, "card": card, "group": group})
        out.append({"type": "pass", "seat": seat})
    elif phase in ("discussion", "result") and seat not in rnd.ready:
        out.append({"type": "ready", "seat": seat})
    elif phase == "vote":
        ids = [s for s, p in rnd.proposals.items() if p is not None]
        if state.settings.decision == "chair":
            if seat == rnd.chair and rnd.decided is None:
                budget = state.budget_left()
                for size in range(adopt_limit(state) + 1):
                    for combo in combinations(ids, size):
                        cost = sum(proposal_cost(state, s) for s in combo)
                        if budget is None or cost <= budget:
                            out.append({"type": "decide", "seat": seat, "adopt": list(combo)})
        elif seat not in rnd.votes:
            for size in range(len(ids) + 1):
                for combo in combinations(ids, size):
                    if backing_refusal(state, combo) is None:
                        out.append({"type": "vote", "seat": seat, "approve": list(combo)})
    if _ability_ok(state, seat):
        out.append({"type": "ability", "seat": seat})
    return out


def _ability_ok(state: GameState, seat: int) -> bool:
    role = state.roles[seat]
    if role is None or state.ability_used[seat] or state.phase in ("result", "ended"):
        return False
    ability = state.deck.roles[role].ability
    return ability is not None and (ability.phase is None or ability.phase == state.phase)


# ---- applying actions ----------------------------------------------------------------------


def apply(state: GameState, action: dict) -> tuple[GameState, list[dict]]:
    new = state.copy()
    events = step(new, action)
    return new, events


def step(state: GameState, action: dict) -> list[dict]:
    """Check `action` fully, then apply it to `state` in place. Returns what happened, as
    small dicts a client can show ("revealed", "resolved", ...)."""
    kind, seat = _check_shape(state, action)
    handler = _HANDLERS[kind]
    check, do = handler
    check(state, seat, action)
    events: list[dict] = []
    do(state, seat, action, events)
    state.version += 1
    return events


def _quote(value: object) -> str:
    """Echo what someone sent, cut short: a refusal must not repeat a huge payload."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_shape(state: GameState, action: object) -> tuple[str, int | None]:
    if not isinstance(action, dict):
        raise IllegalAction("bad_action", "an action must be an object with a 'type'")
    kind = action.get("type")
    if not isinstance(kind, str) or kind not in ACTION_KEYS:
        raise IllegalAction("unknown_action", f"unknown action type {_quote(kind)}; expected "
                            "one of: " + ", ".join(ACTION_KEYS))
    keys = action.keys()
    if not keys <= _ALLOWED_KEYS[kind]:
        extra = sorted(map(str, keys - _ALLOWED_KEYS[kind]))
        raise IllegalAction("bad_action", f"'{kind}' does not take: {', '.join(extra)}")
    if not keys >= ACTION_KEYS[kind]:
        missing = sorted(ACTION_KEYS[kind] - keys)
        raise IllegalAction("bad_action", f"'{kind}' needs: {', '.join(missing)}")
    if state.phase == "ended":
        raise IllegalAction("game_over", "the game has ended")
    if "round" in action:
        number = action["round"]
        if isinstance(number, bool) or not isinstance(number, int):
            raise IllegalAction("bad_action", "'round' must be the round number you acted on")
        if number != state.rounds[-1].number:
            raise IllegalAction("stale", f"that was meant for round {number}, but the table is "
                                f"on round {state.rounds[-1].number}: look again and retry")
    if "phase" in action and action["phase"] != state.phase:
        raise IllegalAction("stale", f"that was meant for the {_quote(action['phase'])} phase, "
                            f"but the table is in the {state.phase} phase: look again and retry")
    seat = action.get("seat")
    if kind == "advance":
        if seat is not None:
            raise IllegalAction("bad_action", "'advance' is for the facilitator, not a seat")
        return kind, None
    if isinstance(seat, bool) or not isinstance(seat, int) or not 0 <= seat < state.seats:
        raise IllegalAction("bad_seat", f"'seat' must be a seat number from 0 to "
                            f"{state.seats - 1}")
    return kind, seat


def _need_phase(state: GameState, *phases: str) -> None:
    if state.phase not in phases:
        raise IllegalAction("wrong_phase", f"you can do that in the {' or '.join(phases)} phase; "
                            f"the table is in the {state.phase} phase")


def _check_propose(state: GameState, seat: int, action: dict) -> None:
    _need_phase(state, "proposal")
    if seat in state.rounds[-1].proposals:
        raise IllegalAction("already_proposed", "you have already proposed this round")
    card, group = action["card"], action["group"]
    if not isinstance(card, str) or card not in state.hands[seat]:
        raise IllegalAction("not_in_hand", f"{_quote(card)} is not in your hand")
    reach = state.deck.interventions[card].reach
    if not isinstance(group, str) or group not in reach:
        names = ", ".join(reach)
        raise IllegalAction("bad_group", f"{state.deck.interventions[card].name} cannot reach "
                            f"{_quote(group)}; it can reach: {names}")
    if (why := proposal_refusal(state, seat, card, group)) is not None:
        raise IllegalAction("cannot_afford", why)


def _do_propose(state: GameState, seat: int, action: dict, events: list) -> None:
    state.rounds[-1].proposals[seat] = Proposal(seat, action["card"], action["group"])
    events.append({"type": "proposed", "seat": seat})
    _maybe_reveal(state, events)


def _check_pass(state: GameState, seat: int, action: dict) -> None:
    _need_phase(state, "proposal")
    if seat in state.rounds[-1].proposals:
        raise IllegalAction("already_proposed", "you have already proposed this round")


def _do_pass(state: GameState, seat: int, action: dict, events: list) -> None:
    state.rounds[-1].proposals[seat] = None
    events.append({"type": "passed", "seat": seat})
    _maybe_reveal(state, events)


def _maybe_reveal(state: GameState, events: list) -> None:
    rnd = state.rounds[-1]
    if len(rnd.proposals) < state.seats:
        return
    events.append({"type": "revealed"})
    if all(p is None for p in rnd.proposals.values()):
        _resolve(state, events)
    else:
        state.phase = "discussion"


def _check_ready(state: GameState, seat: int, action: dict) -> None:
    _need_phase(state, "discussion", "result")
    if seat in state.rounds[-1].ready:
        raise IllegalAction("already_ready", "you have already said you are ready")
    try:
        check_case(state, seat, action)
    except GameError as exc:
        raise IllegalAction(exc.code, exc.message) from None


def _do_ready(state: GameState, seat: int, action: dict, events: list) -> None:
    record_case(state, seat, action)
    state.rounds[-1].ready.add(seat)
    events.append({"type": "ready", "seat": seat})
    if len(state.rounds[-1].ready) == state.seats:
        _move_on(state, events)


def _check_vote(state: GameState, seat: int, action: dict) -> None:
    _need_phase(state, "vote")
    if state.settings.decision == "chair":
        raise IllegalAction("chair_decides", "at this table the chair decides: no vote")
    if seat in state.rounds[-1].votes:
        raise IllegalAction("already_voted", "you have already voted this round")
    approve = _check_seat_list(state, action["approve"], "approve")
    if (why := backing_refusal(state, approve)) is not None:
        raise IllegalAction("over_budget", why)


def _check_seat_list(state: GameState, value: object, key: str) -> list[int]:
    rnd = state.rounds[-1]
    if not isinstance(value, list) or len(value) > state.seats:
        raise IllegalAction("bad_action", f"'{key}' must be a list of seat numbers whose "
                            "proposals you choose")
    for s in value:
        if isinstance(s, bool) or not isinstance(s, int) or rnd.proposals.get(s) is None:
            raise IllegalAction("bad_proposal",
                                f"there is no proposal from seat {_quote(s)} this round")
    if len(set(value)) != len(value):
        raise IllegalAction("bad_action", f"'{key}' names a proposal twice")
    return value


def _do_vote(state: GameState, seat: int, action: dict, events: list) -> None:
    state.rounds[-1].votes[seat] = tuple(action["approve"])
    events.append({"type": "voted", "seat": seat})
    if len(state.rounds[-1].votes) == state.seats:
        _resolve(state, events)


def _check_decide(state: GameState, seat: int, action: dict) -> None:
    _need_phase(state, "vote")
    rnd = state.rounds[-1]
    if state.settings.decision != "chair" or seat != rnd.chair:
        raise IllegalAction("not_chair", "only the chair decides; everyone else argues")
    chosen = _check_seat_list(state, action["adopt"], "adopt")
    if len(chosen) > adopt_limit(state):
        raise IllegalAction("over_limit", f"at most {adopt_limit(state)} can be adopted "
                            "this round")
    budget = state.budget_left()
    cost = sum(proposal_cost(state, s) for s in chosen)
    if budget is not None and cost > budget:
        raise IllegalAction("over_budget", f"that plan costs {cost} but only {budget} is left")


def _do_decide(state: GameState, seat: int, action: dict, events: list) -> None:
    state.rounds[-1].decided = tuple(action["adopt"])
    events.append({"type": "decided", "seat": seat})
    _resolve(state, events)


def _check_ability(state: GameState, seat: int, action: dict) -> None:
    role = state.roles[seat]
    if role is None or state.deck.roles[role].ability is None:
        raise IllegalAction("no_ability", "your seat has no special ability")
    if state.ability_used[seat]:
        raise IllegalAction("ability_used", "you have already used your ability this game")
    if not _ability_ok(state, seat):
        phase = state.deck.roles[role].ability.phase  # type: ignore[union-attr]
        raise IllegalAction("wrong_phase", f"your ability can be used in the "
                            f"{phase or 'proposal, discussion or vote'} phase; the table is in "
                            f"the {state.phase} phase")


def _do_ability(state: GameState, seat: int, action: dict, events: list) -> None:
    role = state.deck.roles[state.roles[seat]]  # type: ignore[index]
    ability = role.ability
    assert ability is not None
    state.ability_used[seat] = True
    state.rounds[-1].abilities.append(seat)
    apply_effects(state, ability.effects, seat, f"role {role.id}",
                   f"{ability.name} ({role.name})")
    events.append({"type": "ability", "seat": seat, "role": role.id})


def _check_advance(state: GameState, seat: int | None, action: dict) -> None:
    return None


def _do_advance(state: GameState, seat: int | None, action: dict, events: list) -> None:
    """The facilitator (or a timer) moves the table on, filling in for whoever is missing as
    the deck's `on_timeout` says."""
    rnd = state.rounds[-1]
    events.append({"type": "advanced", "phase": state.phase})
    if state.phase == "proposal":
        best = state.settings.on_timeout.get("proposal") == "best"
        for s in range(state.seats):
            if s not in rnd.proposals:
                if best:
                    choice = greedy_proposal(state, s)
                    rnd.proposals[s] = Proposal(s, choice[0], choice[1]) if choice else None
                else:
                    rnd.proposals[s] = None
        _maybe_reveal(state, events)
    elif state.phase == "vote":
        _resolve(state, events)
    else:
        _move_on(state, events)


def _move_on(state: GameState, events: list) -> None:
    if state.phase == "discussion":
        state.phase = "vote"
        state.rounds[-1].ready.clear()  # the same set counts readiness again after the result
        return
    # result -> next round or the end
    if state.rounds[-1].number >= len(state.scenario.stages):
        state.phase = "ended"
        events.append({"type": "ended"})
        return
    _start_round(state, state.rounds[-1].number + 1)
    events.append({"type": "round", "number": state.rounds[-1].number})


def _resolve(state: GameState, events: list) -> None:
    """Decide which proposals are adopted, pay for them, score them, refill hands."""
    rnd = state.rounds[-1]
    s = state.settings
    ids = [seat for seat, p in rnd.proposals.items() if p is not None]
    if s.decision == "chair":
        order = list(rnd.decided or ())
        if rnd.decided is None and ids:
            rnd.refused.extend((x, "the chair did not decide in time") for x in ids)
    else:
        missing_yes = s.on_timeout.get("vote") == "approve"
        votes = {x: 0 for x in ids}
        for voter in range(state.seats):
            approved = rnd.votes.get(voter)
            for x in ids if approved is None and missing_yes else approved or ():
                votes[x] += 1
        need = state.seats if s.decision == "consensus" else state.seats // 2 + 1
        order = sorted((x for x in ids if votes[x] >= need), key=lambda x: (-votes[x], x))
        for x in ids:
            if votes[x] < need:
                word = "everyone's" if s.decision == "consensus" else "a majority's"
                rnd.refused.append((x, f"did not get {word} support ({votes[x]} of "
                                       f"{state.seats})"))
    budget = state.budget_left()
    limit = adopt_limit(state)
    adopted: list[Adoption] = []
    for x in order:
        p = rnd.proposals[x]
        assert p is not None
        card = state.deck.interventions[p.card]
        cost = card_cost(state, p.card, p.group, x)
        if len(adopted) >= limit:
            rnd.refused.append((x, f"the table may adopt at most {limit} this round"))
        elif budget is not None and cost > budget:
            rnd.refused.append((x, f"it costs {cost} and the budget had only {budget} left"))
        else:
            adopted.append(Adoption(card, p.group, cost, x))
            if budget is not None:
                budget -= cost
    rnd.hands_at_decision = [tuple(h) for h in state.hands]
    rnd.tracks_before = dict(state.tracks)
    rnd.scores_before = dict(state.scores)
    # A rule's cost changes are the next round's: this one is paid.
    changes = score_round(round_setting(state), adopted, state.carry.costs)
    for c in changes:
        if c.target in state.deck.tracks:
            state.tracks[c.target] += c.amount
        else:
            state.scores[c.target] += c.amount
    rnd.changes.extend(changes)
    rnd.adopted = adopted
    state.adopted_so_far.extend(adopted)
    # Cards leave hands as the deck says, then hands are topped up.
    leaving = [rnd.proposals[x] for x in ids] if s.discard == "proposed" else \
        [rnd.proposals[a.seat] for a in adopted if a.seat is not None]
    for p in leaving:
        if p is not None and p.card in state.hands[p.seat]:
            state.hands[p.seat].remove(p.card)
            state.discard_pile.append(p.card)
    if s.refill == "draw":
        for seat in range(state.seats):
            draw(state, seat, s.hand_size - len(state.hands[seat]))
    for _ in range(s.events_after_scoring):  # drawn last: its draws and discards stand
        draw_event(state, "after_scoring")
    state.phase = "result"
    events.append({"type": "resolved", "adopted": [a.seat for a in adopted]})


# Each action's check (which refuses, changing nothing) and what it does.
_HANDLERS: dict[str, tuple[Callable[..., None], Callable[..., None]]] = {
    "propose": (_check_propose, _do_propose),
    "pass": (_check_pass, _do_pass),
    "ready": (_check_ready, _do_ready),
    "vote": (_check_vote, _do_vote),
    "decide": (_check_decide, _do_decide),
    "ability": (_check_ability, _do_ability),
    "advance": (_check_advance, _do_advance),
}
