"""Mentions built by hand for map and export tests: every occurrence of each place's name."""

from __future__ import annotations

import re

from places.model import Mention, Place
from places.sentences import excerpt_for


def mentions_by_name(article_id: str, text: str, places: tuple[Place, ...]) -> tuple[Mention, ...]:
    """One Mention per occurrence of each place's name in ``text``, in text order."""
    mentions = []
    for place in places:
        for match in re.finditer(re.escape(place.name), text):
            excerpt, start = excerpt_for(text, match.start(), match.end())
            mentions.append(Mention(article_id, match.start(), match.end(), match.group(), place, excerpt, start))
    mentions.sort(key=lambda m: m.start)
    return tuple(mentions)
