"""An action's acknowledgement can carry the actor's own new view (`act` with "view": true,
as the game page sends it): one message less per action. The actor's connection then gets
no separate view of that action; the seat holder's other tabs and everyone else still do,
and a client that does not ask gets the view as a message, as before."""

from __future__ import annotations

import json

from realserver import open_table, paths, propose_first


def first_card(client) -> dict:
    card = client.last_view()["game"]["you"]["hand"][0]
    return {"type": "propose", "card": card["card"], "group": next(iter(card["costs"]))}


def test_the_acknowledgement_carries_the_actors_view_and_only_theirs(server, clients):
    table = open_table(server, clients, seats=5)
    actor, other = table.players[0], table.players[1]
    tab = clients(server.url, label="seat0, second tab")
    tab.hello(table.id, token=actor.token)
    before = table.version()

    action = first_card(actor)
    answer = actor.ok("act", {"action": action, "view": True})
    mine = answer["view"]["game"]
    assert mine["version"] == before + 1
    assert mine["you"]["seat"] == 0 and mine["you"]["hand"]  # the actor's own part
    assert mine["you"]["proposal"]["card"] == action["card"]
    # Nothing of another seat's hand or secret objective anywhere in the answer.
    assert set(paths(answer, "hand")) <= {"view.game.you.hand"}, paths(answer, "hand")
    others = {json.dumps(p.last_view()["game"]["you"]["objective"]) for p in table.players[1:]}
    assert not any(o in json.dumps(answer) for o in others)

    # Everyone else hears of it as before, the holder's other tab included ...
    for c in (other, tab, table.screen, table.facilitator):
        assert c is not None
        c.wait_version(before + 1)
    assert tab.last_view()["game"]["you"]["seat"] == 0
    # ... and the acting connection gets no second copy: the next view it is sent is the
    # next action's.
    propose_first(other)
    actor.wait_version(before + 2)
    assert [v["game"]["version"] for v in actor.views
            if "game" in v and v["game"]["version"] > before] == [before + 2]


def test_without_asking_the_view_comes_as_a_message(server, clients):
    table = open_table(server, clients, seats=5)
    actor = table.players[0]
    before = table.version()
    answer = actor.ok("act", {"action": first_card(actor)})
    assert "view" not in answer
    assert actor.wait_version(before + 1)["game"]["you"]["seat"] == 0


def test_view_must_be_true_or_false(server, clients):
    table = open_table(server, clients, seats=5)
    answer = table.players[0].call("act", {"action": first_card(table.players[0]),
                                           "view": "yes"})
    assert answer["error"]["code"] == "bad_payload"
    assert "'view' must be bool" in answer["error"]["message"]
