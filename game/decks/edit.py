"""Changes the studio's forms make to a deck's YAML text: set one field of one card (or of
`settings` or `deck`), add a card, or append a rule or an effect to a card's list. The text
is changed in place, line by line, where the loader's parser says the field is, so that
everything else in the files (comments, order, layout) stays as the facilitator wrote it,
and the YAML view shows exactly what the form did.

Values are written as JSON, which is YAML too: a string always in double quotes (so that
"yes", "3" or a colon inside stays text), a mapping in braces on one line. What a form may
set, and the values each field takes, are game/decks/sections.py's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from game.decks.fields import ID_RE, LIST_SECTIONS
from game.decks.sections import FORM_KINDS, MAP_SECTIONS, RULE_KINDS, SECTIONS, Field, bad_value
from game.decks.yamlfile import DeckFileError, Map, Seq, load_bytes


class EditError(Exception):
    """An edit that cannot be made: the message says why; `field`, the key of a new item it is
    about, if one (for a form to show it beside that field)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _parse(name: str, text: str) -> Map | None:
    try:
        data = load_bytes(text.encode("utf-8"), name)
    except DeckFileError as exc:
        raise EditError(f"fix {exc.problem} first, in the YAML view") from None
    return data if isinstance(data, Map) else None


_PLAIN = re.compile(r"^[a-z][a-z0-9-]*$")  # an id: safe in YAML without quotes
_KEY = re.compile(r"^[a-z][a-z0-9_-]*$")  # an id or a word such as at_least
_WORDS = ("yes", "no", "on", "off", "true", "false", "null", "y", "n")  # YAML reads these


def _key(key: object) -> str:
    """A mapping's key as YAML writes it: plain if a word, quoted otherwise."""
    text = str(key)
    return text if _KEY.match(text) and text not in _WORDS else _scalar(text)


def _scalar(value: object, plain_ids: bool = False) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_scalar(v, True)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v, True) for v in value) + "]"
    if plain_ids and isinstance(value, str) and _PLAIN.match(value) and value not in _WORDS:
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
    raise EditError(f"there is no {_one(section)} '{ident}' in the deck")


def _one(section: str) -> str:
    """One item of `section`, in words: criteria -> criterion."""
    return {"criteria": "criterion", "difficulties": "difficulty"}.get(section,
                                                                      section.rstrip("s"))


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


def form_field(section: str, field: str, kinds: tuple[str, ...] = FORM_KINDS) -> Field:
    """The description of `field` of `section` (game/decks/sections.py), if a form may
    change it; else an EditError saying where it is changed."""
    if section not in SECTIONS:
        raise EditError(f"'{section}' is not a section of a deck; sections are: "
                        f"{', '.join(SECTIONS)}")
    found = next((f for f in SECTIONS[section] if f.key == field), None)
    if found is None:
        keys = [f.key for f in SECTIONS[section] if f.kind in kinds]
        raise EditError(f"{section} have no field '{str(field)[:40]}' a form may change; "
                        f"they have: {', '.join(keys)}")
    if found.kind not in kinds:
        where = ("with the rule editor" if found.kind in RULE_KINDS
                 else "in the YAML view" if found.kind not in FORM_KINDS else "with its form")
        raise EditError(f"'{field}' of {section} is changed {where}")
    return found


def _item_end(files: Mapping[str, str], name: str, top: Map, section: str, items: Seq | None,
              index: int) -> int:
    """The line after an item (1-based): the next item, the next section, or the file's end."""
    if items is not None and index + 1 < len(items):
        return items.line_of(index + 1)
    return _next_top_line(top, section) or len(files[name].split("\n")) + 1


def _on_one_line(node: Map, line: int) -> bool:
    """Whether the mapping `node`, the value of a key on `line`, is written on that line
    (`ability: {name: ...}`) rather than one key a line under it. Decided by where the
    parser found its keys, not by a `{` on the line, which may be in a comment."""
    return bool(node.key_lines) and min(node.key_lines.values()) <= line


