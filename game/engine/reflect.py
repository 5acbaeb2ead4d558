"""The closing reflection of a solo game: three short questions, answered by tapping, each
with its right answer and the reason, drawn from the finished game and its deck.

The questions say only what the deck and the game say, and each has exactly one right answer:

- `card`: "Which criterion does <a card adopted this game> serve best?" Right: the criterion
  it is rated highest on (cards whose highest rating is shared are never asked about). The
  reason quotes the card's ratings and its own "why" from the deck.
- `plan`: "In round N, which of these plans would have added most to the weighted total?"
  The table's plan, the best plan made only of cards the learner could see (the coach's),
  and a third made of the learner's own cards or the proposals on the table. Right: the one
  with strictly the most points; asked only about a round where the table's plan fell short.
- `criterion`: "Which of these defines <criterion>?" with the deck's own definitions, about
  the criterion the table finished furthest from its target; and `asks`: "Which criterion
  asks: <question>?" with the criteria's names.
- `deck`: a question the deck's author wrote (`reflection:` in the deck, docs/decks.md).
  When the deck has some, one of them takes the place of the definition question (asked
  then only when there is no plan question).

Drawn the same way every time for a game (from its seed), so the server can check an answer
without trusting the browser. Pure, like the engine: it reads the state and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.decks.cards import Intervention
from game.decks.rules import Adoption
from game.engine.actions import GameState, round_setting
from game.engine.chance import Chance
from game.engine.coach import round_limits
from game.engine.scoring import plan_value
from game.engine.teach import (
    Names,
    _card_list,
    _full_stop,
    _gain_words,
    _join,
    _pts,
    better_seen,
    points_of,
    visible_options,
)

COUNT = 3  # questions in a reflection
MAX_CHOICES = 4
EPSILON = 1e-9
STREAM = 0x5EF1EC7  # the reflection draws from its own stream of the game's seed


@dataclass(frozen=True, slots=True)
class Question:
    kind: str  # card | plan | criterion | asks | deck
    text: str
    choices: tuple[str, ...]
    answer: int  # the index of the right choice
    reason: str  # why it is right, in the deck's and the game's words

    def public(self) -> dict:
        """What the learner sees before answering: no answer, no reason."""
        return {"kind": self.kind, "text": self.text, "choices": list(self.choices)}

    def checked(self, choice: int) -> dict:
        """The verdict on `choice`, with the right answer and its reason."""
        return {"choice": choice, "right": choice == self.answer, "answer": self.answer,
                "answer_text": self.choices[self.answer], "reason": self.reason}


def reflection(state: GameState, seat: int, names: Sequence[str] | None = None
               ) -> list[Question]:
    """The questions for the learner in `seat` once the game has ended (at most COUNT; fewer
    only for a deck too small to draw them from)."""
    if state.phase != "ended":
        raise ValueError("the reflection opens when the game has ended")
    key = ("reflection", seat, tuple(names or ()))
    cache = state.rounds[-1].cache  # an ended game never changes: draw its questions once
    out = cache.get(key)
    if out is None:
        out = cache[key] = _draw(state, seat, Names(seat, names))
    return out


def _draw(state: GameState, seat: int, names: Names) -> list[Question]:
    chance = Chance(state.seed + STREAM)
    cards = card_questions(state, seat, chance)
    plans = plan_questions(state, seat, names, chance)
    meanings = criterion_questions(state, chance)
    own = deck_questions(state, chance)
    picked: list[Question] = []
    # One of each kind first (the deck's own in place of a definition), then a definition,
    # then the rest.
    firsts = [cards[:1], plans[:1], own[:1] or meanings[:1]]
    rest = [meanings if own else meanings[1:], cards[1:], own[1:], plans[1:]]
    for group in (*firsts, *rest):
        for q in group:
            if len(picked) < COUNT and q not in picked:
                picked.append(q)
    return picked


def _shuffled(right: str, wrong: Sequence[str], chance: Chance) -> tuple[tuple[str, ...], int]:
    choices = [right, *wrong]
    chance.shuffle(choices)
    return tuple(choices), choices.index(right)


def _some(items: Sequence[str], n: int, chance: Chance) -> list[str]:
    """`n` of `items`, drawn without repeats, in the order drawn."""
    pool = list(items)
    chance.shuffle(pool)
    return pool[:n]


# ---- which criterion a card serves best ----------------------------------------------------


def card_questions(state: GameState, seat: int, chance: Chance) -> list[Question]:
    """One question per card adopted this game whose highest rating is its alone: the
    learner's own cards first (one drawn among them), then the table's."""
    mine: dict[str, tuple[Intervention, int]] = {}
    others: dict[str, tuple[Intervention, int]] = {}
    for rnd in state.rounds:
        for a in rnd.adopted:
            if _top_criterion(state, a.card) is not None:
                (mine if a.seat == seat else others).setdefault(a.card.id, (a.card, rnd.number))
    out = []
    for pool, yours in ((mine, True), ({k: v for k, v in others.items() if k not in mine},
                                        False)):
        items = list(pool.values())
        chance.shuffle(items)
        out += [_card_question(state, card, number, yours, chance) for card, number in items]
    return out


def _top_criterion(state: GameState, card: Intervention) -> str | None:
    rated = {c: card.ratings.get(c, 0) for c in state.deck.criteria}
    if len(rated) < 3:
        return None
    top = max(rated.values())
    best = [c for c, r in rated.items() if r == top]
    return best[0] if len(best) == 1 and top > 0 else None


def _card_question(state: GameState, card: Intervention, number: int, yours: bool,
                   chance: Chance) -> Question:
    criteria = state.deck.criteria
    top = _top_criterion(state, card)
    assert top is not None
    wrong = _some([c for c in criteria if c != top], MAX_CHOICES - 1, chance)
    choices, answer = _shuffled(criteria[top].name, [criteria[c].name for c in wrong], chance)
    who = "You proposed" if yours else "Your table adopted"
    verb = "and the table adopted it" if yours else ""
    others = ", ".join(f"{criteria[c].name} {card.ratings.get(c, 0)}" for c in criteria
                       if c != top)
    reason = (f"{card.name} is rated {card.ratings[top]} of 5 for {criteria[top].name}, more "
              f"than for any other criterion ({others}). The card says why: "
              f"{_full_stop(card.why)}")
    text = (f"{who} {card.name} in round {number}{' ' + verb if verb else ''}. Going by its "
            "ratings, which criterion does it serve best?")
    return Question("card", text, choices, answer, reason)


# ---- which plan would have done more -------------------------------------------------------


def plan_questions(state: GameState, seat: int, names: Names, chance: Chance) -> list[Question]:
    """One question per round where a plan made only of cards the learner could see would have
    added more to the weighted total than the table's plan; the biggest shortfall first."""
    found: list[tuple[float, int, Question]] = []
    for index, rnd in enumerate(state.rounds):
        if not rnd.hands_at_decision:
            continue
        asked = _plan_question(state, index, seat, names, chance)
        if asked is not None:
            found.append((asked[0], index, asked[1]))
    found.sort(key=lambda f: (-f[0], f[1]))
    return [q for _, _, q in found]


