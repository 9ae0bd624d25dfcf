"""viewer.bridge without a page: validation, the allow-list, and the queue before "ready"."""

from __future__ import annotations

import json

import pytest

from viewer.bridge import Bridge


def test_calls_before_ready_are_queued():
    ran = []
    bridge = Bridge(ran.append)
    bridge.set_known_ids(["a"])
    bridge.call("focusPlace", "a")
    assert ran == []
    bridge.receive(json.dumps({"type": "ready"}))
    assert ran == ['gazette.focusPlace("a")']
    bridge.reset()
    bridge.call("focusPlace", "a")
    assert len(ran) == 1


def test_a_waiting_shell_asks_for_its_data_before_ready():
    ran, asked = [], []
    bridge = Bridge(ran.append)
    bridge.waiting.connect(lambda: asked.append(True))
    bridge.call("focusPlace", "a")
    bridge.receive(json.dumps({"type": "waiting"}))
    assert asked == [True] and not bridge.is_ready and ran == []  # calls still wait for "ready"


def test_only_allowed_functions_with_json_arguments():
    ran = []
    bridge = Bridge(ran.append)
    bridge.receive(json.dumps({"type": "ready"}))
    assert bridge.call("focusPlace", "x\");alert(1)//") == 'gazette.focusPlace("x\\");alert(1)//")'
    with pytest.raises(ValueError):
        bridge.call("eval", "1")


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        json.dumps([1]),
        json.dumps({"type": "eval"}),
        json.dumps({"type": "place-clicked", "id": "unknown"}),
        json.dumps({"type": "place-clicked", "id": 5}),
        json.dumps({"type": "basemap-fallback", "basemap": 1, "reason": "x"}),
        "x" * 5000,
    ],
)
def test_malformed_messages_are_rejected(qtbot, payload):
    bridge = Bridge(lambda script: None)
    bridge.set_known_ids(["known"])
    clicked = []
    bridge.placeClicked.connect(clicked.append)
    with qtbot.waitSignal(bridge.rejected, timeout=1000):
        bridge.receive(payload)
    assert clicked == []


def test_a_known_click_and_a_fallback_become_signals(qtbot):
    bridge = Bridge(lambda script: None)
    bridge.set_known_ids(["known"])
    with qtbot.waitSignal(bridge.placeClicked, timeout=1000) as clicked:
        bridge.receive(json.dumps({"type": "place-clicked", "id": "known"}))
    assert clicked.args == ["known"]
    with qtbot.waitSignal(bridge.basemapFallback, timeout=1000) as fell:
        bridge.receive(json.dumps({"type": "basemap-fallback", "basemap": "osm", "reason": "r" * 900}))
    assert fell.args[0] == "osm" and len(fell.args[1]) == 500


def test_moves_menus_and_views_are_validated(qtbot):
    from viewer.bridge import Bridge

    bridge = Bridge(lambda script: None)
    bridge.set_known_ids(["geonames:1"])
    with qtbot.waitSignal(bridge.placeMoved, timeout=1000) as moved:
        bridge.receive('{"type": "place-moved", "id": "geonames:1", "lat": 51.5, "lon": 370}')
    assert moved.args == ["geonames:1", 51.5, 10.0]
    with qtbot.waitSignal(bridge.placeMenuRequested, timeout=1000) as menu:
        bridge.receive('{"type": "place-menu", "id": "geonames:1"}')
    assert menu.args == ["geonames:1"]
    with qtbot.waitSignal(bridge.viewChanged, timeout=1000) as view:
        bridge.receive('{"type": "view", "lat": 45, "lon": 133, "zoom": 5, "stop": 2}')
    assert view.args == [45.0, 133.0, 5.0, 2]
    rejected = []
    bridge.rejected.connect(rejected.append)
    for bad in ('{"type": "place-moved", "id": "geonames:2", "lat": 1, "lon": 1}',
                '{"type": "place-moved", "id": "geonames:1", "lat": 91, "lon": 1}',
                '{"type": "place-moved", "id": "geonames:1", "lat": "1", "lon": 1}',
                '{"type": "view", "lat": 1, "lon": 1, "zoom": NaN, "stop": 0}',
                '{"type": "place-menu", "id": "geonames:9"}'):  # fmt: skip
        bridge.receive(bad)
    assert len(rejected) == 5
