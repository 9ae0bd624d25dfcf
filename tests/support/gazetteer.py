"""One compiled index for all geoparser tests, in a temp dir shared by the test session.

The loader rebuilds it when its data version changes, so a stale copy is never used.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from places.gazetteer import Gazetteer

INDEX_DIR = Path(tempfile.gettempdir()) / "gazette-test-index"


@lru_cache(maxsize=1)
def shared_gazetteer() -> Gazetteer:
    return Gazetteer.load(cache_dir=INDEX_DIR)
