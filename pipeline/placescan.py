"""Document-level place evidence, read at string speed from the whole cleaned text.

The parser only sees the paragraphs worth parsing, so whatever one paragraph teaches
about a name ("Columbia, Maryland" is the one in Maryland; "the German port city of
Kiel" is a city, whatever the tagger thinks) must come from a pass over the whole
text that does not depend on which paragraphs were parsed. That pass lives here:
which names the text itself marks as places, the qualifiers that pin them down, the
countries the document talks about, and every place named (for coreference).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipeline.gazetteer import PRIMARY_NAME_WEIGHT, City, Gazetteer, NameSpan, alias_choices, norm
from pipeline.models import Place, PlaceMention
from pipeline.patterns import ITEM_MARK

# A name known only by an alternate spelling of a smaller place is more likely a town
# the gazetteer lacks than that place ("Liyang" is listed under Licheng).
ALT_NAME_MIN_POPULATION = 100_000
# Big enough that a capitalised mention is a place unless the text says otherwise.
WELL_KNOWN_POPULATION = 100_000

_AFTER_QUALIFIER = re.compile(r"(?:,\s*|\s*\()((?:[A-Z][\w.’'-]*\.?)(?:\s+[A-Z][\w.’'-]*\.?){0,3})")
_AFTER_IN = re.compile(
    r",?\s+in\s+(?:the\s+)?((?:north|south|east|west|central|northern|southern|eastern|"
    r"western)(?:ern)?\s+)?([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,2})",
    re.I,
)
_AFTER_ROLE = re.compile(
    r"(?:\s+(?:City|city|Town|town|Municipal|municipal|County|county))?\s+"
    r"(?:City Council|city council|Council|council|councillors?|councilors?|mayor|Mayor|"
    r"officials|residents|municipality|Municipality|authorities|government|Government|"
    r"City Hall|city hall)\b"
)
_AFTER_RELATION = re.compile(
    r"(?:['’]s\s+(?:\w+\s+){0,2}(?:sister|twin|partner)"
    r"|-[A-Z][\w]+\s+(?:sister|twin|relationship|partnership|twinning|link|ties)"
    r"|,?\s+(?:is|was|are|were|has\s+been|had\s+been|have\s+been)\s+(?:\w+\s+)?"
    r"(?:twinned|paired|partnered|linked)\s+with"
    r"|\s+(?:has|have|had|maintains)\s+(?:\w+\s+){0,2}(?:sister|twin|partner)\b"
    # "Frome Twinning Association", "Tucson Sister Cities Association": the town's own
    r"|\s+(?:Twinning|Sister\s+Cities|Sister\s+City|Town\s+Twinning)\s+"
    r"(?:Association|Committee|Society|Board|Commission|Group))"
)
_BEFORE_OF = re.compile(
    r"(?:city|City|town|Town|village|municipality|port|capital|[Mm]ayor|borough|township)\s+of\s+$"
)
_BEFORE_RELATION = re.compile(
    r"(?:(?:sister|twin|partner|friendship)[ -](?:city|cities|town|towns)(?:\s+(?:of|to))?,?"
    r"|twinned\s+with|twin\s+town\s+of"
    r"|(?:twinning|relationship|partnership|ties?|links?|agreement|jumelage)\s+with)\s+$",
    re.I,
)
_BEFORE_NATIONAL = re.compile(
    r"(\b[A-Z][a-z]+)\s+(?:[a-z-]+\s+){0,2}(?:city|town|port|capital)\s+(?:of\s+)?$"
)
# "Chile's San Antonio": the country that owns the name
_BEFORE_OWNER = re.compile(r"\b([A-Z][\w.]+(?: [A-Z][\w.]+)?)['’]s $")


@dataclass(frozen=True, slots=True)
class DocPlaces:
    scan: tuple[NameSpan, ...]
    known: frozenset[str]  # names the text marks as places somewhere
    hints: dict = field(default_factory=dict)  # key -> (country, admin1) from a qualifier
    countries: Counter = field(default_factory=Counter)  # countries the document names
    mentions: tuple[PlaceMention, ...] = ()  # every place named, by the string pass
    person_like: frozenset[str] = frozenset()  # names the text also uses for people
    list_items: tuple[
        tuple[int, int], ...
    ] = ()  # lines of a list of partners ("X is twinned with:")
    section_heads: tuple[tuple[int, int], ...] = ()  # lines that are a partner's name only
    acronyms: frozenset[str] = frozenset()  # an organisation's short name: "(SKR)"
    rivers: frozenset[str] = frozenset()  # "the Ahr valley": a river's name, no town
    nicknames: frozenset[str] = frozenset()  # "Lautoka, known as the Sugar City"

    @property
    def focus(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.countries.most_common())


_HYPHENED_WORD = re.compile(r"-([A-Z][\w']*)")
# lowercase words inside Romance place names: "San Cristóbal de las Casas", "Bagni di Lucca"
ROMANCE_PARTICLES = frozenset("de la las los del di da della dei degli do dos das du".split())
_PARTICLE_NAME = re.compile(
    rf" (?:{'|'.join(sorted(ROMANCE_PARTICLES, key=len, reverse=True))})(?: la| las)? [A-Z]"
)


# "Vila do Porto", "Bagni di Lucca": a place name's head word and a particle before a
# known name make it the tail of a longer name (a festival's or a body's "de" is no head)
_PARTICLE_HEAD = re.compile(
    r"(?<![\w'’-])([A-Z][\w'’]+) (?:"
    + "|".join(sorted(ROMANCE_PARTICLES, key=len, reverse=True))
    + r")(?: la| las| los)? $"
)


def _name_tail(text: str, span: NameSpan, gaz: Gazetteer) -> bool:
    """ "Porto" in "Vila do Porto": a known city's name closing a longer name."""
    if span.key in gaz.countries or span.key in gaz.demonyms:
        return False
    m = _PARTICLE_HEAD.search(text, max(0, span.start - 40), span.start)
    return m is not None and m.group(1).lower() in cues()["particle_name_heads"]


