"""Markdown and HTML -> plain text, with the title and date they declare.

Markdown loses its syntax (front matter gives title and date); HTML loses its markup, scripts
and page furniture (``<main>``/``<article>`` preferred; ``og:title``, ``<h1>``, ``<title>`` and
``<time>``/``<meta>`` dates read).  Input is text already decoded and normalised by
:mod:`places.articles`; the output ``text`` is what every offset downstream refers to.
"""

from __future__ import annotations

__all__ = ["CONTROL_CHARS", "Parsed", "parse_html", "parse_markdown"]

import bisect
import html
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

# Control characters other than tab and newline; form feed and vertical tab become newlines.
# (places.articles.normalise_text drops them too; character references can produce them here.)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Parsed:
    """The text of a marked-up document, and the title and ISO date it declares, if any."""

    text: str
    title: str | None = None
    published: str | None = None


# --- Markdown -----------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"\s{0,3}#{1,6}(?:[ \t]++|$)")  # the text and closing #s are cut by hand (see _heading)
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>[ \t]?)+")
_LIST = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_TABLE_RULE = re.compile(r"^\s*+\|?\s*+:?-{3,}+:?\s*+(?:\|\s*+:?-{3,}+:?\s*+)*+\|?\s*$")
# A label holds no "[" and a destination no unbalanced "(": each attempt then ends at the next
# bracket, and a line of thousands of "[a](" costs linear time, not quadratic.
_IMAGE = re.compile(r"!\[([^\[\]\n]*+)\]\((?:[^()\n]|\([^()\n]*+\))*+\)")
_LINK = re.compile(r"\[([^\[\]\n]++)\]\((?:[^()\s]|\([^()\n]*+\))*+(?:[ \t]+\"[^\"\n]*+\")?\)")
_REF_LINK = re.compile(r"\[([^\[\]\n]++)\]\[[^\]\n]*+\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_INLINE_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[ \t][^<>\n]*)?/?>")
_TICKS = re.compile(r"`+")


@dataclass(frozen=True, slots=True)
class _Pair:
    """An inline span ``open content close`` on one line, found by where each marker may stand
    (zero-width patterns, so every position counts) rather than by a lazy ``(.+?)``: a regex
    retried from every opener of a line with no closer was quadratic (`` *a *a *a…``)."""

    opener: re.Pattern[str]
    closer: re.Pattern[str]
    width: int  # of each marker


_STRONG = (_Pair(re.compile(r"(?=\*\*\S)"), re.compile(r"(?<=\S)(?=\*\*)"), 2),
           _Pair(re.compile(r"(?=__\S)"), re.compile(r"(?<=\S)(?=__)"), 2))
