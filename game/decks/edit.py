"""Changes the studio's forms make to a deck's YAML text: set one field of one card, or add a
card. The text is changed in place, line by line, where the loader's parser says the field
is, so that everything else in the files (comments, order, layout) stays as the facilitator
wrote it, and the YAML view shows exactly what the form did.

Values are written as JSON, which is YAML too: a string always in double quotes (so that
"yes", "3" or a colon inside stays text), a mapping in braces on one line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from game.decks.fields import LIST_SECTIONS
from game.decks.yamlfile import DeckFileError, Map, Seq, load_bytes


class EditError(Exception):
    """An edit that cannot be made: the message says why."""


def _parse(name: str, text: str) -> Map | None:
    try:
        data = load_bytes(text.encode("utf-8"), name)
    except DeckFileError as exc:
        raise EditError(f"fix {exc.problem} first, in the YAML view") from None
    return data if isinstance(data, Map) else None


_PLAIN = re.compile(r"^[a-z][a-z0-9-]*$")  # an id: safe in YAML without quotes


def _scalar(value: object, plain_ids: bool = False) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v, True)}" if _PLAIN.match(str(k))
                               else f"{_scalar(str(k))}: {_scalar(v, True)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v, True) for v in value) + "]"
    if plain_ids and isinstance(value, str) and _PLAIN.match(value) \
            and value not in ("yes", "no", "on", "off", "true", "false", "null"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _find(files: Mapping[str, str], section: str, ident: str
          ) -> tuple[str, Map, Seq, int, Map]:
    """The file, its top mapping, the section's list, the item's index and the item."""
    for name in sorted(files):
        top = _parse(name, files[name])
        items = top.get(section) if top else None
        if not isinstance(items, Seq):
            continue
        for index, item in enumerate(items):
            if isinstance(item, Map) and item.get("id") == ident:
                assert top is not None
                return name, top, items, index, item
    raise EditError(f"there is no {section.rstrip('s')} '{ident}' in the deck")


def _next_top_line(top: Map, section: str) -> int | None:
    """The line of the top-level key after `section` in its file, if any."""
    start = top.line_of(section)
    later = [line for line in top.key_lines.values() if line > start]
    return min(later) if later else None


def _trim(lines: list[str], start: int, end: int) -> int:
    """`end` moved back over blank and comment lines, never before `start` + 1."""
    while end > start + 1 and (not lines[end - 1].strip()
                               or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def set_field(files: Mapping[str, str], section: str, ident: str, field: str,
              value: object) -> dict[str, str]:
    """`files` with `field` of the card `ident` in `section` set to `value`."""
    if section not in LIST_SECTIONS:
        raise EditError(f"'{section}' is not a section of cards")
    if field == "id" or not re.fullmatch(r"[a-z_]{1,30}", field):
        raise EditError(f"'{field}' cannot be set from a form")
    name, top, items, index, item = _find(files, section, ident)
    lines = files[name].split("\n")
    # Where this item ends: the next item, the next section, or the end of the file (1-based).
    if index + 1 < len(items):
        item_end = items.line_of(index + 1)
    else:
        item_end = _next_top_line(top, section) or len(lines) + 1
    key_lines = sorted(item.key_lines.values())
    if field in item:
        at = item.line_of(field)
        later = [line for line in key_lines if line > at]
        end = _trim(lines, at - 1, (later[0] if later else item_end) - 1)
        match = re.match(rf"^(\s*(?:-\s+)?){re.escape(field)}\s*:", lines[at - 1])
        if match is None:  # a flow mapping or another layout the form cannot follow
            raise EditError(f"'{field}' of '{ident}' is written in a way the form cannot "
                            "change: change it in the YAML view")
        lines[at - 1:end] = [f"{match.group(1)}{field}: {_scalar(value)}"]
    else:
        id_line = item.line_of("id")
        match = re.match(r"^(\s*)(-\s+)?id\s*:", lines[id_line - 1])
        if match is None:
            raise EditError(f"'{ident}' is written in a way the form cannot change: change "
                            "it in the YAML view")
        indent = match.group(1) + " " * len(match.group(2) or "")
        last = _trim(lines, id_line - 1, item_end - 1)
        lines.insert(last, f"{indent}{field}: {_scalar(value)}")
    return {**files, name: "\n".join(lines)}


def add_item(files: Mapping[str, str], section: str, item: Mapping[str, object]
             ) -> dict[str, str]:
    """`files` with `item` (which has an id) added at the end of `section`, in the file that
    holds that section, or in a new file named after it."""
    if section not in LIST_SECTIONS:
        raise EditError(f"'{section}' is not a section of cards")
    block = [f"  - id: {_scalar(item['id'], True)}"]
    block += [f"    {key}: {_scalar(value)}" for key, value in item.items() if key != "id"]
    for name in sorted(files):
        top = _parse(name, files[name])
        items = top.get(section) if top else None
        if top is None or section not in top:
            continue
        if not isinstance(items, Seq) or (items and "[" in files[name].split("\n")[
                top.line_of(section) - 1]):
            raise EditError(f"'{section}' in {name} is not written as a list of '- ' items: "
                            "add the card in the YAML view")
        lines = files[name].split("\n")
        end = _next_top_line(top, section)
        at = _trim(lines, top.line_of(section) - 1, end - 1) if end else len(lines)
        if end is None:
            while at > 0 and not lines[at - 1].strip():
                at -= 1
        lines[at:at] = block
        text = "\n".join(lines)
        return {**files, name: text if text.endswith("\n") else text + "\n"}
    new = f"{section}.yaml"
    if new in files:
        raise EditError(f"{new} has no '{section}:' section: add the card in the YAML view")
    return {**files, new: f"{section}:\n" + "\n".join(block) + "\n"}


def without_section(name: str, text: str, section: str) -> str:
    """`text` (the file `name`) without its top-level `section` and what it holds."""
    top = _parse(name, text)
    if top is None or section not in top:
        return text
    lines = text.split("\n")
    start = top.line_of(section) - 1
    end = _next_top_line(top, section)
    stop = _trim(lines, start, end - 1) if end else len(lines)
    del lines[start:stop]
    return "\n".join(lines)
