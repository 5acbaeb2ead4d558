"""Reading a deck's `reflection`: questions its author wrote for the closing reflection of a
solo game (game/engine/reflect.py), each with one right answer, two or three wrong ones and
the reason the right one is right."""

from __future__ import annotations

from dataclasses import dataclass

from game.decks.yamlfile import Seq

MAX_QUESTION = 300
MAX_CHOICE = 160
MAX_WHY = 600


@dataclass(frozen=True, slots=True)
class ReflectionQuestion:
    id: str
    question: str
    right: str
    wrong: tuple[str, ...]
    why: str


def read_reflection(reader) -> tuple[ReflectionQuestion, ...]:
    """The deck's own reflection questions, every problem reported through `reader` (the
    loader's _Reader) with its file and line."""
    out = []
    keys = ("id", "question", "right", "wrong", "why")
    for i, m in reader.ids["reflection"].items():
        what = f"reflection question '{i}'"
        reader.keys(m, keys, keys, what)
        question = reader.text(m, "question", what, limit=MAX_QUESTION)
        right = reader.text(m, "right", what, limit=MAX_CHOICE)
        why = reader.text(m, "why", what, limit=MAX_WHY)
        wrong = m.get("wrong")
        if "wrong" in m and (not isinstance(wrong, Seq) or not 2 <= len(wrong) <= 3):
            reader.error(m, "wrong", f"{what}: 'wrong' must be a list of two or three wrong "
                         "answers, like [\"...\", \"...\"]")
            continue
        answers: list[str] = []
        for n, item in enumerate(wrong or ()):
            if not isinstance(item, str) or not item.strip():
                reader.error(wrong, n, f"{what}: each wrong answer must be text")
                continue
            text = " ".join(item.split())
            if len(text) > MAX_CHOICE:
                reader.error(wrong, n, f"{what}: a wrong answer is {len(text)} characters; "
                             f"at most {MAX_CHOICE}")
            elif text == right or text in answers:
                reader.error(wrong, n, f"{what}: the answer {text!r} is given twice: every "
                             "answer must differ, or the question has no one right answer")
            answers.append(text)
        if question and right and why and len(answers) == len(wrong or ()):
            out.append(ReflectionQuestion(i, question, right, tuple(answers), why))
    return tuple(out)

