"""What the window remembers between runs (QSettings): recent files, the last folder, the basemap.

One organisation and application name, an INI file in the user's configuration folder.  Tests
point QSettings at a temporary folder (``QSettings.setPath``) so that they never touch a person's
settings.
"""

from __future__ import annotations

__all__ = ["APPLICATION", "ORGANISATION", "Remembered", "app_settings"]

from pathlib import Path

from PySide6.QtCore import QSettings

from viewer.basemaps import BASEMAP_LABELS, OFFLINE

ORGANISATION = "Gazette"
APPLICATION = "Gazette"
KEY_RECENT = "files/recent"
KEY_LAST_FOLDER = "files/lastFolder"
KEY_BASEMAP = "map/basemap"


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


class Remembered:
    """Typed access to the remembered values (each read fresh: two windows share them)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or app_settings()

    def recent(self) -> list[str]:
        value = self.settings.value(KEY_RECENT, [])
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list in INI files
            value = [value]
        return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []

    def set_recent(self, paths: list[str]) -> None:
        self.settings.setValue(KEY_RECENT, list(paths))
        self.settings.sync()

    def last_folder(self) -> str:
        value = self.settings.value(KEY_LAST_FOLDER, "")
        return value if isinstance(value, str) and value and Path(value).is_dir() else ""

    def set_last_folder(self, folder: str | Path) -> None:
        self.settings.setValue(KEY_LAST_FOLDER, str(folder))
        self.settings.sync()

    def basemap(self, known: object) -> str | None:
        value = self.settings.value(KEY_BASEMAP, "")
        return value if isinstance(value, str) and value in known else None  # type: ignore[operator]

    def start_basemap(self, asked: str | None) -> str:
        """The basemap a window starts on: ``asked``, else the one chosen last time, else offline."""
        return asked or self.basemap(BASEMAP_LABELS) or OFFLINE

    def set_basemap(self, name: str) -> None:
        self.settings.setValue(KEY_BASEMAP, name)
        self.settings.sync()
