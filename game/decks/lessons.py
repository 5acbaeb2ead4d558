"""Reading a deck's `lessons`: what the deck means to teach, stated as checks that
`python -m game lessons` runs over many deals (game/engine/lessons.py)."""

from __future__ import annotations

from dataclasses import dataclass

from game.decks.yamlfile import Map

KINDS = ("best_reaches_affected", "best_never_only", "best_cards_differ", "adopted")


@dataclass(frozen=True, slots=True)
class Lesson:
    """One lesson: `kind` is one of KINDS, `value` its argument (True, a group id, or a
    (at_least, at_most) pair of per cents); `scenarios` and `stages` narrow where it is
    checked (empty: everywhere)."""

    id: str
    text: str
    kind: str
    value: object
    scenarios: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()


def read_lessons(reader) -> tuple[Lesson, ...]:
    """The deck's lessons, every problem reported through `reader` (the loader's _Reader)."""
    out = []
    for i, m in reader._items("lessons"):
        what = f"lesson '{i}'"
        text = reader.text(m, "text", what)
        check = m.get("check")
        if not isinstance(check, Map) or len(check) != 1:
            reader.error(m, "check", f"{what}: 'check' must be one of: {', '.join(KINDS)}, "
                         "such as {best_never_only: internal-stakeholders}")
            continue
        kind, value = next(iter(check.items()))
        if kind not in KINDS:
            reader.error(check, kind, f"{what}: unknown check '{kind}'; expected one of: "
                         + ", ".join(KINDS))
            continue
        if kind in ("best_reaches_affected", "best_cards_differ") and value is not True:
            reader.error(check, kind, f"{what}: '{kind}' takes true")
            continue
        if kind == "best_never_only":
            value = reader.ref(value, check, kind, "groups", what, place=kind)
            if value is None:
                continue
        if kind == "adopted":
            cmp = reader.compare(value, check, kind, what)
            if cmp is None or cmp.above is not None or cmp.below is not None:
                reader.error(check, kind, f"{what}: 'adopted' takes at_least and at_most, in "
                             "per cent of games, such as {at_least: 5, at_most: 60}")
                continue
            value = (cmp.at_least or 0, 100 if cmp.at_most is None else cmp.at_most)
        out.append(Lesson(i, text, kind, value,
                          reader.ref_list(m, "scenarios", "scenarios", what) or (),
                          reader.ref_list(m, "stages", "stages", what) or ()))
    return tuple(out)