def _alias_fragment(text: str, span: NameSpan, gaz: Gazetteer) -> bool:
    """ "Pont", a short name of Pont-Sainte-Maxence, in "Pont-Aven": a mere alias that runs
    on, hyphenated, into a word naming nothing is the start of a longer name the gazetteer
    lacks (unlike "the Rockford-Changzhou tie", or "Kiel" before "-based"); so is one
    running on through a particle ("Bagni", a name of Ischia, in "Bagni di Lucca")."""
    if not _PARTICLE_NAME.match(text, span.end):
        m = _HYPHENED_WORD.match(text, span.end)
        if m is None or gaz.is_known(norm(m.group(1))):
            return False
    return all(norm(c.name) != span.key for c in gaz.cities_for_key(span.key))


def fuller_name(name: str, key: str) -> bool:
    """ "Greater Sudbury" or "Halle (Saale)" for the bare "Sudbury", "Halle": the full
    name of the city a text names by its short one (not "Newcastle upon Tyne" for
    "Newcastle", a city's own name elsewhere)."""
    return name == f"greater {key}" or name.startswith(f"{key} (")


_RUN_IN = re.compile(r"\.[ \t]+[A-Z][^\n]{40,}")


def scan_document(text: str, gaz: Gazetteer) -> DocPlaces:
    spans = tuple(
        s
        for s in gaz.scan(text)
        if not _alias_fragment(text, s, gaz) and not _name_tail(text, s, gaz)
    )
    countries: Counter = Counter()
    for span in spans:
        iso = gaz.countries.get(span.key) or gaz.demonyms.get(span.key)
        if iso:
            countries[iso] += 1
    known: set[str] = set()
    hints: dict[str, tuple[str | None, str | None]] = {}
    first_bare: set[str] = set()
    for span in spans:
        if span.key in gaz.countries or span.key in gaz.demonyms:
            continue
        cities = gaz.cities_for_key(span.key)
        if not cities:
            continue
        hint = _string_qualifier(text, span, cities, gaz)
        if hint is not None:
            known.add(span.key)
            # Writers pin a place down where they first name it; a qualifier that only
            # comes later ("Christchurch, England" in a story about Christchurch, New
            # Zealand) marks the other place of that name, not the bare mentions.
            if span.key not in first_bare or _own_name_only_when_qualified(
                span.key, cities, hint, countries
            ):
                hints.setdefault(span.key, hint)
        else:
            if span.key not in hints:
                first_bare.add(span.key)
            if _string_cue(text, span, gaz):
                known.add(span.key)
    # A place the text names again and again is the place it is about (a town's own
    # bulletin names it five times, never as "the city of Landerneau"); people's names
    # are ruled out below by what stands next to them.
    repeated = Counter(s.key for s in spans if not s.weak)
    glued = _glued_names(text, spans, gaz)
    person_like = _person_like(text, spans, gaz) | glued
    for key, n in repeated.items():
        if n >= _REPEATED and key not in person_like and gaz.cities_for_key(key):
            known.add(key)
    # Another name of a place the text marks ("Nelson City Council" ... "Nelson has")
    # is that place too.
    known_ids = {gaz.cities_for_key(k)[0].geonameid for k in known}
    named_in_full = {
        c.geonameid
        for span in spans
        for c in gaz.cities_for_key(span.key)
        if norm(c.name) == span.key
    }
    first_line = text.find("\n")
    for span in spans[:1]:
        # "Tartu" as the document's title line (an encyclopedia page's), named again
        # below: the place the page is about, however small ("AAP" over a wire story is
        # its agency)
        end = len(text) if first_line < 0 else first_line
        if (
            span.start == 0
            and not span.weak
            and not text[: span.end].isupper()
            and gaz.cities_for_key(span.key)
            and not text[span.end : end].strip()
            and sum(1 for other in spans if other.key == span.key) >= 2
        ):
            known.add(span.key)
    acronyms = _acronyms(text, spans)
    # (not a town named for its river, "the Moscow river", "the Dnipro river": only a
    # name the gazetteer has as another name of a town elsewhere)
    rivers = frozenset(
        k for k in _rivers(text, spans)
        if not any(norm(c.name) == k for c in gaz.cities_for_key(k))
    )  # fmt: skip
    nicknames = _nicknames(text, spans)
    mentions = []
    for span in spans:
        if (
            span.key in gaz.countries
            or span.key in gaz.demonyms
            or span.key in acronyms
            or span.key in rivers
            or span.key in nicknames
            or span.key in glued
        ):
            continue
        cities = gaz.cities_for_key(span.key)
        if not cities:
            continue
        if cities[0].geonameid in known_ids:
            known.add(span.key)
        if span.key not in known and (span.weak or cities[0].population < WELL_KNOWN_POPULATION):
            continue
        country, admin1 = hints.get(span.key, (None, None))
        in_full = [c for c in cities if c.geonameid in named_in_full]
        # "Greater Sudbury signed ... Sudbury residents": the city's short name, not a
        # smaller namesake elsewhere
        greater = [c for c in in_full if fuller_name(norm(c.name), span.key)]
        if len(greater) == 1 and not hints.get(span.key, (None, None))[0]:
            in_full = greater
        if len(in_full) == 1 and (
            all(norm(c.name) != span.key for c in cities) or in_full == greater
        ):
            # "Bariloche" in a story that also writes "San Carlos de Bariloche": that
            # place, however small for a name it bears only as an alternate
            city = in_full[0]
            place = Place(city.name, city.country, city.geonameid, city.admin1)
        else:
            place = resolve(
                span.key, cities, country, {admin1} if admin1 else set(), None, None,
                countries, surface=text[span.start : span.end],
            )  # fmt: skip
        mentions.append(
            PlaceMention(
                span.start, span.end, text[span.start : span.end], place, -1, -1, -1, "scan"
            )
        )
    items = list_items(text)
    item_starts = [s for s, _ in items]
    for span in spans:
        # The first name on a line of a partner list is a place: "Lorient, France".
        k = bisect.bisect_right(item_starts, span.start) - 1
        if k >= 0:
            s, e = items[k]
            if span.start < e and (
                not text[s : span.start].strip(_BULLETS) or _country_dash(text[s : span.start], gaz)
            ):
                known.add(span.key)
    for span in spans:
        # "Crawley. A motion to end the twinning with Dorsten ...": a run-in heading, a
        # town's name opening the paragraph about it
        if (
            (span.start == 0 or text[span.start - 1] == "\n")
            and _RUN_IN.match(text, span.end)
            and gaz.cities_for_key(span.key)
        ):
            known.add(span.key)
    heads = section_heads(text, spans, gaz)
    # ... and a section's heading in a guide to partners is a place
    known.update(s.key for s in spans if any(h == s.start for h, _ in heads))
    return DocPlaces(
        spans, frozenset(known - rivers - glued), hints, countries, tuple(mentions), person_like,
        items, heads, acronyms, rivers, nicknames,
    )  # fmt: skip


