"""places -> map -> window and exports (see DEVELOPERS.md).

Submodules are imported by name (``from viewer.mapbuilder import map_page``); importing the
package imports nothing, so the command line never pays for Qt or folium.
"""

__all__ = [
    "app",
    "basemaps",
    "bridge",
    "corrections",
    "dialogs",
    "elements",
    "errors",
    "excerpts",
    "export",
    "exportmenu",
    "filemenu",
    "formats",
    "imagesize",
    "kinds",
    "lessonfile",
    "lessonmap",
    "mapbuilder",
    "mapview",
    "panel",
    "paste",
    "placesearch",
    "placeslist",
    "presentation",
    "qtenv",
    "reading",
    "session",
    "settings",
    "tourpanel",
    "snapshot",
    "streaming",
    "targets",
    "webassets",
    "webengine",
    "window",
    "worker",
]
