"""viewer.settings: the remembered basemap, recent list and last folder, in the tests' own QSettings folder."""

from __future__ import annotations

from viewer.basemaps import BASEMAP_LABELS, OFFLINE
from viewer.settings import APPLICATION, ORGANISATION, Remembered, app_settings


def test_the_last_basemap_is_remembered_by_the_next_window(qtbot, make_window):
    other = next(name for name in BASEMAP_LABELS if name != OFFLINE)
    first = make_window()
    assert first.basemap == OFFLINE  # nothing remembered yet
    first.basemap_actions[other].trigger()
    assert first.basemap == other
    first.close()
    second = make_window()
    assert second.basemap == other and second.basemap_actions[other].isChecked()
    third = make_window(basemap=OFFLINE)  # one asked for on the command line wins
    assert third.basemap == OFFLINE


def test_values_read_back_typed_and_checked(tmp_path):
    settings = app_settings()
    assert (ORGANISATION, APPLICATION) == (settings.organizationName(), settings.applicationName())
    remembered = Remembered(settings)
    assert remembered.recent() == [] and remembered.last_folder() == "" and remembered.basemap(BASEMAP_LABELS) is None
    remembered.set_recent(["/one"])
    assert Remembered().recent() == ["/one"]  # a one-item list comes back as a list
    settings.setValue("map/basemap", "no-such-basemap")
    assert remembered.basemap(BASEMAP_LABELS) is None
    remembered.set_last_folder(tmp_path / "gone")
    assert remembered.last_folder() == ""  # a folder that no longer exists is not offered
    remembered.set_last_folder(tmp_path)
    assert Remembered().last_folder() == str(tmp_path)
    settings.setValue("files/recent", 42)
    assert remembered.recent() == []
