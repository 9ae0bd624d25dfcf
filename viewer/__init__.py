"""places -> map -> window and exports (see DEVELOPERS.md).

Submodules are imported by name (``from viewer.mapbuilder import map_page``); importing the
package imports nothing, so the command line never pays for Qt or folium.
"""

__all__ = [
    "app",
    "basemapdata",
    "basemaps",
    "bridge",
    "corrections",
    "dialogs",
    "elements",
    "errors",
    "excerpts",
    "export",
    "exportmenu",
    "formats",
    "imagesize",
    "kinds",
    "lessonfile",
    "lessonmap",
    "mapbuilder",
    "mapview",
    "placesearch",
    "placeslist",
    "presentation",
    "qtenv",
    "session",
    "tourpanel",
    "snapshot",
    "startup",
    "targets",
    "webassets",
    "webengine",
    "window",
    "worker",
]
