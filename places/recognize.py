"""Text -> candidate place-name spans: longest match over the gazetteer's names, then rules.

A span starts and ends on a capitalised token (or an all-caps abbreviation such as US, UAE,
D.C.); inside it only connectors ("of", "on", "upon", "de", ...) may be lower case, which keeps
"Komsomolsk-on-Amur" whole while "Moscow-Pyongyang" splits into two names. Rules then drop
person names (titles, first names, "Kim Jong-un", a name already seen as a person), weekdays,
months, demonyms, and names that head an organisation or a street ("Washington Post",
"Oxford Street"). Candidates whose reading is doubtful (a common English word, a name glued to
another capitalised word) are marked ``weak`` and kept by the resolver only with support
from the document.
"""

from __future__ import annotations

__all__ = ["CHUNK_CHARS", "Candidate", "RecognizeOptions", "Tokens", "recognize"]

import bisect
import re
from itertools import accumulate, compress, count, islice
from operator import itemgetter
from dataclasses import dataclass, replace
from typing import NamedTuple

from places.gazetteer import Gazetteer
from places.indexformat import fold, token_key
from places.model import Kind


@dataclass(frozen=True, slots=True)
class RecognizeOptions:
    """Switches for the rules (all on by default); used by ablation runs."""

    person_rules: bool = True
    org_rules: bool = True
    stopwords: bool = True
    state_patterns: bool = True
    fallback_cues: bool = True
    demonyms: bool = False  # map "Russian" to Russia (some corpora annotate demonyms; the seed does not)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span that may name a place; ``indices`` are gazetteer rows, best prior first."""

    start: int
    end: int
    text: str
    key: str
    indices: tuple[int, ...]
    weak: bool = False
    region_hint: int | None = None  # the state/province row of "City, State"
    common: bool = False  # a common word here (sentence-initial, lower case elsewhere): needs strong support
    unknown: bool = False  # not in the gazetteer; only for the online fallback
    cue: str = ""  # why an unknown name is worth asking the fallback: "facility" or "in"
    division: Kind | None = None  # the text calls it a division: REGION/COUNTY ("Varna Province")
    aviation: bool = False  # its sentence talks of flights or airports: an airport reading gains
    associative: bool = False  # a demonym ("Russian"): it involves its country without naming a place
    glued: bool = False  # a capitalised word right before or after it ("United States Department", "Radio Pyongyang")
    listed: bool = False  # one of a list of countries ("Ghana, Niger, Nigeria and Togo"): the country, not a namesake


class _Tok(NamedTuple):
    start: int
    end: int
    text: str
    key: str
    cap: bool
    caps: bool  # all-caps abbreviation
    sent_start: bool
    sep: str = ""  # the characters between the previous token and this one


_new_tok = tuple.__new__  # a _Tok without the Python-level __new__: texts have many