def _find_map(files: Mapping[str, str], section: str) -> tuple[str, Map, Map] | None:
    for name in sorted(files):
        top = _parse(name, files[name])
        if top is not None and section in top:
            if top[section] is None:  # `settings:` with nothing under it yet
                empty = Map()
                empty.file, empty.line, empty.key_lines = name, top.line_of(section), {}
                return name, top, empty
            if not isinstance(top[section], Map) or _on_one_line(top[section],
                                                                 top.line_of(section)):
                raise EditError(f"'{section}' in {name} is not written as one key a line: "
                                "change it in the YAML view")
            return name, top, top[section]
    return None


def set_field(files: Mapping[str, str], section: str, ident: str | None, field: str,
              value: object, key: object = None, kinds: tuple[str, ...] = FORM_KINDS
              ) -> dict[str, str]:
    """`files` with `field` of the card `ident` in `section` (of `section` itself for
    `settings` and `deck`) set to `value`, checked against the field's description. A value
    of None takes the field out, when the section may do without it. With `key`, the field is
    a part (a role's ability, say) and only that key inside it is set. `kinds`: the kinds of
    field the caller may set (the rule editor sets conditions)."""
    described = form_field(section, field, FORM_KINDS if key is not None else kinds)
    if key is not None:
        return _set_in_part(files, section, ident, described, key, value, kinds)
    if value is None and described.required:
        raise EditError(f"'{field}' ({described.label}) must be there: give it a value")
    problem = None if value is None else bad_value(described, value)
    if problem:
        raise EditError(problem)
    if section in MAP_SECTIONS:
        return _set_in_map(files, section, field, value)
    if not isinstance(ident, str):
        raise EditError(f"say which of the {section} to change: its 'id'")
    name, top, items, index, item = _find(files, section, ident)
    lines = files[name].split("\n")
    item_end = _item_end(files, name, top, section, items, index)
    return _set(files, name, lines, item, item_end, field, value, ident)


def _set_in_part(files: Mapping[str, str], section: str, ident: str | None, part: Field,
                 key: object, value: object, kinds: tuple[str, ...]) -> dict[str, str]:
    """`key` inside the part `part` of the item `ident` set to `value` (None: taken out), the
    rest of the part's lines as they were."""
    inner = next((p for p in part.parts if p.key == key), None)
    if part.kind != "part" or inner is None or inner.kind not in kinds:
        keys = [p.key for p in part.parts if p.kind in kinds]
        raise EditError(f"'{part.key}' of {section} has no '{str(key)[:40]}' a form may "
                        f"change; it has: {', '.join(keys) or 'nothing'}")
    if value is None and inner.required:
        raise EditError(f"'{part.key}.{key}' ({inner.label}) must be there: give it a value")
    problem = None if value is None else bad_value(inner, value)
    if problem:
        raise EditError(problem)
    if not isinstance(ident, str):
        raise EditError(f"say which of the {section} to change: its 'id'")
    name, top, items, index, item = _find(files, section, ident)
    node = item.get(part.key)
    lines = files[name].split("\n")
    if node is None and value is not None:
        # Not there yet: written one key a line, as the rule editor then adds to it.
        return _new_part(files, name, lines, item, _item_end(files, name, top, section, items,
                                                             index), part.key, str(key),
                         value, ident)
    if not isinstance(node, Map) or not node.key_lines or _on_one_line(
            node, item.line_of(part.key)):
        if value is None:
            return dict(files)
        # Written on one line: the part is written whole again, with this key.
        whole = {**(dict(node) if isinstance(node, Map) else {}), str(key): value}
        return set_field(files, section, ident, part.key, whole)
    later = [line for line in item.key_lines.values() if line > item.line_of(part.key)]
    end = later[0] if later else _item_end(files, name, top, section, items, index)
    return _set(files, name, lines, node, end, str(key), value, ident)