# "the Ahr valley", "the Loire estuary": a one-word name after "the" before a feature
# written in lower case
_FEATURE_AFTER = re.compile(r"[ \t]+(?:valley|river|estuary|delta|basin|gorge)\b")


def _rivers(text: str, spans: tuple[NameSpan, ...]) -> frozenset[str]:
    """Names the text writes as a river's ("the Ahr valley"): no town anywhere in it."""
    return frozenset(
        s.key for s in spans
        if " " not in s.key
        and text[max(0, s.start - 4) : s.start].lower() == "the "
        and _FEATURE_AFTER.match(text, s.end)
    )  # fmt: skip


# (with "the": "formerly known as Bombay" names the town itself)
_KNOWN_AS = re.compile(r"\b(?:known as|nicknamed|dubbed|billed as)\s+the\s+$", re.I)


def _nicknames(text: str, spans: tuple[NameSpan, ...]) -> frozenset[str]:
    """Names the text gives a place as its nickname ("Lautoka, known as the Sugar
    City"): no town of their own anywhere in it ("Sugar City ties back on")."""
    return frozenset(s.key for s in spans if _KNOWN_AS.search(text, max(0, s.start - 20), s.start))


# "the Swedish Association of Local Authorities and Regions (SKR)": capitalised words,
# at least one a common noun of bodies, then the short name in brackets
_DEFINED_ACRONYM = re.compile(
    r"\b(?:Association|Authority|Authorities|Council|Federation|Union|Agency|Institute|"
    r"Organi[sz]ation|Society|Committee|Ministry|Department|Office|Bureau|Commission|"
    r"Board|Foundation|Party|Corporation|Company|Network|League|Forum)\b"
    r"[^()\n.]{0,60}\(([A-Z]{2,6})\)"
)


def _acronyms(text: str, spans: tuple[NameSpan, ...]) -> frozenset[str]:
    """Short names the text defines for an organisation, never a place here ("SKR" is
    also an alternate name of Sukkur)."""
    defined = {norm(m.group(1)) for m in _DEFINED_ACRONYM.finditer(text)}
    return frozenset(s.key for s in spans if s.key in defined)


# ("Wando (Jeollanam-do, Republic of Korea)": a region may come before the country)
_HEAD_TAIL = re.compile(
    r"\s*(?:,\s*|\(\s*)?(?:[^\W\d][\w .'’-]*?,\s*)?(?P<country>[^\W\d][\w .'’-]*?)?\s*\)?\s*$"
)


SECTION_LEAD = re.compile(
    r"(?i)(?:(?:\d+|[a-z]+(?:[- ][a-z]+)?)\s+years\s+(?:of\s+(?:friendship|twinning)\s+)?with"
    r"|farewell\s+to|welcome,?(?:\s+to)?)\s+"
)


_COUNTRY_DASH = re.compile(r"[\s\-–—•·*]*(?P<country>[A-Z][\w .'’-]{1,40}?)\s+[–—-]\s+")


def _country_dash(prefix: str, gaz: Gazetteer) -> bool:
    """ "Chile – " before a list line's partner: its country, then a dash."""
    m = _COUNTRY_DASH.fullmatch(prefix)
    return m is not None and norm(m.group("country")) in gaz.countries


def section_heads(text: str, spans, gaz: Gazetteer) -> tuple[tuple[int, int], ...]:
    """Lines that name one place and nothing else ("Paju", "Takatsuki, Japan") between
    paragraphs: the headings of a guide that gives each partner a section. Two or more
    of them make such a guide; one alone may be a dateline or a caption."""
    out = []
    for span in spans:
        s = span.start
        line = text.rfind("\n", 0, s) + 1
        # (or a newsletter's section on one partner: "Fifty Years with Saint-Brieuc",
        # "Farewell to Yosano")
        lead = SECTION_LEAD.fullmatch(text, line, s) is not None
        if span.weak or not (line == s or lead or ITEM_MARK.fullmatch(text, line, s)):
            continue  # only a name that opens its line ("1. Jalapa, Nicaragua" numbered)
        if span.key in gaz.countries or span.key in gaz.demonyms:
            continue
        if not gaz.cities_for_key(span.key):
            continue
        e = text.find("\n", s)
        e = len(text) if e < 0 else e
        while e > s and text[e - 1] in " \t":
            e -= 1
        tail = _HEAD_TAIL.fullmatch(text, span.end, e)
        if tail is None:
            continue
        country = tail.group("country")
        if country and gaz.countries.get(norm(country)) is None:
            continue  # "Paju residents": more than a name
        # a blank line on each side: a heading, not a line of a list
        if text[max(0, line - 2) : line].count("\n") == 2 and text[e : e + 2] == "\n\n":
            out.append((line, e))
    return tuple(out) if len(out) >= 2 else ()


