"""What each seat may see. A seat's view never holds another seat's hand (unless the deck
deals open hands) or another seat's secret objective; the table view (seat None) holds
neither. Proposals stay hidden until every seat has proposed, votes until the result.

The view also says what the browser would otherwise have to work out from the rules: whom
the table is waiting for, how many yes votes a proposal needs, what each score change is
worth in points of the weighted total, and whether the table is on track to win."""

from __future__ import annotations

from game.decks.rules import Change, Context, CostMod
from game.engine.actions import GameState, Round, action_types, adopt_limit, card_cost
from game.engine.attribution import Acts, same_holder, who
from game.engine.budget import affordable, hand_over_budget
from game.engine.persuade import reasons
from game.engine.results import event_card, outcome


def proposals_hidden(state: GameState) -> bool:
    """Whether this round's proposals are still secret (each seat sees only its own)."""
    return state.phase == "proposal"


def change_dict(state: GameState, c: Change) -> dict:
    """A score change, with what it adds to the weighted total (None for a track: tracks
    are not part of the total)."""
    out = c.as_dict()
    weight = state.weights.get(c.target) if c.target in state.deck.criteria else None
    out["weight"] = weight
    out["points"] = None if weight is None else round(c.amount * weight, 2)
    return out


def waiting_for(state: GameState, rnd: Round) -> list[int]:
    """The seats the table waits for in this phase."""
    if rnd is not state.rounds[-1]:
        return []
    phase = state.phase
    if phase == "proposal":
        return [s for s in range(state.seats) if s not in rnd.proposals]
    if phase in ("discussion", "result"):
        return [s for s in range(state.seats) if s not in rnd.ready]
    if phase == "vote":
        if state.settings.decision == "chair":
            return [rnd.chair] if rnd.decided is None and rnd.chair is not None else []
        return [s for s in range(state.seats) if s not in rnd.votes]
    return []


# What a seat is doing in each phase, as the players' and facilitator's screens say it:
# (still to act, has acted).
DOING = {"proposal": ("choosing", "has chosen"), "discussion": ("not ready yet", "ready"),
         "vote": ("deciding", "voted"), "result": ("not ready yet", "ready")}


def seat_doing(state: GameState, rnd: Round) -> list[dict | None]:
    """Each seat's part in this phase: what it is doing and whether it has done it. None for
    a seat with no part (all but the chair when the chair decides), and outside play."""
    words = DOING.get(state.phase) if rnd is state.rounds[-1] else None
    if words is None:
        return [None] * state.seats
    waiting = set(waiting_for(state, rnd))
    chair_only = state.phase == "vote" and state.settings.decision == "chair"
    return [None if chair_only and s != rnd.chair
            else {"done": s not in waiting, "text": words[s not in waiting]}
            for s in range(state.seats)]


def votes_needed(state: GameState) -> int | None:
    """Yes votes a proposal needs (None: the chair decides)."""
    decision = state.settings.decision
    if decision == "chair":
        return None
    return state.seats if decision == "consensus" else state.seats // 2 + 1


def _round_public(state: GameState, rnd: Round, viewer: int | None,
                  acts: Acts | None = None) -> dict:
    deck = state.deck
    current = rnd is state.rounds[-1]
    phase = state.phase if current else "result"
    revealed = not (current and proposals_hidden(state))
    proposals = []
    for seat in range(state.seats):
        if seat not in rnd.proposals:
            continue
        p = rnd.proposals[seat]
        by = who(acts, rnd.number, seat, "proposal") if acts is not None else None
        if not revealed and seat != viewer:
            entry: dict = {"seat": seat, "hidden": True}
        elif p is None:
            entry = {"seat": seat, "passed": True}
        else:
            entry = {"seat": seat, "card": p.card, "group": p.group,
                     "cost": card_cost(state, p.card, p.group, seat)
                     if rnd is state.rounds[-1] else None}
            if current and not affordable(state, p.card, p.group, seat):
                entry["over_budget"] = True  # costs events changed since: it cannot be paid
        if by is not None and "hidden" not in entry:  # a hidden proposal says nothing more
            entry["by"] = by
        proposals.append(entry)
    out = {
        "number": rnd.number,
        "stage": rnd.stage,
        "events": [event_card(deck.events[e]) for e in rnd.events],
        "chair": rnd.chair,
        "proposals": proposals,
        "ready": sorted(rnd.ready),
        "voted": sorted(rnd.votes) if state.settings.decision != "chair" else
        ([rnd.chair] if rnd.decided is not None else []),
        # Drawn once the round was scored: their effects and points are in `changes`.
        "later_events": [event_card(deck.events[e]) for e in rnd.later_events],
        "cost_changes": cost_changes(rnd.mods.costs),
        "abilities": rnd.abilities,
        "waiting": waiting_for(state, rnd),
        "doing": seat_doing(state, rnd),
    }
    if phase in ("result", "ended"):
        out["votes"] = {str(s): list(v) for s, v in rnd.votes.items()}
        if acts is not None:
            out["voted_by"] = {str(s): by for s in range(state.seats)
                               if (by := who(acts, rnd.number, s, "vote")) is not None}
        out["adopted"] = [{"seat": a.seat, "card": a.card.id, "group": a.group, "cost": a.cost}
                          for a in rnd.adopted]
        out["refused"] = [{"seat": s, "why": why} for s, why in rnd.refused]
    out["changes"] = [change_dict(state, c) for c in rnd.changes]
    if current:
        # The stage's question, objective and principles: what the table plays this round for.
        stage = deck.stages[rnd.stage]
        out["stage_text"] = {"name": stage.name, "prompt": stage.prompt,
                             "objective": stage.objective, "principles": stage.principles}
        # What this round has already changed for the next one; after the last stage there
        # is none, and what was carried does nothing (as the deck guide says).
        carry = state.carry
        out["next_round"] = None if rnd.number >= len(state.scenario.stages) else {
            "cost_changes": cost_changes(carry.costs),
            "adopt_limit_change": carry.adopt_limit_change}
    return out


