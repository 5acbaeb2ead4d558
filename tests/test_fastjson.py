"""The JSON codec for Socket.IO packets: what python-socketio hands it must encode as the
standard library would."""

import json

import pytest

from game.server import fastjson


def test_encodes_compactly_as_the_standard_library_does() -> None:
    data = {"b": [1, 2.5, None, True], "a": {"c": "é <b>"}}
    assert json.loads(fastjson.dumps(data, separators=(",", ":"))) == data
    assert fastjson.dumps(data) == json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def test_keys_that_are_not_strings_are_written_as_strings() -> None:
    assert fastjson.dumps({1: "a", "2": [{3: None}]}) == '{"1":"a","2":[{"3":null}]}'


def test_what_json_cannot_hold_is_refused() -> None:
    with pytest.raises(TypeError):
        fastjson.dumps({"x": object()})


def test_decodes_text_and_bytes() -> None:
    assert fastjson.loads('["view",{"a":1}]') == ["view", {"a": 1}]
    assert fastjson.loads(b'{"a":[]}') == {"a": []}


def test_parts_encoded_once_encode_inside_a_message_as_they_were() -> None:
    game = {"phase": "vote", "seats": [{"seat": 0, "name": "Ada <i>"}], "total": 2.5}
    message = {"table": {"id": "t1"}, "game": {**fastjson.encoded(game), "you": {"seat": 0}}}
    plain = {"table": {"id": "t1"}, "game": {**game, "you": {"seat": 0}}}
    assert fastjson.dumps(["view", message]) == fastjson.dumps(["view", plain])
    assert fastjson.loads(fastjson.dumps(message)) == plain
