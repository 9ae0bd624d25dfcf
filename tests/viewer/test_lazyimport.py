"""viewer.lazyimport: folium imported without numpy, requests, xyzservices, branca's colormaps,
urllib.request and its templates'
compilation renders every window shell byte for byte as the ordinary import does, and what it
deferred still works when something needs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ELEMENT_NAME = re.compile(r"_[0-9a-f]{32}\b")  # folium's random element names


def _python(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    return out.stdout


_SHELLS = (
    "import json, sys\n"
    "from viewer.basemaps import BASEMAPS, OFFLINE\n"
    "from viewer.mapbuilder import app_shell\n"
    "def real(name): return name in sys.modules and type(sys.modules[name]).__name__ != '_Deferred'\n"
    "offline = app_shell(basemap=OFFLINE)\n"
    "loaded = sorted(m for m in ('numpy', 'requests', 'xyzservices', 'urllib3', 'branca.colormap', 'urllib.request') if real(m))\n"
    "shells = {b: [s.head, s.middle, s.tail] for b in BASEMAPS for s in [offline if b == OFFLINE else app_shell(basemap=b)]}\n"
    "print(json.dumps({'loaded': loaded, 'shells': shells}))\n"
)


def test_the_cheap_import_renders_every_shell_as_the_ordinary_import_and_loads_none_of_the_three_for_the_offline_one():
    cheap = json.loads(_python("from viewer.lazyimport import cheap_folium_import; cheap_folium_import()\n" + _SHELLS))
    plain = json.loads(_python("import folium, viewer.elements\n" + _SHELLS))
    assert plain["loaded"] == ["branca.colormap", "numpy", "requests", "urllib.request", "urllib3", "xyzservices"]
    assert cheap["loaded"] == []  # the window's default shell needed none of them
    assert ELEMENT_NAME.sub("_ID", json.dumps(cheap["shells"])) == ELEMENT_NAME.sub("_ID", json.dumps(plain["shells"]))


def test_what_was_deferred_works_when_needed():
    code = (
        "from viewer.lazyimport import cheap_folium_import, loaded_for_real\n"
        "folium = cheap_folium_import()\n"
        "from folium.utilities import validate_location\n"
        "print(validate_location((1, 2)), sorted(loaded_for_real()))\n"  # a tuple: no numpy needed
        "import numpy\n"  # an ordinary import; folium's stand-in now answers with the real ndarray
        "print(validate_location(numpy.array([3.0, 4.0])), sorted(loaded_for_real()))\n"
        "import xyzservices.providers as providers\n"
        "print(providers.query_name('OpenStreetMap.Mapnik').name)\n"
        "print(folium.Map(location=[1, 2], tiles='OpenStreetMap').location)\n"  # folium's own tile lookup
        "scale = folium.LinearColormap(['red', 'blue'], vmin=0, vmax=1)\n"  # a colormap made: the real class
        "print(type(scale).__name__, isinstance(scale, folium.ColorMap), isinstance(scale.to_step(3), folium.StepColormap))\n"
        "from branca.element import urlopen\n"
        "print(urlopen('data:text/plain,hello').read())\n"
    )
    assert _python(code).splitlines() == [
        "[1.0, 2.0] []",
        "[3.0, 4.0] ['numpy']",
        "OpenStreetMap.Mapnik",
        "[1.0, 2.0]",
        "LinearColormap True True",
        "b'hello'",
    ]
