"""The page process's cheaper folium import: what folium's import does that a page shell never uses, deferred.

Importing folium cost ~0.85 CPU s, most of it for things the window's page shell never touches:
numpy (via branca and folium.utilities), requests (folium.features, for GeoJSON by URL),
xyzservices (tile providers by name), branca's colormaps (every scheme made at import) and
urllib.request (http.client, ssl, email: branca fetches a linked script's text with it), and Jinja compiling every template of every folium class
(~50) while the classes are defined. :func:`cheap_folium_import` imports folium with

* those modules as stand-ins (:class:`_Deferred`): the real module is imported the first
  time something reads a name the stand-in lacks. folium and branca read a few of their names while
  their classes are defined (``-> np.ndarray``, ``Union[str, xyzservices.TileProvider]``, the three
  colormap classes, ``urlopen``); for those the stand-in hands out a placeholder type whose
  ``isinstance`` is the real type's once the module is loaded, and False before (no object can
  be an ndarray before numpy was imported), and whose call is the real one's (importing it then);
* every ``jinja2.Template(source)`` made during the import deferred (:class:`_DeferredTemplate`):
  compiled from the same source and options on first use, so a page renders byte for byte the same.

Only stdlib importlib; only the page process uses it (:func:`viewer.parseprocess.page_main`), and
only before anything else imported folium. Anything else that imports folium gets it as usual.
"""

from __future__ import annotations

__all__ = ["DEFERRED_MODULES", "cheap_folium_import", "loaded_for_real"]

import importlib
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

DEFERRED_MODULES = ("numpy", "requests", "xyzservices", "branca.colormap", "urllib.request")
# Names folium and branca read off a deferred module at import (as annotations, or kept for later
# calls and isinstance checks): placeholder types that stand for the real object.
_ANNOTATION_TYPES = {
    ("numpy", "ndarray"),
    ("xyzservices", "TileProvider"),
    ("branca.colormap", "ColorMap"),  # folium: annotations, isinstance, ColorLine/ColorMap calls
    ("branca.colormap", "LinearColormap"),
    ("branca.colormap", "StepColormap"),
    ("urllib.request", "urlopen"),  # branca.element: only to fetch a linked script's text
}
_loaded: set[str] = set()


def loaded_for_real() -> set[str]:
    """Which deferred modules a stand-in had to import since (something read a name it lacked)."""
    return set(_loaded)


class _Deferred(types.ModuleType):
    """Stands in for a module not imported yet; the first name it lacks imports the real one.

    It is in ``sys.modules`` only during :func:`cheap_folium_import` (folium's own second
    ``import numpy`` finds it there); afterwards only folium's modules hold it, and any other
    import of the name is an ordinary import of the real module."""

    def __getattr__(self, attr: str) -> Any:
        if not vars(self).get("_armed"):  # the import system still filling in __spec__, __loader__…
            raise AttributeError(attr)
        if attr == "__path__" and not vars(self).get("_package"):  # `from module import name` asks
            raise AttributeError(attr)
        if (self.__name__, attr) in _ANNOTATION_TYPES and self.__name__ not in _loaded:
            placeholder = _placeholder(self.__name__, attr)
            setattr(self, attr, placeholder)
            return placeholder
        return getattr(_import_real(self), attr)


def _import_real(stand_in: _Deferred) -> types.ModuleType:
    name = stand_in.__name__
    if sys.modules.get(name) is stand_in:
        del sys.modules[name]
    _loaded.add(name)
    real = importlib.import_module(name)  # the finder steps aside for a loaded name
    vars(stand_in).update(vars(real))  # later reads through the stand-in are plain lookups
    return real


def _real_module(name: str) -> types.ModuleType:
    module = sys.modules.get(name)
    if isinstance(module, _Deferred):
        return _import_real(module)
    if module is None:
        _loaded.add(name)
        module = importlib.import_module(name)
    return module


class _LateType(type):
    """A placeholder for a deferred module's type: ``isinstance`` is the real type's once that
    module is imported, and False before (no object of the type can exist yet)."""

    _module: str
    _attr: str

    def __instancecheck__(cls, obj: object) -> bool:
        real = sys.modules.get(cls._module)
        if real is None or isinstance(real, _Deferred):
            return False
        return isinstance(obj, getattr(real, cls._attr))

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        """A call (a class made, a function called) is the real one's: its module imported now."""
        return getattr(_real_module(cls._module), cls._attr)(*args, **kwargs)


def _placeholder(module: str, attr: str) -> type:
    return _LateType(attr, (), {"_module": module, "_attr": attr, "__module__": module})


class _Finder:  # a meta path finder and its loader (importlib.abc's bases would import importlib.resources)
    """Answers an import of a deferred module (not yet needed) with a :class:`_Deferred` stand-in."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name not in DEFERRED_MODULES or name in _loaded:
            return None
        real = importlib.machinery.PathFinder.find_spec(name, path)  # where it is, nothing run
        spec = importlib.util.spec_from_loader(name, self)
        if spec is not None:
            spec.loader_state = real is None or real.submodule_search_locations is not None
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _Deferred(spec.name)
        module._package = spec.loader_state  # type: ignore[attr-defined]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        module._armed = True  # type: ignore[attr-defined]


class _DeferredTemplate:
    """A ``jinja2.Template(source, ...)`` compiled on first use, from the same arguments."""

    def __init__(self, make: Any, cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._make = (make, cls, args, kwargs)
        self._compiled: Any = None

    def __getattr__(self, attr: str) -> Any:
        if attr in ("_make", "_compiled"):  # a copy made without __init__
            raise AttributeError(attr)
        if self._compiled is None:
            make, cls, args, kwargs = self._make
            self._compiled = make(cls, *args, **kwargs)
        return getattr(self._compiled, attr)


def cheap_folium_import() -> types.ModuleType:
    """``import folium`` (and our elements, whose templates are folium's too) as described above."""
    if "folium" in sys.modules:
        return sys.modules["folium"]
    import jinja2

    finder = _Finder()
    original = jinja2.Template.__dict__["__new__"]  # a staticmethod
    make = jinja2.Template.__new__

    def deferred(cls: type, *args: Any, **kwargs: Any) -> Any:
        return _DeferredTemplate(make, cls, args, kwargs)

    sys.meta_path.insert(0, finder)
    jinja2.Template.__new__ = deferred  # type: ignore[method-assign]
    try:
        import folium

        import viewer.elements  # noqa: F401  # its classes' templates, deferred alike
    finally:
        jinja2.Template.__new__ = original  # type: ignore[method-assign]
        sys.meta_path.remove(finder)
        for name in DEFERRED_MODULES:  # from now on an import of one is an ordinary import
            if isinstance(sys.modules.get(name), _Deferred):
                del sys.modules[name]
    return folium
