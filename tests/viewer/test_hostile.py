"""Hostile article text in the Qt window: nothing runs, everything reads as text (pytest-qt).

The corpus (tests/data/hostile/) is opened in the real window, with the real page, bridge
and QtWebEngine.  Every place is selected in the list and clicked on the map; the page's
sentinels must stay unset, no JavaScript dialog may be called, no element may be injected into
the page or the excerpt panel, and the window title, popups and panel show the payloads
literally.
"""

from __future__ import annotations

import json

import pytest

from tests.support.hostile import HOSTILE_DIR, LITERALS, SENTINEL_JS, hostile_files
from tests.support.window import inject_before_page_scripts, open_and_wait
from viewer.placeslist import COL_NAME, PLACE_ID_ROLE
from viewer.window import MainWindow

INJECTED_JS = """(() => {
  const found = [];
  for (const node of document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick],iframe,textarea,img[src="x"],a[href^="javascript:"]')) {
    found.push(node.outerHTML.slice(0, 120));
  }
  for (const s of document.querySelectorAll('style')) {
    if (s.textContent.includes('display:none}')) found.push('style: ' + s.textContent.slice(0, 120));
  }
  return JSON.stringify(found);
})()"""


def run_js(qtbot, window: MainWindow, script: str):
    box: dict[str, object] = {}
    window.map_view.web_page.runJavaScript(script, 0, lambda value: box.setdefault("value", value))
    qtbot.waitUntil(lambda: "value" in box, timeout=5000)
    value = box["value"]
    assert not isinstance(value, bool), "return strings from page scripts (see click_on_map)"
    return value


# Injected by QtWebEngine before any page script: a payload's alert/confirm/prompt is recorded
# instead of opening a modal dialog (which would block the test).  A Python QTimer watching for
# dialogs is not an option: PySide6 6.12 over-releases None/True in such callbacks and the
# interpreter aborts at exit.
DIALOG_TRAP_JS = """(() => {
  const seen = [];
  Object.defineProperty(window, '__gazette_dialogs', { value: seen });
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = function (...args) { seen.push(name + ': ' + args.map(String).join(' ')); return null; };
  }
})();"""


def trap_dialogs(window: MainWindow) -> None:
    inject_before_page_scripts(window.map_view.web_page, "gazette-test-dialog-trap", DIALOG_TRAP_JS, subframes=True)


def dialogs_seen(qtbot, window: MainWindow) -> list[str]:
    return json.loads(run_js(qtbot, window, "JSON.stringify(window.__gazette_dialogs || ['trap missing'])"))


@pytest.fixture
def window(qtbot, parse):
    win = MainWindow(parse=parse)
    trap_dialogs(win)
    win.resize(1200, 800)
    win.show()
    yield win
    win.close()
    win.dispose()


def click_on_map(qtbot, window: MainWindow, place_id: str) -> bool:
    """Dispatch a real DOM click on the place's marker or country shape; True if one was there."""
    selector = json.dumps(f'.leaflet-marker-icon[data-place-id="{place_id}"], path[data-place-id="{place_id}"]')
    script = (
        f"(() => {{ const el = document.querySelector({selector}); if (!el) return 'absent';"
        " for (const type of ['mouseover', 'mousedown', 'mouseup', 'click'])"
        "   el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window}));"
        " return 'clicked'; })()"
    )
    # A string, not a JS boolean: PySide6's runJavaScript callback over-releases Python's True/False,
    # and after enough of them the interpreter aborts at exit ("bool_dealloc").
    return run_js(qtbot, window, script) == "clicked"


def popup_text(qtbot, window: MainWindow, place_id: str) -> str | None:
    script = (
        f"(() => {{ const n = document.querySelector('.leaflet-popup-content [data-place-id=' + {json.dumps(json.dumps(place_id))} + ']');"
        " return JSON.stringify(n ? n.textContent : null); })()"
    )
    # JSON, because a JS null may come back from runJavaScript as an empty string.
    return json.loads(run_js(qtbot, window, script))


def wait_popup(qtbot, window: MainWindow, place_id: str, *, after: str) -> str:
    """The text of the place's open popup, once it is open."""
    seen: list[str | None] = [None]

    def is_open() -> bool:
        seen[0] = popup_text(qtbot, window, place_id)
        return seen[0] is not None

    try:
        qtbot.waitUntil(is_open, timeout=8000)
    except qtbot.TimeoutError:
        state = run_js(qtbot, window, "JSON.stringify([window.gazette && window.gazette.ready,"
                       " [...document.querySelectorAll('.leaflet-popup [data-place-id]')].map(n => n.dataset.placeId),"
                       " document.visibilityState, (() => { const k = Object.keys(window).find(k => { try { return window[k] instanceof L.Map; } catch (e) { return false; } });"
                       " const m = k && window[k]; return m ? [m.getZoom(), m.getCenter()] : k; })()])")
        pytest.fail(f"no popup for {window.session.groups[place_id].place.name} ({place_id}) after {after};"
                    f" page: {state}")
    return seen[0] or ""


