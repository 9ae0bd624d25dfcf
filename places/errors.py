"""One exception tree for everything Gazette reports to a person.

Foreign exceptions (OSError, UnicodeError, yaml.YAMLError, geopy errors) are converted
where they enter, ``raise ArticleError(...) from err``, so callers catch ``GazetteError``
and show ``str(err)``: a sentence meant for the user, never a traceback.
"""

__all__ = ["GazetteError", "ArticleError", "LessonError", "GazetteerError", "GeocodingError", "SaveError"]


class GazetteError(Exception):
    """Base of every error Gazette reports; ``str(err)`` is a message for the user."""


class ArticleError(GazetteError):
    """An article file could not be read or holds nothing usable."""


class LessonError(GazetteError):
    """A lesson file (YAML) is malformed or refers to articles that cannot be read."""


class GazetteerError(GazetteError):
    """The offline gazetteer or its compiled index is missing or broken."""


class GeocodingError(GazetteError):
    """An online geocoder failed: offline, refused, timed out, or answered nonsense."""


class SaveError(GazetteError):
    """A file could not be written; the previous file, if any, is intact."""