def _set_in_map(files: Mapping[str, str], section: str, field: str,
                value: object) -> dict[str, str]:
    found = _find_map(files, section)
    if found is None and value is None:
        return dict(files)  # not there: nothing to take out
    if found is None:
        if section == "deck":
            raise EditError("the deck has no 'deck:' section: add it in the YAML view")
        # No settings yet: they go at the end of the file that holds `deck:`.
        home = next((n for n in sorted(files) if (t := _parse(n, files[n])) and "deck" in t),
                    None)
        if home is None:
            raise EditError("the deck has no 'deck:' section: add it in the YAML view")
        text = files[home].rstrip("\n")
        return {**files, home: f"{text}\n\n{section}:\n  {field}: {_scalar(value)}\n"}
    name, top, node = found
    lines = files[name].split("\n")
    end = _next_top_line(top, section) or len(lines) + 1
    if field in node or value is None:
        return _set(files, name, lines, node, end, field, value, section)
    if not node.key_lines:  # `settings:` with nothing under it
        lines.insert(top.line_of(section), f"  {field}: {_scalar(value)}")
        return {**files, name: "\n".join(lines)}
    first = min(node.key_lines.values())
    indent = re.match(r"^(\s*)", lines[first - 1]).group(1)  # type: ignore[union-attr]
    last = _trim(lines, top.line_of(section), end - 1)
    lines.insert(last, f"{indent}{field}: {_scalar(value)}")
    return {**files, name: "\n".join(lines)}


def _set(files: Mapping[str, str], name: str, lines: list[str], item: Map, item_end: int,
         field: str, value: object, ident: str) -> dict[str, str]:
    key_lines = sorted(item.key_lines.values())
    if field in item:
        at = item.line_of(field)
        later = [line for line in key_lines if line > at]
        end = _trim(lines, at - 1, (later[0] if later else item_end) - 1)
        match = re.match(rf"^(\s*(?:-\s+)?){re.escape(field)}\s*:", lines[at - 1])
        if match is None or (value is None and "-" in match.group(1)):
            # a flow mapping, or a key on the item's own "- " line, which cannot go alone
            raise EditError(f"'{field}' of '{ident}' is written in a way the form cannot "
                            "change: change it in the YAML view")
        lines[at - 1:end] = [] if value is None else [
            f"{match.group(1)}{field}: {_scalar(value)}"]
    elif value is None:
        return dict(files)  # not there: nothing to take out
    else:
        indent, last = _new_key_place(lines, item, item_end, ident)
        lines.insert(last, f"{indent}{field}: {_scalar(value)}")
    return {**files, name: "\n".join(lines)}


def _new_key_place(lines: list[str], item: Map, item_end: int, ident: str) -> tuple[str, int]:
    """The indentation of a new key of `item` and the line (0-based) it goes before."""
    first = "id" if "id" in item else min(item.key_lines, key=item.key_lines.__getitem__)
    id_line = item.line_of(first)  # a part (no id) is indented as its first key
    match = re.match(rf"^(\s*)(-\s+)?{re.escape(first)}\s*:", lines[id_line - 1])
    if match is None:
        raise EditError(f"'{ident}' is written in a way the form cannot change: change "
                        "it in the YAML view")
    return match.group(1) + " " * len(match.group(2) or ""), _trim(lines, id_line - 1,
                                                                   item_end - 1)


def _new_part(files: Mapping[str, str], name: str, lines: list[str], item: Map,
              item_end: int, part: str, key: str, value: object, ident: str
              ) -> dict[str, str]:
    """`item` with the part `part` added, holding `key`, one key a line under it. An empty
    `part:` line already there is taken for it."""
    if part in item:  # `ability:` with nothing under it yet
        at = item.line_of(part)
        match = re.match(rf"^(\s*(?:-\s+)?){re.escape(part)}\s*:\s*(#.*)?$", lines[at - 1])
        if match is None or "-" in match.group(1):
            raise EditError(f"'{part}' of '{ident}' is written in a way the form cannot "
                            "change: change it in the YAML view")
        indent = match.group(1)
        lines.insert(at, f"{indent}  {_key(key)}: {_scalar(value)}")
        return {**files, name: "\n".join(lines)}
    indent, last = _new_key_place(lines, item, item_end, ident)
    lines[last:last] = [f"{indent}{part}:", f"{indent}  {_key(key)}: {_scalar(value)}"]
    return {**files, name: "\n".join(lines)}


