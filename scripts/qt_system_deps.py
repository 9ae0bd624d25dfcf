"""The Debian packages Qt needs on this machine, derived from ``ldd`` of the files that load them.

    python scripts/qt_system_deps.py            list what is missing (exit 1 when something is)
    python scripts/qt_system_deps.py --install  install it (as root, or with sudo at a terminal);
                                                otherwise print the exact apt-get line and exit 2

PySide6's wheels bring Qt itself but link its platform plugins (xcb, wayland, eglfs …), the
xcb GL integrations and QtWebEngine against system libraries.  A fresh desktop may lack some
(Debian 12 lacks libxcb-icccm4 and libxcb-keysyms1), and then Qt aborts with "Could not load
the Qt platform plugin xcb".  Offscreen runs never load the xcb plugin, so only this check sees it.

Standard library only: it runs from scripts/bootstrap.sh before the app starts.
"""

from __future__ import annotations

__all__ = ["SONAME_PACKAGES", "RUNTIME_PACKAGES", "qt_dir", "qt_binaries", "linked_libraries",
           "missing_sonames", "missing_packages", "main"]  # fmt: skip

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

# soname -> the Debian 12 package that ships it, for every system library the binaries in
# qt_binaries() link against (tests/test_qt_system_deps.py checks this table against dpkg -S
# of what ldd resolves, so a PySide6 upgrade that needs a new library fails the tests).
SONAME_PACKAGES: dict[str, str] = {
    "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1", "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6", "libXau.so.6": "libxau6",
    "libXcomposite.so.1": "libxcomposite1", "libXdamage.so.1": "libxdamage1", "libXdmcp.so.6": "libxdmcp6",
    "libXext.so.6": "libxext6", "libXfixes.so.3": "libxfixes3", "libXrandr.so.2": "libxrandr2",
    "libXrender.so.1": "libxrender1", "libXtst.so.6": "libxtst6",
    "libasound.so.2": "libasound2", "libbrotlicommon.so.1": "libbrotli1", "libbrotlidec.so.1": "libbrotli1",
    "libbsd.so.0": "libbsd0", "libc.so.6": "libc6", "libdl.so.2": "libc6", "libm.so.6": "libc6",
    "libpthread.so.0": "libc6", "libresolv.so.2": "libc6",
    "libcap.so.2": "libcap2", "libcom_err.so.2": "libcom-err2", "libdbus-1.so.3": "libdbus-1-3",
    "libdrm.so.2": "libdrm2", "libexpat.so.1": "libexpat1", "libffi.so.8": "libffi8",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6", "libgbm.so.1": "libgbm1",
    "libgcc_s.so.1": "libgcc-s1", "libgcrypt.so.20": "libgcrypt20", "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0", "libgpg-error.so.0": "libgpg-error0",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2", "libk5crypto.so.3": "libk5crypto3",
    "libkeyutils.so.1": "libkeyutils1", "libkrb5.so.3": "libkrb5-3", "libkrb5support.so.0": "libkrb5support0",
    "liblz4.so.1": "liblz4-1", "liblzma.so.5": "liblzma5", "libmd.so.0": "libmd0",
    "libnspr4.so": "libnspr4", "libplc4.so": "libnspr4", "libplds4.so": "libnspr4",
    "libnss3.so": "libnss3", "libnssutil3.so": "libnss3", "libsmime3.so": "libnss3",
    "libpcre2-8.so.0": "libpcre2-8-0", "libpng16.so.16": "libpng16-16", "libstdc++.so.6": "libstdc++6",
    "libsystemd.so.0": "libsystemd0", "libudev.so.1": "libudev1", "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libwayland-client.so.0": "libwayland-client0", "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-server.so.0": "libwayland-server0",
    "libxcb.so.1": "libxcb1", "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-dri3.so.0": "libxcb-dri3-0",
    "libxcb-glx.so.0": "libxcb-glx0", "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0", "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbfile.so.1": "libxkbfile1",
}  # fmt: skip

