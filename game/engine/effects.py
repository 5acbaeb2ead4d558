"""What cards, events and abilities do to a game: change a criterion or track (with the
reason players read), change costs or the adopt limit for the round, draw and discard cards,
and draw events. Each changes the state in place, as `step` does."""

from __future__ import annotations

from functools import partial

from game.decks.rules import Change, CostMod
from game.engine.chance import Chance
from game.engine.scoring import apply_rules, clamp_add
from game.engine.state import GameState, game_context


def draw_event(state: GameState, when: str = "start") -> None:
    """Draw the first event of the pile that may be drawn now: in this round's stage, and as
    the round starts or (`when` "after_scoring") once it is scored. An event drawn after
    scoring has its effects, then scores its rules on the round's adoptions at once; the
    costs and adopt limit it changes are the next round's, this one's being paid."""
    rnd = state.rounds[-1]
    for i, ident in enumerate(state.event_pile):
        event = state.deck.events[ident]
        if event.when == when and (event.stages is None or rnd.stage in event.stages):
            del state.event_pile[i]
            later = when == "after_scoring"
            (rnd.later_events if later else rnd.events).append(ident)
            apply_effects(state, event.effects, None, f"event {ident}", event.name, later=later)
            if later:
                apply_rules(event.rules, game_context(state), partial(change, state),
                            state.carry.costs)
            return


def apply_effects(state: GameState, effects, seat: int | None, source: str, label: str, *,
                  later: bool = False) -> None:
    """Apply `effects`; with `later`, the round is scored and paid, so cost and adopt-limit
    changes are kept for the next round."""
    rnd = state.rounds[-1]
    mods = state.carry if later else rnd.mods
    for effect in effects:
        kind = effect.kind
        if kind == "add":
            for target, amount in effect.adds:
                change(state, target, amount.of(None), label, source)
        elif kind == "cost":
            mods.costs.append(CostMod(effect.change, effect.where, label))
        elif kind in ("draw", "discard"):
            for s in range(state.seats) if seat is None else (seat,):
                if kind == "draw":
                    draw(state, s, effect.change)
                else:
                    discard_random(state, s, effect.change)
        elif kind == "adopt_limit":
            mods.adopt_limit_change += effect.change
        elif kind == "skip_event":
            state.skip_next_event = True
        elif kind == "redraw_event":
            if rnd.events:  # the old event is set aside for good; its effects stay
                rnd.events.pop()
            draw_event(state)


def change(state: GameState, target: str, amount: int, why: str, source: str,
            card: str | None = None) -> None:
    if target in state.deck.tracks:
        amount, note = clamp_add(state.deck, state.settings, state.tracks, target, amount)
        why += note
    else:
        state.scores[target] = state.scores.get(target, 0) + amount
    rnd = state.rounds[-1]
    rnd.changes.append(Change(target, amount, why, source, card, rnd.number))


def draw(state: GameState, seat: int, n: int) -> None:
    for _ in range(n):
        if not state.draw_pile and state.discard_pile:
            state.reshuffles += 1
            state.draw_pile = state.discard_pile
            state.discard_pile = []
            Chance(state.seed * 7919 + state.reshuffles).shuffle(state.draw_pile)
        if not state.draw_pile:
            return
        state.hands[seat].append(state.draw_pile.pop())


def discard_random(state: GameState, seat: int, n: int) -> None:
    """Discard `n` cards from the seat's hand at random. A card the seat has proposed this
    round is on the table, not in the hand: it stays (an event redrawn mid-round, or an
    ability, could otherwise take away a card the table is about to adopt)."""
    rng = Chance(state.seed * 1_000_003 + state.version * 31 + seat)
    hand = state.hands[seat]
    proposal = state.rounds[-1].proposals.get(seat) if state.rounds else None
    kept = hand.index(proposal.card) if proposal and proposal.card in hand else None
    for _ in range(min(n, len(hand) - (kept is not None))):
        if kept is None:
            state.discard_pile.append(hand.pop(rng.below(len(hand))))
            continue
        i = rng.below(len(hand) - 1)
        i += i >= kept  # skip the proposed card
        state.discard_pile.append(hand.pop(i))
        kept -= i < kept
