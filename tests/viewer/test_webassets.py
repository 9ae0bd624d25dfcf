"""viewer.webassets: where the page's assets live, clear errors when they are missing, no traversal."""

from __future__ import annotations

import pytest

from tests.support.grain import grain_doc
from viewer import webassets
from viewer.errors import AssetError
from viewer.mapbuilder import build_map, render_page


def test_missing_node_modules_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(webassets, "ASSETS_DIR", tmp_path)
    with pytest.raises(AssetError, match="bootstrap.sh"):
        render_page(build_map([grain_doc()]), mode="standalone")


def test_asset_path_rejects_traversal() -> None:
    with pytest.raises(AssetError):
        webassets.asset_path("../pyproject.toml")
    with pytest.raises(AssetError):
        webassets.asset_path("/etc/passwd")


def test_the_assets_and_the_sample_have_one_home():
    from viewer import webengine

    assert webengine.ASSETS_DIR is webassets.ASSETS_DIR
    assert webassets.SAMPLE_DIR.parent == webassets.ASSETS_DIR and any(webassets.SAMPLE_DIR.glob("*.md"))
    assert (webassets.ASSETS_DIR / webassets.BRIDGE_JS).is_file()
