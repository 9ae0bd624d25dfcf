"""viewer.errors: the viewer's errors are in the one GazetteError tree."""

from __future__ import annotations

from places.errors import GazetteError
from viewer import errors, export, webassets


def test_the_viewer_errors_are_gazette_errors():
    for cls in (errors.AssetError, errors.BasemapError, errors.ExportError):
        assert issubclass(cls, GazetteError)
    assert webassets.AssetError is errors.AssetError and export.ExportError is errors.ExportError
