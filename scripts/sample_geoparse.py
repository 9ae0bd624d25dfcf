"""Write the bundled sample's geoparse beside it (assets/sample/*.geoparse.json).

The window shows the sample's map from this file while a first run builds the place index
(viewer/firstrun.py).  Run it after a change to the sample or to the geoparser;
tests/viewer/test_firstrun.py fails while the file differs from what the geoparser gives.

    .venv/bin/python scripts/sample_geoparse.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from places.articles import load_article  # noqa: E402
from places.geoparse import shared_geoparser  # noqa: E402
from places.storage import atomic_write_text  # noqa: E402
from viewer.firstrun import SAMPLE_ARTICLE, SAMPLE_GEOPARSE, dump_geoparse  # noqa: E402


def current_geoparse() -> str:
    """The sample's geoparse as the window's parse process makes it (offline, with demonyms)."""
    return dump_geoparse(shared_geoparser(online=False, demonyms=True).parse(load_article(SAMPLE_ARTICLE)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the file is up to date (exit 1 if not)")
    args = parser.parse_args()
    text = current_geoparse()
    current = SAMPLE_GEOPARSE.read_text(encoding="utf-8") if SAMPLE_GEOPARSE.exists() else None
    if args.check:
        print(f"{SAMPLE_GEOPARSE.name}: {'up to date' if current == text else 'out of date'}")
        return 0 if current == text else 1
    if current != text:
        atomic_write_text(SAMPLE_GEOPARSE, text)
    print(f"{SAMPLE_GEOPARSE.name}: {text.count(chr(10))} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
