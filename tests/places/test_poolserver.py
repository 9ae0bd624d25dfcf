"""places.poolserver: the fork server's preload loads the index only in the server, and only while it is current."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from places import poolserver
from places.indexformat import INDEX_FILE_NAME
from places.storage import user_cache_dir

ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter: the preload as the server runs it, then what a worker would be given
# after the cache folder changed, after it changed back, and after the index file was rewritten.
_SERVER = """
import json, os, sys
import places.poolserver as s
out = {"preloaded": s.preloaded() is not None}
from places.gazetteer import Gazetteer
from places.geoparse import Geoparser
from places.model import Article
article = Article(id="a", title="", text="Ships left Odesa for Istanbul and Varna.")
out["parses as a fresh one"] = s.preloaded().parse(article) == Geoparser(Gazetteer.load()).parse(article)
home = os.environ["GAZETTE_CACHE_DIR"]
os.environ["GAZETTE_CACHE_DIR"] = sys.argv[1]
out["other folder"] = s.preloaded() is not None
os.environ["GAZETTE_CACHE_DIR"] = home
out["back"] = s.preloaded() is not None
index = os.path.join(home, sys.argv[2])
st = os.stat(index)
os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
out["index rewritten"] = s.preloaded() is not None
print(json.dumps(out))
"""


def _run(code: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120, check=False)  # fmt: skip


def test_importing_it_elsewhere_loads_nothing():
    code = "import sys, places.poolserver as s; print(s.preloaded() is None, 'places.gazetteer' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != poolserver.SERVER_ENV}
    out = _run(code, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]


def test_the_server_preloads_the_current_index_only(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(user_cache_dir() / INDEX_FILE_NAME, home / INDEX_FILE_NAME)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(home / INDEX_FILE_NAME, other / INDEX_FILE_NAME)  # the same bytes, another file
    env = {**os.environ, "GAZETTE_CACHE_DIR": str(home), poolserver.SERVER_ENV: "1"}
    out = _run(_SERVER, str(other), INDEX_FILE_NAME, env=env)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert seen == {"preloaded": True, "parses as a fresh one": True, "other folder": False, "back": True,
                    "index rewritten": False}


def test_with_no_index_the_server_builds_none(tmp_path):
    env = {**os.environ, "GAZETTE_CACHE_DIR": str(tmp_path), poolserver.SERVER_ENV: "1"}
    out = _run("import places.poolserver as s; print(s.preloaded() is None)", env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
    assert list(tmp_path.iterdir()) == []  # the workers build it, and report its progress
