"""Solo practice through the table service: a real store, the shipped deck, bot teammates."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.decks.library import DeckLibrary
from game.engine.bots import choose
from game.engine.results import score
from game.server import solo
from game.server.config import ROOT
from game.server.limits import BadRequest
from game.server.tables import Tables
from game.store.database import Store

BROWSER = "browser-test-0001"


@pytest.fixture(scope="module")
def library() -> DeckLibrary:
    return DeckLibrary(ROOT / "cards")


@pytest.fixture
def tables(tmp_path: Path, library: DeckLibrary) -> Tables:
    return Tables(Store(f"sqlite:///{tmp_path / 'solo.db'}"), library)


def learner_plays(tables: Tables, live, token: str, kind: str = "greedy") -> None:
    ident = tables.identify(live.record.id, token=token)
    for _ in range(500):
        if live.state.phase == "ended":
            return
        choice = choose(live.state, solo.LEARNER, kind)
        assert choice is not None, "the bots left the learner nothing to do mid-game"
        tables.act(ident, choice.action)
    raise AssertionError("the game did not end")


def test_solo_game_ends_with_a_debrief_equal_to_the_engine(tables: Tables) -> None:
    live, token = solo.start(tables, "good-governance", "council-chatbot", None, "team", BROWSER)
    assert live.record.status == "playing"
    assert [s.kind for s in live.seats] == ["human", "bot", "bot", "bot"]
    learner_plays(tables, live, token)
    from game.engine.debrief import debrief

    fresh = tables.reload(live.record.id)  # folded again from the log alone
    sheet = debrief(fresh.state)
    engine_sheet = score(live.state)
    assert sheet["total"] == engine_sheet["total"]
    assert {c: v["score"] for c, v in sheet["criteria"].items()} == live.state.scores
    assert {t: v["value"] for t, v in sheet["tracks"].items()} == live.state.tracks
    assert fresh.record.status == "ended"
    record = tables.store.solo_records(BROWSER)
    assert len(record) == 1 and record[0]["total"] == round(live.state.total(), 2)


def test_coach_explains_every_round(tables: Tables) -> None:
    live, token = solo.start(tables, "good-governance", "council-chatbot", None, "team", BROWSER)
    learner_plays(tables, live, token)
    rounds = solo.coach(live.state)
    assert len(rounds) == len(live.state.scenario.stages)
    for said, rnd in zip(rounds, live.state.rounds, strict=True):
        assert said["lines"], "the coach must say what the learner's choice did"
        assert len(said["adopted"]) == len(rnd.adopted)
        for item in said["adopted"]:
            assert item["reasons"], "each adopted intervention's moves need reasons"
        alt = said["alternative"]
        assert alt is not None


def test_undo_takes_back_the_learners_last_choice(tables: Tables) -> None:
    live, token = solo.start(tables, "good-governance", "council-chatbot", None, "team", BROWSER)
    ident = tables.identify(live.record.id, token=token)
    card = live.state.hands[0][0]
    group = next(iter(live.state.deck.interventions[card].reach))
    before = (live.state.phase, dict(live.state.round.proposals))
    tables.act(ident, {"type": "propose", "card": card, "group": group})
    assert live.state.phase == "discussion"  # the bots had proposed already
    tables.undo(ident)
    live = tables.get(live.record.id)
    assert (live.state.phase, dict(live.state.round.proposals)) == before
    with pytest.raises(BadRequest) as err:
        tables.undo(ident)
    assert err.value.code == "nothing_to_undo"


def test_undo_appends_to_the_log_and_keeps_what_it_takes_back(tables: Tables) -> None:
    live, token = solo.start(tables, "good-governance", "council-chatbot", None, "team", BROWSER)
    ident = tables.identify(live.record.id, token=token)
    card = live.state.hands[0][0]
    group = next(iter(live.state.deck.interventions[card].reach))
    tables.act(ident, {"type": "propose", "card": card, "group": group})
    before = tables.store.actions(live.record.id)
    mine = [r for r in before if r.seat == 0 and r.action["type"] == "propose"][-1]
    tables.undo(ident)
    after = tables.store.actions(live.record.id)
    assert after[:len(before)] == before  # nothing deleted or changed
    assert after[len(before)].action == {"type": "undo", "from_seq": mine.seq}
    assert after[len(before)].seat == 0
    # A process starting now folds the same game as the one that took the undo.
    again = Tables(tables.store, tables.library).get(live.record.id)
    assert again.state.version == tables.get(live.record.id).state.version
    assert again.state.round.proposals == tables.get(live.record.id).state.round.proposals
    assert again.seq == after[-1].seq


def test_another_process_sees_an_undo_even_after_new_choices(tmp_path: Path,
                                                             library: DeckLibrary) -> None:
    # Two server processes on one database (as behind a message queue): the learner undoes
    # through one and chooses again; the other, which had the game cached, must not fold
    # the new choices onto its copy of the undone one.
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    one = Tables(Store(url), library, shared=True)
    two = Tables(Store(url), library, shared=True)
    live, token = solo.start(one, "good-governance", "council-chatbot", None, "team", BROWSER)
    ident = one.identify(live.record.id, token=token)
    hand = live.state.hands[0]
    first, second = hand[0], hand[1]
    group = next(iter(library.decks["good-governance"].interventions[first].reach))
    one.act(ident, {"type": "propose", "card": first, "group": group})
    assert two.current(live.record.id).state.round.proposals[0].card == first
    one.undo(ident)
    group = next(iter(library.decks["good-governance"].interventions[second].reach))
    one.act(ident, {"type": "propose", "card": second, "group": group})
    one.act(ident, {"type": "ready"})
    theirs = two.current(live.record.id)
    assert theirs.state.round.proposals[0].card == second
    assert theirs.seq == one.get(live.record.id).seq
    assert theirs.state.version == one.get(live.record.id).state.version


def test_undo_is_only_for_solo(tables: Tables) -> None:
    live, _key = tables.create("good-governance", "council-chatbot", 4, {"bots": "greedy"})
    _, _seat, token = tables.join(live.record.code, "Ann")
    with pytest.raises(BadRequest) as err:
        tables.undo(tables.identify(live.record.id, token=token))
    assert err.value.code == "not_solo"


def test_captain_variant_lets_the_learner_decide_alone(tables: Tables) -> None:
    live, token = solo.start(tables, "good-governance", "council-chatbot", None, "captain",
                             BROWSER)
    ident = tables.identify(live.record.id, token=token)
    card = live.state.hands[0][0]
    group = next(iter(live.state.deck.interventions[card].reach))
    tables.act(ident, {"type": "propose", "card": card, "group": group})
    tables.act(ident, {"type": "ready"})
    assert live.state.phase == "vote" and live.state.round.chair == 0
    tables.act(ident, {"type": "decide", "adopt": [0]})
    assert [a.seat for a in live.state.round.adopted] == [0]


def test_difficulty_changes_the_budget(tables: Tables, library: DeckLibrary) -> None:
    deck = library.decks["good-governance"]
    levels = list(deck.difficulties.values())
    budgets = {}
    for level in levels:
        live, _ = solo.start(tables, deck.id, "council-chatbot", level.id, "team", BROWSER)
        budgets[level.id] = live.state.tracks["budget"]
    assert len(set(budgets.values())) > 1, budgets


def test_records_keep_the_best_score_per_scenario(tables: Tables) -> None:
    for _ in range(2):
        live, token = solo.start(tables, "good-governance", "council-chatbot", None, "team",
                                 BROWSER)
        learner_plays(tables, live, token, "random")
    out = solo.records(tables, BROWSER)
    assert len(out["records"]) == 2
    best = out["best"]["good-governance/council-chatbot"]["total"]
    assert best == max(r["total"] for r in out["records"])
    assert solo.records(tables, "someone-else-123")["records"] == []


@pytest.mark.parametrize("args,code", [
    (("nope", "council-chatbot", None, "team", BROWSER), "unknown_deck"),
    (("good-governance", "nope", None, "team", BROWSER), "unknown_scenario"),
    (("good-governance", "council-chatbot", "nope", "team", BROWSER), "unknown_difficulty"),
    (("good-governance", "council-chatbot", None, "solo", BROWSER), "bad_variant"),
    (("good-governance", "council-chatbot", None, "team", "x"), "bad_browser_id"),
])
def test_bad_solo_requests_are_refused_clearly(tables: Tables, args, code) -> None:
    with pytest.raises(BadRequest) as err:
        solo.start(tables, *args)
    assert err.value.code == code and err.value.message


def test_a_table_whose_deck_changed_says_so_and_keeps_its_log(tmp_path: Path,
                                                              library: DeckLibrary) -> None:
    import shutil

    cards = tmp_path / "cards"
    shutil.copytree(ROOT / "cards" / "good-governance", cards / "good-governance")
    store = Store(f"sqlite:///{tmp_path / 'changed.db'}")
    tables = Tables(store, DeckLibrary(cards))
    live, token = solo.start(tables, "good-governance", "council-chatbot", None, "team", BROWSER)
    ident = tables.identify(live.record.id, token=token)
    # A card whose renaming leaves the deck valid (a card a rule or scenario names would make
    # the whole deck invalid, which is another message); the deal is random.
    path = cards / "good-governance" / "interventions.yaml"
    original = path.read_text()
    for card in live.state.hands[0]:
        path.write_text(original.replace(f"id: {card}\n", f"id: {card}-renamed\n"))
        if "good-governance" in DeckLibrary(cards).decks:
            break
    path.write_text(original)
    tables.act(ident, {"type": "propose", "card": card,
                       "group": next(iter(live.state.deck.interventions[card].reach))})
    kept = store.actions(live.record.id)
    # A facilitator renames that card in the deck; a restarted server folds the log again.
    path.write_text(original.replace(f"id: {card}\n", f"id: {card}-renamed\n"))
    restarted = Tables(store, DeckLibrary(cards))
    with pytest.raises(BadRequest) as err:
        restarted.get(live.record.id)
    assert err.value.code == "deck_changed" and "Nothing is lost" in err.value.message
    assert store.actions(live.record.id) == kept
