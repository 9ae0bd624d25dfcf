"""viewer.elements: JSON safe inside a script, one class per name, one data block per page."""

from __future__ import annotations

import json

from viewer import elements
from viewer.mapbuilder import map_page


def test_script_json_escapes_everything_that_could_end_a_script() -> None:
    out = elements.script_json({"a": "</script><!--&\u2028\u2029"})
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == {"a": "</script><!--&\u2028\u2029"}


def test_page_data_is_inert_json_and_drawn_by_one_call():
    page = map_page([])
    assert page.count('<script type="application/json" id="gz-data">') == 1
    assert page.count('<script type="application/json" id="gz-world">') == 1
    assert page.count("gazette.build(") == 1 and "gazette.addPlaces" not in page


def test_no_two_classes_share_a_name():
    from viewer import webengine

    assert not hasattr(webengine, "GazettePage") and not hasattr(elements, "GazettePage")
    assert elements.HtmlDocument.__name__ != webengine.WebPage.__name__
