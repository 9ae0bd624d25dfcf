"""scripts/qt_system_deps.py: the run path installs every system library Qt links against.

The fresh machine's package list (tests/data/fresh-machine-packages.txt) was pinned by running
``dpkg-query -W -f='${Package}\\n' | sort`` on a new machine of this project's kind before
scripts/bootstrap.sh had run; it is the same list as the machine image's published one.  Every
library that ``ldd`` resolves for Qt's platform plugins, the xcb GL integrations,
QtWebEngineProcess and libQt6WebEngineCore must come from a package on that list or from one
the run path installs (scripts/qt_system_deps.py's table), and nothing may be "not found".
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location("qt_system_deps", REPO_ROOT / "scripts" / "qt_system_deps.py")
assert _spec and _spec.loader
qt_system_deps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qt_system_deps)

FRESH_LIST = REPO_ROOT / "tests" / "data" / "fresh-machine-packages.txt"
pytestmark = pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("ldd") and shutil.which("dpkg")),
                                reason="a Debian-like Linux with ldd and dpkg")  # fmt: skip


def _fresh_packages() -> set[str]:
    lines = FRESH_LIST.read_text(encoding="utf-8").splitlines()
    return {line.split(":")[0] for line in lines if line and not line.startswith("#")}


def _owner(path: str) -> str:
    """The Debian package that ships ``path`` (resolving symlinks such as /lib -> /usr/lib)."""
    for candidate in (path, os.path.realpath(path)):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False).stdout
        if out:
            return out.split(":", 1)[0].strip()
    return ""


@pytest.fixture(scope="module")
def qt() -> Path:
    qt = qt_system_deps.qt_dir()
    assert qt is not None, "PySide6 is installed in the test environment"
    return qt


def test_the_binaries_cover_platform_plugins_gl_integrations_and_webengine(qt):
    names = {p.name for p in qt_system_deps.qt_binaries(qt)}
    assert {"libqxcb.so", "libqoffscreen.so", "libqwayland.so", "libqeglfs.so"} <= names
    assert {"libqxcb-glx-integration.so", "libqxcb-egl-integration.so"} <= names
    assert {"QtWebEngineProcess", "libQt6WebEngineCore.so.6"} <= names


def test_every_linked_library_is_on_a_fresh_machine_or_installed_by_the_run_path(qt):
    fresh = _fresh_packages()
    assert len(fresh) > 500 and "libc6" in fresh
    installed_by_run_path = set(qt_system_deps.SONAME_PACKAGES.values())
    libraries = qt_system_deps.linked_libraries(qt_system_deps.qt_binaries(qt))
    assert len(libraries) > 40
    not_found = sorted(name for name, path in libraries.items() if path is None)
    assert not_found == [], f"ldd finds no {not_found}: the run path did not install them"
    uncovered, wrong = [], []
    for soname, path in libraries.items():
        package = _owner(path)
        if package not in fresh and package not in installed_by_run_path:
            uncovered.append(f"{soname} ({package or 'no package'})")
        if soname in qt_system_deps.SONAME_PACKAGES and package and qt_system_deps.SONAME_PACKAGES[soname] != package:
            wrong.append(f"{soname}: table says {qt_system_deps.SONAME_PACKAGES[soname]}, dpkg says {package}")
    assert uncovered == [], "libraries neither on a fresh machine nor installed by the run path"
    assert wrong == []


def test_the_table_names_only_libraries_qt_links_against(qt):
    linked = set(qt_system_deps.linked_libraries(qt_system_deps.qt_binaries(qt)))
    assert set(qt_system_deps.SONAME_PACKAGES) <= linked


def test_the_packages_a_fresh_machine_lacks_are_in_the_table(qt):
    """What this machine's fresh image lacks (seen when the first run aborted) is installed by the run path."""
    fresh = _fresh_packages()
    lacking = {p for p in qt_system_deps.SONAME_PACKAGES.values() if p not in fresh}
    assert {"libxcb-icccm4", "libxcb-keysyms1"} <= lacking


def test_after_set_up_nothing_is_missing_and_the_check_is_quick(qt):
    result = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "qt_system_deps.py")],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert qt_system_deps.missing_packages(qt) == ([], [])


def test_a_missing_library_is_named_by_its_package():
    assert qt_system_deps.SONAME_PACKAGES["libxcb-icccm.so.4"] == "libxcb-icccm4"
    assert qt_system_deps.SONAME_PACKAGES["libxcb-keysyms.so.1"] == "libxcb-keysyms1"


def test_the_window_paints_on_a_real_x_display(tmp_path):
    """The xcb plugin (never loaded offscreen) loads under Xvfb and the sample's map is painted."""
    if not shutil.which("xvfb-run"):
        if os.environ.get("CI") or os.environ.get("GAZETTE_REQUIRE_BROWSER") == "1":
            pytest.fail("xvfb-run is missing; scripts/bootstrap.sh --test installs it")
        pytest.skip("xvfb-run is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_DEBUG_PLUGINS"] = "0"
    shot = tmp_path / "window.png"
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, str(REPO_ROOT / "main.py"), "--screenshot", str(shot)],
        capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "map ready in" in result.stdout
    assert "Could not load the Qt platform plugin" not in result.stderr
    assert shot.stat().st_size > 20_000
