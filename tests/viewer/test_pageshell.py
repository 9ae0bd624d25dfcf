"""viewer.pageshell: a page is its shell filled with its title and data, and the window's shell
(the page process's) filled with the parse process's data is exactly what map_page makes."""

from __future__ import annotations

import re

import pytest

from tests.support.grain import grain_doc
from viewer import mapbuilder
from viewer.pageshell import DATA_SLOT, TITLE_SLOT, PageData, PageShell, script_json

ELEMENT_NAME = re.compile(r"_[0-9a-f]{32}\b")  # folium's random element names, new on every render


def _same_page(page: str) -> str:
    return ELEMENT_NAME.sub("_ID", page)


def test_a_shell_fills_its_title_escaped_and_its_data_verbatim():
    shell = PageShell.from_rendered(f"<title>{TITLE_SLOT}</title><script>{DATA_SLOT}</script>")
    page = shell.fill(title='Kyiv & "Odesa" <b>', data_json=script_json({"t": "</script>"}))
    assert page == '<title>Kyiv &amp; &#34;Odesa&#34; &lt;b&gt;</title><script>{"t":"\\u003c/script\\u003e"}</script>'


@pytest.mark.parametrize("text", ["<title></title>", f"{TITLE_SLOT}{TITLE_SLOT}{DATA_SLOT}", f"{DATA_SLOT}{TITLE_SLOT}"])
def test_a_rendered_page_without_exactly_one_slot_each_in_order_is_no_shell(text):
    with pytest.raises(ValueError):
        PageShell.from_rendered(text)


def test_a_title_holding_a_slot_name_stays_text():
    shell = PageShell.from_rendered(f"{TITLE_SLOT}|{DATA_SLOT}")
    assert shell.fill(title=DATA_SLOT, data_json="{}") == f"{DATA_SLOT}|{{}}"


@pytest.mark.parametrize("basemap", ["offline", "osm"])
@pytest.mark.parametrize("connections", [False, True])
def test_the_window_shell_filled_with_the_page_data_is_map_page(basemap, connections):
    docs = [grain_doc()]
    shell = mapbuilder.app_shell(basemap=basemap)
    data = mapbuilder.app_page_data(docs, basemap=basemap, connections=connections)
    assert isinstance(data, PageData) and data.title == mapbuilder.default_title(docs)
    page = shell.page(data)
    one_shot = mapbuilder.map_page(docs, basemap=basemap, connections=connections)
    assert _same_page(page) == _same_page(one_shot)
    assert TITLE_SLOT not in page and DATA_SLOT not in page


def test_the_shell_of_an_empty_map_is_the_shell_of_any_app_page():
    docs = [grain_doc()]
    full = mapbuilder.page_shell(mapbuilder.build_map(docs), mode="app")
    empty = mapbuilder.app_shell()
    assert _same_page(full.head + full.middle + full.tail) == _same_page(empty.head + empty.middle + empty.tail)


def test_a_page_is_known_as_its_shell_filled_and_gives_back_what_filled_it():
    shell = PageShell.from_rendered(f"<title>{TITLE_SLOT}</title><script>{DATA_SLOT}</script><p>tail</p>")
    data = PageData(title='Kyiv & "Odesa" <b> \u2028', data_json=script_json({"t": "</script>", "n": [1, 2]}))
    assert shell.data_of(shell.page(data)) == data
    other = PageShell.from_rendered(f"<title>{TITLE_SLOT}</title><script>{DATA_SLOT}</script><p>other</p>")
    assert other.data_of(shell.page(data)) is None
    assert shell.data_of(shell.page(data).replace("&amp;", "&")) is None  # not what fill makes
    assert shell.data_of("<title>x</title>") is None


def test_the_waiting_page_is_the_shell_with_a_waiting_data_block_naming_the_world():
    shell = mapbuilder.app_shell()
    waiting = shell.waiting_page("Gazette")
    assert shell.data_of(waiting) == PageData("Gazette", script_json({"waiting": True, "world": mapbuilder.WORLD_ELEMENT_ID}))
