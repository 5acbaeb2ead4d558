"""The deck studio's rules, shared by its routes and by the tables that play studio decks.

Every route asks `Studio` for a deck through `readable` or `writable`, which take the
signed-in facilitator: a deck they may not read is answered exactly like a deck that does not
exist (404 unknown_deck), so that nobody learns what private decks there are; a deck they may
read but not change (shared with them, or published) is 403 not_your_deck.

A save is checked by the loader (game.decks.loader.check_texts) and refused with every
problem, file and line, as `python -m game validate` gives them: every stored revision is a
deck a table can play. Loaded revisions are kept (they never change), so tables and compares
do not parse a revision twice.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

from game.decks.archive import MAX_DECK_BYTES, ArchiveError, from_zip
from game.decks.compare import Change, compare
from game.decks.folder import deck_files
from game.decks.library import DeckLibrary
from game.decks.loader import MAX_FILES, check_texts
from game.decks.model import Deck
from game.decks.yamlfile import MAX_FILE_BYTES, Problem
from game.errors import GameError
from game.server.limits import BadRequest, RateLimiter
from game.store.accounts import Facilitator, Facilitators
from game.store.database import Conflict, Store
from game.store.decks import VISIBILITIES, DeckRecord, Decks, RevisionRecord

MAX_NOTE = 300
MAX_SHARES = 50
CACHED_DECKS = 64
FILE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}\.ya?ml$")

# A deck started from nothing: the least that validates, for the facilitator to grow.
TEMPLATE = {
    "deck.yaml": """\
deck:
  id: {slug}
  name: {name}
  description: A deck of my own.

groups:
  - id: public
    name: The public

stages:
  - id: design
    name: Design
    prompt: What will the project do, and for whom?
""",
    "interventions.yaml": """\
interventions:
  - id: first-card
    name: My first card
    description: What the players do when they adopt it.
    why: Why it helps, in a sentence the players read.
    ratings: {collective: 1, democratic: 1, participatory: 1, deliberative: 1, powerful: 1}
    reach: {public: 1}
""" + "".join(f"""\
  - id: card-{n}
    name: Card {n}
    description: Another thing the players may do.
    why: Why it helps.
    ratings: {{collective: 0, democratic: 1, participatory: 0, deliberative: 1, powerful: 0}}
    reach: {{public: 1}}
""" for n in range(2, 25)),
    "scenarios.yaml": """\
scenarios:
  - id: first-scenario
    name: My first scenario
    context: Where the game is set, in a few sentences.
    stages: [design]
""",
}


def problems_json(problems: list[Problem]) -> list[dict[str, object]]:
    return [{"file": p.file, "line": p.line, "message": p.message, "text": str(p)}
            for p in problems]


def deck_files_from(payload: object) -> dict[str, str]:
    """A request's `files` (file name -> YAML text), refused unless it could be a deck
    folder's files."""
    if not isinstance(payload, dict) or not payload:
        raise BadRequest("bad_deck_files", "'files' must map each file name (like "
                         "'interventions.yaml') to its text")
    if len(payload) > MAX_FILES:
        raise BadRequest("bad_deck_files", f"a deck may have at most {MAX_FILES} files")
    total = 0
    for name, text in payload.items():
        if not isinstance(name, str) or not FILE_NAME.match(name):
            raise BadRequest("bad_deck_files", f"{str(name)[:80]!r} is not a deck file's "
                             "name: lower-case letters, digits and hyphens, ending in .yaml")
        if not isinstance(text, str):
            raise BadRequest("bad_deck_files", f"{name}: its text must be a string")
        total += len(text.encode("utf-8", "surrogatepass"))
    if total > MAX_DECK_BYTES:
        raise BadRequest("bad_deck_files", f"the deck is {total // 1024} KB; a deck may be at "
                         f"most {MAX_DECK_BYTES // 1024} KB")
    return dict(payload)