# Loaded at run time without being linked, so ldd cannot see them: QtWebEngine draws text with
# fontconfig's fonts (no font: every letter a box).
RUNTIME_PACKAGES: tuple[str, ...] = ("fonts-dejavu-core",)


def qt_dir() -> Path | None:
    """PySide6's bundled Qt folder, found without importing PySide6 (which would load Qt)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    qt = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    return qt if qt.is_dir() else None


def qt_binaries(qt: Path) -> list[Path]:
    """Every Qt platform plugin, the xcb GL integrations, QtWebEngineProcess and its core library."""
    files = sorted((qt / "plugins" / "platforms").glob("*.so"))
    files += sorted((qt / "plugins" / "xcbglintegrations").glob("*.so"))
    files += [p for p in (qt / "libexec" / "QtWebEngineProcess", qt / "lib" / "libQt6WebEngineCore.so.6") if p.exists()]
    return files


def linked_libraries(files: Iterable[Path]) -> dict[str, str | None]:
    """soname -> resolved path (None when ldd says "not found") over ``files``, Qt's own excluded."""
    found: dict[str, str | None] = {}
    for file in files:
        out = subprocess.run(["ldd", str(file)], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            name, arrow, rest = line.strip().partition(" => ")
            if not arrow:
                continue
            target = rest.split(" (", 1)[0].strip()
            if target == "not found":
                found[name] = None
            elif "/PySide6/" not in target and "/shiboken6/" not in target:
                found.setdefault(name, target)
    return found


def missing_sonames(files: Iterable[Path]) -> list[str]:
    return sorted(name for name, path in linked_libraries(files).items() if path is None)


def _installed(package: str) -> bool:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False)
    return "install ok installed" in out.stdout


def missing_packages(qt: Path) -> tuple[list[str], list[str]]:
    """(Debian packages to install, sonames no known package provides)."""
    unknown: list[str] = []
    packages: set[str] = set()
    for soname in missing_sonames(qt_binaries(qt)):
        package = SONAME_PACKAGES.get(soname)
        if package is None:
            unknown.append(soname)
        else:
            packages.add(package)
    if shutil.which("dpkg-query"):
        packages.update(p for p in RUNTIME_PACKAGES if not _installed(p))
    return sorted(packages), unknown


def _say(message: str) -> None:
    print(f"gazette setup: {message}", file=sys.stderr, flush=True)


def _apt_install(packages: Sequence[str], *, sudo: bool) -> bool:
    prefix = ["sudo"] if sudo else []
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _say(f"installing the system libraries Qt needs: {' '.join(packages)}")
    steps = [[*prefix, "apt-get", "update", "-q"], [*prefix, "apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]]
    for step in steps:
        if subprocess.run(step, stdout=sys.stderr, env=env, check=False).returncode != 0:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    install = "--install" in args
    if not sys.platform.startswith("linux") or not shutil.which("ldd"):
        return 0  # macOS and Windows wheels bring what Qt needs
    qt = qt_dir()
    if qt is None:
        _say("PySide6 is not installed in this Python; run scripts/bootstrap.sh")
        return 2
    packages, unknown = missing_packages(qt)
    if unknown:
        _say(f"Qt needs system libraries this script cannot name a package for: {' '.join(unknown)} — install the packages that provide them")
        return 2
    if not packages:
        return 0
    line = f"sudo apt-get install {' '.join(packages)}"
    if not install:
        print(line)
        return 1
    if not shutil.which("apt-get"):
        sonames = missing_sonames(qt_binaries(qt))
        _say(f"Qt needs these system libraries: {' '.join(sonames) or ' '.join(packages)} — install them with your package manager")
        return 2
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    can_sudo = shutil.which("sudo") is not None and sys.stdin.isatty()
    if not (is_root or can_sudo):
        _say(f"Qt needs system libraries that are missing; run: {line}")
        return 2
    if not _apt_install(packages, sudo=not is_root):
        _say(f"installing them failed; run: {line}")
        return 2
    still, _ = missing_packages(qt)
    if still:
        _say(f"still missing after apt-get: {' '.join(still)}; run: sudo apt-get install {' '.join(still)}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
