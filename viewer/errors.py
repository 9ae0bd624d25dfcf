"""The viewer's errors, in the one :class:`places.errors.GazetteError` tree."""

from __future__ import annotations

__all__ = ["AssetError", "BasemapError", "ExportError", "GazetteError"]

from places.errors import GazetteError


class AssetError(GazetteError):
    """A web asset the map page needs is missing from ``assets/``."""


class BasemapError(GazetteError):
    """An unknown or unusable basemap was asked for."""


class ExportError(GazetteError):
    """An export was asked for in a form Gazette cannot produce."""