def cost_changes(costs: list[CostMod]) -> list[dict]:
    return [{"change": m.change, "why": m.why, "where": m.where.text if m.where else None}
            for m in costs]


def _finished(state: GameState, rnd: Round, acts: Acts | None) -> dict:
    """An earlier round, the same for every viewer: built once and kept on the round (a
    finished round never changes). Its score changes are left out: they are in the debrief,
    and sending every reason again with every action would dominate each message."""
    cached = rnd.cache.get("finished")
    if cached is None:
        cached = _round_public(state, rnd, None, acts)
        del cached["changes"]
        rnd.cache["finished"] = cached
    return cached


def view(state: GameState, seat: int | None, public: dict | None = None, *,
         acts: Acts | None = None, holder: dict | None = None) -> dict:
    """The game as `seat` sees it; seat None is the shared table screen and spectators.

    After an action every seat gets a view. Pass `public`, this state's view for seat None,
    to build each seat's from it: a seat's view is the public one plus its own part (and,
    while proposals are hidden, its own proposal shown to itself).

    `acts` (from the table's log) says who held each seat as it acted; `holder` is who holds
    `seat` now (see game.engine.attribution.stamp), so a player is never told "you proposed" about
    a choice a bot or an earlier player made."""
    if public is None:
        public = _public(state, acts)
    if seat is None:
        return public
    out = dict(public)  # shallow: the shared parts are never changed, only sent
    rnd = state.rounds[-1]
    if state.phase == "proposal" and seat in rnd.proposals:
        out["current"] = _round_public(state, rnd, seat, acts)
    deck = state.deck
    role = deck.roles.get(state.roles[seat] or "")
    over = hand_over_budget(state, seat)  # the groups each card cannot be paid for
    me: dict = {
        # What a case for a proposal may name, in the discussion (game/engine/persuade.py).
        "case_reasons": reasons(state) if state.phase == "discussion" else [],
        "seat": seat,
        "hand": [{"card": c, "costs": {g: card_cost(state, c, g, seat)
                                       for g in deck.interventions[c].reach},
                  "over_budget": over.get(c, [])}
                 for c in state.hands[seat]],
        "legal": sorted(action_types(state, seat)),
    }
    if role and role.objective:
        me["objective"] = role.objective.text
    if seat in rnd.proposals:
        p = rnd.proposals[seat]
        mine = True if acts is None or holder is None else \
            same_holder(acts, rnd.number, seat, "proposal", holder)
        me["proposal"] = {"passed": p is None, "card": p.card if p else None,
                          "group": p.group if p else None, "by_you": mine}
    me["notices"] = _notices(state, seat, acts, holder) if acts is not None else []
    out["you"] = me
    return out


