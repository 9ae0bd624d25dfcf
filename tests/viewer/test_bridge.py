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
