"""Fixtures of the browser tests: one Chromium per session, the seed article geoparsed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from places.model import GeoparsedArticle
from tests.conftest import shared_path
from tests.support.browser import launched
from tests.support.seed import seed_docs


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with launched() as instance:
        yield instance


@pytest.fixture(scope="session")
def seed() -> list[GeoparsedArticle]:
    return seed_docs(shared_path("articles", "putin-kim-vostochny.txt"))
