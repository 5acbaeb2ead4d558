"""What each seat may see. A seat's view never holds another seat's hand (unless the deck
deals open hands) or another seat's secret objective; the table view (seat None) holds
neither. Proposals stay hidden until every seat has proposed, votes until the result."""

from __future__ import annotations

from game.engine import (
    GameState,
    Round,
    action_types,
    adopt_limit,
    card_cost,
    event_card,
    outcome,
)


def proposals_hidden(state: GameState) -> bool:
    """Whether this round's proposals are still secret (each seat sees only its own)."""
    return state.phase == "proposal"


def _round_public(state: GameState, rnd: Round, viewer: int | None) -> dict:
    deck = state.deck
    current = rnd is state.rounds[-1]
    phase = state.phase if current else "result"
    revealed = not (current and proposals_hidden(state))
    proposals = []
    for seat in range(state.seats):
        if seat not in rnd.proposals:
            continue
        p = rnd.proposals[seat]
        if not revealed and seat != viewer:
            proposals.append({"seat": seat, "hidden": True})
        elif p is None:
            proposals.append({"seat": seat, "passed": True})
        else:
            proposals.append({"seat": seat, "card": p.card, "group": p.group,
                              "cost": card_cost(state, p.card, p.group, seat)
                              if rnd is state.rounds[-1] else None})
    out = {
        "number": rnd.number,
        "stage": rnd.stage,
        "events": [event_card(deck.events[e]) for e in rnd.events],
        "chair": rnd.chair,
        "proposals": proposals,
        "ready": sorted(rnd.ready),
        "voted": sorted(rnd.votes) if state.settings.decision != "chair" else
        ([rnd.chair] if rnd.decided is not None else []),
        "cost_changes": [{"change": m.change, "why": m.why,
                          "where": m.where.text if m.where else None}
                         for m in rnd.mods.costs],
        "abilities": rnd.abilities,
    }
    if phase in ("result", "ended"):
        out["votes"] = {str(s): list(v) for s, v in rnd.votes.items()}
        out["adopted"] = [{"seat": a.seat, "card": a.card.id, "group": a.group, "cost": a.cost}
                          for a in rnd.adopted]
        out["refused"] = [{"seat": s, "why": why} for s, why in rnd.refused]
    out["changes"] = [c.as_dict() for c in rnd.changes]
    return out


def _finished(state: GameState, rnd: Round) -> dict:
    """An earlier round, the same for every viewer: built once and kept on the round (a
    finished round never changes). Its score changes are left out: they are in the debrief,
    and sending every reason again with every action would dominate each message."""
    cached = rnd.cache.get("finished")
    if cached is None:
        cached = _round_public(state, rnd, None)
        del cached["changes"]
        rnd.cache["finished"] = cached
    return cached


def view(state: GameState, seat: int | None, public: dict | None = None) -> dict:
    """The game as `seat` sees it; seat None is the shared table screen and spectators.

    After an action every seat gets a view. Pass `public`, this state's view for seat None,
    to build each seat's from it: a seat's view is the public one plus its own part (and,
    while proposals are hidden, its own proposal shown to itself)."""
    if public is None:
        public = _public(state)
    if seat is None:
        return public
    out = dict(public)  # shallow: the shared parts are never changed, only sent
    rnd = state.rounds[-1]
    if state.phase == "proposal" and seat in rnd.proposals:
        out["current"] = _round_public(state, rnd, seat)
    deck = state.deck
    role = deck.roles.get(state.roles[seat] or "")
    me: dict = {
        "seat": seat,
        "hand": [{"card": c, "costs": {g: card_cost(state, c, g, seat)
                                       for g in deck.interventions[c].reach}}
                 for c in state.hands[seat]],
        "legal": sorted(action_types(state, seat)),
    }
    if role and role.objective:
        me["objective"] = role.objective.text
    out["you"] = me
    return out


def _public(state: GameState) -> dict:
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
        "current": _round_public(state, state.rounds[-1], None),
        "history": [_finished(state, r) for r in state.rounds[:-1]],
    }
    if ended:
        out["outcome"] = outcome(state)
    return out