def note_from(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise BadRequest("bad_note", f"a revision's note is text of at most {MAX_NOTE} "
                         "characters")
    return value.strip()


class Studio:
    def __init__(self, store: Store, library: DeckLibrary,
                 uploads: RateLimiter | None = None) -> None:
        self.decks = Decks(store)
        self.uploads = uploads  # uploads a minute per facilitator (Config.uploads_per_minute)
        self.people = Facilitators(store)
        self.library = library
        self._loaded: OrderedDict[tuple[str, int], Deck] = OrderedDict()
        self._lock = threading.Lock()
        self._folders: tempfile.TemporaryDirectory[str] | None = None

    # ---- who may do what ------------------------------------------------------------------

    def readable(self, deck_id: str, who: Facilitator | None) -> DeckRecord:
        record = self.decks.get(deck_id) if isinstance(deck_id, str) else None
        if record is None or not record.may_read(who.id if who else None):
            raise GameError("unknown_deck", "there is no such deck, or it is not shared "
                            "with you")
        return record

    def writable(self, deck_id: str, who: Facilitator | None) -> DeckRecord:
        record = self.readable(deck_id, who)
        if not record.may_write(who.id if who else None):
            raise GameError("not_your_deck", "only the deck's owner may change it: fork it "
                            "to make a copy of your own")
        return record

    def count_upload(self, who: Facilitator) -> None:
        """Count an upload against `who`'s cap, refusing it past the cap with the wait."""
        if self.uploads is not None and not self.uploads.hit(str(who.id)):
            wait = int(self.uploads.blocked_for(str(who.id))) + 1
            raise GameError("too_many_uploads", f"that is a lot of uploads in a minute: wait "
                            f"{wait} seconds, then upload the file again (nothing of this one "
                            "was saved)")

    def revision(self, record: DeckRecord, number: object) -> RevisionRecord:
        found = (self.decks.revision(record.id, number)
                 if isinstance(number, int) and not isinstance(number, bool) else None)
        if found is None:
            raise GameError("unknown_revision", f"the deck has no revision {number!r}; its "
                            f"latest is {record.latest}")
        return found

    # ---- loading ---------------------------------------------------------------------------

    def _folder_root(self) -> Path:
        with self._lock:
            if self._folders is None:
                self._folders = tempfile.TemporaryDirectory(prefix="studio-decks-")
            return Path(self._folders.name)

    def check(self, files: Mapping[str, str | bytes]) -> tuple[Deck | None, list[Problem]]:
        return check_texts(files)

    def deck_at(self, deck_id: str, number: int) -> Deck:
        """The deck of one stored revision, loaded once (it never changes)."""
        key = (deck_id, number)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
        revision = self.decks.revision(deck_id, number)
        if revision is None:
            raise GameError("unknown_revision", f"the deck has no revision {number}")
        deck, problems = check_texts(revision.files)
        if deck is None:  # saved when the loader was more lenient
            raise GameError("deck_changed", "that revision of the deck no longer loads: "
                            + "; ".join(str(p) for p in problems[:3]))
        # Also as a folder of files, for what reads a deck from one (a balance report's
        # worker process): named by its deck id, as validate wants.
        folder = self._folder_root() / f"{deck_id}-{number}" / deck.id
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in revision.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        deck = dataclasses.replace(deck, path=str(folder))
        with self._lock:
            self._loaded[key] = deck
            while len(self._loaded) > CACHED_DECKS:
                self._loaded.popitem(last=False)
        return deck

    def _valid(self, files: Mapping[str, str | bytes]) -> Deck:
        deck, problems = self.check(files)
        if deck is None:
            raise BadRequest("deck_invalid", f"the deck has {len(problems)} "
                             f"problem{'s' * (len(problems) != 1)}: fix them and save again",
                             problems=problems_json(problems))
        return deck

    # ---- changes ---------------------------------------------------------------------------

    def shipped_files(self, deck_id: str) -> dict[str, str]:
        deck = self.library.get(deck_id)  # unknown_deck for anything but a shipped deck
        folder = self.library.root / deck.id
        files, _refused = deck_files(folder)
        return {f.name: f.read_text(encoding="utf-8") for f in files
                if f.stat().st_size <= MAX_FILE_BYTES}

    def _free_slug(self, who: Facilitator, wanted: str) -> str:
        taken = {d.slug for d in self.decks.visible_to(who.id) if d.owner_id == who.id}
        if wanted not in taken:
            return wanted
        n = 2
        while f"{wanted}-{n}" in taken:
            n += 1
        return f"{wanted}-{n}"

    def fork(self, who: Facilitator, source: str, studio: bool) -> DeckRecord:
        """A private copy of a shipped deck (or of a studio deck `who` may read), with a
        deck id of its own."""
        if studio:
            original = self.readable(source, who)
            files = self.decks.revision(original.id, original.latest).files  # type: ignore[union-attr]
            forked_from = f"{original.id}@{original.latest}"
            old_id = original.slug
        else:
            files = self.shipped_files(source)
            forked_from = old_id = source
        slug = self._free_slug(who, old_id if not studio else f"{old_id}-copy")
        files = dict(files)
        if slug != old_id:
            files = _with_id(files, old_id, slug)
        deck = self._valid(files)
        return self._create(who, deck, files, f"forked from {forked_from}", forked_from)

    def start(self, who: Facilitator, slug: object, name: object) -> DeckRecord:
        """A new deck from the small template."""
        if not isinstance(slug, str) or not re.fullmatch(r"[a-z][a-z0-9-]{0,40}", slug):
            raise BadRequest("bad_deck_files", "a deck id is lower-case letters, digits and "
                             "hyphens, starting with a letter (like 'my-deck')")
        if not isinstance(name, str) or not name.strip() or len(name) > 80:
            raise BadRequest("bad_deck_files", "give the deck a name of at most 80 characters")
        clean = " ".join(name.split()).replace('"', "'")
        files = {k: v.replace("{slug}", slug).replace("{name}", f'"{clean}"')
                 for k, v in TEMPLATE.items()}
        deck = self._valid(files)
        return self._create(who, deck, files, "started from the template", None)

    def _create(self, who: Facilitator, deck: Deck, files: dict[str, str], note: str,
                forked_from: str | None) -> DeckRecord:
        try:
            return self.decks.create(who.id, deck.id, deck.name, files, note, forked_from)
        except Conflict as exc:
            raise GameError("deck_taken", str(exc)) from None

    def uploaded(self, data: bytes) -> dict[str, str]:
        """The files of an uploaded zip, once they make a deck that passes the check."""
        try:
            raw = from_zip(data)
        except ArchiveError as exc:
            raise BadRequest("bad_upload", str(exc)) from None
        for name in raw:
            if not FILE_NAME.match(name):
                raise BadRequest("bad_upload", f"{name[:80]}: rename it in lower-case letters, "
                                 "digits and hyphens, ending in .yaml (like 'events.yaml')")
        self._valid(raw)
        return {name: body.decode("utf-8") for name, body in raw.items()}

    def start_from(self, who: Facilitator, files: dict[str, str], note: str) -> DeckRecord:
        """A new deck from uploaded files; given an id of its own if `who` has its id."""
        deck = self._valid(files)
        slug = self._free_slug(who, deck.id)
        if slug != deck.id:
            files = _with_id(files, deck.id, slug)
            deck = self._valid(files)
        return self._create(who, deck, files, note, None)

    def save(self, who: Facilitator, deck_id: str, files: dict[str, str],
             note: str) -> RevisionRecord:
        record = self.writable(deck_id, who)
        deck = self._valid(files)
        if deck.id != record.slug and any(
                d.slug == deck.id and d.owner_id == who.id and d.id != record.id
                for d in self.decks.visible_to(who.id)):
            raise GameError("deck_taken", f"you already have a deck with the id {deck.id!r}: "
                            "choose another in deck.yaml")
        try:
            return self.decks.save(record.id, who.id, files, note, name=deck.name,
                                   slug=deck.id)
        except Conflict as exc:
            raise GameError("conflict", str(exc)) from None

    def restore(self, who: Facilitator, deck_id: str, number: object) -> RevisionRecord:
        record = self.writable(deck_id, who)
        old = self.revision(record, number)
        return self.save(who, record.id, old.files, f"restored revision {old.number}")

    def compare(self, who: Facilitator, deck_id: str, a: object, b: object) -> list[Change]:
        record = self.readable(deck_id, who)
        old, new = self.revision(record, a), self.revision(record, b)
        return compare(self.deck_at(record.id, old.number), self.deck_at(record.id, new.number))

    def share(self, who: Facilitator, deck_id: str, visibility: object,
              user_names: object) -> DeckRecord:
        record = self.writable(deck_id, who)
        if visibility not in VISIBILITIES:
            raise BadRequest("bad_sharing", f"'visibility' is one of {', '.join(VISIBILITIES)}")
        if user_names is None:
            user_names = []
        if (not isinstance(user_names, list) or len(user_names) > MAX_SHARES
                or not all(isinstance(n, str) and 0 < len(n) <= 200 for n in user_names)):
            raise BadRequest("bad_sharing", f"'shared_with' is a list of at most {MAX_SHARES} "
                             "facilitators' user names")
        ids, unknown = set(), []
        for name in user_names:
            person = self.people.find(name.strip())
            if person is None or person.user_name.lower() != name.strip().lower():
                unknown.append(name)
            elif person.id != who.id:
                ids.add(person.id)
        if unknown:
            raise BadRequest("bad_sharing", "no facilitator has the user name "
                             + ", ".join(repr(n[:80]) for n in unknown)
                             + ": check the spelling")
        self.decks.set_sharing(record.id, str(visibility), frozenset(ids))
        return self.decks.get(record.id)  # type: ignore[return-value]

    def delete(self, who: Facilitator, deck_id: str, confirm: object) -> None:
        """Delete the owner's deck, once they confirm by typing its deck id. Tables and
        workshops that play one of its revisions play on (Decks.delete keeps them)."""
        record = self.writable(deck_id, who)
        if confirm != record.slug:
            raise BadRequest("bad_confirm", f"to delete the deck, type its deck id "
                             f"'{record.slug}' to confirm")
        self.decks.delete(record.id)

    def choices(self, who: Facilitator | None,
                also: tuple[str, int] | None = None) -> list[tuple[str, list[Deck]]]:
        """The studio decks `who` may start a table with, at their latest revision, grouped
        as the new-table page lists them: each a copy of the loaded deck whose id is what
        the page sends back ("studio:<deck>@<revision>") and whose name says whose it is.
        `also` (deck, revision) adds an older revision, when `who` may read it (the
        studio's "start a table with revision n"). Revisions that no longer load are left
        out."""
        if who is None:
            return []
        groups: dict[str, list[Deck]] = {"Your decks": [], "Shared with you": [],
                                         "Published on this server": []}
        for record in self.decks.visible_to(who.id):
            numbers = [record.latest]
            if also and also[0] == record.id and 0 < also[1] < record.latest:
                numbers.append(also[1])
            for number in numbers:
                try:
                    deck = self.deck_at(record.id, number)
                except GameError:
                    continue
                if record.owner_id == who.id:
                    group, name = "Your decks", f"{deck.name} (revision {number})"
                else:
                    owner = self.people.get(record.owner_id)
                    by = owner.user_name if owner else "?"
                    group = ("Shared with you" if record.visibility == "shared"
                             else "Published on this server")
                    name = f"{deck.name} (by {by}, revision {number})"
                groups[group].append(dataclasses.replace(
                    deck, id=f"studio:{record.id}@{number}", name=name))
        return [(label, decks) for label, decks in groups.items() if decks]

    def user_names(self, ids: frozenset[str]) -> list[str]:
        names = []
        for i in sorted(ids):
            person = self.people.get(i)
            if person is not None:
                names.append(person.user_name)
        return sorted(names, key=str.lower)


def _with_id(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    """`files` with the deck's id changed from `old` to `new` in the `deck:` section."""
    pattern = re.compile(rf"^(deck:\s*\n(?:[ \t]*#.*\n|[ \t]*\n)*(?:[ \t]+.*\n)*?[ \t]+id:[ \t]*)"
                         rf"['\"]?{re.escape(old)}['\"]?[ \t]*$", re.MULTILINE)
    out = dict(files)
    for name, text in files.items():
        changed, n = pattern.subn(lambda m: m.group(1) + new, text, count=1)
        if n:
            out[name] = changed
            break
    return out