_REPEATED = 4
_BULLETS = " \t-–—•·*▪◦‣>0123456789.)"
_LIST_INTRO = re.compile(
    r"(?i)(?:sister|twin|partner|friendship|twinned|twinning|partnered|paired|jumelage)"
    r"[^\n]{0,80}:\s*(?:\[\d+\]\s*)*$"
)
# A heading made of relationship words only: "Twin towns – sister cities", "Former twin
# towns", "Partner cities of Linz", "Sister states and provinces".
_REL_PLURAL = (
    r"(?:twin|sister|partner|friendship|twinned|partnership|friendly(?:[ -]exchange)?)[ -]?"
    r"(?:towns?|cities|city|states?|provinces?|regions?|municipalities|communes?)"
)
_LIST_HEADING = re.compile(
    # "Former relationships": a list's own heading only with its qualifier
    r"(?i)^(?:former|past|previous|ended|current|active|existing)\s+"
    r"(?:relationships|partnerships|links|ties)$|"
    rf"^(?:(?:former|current|other|international|our|and)\s+){{0,4}}"
    r"(?:(?:sister|twin|partner|friendship)\s*(?:and|&|/)\s*)?"  # "Sister and friendship cities"
    rf"{_REL_PLURAL}"
    rf"(?:\s*(?:[–—-]|and|&|/)\s*(?:{_REL_PLURAL}|provinces|regions))?"
    r"(?:\s+of\s+[A-Z][^.!?:\n]{0,40})?$"
)
_TABLE_HEADER = frozenset(
    "city town municipality country state province since year years notes note partner "
    "partners region date established relationship relation type status signed founded "
    "agreement name twinned twin sister partnership remarks comments details formed from "
    "first no no. # of classification category kind cities towns affiliation "
    "establishment board".split()
)
_TABLE_CAPTION = re.compile(
    # ("7.2 Sister cities (city - country - year of agreement)": a report's section)
    r"(?i)^\[?table\s*\d*\]?[.:]?\s+|\s*\([^()]{0,45}\)$"
    # "4. Reference: Sister cities and friendship cities of Hakodate City"
    r"|^(?:\d{1,2}(?:\.\d{1,2})+\.?|(?:\d{1,2}|[IVX]{1,4})[.)])\s+(?:[A-Z]\w+:\s+)?"
)
_MAX_ITEM_WORDS = 16
_ITEM_NOTE = re.compile(r"\s[–—-]\s")
_BRACKET_YEAR = re.compile(r"\([^()]{0,40}(?:1[89]|20)\d\d[^()]{0,12}\)")


# "twinned since 2000", "friendship agreement since 2014": a note that gives the tie
_TIE_NOTE = re.compile(
    r"(?i)(?:twinned|twin|sister|partner|partnership|friendship)\b[^;.()]{0,40}?"
    r"\b(?:1[89]|20)\d\d\b"
)


# "Nishinomiya, Japan (1961). Spokane's first sister city and ...": an annual report's
# entry, the name and its year a sentence of their own before notes on the year
_ENTRY_THEN_NOTES = re.compile(
    r"[A-Z][^.()\n]{0,50}\((?:since |from )?(?:1[89]|20)\d\d\)[.:](?:\s|$)"
)


_TIE_NOTE_OPENING = re.compile(r"(?i)(?:an?\s+|the\s+)?(?:twinning|partnership|friendship)\b")


_BULLET_ENTRY = re.compile(r"[-•*–]\s*[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,3}(?:,|\s+in\s|\s*\()")


def _noted_item(line: str) -> bool:
    """ "Peterhof (Russia, 1998–2022) – the partnership was put on hold ...": a short
    entry with its years, then a note (or "Trossingen, Germany – twinned since 1996;
    cooperation in music education": the note opening on the tie and its year)."""
    if _ENTRY_THEN_NOTES.match(line):
        return True
    head, *note = _ITEM_NOTE.split(line, maxsplit=1)
    if len(head.split()) > _MAX_ITEM_WORDS:
        return False
    return _BRACKET_YEAR.search(head) is not None or (
        len(head.split()) <= 6
        and bool(note)
        # ("Nowy Targ County, Poland – a partnership with the Polish district (powiat)
        # rather than a single town, signed in 2005")
        and (_TIE_NOTE.match(note[0]) is not None or _TIE_NOTE_OPENING.match(note[0]) is not None)
    )


_MAX_ROW_WORDS = 30
_WIKI_HEADING = re.compile(r"^=+\s*|\s*=+$")


def _is_intro(line: str) -> bool:
    if _LIST_INTRO.search(line):
        return True
    line = _WIKI_HEADING.sub("", line)  # "=== Former twin towns ==="
    # "[Table] Sister cities and friendship cities (as of May 2023)": a table's caption
    line = _TABLE_CAPTION.sub("", line)
    # A heading ("Former twin towns", "Partner cities of Linz") introduces a list too; a
    # bulleted line ("- Paraná, Brazil – sister state, 1970") is an item, not a heading.
    if line[:1] in "-–—•·*▪◦‣>":
        return False
    return len(line.split()) <= 8 and _LIST_HEADING.match(line) is not None


def _caption_row(line: str) -> bool:
    return table_row(line) and sum(1 for c in cells(line) if c.strip()) == 1


_ROW_REACH = 400  # characters of a table row or list entry before a later cell


def later_cell(text: str, start: int) -> bool:
    """A table row's later cell, or a list entry's later sentence, which the parser
    splits off as a sentence of its own: "| Zhenjiang, China | 1990 | Limited |" lists
    no town "Limited", nor "Limerick, Ireland (2002). Mayor's delegation ..." "Mayor"."""
    # (within a row's reach: a line of a million characters is read once, not per name)
    lo = max(0, start - _ROW_REACH)
    prefix = text[text.rfind("\n", lo, start) + 1 or lo : start]
    return any(c.isalpha() for c in prefix) and (
        "|" in prefix or prefix.rstrip().endswith((".", "!", "?"))
    )


def table_row(line: str) -> bool:
    """A row of a text table: cells split by bars or tabs (a table copied from a page),
    or by runs of spaces, at least two of them ("1  Gifu  Japan  1979.02.21")."""
    return "|" in line or "\t" in line.strip() or len(_SPACED_CELLS.findall(line.strip())) >= 2


_SPACED_CELLS = re.compile(r"\S {2,}(?=\S)")