def _plan_key(adopted: Sequence[Adoption]) -> tuple:
    return tuple(sorted((a.card.id, a.group) for a in adopted))


def _plan_words(state: GameState, adopted: Sequence[Adoption], names: Names) -> str:
    return _card_list(state, adopted, names) if adopted else "Adopt nothing"


def _plan_question(state: GameState, index: int, seat: int, names: Names,
                   chance: Chance) -> tuple[float, Question] | None:
    rnd = state.rounds[index]
    rs = round_setting(state, rnd)
    limit, budget = round_limits(state, rnd)

    def points(adopted: Sequence[Adoption]) -> float:
        return round(points_of(state, plan_value(rs, adopted)[1]), 6)

    chosen = points(rnd.adopted)
    # The coach's better plan for this round (the same search, kept in the round's cache), so
    # the question and the coach never disagree; asked only when it also adds more points,
    # which is what the question asks about.
    seen = better_seen(state, index, seat)
    if seen is None:
        return None  # the coach found no better plan the learner could see
    best = points(seen.adopted)
    if best <= chosen + EPSILON:
        return None  # better for the tracks the win needs, not for the weighted total
    options = visible_options(state, rnd, seat)
    plans = [(list(seen.adopted), best), (list(rnd.adopted), chosen)]
    # A third plan, worth fewer points than the best: the learner's own proposal alone, or
    # beside the table's plan, or any one card the learner could see.
    proposed = rnd.proposals.get(seat)
    mine = [o for o in options if proposed is not None and o.seat == seat
            and (o.card.id, o.group) == (proposed.card, proposed.group)][:1]
    thirds: list[list[Adoption]] = [mine, [*rnd.adopted, *mine]] if mine else []
    singles = list(options)
    chance.shuffle(singles)
    thirds += [[o] for o in singles]
    keys = {_plan_key(p) for p, _ in plans}
    for plan in thirds:
        if len(plan) > limit or (budget is not None and sum(a.cost for a in plan) > budget) \
                or len({a.seat for a in plan}) < len(plan) or _plan_key(plan) in keys:
            continue
        value = points(plan)
        if value < best - EPSILON:
            plans.append((plan, value))
            break
    words = [_plan_words(state, p, names) for p, _ in plans]
    if len(plans) < 3 or len(set(words)) < len(words):
        return None  # three different plans to choose from, or no question
    choices, answer = _shuffled(words[0], words[1:], chance)
    stage = state.deck.stages[rnd.stage].name
    text = (f"Round {rnd.number} ({stage}): of these plans, each made from cards you could see "
            "(your hand and the proposals on the table), which would have added most to the "
            "weighted total?")
    reason = [f"{words[0]} would have added {_pts(best, sign=False)} to the weighted total; "
              f"the table's plan ({_first_lower(words[1])}) added {_pts(chosen, sign=False)}, "
              f"and {_first_lower(words[2])} would have added "
              f"{_pts(plans[2][1], sign=False)}."]
    chosen_changes = plan_value(rs, rnd.adopted)[1]
    reason.append(_gain_words(state, seen.changes, chosen_changes))
    reason.append(_affected_words(state, seen.adopted, rnd.adopted))
    return best - chosen, Question("plan", text, choices, answer,
                                   " ".join(r for r in reason if r))


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text.startswith("Adopt nothing") else text


