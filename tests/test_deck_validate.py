"""`python -m game validate`: every shipped deck passes; each broken fixture deck gives exactly
the messages a deck author needs (`path:line: message`) and exit status 1."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fixtures.gamekit import CARDS, FIXTURES, REPO

from game import cli
from game.decks.loader import DeckInvalid, check_deck, load_deck

BROKEN = "tests/fixtures/decks/broken"

# Each broken deck is tests/fixtures/decks/minimal.yaml with one mistake.
EXPECTED = {
    "syntax-error": [
        "syntax-error.yaml:26: YAML syntax error: found unexpected end of stream on line 46, "
        "while scanning a quoted scalar that starts here (check indentation, colons and quotes)",
    ],
    "unknown-key": [
        "unknown-key.yaml:38: event 'rally': unknown key 'efects' (did you mean 'effects'?); "
        "expected one of: id, kind, name, text, severity, when, stages, effects, rules",
    ],
    "wrong-type": [
        "wrong-type.yaml:18: settings: 'hand_size' must be a whole number from 1 to 10, "
        "not 'two'",
    ],
    "rating-out-of-range": [
        "rating-out-of-range.yaml:28: intervention 'jury' rating: 'powerful' must be a whole "
        "number from 0 to 5, not 7",
    ],
    "duplicate-id": [
        f"duplicate-id.yaml:12: tags: duplicate id 'oversight' (first used at "
        f"{BROKEN}/duplicate-id.yaml:10)",
    ],
    "unknown-group": [
        "unknown-group.yaml:31: intervention 'jury': unknown group 'publc' in reach "
        "(did you mean 'public'?)",
    ],
    "unknown-tag": [
        "unknown-tag.yaml:30: intervention 'jury': unknown tag 'oversite' in tags "
        "(did you mean 'oversight'?)",
    ],
    "event-never-drawn": [
        "event-never-drawn.yaml:34: event 'rally' is in no scenario's 'events', so it is never "
        "drawn",
    ],
    "stage-never-played": [
        "stage-never-played.yaml:22: stage 'review' is in no scenario's 'stages', so it is "
        "never played",
    ],
    "too-few-cards": [
        "too-few-cards.yaml:2: the deck has 3 intervention cards but dealing 2 to each of 2 "
        "seats needs 4: add cards, raise 'copies', or lower hand_size or seats max",
    ],
    "no-interventions": [
        "no-interventions.yaml:2: the deck has no interventions: add at least one",
    ],
    "alias-bomb": [
        "alias-bomb.yaml:7: YAML aliases (*name) are not allowed in decks: write the value "
        "out in full",
    ],
}


def test_every_broken_fixture_has_its_expected_messages():
    on_disk = {p.stem for p in (REPO / BROKEN).glob("*.yaml")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_deck_gives_exact_messages(name, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    path = f"{BROKEN}/{name}.yaml"
    assert cli.main(["validate", path]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{BROKEN}/{line}" for line in EXPECTED[name]]
    n = len(EXPECTED[name])
    assert err == f"{n} problem{'s' if n > 1 else ''} in {path}\n"


@pytest.mark.parametrize("name", ["unknown-group", "alias-bomb"])
def test_validate_as_a_command(name):
    path = f"{BROKEN}/{name}.yaml"
    done = subprocess.run([sys.executable, "-m", "game", "validate", path], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [f"{BROKEN}/{line}" for line in EXPECTED[name]]
    assert done.stderr == f"1 problem in {path}\n"


def test_validate_reports_every_deck_and_fails_if_any_fails():
    paths = ["tests/fixtures/decks/tiny", f"{BROKEN}/unknown-tag.yaml",
             "tests/fixtures/decks/minimal.yaml"]
    done = subprocess.run([sys.executable, "-m", "game", "validate", *paths], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "tests/fixtures/decks/tiny: ok: 2 criteria, 3 groups, 2 tracks, 3 stages, "
        "6 interventions, 5 events, 4 roles, 3 scenarios",
        f"{BROKEN}/{EXPECTED['unknown-tag'][0]}",
        "tests/fixtures/decks/minimal.yaml: ok: 5 criteria, 2 groups, 1 tracks, 2 stages, "
        "1 interventions, 1 events, 0 roles, 1 scenarios",
    ]


def test_a_file_over_512_kb_is_refused_unread(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    comment = "# " + "x" * 98 + "\n"
    big.write_text((FIXTURES / "minimal.yaml").read_text() + comment * 5300)
    size_kb = big.stat().st_size // 1024
    assert size_kb > 512
    assert cli.main(["validate", str(big)]) == 1
    out, _ = capsys.readouterr()
    assert out == (f"{big}:1: file is {size_kb} KB; a deck file may be at most 512 KB: "
                   "split it into several files\n")


def test_just_under_the_limit_is_fine(tmp_path):
    ok = tmp_path / "ok.yaml"
    comment = "# " + "x" * 98 + "\n"
    ok.write_text((FIXTURES / "minimal.yaml").read_text() + comment * 5000)
    assert ok.stat().st_size < 512 * 1024
    assert check_deck(ok)[1] == []


def test_a_folder_deck_must_be_named_after_its_id(tmp_path, capsys):
    folder = tmp_path / "renamed"
    folder.mkdir()
    (folder / "deck.yaml").write_text((FIXTURES / "minimal.yaml").read_text())
    assert cli.main(["validate", str(folder)]) == 1
    out, _ = capsys.readouterr()
    assert out == (f"{folder}/deck.yaml:4: deck: id 'minimal' must match its folder name "
                   "'renamed'\n")


@pytest.mark.parametrize(("text", "message"), [
    ("deck:\n  id: x\n\tname: y\n", "3: YAML syntax error: a tab character; indent with "
     "spaces, never tabs"),
    ("deck: {id: x}\ndeck: {id: y}\n", "2: key 'deck' appears twice here"),
    ("deck: " + "[" * 5000 + "]" * 5000 + "\n", "1: nested more than 100 levels deep (lists "
     "or mappings inside each other): a deck needs a few; close the brackets or indent less"),
    ("deck:\n" + "".join("  " * n + f"k{n}:\n" for n in range(1, 200)) + "  " * 200 + "v\n",
     "100: nested more than 100 levels deep"),
    ("- just\n- a list\n", "1: a deck file must be a mapping of sections such as 'deck:', "
     "'interventions:'"),
    ("deck: {id: x}\ninterventons: []\n", "2: unknown section 'interventons' (did you mean "
     "'interventions'?); sections are: criteria, groups, tags, tracks, stages, "
     "interventions, events, roles, scenarios, difficulties, lessons, reflection, deck, "
     "settings"),
])
def test_file_level_mistakes(tmp_path, text, message):
    path = tmp_path / "deck.yaml"
    path.write_text(text)
    deck, problems = check_deck(path)
    assert deck is None
    assert any(str(p).startswith(f"{path}:{message}") for p in problems), problems


def test_no_such_deck():
    deck, problems = check_deck("nowhere/at/all")
    assert deck is None
    assert [str(p) for p in problems] == [
        "nowhere/at/all:1: no such deck: give a folder under cards/ or a .yaml file"]


def test_load_deck_raises_with_every_problem():
    with pytest.raises(DeckInvalid) as caught:
        load_deck(REPO / BROKEN / "unknown-key.yaml")
    assert len(caught.value.problems) == 1
    assert "unknown key 'efects'" in str(caught.value)


SHIPPED = sorted(p for p in CARDS.iterdir() if p.is_dir())


def test_there_are_shipped_decks():
    assert {p.name for p in SHIPPED} >= {"good-governance"}


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_deck_validates(folder, capsys):
    assert cli.main(["validate", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{folder}: ok: ") and out.count("\n") == 1
    assert err == ""


def test_the_fixture_decks_validate():
    for path in (FIXTURES / "tiny", FIXTURES / "minimal.yaml"):
        assert check_deck(path)[1] == []


def test_a_criterion_the_deck_writes_must_define_itself(tmp_path):
    """Players open a criterion's definition wherever its score shows: a deck that writes
    its own criteria must give each a description; the question and example are optional."""
    text = (FIXTURES / "minimal.yaml").read_text() + (
        "criteria:\n"
        "  - {id: voice, name: Voice, description: People are heard., question: Who spoke?,"
        " example: A jury.}\n"
        "  - {id: power, name: Power}\n")
    text = text.replace("ratings: {collective: 3, democratic: 4, participatory: 3, "
                        "deliberative: 4, powerful: 4}", "ratings: {voice: 3, power: 4}")
    path = tmp_path / "deck.yaml"
    path.write_text(text)
    deck, problems = check_deck(path)
    assert [p.message for p in problems] == [
        "criterion 'power': missing 'description', its definition: players read it wherever "
        "the criterion's score shows"]
    path.write_text(text.replace("{id: power, name: Power}",
                                 "{id: power, name: Power, description: It changes things.}"))
    deck = load_deck(path)
    assert (deck.criteria["voice"].question, deck.criteria["voice"].example) == ("Who spoke?",
                                                                                 "A jury.")
    assert deck.criteria["power"].question == ""


def test_the_default_criteria_come_with_definitions_and_questions():
    deck = load_deck(FIXTURES / "minimal.yaml")
    assert all(c.description and c.question for c in deck.criteria.values())