def cells(line: str) -> list[str]:
    return re.split(r"[|\t]| {2,}", line)


def table_header(line: str) -> bool:
    """The header row of a text table of partners ("City | Country | Year established",
    "No.<tab>Classification<tab>City<tab>Country<tab>Date of Agreement")."""
    # (a bracketed note is no column's name: "Board status (2024)")
    found = [re.sub(r"\([^()]*\)", "", c).strip().lower() for c in cells(line) if c.strip()]
    return len(found) >= 2 and all(c and set(c.split()) <= _TABLE_HEADER for c in found)


_NAME_HEADING = re.compile(r"[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){0,3}")
_BULLET_TIE = re.compile(
    r"^[-–—•·*▪◦‣]\s+[^\n]{0,60}?(?::\s*(?:sister|twin|partner|friendship|friendly)\b|\((?:since\s+)?(?:1[89]|20)\d\d\))"
)


def name_heading(line: str, nxt: str) -> bool:
    """A name alone on its line ("Kobe City") over bulleted partners with their ties
    ("- Seattle, USA: sister city (1957)"): the heading of that place's partner list."""
    return _NAME_HEADING.fullmatch(line.strip()) is not None and bool(
        _BULLET_TIE.match(nxt.strip())
    )


_PLACE_COLUMNS = frozenset("city cities town towns municipality partner partners".split())


def header_intro(line: str, before: str) -> bool:
    """A table's header row with a column of places, under a line that speaks of ties
    ("The table below lists ... sister cities" / "No. | City | Country | Date"): the
    header introduces the rows."""
    return (
        table_header(line)
        and any(c.strip().lower() in _PLACE_COLUMNS for c in cells(line))
        and _REL_WORD.search(before) is not None
        # (under a list's own heading the rows are its, not the header's)
        and not _is_intro(before.strip())
    )


# "Bergen, Norway; Deventer, Netherlands; ..." or "Bergen (Norway), Deventer (Netherlands),
# ...": a run of names on one line, split by semicolons, commas or dots
_RUN_SEPARATORS = re.compile(r"\s*[;,·•]\s*(?:and\s+)?|\s+and\s+")
_RUN_BRACKET = re.compile(r"\s*\([^()]{0,40}\)")
_MIN_RUN = 4
_REL_WORD = re.compile(r"(?i)\b(?:sister|twin|twinned|twinning|partner|partnership|jumelage)")


def place_run(line: str) -> bool:
    """A line that is only names, at least four of them ("Bergen, Norway; Deventer,
    Netherlands; Frankfurt, Germany"): a list of partners however long. Short lowercase
    words are allowed inside a name ("Frankfurt am Main", "Stratford-upon-Avon")."""
    line = _RUN_BRACKET.sub("", line.strip().lstrip("-–—•·*▪◦‣ ").rstrip("."))
    parts = [p for p in _RUN_SEPARATORS.split(line) if p]
    return len(parts) >= _MIN_RUN and all(
        p[:1].isupper()
        and len(p.split()) <= 4
        and all(w[:1].isupper() or len(w) <= 3 for w in p.split())
        and not re.search(r"[.!?:]", p)
        for p in parts
    )


_NOTE_LINE = re.compile(r"\s*\([^()\n]{1,80}\)\s*")


def note_line(line: str) -> bool:
    """A line that is a note in brackets ("(year of agreement in brackets)"), as printed
    between a list's heading and its lines."""
    return _NOTE_LINE.fullmatch(line) is not None


def list_items(text: str) -> tuple[tuple[int, int], ...]:
    """Lines listing partners after an intro line or heading.

    "Bloomington is twinned with:" or "Former twin towns" followed by one short line per
    partner ("- Santa Clara, Cuba (since 1999)"), or by the rows of a text table
    ("Gaziantep | Turkey | 2012 |", its header row skipped); the list ends at the first
    long line or a line that starts another list.
    """
    out = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    if lines and _MASTHEAD.match(text, *lines[0]):
        # "ANN ARBOR SISTER CITIES" / "Belize City, Belize · Dakar, Senegal · ...": an
        # association's masthead over its partners, several to a line
        for ls, le in lines[1:4]:
            if not _masthead_line(text[ls:le]):
                break
            out.append((ls, le))
    k = 0
    while k < len(lines):
        s, e = lines[k]
        if (
            k + 1 < len(lines)
            and _REL_WORD.search(text[s:e])
            and place_run(text[lines[k + 1][0] : lines[k + 1][1]])
            and not _is_intro(text[s:e].strip())
        ):
            # "Tartu is twinned with these cities." over a line of names: a list, with or
            # without the colon
            out.append(lines[k + 1])
            k += 2
            continue
        if (
            _is_intro(text[s:e].strip())
            or (k > 0 and header_intro(text[s:e], text[lines[k - 1][0] : lines[k - 1][1]]))
            or (
                k + 1 < len(lines)
                and name_heading(text[s:e], text[lines[k + 1][0] : lines[k + 1][1]])
            )
        ):
            j = k + 1
            style = None  # the first item sets it: table rows, bullets, or plain lines
            found = []
            while j < len(lines):
                ls, le = lines[j]
                line = text[ls:le].strip()
                if table_header(line) or (not found and (_caption_row(line) or note_line(line))):
                    # (and a caption printed as the table's first row: "| City of
                    # Greater Bendigo international relationships | | | |", or a note
                    # in brackets: "(year of agreement in brackets)")
                    j += 1
                    continue
                limit = _MAX_ROW_WORDS if table_row(line) else _MAX_ITEM_WORDS
                if style == "bullet" and _BULLET_ENTRY.match(line):
                    # ("- Maui County in Hawaii, United States, since 1997, a relationship
                    # with a county rather than a single city": a bullet among bullets,
                    # opening on a name and where it lies, may carry a note)
                    limit = _MAX_ROW_WORDS
                if not line or _is_intro(line):
                    break
                if len(line.split()) > limit and not _noted_item(line) and not place_run(line):
                    break
                if not line.lstrip(_BULLETS + "|").lstrip()[:1].isupper():
                    break  # ("| Saint-Brieuc | France | 1974 |": a row opens with a bar)
                row = table_row(line)
                shape = (
                    "row" if row
                    else "bullet" if line[0] in _BULLETS
                    else "run" if place_run(line)
                    else "plain"
                )  # fmt: skip
                if style is not None and shape != style:
                    break  # "Other cooperation" after the table ends the list
                style = style or shape
                found.append((ls, le))
                j += 1
            # One plain line under a title is a caption, not a list; one bulleted line
            # ("Former twin towns" / "- Kaluga, Russia (1994–2022)"), one table row or one
            # line after a colon is a list of one.
            if len(found) >= 2 or (
                found and (style in ("bullet", "row", "run") or text[s:e].rstrip().endswith(":"))
            ):
                out.extend(found)
                k = j
            else:
                k += 1  # no list here; the next line may still introduce one
        else:
            k += 1
    return tuple(out)


