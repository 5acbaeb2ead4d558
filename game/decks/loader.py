"""Read a deck folder, check every part of it, and build a `Deck`.

Every problem found is collected (not just the first) as a `Problem` with file and line,
in words a facilitator can act on. The server uses this same code, so a deck that passes
`python -m game validate` is a deck the server will play.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from game.decks.effectwords import STAR_PLACES, effects
from game.decks.fields import ID_RE, LIST_SECTIONS, MAX_NAME, DeckFields, suggest
from game.decks.folder import SUFFIXES, deck_files
from game.decks.lessons import read_lessons
from game.decks.model import (
    DEFAULT_CRITERIA,
    Ability,
    Criterion,
    Deck,
    Difficulty,
    Event,
    Group,
    Intervention,
    Objective,
    Role,
    Scenario,
    Settings,
    Stage,
    Tag,
    Track,
)
from game.decks.options import (
    BOT_KINDS,
)
from game.decks.reach import merged, read_reach
from game.decks.reflection import read_reflection
from game.decks.rules import Rule, plain_words
from game.decks.sections import (
    EVENT_KINDS,
    EVENT_WHEN,
    MAP_SECTIONS,
    bounds,
    field,
    keys,
    required,
)
from game.decks.settings import PHASES, read_settings
from game.decks.vocabulary import RULE_PLACES, condition
from game.decks.yamlfile import DeckFileError, Map, Problem, Seq, load_bytes, load_yaml

MAX_FILES = 40
MAX_ITEMS = 400
ZERO_HINT = " (a deck that leaves ratings out on purpose says settings: missing_ratings: zero)"



class DeckInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_deck(path: str | Path) -> Deck:
    deck, problems = check_deck(path)
    if problems or deck is None:
        raise DeckInvalid(problems)
    return deck


def check_deck(path: str | Path) -> tuple[Deck | None, list[Problem]]:
    """Return the deck (None if it could not be built) and every problem found."""
    return _Reader(Path(path)).read()


def check_texts(files: Mapping[str, str | bytes], folder: str | None = None
                ) -> tuple[Deck | None, list[Problem]]:
    """The same checks as `check_deck`, with the same limits, on a deck held in memory (a
    deck in the studio, an upload): `files` maps each file's name (as in a deck folder, no
    slashes) to its text. `folder`, if given, is the folder name the deck's id must match
    (a studio deck has no folder: its id is what its `deck:` section says). Messages name
    each file as `files` does, so they read as `python -m game validate` says them of a
    folder of those files, less the folder's path."""
    return _Reader(Path(folder or "deck"), files, folder is not None).read()



