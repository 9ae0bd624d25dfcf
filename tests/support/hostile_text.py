"""Texts built to make a text pipeline slow: every case of issue 10 and its relatives.

A case is a text of ``names`` units that each name Paris once, then one long hostile run of
``run`` units (a single run, so that a cost quadratic in the run's length shows). ``text(case,
scale)`` makes both parts ``scale`` times longer, so a pipeline that truncates, caps or skips
anything finds fewer than ``scale`` times the mentions.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Case", "CASES", "ISSUE_CASES", "MARKS", "case_text", "plain_text"]

# Every ASCII punctuation mark and markup character, and a few typographic ones.
MARKS = "-?!.,;:'\"()[]{}<>/\\|*_~`#=+&%$@^…—“”«»"


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    suffix: str  # .txt, .md or .html: which loader reads it
    run: str  # the hostile unit, repeated into one run
    names: str = "Paris is a city.\n\n"  # one mention per unit
    lead: str = "and "  # before the run, on its line (a line of backticks alone would open a fence)
    tail: str = "\n\n"  # closes the run (a line break ends Markdown's inline rules)


_HTML_NAMES = "<p>Paris is a city.</p>\n"

# The cases named in issue 10's Why, by what they attack.
ISSUE_CASES: tuple[Case, ...] = (
    Case("run of -", ".txt", "-"),
    Case("run of ?", ".txt", "?"),
    Case("backticks", ".md", "`"),
    Case("star a", ".md", " *a"),
    Case("heading spaces", ".md", " ", lead="# Heading", tail="x\n\n"),
    Case("heading spaces and hashes", ".md", " ", lead="# Heading", tail="#x\n\n"),
    Case("mr smith", ".txt", "Mr. Smith "),
    Case("one sentence", ".txt", "Paris, ", names="Paris. "),
)

_MORE: tuple[Case, ...] = (
    Case("caps run", ".txt", "Abcd "),
    Case("unknown caps after in", ".txt", "Zyxqu ", names="They met in Paris.\n\nIn "),
    Case("initials", ".txt", "A. "),
    Case("capital words with dots", ".txt", "Abc. "),
    Case("underscore a", ".md", " _a"),
    Case("double star a", ".md", " **a"),
    Case("tilde a", ".md", " ~~a"),
    Case("backtick pairs", ".md", "``x"),
    Case("brackets", ".md", "["),
    Case("link openers", ".md", "[a]("),
    Case("image openers", ".md", "![a]("),
    Case("angle openers", ".md", "<a "),
    Case("escapes", ".md", "\\"),
    Case("entities", ".md", "&"),
    Case("quotes deep", ".md", "> ", lead=""),
    Case("lists deep", ".md", "  - ", lead=""),
    Case("indented", ".md", " ", lead=""),
    Case("hashes", ".md", "#"),
    Case("table cells", ".md", "|"),
    Case("spaces", ".txt", " "),
    Case("blank lines", ".txt", "\n"),
    Case("html deep", ".html", "<div>", names=_HTML_NAMES),
    Case("html attribute equals", ".html", "<p a=" + "=", names=_HTML_NAMES),
    Case("html unclosed tag", ".html", "<a b ", names=_HTML_NAMES),
    Case("html comments", ".html", "<!--", names=_HTML_NAMES),
    Case("html entities", ".html", "&amp", names=_HTML_NAMES),
)

CASES: tuple[Case, ...] = (
    ISSUE_CASES
    + _MORE
    + tuple(Case(f"run of {m}", ".txt", m) for m in MARKS if m not in "-?")
    + tuple(Case(f"markdown run of {m}", ".md", m) for m in MARKS)
    + tuple(Case(f"html run of {m}", ".html", m, names=_HTML_NAMES) for m in "<>&=\"'/!-")
)


def case_text(case: Case, *, chars: int, scale: int = 1) -> str:
    """About ``chars * scale`` characters: half named places, half one hostile run."""
    names = max(1, chars // 2 // len(case.names)) * scale
    run = max(1, chars // 2 // len(case.run)) * scale
    return case.names * names + case.lead + case.run * run + case.tail


def plain_text(*, chars: int) -> str:
    """News-like text of about ``chars`` characters: the bundled sample (our own words) repeated."""
    from pathlib import Path

    sample = (Path(__file__).resolve().parents[2] / "assets" / "sample" / "black-sea-grain-corridor.md").read_text(
        encoding="utf-8")
    return (sample + "\n\n") * max(1, chars // (len(sample) + 2))