_MASTHEAD = re.compile(
    r"(?i)[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3}\s+(?:sister\s+cities|twin\s+towns|"
    r"twinning\s+association|sister\s+cities\s+(?:association|committee|inc\.?))\s*$"
)
LIST_SEPARATORS = re.compile(r"\s[·•]\s")


def _masthead_line(line: str) -> bool:
    """ "Belize City, Belize · Dakar, Senegal · Hikone, Japan": short capitalised names
    split by dots (not a menu's bars)."""
    parts = LIST_SEPARATORS.split(line.strip())
    return len(parts) >= 2 and all(
        p[:1].isupper() and len(p.split()) <= 5 and not re.search(r"[.!?:]$", p) for p in parts
    )


# a transcript's speaker label, first name(s) before the surname and a colon after
_SPEAKER_BEFORE = re.compile(r"(?:^|\n)(?:\[[\d:.]+\][ \t]*)?(?:[A-Z][\w'’.-]*[ \t]+){1,2}$")
_SPEAKER_AFTER = re.compile(r"(?:,[ \t]*[A-Z][\w'’. -]{0,40})?:")
_NEXT_WORD = re.compile(r"[ \t]+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_PREV_WORD = re.compile(r"\b([A-Z][a-z]+)[ \t]+$")
# a surname's particle: "alderman Sandra van Breda", "Van Breda said"
_SURNAME_PARTICLE = re.compile(r"\b[Vv]an(?: de[nr]?)?[ \t]+$|\b[Vv]on[ \t]+$")
_NOT_A_NAME = frozenset(
    "city town council county district municipality mayor mayors councillor councillors "
    "councilor councilors university college school airport port harbour harbor province "
    "state region prefecture metropolitan municipal government hall police police "
    # "Whanganui High School", "Virginia Lake": an institution or a feature, no surname
    "high grammar primary secondary academy institute club united lake river park street "
    "road square station hospital museum cathedral church stadium bridge "
    # "the Dumfries Business Forum", "Tucson Sister Cities Association": bodies of a town
    "business forum chamber campus centre center association society committee trust "
    "board agency festival airport harbour twinning sister "
    # "the Kendal Mountain Festival", "Cardiff Bay", "the Boston Marathon": a feature or
    # an event named for the town, no surname
    "mountain mountains valley hills beach bay island marathon fair show carnival games "
    "library theatre theater gallery zoo castle abbey market cup league "
    "the a an in on at of and but for with from by to as is was said says "
    # "Unlike Lublin, which ...": a preposition opening the sentence
    "like unlike besides after before since during under".split()
)
MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


class _TitleCaseLines:
    """Whether the line holding a position is title case, worked out once per line: a
    line of a million characters holding thousands of names would otherwise be read
    again for every name on it."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.seen: dict[int, bool] = {}

    def __call__(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        if k not in self.seen:
            start = self.starts[k]
            end = self.starts[k + 1] - 1 if k + 1 < len(self.starts) else len(self.text)
            self.seen[k] = _title_case(self.text[start:end])
        return self.seen[k]


def _title_case(line: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    if len(words) < 3:
        return True  # too short to tell a name from a heading
    return sum(w[0].isupper() for w in words) / len(words) > 0.6


@lru_cache(maxsize=1)
def cues() -> dict[str, frozenset[str]]:
    """Word lists that tell places from other names (data/place_cues.json)."""
    raw = json.loads(resources.files("pipeline.data").joinpath("place_cues.json").read_text())
    return {k: frozenset(v) for k, v in raw.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def titled_name() -> re.Pattern:
    """A person's title and first name right before a name: "Councilor Aurora Reyes"."""
    titles = "|".join(sorted(map(re.escape, cues()["person_titles"]), key=len, reverse=True))
    # or a capitalised title right before the surname: "Councilor Quintana", "COUNCILOR
    # QUINTANA:", "Ms. Trujillo" (not "its sister Qingdao")
    written = sorted(
        {w.capitalize() for w in cues()["person_titles"]}
        | {w.upper() for w in cues()["person_titles"]},
        key=len,
        reverse=True,
    )
    direct = "|".join(map(re.escape, written))
    # or a lower-case role: "the navigator Vasco da Gama"
    roles = "|".join(sorted(map(re.escape, cues()["person_roles"]), key=len, reverse=True))
    return re.compile(
        rf"(?:(?i:\b(?:{titles}))\.?[ \t]+[A-Z][\w'’-]+|\b(?:{direct})\.?|\b(?:{roles}))[ \t]+$"
    )


def surname_particle_before(text: str, start: int) -> bool:
    """A surname's particle right before a name: "Sandra van Breda", "Van Breda said"."""
    return _SURNAME_PARTICLE.search(text, max(0, start - 10), start) is not None


def _person_like(text: str, spans: tuple[NameSpan, ...], gaz: Gazetteer) -> frozenset[str]:
    """City names the text also uses as a person's first name or surname.

    "London Breed", "Florence Hughes", "Councillor Sydney Marsh": a name written next
    to a capitalised word that is no place, role or month, outside title-case
    headlines, is a person here, so the tagger's PERSON label is believed for it.
    """
    out = set()
    by_neighbour: Counter = Counter()
    title_case_line = _TitleCaseLines(text)
    for span in spans:
        if span.key in gaz.countries or span.key in gaz.demonyms:
            continue
        if titled_name().search(text, max(0, span.start - 40), span.start):
            # "Councilor Aurora Reyes": a surname, whatever its first name (a roll call
            # "Councilor Quintana, yes. Councilor Baca, no." looks like a title-case line)
            out.add(span.key)
            continue
        if surname_particle_before(text, span.start):
            out.add(span.key)
            continue
        if _SPEAKER_BEFORE.search(text, max(0, span.start - 40), span.start) and (
            _SPEAKER_AFTER.match(text, span.end)
        ):
            # "LUCY CARVER:", "[00:01:35] Lucy Carver, reporter:": a transcript's speaker
            out.add(span.key)
            continue
        if title_case_line(span.start):
            continue
        neighbours = []
        m = _NEXT_WORD.match(text, span.end)
        if m:
            neighbours.append((m.group(1), False))
        m = _PREV_WORD.search(text, max(0, span.start - 30), span.start)
        if m and not re.search(r"[.!?:]\s*$", text[max(0, m.start() - 3) : m.start()]):
            neighbours.append((m.group(1), True))
        for word, first_name in neighbours:
            key = norm(word)
            if key in _NOT_A_NAME or key in MONTHS_DAYS or gaz.is_known(key):
                continue
            if key in gaz.demonyms or key in gaz.stop or key in gaz.weak:
                continue
            if first_name:
                out.add(span.key)  # "Ruth Ellen Kasper": a first name before it
            by_neighbour[span.key] += 1
            break
    # (a word after it alone is weak: "Frascati Superiore", the wine, in a story that
    # names the town five times as a place)
    total = Counter(s.key for s in spans)
    out.update(k for k, n in by_neighbour.items() if 3 * n >= total[k] or total[k] < _REPEATED)
    return frozenset(out)


def _glued_names(text: str, spans: tuple[NameSpan, ...], gaz: Gazetteer) -> frozenset[str]:
    """Two known names the text always writes together, again and again: "Marco Polo"
    (a Marco in Brazil, a Polo the alias table knows), a person's name, never a place."""
    glued: Counter = Counter()
    for span in spans:
        nxt = _NEXT_WORD.match(text, span.end)
        if nxt is not None and gaz.is_known(norm(nxt.group(1))):
            glued[(span.key, norm(nxt.group(1)))] += 1
    total = Counter(s.key for s in spans)
    out: set[str] = set()
    for (first, second), n in glued.items():
        if n >= _REPEATED and n == total[first] and n >= total[second]:
            out.update((first, second))
    return frozenset(out)


def named_division(words: list[str], gaz: Gazetteer, cities: tuple[City, ...] | None = None):
    """(country, admin1) of the longest leading run of `words` naming a country or a
    first-level division ("Lower Saxony", "Russian Federation"); with `cities`, only one
    that holds one of them. None when the words name neither."""
    for n in range(len(words), 0, -1):
        key = norm(" ".join(words[:n]).rstrip(","))
        iso = gaz.countries.get(key)
        if iso and (cities is None or any(c.country == iso for c in cities)):
            return (iso, None)
        divisions = gaz.admin1.get(key, [])
        if cities is None and len({d.country for d in divisions}) == 1:
            return (divisions[0].country, (divisions[0].country, divisions[0].code))
        for div in divisions if cities is not None else ():
            if any((c.country, c.admin1) == (div.country, div.code) for c in cities):
                return (div.country, (div.country, div.code))
    return None


def _string_qualifier(text: str, span: NameSpan, cities: tuple[City, ...], gaz: Gazetteer):
    """(country, admin1) when the name is followed by its state or country."""
    m = _AFTER_QUALIFIER.match(text, span.end)
    if m:
        found = named_division(m.group(1).split(), gaz, cities)
        if found is not None:
            return found
    m = _AFTER_IN.match(text, span.end)
    if m and m.group(1) and m.group(1)[0].isupper():
        # "Bethlehem in the West Bank": the compass word is part of the name
        found = named_division([*m.group(1).split(), *m.group(2).split()], gaz, cities)
        if found is not None:
            return found
    if m:
        words = m.group(2).split()
        # "Kasama, in Japan's Ibaraki Prefecture": the country owns the rest
        owner = re.sub(r"['’]s$", "", words[0])
        if owner != words[0]:
            iso = gaz.countries.get(norm(owner))
            if iso and any(c.country == iso for c in cities):
                return (iso, None)
        # ("the City of Koshu in Yamanashi Prefecture")
        found = named_division(words, gaz, cities)
        if found is not None:
            return found
    before = text[max(0, span.start - 60) : span.start]
    m = _BEFORE_NATIONAL.search(before)
    if m:
        iso = gaz.demonyms.get(norm(m.group(1)))
        if iso and any(c.country == iso for c in cities):
            return (iso, None)
    m = _BEFORE_OWNER.search(before)
    if m:
        iso = gaz.countries.get(norm(m.group(1)))
        if iso and any(c.country == iso for c in cities):
            return (iso, None)
    return None


def _string_cue(text: str, span: NameSpan, gaz: Gazetteer) -> bool:
    if span.key in cues()["continents"]:
        return False  # "Tauranga's ties with Asia": a continent is no partner
    before = text[max(0, span.start - 40) : span.start]
    if _BEFORE_OF.search(before) or _BEFORE_RELATION.search(before):
        return True
    if _AFTER_ROLE.match(text, span.end) or _AFTER_RELATION.match(text, span.end):
        return True
    return council_letterhead(text, span.start, span.end)


# A council's letterhead line: "CITY OF CHARLOTTESVILLE", "GALWAY CITY COUNCIL",
# "Toowoomba Regional Council" (title-cased before matching)
_LETTERHEAD = re.compile(
    r"(?:(?:City|Town|Borough|Municipality|Shire|County) Of )?(?P<name>.+?)"
    r"(?: (?:City|Town|Regional|District|Borough|Municipal|Metropolitan|Shire|County))?"
    r"(?: Council| Municipality| City Hall| Kommune| Special City| Metropolitan City"
    r"| Metropolitan Government| City Government| Municipal Government)?\s*$"
)


def council_letterhead(text: str, start: int, end: int) -> bool:
    """The name heads the document as its council's (one of its first three lines, which
    is the name and a council's words)."""
    if start > _LETTERHEAD_REACH:
        return False  # (asked of every name: the cheap test first)
    lo = text.rfind("\n", 0, start) + 1
    if text[:lo].strip().count("\n") > 2:
        return False
    hi = text.find("\n", end)
    line = text[lo : len(text) if hi < 0 else hi].strip()
    if len(line) > 60:
        return False
    titled = line.title()
    m = _LETTERHEAD.fullmatch(titled)
    name, said = (m.group("name").casefold(), text[start:end].casefold()) if m else ("", "")
    return (
        m is not None
        # ("GALWAY CITY" as the scan reads it: the name and its kind)
        and (said == name or said.removeprefix(name + " ") in _LETTERHEAD_KINDS)
        # (a council's word, not "Exeter City", the football club)
        and _COUNCIL_WORD.search(titled) is not None
    )


_LETTERHEAD_REACH = 400  # three short lines and the blank ones between them
_LETTERHEAD_KINDS = frozenset("city town district borough county".split())
_COUNCIL_WORD = re.compile(
    r"^(?:City|Town|Borough|Municipality|Shire|County) Of |Council|"
    r"Municipality|City Hall|Kommune|"
    # ("Changwon Special City" over its press release, "Seoul Metropolitan Government")
    r"Special City|Metropolitan City|Government"
)


def _own_name_only_when_qualified(key, cities, hint, countries) -> bool:
    """ "Tokaj and Koshu" ... "the City of Koshu in Yamanashi Prefecture": bare, the name
    is another place's alternate (Guangzhou's); qualified, it is a town's own name. The
    qualifier then says which place the text means throughout."""
    country, admin1 = hint
    bare = resolve(key, cities, None, set(), None, None, countries)
    pinned = resolve(key, cities, country, {admin1} if admin1 else set(), None, None, countries)
    return norm(bare.name) != key and norm(pinned.name) == key


# A listed city this big, qualified by another country, is more likely the place of an
# event ("met the mayor of Shanghai in Japan") than an unlisted namesake.
NAMESAKE_MAX = 500_000


def resolve(
    key: str,
    cities: tuple[City, ...],
    qual_country: str | None,
    qual_admin1: set,
    parent: City | None,
    local: str | None,
    doc_countries: Counter,
    kind: str = "city",
    surface: str = "",
) -> Place:
    """The most plausible GeoNames entry for a name in its context."""
    total = sum(doc_countries.values()) or 1
    chosen = alias_choices().get(key)
    # "Mâcon" as written is the French town, not Macon, Georgia: a spelling with marks
    # that only one of the places of that name bears
    marked = surface if surface and not surface.isascii() else ""
    spelled = {c.geonameid for c in cities if marked and c.name == marked}
    if len(spelled) == len(cities):
        spelled = set()

    def score(city: City) -> float:
        s = math.log10(city.population + 10)
        if city.geonameid in spelled:
            s += 1
        if city.geonameid == chosen:
            # our alias table's choice counts as the place's own name ("St. Petersburg"
            # is the Russian city before the Floridian one that bears it as its own)
            s += 1 + math.log10(PRIMARY_NAME_WEIGHT)
        elif norm(city.name) in (key, f"{key} city"):
            # A place's own name beats another's alternate name unless that place is
            # ten times larger ("Corvallis" is not a name of Norwalk here).
            s += math.log10(PRIMARY_NAME_WEIGHT)
        if (city.country, city.admin1) in qual_admin1:
            s += 10
        if qual_country and city.country == qual_country:
            s += 8
        if parent is not None and city.country == parent.country:
            s += 4 + (2 if city.admin1 == parent.admin1 else 0)
        if local and city.country == local:
            s += 5
        s += 2.0 * doc_countries.get(city.country, 0) / total
        return s

    best = max(cities, key=lambda c: (score(c), -c.geonameid))
    if qual_country and best.country != qual_country and best.population < NAMESAKE_MAX:
        # "twinned with Antequera in Paraguay": the text says the country, and no town of
        # the name the gazetteer knows lies in it; a namesake too small to be listed
        name = surface if surface and norm(surface) == key else title(key)
        return Place(name, qual_country, None, None, kind)
    bare = re.sub(r"\s+(?:city|town)$", "", key)  # "Galway City" is Galway
    own = norm(best.name)
    named = (
        own in (key, bare)
        or own == f"{key} city"  # "Tagbilaran" is Tagbilaran City
        or key.startswith(f"{own} ")  # "Esslingen am Neckar" is Esslingen
        or best.geonameid == chosen  # our alias table's choice ("Marburg", "Bad Neuenahr")
    )
    if not named and kind != "city":
        # "Bexar County" is no name of Béchar: a county or district goes by its own name
        return Place(title(key), qual_country or local, None, None, kind)
    if not named and best.population < ALT_NAME_MIN_POPULATION:
        return Place(title(key), best.country, None, None, kind)
    return Place(best.name, best.country, best.geonameid, best.admin1, kind)


_LOWER_PARTS = frozenset(
    "on upon sur sous in en le la les de du des am an der im by under lès di del da".split()
)


def title(key: str) -> str:
    """A display name for a normalised key: "hay-on-wye" -> "Hay-on-Wye",
    "kronberg im taunus" -> "Kronberg im Taunus"."""

    def part(w: str, first: bool) -> str:
        return w if (w in _LOWER_PARTS and not first) else w[:1].upper() + w[1:]

    words = []
    for n, word in enumerate(key.split()):
        pieces = word.split("-")
        words.append("-".join(part(p, n == 0 and k == 0) for k, p in enumerate(pieces)))
    return " ".join(words)