def add_item(files: Mapping[str, str], section: str, item: Mapping[str, object]
             ) -> dict[str, str]:
    """`files` with `item` (which has an id) added at the end of `section`, in the file that
    holds that section, or in a new file named after it."""
    if section not in LIST_SECTIONS:
        raise EditError(f"'{section}' is not a section of cards")
    if not isinstance(item.get("id"), str) or not ID_RE.match(str(item["id"])):
        raise EditError("a new item's 'id' is lower-case letters, digits and hyphens, "
                        "starting with a letter (like 'citizens-jury')")
    for key, value in item.items():
        if key != "id":
            problem = bad_value(form_field(section, key), value)
            if problem:
                raise EditError(problem, key)
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


def append_entry(files: Mapping[str, str], section: str, ident: str, field: str,
                 entry: Mapping[str, object]) -> tuple[dict[str, str], str, int, int]:
    """`files` with `entry` (a rule, or an effect) added at the end of the list `field` of
    the item `ident` in `section`, written as a block item under it; and the file and the
    first and last lines the entry takes (1-based), where the deck check's problems with it
    are. Whether it can be written is rulebuilder.bad_entry's to say, before this."""
    name, item, item_end, anchor, field = _holder(files, section, ident, field)
    lines = files[name].split("\n")
    key_lines = sorted(item.key_lines.values())
    head = re.match(r"^(\s*)(-\s+)?", lines[anchor - 1])
    assert head is not None
    indent = head.group(1) + " " * len(head.group(2) or "")
    if field in item:
        at = item.line_of(field)
        if not isinstance(item[field], Seq) or not re.match(
                rf"^\s*(?:-\s+)?{re.escape(field)}\s*:\s*(#.*)?$", lines[at - 1]):
            raise EditError(f"'{field}' of '{ident}' is written on one line, not as a list of "
                            "'- ' items: add to it in the YAML view")
        first = re.match(r"^(\s*)-\s", lines[item[field].line_of(0) - 1])
        inner = first.group(1) if first else indent + "  "
        later = [line for line in key_lines if line > at]
        where = _trim(lines, at - 1, (later[0] if later else item_end) - 1)
        block = _entry_lines(entry, inner)
    else:
        where = _trim(lines, anchor - 1, item_end - 1)
        block = [f"{indent}{field}:", *_entry_lines(entry, indent + "  ")]
    lines[where:where] = block
    first_line = where + 1 + (0 if field in item else 1)
    return {**files, name: "\n".join(lines)}, name, first_line, where + len(block)


def _holder(files: Mapping[str, str], section: str, ident: str, field: str
            ) -> tuple[str, Map, int, int, str]:
    """Where the list `field` of `ident` is, or goes: its file, the mapping that holds it, the
    line after that mapping, the line its indentation is taken from, and its key there. A
    field "ability.effects" is the list `effects` inside the item's part `ability`."""
    outer, _, inner = field.partition(".")
    if not inner:
        form_field(section, field, RULE_KINDS)
        name, top, items, index, item = _find(files, section, ident)
        return name, item, _item_end(files, name, top, section, items, index), \
            item.line_of("id"), field
    part = form_field(section, outer)
    if not any(p.key == inner and p.kind in RULE_KINDS for p in part.parts):
        raise EditError(f"'{field}' of {section} is not a list the rule editor adds to")
    name, top, items, index, item = _find(files, section, ident)
    node = item.get(outer)
    if not isinstance(node, Map) or not node.key_lines or _on_one_line(node,
                                                                      item.line_of(outer)):
        raise EditError(f"'{ident}' has no '{outer}' written one key a line: give it its name "
                        "and text in the form first, or add to it in the YAML view")
    later = [line for line in item.key_lines.values() if line > item.line_of(outer)]
    end = later[0] if later else _item_end(files, name, top, section, items, index)
    return name, node, end, min(node.key_lines.values()), inner