CONNECTORS = frozenset(
    "of on upon de del della der des di da do du la le les los las el al am an and the y en sur sous "
    "im in au aux s".split()
)
TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady king queen prince princess president vice premier
    chancellor minister secretary gov governor sen senator rep representative congressman congresswoman
    mayor judge justice sheriff deputy officer sgt sergeant lt lieutenant capt captain col colonel gen general
    adm admiral cpl corporal pvt private det detective chief coach pastor rev reverend father bishop pope
    saint commissioner councilman councilwoman councilor trooper agent attorney
    spokesman spokeswoman spokesperson professor principal superintendent director dean chairman
    chairwoman ceo pres uncle aunt brother sister mother grandmother grandfather""".split()
)
WEEKDAYS_MONTHS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun""".split()
)
# Common first names (our own list): a place-looking word right after one is a surname.
FIRST_NAMES = frozenset(
    """james john robert michael william david richard joseph thomas charles christopher daniel matthew
    anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason
    jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel
    gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas
    zachary peter kyle ethan walter noah jeremy christian keith roger terry gerald harold sean austin carl
    arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan albert willie alan juan wayne
    elijah randy roy vincent ralph eugene russell bobby mason philip louis mary patricia jennifer linda
    elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily
    donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen
    amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel
    carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren
    christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara
    madison frances kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn
    danielle beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori
    vladimir dmitry sergei sergey igor boris mikhail alexei nikolai ivan viktor yuri oleg dmitri
    barack hillary bill hilary ted newt mitt rick jeb rand tim harry gordon tony nick jim tom bob
    mike dave steve chris ben dan sam ken ron don jon rob greg jeff matt andy pat ray fred ed al
    kim jong xi hu li wang mohammed muhammad ahmed ali hassan omar abdul""".split()
)
# Words before a name that do not make it the tail of a longer proper noun.
LEADS = frozenset("the in at of from to for and or but near by a an".split())
# Organisations whose names are also towns somewhere (our own list).
ORGANISATIONS = frozenset(
    """hamas hezbollah hizbollah fatah taliban nato opec interpol isis isil reuters bloomberg
    walmart wal mart target amazon apple google microsoft facebook twitter
    honda toyota nissan chrysler dodge chevrolet chevy buick cadillac lexus boeing airbus""".split()
)
# Words after a place name that make the whole an organisation, street or title, not a place.
ORG_HEADS = frozenset(
    """street st avenue ave road rd boulevard blvd drive dr lane ln way court ct place pl parkway pkwy
    highway hwy school college university univ academy institute hospital clinic church cathedral
    post times herald journal tribune gazette news daily chronicle observer telegraph sun star record
    press register inquirer examiner review magazine bee globe citizen bulletin standard mirror express
    airlines airways railway railroad company co corp corporation inc ltd group bank bancorp
    hotel mall center centre plaza stadium arena park square bridge dam hall building tower
    club team fc united rangers braves falcons bulldogs tigers""".split()
)
# Capitalised common English words that are also town names; kept only with support.
COMMON_WORDS = frozenset(
    """the a an this that these those it its he she they we you i his her their our my your
    in on at by for from with of to as or and but if so no not all any each every some many most more
    new old good best great big little long high low early late first last next north south east west
    central western eastern northern southern upper lower middle
    will may can could would should must might shall do does did done is are was were be been being
    have has had here there where when what who whom which why how
    after before during since until while about above across against along among around behind below
    beneath beside between beyond down inside near off out outside over past through under up within
    without also just only even still then once again already always never ever very much such
    home house office city town county state country nation world time day week year today tonight
    police fire court school church hospital center park lake river mountain valley beach bay island
    union liberty independence freedom hope faith unity victory justice peace friendship harmony
    providence concord commerce industry enterprise progress opportunity mission reform republic
    royal prince king queen bishop cardinal pope
    man woman boy girl family friend people children child baby
    black white green brown gray grey red blue orange gold silver golden pink rose
    mobile reading bath nice eagle buffalo beaver bear wolf fox deer lion
    energy power water oil gas coal steel iron
    march june august christmas easter
    sunday monday
    government council department committee board agency service services authority association
    democrat democrats democratic republican republicans party senate congress
    god lord jesus christ
    ok okay yes please thanks thank
    star sun moon
    university college academy institute
    sales marketing media
    several few both either neither
    according however meanwhile moreover
    yesterday tomorrow
    said says say tell told
    jobs job
    mercy grace charity
    paradise eden
    salem bethel canaan goshen shiloh zion
    pacific atlantic arctic tropical coastal federal national international global
    gulf marine force reserve forest grove lakeview hills heights meadow""".split()
)
# Words that are never a place on their own, though some town somewhere bears the name.
NEVER_ALONE = frozenset(
    """one two three four five six seven eight nine ten hundred thousand none earth war law leader section
    pack chamber market trail wilderness area olympic olympics continental english french spanish german
    christian passover rodeo titan grand metro northeast northwest southeast southwest midtown downtown
    uptown city town village county state province district region north south east west
    zoo lead needle federal homeland simian give mill arab arabs sens reps
    island islands isle lake lakes river rivers mount mt mountain mountains port sea seas ocean gulf bay
    strait straits cape peninsula valley creek harbor harbour canal channel coast beach point""".split()
)
# Generic feature words that begin a name with "of" ("Sea of Marmara") or without ("Lake Geneva",
# "Mount Everest"); when the whole is unknown, the word after them is not a town of that name.
FEATURE_HEADS = frozenset("sea gulf bay strait straits lake mount mt cape isle island islands".split())
# Generic feature words after a name ("Marmara Sea", "Snake Island"): the whole is a feature named
# after the town (if any), not the town.
FEATURE_TAILS = frozenset(
    "sea ocean gulf bay strait straits lake river island islands isle peninsula mountains canal channel".split()
)
# "in X", "near X": an unknown capitalised X after these is worth asking an online geocoder about.
PLACE_PREPOSITIONS = frozenset("in near outside".split())
DISEASE_WORDS = frozenset("virus viruses fever flu influenza disease syndrome".split())
# Place-name suffixes that may follow a name without making it an organisation.
PLACE_FOLLOWERS = frozenset(
    """police sheriff city department fire mayor state public community district council town
    county parish area regional metro metropolitan township village borough municipal""".split()
)
# Words beside a name that say it is the administrative division, not the town named like it
# ("Varna Province", "the Murmansk region", "the state of Washington", "canton of Geneva"), with
# the division kinds each may name, preferred first: a "county" is first-level in Romania or
# Kenya, second-level in the US; a "province" second-level in the Philippines; a "state" never is.
DIVISION_WORDS: dict[str, tuple[Kind, ...]] = {
    **dict.fromkeys("region oblast oblasts canton state governorate prefecture krai kray voivodeship".split(),
                    (Kind.REGION,)),
    **dict.fromkeys(("province", "provinces"), (Kind.REGION, Kind.COUNTY)),
    "county": (Kind.COUNTY, Kind.REGION),
}
_TOWNLIKE = (Kind.CITY, Kind.COUNTY)
_STATELIKE = (Kind.REGION, Kind.COUNTRY)  # what may follow "City, "
# Words after an unknown capitalised name that mark a facility worth asking the fallback about.
FACILITY_CUES = frozenset(
    """cosmodrome spaceport airport airfield air base naval shipyard port harbour harbor station
    reactor plant mine dam canal strait island islands peninsula bay gulf sea lake river mountains""".split()
)