def _notices(state: GameState, seat: int, acts: Acts, holder: dict | None) -> list[str]:
    """What the table did for this seat without being asked, in words, for this round."""
    rnd = state.rounds[-1]
    deck = state.deck
    out = []
    moved = {"timer": "Time ran out before you chose",
             "facilitator": "The facilitator moved the table on before you chose"}
    by = who(acts, rnd.number, seat, "proposal")
    if by and by.get("kind") == "default" and seat in rnd.proposals:
        p = rnd.proposals[seat]
        out.append(f"{moved[by['why']]}: you passed this round." if p is None else
                   f"{moved[by['why']]}: your strongest card, {deck.interventions[p.card].name}, "
                   "was proposed for you.")
    elif by and holder is not None and seat in rnd.proposals and \
            not same_holder(acts, rnd.number, seat, "proposal", holder):
        p = rnd.proposals[seat]
        what = "passed" if p is None else f"proposed {deck.interventions[p.card].name}"
        out.append(f"Before you took this seat, {by['name']} {what} for it this round.")
    vote = who(acts, rnd.number, seat, "vote")
    if vote and vote.get("kind") == "default" and state.phase in ("result", "ended"):
        said = moved[vote["why"]].replace("chose", "voted")
        if state.settings.decision == "chair":
            out.append(f"{said}: nothing was adopted on your say as chair.")
        elif state.settings.on_timeout.get("vote") == "approve":
            out.append(f"{said}: your vote counted as a yes to every proposal.")
        else:
            out.append(f"{said}: your vote counted as a no to every proposal.")
    elif vote and holder is not None and vote.get("kind") != "default" and \
            state.phase in ("result", "ended") and \
            not same_holder(acts, rnd.number, seat, "vote", holder):
        out.append(f"Before you took this seat, {vote['name']} voted for it this round.")
    return out


def outlook(state: GameState) -> dict | None:
    """Is the table on track to win? The scores and tracks so far, carried on at the same
    pace to the last round, tested against the deck's win condition."""
    win = state.settings.win
    if win is None:
        return None
    decided = sum(1 for r in state.rounds if r.hands_at_decision)
    rounds = len(state.scenario.stages)
    now = Context(state.rounds[-1].stage, (), state.adopted_so_far, state.tracks,
                  state.scores, state.weights, state.scenario.affected)
    out: dict = {"win": state.settings.win_text, "rounds_decided": decided}
    if state.phase == "ended":
        out["status"] = "won" if win.test(now, None) else "lost"
        out["projected"] = {"total": round(now.total(), 2), "tracks": dict(state.tracks)}
        return out
    if decided == 0:
        out["status"] = "early"
        return out
    pace = rounds / decided
    starts = {t: state.tracks[t] - sum(c.amount for r in state.rounds for c in r.changes
                                       if c.target == t) for t in state.deck.tracks}
    tracks = {t: round(starts[t] + (v - starts[t]) * pace) for t, v in state.tracks.items()}
    for t, v in tracks.items():  # a track never leaves its range
        track = state.deck.tracks[t]
        tracks[t] = max(track.min, min(track.max, v))
    scores = {c: round(v * pace) for c, v in state.scores.items()}
    ahead = Context(now.stage, (), state.adopted_so_far, tracks, scores, state.weights,
                    state.scenario.affected)
    out["status"] = "on_track" if win.test(ahead, None) else "at_risk"
    out["projected"] = {"total": round(ahead.total(), 2), "tracks": tracks}
    return out


def _public(state: GameState, acts: Acts | None = None) -> dict:
    deck, sc = state.deck, state.scenario
    ended = state.phase == "ended"
    open_hands = state.settings.deal == "open"
    seats = []
    for s in range(state.seats):
        role = deck.roles.get(state.roles[s] or "")
        entry: dict = {"seat": s, "hand_size": len(state.hands[s]),
                       "ability_used": state.ability_used[s]}
        if role:
            entry["role"] = {"id": role.id, "name": role.name, "description": role.description}
            if role.ability:
                entry["role"]["ability"] = {"name": role.ability.name, "text": role.ability.text,
                                            "phase": role.ability.phase}
        if open_hands or ended:
            entry["hand"] = list(state.hands[s])
        seats.append(entry)
    out: dict = {
        "deck": deck.id,
        "scenario": {"id": sc.id, "name": sc.name, "context": sc.context,
                     "affected": sorted(sc.affected), "weights": state.weights,
                     "targets": sc.targets},
        "difficulty": state.difficulty.id if state.difficulty else None,
        "phase": state.phase,
        "version": state.version,
        "round": state.rounds[-1].number,
        "rounds": len(sc.stages),
        "stages": list(sc.stages),
        "decision": state.settings.decision,
        "adopt_limit": adopt_limit(state),
        "budget_track": state.settings.budget_track,
        "budget_left": state.budget_left(),
        "tracks": dict(state.tracks),
        "scores": dict(state.scores),
        "total": round(state.total(), 2),
        "seats": seats,
        "votes_needed": votes_needed(state),
        "outlook": outlook(state),
        "current": _round_public(state, state.rounds[-1], None, acts),
        "history": [_finished(state, r, acts) for r in state.rounds[:-1]],
    }
    if ended:
        out["outcome"] = outcome(state)
    return out