class _Reader(DeckFields):
    def __init__(self, path: Path, texts: Mapping[str, str | bytes] | None = None,
                 named: bool = True):
        super().__init__(path)
        self.texts = texts  # a deck in memory, read instead of the folder at `path`
        self.named = named  # whether the deck's id must be `path`'s name

    # ---- reading files ---------------------------------------------------------------------

    def _load(self, file: Path, display: str) -> object:
        if self.texts is None:
            return load_yaml(file, display)
        text = self.texts[file.name]
        return load_bytes(text.encode("utf-8") if isinstance(text, str) else text, display)

    def read(self) -> tuple[Deck | None, list[Problem]]:
        files = self._files()
        if files is None:
            return None, self.problems
        merged: dict[str, object] = {}
        for file in files:
            display = str(file) if self.texts is None else file.name
            try:
                data = self._load(file, display)
            except DeckFileError as exc:
                self.problems.append(exc.problem)
                continue
            except OSError as exc:
                self.problems.append(Problem(display, 1, f"cannot read file: {exc.strerror}"))
                continue
            if data is None:
                continue
            if not isinstance(data, Map):
                self.problems.append(Problem(display, 1, "a deck file must be a mapping of "
                                     "sections such as 'deck:', 'interventions:'"))
                continue
            self._merge(data, merged)
        if self.problems:
            return None, self.problems
        deck = self._build(merged)
        return (None if self.problems else deck), self.problems

    def _files(self) -> list[Path] | None:
        if self.texts is not None:
            return self._memory_files(self.texts)
        if self.path.is_file():
            return [self.path]
        if not self.path.is_dir():
            self.error(None, None, "no such deck: give a folder under cards/ or a .yaml file")
            return None
        files, refused = deck_files(self.path)
        self.problems.extend(refused)  # and the files are still read, to report everything
        if not files:
            self.error(None, None, "the folder holds no .yaml files")
            return None
        if len(files) > MAX_FILES:
            self.error(None, None, f"a deck may have at most {MAX_FILES} files")
            return None
        return files

    def _memory_files(self, texts: Mapping[str, str | bytes]) -> list[Path] | None:
        """The files of a deck in memory, in name order, refusing what a folder would."""
        if len(texts) > MAX_FILES:
            self.error(None, None, f"a deck may have at most {MAX_FILES} files")
            return None
        files = []
        for name in sorted(texts):
            if "/" in name or "\\" in name or name in ("", ".", ".."):
                self.problems.append(Problem(name, 1, "a file in a subfolder: a deck reads only "
                                             "the .yaml files directly in its folder"))
            elif name.startswith("."):
                continue
            elif not name.endswith(SUFFIXES):
                self.problems.append(Problem(name, 1, "not a deck file: a deck file's name ends "
                                             "in .yaml"))
            else:
                files.append(self.path / name)
        if not files:
            self.error(None, None, "the folder holds no .yaml files")
            return None
        return files

    def _merge(self, data: Map, merged: dict[str, object]) -> None:
        for key, value in data.items():
            if key in LIST_SECTIONS:
                if not isinstance(value, Seq):
                    self.error(data, key, f"'{key}' must be a list (lines starting with '- ')")
                    continue
                target = merged.get(key)
                if not isinstance(target, Seq):
                    target = merged[key] = Seq()
                    target.file, target.line, target.item_lines = value.file, value.line, []
                for i, item in enumerate(value):
                    target.append(item)
                    target.item_lines.append(value.line_of(i))
                    if not isinstance(item, Map):
                        self.error(value, i, f"each item of '{key}' must be a mapping with an id")
            elif key in MAP_SECTIONS:
                if key in merged:
                    self.error(data, key, f"section '{key}' is given in more than one file")
                elif not isinstance(value, Map):
                    self.error(data, key, f"'{key}' must be a mapping of keys and values")
                else:
                    merged[key] = value
            else:
                options = (*LIST_SECTIONS, *MAP_SECTIONS)
                self.error(data, key, f"unknown section '{key}'{suggest(key, options)}; "
                           f"sections are: {', '.join(options)}")

    # ---- the sections ----------------------------------------------------------------------

    def _build(self, merged: dict[str, object]) -> Deck | None:
        head = merged.get("deck")
        if not isinstance(head, Map):
            self.error(None, None, "the deck has no 'deck:' section (id, name, description)")
            return None
        for section in LIST_SECTIONS:
            self._collect_ids(section, merged.get(section))
        self.sections = {s: merged.get(s) for s in LIST_SECTIONS}

        self.keys(head, keys("deck"), required("deck"), "deck")
        deck_id = head.get("id")
        if not isinstance(deck_id, str) or not ID_RE.match(deck_id):
            self.error(head, "id", "deck: 'id' must be lower-case letters, digits and hyphens")
        elif (self.named and (self.texts is not None or self.path.is_dir())
              and deck_id != self.path.name):
            self.error(head, "id", f"deck: id '{deck_id}' must match its folder name "
                       f"'{self.path.name}'")

        self._criteria()
        self.groups = {i: Group(i, self.text(m, "name", f"group '{i}'", limit=MAX_NAME),
                                self.text(m, "description", f"group '{i}'", required=False))
                       for i, m in self._items("groups")}
        self.tags = {i: Tag(i, self.text(m, "name", f"tag '{i}'", limit=MAX_NAME),
                            self.text(m, "description", f"tag '{i}'", required=False),
                            self.text(m, "coach", f"tag '{i}'", default="") or None)
                     for i, m in self._items("tags")}
        self._tracks()
        before = len(self.problems)
        settings = read_settings(self, merged.get("settings"))
        self.settings_reach = settings.reach
        self.missing_ratings = settings.missing_ratings
        settings_ok = len(self.problems) == before
        stages = self._stages()
        interventions = self._interventions()
        events = self._events()
        roles = self._roles()
        scenarios = self._scenarios(events)
        difficulties = self._difficulties()
        lessons = read_lessons(self)
        reflection = read_reflection(self)
        for section in ("groups", "stages", "interventions", "scenarios"):
            if not self.ids[section]:
                self.error(head, None, f"the deck has no {section}: add at least one")
        if settings_ok:  # else hand_size or seats may be a default, not what the author meant
            self._check_dealing(settings, interventions, head)
        self._check_drawable(events, scenarios, settings)
        if not self.problems:  # else a misspelt reference would show up here a second time
            self._check_reachable(interventions, scenarios)
        if settings.chair not in ("rotate", *roles):
            self.error(merged.get("settings"), "chair",  # type: ignore[arg-type]
                       f"settings: 'chair' is {settings.chair!r}; expected 'rotate' or a role id"
                       f"{suggest(settings.chair, roles)}")
        if self.problems:
            return None
        return Deck(
            id=deck_id, name=self.text(head, "name", "deck", limit=MAX_NAME),  # type: ignore[arg-type]
            description=self.text(head, "description", "deck", required=False),
            version=self.integer(head, "version", "deck", 1, 10_000, 1), path=str(self.path),
            criteria=self.criteria, groups=self.groups, tags=self.tags, tracks=self.tracks,
            settings=settings, stages=stages, interventions=interventions, events=events,
            roles=roles, scenarios=scenarios, difficulties=difficulties, lessons=lessons,
            reflection=reflection,
        )

    def _collect_ids(self, section: str, items: object) -> None:
        if not isinstance(items, Seq):
            return
        if len(items) > MAX_ITEMS:
            self.error(items, None, f"'{section}' has {len(items)} items; at most {MAX_ITEMS}")
        seen = self.ids[section]
        for i, item in enumerate(items):
            if not isinstance(item, Map):
                continue
            ident = item.get("id")
            if not isinstance(ident, str) or not ID_RE.match(ident):
                self.error(items, i, f"{section}: 'id' {ident!r} must be lower-case letters, "
                           "digits and hyphens, starting with a letter (like 'citizens-jury')")
                continue
            if ident in seen:
                first = seen[ident]
                self.error(item, "id", f"{section}: duplicate id '{ident}' (first used at "
                           f"{first.file}:{first.line})")
                continue
            seen[ident] = item
    def _items(self, section: str):
        """Each item of a list section, its keys checked against game/decks/sections.py."""
        allowed, needed = keys(section), required(section)
        for ident, m in self.ids[section].items():
            one = "criterion" if section == "criteria" else section.rstrip("s")
            self.keys(m, allowed, needed, f"{one} '{ident}'")
            yield ident, m

    def _criteria(self) -> None:
        if not self.ids["criteria"]:
            self.criteria = {i: Criterion(i, n, d, q) for i, n, d, q in DEFAULT_CRITERIA}
            self.ids["criteria"] = dict.fromkeys(self.criteria, Map())
            return
        # The description is the criterion's definition: players open it wherever a score
        # appears, so a deck that writes its own criteria must define each one.
        for i, m in self._items("criteria"):
            what = f"criterion '{i}'"
            if "description" not in m:
                self.error(m, None, f"{what}: missing 'description', its definition: players "
                           "read it wherever the criterion's score shows")
            self.criteria[i] = Criterion(i, *(self.text(m, key, what,
                                                        limit=field("criteria", key).limit)
                                              for key in ("name", "description", "question",
                                                          "example")))
        clash = set(self.criteria) & set(self.ids["tracks"])
        for name in clash:
            self.error(self.ids["tracks"][name], "id",
                       f"track '{name}' has the same id as a criterion: rename one")

    def _tracks(self) -> None:
        for i, m in self._items("tracks"):
            what = f"track '{i}'"
            lo = self.integer(m, "min", what, *bounds("tracks", "min"), 0)
            hi = self.integer(m, "max", what, *bounds("tracks", "max"), 100)
            start = self.integer(m, "start", what, *bounds("tracks", "start"), lo)
            if lo > hi:
                self.error(m, "min", f"{what}: 'min' ({lo}) is above 'max' ({hi})")
            elif not lo <= start <= hi:
                self.error(m, "start", f"{what}: 'start' ({start}) must be between min ({lo}) "
                           f"and max ({hi})")
            self.tracks[i] = Track(i, self.text(m, "name", what, limit=MAX_NAME),
                                   self.text(m, "description", what, required=False),
                                   start, lo, hi)

    def _stages(self) -> dict[str, Stage]:
        out = {}
        for i, m in self._items("stages"):
            what = f"stage '{i}'"
            out[i] = Stage(i, self.text(m, "name", what, limit=MAX_NAME),
                           self.text(m, "prompt", what, required=False),
                           self.rules(m, what, f"stage {i}"),
                           *(self.text(m, key, what, required=False,
                                       limit=field("stages", key).limit)
                             for key in ("objective", "principles")))
        return out

    def _interventions(self) -> dict[str, Intervention]:
        out = {}
        change = bounds("interventions", "tracks")
        for i, m in self._items("interventions"):
            what = f"intervention '{i}'"
            ratings = self.id_map(m, "ratings", "criteria", what,
                                  self._star)
            if self.missing_ratings == "zero":  # the deck leaves ratings out on purpose
                ratings = {c: ratings.get(c, 0) for c in self.criteria}
            elif "ratings" not in m:
                self.error(m, None, f"{what}: missing 'ratings': rate it 0 to 5 on every "
                           f"criterion{ZERO_HINT}")
            else:
                missing = [c for c in self.criteria if c not in ratings]
                if missing and isinstance(m["ratings"], Map):
                    self.error(m, "ratings", f"{what}: no rating for {', '.join(missing)}: "
                               f"rate it 0 to 5 on every criterion{ZERO_HINT}")
            tags = self.ref_list(m, "tags", "tags", what, allow_empty=True) or ()
            reach: dict[str, int] = {}
            node = m.get("reach")
            if isinstance(node, Map) and node:
                for group, cost in node.items():
                    if self.ref(group, node, group, "groups", what, self.groups, place="reach"):
                        reach[group] = self.int_value(cost, node, group, f"{what} reach",
                                                      *bounds("interventions", "reach"))
            elif "reach" in m:
                self.error(m, "reach", f"{what}: 'reach' must map each group it can involve to "
                           "a cost, like {affected-communities: 2}")
            tracks = self.id_map(m, "tracks", "tracks", what,
                                 lambda v, n, k, w: self.int_value(v, n, k, w, *change))
            out[i] = Intervention(
                i, self.text(m, "name", what, limit=MAX_NAME),
                self.text(m, "description", what), ratings,
                self.text(m, "why", what, limit=field("interventions", "why").limit),
                frozenset(tags), reach, tracks,
                self.integer(m, "copies", what, *bounds("interventions", "copies"), 1))
        return out

    def _star(self, value: object, node: Map, key: str, what: str) -> int:
        return self.int_value(value, node, key, f"{what} rating",
                              *bounds("interventions", "ratings"))

    def _events(self) -> dict[str, Event]:
        out = {}
        for i, m in self._items("events"):
            what = f"event '{i}'"
            stages = self.ref_list(m, "stages", "stages", what)
            when = self.choice(m, "when", what, tuple(v for v, _ in EVENT_WHEN), "start")
            out[i] = Event(
                i, self.choice(m, "kind", what, EVENT_KINDS, "requirement"),
                self.text(m, "name", what, limit=MAX_NAME), self.text(m, "text", what),
                self.integer(m, "severity", what, *bounds("events", "severity"), 1),
                frozenset(stages) if stages else None,
                effects(self, m, "effects", "event", what, later=when == "after_scoring"),
                self.rules(m, what, f"event {i}"), when)
            if not out[i].effects and not out[i].rules:
                self.error(m, None, f"{what}: has neither 'effects' nor 'rules', so it changes "
                           "nothing: add at least one")
        return out

    def _roles(self) -> dict[str, Role]:
        out = {}
        for i, m in self._items("roles"):
            what = f"role '{i}'"
            ability = objective = None
            node = m.get("ability")
            if isinstance(node, Map):
                self.keys(node, ("name", "text", "phase", "effects"), ("name", "text", "effects"),
                          f"{what} ability")
                phase = node.get("phase")
                if phase is not None and phase not in PHASES:
                    self.error(node, "phase", f"{what} ability: 'phase' is {phase!r}; expected "
                               f"one of: {', '.join(PHASES)}{suggest(phase, PHASES)}")
                    phase = None
                ability = Ability(self.text(node, "name", what, limit=MAX_NAME),
                                  self.text(node, "text", what), phase,
                                  effects(self, node, "effects", "ability", f"{what} ability"))
            elif node is not None:
                self.error(m, "ability", f"{what}: 'ability' must have name, text and effects")
            node = m.get("objective")
            if isinstance(node, Map):
                self.keys(node, ("text", "condition"), ("text", "condition"), f"{what} objective")
                cond = condition(self, node.get("condition"), node, "condition", "game",
                                      f"{what} objective")
                if cond:
                    objective = Objective(self.text(node, "text", what), cond)
            elif node is not None:
                self.error(m, "objective", f"{what}: 'objective' must have text and condition")
            out[i] = Role(i, self.text(m, "name", what, limit=MAX_NAME),
                          self.text(m, "description", what, required=False), ability, objective)
        return out

    def _scenarios(self, events: dict[str, Event]) -> dict[str, Scenario]:
        out = {}
        default_reach = self.settings_reach
        for i, m in self._items("scenarios"):
            what = f"scenario '{i}'"
            tracks = self.id_map(m, "tracks", "tracks", what,
                                 self._track_start)
            weights = self.id_map(m, "weights", "criteria", what,
                                  lambda v, n, k, w: self.number(v, n, k, w, 0, 10))
            targets = self.id_map(m, "targets", "criteria", what,
                                  lambda v, n, k, w: self.int_value(v, n, k, w, 0, 200))
            stages = self.ref_list(m, "stages", "stages", what) or tuple(self.ids["stages"])
            chosen = self.ref_list(m, "events", "events", what, allow_empty=True)
            affected = frozenset(self.ref_list(m, "affected", "groups", what) or ())
            out[i] = Scenario(
                i, self.text(m, "name", what, limit=MAX_NAME), self.text(m, "context", what),
                affected, tracks,
                weights, targets, stages, tuple(events) if chosen is None else chosen,
                self.rules(m, what, f"scenario {i}"),
                merged(default_reach, read_reach(self, m, what), affected, self.groups),
                condition(self, m["win"], m, "win", "game", f"{what}: win") if "win" in m
                else None)
        return out

    def _track_start(self, value: object, node: Map, key: str, what: str) -> int:
        track = self.tracks[key]
        return self.int_value(value, node, key, f"{what} tracks", track.min, track.max)

    def _difficulties(self) -> dict[str, Difficulty]:
        out = {}
        section = "difficulties"
        for i, m in self._items(section):
            what = f"difficulty '{i}'"
            out[i] = Difficulty(
                i, self.text(m, "name", what, limit=MAX_NAME),
                self.text(m, "description", what, required=False),
                self.id_map(m, "tracks", "tracks", what,
                            lambda v, n, k, w: self.int_value(v, n, k, w, -50, 50)),
                self.integer(m, "max_severity", what, *bounds(section, "max_severity"), 3),
                self.choice(m, "bots", what, BOT_KINDS, "greedy"),
                self.integer(m, "persuadable", what, *bounds(section, "persuadable"), 60),
                self.integer(m, "disagree", what, *bounds(section, "disagree"), 0))
        return out

    # ---- whole-deck checks -----------------------------------------------------------------

    def _check_dealing(self, settings: Settings, interventions: dict, head: Map) -> None:
        copies = sum(c.copies for c in interventions.values())
        need = settings.hand_size * settings.seats_max
        if interventions and copies < need:
            self.error(head, None, f"the deck has {copies} intervention cards but dealing "
                       f"{settings.hand_size} to each of {settings.seats_max} seats needs {need}: "
                       "add cards, raise 'copies', or lower hand_size or seats max")

    def _check_reachable(self, interventions: dict[str, Intervention],
                         scenarios: dict[str, Scenario]) -> None:
        """Stages no scenario plays and groups no card can reach are content nobody meets."""
        if not scenarios or not interventions:
            return  # already reported as missing
        played = {st for sc in scenarios.values() for st in sc.stages}
        for ident, m in self.ids["stages"].items():
            if ident not in played:
                self.error(m, "id", f"stage '{ident}' is in no scenario's 'stages', so it is "
                           "never played")
        reached = {g for card in interventions.values() for g in card.reach}
        for ident, m in self.ids["groups"].items():
            if ident not in reached:
                self.error(m, "id", f"group '{ident}' is in no intervention's 'reach', so no "
                           "one can ever involve it")

    def _check_drawable(self, events: dict[str, Event], scenarios: dict[str, Scenario],
                        settings: Settings) -> None:
        drawn = {"start": ("events_per_round", settings.events_per_round),
                 "after_scoring": ("events_after_scoring", settings.events_after_scoring)}
        for ident, event in events.items():
            homes = [s for s in scenarios.values() if ident in s.events]
            key, count = drawn[event.when]
            # Only the newer setting: a start event with events_per_round 0 was always valid
            # (a role's redraw_event draws one), and stored revisions of such decks must load.
            if not count and event.when == "after_scoring":
                self.error(self.ids["events"][ident], "when",
                           f"event '{ident}' is drawn '{event.when}', but settings: '{key}' is 0, "
                           f"so it is never drawn: raise '{key}' or change 'when'")
            elif not homes:
                self.error(self.ids["events"][ident], "id",
                           f"event '{ident}' is in no scenario's 'events', so it is never drawn")
            elif event.stages is not None and not any(
                    event.stages & set(s.stages) for s in homes):
                self.error(self.ids["events"][ident], "stages",
                           f"event '{ident}' can only be drawn in stages no scenario that uses it "
                           "plays, so it is never drawn")

    # ---- rules, conditions and effects -----------------------------------------------------

    def rules(self, m: Map, what: str, source: str) -> tuple[Rule, ...]:
        node = m.get("rules")
        if node is None:
            return ()
        if not isinstance(node, Seq):
            self.error(m, "rules", f"{what}: 'rules' must be a list of rules")
            return ()
        out = []
        for n, item in enumerate(node, 1):
            rw = f"{what} rule {n}"
            if not isinstance(item, Map):
                self.error(node, n - 1, f"{rw}: a rule must be a mapping with 'then'")
                continue
            self.keys(item, ("why", "per", "if", "then"), ("then",), rw)
            per = self.choice(item, "per", rw, ("adopted", "round"), "adopted")
            place = RULE_PLACES[per]
            cond = condition(self, item["if"], item, "if", place, rw) if "if" in item else None
            then = effects(self, item, "then", "rule", rw, per_adopted=place in STAR_PLACES)
            adds = tuple(pair for e in then for pair in e.adds)
            costs = tuple(e for e in then if e.kind == "cost")
            why = self.text(item, "why", rw, limit=300, required=False)
            if not why:
                why = plain_words(per, cond, adds, costs)
            out.append(Rule(why, per, cond, adds, source, costs))
        return tuple(out)