_TAIL_WORDS = FEATURE_TAILS | {"desert"}
# Words after a place name that make it part of a job title ("West Africa correspondent").
JOB_WORDS = frozenset("correspondent correspondents editor editors reporter reporters bureau desk".split())
# Place names that are also common first names, for the person guard ("Chad Smith", "Georgia
# Brown", "Paris Hilton"): before a surname they are a person unless the name goes on as a place.
PLACE_FIRST_NAMES = frozenset(
    """chad georgia jordan paris sydney florence austin dallas victoria israel kenya india asia
    charlotte madison savannah aurora phoenix denver houston orlando eugene tyler jackson marion
    camden brooklyn chelsea adelaide regina augusta alexandria sofia vienna dakota carolina virginia
    lincoln cleveland""".split()
)
_AVIATION_RE = re.compile(
    r"\b(?:airports?|flights?|flew|fly|flying|landed|landing|runways?|terminals?|passengers?|airlines?|"
    r"planes?|jets?|airliner|departures?|arrivals?|aviation|take-?off)\b", re.IGNORECASE)

# Words that keep an unknown "in X" from being asked about (a date, a person, a common word).
_NOT_IN_UNKNOWN_NAMES = WEEKDAYS_MONTHS | COMMON_WORDS | FIRST_NAMES | TITLES | NEVER_ALONE | ORG_HEADS

_OPENERS = " \t\"'“‘(«["
_ENDERS = ".!?:\n\u2014"


# Split at the tokens (kept, a group): separators and tokens alternate, a separator first and
# last. The pattern is TOKEN_RE (abbreviations "U.S.", else a run of letters and digits) written
# to start with a character class, so the regex engine skips separators fast; a search for the
# next token fails at once on a non-word character, so a run of punctuation costs one step per
# character. tests/places/test_recognize.py holds it to TOKEN_RE.
_TOKEN_PATTERN = r"[^\W_](?:(?<=[^\W\d_])\.(?:[^\W\d_]\.)+|[^\W_]*+)"
_TOKEN_SPLIT_UNICODE = re.compile(f"({_TOKEN_PATTERN})", re.UNICODE).split
# The same pattern for ASCII letters and digits only, as ranges: twice as fast (no Unicode class
# per character), and the same cut of a text in which no character beyond ASCII is a letter or
# digit (curly quotes and dashes are separators either way), which is most news text.
_TOKEN_SPLIT_ASCII = re.compile(r"([A-Za-z0-9](?:(?<=[A-Za-z])\.(?:[A-Za-z]\.)+|[A-Za-z0-9]*+))").split
_NON_ASCII = re.compile(r"[^\x00-\x7f]").findall


def _split_tokens(piece: str) -> list[str]:
    if piece.isascii() or not any(map(str.isalnum, _NON_ASCII(piece))):
        return _TOKEN_SPLIT_ASCII(piece)
    return _TOKEN_SPLIT_UNICODE(piece)


class Tokens:
    """The text's tokens; a :class:`_Tok` is built only when asked for (most are never needed:
    recognition visits capitalised words and their neighbours)."""

    __slots__ = ("_seps", "_words", "_ends", "_toks", "_lower", "_mid_caps", "caps", "n", "state_rows", "strings",
                 "facts")

    def __init__(self, text: str, lo: int = 0, hi: int | None = None, strings: dict[str, str] | None = None) -> None:
        """The tokens of ``text[lo:hi]``, with offsets into the whole ``text``."""
        # One split in C gives separators and words alternately (the text's end is a last
        # separator); the columns are slices and running sums of it, with no tuple per token.
        piece = text if lo == 0 and hi is None else text[lo:hi]  # only texts over CHUNK_CHARS are cut
        parts = _split_tokens(piece)
        seps, words = parts[0:-1:2], parts[1::2]
        self._seps: list[str] = seps
        self._words: list[str] = words
        self._ends = list(islice(accumulate(map(len, parts), initial=lo), 2, None, 2))
        self.caps = list(compress(count(), map(str.isupper, map(itemgetter(0), words))))
        self.n = len(words)
        self._lower: frozenset[str] | None = None
        # "City, X": X's state or country row by key (a text naming one city 300,000 times asks 300,000 times)
        self.state_rows: dict[str, int | None] = {}
        self.strings = {} if strings is None else strings  # one str object per distinct name and key
        self._toks: list[_Tok | None] = self._capitalised()
        self.facts: dict[tuple[str, str], bool] = {}  # word-only lookups, asked once per text
        self._mid_caps: frozenset[str] | None = None

    def _capitalised(self) -> list[_Tok | None]:
        """The tokens list with the capitalised ones built (recognition visits nearly all of them),
        the others None (built when asked for: most are never needed)."""
        toks: list[_Tok | None] = [None] * self.n
        words, seps, ends, strings = self._words, self._seps, self._ends, self.strings
        for i in self.caps:
            word, sep, end = words[i], seps[i], ends[i]
            if sep == " ":  # the common case: mid-sentence unless the text's first word
                sent_start = i == 0
            else:
                core = sep.rstrip(_OPENERS)
                sent_start = i == 0 or "\n" in sep or (bool(core) and core[-1] in _ENDERS)
            key = token_key(word)
            toks[i] = _new_tok(_Tok, (end - len(word), end, word, strings.setdefault(key, key), True,
                                      len(word) >= 2 and word.isupper(), sent_start, sep))
        return toks

    def mid_sentence_caps(self) -> frozenset[str]:
        """Keys of the capitalised words that stand somewhere other than at a sentence's start."""
        if self._mid_caps is None:
            out = set()
            for k in self.caps:  # from the raw words: building every token costs more
                sep = self._seps[k]
                core = sep.rstrip(_OPENERS)
                if k and "\n" not in sep and not (core and core[-1] in _ENDERS):
                    out.add(token_key(self._words[k]))
            self._mid_caps = frozenset(out)
        return self._mid_caps

    def has_lower(self, key: str) -> bool:
        """Does the text use this word in lower case somewhere?"""
        if self._lower is None:
            words = self._words
            self._lower = frozenset(compress(words, map(str.islower, map(itemgetter(0), words))))
        return key in self._lower

    def __len__(self) -> int:
        return self.n

    def built(self, i: int) -> _Tok | None:
        """The token at ``i`` if it was already built, else None (no work)."""
        return self._toks[i]

    def __getitem__(self, i: int) -> _Tok:
        tok = self._toks[i]
        if tok is None:
            if i < 0:
                raise IndexError(i)
            word, sep, end = self._words[i], self._seps[i], self._ends[i]  # not capitalised: see _capitalised
            tok = self._toks[i] = _new_tok(_Tok, (end - len(word), end, word, word.lower(), False, False, False, sep))
        return tok

    def span(self, i: int, j: int) -> list[_Tok]:
        return [self[k] for k in range(i, min(j, self.n))]

    def __iter__(self):
        return (self[i] for i in range(self.n))