def _affected_words(state: GameState, better: Sequence[Adoption],
                    chosen: Sequence[Adoption]) -> str:
    """Whom the better plan engages, of those the project affects, that the table's did not."""
    affected = state.scenario.affected
    reached = {a.group for a in better} & affected
    if not reached or {a.group for a in chosen} & affected:
        return ""
    groups = _join(sorted(state.deck.groups[g].name.lower() for g in reached))
    return (f"It engages {groups}, whom this project affects; the table's plan engaged none "
            "of the people affected.")


# ---- what a criterion means ----------------------------------------------------------------


def criterion_questions(state: GameState, chance: Chance) -> list[Question]:
    """A definition question about the criterion the table finished furthest below its
    target (or lowest, without targets), then an "asks" question about the next one."""
    deck = state.deck
    criteria = list(deck.criteria.values())
    if len(criteria) < 3:
        return []
    targets = state.scenario.targets
    order = sorted(criteria, key=lambda c: (state.scores.get(c.id, 0) - targets.get(c.id, 0),
                                            criteria.index(c)))
    out = []
    descriptions = [c.description for c in criteria]
    if len(set(descriptions)) == len(descriptions):
        subject = order[0]
        wrong = _some([c.description for c in criteria if c is not subject],
                      MAX_CHOICES - 1, chance)
        choices, answer = _shuffled(subject.description, wrong, chance)
        score = state.scores.get(subject.id, 0)
        where = (f"Your table finished with {score} on it, against a target of "
                 f"{targets[subject.id]}." if subject.id in targets
                 else f"Your table finished with {score} on it, its lowest score.")
        reason = [f"{subject.name}: {_full_stop(subject.description)}"]
        if subject.question:
            reason.append(f"Ask of a plan: {subject.question}")
        if subject.example:
            reason.append(f"For example: {_full_stop(subject.example)}")
        reason.append(where)
        out.append(Question("criterion", f"Which of these defines {subject.name}?", choices,
                            answer, " ".join(reason)))
    questions = [c.question for c in criteria]
    if all(questions) and len(set(questions)) == len(questions):
        subject = order[1] if out else order[0]
        wrong = _some([c.name for c in criteria if c is not subject], MAX_CHOICES - 1, chance)
        choices, answer = _shuffled(subject.name, wrong, chance)
        out.append(Question(
            "asks", f"Which criterion asks of a plan: \u201c{subject.question}\u201d",
            choices, answer, f"{subject.name} asks it, because it means: "
                             f"{_full_stop(subject.description)}"))
    return out


# ---- the deck's own ------------------------------------------------------------------------


def deck_questions(state: GameState, chance: Chance) -> list[Question]:
    """The deck author's own questions (`reflection:` in the deck), in a drawn order."""
    out = []
    for q in state.deck.reflection:
        choices, answer = _shuffled(q.right, q.wrong, chance)
        out.append(Question("deck", q.question, choices, answer, q.why))
    chance.shuffle(out)
    return out
