"""Article files -> :class:`~places.model.Article`: plain text, Markdown and HTML.

Bytes are decoded (BOM, HTML ``<meta charset>``, strict UTF-8, then charset-normalizer, cp1252,
latin-1), line endings normalised and control characters dropped.  Markdown loses its syntax
and HTML its markup and page furniture, so ``Article.text`` is the clean text that every
offset downstream refers to.  Each way a file can be unusable gives one :class:`ArticleError`
whose message names the file and says what is wrong.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import operator
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from places.errors import ArticleError
from places.model import Article

DEFAULT_MAX_BYTES = 50_000_000
TITLE_MAX_CHARS = 120

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ".asc", ""})

# Leading bytes of common binary formats, and what to call them in a message.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"OggS", "an audio file"),
    (b"fLaC", "an audio file"),
    (b"ID3", "an audio file"),
    (b"\x00\x00\x01\x00", "an icon image"),
    (b"wOFF", "a font"),
    (b"wOF2", "a font"),
    (b"{\\rtf", "an RTF document"),
)
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "an audio file", b"AVI ": "a video file"}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters other than tab and newline; form feed and vertical tab become newlines.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HAS_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True, slots=True)
class _Parsed:
    text: str
    title: str | None = None
    published: str | None = None


def load_article(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read an article file (.txt, .md, .html; unknown suffixes are read as text if they are text)."""
    shown = os.fspath(path)
    p = Path(shown).expanduser()
    data = _read_bytes(p, shown, max_bytes=max_bytes)
    if not data:
        raise ArticleError(f"Cannot open {shown}: the file is empty.")
    suffix = p.suffix.lower()
    kind = _binary_kind(data)
    if kind:
        raise ArticleError(f"Cannot open {shown}: it is {kind}, not text. Gazette reads plain text, Markdown and HTML.")
    is_html = suffix in HTML_SUFFIXES or (
        suffix not in TEXT_SUFFIXES | MARKDOWN_SUFFIXES and _looks_like_html(data)
    )
    text = _decode(data, shown, html_meta=is_html)
    if _mostly_control(text):
        raise ArticleError(f"Cannot open {shown}: it is a binary file, not text.")
    text = normalise_text(text)
    if is_html:
        parsed = parse_html(text)
    elif suffix in MARKDOWN_SUFFIXES:
        parsed = parse_markdown(text)
    else:
        parsed = _Parsed(text.strip("\n"))
    if not _HAS_WORD.search(parsed.text):
        what = " (only scripts, styles or page furniture)" if is_html else ""
        raise ArticleError(f"Cannot open {shown}: it has no readable text{what}.")
    resolved = p.resolve()
    return Article(
        id=article_id(resolved),
        title=_bounded_title(parsed.title) or first_line_title(parsed.text) or p.stem or shown,
        text=parsed.text,
        source=str(resolved),
        published=parsed.published,
    )


def article_from_text(
    text: str, *, id: str, title: str | None = None, source: str = "", published: str | None = None
) -> Article:
    """An Article from text already in memory (pasted, or from a JSONL corpus)."""
    clean = normalise_text(text)
    return Article(
        id=id,
        title=_bounded_title(title) or first_line_title(clean) or id,
        text=clean,
        source=source,
        published=published,
    )


def article_id(path: Path) -> str:
    """Stable id for a file: a readable slug of its stem plus a short hash of the resolved path."""
    stem = unicodedata.normalize("NFKD", path.stem)
    stem = "".join(c for c in stem if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:40].strip("-") or "article"
    digest = hashlib.sha1(os.fsencode(str(path))).hexdigest()[:8]
    return f"{slug}-{digest}"


def normalise_text(text: str) -> str:
    """Line endings to ``\\n``; control characters (NUL included) dropped, tabs and newlines kept."""
    # str.replace, not a regex alternation: ~40x faster over megabytes.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    return _CONTROL.sub("", text)


def first_line_title(text: str) -> str:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return _bounded_title(line) or ""
    return ""


def _bounded_title(title: str | None) -> str | None:
    if not title:
        return None
    title = " ".join(title.split())
    if len(title) <= TITLE_MAX_CHARS:
        return title or None
    cut = title[: TITLE_MAX_CHARS - 1]
    space = cut.rfind(" ")
    if space > TITLE_MAX_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


# --- reading and decoding -----------------------------------------------------------------


def read_error_reason(err: OSError) -> str:
    """Why a file could not be read, as the end of a sentence: ``"permission denied."``."""
    if isinstance(err, FileNotFoundError):
        return "there is no such file."
    if isinstance(err, PermissionError):
        return "permission denied."
    if isinstance(err, IsADirectoryError):
        return "it is a folder, not a file."
    return f"{err.strerror or err}."