def _rule_list(files: Mapping[str, str], section: str, ident: str, field: str,
               index: object, verb: str
               ) -> tuple[str, Map, Seq, int, Map, Seq, list[str]]:
    """Where entry `index` of the list `field` of `ident` is, for changing or removing it
    (`verb`): as _find gives the item, then the list and the file's lines. EditError when
    the list is not written as '- ' items or there is no such entry."""
    form_field(section, field, RULE_KINDS)
    name, top, items, at_index, item = _find(files, section, ident)
    entries = item.get(field)
    lines = files[name].split("\n")
    if not isinstance(entries, Seq) or not re.match(
            rf"^\s*(?:-\s+)?{re.escape(field)}\s*:\s*(#.*)?$", lines[item.line_of(field) - 1]):
        raise EditError(f"'{field}' of '{ident}' is not written as a list of '- ' items: "
                        f"{verb} it in the YAML view")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(entries):
        raise EditError(f"'{ident}' has {len(entries)} {field}: say which, from 0")
    return name, top, items, at_index, item, entries, lines


def replace_entry(files: Mapping[str, str], section: str, ident: str, field: str,
                  index: object, entry: Mapping[str, object]
                  ) -> tuple[dict[str, str], str, int, int]:
    """`files` with entry `index` (from 0) of the list `field` of the item `ident` written
    anew as `entry`, in the same place; and the file and the first and last lines it now
    takes (1-based), as append_entry gives them. Comments before the next entry stay."""
    name, top, items, at_index, item, entries, lines = _rule_list(
        files, section, ident, field, index, "change")
    assert isinstance(index, int)
    start = entries.line_of(index) - 1
    dash = re.match(r"^(\s*)-\s", lines[start])
    if dash is None:
        raise EditError(f"{field} {index + 1} of '{ident}' is not written as a '- ' item: "
                        "change it in the YAML view")
    if index + 1 < len(entries):
        after = entries.line_of(index + 1)
    else:
        later = [line for line in item.key_lines.values() if line > item.line_of(field)]
        after = later[0] if later else _item_end(files, name, top, section, items, at_index)
    stop = _trim(lines, start, after - 1)
    block = _entry_lines(entry, dash.group(1))
    lines[start:stop] = block
    return {**files, name: "\n".join(lines)}, name, start + 1, start + len(block)


def _entry_lines(entry: Mapping[str, object], indent: str) -> list[str]:
    out = []
    for n, (key, value) in enumerate(entry.items()):
        lead = f"{indent}- " if n == 0 else f"{indent}  "
        out.append(f"{lead}{_key(key)}: {_scalar(value, True)}")
    return out


def remove_entry(files: Mapping[str, str], section: str, ident: str, field: str,
                 index: object) -> dict[str, str]:
    """`files` without entry `index` (from 0) of the list `field` of the item `ident`: a rule
    the rule editor lists. The lines of that entry go; comments before the next stay with it.
    The last entry takes its `field:` line with it."""
    name, top, items, at_index, item, entries, lines = _rule_list(
        files, section, ident, field, index, "remove")
    assert isinstance(index, int)
    item_end = _item_end(files, name, top, section, items, at_index)
    later = [line for line in item.key_lines.values() if line > item.line_of(field)]
    field_end = later[0] if later else item_end
    if len(entries) == 1:
        start, stop = item.line_of(field) - 1, _trim(lines, item.line_of(field) - 1,
                                                    field_end - 1)
    else:
        start = entries.line_of(index) - 1
        after = entries.line_of(index + 1) if index + 1 < len(entries) else field_end
        stop = _trim(lines, start, after - 1)
    del lines[start:stop]
    return {**files, name: "\n".join(lines)}
