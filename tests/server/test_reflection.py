"""The closing reflection of solo practice, against a real server over a real Socket.IO
connection: the questions appear in the learner's view once the game has ended, answers are
checked by the server (right and wrong, each with the right answer and its reason), the first
answer is kept in the practice record, and everything else is refused with a clear code.

The right answers are worked out here from the deck's public catalogue (its criteria's
definitions and questions, its cards' ratings) and its own reflection file, not taken from the
server."""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from pathlib import Path

import requests
import yaml
from realserver import (
    DECK,
    REPO,
    SCENARIO,
    Client,
    ServerProcess,
    cheapest_move,
    open_table,
)

BROWSER = "reflect-browser-0001"


def start_solo(server) -> dict:
    r = requests.post(f"{server.url}/api/solo", json={
        "deck": DECK, "scenario": SCENARIO, "variant": "team", "browser_id": BROWSER},
        timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def game_of(learner: Client, solo: dict) -> dict:
    """The learner's view as the server has it when this connection says hello."""
    return learner.hello(solo["table"], token=solo["token"])["game"]


def politely(client: Client, event: str, data: dict) -> dict:
    """Send as an honest client does: told "too_fast" (more than 20 events in a second, which
    bots answering at once can make possible), wait out the second and send again."""
    for _ in range(5):
        answer = client.call(event, data)
        if answer.get("ok") is not False or answer["error"]["code"] != "too_fast":
            break
        time.sleep(1.0)
    assert answer.get("ok") is True, f"{client.label} {event} {data}: {answer}"
    return answer


def play_to_the_end(learner: Client) -> dict:
    """Play the learner's seat (bots play theirs as each action is taken) to the end. One
    event per view, so the connection stays under the server's events-per-second limit."""
    for _ in range(200):
        game = learner.last_view()["game"]
        if game["phase"] == "ended":
            return game
        legal = game["you"]["legal"]
        if "propose" in legal or "pass" in legal:
            action = cheapest_move(game["you"])
        elif "vote" in legal:
            action = {"type": "vote", "approve": [p["seat"] for p in game["current"]["proposals"]
                                                  if "card" in p]}
        else:
            assert "ready" in legal, game["you"]
            action = {"type": "ready"}
        politely(learner, "act", {"action": action})
        learner.wait_version(game["version"] + 1)
    raise AssertionError("the solo game did not end")


def right_choice(question: dict, deck: dict) -> int | None:
    """The right answer, from the deck's public catalogue (or, for a question of the deck's
    own, its file); None for a question about a plan, which needs the game's hands."""
    criteria = {c["id"]: c for c in deck["criteria"]}
    names = {c["name"]: c["id"] for c in deck["criteria"]}
    text, choices = question["text"], question["choices"]
    if question["kind"] == "criterion":
        name = re.match(r"Which of these defines (.+)\?$", text).group(1)
        return choices.index(criteria[names[name]]["description"])
    if question["kind"] == "asks":
        asked = next(c for c in deck["criteria"] if c["question"] in text)
        return choices.index(asked["name"])
    if question["kind"] == "deck":
        own = yaml.safe_load((REPO / "cards" / DECK / "reflection.yaml").read_text())
        asked = next(q for q in own["reflection"] if q["question"] == text)
        return choices.index(" ".join(asked["right"].split()))
    if question["kind"] == "card":
        name = re.match(r"(?:You proposed|Your table adopted) (.+?) in round \d", text).group(1)
        card = next(c for c in deck["interventions"] if c["name"] == name)
        ratings = [card["ratings"][names[c]] for c in choices]
        return ratings.index(max(ratings))
    return None


def records(server) -> list[dict]:
    r = requests.get(f"{server.url}/api/solo/records", params={"browser_id": BROWSER},
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["records"]


def test_the_learner_answers_the_reflection_and_the_record_keeps_it(server, clients):
    solo = start_solo(server)
    learner = clients(server.url, label="learner")
    game = game_of(learner, solo)
    assert "reflection" not in game, "no reflection before the game has ended"
    learner.refused("reflect", {"question": 0, "choice": 0}, "not_finished")

    game = play_to_the_end(learner)
    reflection = game["reflection"]
    questions = reflection["questions"]
    assert len(questions) == 3 and reflection["answered"] == 0
    for q in questions:  # the answers and reasons are not sent before an answer
        assert set(q) == {"index", "kind", "text", "choices", "answered"}
        assert q["answered"] is None and 3 <= len(q["choices"]) <= 4

    # Only the learner's own seat answers: a spectator who knows the table's id, and a
    # connection that never said hello, are refused.
    watcher = clients(server.url, label="watcher")
    watcher.refused("reflect", {"question": 0, "choice": 0}, "not_joined")
    watcher.ok("hello", {"table": solo["table"]})
    watcher.refused("reflect", {"question": 0, "choice": 0}, "not_seated")
    # Bad payloads and answers that are not there (from another of the learner's tabs).
    tab = clients(server.url, label="learner's other tab")
    game_of(tab, solo)
    for payload in ({"question": "0", "choice": 0}, {"question": 0}, {"question": True,
                                                                      "choice": 0},
                    {"question": 0, "choice": 0, "seat": 1}, [0, 0]):
        tab.refused("reflect", payload, "bad_payload")
    tab.refused("reflect", {"question": 3, "choice": 0}, "bad_answer")
    tab.refused("reflect", {"question": -1, "choice": 0}, "bad_answer")
    tab.refused("reflect", {"question": 0, "choice": len(questions[0]["choices"])},
                "bad_answer")
    # The practice record says the game has a reflection, not yet answered.
    mine = next(r for r in records(server) if r["table_id"] == solo["table"])
    assert mine["reflection"] == {"right": 0, "answered": 0, "of": 3}

    deck = requests.get(f"{server.url}/api/decks/{DECK}", timeout=10).json()
    known = [(q, right_choice(q, deck)) for q in questions]
    known = [(q, i) for q, i in known if i is not None]
    assert len(known) >= 2, [q["kind"] for q in questions]
    (first, first_right), (second, second_right) = known[:2]
    # One right answer, one wrong, from the page as it is after the game (a new connection:
    # the one that played has used its events for this second).
    learner = clients(server.url, label="learner after the game")
    game_of(learner, solo)
    said = learner.ok("reflect", {"question": first["index"], "choice": first_right})
    assert said["verdict"]["right"] is True
    assert said["verdict"]["answer"] == first_right
    assert said["verdict"]["answer_text"] == first["choices"][first_right]
    assert said["verdict"]["reason"]
    wrong = (second_right + 1) % len(second["choices"])
    said = learner.ok("reflect", {"question": second["index"], "choice": wrong})
    verdict = said["verdict"]
    assert verdict["right"] is False and verdict["choice"] == wrong
    assert verdict["answer"] == second_right
    assert verdict["answer_text"] == second["choices"][second_right] and verdict["reason"]
    assert (said["reflection"]["answered"], said["reflection"]["right"]) == (2, 1)
    # The first answer is the one kept. A stale tab that answers again is refused, and told
    # the reflection as it is kept, so its page can show the verdict in place of the buttons.
    refusal = tab.refused("reflect", {"question": second["index"], "choice": second_right},
                          "already_answered")["error"]
    kept = refusal["reflection"]["questions"][second["index"]]["answered"]
    assert kept["choice"] == wrong and kept["right"] is False
    assert (refusal["reflection"]["answered"], refusal["reflection"]["right"]) == (2, 1)

    # A new connection (the page reloaded) sees the answers with their verdicts.
    again = clients(server.url, label="reloaded")
    shown = game_of(again, solo)["reflection"]
    assert (shown["answered"], shown["right"], shown["of"]) == (2, 1, 3)
    assert shown["questions"][second["index"]]["answered"]["choice"] == wrong
    assert shown["questions"][first["index"]]["answered"]["right"] is True

    # The practice record keeps the score.
    mine = next(r for r in records(server) if r["table_id"] == solo["table"])
    assert mine["reflection"] == {"right": 1, "answered": 2, "of": 3}

    # The deck changes after the answers are kept (simulated in the store, as a rebuilt deck
    # would ask): the first question is no longer asked in those words, and the second now
    # has another right answer than the one that was judged. Each kept answer still reads
    # as it was given, the question asked in other words is asked anew, and the score on
    # the play page and in the practice record is the kept one.
    con = sqlite3.connect(server.db_path, timeout=10)
    with con:
        con.execute("UPDATE solo_reflections SET text = ? WHERE table_id = ? AND question = ?",
                    ("A question the deck used to ask?", solo["table"], first["index"]))
        con.execute("UPDATE solo_reflections SET right = 1 WHERE table_id = ? AND question = ?",
                    (solo["table"], second["index"]))
    con.close()
    again = clients(server.url, label="after the deck changed")
    shown = game_of(again, solo)["reflection"]
    assert (shown["answered"], shown["right"], shown["of"]) == (2, 2, 4)
    asked = {q["text"]: q for q in shown["questions"]}
    assert asked[first["text"]]["answered"] is None, "asked anew in its new words"
    old = asked["A question the deck used to ask?"]
    assert old["choices"] == [first["choices"][first_right]]
    assert old["answered"]["right"] is True
    judged = [q for q in shown["questions"] if q["text"] == second["text"]]
    assert [q["choices"] for q in judged] == [[second["choices"][wrong]]], \
        "kept as answered, never judged against the deck's new answer"
    assert judged[0]["answered"]["right"] is True
    mine = next(r for r in records(server) if r["table_id"] == solo["table"])
    assert (mine["reflection"]["right"], mine["reflection"]["answered"]) == (2, 2)
    # The question asked anew can be answered, and is kept beside the old answers.
    said = again.ok("reflect", {"question": asked[first["text"]]["index"],
                                "choice": first_right})
    assert said["verdict"]["right"] is True
    assert (said["reflection"]["answered"], said["reflection"]["right"]) == (3, 3)


def test_at_a_table_nobody_may_answer_a_reflection(server, clients):
    """The closing reflection is solo practice's: at a table (even once it has ended), a
    player, the facilitator and the table screen are refused, and nothing is kept."""
    table = open_table(server, clients, seats=3)
    table.facilitator.ok("facilitate", {"command": "end"})
    before = server.action_log(table.id)
    for who in (*table.players, table.facilitator, table.screen):
        who.refused("reflect", {"question": 0, "choice": 0}, "not_solo")
    assert server.action_log(table.id) == before


def flat_deck(cards: Path) -> None:
    """The tiny test deck with every card rated 0 and no rule that moves a criterion: every
    plan adds the same points (none) and there are two criteria, so no question can be drawn
    from a game with it."""
    shutil.copytree(REPO / "tests" / "fixtures" / "decks" / "tiny", cards / "flat")
    deck = cards / "flat" / "deck.yaml"
    deck.write_text(deck.read_text().replace("id: tiny\n", "id: flat\n"))
    path = cards / "flat" / "interventions.yaml"
    cards_yaml = yaml.safe_load(path.read_text())
    for card in cards_yaml["interventions"]:
        card["ratings"] = {c: 0 for c in card["ratings"]}
        card.pop("tracks", None)
    path.write_text(yaml.safe_dump(cards_yaml, sort_keys=False))
    path = cards / "flat" / "events.yaml"
    events = yaml.safe_load(path.read_text())
    for event in events["events"]:
        for rule in event.get("rules", []):
            rule["then"]["add"].pop("voice", None)
    path.write_text(yaml.safe_dump(events, sort_keys=False))


def test_a_game_without_a_reflection_says_so_in_the_practice_record(tmp_path, clients):
    """A deck too small to draw questions from: the ended game's view has no reflection, and
    the practice record says it has none (so /practice offers none to answer)."""
    flat_deck(tmp_path / "cards")
    server = ServerProcess(tmp_path, env={"CARDS_DIR": str(tmp_path / "cards")})
    server.start()
    try:
        r = requests.post(f"{server.url}/api/solo", json={
            "deck": "flat", "scenario": "pilot", "variant": "team", "browser_id": BROWSER},
            timeout=10)
        assert r.status_code == 201, r.text
        solo = r.json()
        learner = clients(server.url, label="learner")
        game_of(learner, solo)
        game = play_to_the_end(learner)
        assert "reflection" not in game
        mine = next(r for r in records(server) if r["table_id"] == solo["table"])
        assert mine["reflection"] == {"right": 0, "answered": 0, "of": 0}
        assert not server.errors(), server.log_tail(80)
    finally:
        server.stop()
