"""Reading `reach`: how much engaging each group counts, in per cent of a card's ratings.

    reach:
      affected: 100                      # the scenario's affected groups, in full
      others: 50                         # any group not named, half
      internal-stakeholders: 25          # the organisation's own staff, a quarter
      technologists: {other: 25, deliberative: 50}   # per criterion, `other` for the rest

In `settings` it is every scenario's default; a scenario's own `reach` replaces it entry by
entry. A group the scenario affects counts as `affected` says, whatever its own entry.
The result is {group: {criterion: per cent}}."""

from __future__ import annotations

from game.decks.yamlfile import Map

MAX_SHARE = 200
KEYWORDS = ("affected", "others")  # the scenario's affected groups; every group not named


def read_reach(reader, m: Map, what: str) -> dict[str, dict[str, int]]:
    """`m["reach"]` resolved to per cent per criterion, every problem reported through
    `reader` (the loader's _Reader, which has built the groups and criteria)."""
    if "reach" not in m:
        return {}
    node = m["reach"]
    if not isinstance(node, Map):
        reader.error(m, "reach", f"{what}: 'reach' must map groups to a per cent, such as "
                     "{internal-stakeholders: 25}")
        return {}
    out: dict[str, dict[str, int]] = {}
    for group, value in node.items():
        if group not in KEYWORDS and reader.ref(group, node, group, "groups", what,
                                                reader.groups, place="reach") is None:
            continue
        if isinstance(value, Map):
            reader.keys(value, (*reader.criteria, "other"), (), f"{what}: reach of '{group}'")
            other = reader.integer(value, "other", what, 0, MAX_SHARE, 100)
            shares = {c: reader.integer(value, c, what, 0, MAX_SHARE, other)
                      for c in reader.criteria}
        else:
            share = reader.int_value(value, node, group, f"{what}: reach", 0, MAX_SHARE)
            shares = dict.fromkeys(reader.criteria, share)
        out[group] = shares
    return out


def merged(default: dict[str, dict[str, int]], own: dict[str, dict[str, int]],
           affected: frozenset[str], groups) -> dict[str, dict[str, int]]:
    """A scenario's reach for every group: its own entries over the deck's default; for each
    group, `affected` if it is one of the scenario's affected groups and that is given, else
    the group's own entry, else `others`, else in full. Only groups that do not count in full
    are kept."""
    given = {**default, **own}
    out = {}
    for g in groups:
        shares: dict[str, int] | None
        if g in affected and "affected" in given:
            shares = given["affected"]
        else:
            shares = given.get(g) or given.get("others")
        if shares and any(x != 100 for x in shares.values()):
            out[g] = shares
    return out


def share_of(stars: int, share: int) -> int:
    """A rating counted at `share` per cent, to the nearest whole point (halves up)."""
    return (stars * share + 50) // 100