_EM_STAR = (_Pair(re.compile(r"(?<![\w*])(?=\*[^\s*])"), re.compile(r"(?<=[^\s*])(?=\*(?![\w*]))"), 1),)
_EM_UNDER = (_Pair(re.compile(r"(?<![\w_])(?=_[^\s_])"), re.compile(r"(?<=[^\s_])(?=_(?![\w_]))"), 1),)
_STRIKE = (_Pair(re.compile(r"(?=~~\S)"), re.compile(r"(?<=\S)(?=~~)"), 2),)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# Replacements as C callables: a template like r"\1" costs a Python call per match on 3.11.
_G1, _G2 = operator.itemgetter(1), operator.itemgetter(2)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def parse_markdown(text: str) -> Parsed:
    """Markdown -> plain text: headings become lines, links keep their text, markers go."""
    title = published = None
    front = _FRONT_MATTER.match(text)
    if front:
        title, published = _front_matter(front.group(1))
        text = text[front.end() :]
    out: list[str] = []
    code_lines: set[int] = set()
    in_fence = False
    for line in text.split("\n"):
        if not in_fence and (not line or line[0].isalpha()):
            out.append(line)  # plain prose or blank: no block rule can apply (most lines)
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            code_lines.add(len(out))
            out.append(line)
            continue
        if _SETEXT.match(line) and out and out[-1].strip():
            continue  # the underline of a setext heading (the line above is the heading)
        if _RULE.match(line) or _REF_DEF.match(line) or _TABLE_RULE.match(line):
            out.append("")
            continue
        heading = _ATX.match(line)
        if heading:
            line = _heading(line[heading.end() :])
        else:
            line = _QUOTE.sub("", line)
            line = _LIST.sub(r"\1", line)
            if line.lstrip().startswith("|"):
                line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        out.append(line)
    # Inline rules never cross a line, so they run once over all prose; each fenced code line
    # is held out as "\x01<n>\x01" (controls never survive normalise_text) and put back after.
    code: list[str] = []
    for n in sorted(code_lines):
        code.append(out[n])
        out[n] = f"\x01{len(code) - 1}\x01"
    prose = _inline_markdown("\n".join(out))
    if code:
        prose = re.sub("\x01(\\d+)\x01", lambda m: code[int(m.group(1))], prose)
    clean = "\n".join(line.rstrip() for line in prose.split("\n"))
    clean = re.sub(r"\n\n\n+", "\n\n", clean).strip("\n")
    return Parsed(clean, title, published)


def _inline_markdown(text: str) -> str:
    """Inline Markdown of one line or several (no rule spans a line break)."""
    # Escaped characters and code spans are held out of the other rules and restored last.
    # Each rule runs only when its marker occurs: a regex scan of megabytes is not free.
    held: list[str] = []

    def hold(value: str) -> str:
        held.append(value)
        return f"\x00{len(held) - 1}\x00"

    if "`" in text:  # code spans first: a backslash inside one is literal
        text = _code_spans(text, hold)
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: hold(m.group(1)), text)
    if "[" in text:
        text = _IMAGE.sub(_G1, text)
        text = _LINK.sub(_G1, text)
        text = _REF_LINK.sub(_G1, text)
    if "<" in text:
        text = _AUTOLINK.sub(_G1, text)
        text = _INLINE_HTML.sub("", text)
    for _ in range(2):  # nested emphasis: ***x***, **_x_**
        if "*" in text:
            text = _pairs(text, _STRONG)
            text = _pairs(text, _EM_STAR)
        if "_" in text:
            text = _pairs(text, _STRONG) if "__" in text else text
            text = _pairs(text, _EM_UNDER)
        if "~~" in text:
            text = _pairs(text, _STRIKE)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if held:
        text = re.sub("\x00(\\d+)\x00", lambda m: held[int(m.group(1))], text)
    return text


def _heading(rest: str) -> str:
    """An ATX heading's text (after ``#`` and its spaces) without the closing ``#``s and blanks."""
    rest = rest.rstrip(" \t")
    bare = rest.rstrip("#")
    if bare != rest and bare and bare[-1] in " \t":
        return bare.rstrip(" \t")
    return rest