_JOINERS = frozenset((" ", "-", "'", "’", ". ", ".", "–"))  # separators inside one name


# Longer texts are recognised in pieces cut at line breaks: the token tables of a whole 20 MB
# text took about 1 GB. Persons found in one piece stay persons in the next.
CHUNK_CHARS = 256_000


def recognize(text: str, gazetteer: Gazetteer, *, options: RecognizeOptions = RecognizeOptions()) -> list[Candidate]:
    """Candidate place names in ``text``, in text order, non-overlapping."""
    if len(text) <= CHUNK_CHARS:
        return _country_lists(_recognize(text, gazetteer, options, set()), text, gazetteer)
    out: list[Candidate] = []
    persons: set[str] = set()
    strings: dict[str, str] = {}
    lo = 0
    while lo < len(text):
        hi = _chunk_end(text, lo)
        out.extend(_recognize(text, gazetteer, options, persons, lo=lo, hi=hi, strings=strings))
        lo = hi
    return _country_lists(out, text, gazetteer)


# What joins two items of a list: "Ghana, Niger", "Niger and Nigeria", "Mali, or the Gambia".
_LIST_GAP = re.compile(r"(?:,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+)(?:the\s+)?")


def _country_lists(cands: list[Candidate], text: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Mark the names of a list of countries (``listed``): three or more country names joined by
    commas or "and"/"or", or two joined by "and"/"or". "Niger, Nigeria and Togo" is the country
    Niger, not Nigeria's Niger State; one comma between two names ("Georgia, USA") may be "State,
    Country" and is left to the resolver."""
    links = []  # (k, joined by a word): candidates k and k + 1 are neighbours in a list
    row = gazetteer.row
    for k in range(len(cands) - 1):
        a, b = cands[k], cands[k + 1]
        if (b.start - a.end <= 8 and a.indices and b.indices and a.key != b.key and not a.division and not b.division
                and _LIST_GAP.fullmatch(text, a.end, b.start) and row(a.indices[0]).kind is Kind.COUNTRY
                and row(b.indices[0]).kind is Kind.COUNTRY):
            gap = text[a.end:b.start]
            links.append((k, "and" in gap or "or" in gap))
    if not links:
        return cands
    out = list(cands)
    chain: list[tuple[int, bool]] = []
    for link in links + [(-2, False)]:
        if chain and link[0] != chain[-1][0] + 1:
            if len(chain) >= 2 or chain[0][1]:
                for k in range(chain[0][0], chain[-1][0] + 2):
                    out[k] = replace(out[k], listed=True)
            chain = []
        chain.append(link)
    return out


def _chunk_end(text: str, lo: int) -> int:
    """End of the piece starting at ``lo``: just after a line break (else a space) past the limit."""
    limit = lo + CHUNK_CHARS
    if limit >= len(text):
        return len(text)
    for sep in ("\n", " "):
        cut = text.find(sep, limit, limit + CHUNK_CHARS // 4)
        if cut >= 0:
            return cut + 1
    return limit


def _recognize(text: str, gazetteer: Gazetteer, options: RecognizeOptions, persons: set[str], *, lo: int = 0,
               hi: int | None = None, strings: dict[str, str] | None = None) -> list[Candidate]:
    """The candidates of ``text[lo:hi]`` (offsets into the whole text; no copy of the piece)."""
    toks = Tokens(text, lo, hi, strings)
    n = len(toks)
    out: list[Candidate] = []
    if options.person_rules:
        persons.update(_surnames(toks, gazetteer))
    max_tokens = gazetteer.max_tokens
    airports = gazetteer.airport_rows[0]  # airports are the index's last rows
    i = 0
    caps = toks.caps
    # The raw words and separators where a token's case or separator is all a test needs
    # (building a token costs more than the test).
    words, seps, built_toks = toks._words, toks._seps, toks._toks
    person_rules = options.person_rules
    key_info = gazetteer.key_info
    while i < n:
        built = built_toks[i]
        if built is None or not built.cap:
            k = bisect.bisect_left(caps, i)
            if k == len(caps):
                break
            i = caps[k]
        t = built_toks[i] or toks[i]
        # Title or first name before: a person; remember the surname for the rest of the text.
        if (person_rules and i > 0 and t.sep in (" ", ". ") and words[i - 1][0].isupper()
                and _is_person_lead(built_toks[i - 1] or toks[i - 1], gazetteer)):
            j = i
            while j < n and toks[j].cap and (j == i or toks[j].sep in (" ", "-")):
                persons.add(toks[j].key)
                j += 1
            i = j
            continue
        info = key_info(t.key)
        if info & 2 and i + 1 < n and seps[i + 1] in _JOINERS:  # some longer name begins with the word
            match_len, key = _longest_name(toks, i, t.key, gazetteer, max_tokens)
        else:  # the common case, without the call: a one-word name or none
            match_len, key = (1, t.key) if info & 1 else (0, "")
        j = i + match_len
        if match_len and j < n and not words[j][0].isupper() and words[j].lower() in _TAIL_WORDS:
            match_len, key = _feature_tail(toks, i, match_len, key, gazetteer)
        if not match_len and options.state_patterns and t.sep.startswith(",") and i > 0 and words[i - 1][0].isupper():
            _, state, used = _state_after(toks, i, text, gazetteer)
            if state is not None:
                out.append(state)
                i = used
                continue
        if not match_len:
            # (The cheap tests of _abbreviation and _demonym first: most capitalised words are neither.)
            cand = (_abbreviation(toks, i, text, gazetteer) if options.state_patterns and t.text.count(".") >= 2
                    else None) or (_demonym(t, gazetteer, options) if options.demonyms else None) or (
                _unknown(toks, i, text) if options.fallback_cues else None)
            if cand is not None:
                out.append(cand)
                i += cand_len(cand, toks, i)
                continue
            i += 1
            continue
        first, last = t, t if match_len == 1 else built_toks[i + match_len - 1] or toks[i + match_len - 1]
        j = i + match_len
        drop, indices, weak, common, division = _judge(toks, i, match_len, key, text, gazetteer, options, persons)
        if drop:
            i += match_len
            continue
        region_hint = None
        extra: Candidate | None = None
        if options.state_patterns and j + 1 < n and seps[j].strip() == "," and words[j][0].isupper():
            region_hint, extra, used = _state_after(toks, j, text, gazetteer)
            if region_hint is not None and _country_list(gazetteer, key, indices, region_hint, extra):
                region_hint = extra = None
        name = text[first.start : last.end]
        glued = _glued(toks, i, j)
        cand = Candidate(first.start, last.end, toks.strings.setdefault(name, name), key, indices, weak=weak,
                         region_hint=region_hint, common=common, division=division, glued=glued,
                         aviation=bool(indices) and max(indices[:3]) >= airports
                         and _aviation_context(text, first.start, last.end))
        out.append(cand)
        i += match_len
        if extra is not None:
            out.append(extra)
            i = used
    return out


def _glued(toks: Tokens, i: int, j: int) -> bool:
    """Is the name at tokens i:j beside another capitalised word ("United States Department", "station
    Radio Pyongyang")? A sentence's first word, a weekday or month, "In", "The" and the like do not count."""
    words, seps = toks._words, toks._seps
    if j < toks.n and seps[j] == " " and words[j][0].isupper() and words[j].lower() not in _NO_GLUE:
        return True
    return (i > 0 and seps[i] == " " and words[i - 1][0].isupper() and words[i - 1].lower() not in _NO_GLUE
            and not toks[i - 1].sent_start)


_NO_GLUE = LEADS | WEEKDAYS_MONTHS


def _longest_name(toks: Tokens, i: int, key: str, gazetteer: Gazetteer, max_tokens: int) -> tuple[int, str]:
    """The longest name of the index at token ``i`` (whose key is ``key``, which some longer name's
    key begins with: the caller asked ``key_info``): (its length in tokens, its key), or (0, "").

    A span is joinable separators between capitalised or connector words and ends on a capitalised
    one. It grows only while some name begins with its key so far (most capitalised words begin
    none), then the longest span that is a name wins.
    """
    words, seps, n = toks._words, toks._seps, toks.n
    keys = [key]
    while (len(keys) < max_tokens and i + len(keys) < n and (len(keys) == 1 or gazetteer.continues(keys[-1]))
           and seps[i + len(keys)] in _JOINERS):
        word = words[i + len(keys)]
        if word[0].isupper():
            keys.append(f"{keys[-1]} {token_key(word)}")
        elif word.lower() in CONNECTORS:
            keys.append(f"{keys[-1]} {word.lower()}")
        else:
            break
    for length in range(len(keys), 0, -1):
        if words[i + length - 1][0].isupper() and gazetteer.has_key(keys[length - 1]):
            return length, keys[length - 1]
    return 0, ""


def _feature_tail(toks: Tokens, i: int, match_len: int, key: str, gazetteer: Gazetteer) -> tuple[int, str]:
    """"the Niger river", "the Gobi desert": a lower-case feature word that makes a known whole."""
    j = i + match_len
    if j < len(toks) and toks[j].sep == " " and not toks[j].cap and toks[j].key in _TAIL_WORDS:
        whole = f"{key} {toks[j].key}"
        if gazetteer.has_key(whole):
            return match_len + 1, whole
    return match_len, key


def _person_first_name(toks: Tokens, i: int, j: int, gazetteer: Gazetteer) -> bool:
    """Is the one-word place name at ``i`` a first name before a surname ("Jordan Peterson")?"""
    t = toks[i]
    if t.key not in PLACE_FIRST_NAMES or t.caps or j >= len(toks):
        return False
    nxt = toks[j]
    if not nxt.cap or nxt.caps or nxt.sep != " ":
        return False
    if nxt.key in PLACE_FOLLOWERS or nxt.key in ORG_HEADS or nxt.key in DIVISION_WORDS or nxt.key in FEATURE_TAILS:
        return False
    # A common surname ("Chad Smith"), or a rarer one that is no place's name and no English word
    # ("Victoria Beckham"): the census lists say so, not a list of today's celebrities.
    return gazetteer.is_surname(nxt.key) or (nxt.key not in WEEKDAYS_MONTHS and gazetteer.is_rare_surname(nxt.key))


def _aviation_context(text: str, start: int, end: int) -> bool:
    """Does the text near a name talk of flights or airports?"""
    return _AVIATION_RE.search(text, max(0, start - 160), min(len(text), end + 160)) is not None


def _airport_code_ok(toks: Tokens, i: int, text: str, indices: tuple[int, ...], gazetteer: Gazetteer) -> bool:
    """An all-caps name whose only readings are airports stands only where the text talks of flying."""
    if not indices or not all(gazetteer.is_airport(x) for x in indices):
        return True
    t = toks[i]
    return _aviation_context(text, t.start, t.end)


def _minor_reading(indices: tuple[int, ...], gazetteer: Gazetteer) -> bool:
    """Is the name's best reading a town or division (not a country, capital or sea)?"""
    if not indices:
        return False
    row = gazetteer.row(indices[0])
    return row.kind in (Kind.CITY, Kind.COUNTY, Kind.REGION) and row.prior < 2e6


def _named_mid_sentence(toks: Tokens, key: str) -> bool:
    """Is this word capitalised somewhere in the text other than at a sentence's start?"""
    return key in toks.mid_sentence_caps()


def _abbreviation(toks: Tokens, i: int, text: str, gazetteer: Gazetteer) -> Candidate | None:
    """A dotted state or province abbreviation standing alone ("in D.C.", "the S.C. Highway Patrol",
    "L.A."); not after a number ("300 B.C.")."""
    t = toks[i]
    if t.text.count(".") < 2 or len(t.key) < 2:
        return None
    if i > 0 and toks[i - 1].text.isdigit():
        return None
    if t.text == "L.A.":
        rows = gazetteer.candidates("los angeles")[:1]
    else:
        row = gazetteer.region_abbr(t.key)
        rows = () if row is None else (row,)
    if not rows:
        return None
    return Candidate(t.start, t.end, t.text, t.key, tuple(rows))


class _Verdict(NamedTuple):
    drop: bool
    indices: tuple[int, ...]
    weak: bool
    common: bool
    division: Kind | None


_DROPPED = _Verdict(True, (), False, False, None)
_new_verdict = tuple.__new__  # a _Verdict without the Python-level __new__, as _new_tok


def _judge(toks: Tokens, i: int, match_len: int, key: str, text: str, gazetteer: Gazetteer,
           options: RecognizeOptions, persons: set[str]) -> _Verdict:
    """The rules for the name matched at tokens ``i:i + match_len``: dropped, or kept (weak, common,
    called a division). The rules that remember persons for later run always; the others stop at
    the first that drops the name."""
    n = len(toks)
    built = toks._toks  # a token already built, without the call to Tokens.__getitem__
    t = first = built[i] or toks[i]
    last = built[i + match_len - 1] or toks[i + match_len - 1]
    j = i + match_len
    nxt = (built[j] or toks[j]) if j < n else None
    one = match_len == 1
    indices = gazetteer.candidates(key)
    drop = False
    if one and t.caps and len(t.key) <= 4:
        # All-caps short tokens name only countries, states or curated features (US, UAE, DRC).
        indices = tuple(x for x in indices if gazetteer.row(x).kind not in _TOWNLIKE)
        drop = not indices
    if options.person_rules and one and key in PLACE_FIRST_NAMES and _person_first_name(toks, i, j, gazetteer):
        persons.add(nxt.key)  # "Chad Smith", "Georgia Brown": a person; the surname stays one
        drop = True
    prev = (built[i - 1] or toks[i - 1]) if i > 0 else None
    division = (_division_cue(toks, i, nxt, prev, indices, gazetteer)
                if (nxt is not None and nxt.key in DIVISION_WORDS) or (prev is not None and prev.key == "of") else None)
    glued = (nxt is not None and nxt.cap and nxt.sep == " " and "\n" not in text[last.end : nxt.start]
             and not (division and nxt.key in DIVISION_WORDS))  # "Varna Province": the division, not a glued word
    weak = False
    if glued and options.org_rules and nxt.key in ORG_HEADS:
        drop = True
    elif glued and nxt.key not in PLACE_FOLLOWERS and not gazetteer.has_key(nxt.key):
        if options.person_rules and one and (key in FIRST_NAMES or gazetteer.is_first_name(key)):
            drop = True  # "Vladimir Putin"
        elif options.person_rules and one and (nxt.sep == " " and toks[j + 1].sep == "-" if j + 1 < n else False):
            persons.add(key)  # "Kim Jong-un"
            drop = True
        else:
            weak = True
    if drop or _dropped(toks, i, match_len, key, text, gazetteer, options, persons, indices, (t, last, nxt, prev)):
        return _DROPPED
    after_cap = (prev is not None and prev.cap and prev.sep is not None and first.sep == " "
                 and not first.sent_start and prev.key not in LEADS and not gazetteer.has_key(prev.key))
    if after_cap:
        weak = True  # the tail of a longer proper noun ("Security Council", "Kristina Flores")
    if options.person_rules and one and _is_person_name(toks, key, gazetteer):
        weak = True  # "Scott", "Bell", "Mary": more often a person here than a small town
    if options.stopwords and one and t.key in COMMON_WORDS:
        weak = True
    if options.stopwords and one and t.sent_start and not t.caps and len(t.key) <= 3:
        weak = True
    common = False
    if (options.stopwords and one and t.sent_start and not t.caps and gazetteer.is_common_word(t.key)
            and _minor_reading(indices, gazetteer) and not _named_mid_sentence(toks, t.key)):
        weak = common = True  # "Cargo ship ...", "Split decision ...": a word, unless the text says place
    if options.stopwords and one and t.sent_start and not t.caps and toks.has_lower(t.key):
        # "Grain ships...", "Port officials...": the text uses the word in lower case too, so at the
        # start of a sentence it is that word; only a named state or "X, State" makes it a town.
        weak = common = True
    return _new_verdict(_Verdict, (False, indices, weak, common, division))


def _dropped(toks: Tokens, i: int, match_len: int, key: str, text: str, gazetteer: Gazetteer,
             options: RecognizeOptions, persons: set[str], indices: tuple[int, ...],
             around: tuple[_Tok, _Tok, _Tok | None, _Tok | None]) -> bool:
    """Does a rule without memory drop the name at tokens ``i:i + match_len`` (cheap rules first)?
    ``around``: its first and last token and the ones after and before it (or None), which _judge
    already holds."""
    t, last, nxt, prev = around
    one = match_len == 1
    stop, org = options.stopwords, options.org_rules
    if stop and one and (t.key in WEEKDAYS_MONTHS or key in NEVER_ALONE or key in ORG_HEADS or key in TITLES):
        return True  # a weekday, month, title or generic word alone
    if options.person_rules and key in persons:
        return True
    if org and key in ORGANISATIONS:
        return True
    if nxt is not None and nxt.sep == " " and not nxt.cap and org and (
            nxt.key in DISEASE_WORDS  # "West Nile virus", "Marburg fever": a disease named after a place
            or nxt.key in JOB_WORDS  # "our West Africa correspondent", "the Washington bureau": a job
            or nxt.key == "river"):  # "the Moscow river" unknown as a whole: a river, not the town
        return True
    if org and nxt is not None and nxt.sep == " " and nxt.cap and nxt.key in FEATURE_TAILS:
        return True  # "Snake Island", "Marmara Sea": a feature named like a town, not the town
    if options.demonyms is False and one and _is_demonym(toks, t.text, gazetteer):
        return True
    if one and t.caps and (t.sep.endswith("$") or nxt is not None and nxt.sep.startswith("$")):
        return True  # "US$5", "$US 15": a currency, not the country
    if one and t.caps and not _airport_code_ok(toks, i, text, indices, gazetteer):
        return True  # an IATA code ("JFK") names its airport only where the text talks of flying
    if org and prev is not None and _after_feature_head(toks, i, t, prev):
        return True  # "Sea of Marmara", "Lake Xyz" unknown as a whole: not the town Marmara
    if nxt is not None and nxt.sep in (" ", "-") and gazetteer.demonym_country(f"{last.text} {nxt.text}"):
        return True  # "North Korean", "South Ossetian": a demonym, not "North"
    if org and one and key in ORG_HEADS and (
            prev is not None and prev.cap and prev.sep is not None and t.sep == " " and not t.sent_start
            and prev.key not in LEADS and not gazetteer.has_key(prev.key)):
        return True  # "Main Street", "Town Hall", "Civic Center"
    if stop and one and t.key in COMMON_WORDS and t.sent_start:
        return True
    return False


def _surnames(toks: Tokens, gazetteer: Gazetteer) -> set[str]:
    """Keys of words used as surnames in this text: "Kristina Flores", "John Ripley", "Gov. Perry"."""
    out: set[str] = set()
    caps, words, seps = toks.caps, toks._words, toks._seps
    for x, y in zip(caps, caps[1:]):  # from the raw words: building the tokens costs more
        if y != x + 1 or seps[y] not in (" ", ". "):
            continue
        b = words[y]
        if len(b) >= 2 and b.isupper():
            continue
        a_key = token_key(words[x])
        if a_key in FIRST_NAMES or a_key in TITLES or gazetteer.is_first_name(a_key):
            b_key = token_key(b)
            if not gazetteer.has_key(f"{a_key} {b_key}"):
                out.add(b_key)
    return out


def cand_len(cand: Candidate, toks: Tokens, i: int) -> int:
    j = i
    while j < len(toks) and toks[j].start < cand.end:
        j += 1
    return max(1, j - i)


def _after_feature_head(toks: Tokens, i: int, tok: _Tok, prev: _Tok) -> bool:
    """Is token ``i`` (``tok``, after ``prev``) the name part of "Sea of X", "Gulf of X" or "Lake X"?"""
    if tok.sep == " ":
        if prev.cap and prev.key in FEATURE_HEADS:
            return True
        if i >= 2 and prev.key == "of" and not prev.cap and prev.sep == " ":
            head = toks[i - 2]
            return head.cap and head.key in FEATURE_HEADS
    return False


def _division_cue(toks: Tokens, i: int, nxt: _Tok | None, prev: _Tok | None, indices: tuple[int, ...],
                  gazetteer: Gazetteer) -> Kind | None:
    """The kind (REGION or COUNTY) of division the text calls the name at tokens ``i:j`` (``nxt``
    and ``prev`` the tokens after and before it) ("Varna Province", "the Murmansk region", "the
    state of Washington", "X County") when the name has a reading of that kind; else None."""
    word = ""
    if nxt is not None and nxt.sep == " " and nxt.key in DIVISION_WORDS:
        word = nxt.key
    elif (i >= 2 and prev.key == "of" and not prev.cap and prev.sep == " " and toks[i].sep == " "
          and toks[i - 2].key in DIVISION_WORDS):
        word = toks[i - 2].key
    if not word:
        return None
    kinds = {gazetteer.row(x).kind for x in indices}
    return next((kind for kind in DIVISION_WORDS[word] if kind in kinds), None)


def _is_demonym(toks: Tokens, word: str, gazetteer: Gazetteer) -> bool:
    found = toks.facts.get(("demonym", word))
    if found is None:
        found = toks.facts[("demonym", word)] = bool(gazetteer.demonym_country(word))
    return found


def _is_person_name(toks: Tokens, key: str, gazetteer: Gazetteer) -> bool:
    found = toks.facts.get(("person", key))
    if found is None:
        found = toks.facts[("person", key)] = bool(
            gazetteer.is_surname(key) or gazetteer.is_first_name(key) or key in FIRST_NAMES)
    return found


def _is_person_lead(tok: _Tok, gazetteer: Gazetteer) -> bool:
    return tok.cap and (tok.key in TITLES or tok.key in FIRST_NAMES or gazetteer.is_first_name(tok.key))


_STATE_SEPS = frozenset((" ", ". ", "."))


def _state_after(toks: Tokens, j: int, text: str, gazetteer: Gazetteer) -> tuple[int | None, Candidate | None, int]:
    """'City, State' / 'City, Ga.' / 'City, TX': the state's row, a candidate for it, next token."""
    n = len(toks)
    # The separators first, without building tokens: "Paris, Paris, …" is one name long at once.
    seps = toks._seps
    longest = 1
    while longest < 3 and j + longest < n and seps[j + longest] in _STATE_SEPS:
        longest += 1
    for length in range(longest, 0, -1):
        if j + length < n and seps[j + length] == "-":
            continue  # "Guinea, Guinea-Bissau": the start of a longer name, no state
        span = toks.span(j, j + length)
        if not all(tk.cap or tk.key in CONNECTORS for tk in span):
            continue
        k = span[0].key if length == 1 else " ".join(tk.key for tk in span)
        end = span[-1].end
        if end < len(text) and text[end] == "." and not span[-1].text.endswith("."):
            abbr = gazetteer.region_abbr(k)
            if abbr is not None:
                end += 1
        row = toks.state_rows.get(k, -1)
        if row == -1:
            row = toks.state_rows[k] = _state_row(gazetteer, k)
        if row is not None:
            start = span[0].start
            cand = Candidate(start, end, text[start:end], k, (row,))
            return row, cand, j + length
    return None, None, j


def _country_list(gazetteer: Gazetteer, key: str, indices: tuple[int, ...], hint: int, state: Candidate | None) -> bool:
    """"Mali, Guinea and Liberia": a country named before another country is a list, not a town
    of that country ("Mali" the Guinean town); "Lebanon, Pennsylvania" (a state) and "Kuwait,
    Kuwait" (the one name twice: the capital in its country) stay town and state."""
    return (bool(indices) and gazetteer.row(indices[0]).kind is Kind.COUNTRY and gazetteer.row(hint).kind is Kind.COUNTRY
            and state is not None and state.key != key)


def _state_row(gazetteer: Gazetteer, k: str) -> int | None:
    for x in gazetteer.candidates(k):
        if gazetteer.row(x).kind in _STATELIKE:
            return x
    return gazetteer.region_abbr(k)


def _demonym(t: _Tok, gazetteer: Gazetteer, options: RecognizeOptions) -> Candidate | None:
    if not options.demonyms:
        return None
    cc = gazetteer.demonym_country(t.text)
    if not cc:
        return None
    row = gazetteer.country_index(cc)
    if row is None:
        return None
    return Candidate(t.start, t.end, t.text, t.key, (row,), associative=True)


def _unknown(toks: Tokens, i: int, text: str) -> Candidate | None:
    """An unknown capitalised name followed by a facility word ("Vostochny Cosmodrome")."""
    j = i
    while j < len(toks) and j - i <= 5 and toks[j].cap and (j == i or toks[j].sep == " "):
        j += 1  # a longer run is no name: stop at six words (a run of thousands cost quadratic time)
    if j == i or j - i > 5:
        return None
    names = toks.span(i, j)
    s, e = names[0].start, names[-1].end
    key = " ".join(tk.key for tk in names)
    if names[-1].key in FACILITY_CUES and len(names) >= 2 and names[0].key not in COMMON_WORDS:
        return Candidate(s, e, text[s:e], key, (), unknown=True, cue="facility")
    prev = toks[i - 1] if i > 0 else None
    if (prev is not None and prev.key in PLACE_PREPOSITIONS and not prev.cap and names[0].sep == " "
            and not (names[0].caps and len(names[0].key) <= 5)
            and not any(tk.key in _NOT_IN_UNKNOWN_NAMES for tk in names)):
        return Candidate(s, e, text[s:e], key, (), unknown=True, cue="in")
    return None