def assert_nothing_ran(qtbot, window: MainWindow) -> None:
    assert run_js(qtbot, window, f"JSON.stringify({SENTINEL_JS})") == "[]"
    assert json.loads(run_js(qtbot, window, INJECTED_JS)) == []
    assert dialogs_seen(qtbot, window) == []


@pytest.mark.parametrize("name", sorted(LITERALS))
def test_hostile_article_in_the_window(qtbot, window, name):
    path = HOSTILE_DIR / name
    open_and_wait(qtbot, window, path)
    doc = window.docs[0]
    title = doc.article.title

    # The window title shows the article title literally (whitespace collapsed).
    assert " ".join(title.split()) in window.windowTitle()
    assert run_js(qtbot, window, "document.title") == title

    # The places list holds every place (names come from the gazetteer, never from the text).
    ids = [window.places.proxy.index(r, COL_NAME).data(PLACE_ID_ROLE) for r in range(window.places.proxy.rowCount())]
    assert sorted(ids) == sorted({m.place.id for m in doc.mentions})

    panel_texts: list[str] = []
    popups: list[str] = []
    for pid in ids:
        assert window.places.select_place(pid)
        panel_texts.append(window.excerpts.text())
        markup = window.excerpts.toHtml()
        # Unescaped payloads would have become elements of the panel's document.
        assert "<img" not in markup and 'href="javascript' not in markup and "<script" not in markup
        # The list's focusPlace opens the popup and un-clusters the marker; then click it for real.
        wait_popup(qtbot, window, pid, after="selecting it in the list")
        with qtbot.waitSignal(window.map_view.placeClicked, timeout=5000) as clicked:
            # Until an animation settles the icon may be out of the DOM; it is clicked once, when there.
            qtbot.waitUntil(lambda pid=pid: click_on_map(qtbot, window, pid), timeout=8000)
        assert clicked.args == [pid]
        popups.append(wait_popup(qtbot, window, pid, after="clicking it on the map"))

    assert_nothing_ran(qtbot, window)
    panel = "\n".join(panel_texts)
    shown = "\n".join(popups)
    for literal in LITERALS[name]:
        if literal in title:
            continue
        assert literal in panel, f"{literal!r} not shown literally in the excerpt panel"
        assert literal in shown, f"{literal!r} not shown literally in a popup"
    assert title in run_js(qtbot, window, "document.querySelector('.gz-info .gz-title').textContent")


def test_all_hostile_articles_at_once(qtbot, window):
    paths = hostile_files()
    open_and_wait(qtbot, window, *paths)
    titles = [d.article.title for d in window.docs]
    assert " ".join(titles[0].split()) in window.windowTitle()
    assert f"and {len(paths) - 1} more" in window.windowTitle()
    # Click what the overview shows (markers outside clusters, country shapes); selecting from the
    # list is covered per article above.
    visible = json.loads(run_js(qtbot, window, "JSON.stringify([...new Set([...document.querySelectorAll("
                                "'.leaflet-marker-icon[data-place-id], path[data-place-id]')].map(n => n.dataset.placeId))])"))
    assert len(visible) >= 5
    for pid in visible:
        with qtbot.waitSignal(window.map_view.placeClicked, timeout=5000) as clicked:
            assert click_on_map(qtbot, window, pid)
        assert clicked.args == [pid]
        text = wait_popup(qtbot, window, pid, after="clicking it on the map")
        group = window.session.groups[pid]
        # With several articles the popup names each article, by its (hostile) title.
        for mention in group.mentions:
            assert next(d.article.title for d in window.docs if d.article.id == mention.article_id) in text
        assert window.places.selected_place_ids() == [pid]
    assert_nothing_ran(qtbot, window)


def test_all_hostile_articles_focus_every_place_from_the_list(qtbot, window):
    # Five articles, places clustered across the world: every focus ends with its popup open.
    open_and_wait(qtbot, window, *hostile_files())
    ids = [window.places.proxy.index(r, COL_NAME).data(PLACE_ID_ROLE) for r in range(window.places.proxy.rowCount())]
    assert len(ids) >= 10
    for pid in ids:
        assert window.places.select_place(pid)
        text = wait_popup(qtbot, window, pid, after="selecting it in the list")
        assert window.session.groups[pid].place.name in text
    assert_nothing_ran(qtbot, window)


def test_the_checks_catch_a_payload_that_does_run(qtbot, window):
    """Control: the window-side checks fire when a payload is made to run in the page."""
    open_and_wait(qtbot, window, HOSTILE_DIR / "script-tags.txt")
    payload = json.dumps(LITERALS["script-tags.txt"][2])  # <img src=x onerror="window.__gazette_pwned=3;alert(3)">
    run_js(qtbot, window, f"(() => {{ document.body.insertAdjacentHTML('beforeend', {payload}); return 'ok'; }})()")
    qtbot.waitUntil(lambda: dialogs_seen(qtbot, window) == ["alert: 3"], timeout=5000)
    assert json.loads(run_js(qtbot, window, f"JSON.stringify({SENTINEL_JS})")) == ["__gazette_pwned=3"]
    assert json.loads(run_js(qtbot, window, INJECTED_JS))