def _line_ends(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", text)] + [len(text)]


def _code_spans(text: str, hold: Callable[[str], str]) -> str:
    """Code spans held out: a run of backticks up to the next run of the same length on its line
    (CommonMark's rule, found by bisection: the lazy regex was cubic in a run's length)."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(runs):
        by_length.setdefault(b - a, []).append(k)
    ends = _line_ends(text)
    out: list[str] = []
    last = k = 0
    while k < len(runs):
        a, b = runs[k]
        same = by_length[b - a]
        x = bisect.bisect_right(same, k)
        if x < len(same) and runs[same[x]][0] < ends[bisect.bisect_left(ends, a)]:
            close = runs[same[x]]
            content = text[b : close[0]]
            out += (text[last:a], hold(content.strip() or content))
            last = close[1]
            k = same[x] + 1
        else:
            k += 1
    out.append(text[last:])
    return "".join(out)


def _pairs(text: str, kinds: tuple[_Pair, ...]) -> str:
    """Each span of ``kinds`` replaced by its content, left to right, as ``re.sub`` would."""
    openers = sorted((m.start(), n) for n, kind in enumerate(kinds) for m in kind.opener.finditer(text))
    if not openers:
        return text
    closers = [[m.start() for m in kind.closer.finditer(text)] for kind in kinds]
    ends = _line_ends(text)
    dead: dict[int, int] = {}  # kind -> end of the line on which it has no more closers
    out: list[str] = []
    last = 0
    for p, n in openers:
        if p < last:
            continue
        line_end = ends[bisect.bisect_left(ends, p)]
        if dead.get(n) == line_end:
            continue
        width = kinds[n].width
        x = bisect.bisect_left(closers[n], p + width + 1)
        if x < len(closers[n]) and closers[n][x] < line_end:
            c = closers[n][x]
            out += (text[last:p], text[p + width : c])
            last = c + width
        else:
            dead[n] = line_end  # a later opener on this line has fewer closers still
    out.append(text[last:])
    return "".join(out)


def _front_matter(block: str) -> tuple[str | None, str | None]:
    """title and date from YAML front matter, read line by line (no YAML tags can run)."""
    title = published = None
    for line in block.split("\n"):
        key, sep, value = line.partition(":")
        if not sep:
            continue
        value = value.strip().strip("\"'").strip()
        key = key.strip().lower()
        if key == "title" and value:
            title = value
        elif key in ("date", "published") and value:
            published = _iso_date(value)
    return title, published


def _iso_date(value: str) -> str | None:
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?", value.strip())
    if not match:
        return None
    return match.group(1) + (f"T{match.group(2)}" if match.group(2) else "")


# --- HTML ---------------------------------------------------------------------------------

_DROP = frozenset(
    {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
     "template", "object", "embed", "canvas", "math", "select", "button", "dialog"}
)  # fmt: skip
_BLOCK = frozenset(
    {"address", "article", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "li",
     "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr",
     "ul"}
)  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_CONTAINERS = ("main", "article")
_BR = "\x00"  # stands for <br> until a block is flushed; NULs never survive normalise_text
_SPACES = re.compile(r"[ \t\n\f\r\u00a0]+")


# One regex finds each piece of markup; the text between pieces is data. It tokenises as
# html.parser does for ordinary markup (a quoted attribute value may hold ">", comments end at
# "-->", script/style bodies are raw text) but costs one regex step per tag, not a Python call
# chain: html.parser spent ~50 s on 20 MB of tag-dense HTML, this ~3 s.
_MARKUP = re.compile(
    r"""<(?:
        (?P<start>[a-zA-Z][^\t\n\r\f />\x00]*)
            (?P<attrs>(?>[^>=]+|=\s*+"[^"]*+"|=\s*+'[^']*+'|=)*+)>
      | /(?P<end>[a-zA-Z][^\t\n\r\f />\x00]*)[^>]*+>
      | !--(?:-?>|.*?--!?\s*>)
      | !\[CDATA\[.*?\]\]>
      | (?P<open>!--|!\[CDATA\[).*\Z
      | [!?/][^>]*+>
    )""",
    re.VERBOSE | re.DOTALL,
)
_RAW_END = {tag: re.compile(rf"</\s*{tag}\s*>", re.IGNORECASE) for tag in ("script", "style")}
_ATTR = re.compile(r"""([^\s/>=][^\s/=>]*)(?:\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?""")


def _attrs(raw: str) -> dict[str, str]:
    """Attributes of a start tag (names lower-cased, values unquoted and unescaped)."""
    out: dict[str, str] = {}
    for m in _ATTR.finditer(raw):
        name, value = m.group(1).lower(), m.group(2) or ""
        if value[:1] in ("'", '"') and value[-1:] == value[:1] and len(value) >= 2:
            value = value[1:-1]
        out.setdefault(name, html.unescape(value) if "&" in value else value)
    return out


class _TextExtractor:
    """Blocks of text from a page, the containers they sit in, and the page's title/date."""

    def __init__(self, *, drop: frozenset[str]) -> None:
        self.drop = drop
        # Tags a start (end) tag can matter for; every other tag only separates text.
        self.start_tags = drop | _BLOCK | {"title", "meta", "form", "time", "br", "td", "th"}
        self.end_tags = drop | _BLOCK | {"title"}
        self.skipping: list[str] = []
        self.skip_counts: dict[str, int] = {}
        self.blocks: list[str] = []
        # (tag, first block, end block or None while open); a container's blocks are contiguous.
        self.containers: list[list] = []
        self.open_containers: list[int] = []
        self.buffer: list[str] = []
        self.pre_depth = 0
        self.title_parts: list[str] | None = None
        self.title = ""
        self.og_title = ""
        self.published: str | None = None
        self.h1: str | None = None
        self.h1_parts: list[str] | None = None
        self.saw_form = False

    def feed(self, text: str) -> None:
        search = _MARKUP.search
        start_tags, end_tags = self.start_tags, self.end_tags
        pos, n = 0, len(text)
        # No markup ends after the last ">"; searching up to it keeps a stray "<b" in text
        # from scanning to the end of the page each time (quadratic on "a<b" prose).
        limit = text.rfind(">") + 1
        while pos < n:
            m = search(text, pos, limit)
            if m is None:
                tail = text[pos:]
                comment = tail.find("<!--")  # unterminated: it runs to the end of the page
                self.data(tail if comment < 0 else tail[:comment])
                break
            i = m.start()
            if i > pos:
                self.data(text[pos:i])
            pos = m.end()
            kind = m.lastgroup  # "attrs" for a start tag, "end" for an end tag, else None
            if kind == "attrs":
                tag, attrs = m.group(1, 2)
                tag = tag.lower()
                if attrs.endswith("/"):
                    if tag in start_tags:
                        self.startendtag(tag, attrs)
                    continue
                if tag in start_tags:
                    self.starttag(tag, attrs)
                if tag in _RAW_END:  # raw text up to the matching end tag (dropped with its tag)
                    close = _RAW_END[tag].search(text, pos)
                    if close is None:
                        break  # as html.parser: an unclosed script swallows the rest
                    if close.start() > pos:
                        self.data(text[pos : close.start()])
                    pos = close.end()
                    self.endtag(tag)
            elif kind == "end":
                tag = m.group(3).lower()
                if tag in end_tags:
                    self.endtag(tag)
            elif kind == "open":
                break  # an unterminated comment runs to the end of the page (as in browsers)
            # comments, declarations, processing instructions: nothing to keep
        self._flush()

    def starttag(self, tag: str, raw_attrs: str) -> None:
        if tag == "title":
            self.title_parts = []
            return
        if tag == "meta":
            self._meta(_attrs(raw_attrs))
            return
        if tag == "form":
            self.saw_form = True
        if self.skipping:
            if tag in self.drop and tag not in _VOID:
                self._skip(tag)
            return
        if tag in self.drop and tag not in _VOID:
            self._flush()
            self._skip(tag)
            return
        if tag == "time" and self.published is None:
            self.published = _iso_date(_attrs(raw_attrs).get("datetime") or "")
        if tag == "br":
            self.buffer.append(_BR)
        elif tag in _BLOCK:
            self._flush()
            if tag == "pre":
                self.pre_depth += 1
            if tag in _CONTAINERS:
                self.open_containers.append(len(self.containers))
                self.containers.append([tag, len(self.blocks), None])
            if tag == "h1" and self.h1 is None:
                self.h1_parts = []
        elif tag in ("td", "th"):
            self.buffer.append(" ")

    def startendtag(self, tag: str, raw_attrs: str) -> None:
        if tag == "meta":
            self._meta(_attrs(raw_attrs))
        elif not self.skipping and tag == "br":
            self.buffer.append(_BR)
        elif not self.skipping and tag in _BLOCK:
            self._flush()

    def endtag(self, tag: str) -> None:
        if tag == "title" and self.title_parts is not None:
            self.title = "".join(self.title_parts)
            self.title_parts = None
            return
        if self.skipping:
            if self.skip_counts.get(tag):
                while self.skipping:
                    top = self.skipping.pop()
                    self.skip_counts[top] -= 1
                    if top == tag:
                        break
            return
        if tag in _BLOCK:
            if tag == "h1" and self.h1_parts is not None:
                self.h1 = " ".join("".join(self.h1_parts).split()) or None
                self.h1_parts = None
            self._flush()
            if tag == "pre" and self.pre_depth:
                self.pre_depth -= 1
            if tag in _CONTAINERS:
                for i in range(len(self.open_containers) - 1, -1, -1):
                    if self.containers[self.open_containers[i]][0] == tag:
                        for cid in self.open_containers[i:]:
                            self.containers[cid][2] = len(self.blocks)
                        del self.open_containers[i:]
                        break

    def data(self, data: str) -> None:
        if self.skipping and self.title_parts is None:
            return
        if "&" in data:
            data = html.unescape(data)
            data = CONTROL_CHARS.sub("", data)  # character references can produce controls
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.skipping:
            return
        self.buffer.append(data)
        if self.h1_parts is not None:
            self.h1_parts.append(data)

    def _skip(self, tag: str) -> None:
        self.skipping.append(tag)
        self.skip_counts[tag] = self.skip_counts.get(tag, 0) + 1

    def _meta(self, attrs: dict[str, str]) -> None:
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        content = attrs.get("content") or ""
        if key in ("og:title", "twitter:title") and not self.og_title:
            self.og_title = content
        elif key in ("article:published_time", "date", "dc.date", "pubdate") and not self.published:
            self.published = _iso_date(content)

    def _flush(self) -> None:
        if not self.buffer:
            return
        raw = "".join(self.buffer)
        self.buffer.clear()
        if self.pre_depth:
            lines = [line.rstrip() for line in raw.replace(_BR, "\n").strip("\n").split("\n")]
        elif _BR not in raw:
            text = _SPACES.sub(" ", raw).strip()
            if text:
                self.blocks.append(text)
            return
        else:
            lines = [_SPACES.sub(" ", line).strip() for line in raw.split(_BR)]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(text)


def parse_html(text: str) -> Parsed:
    """HTML -> paragraphs separated by blank lines; scripts, navigation and chrome dropped."""
    extractor = _extract(text, drop=_DROP)
    if not extractor.blocks and extractor.saw_form:
        # Some sites wrap the whole page in one <form>; read it rather than report nothing.
        extractor = _extract(text, drop=_DROP - {"form", "button"})
    blocks = _main_content(extractor)
    title = extractor.og_title.strip() or extractor.h1 or extractor.title.strip() or None
    return Parsed("\n\n".join(blocks), title, extractor.published)


def _extract(text: str, *, drop: frozenset[str]) -> _TextExtractor:
    extractor = _TextExtractor(drop=drop)
    extractor.feed(text)
    return extractor


def _main_content(extractor: _TextExtractor) -> list[str]:
    """The text of <main> when there is one, else of the largest <article>, else all of it."""
    blocks = extractor.blocks
    offsets = [0]
    for block in blocks:
        offsets.append(offsets[-1] + len(block))
    for tag in _CONTAINERS:
        best, best_size = None, 0
        for t, first, end in extractor.containers:
            end = len(blocks) if end is None else end
            size = offsets[end] - offsets[first]
            if t == tag and size > best_size:
                best, best_size = (first, end), size
        if best:
            return blocks[best[0] : best[1]]
    return blocks