def _read_bytes(p: Path, shown: str, *, max_bytes: int) -> bytes:
    try:
        st = os.stat(p)
    except OSError as err:
        raise ArticleError(f"Cannot open {shown}: {read_error_reason(err)}") from err
    if stat.S_ISDIR(st.st_mode):
        raise ArticleError(f"Cannot open {shown}: it is a folder, not a file.")
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or device could block forever or never end.
        raise ArticleError(f"Cannot open {shown}: it is not a regular file.")
    if st.st_size > max_bytes:
        raise ArticleError(
            f"Cannot open {shown}: it is {_size(st.st_size)}, larger than the {_size(max_bytes)} limit for an article."
        )
    try:
        with open(p, "rb") as f:
            data = f.read(max_bytes + 1)  # files in /proc and the like report size 0
    except OSError as err:
        raise ArticleError(f"Cannot open {shown}: {read_error_reason(err)}") from err
    if len(data) > max_bytes:
        raise ArticleError(f"Cannot open {shown}: it is larger than the {_size(max_bytes)} limit for an article.")
    return data


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB"
    return f"{n} bytes"


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    head = data[:65536]
    # Compressed or random bytes are ~10% C0 controls; text with a stray NUL is far below 3%.
    controls = len(_BINARY_CONTROLS.findall(head))
    if controls > max(4, 0.03 * len(head)) and _utf16_without_bom(head) is None:
        return "a binary file"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit in every other byte, as in BOM-less UTF-16 text."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _mostly_control(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    bad = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    return bad > 0.1 * len(sample)


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article"))


def _decode(data: bytes, shown: str, *, html_meta: bool) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], encoding, shown)
    utf16 = _utf16_without_bom(data[:65536]) if 0 in data[:65536] else None
    if utf16:
        return _decode_as(data, utf16, shown)
    if html_meta:
        declared = _declared_charset(data)
        if declared:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass  # a wrong declaration is common; fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = _detect(data)
    if guess:
        return data.decode(guess, errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _decode_as(data: bytes, encoding: str, shown: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        if text.count("\ufffd") > 0.01 * max(1, len(text)):
            raise ArticleError(f"Cannot open {shown}: it claims to be {encoding.upper()} text but is not.") from None
        return text


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # As browsers do (WHATWG Encoding): latin-1 and ASCII labels mean windows-1252; a UTF-16
    # label in an ASCII-compatible page can only be wrong.
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return None
    return codec


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes  # imported on first use: most files decode without it
    # Detecting on the first megabyte is as good as on all of it, and much faster.
    matches = list(from_bytes(data[:1_000_000]))
    if not matches:
        return None
    best = matches[0]
    # Short texts fit several code pages about equally well; then the common one is the
    # likely one (cp1252 over cp1250 for "naïve", cp1251 over mac_cyrillic for Russian).
    close = [m for m in matches if m.chaos <= best.chaos + 0.02 and m.coherence >= best.coherence - 0.15]
    close.sort(key=lambda m: _COMMON_ENCODINGS.index(m.encoding) if m.encoding in _COMMON_ENCODINGS else 99)
    try:
        return codecs.lookup(close[0].encoding).name
    except LookupError:
        return None


_COMMON_ENCODINGS = (
    "utf_8", "cp1252", "cp1251", "cp1250", "iso8859_15", "cp1253", "cp1254", "cp1257", "koi8_r",
    "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr", "cp1255", "cp1256", "cp874", "iso8859_2",
)  # fmt: skip


# --- Markdown -----------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^\s{0,3}(?:>[ \t]?)+")
_LIST = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]|\([^)\n]*\))*(?:[ \t]+\"[^\"\n]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_INLINE_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[ \t][^<>\n]*)?/?>")
_CODE = re.compile(r"(`+)(.+?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# Replacements as C callables: a template like r"\1" costs a Python call per match on 3.11.
_G1, _G2 = operator.itemgetter(1), operator.itemgetter(2)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def parse_markdown(text: str) -> _Parsed:
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
            line = heading.group(1)
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
    return _Parsed(clean, title, published)


def _inline_markdown(text: str) -> str:
    """Inline Markdown of one line or several (no rule spans a line break)."""
    # Escaped characters and code spans are held out of the other rules and restored last.
    # Each rule runs only when its marker occurs: a regex scan of megabytes is not free.
    held: list[str] = []

    def hold(value: str) -> str:
        held.append(value)
        return f"\x00{len(held) - 1}\x00"

    if "`" in text:  # code spans first: a backslash inside one is literal
        text = _CODE.sub(lambda m: hold(m.group(2).strip() or m.group(2)), text)
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
            text = _STRONG.sub(_G2, text)
            text = _EM_STAR.sub(_G1, text)
        if "_" in text:
            text = _STRONG.sub(_G2, text) if "__" in text else text
            text = _EM_UNDER.sub(_G1, text)
        if "~~" in text:
            text = _STRIKE.sub(_G1, text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if held:
        text = re.sub("\x00(\\d+)\x00", lambda m: held[int(m.group(1))], text)
    return text


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
            data = _CONTROL.sub("", data)  # character references can produce controls
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


def parse_html(text: str) -> _Parsed:
    """HTML -> paragraphs separated by blank lines; scripts, navigation and chrome dropped."""
    extractor = _extract(text, drop=_DROP)
    if not extractor.blocks and extractor.saw_form:
        # Some sites wrap the whole page in one <form>; read it rather than report nothing.
        extractor = _extract(text, drop=_DROP - {"form", "button"})
    blocks = _main_content(extractor)
    title = extractor.og_title.strip() or extractor.h1 or extractor.title.strip() or None
    return _Parsed("\n\n".join(blocks), title, extractor.published)


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
