"""Solo practice: one learner, bot teammates, and a coach after every round.

A solo game is an ordinary table (same engine, same log, same server) whose other seats are
bots, started at once. The coach reads the engine's reasons and its best alternative and
says, in plain words, what the learner's round did and what would have done better.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from game.decks.options import bot_kind
from game.engine.actions import GameState
from game.engine.coach import best_alternative
from game.engine.reflect import Question, reflection
from game.engine.teach import teach
from game.server.identity import Identity
from game.server.limits import BadRequest
from game.server.live import Live
from game.server.tables import Tables
from game.store.records import Conflict

BROWSER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
VARIANTS = ("team", "captain")
LEARNER = 0


def start(tables: Tables, deck_id: object, scenario: str, difficulty: object,
          variant: object, browser_id: object) -> tuple[Live, str]:
    deck = tables.library.get(deck_id)
    if not isinstance(browser_id, str) or not BROWSER_ID.match(browser_id):
        raise BadRequest("bad_browser_id", "this browser's practice id is missing or malformed: "
                         "reload the page")
    if variant not in VARIANTS:
        raise BadRequest("bad_variant", "variant must be 'team' (bots vote with you) or "
                         "'captain' (you choose the plan alone)")
    if difficulty is not None and difficulty not in deck.difficulties:
        raise BadRequest("unknown_difficulty", "difficulty must be one of: "
                         + ", ".join(deck.difficulties))
    level = deck.difficulties.get(difficulty) if isinstance(difficulty, str) else None
    seats = min(max(deck.settings.seats_min, 4), deck.settings.seats_max)
    options: dict = {"bots": bot_kind(None, level),
                     "timers": {"proposal": 0, "discussion": 0, "vote": 0}}
    if level:
        options["difficulty"] = level.id
    if variant == "captain":
        options.update(decision="chair", chair="learner")
    live, key = tables.create(deck.id, scenario, seats, options, mode="solo")
    tables.store.set_solo(live.record.id, browser_id, variant)
    live = tables.reload(live.record.id)
    _, seat, token = tables.join(live.record.code, "You")
    assert seat == LEARNER
    ident = tables.identify(live.record.id, key=key)
    tables.facilitate(ident, "start", {})
    return tables.get(live.record.id), token


def records(tables: Tables, browser_id: object) -> dict:
    if not isinstance(browser_id, str) or not BROWSER_ID.match(browser_id):
        raise BadRequest("bad_browser_id", "this browser's practice id is missing or malformed")
    rows = tables.store.solo_records(browser_id)
    scores = tables.store.reflection_scores([r["table_id"] for r in rows])
    for r in rows:  # the closing reflection's score; `of` 0 when the game has none
        r["reflection"] = scores.get(r["table_id"]) or {
            "right": 0, "answered": 0, "of": _questions_in(tables, r["table_id"])}
    best: dict[str, dict] = {}
    for r in rows:
        key = f"{r['deck']}/{r['scenario']}"
        if key not in best or r["total"] > best[key]["total"]:
            best[key] = r
    return {"records": rows, "best": best}


def coach(state: GameState, seat: int = LEARNER,
          names: Sequence[str] | None = None) -> list[dict]:
    """What the coach says about every finished round, newest last. `names` are the seats'
    names, so the coach names people rather than seat numbers."""
    out = []
    names = tuple(names or ())
    for index, rnd in enumerate(state.rounds):
        if not rnd.hands_at_decision:  # the round has not been decided yet
            continue
        key = ("coach", seat, names)
        said = rnd.cache.get(key)  # a decided round never changes: search its best plan once
        if said is None:
            said = rnd.cache[key] = coach_round(state, index, seat, names)
        out.append(said)
    return out


def _name(state: GameState, target: str) -> str:
    deck = state.deck
    item = deck.criteria.get(target) or deck.tracks.get(target)
    return item.name if item else target


def _moves(state: GameState, changes: list) -> str:
    parts = [f"{_name(state, t)} {a:+d}" for t, a in _sum(changes).items() if a]
    return ", ".join(parts) if parts else "nothing"


def _sum(changes) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in changes:
        target, amount = (c["target"], c["amount"]) if isinstance(c, dict) else (c.target,
                                                                                 c.amount)
        total[target] = total.get(target, 0) + amount
    return total


def coach_round(state: GameState, index: int, seat: int = LEARNER,
                names: Sequence[str] | None = None) -> dict:
    deck = state.deck
    rnd = state.rounds[index]
    mine = rnd.proposals.get(seat)
    lines: list[str] = []
    if mine is None:
        lines.append("You passed this round.")
    else:
        card = deck.interventions[mine.card]
        yours_adopted = any(a.seat == seat for a in rnd.adopted)
        why_not = next((why for s, why in rnd.refused if s == seat), "")
        lines.append(f"You proposed {card.name} with {deck.groups[mine.group].name.lower()}: "
                     + ("the table adopted it." if yours_adopted
                        else f"not adopted ({why_not})."))
    adopted = []
    notes: dict[str, str] = {}
    for a in rnd.adopted:
        changes = [c for c in rnd.changes if c.card == a.card.id]
        adopted.append({
            "seat": a.seat, "card": a.card.id, "name": a.card.name, "group": a.group,
            "by_you": a.seat == seat, "moves": _sum(changes),
            "summary": f"{a.card.name} with {deck.groups[a.group].name.lower()}: "
                       f"{_moves(state, changes)}.",
            "reasons": [f"{c.why} ({_name(state, c.target)} {c.amount:+d})" for c in changes],
        })
        for tag in sorted(a.card.tags):
            note = deck.tags[tag].coach
            if note:
                notes[tag] = note
    round_rules = [c for c in rnd.changes if c.card is None]
    alternative = best_alternative(state, index)
    return {"round": rnd.number, "stage": rnd.stage, "stage_name": deck.stages[rnd.stage].name,
            "teach": teach(state, index, seat, names),
            "lines": lines, "adopted": adopted,
            "round_effects": [f"{c.why} ({_name(state, c.target)} {c.amount:+d})"
                              for c in round_rules],
            "notes": [{"tag": deck.tags[t].name, "text": n} for t, n in notes.items()],
            "alternative": alternative}


# ---- the closing reflection ----------------------------------------------------------------


def _questions(live: Live) -> list[Question]:
    return reflection(live.state, LEARNER, [s.name or "" for s in live.seats])


def _matches(q: Question, row: dict) -> bool:
    return row["kind"] == q.kind and row["text"] == q.text


def _verdict(q: Question, row: dict) -> dict | None:
    """The kept answer `row` as a verdict on `q`, when `q` (as the deck has it now) gives the
    same verdict on the same words; None when the deck changed it."""
    if not _matches(q, row) or row["choice_text"] not in q.choices:
        return None
    verdict = q.checked(q.choices.index(row["choice_text"]))
    return verdict if verdict["right"] == bool(row["right"]) else None


def _kept(row: dict) -> dict:
    """An answer kept from a question the deck no longer asks in those words (or now judges
    otherwise), shown as it was answered: its question, the answer chosen and whether it was
    right."""
    right = bool(row["right"])
    return {"kind": row["kind"], "text": row["text"], "choices": [row["choice_text"]],
            "kept": True,
            "answered": {"choice": 0, "right": right, "answer": 0 if right else None,
                         "answer_text": row["choice_text"] if right else None,
                         "reason": "The deck has changed since you answered: this question "
                                   "is kept as you answered it."}}


def _questions_in(tables: Tables, table_id: str) -> int:
    """How many questions an unanswered solo game's reflection has: none for a deck too
    small to draw them from, or for a game that cannot be rebuilt (its deck changed)."""
    try:
        live = tables.get(table_id)
    except BadRequest:
        return 0
    return len(_questions(live)) if live.state.phase == "ended" else 0


def reflection_view(tables: Tables, live: Live) -> dict:
    """The learner's closing reflection of an ended solo game: the questions (without their
    answers until answered) and, for those answered, the verdict with the right answer and
    its reason; and the score so far.

    Each kept answer belongs to the question with its words (kind and text), not to a
    position: after the deck changes, a question asked in other words is asked anew, and an
    answer whose question is no longer asked is shown as it was kept. The score counts the
    kept verdicts, so it reads the same here and in the practice record."""
    rows = tables.store.reflection_answers(live.record.id)
    out: list[dict] = []
    used: set[int] = set()
    for index, q in enumerate(_questions(live)):
        item: dict = {"index": index, **q.public(), "answered": None}
        row = next((r for r in rows if r["question"] not in used and _matches(q, r)), None)
        if row is not None:
            used.add(row["question"])
            item["answered"] = _verdict(q, row)
            if item["answered"] is None:  # the same words, other answers: shown as kept
                item = _kept(row)
        out.append(item)
    for row in rows:
        if row["question"] not in used:
            out.append(_kept(row))
    for index, item in enumerate(out):
        item["index"] = index
    return {"questions": out, "of": len(out), "answered": len(rows),
            "right": sum(1 for r in rows if r["right"])}


def _same(q: Question, item: dict) -> bool:
    return (q.kind, q.text, list(q.choices)) == (item["kind"], item["text"], item["choices"])


def _already(tables: Tables, live: Live) -> BadRequest:
    """The refusal of a second answer, with the reflection as it is kept, so a page that
    missed the first answer (another tab) shows the verdict kept."""
    return BadRequest("already_answered", "you have answered this question already (perhaps "
                      "in another tab): the first answer is the one kept",
                      reflection=reflection_view(tables, live))


def answer(tables: Tables, ident: Identity, question: int, choice: int) -> dict:
    """The learner answers one question of the closing reflection: the server checks it
    against the questions it drew itself, keeps the first answer in the practice record, and
    says whether it was right, with the right answer and its reason."""
    live = tables.current(ident.table_id)
    if live.record.mode != "solo":
        raise BadRequest("not_solo", "the closing reflection is only for solo practice")
    with live.lock:
        tables.holding(live, ident)
        if ident.seat != LEARNER:
            raise BadRequest("not_your_seat", "only the learner answers the reflection")
        if live.state.phase != "ended":
            raise BadRequest("not_finished", "the reflection opens when the game has ended: "
                             "play the last round to the end first")
        shown = reflection_view(tables, live)["questions"]
        if not 0 <= question < len(shown):
            raise BadRequest("bad_answer", f"there is no question {question}: the reflection's "
                             f"questions are numbered 0 to {len(shown) - 1}")
        item = shown[question]
        if item["answered"] is not None:
            raise _already(tables, live)
        q = next(q for q in _questions(live) if _same(q, item))
        if not 0 <= choice < len(q.choices):
            raise BadRequest("bad_answer", f"question {question} has no answer {choice}: its "
                             f"answers are numbered 0 to {len(q.choices) - 1}")
        verdict = q.checked(choice)
        taken = {r["question"] for r in tables.store.reflection_answers(live.record.id)}
        slot = question if question not in taken else max(taken) + 1
        try:
            tables.store.add_reflection_answer(live.record.id, slot, len(shown), q.kind,
                                               q.text, choice, q.choices[choice],
                                               verdict["right"])
        except Conflict:
            raise _already(tables, live) from None
    return {"verdict": verdict, "reflection": reflection_view(tables, live)}
