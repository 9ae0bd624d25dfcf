#!/usr/bin/env bash
# Set up everything Gazette needs, idempotently: .venv with the Python dependencies from
# pyproject.toml, and the web dependencies from assets/package-lock.json (npm ci).
#   scripts/bootstrap.sh           runtime dependencies, and the system libraries Qt links against
#   scripts/bootstrap.sh --test    plus test dependencies and the system packages the tests need
#                                  (Debian's chromium for the browser tests, fonts, Xvfb)
# Each step is skipped when a stamp says its inputs have not changed since it last ran.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf 'gazette setup: %s\n' "$*" >&2; }

python_bin=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { say "Python 3.11 or newer is needed (found $("$python_bin" --version 2>&1))"; exit 1; }
  say "creating .venv"
  "$python_bin" -m venv .venv
fi

extras=""
[ $want_test = 1 ] && extras="test,cluster"  # CI runs the Dask tests too; the desktop app needs neither
deps_stamp=.venv/.gazette-deps
deps_key="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)-$extras"
if [ "$(cat "$deps_stamp" 2>/dev/null || true)" != "$deps_key" ] \
   && ! { [ -z "$extras" ] && grep -q -- "^${deps_key}test,cluster$" "$deps_stamp" 2>/dev/null; }; then
  say "installing Python dependencies${extras:+ (with $extras extras)}"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python - "$extras" >.venv/.gazette-requirements <<'PY'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
deps = list(project["dependencies"])
for extra in filter(None, sys.argv[1].split(",")):
    deps += project["optional-dependencies"][extra]
print("\n".join(deps))
PY
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r .venv/.gazette-requirements -c constraints.txt
  echo "$deps_key" >"$deps_stamp"
fi

npm_stamp=assets/node_modules/.gazette-lock
npm_key="$(sha256sum assets/package-lock.json | cut -c1-16)"
if [ "$(cat "$npm_stamp" 2>/dev/null || true)" != "$npm_key" ]; then
  command -v npm >/dev/null || { say "npm is needed to install the map's web dependencies (Node.js 18+)"; exit 1; }
  say "installing web dependencies (npm ci)"
  npm ci --prefix assets --no-audit --no-fund --loglevel=error >&2
  echo "$npm_key" >"$npm_stamp"
fi

# Our own modules' bytecode, as pip compiles an installed package's: a start then reads it instead
# of compiling every module from source in each of its processes (~0.4 CPU s a window start where
# PYTHONDONTWRITEBYTECODE is set). Up-to-date files are only stat'ed.
.venv/bin/python -m compileall -q places viewer main.py >/dev/null

# PySide6's signature support modules ship inside libshiboken, which compiles them from source in
# every Qt process (~15-30 ms of each start). SBK_EMBED=0, PySide's own switch, writes them out
# beside shiboken6 as files, which are then imported and compiled like any installed module. Done
# again only when the Python dependencies change (a copy an earlier PySide6 left is dropped first).
sbk_stamp=.venv/.gazette-shiboken-files
if [ "$(cat "$sbk_stamp" 2>/dev/null || true)" != "$deps_key" ]; then
  sbk_files="$(.venv/bin/python -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("shiboken6").origin))')/files.dir"
  rm -rf "$sbk_files"
  SBK_EMBED=0 .venv/bin/python -c "import shiboken6"
  .venv/bin/python -m compileall -q "$sbk_files" >/dev/null
  echo "$deps_key" >"$sbk_stamp"
fi

# Qt's xcb platform plugin and QtWebEngine link against system libraries a fresh desktop may
# lack; scripts/qt_system_deps.py derives the Debian packages from ldd and installs them (as root
# or with sudo), or stops with the exact apt-get line. Re-checked only when the Python
# dependencies or the set of installed Debian packages have changed.
qt_stamp=.venv/.gazette-qt-libs
qt_key="${deps_key%-*}-$(stat -c %Y /var/lib/dpkg/status 2>/dev/null || echo none)"
if [ "$(cat "$qt_stamp" 2>/dev/null || true)" != "$qt_key" ]; then
  .venv/bin/python scripts/qt_system_deps.py --install
  echo "${deps_key%-*}-$(stat -c %Y /var/lib/dpkg/status 2>/dev/null || echo none)" >"$qt_stamp"
fi

if [ $want_test = 1 ]; then
  # Debian's chromium drives the browser tests; Xvfb gives the first-run test a real X display.
  pkgs="chromium fonts-dejavu-core fonts-liberation xvfb xauth"
  missing=""
  for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      say "installing system packages:$missing"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q >&2
      apt-get install -y -q --no-install-recommends $missing >&2
    else
      say "the tests need these Debian packages:$missing — run: sudo apt-get install$missing"
      exit 1
    fi
  fi
fi
