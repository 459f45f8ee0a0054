"""A small token-pattern language, compiled to regular expressions over sentences.

A sentence is rewritten as a string of *units*, one per word, with each recognised
place, country name and demonym collapsed into a single unit:

    "Arnhem ended a 21-year sister-city relationship with Wuhan"
    -> " @P0|place|P arnhem... "  (one space-separated unit per word or name)

Patterns are written over units, e.g. ``A _{0,12} R=$REL with B`` and compiled once
into a Python regex, so matching runs at regex speed. Atoms:

    A, B            a place (captured as group A / B)
    A+, B+          a coordination of places: "Beijing and Shanghai"
    PLACE           a place, not captured
    NATION          a country name or demonym ("China", "Chinese", "U.S.")
    N=NATION        ... captured as N
    word            a word, by its lowercase form: with, of, 's
    ~lemma          a word by lemma: ~end matches end, ended, ending
    $MACRO          a macro from the lexicon (alternatives of word sequences)
    a/b/c           any of these words; SLASH is a literal "/", LPAREN and RPAREN
                    literal brackets
    _               any word or country (never a place); _{0,8} up to eight
    *               any unit at all
    START           the start of the sentence (a headline's first word)
    (a | b c)       alternatives; ? {m,n} quantify an atom or group
    !word / !$MACRO negative lookahead: the next unit is not that
    X=atom          capture an atom or group under the name X (pair rules read A, B,
                    R the relationship noun, and V the verb that carries the event
                    where the parser does not hang the noun on it)

Each pattern lives in a JSONL file with an id; the id travels with every match into
the dataset as the reason for the extraction.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# One unit: "<form>|<lemma>|<class>" with no spaces. Classes: P (place), C (country
# name), D (demonym), W (word).
_PLACE = r"@P\d+\|[^ ]*\|P "
_NATION = r"@[CD][A-Z]{2}\|[^ ]*\|[CD] "
_WORD = r"[^@ ][^ ]*\|[^ ]*\|W "
_ANY = r"[^ ]+ "
# Between coordinated places: ", ", "; ", " and ", ", and with "; a bracketed year or
# note may follow a place first ("Marseille (1961) and Rio de Janeiro (1969)").
_COORD_SEP = (
    # "followed by Florence in 1965, Kyiv in 1971 and Prague in 1996": each item's year
    # before the separator, when the next item has its own ("Kalmar, partner of Panevėžys
    # since 1991, and Pärnu, which ...": no list)
    r"(?:(?:,\|[^ ]*\|W )?(?:in|since)\|[^ ]*\|W \d{4}\|[^ ]*\|W "
    r"(?=(?:[,;]\|[^ ]*\|W )?(?:and\|[^ ]*\|W )?(?:of\|[^ ]*\|W )?"
    # (or "..., the Turkmen city of Mary in 2017"; "of Nara in 1970 and of Xi'an in 1994")
    r"(?:the\|[^ ]*\|W (?:@[CD][A-Z]{2}\|[^ ]*\|[CD] )?"
    r"(?:city|town|capital|port|village)\|[^ ]*\|W (?:of\|[^ ]*\|W )?)?@P\d+\|[^ ]*\|P "
    r"(?:[^ @][^ ]*\|[^ ]*\|W |@C[A-Z]{2}\|[^ ]*\|C ){0,3}?(?:in|since)\|[^ ]*\|W \d{4}\|))?"
    r"(?:\(\|[^ ]*\|W (?:[^ ]+ ){1,4}?\)\|[^ ]*\|W )?"
    # "with Vladivostok in the Russian Far East and with Lake Macquarie": where a place
    # lies, before a repeated "and with"
    # (or its year too: "with Tempe in Arizona since 1978, with Odesa in Ukraine")
    r"(?:in\|[^ ]*\|W (?:[^ @,;][^ ]*\|[^ ]*\|W |@[CDP][A-Z\d]*\|[^ ]*\|[CDP] ){1,4}?"
    r"(?=(?:(?:since|in|from)\|[^ ]*\|W \d{4}\|[^ ]*\|W )?"
    r"(?:,\|[^ ]*\|W )?(?:and\|[^ ]*\|W )?with\|))?"
    # "twinned with Aberdeen since 1967 and with Wismar since 1990": each one's year,
    # before a repeated "and with"
    r"(?:(?:,\|[^ ]*\|W )?(?:since|in|from)\|[^ ]*\|W \d{4}\|[^ ]*\|W "
    # (past a bracketed remark: "since 1971 (there's a Flemish-style café ...) and with")
    r"(?:\(\|[^ ]*\|W (?:[^ @()]+ ){1,30}?\)\|[^ ]*\|W (?=and\|[^ ]*\|W with\|))?"
    r"(?=(?:,\|[^ ]*\|W )?(?:and\|[^ ]*\|W (?:,\|[^ ]*\|W )?)?"
    r"(?:(?:since|in|from)\|[^ ]*\|W \d{4}\|[^ ]*\|W "
    r"(?:,\|[^ ]*\|W )?)?with\|"
    # (or before an aside: "with Salzgitter since 1951, one of the earliest ...")
    r"|,\|[^ ]*\|W (?:a|an|one)\|"
    # (or before the next one: "with Umeå in Sweden, since 1975, and Chernivtsi"; not
    # a clause of its own: "..., and Niigata, which signed with Harbin", "..., and
    # Swakopmund with the German town of Rendsburg")
    r"|,\|[^ ]*\|W and\|[^ ]*\|W @P\d+\|[^ ]*\|P "
    r"(?!,\|[^ ]*\|W (?:which|who|whose)\|[^ ]*\|W (?:[^ ,.;]+ ){0,6}?with\|"
    r"|with\||(?:has|had|have|is|was|signed)\|)))?"
    # "Kochi in Japan, Ipswich in Australia and Campinas": a country after a place the
    # gazetteer knows only elsewhere (or "Trenčín in neighbouring Slovakia")
    r"(?:in\|[^ ]*\|W (?:(?:the|neighbouring|neighboring|nearby|northern|southern|eastern"
    r"|western|central|north|south|east|west)\|[^ ]*\|W )?@C[A-Z]{2}\|[^ ]*\|C "
    r"(?=(?:[,;]|and)\|))?"
    # "with Sanremo, in Italy, and Gijón": a country set off after a place
    r"(?:,\|[^ ]*\|W in\|[^ ]*\|W @C[A-Z]{2}\|[^ ]*\|C (?=,))?"
    # "... with Hokkaido in Japan, established in 1980, and with Gangwon Province"
    r"(?:,\|[^ ]*\|W [^ @][^ ]*\|(?:establish|sign|date|agree|conclude|form|formalise|formalize"
    r"|seal|forge)\|W "
    # (a participle's date or time, not a verb's object: "Milan, formed the network;")
    r"(?:in|on|since|at|by|from|back|to|during)\|[^ ]*\|W "
    r"(?:[^ @][^ ]*\|[^ ]*\|W ){0,2}?(?=[,;]))?"
    # "Deauville in France, linked with Lexington since 1957, County Kildare ...": the
    # item's tie with the list's owner, and its year
    r"(?:,\|[^ ]*\|W (?:linked|twinned|paired|partnered)\|[^ ]*\|W with\|[^ ]*\|W "
    r"@P\d+\|[^ ]*\|P (?:since|in|from)\|[^ ]*\|W \d{4}\|[^ ]*\|W (?=[,;]))?"
    # "with Nîmes in France, with which it signed in 1955, as well as Recklinghausen": the
    # first one's own clause
    # (naming the owner too: "Seattle, with which Daejeon became a sister city in 1989,
    # and Calgary")
    r"(?:,\|[^ ]*\|W with\|[^ ]*\|W which\|[^ ]*\|W "
    r"(?:[^ @,;][^ ]*\|[^ ]*\|W |@P\d+\|[^ ]*\|P ){1,8}?(?=[,;]))?"
    # "...; Nantong in China, in 2000; and Dili": an item's year before the semicolon
    r"(?:,\|[^ ]*\|W (?:since|in|from)\|[^ ]*\|W \d{4}\|[^ ]*\|W (?=;))?"
    # "Edinburgh in the United Kingdom, a friendship city since 1985; Gyeongju": a
    # short description with the item's year before the semicolon
    r"(?:,\|[^ ]*\|W (?:a|an)\|[^ ]*\|W (?:[^ @,;][^ ]*\|[^ ]*\|W ){1,3}?"
    r"(?:since|in|from)\|[^ ]*\|W \d{4}\|[^ ]*\|W (?=;))?"
    # "Gifu, Japan, a relationship dating back to 1970, and Seinäjoki": a described aside
    r"(?:,\|[^ ]*\|W (?:a|an)\|[^ ]*\|W (?:relationship|partnership|link|tie|twinning)\|[^ ]*\|W "
    r"(?:[^ @,][^ ]*\|[^ ]*\|W ){1,5}?(?=,\|[^ ]*\|W and\|))?"
    # "Kurashiki in Japan, which has been a partner since 1998, and Long Beach": a
    # relative clause naming no place, set off before ", and"
    # (or "Tashkent, whose ties with the city date back to 2017, Bishkek ...": before the
    # next name of the list)
    r"(?:,\|[^ ]*\|W (?:which|who|whose)\|[^ ]*\|W (?:[^ @,;][^ ]*\|[^ ]*\|W ){1,10}?"
    r"(?=,\|[^ ]*\|W (?:and\||@P)))?"
    # "with Zittau, its neighbour across the border in Saxony, with Augsburg": an aside
    # on the item, before the next one's own "with"
    r"(?:,\|[^ ]*\|W (?:its|their)\|[^ ]*\|W "
    r"(?:[^ @,;][^ ]*\|[^ ]*\|W |@[CDP][A-Z\d]*\|[^ ]*\|[CDP] ){1,10}?"
    r"(?=,\|[^ ]*\|W (?:and\|[^ ]*\|W )?with\|))?"
    # "Niebüll, a market town in Schleswig-Holstein close to the Danish border, and
    # Gien": a longer description set off before ", and"
    # (or "Salzgitter since 1951, one of the earliest Anglo-German twinnings after the
    # war, and with Toruń")
    # ("with Kusatsu in Japan, another spa town, and with Carlsbad")
    r"(?:,\|[^ ]*\|W (?:a|an|another|one\|[^ ]*\|W of\|[^ ]*\|W the)\|[^ ]*\|W "
    r"(?:[^ ,;][^ ]*\|[^ ]*\|[WPD] ){2,16}?"
    # (with its year: "of Obama, a port town in Fukui Prefecture, in 1977, and of Xi'an")
    r"(?:,\|[^ ]*\|W (?:in|since)\|[^ ]*\|W \d{4}\|[^ ]*\|W )?"
    # (or before a described one: "Bourg-lès-Valence, a neighbour of Valence, and the
    # Georgian city of Rustavi")
    r"(?=,\|[^ ]*\|W and\|[^ ]*\|W (?:(?:with|of)\|[^ ]*\|W )?"
    r"(?:the\|[^ ]*\|W (?:@D[A-Z]{2}\|[^ ]*\|D )?(?:[^ @,;][^ ]*\|[^ ]*\|W )?"
    r"(?:village|town|city|port|municipality|resort)\|[^ ]*\|W of\|[^ ]*\|W )?@P))?"
    # "the town of Oyama at the foot of Mount Fuji, and ...": where it lies
    r"(?:(?:at|near)\|[^ ]*\|W (?:[^ @,;][^ ]*\|[^ ]*\|W |@P\d+\|[^ ]*\|P "
    r"|@[CD][A-Z]{2}\|[^ ]*\|[CD] ){1,5}?"
    r"(?=,\|[^ ]*\|W ))?"
    # "Otsu, Japan, the oldest; Sekondi-Takoradi, Ghana": a short note before a semicolon
    r"(?:,\|[^ ]*\|W the\|[^ ]*\|W (?:[^ @][^ ]*\|[^ ]*\|W ){1,2}?(?=;))?"
    # "agreements include one with Volgograd ..., one with Denver ..., and a 2008
    # agreement with San Antonio": each item its own "one with"
    r"(?:[,;]\|[^ ]*\|W (?:and\|[^ ]*\|W )?(?:(?:one|another)\|[^ ]*\|W with\|[^ ]*\|W "
    r"|(?:a|an)\|[^ ]*\|W (?:\d{4}\|[^ ]*\|W )?(?:agreement|accord|pact|link|tie|partnership)"
    r"\|[^ ]*\|W with\|[^ ]*\|W )"
    # (", and also with Minsk")
    r"|[,;]\|[^ ]*\|W (?:and\|[^ ]*\|W (?:also\|[^ ]*\|W )?)?"
    r"(?:with\|[^ ]*\|W |of\|[^ ]*\|W (?=@P))?"
    r"|and\|[^ ]*\|W (?:with\|[^ ]*\|W |of\|[^ ]*\|W (?=@P))?|&\|[^ ]*\|W "
    # "twinned with Dortmund in 1969, and in 1980 with Lille": the next one's year first
    # (or "..., and, since 2015, Kamaishi")
    r"|(?:,\|[^ ]*\|W )?and\|[^ ]*\|W (?:,\|[^ ]*\|W )?(?:since|in|from)\|[^ ]*\|W "
    r"\d{4}\|[^ ]*\|W (?:,\|[^ ]*\|W )?(?:with\|[^ ]*\|W )?"
    # "twinned with Rennes and Bad Homburg, as well as Yaroslavl"
    r"|(?:,\|[^ ]*\|W )?as\|[^ ]*\|W well\|[^ ]*\|W as\|[^ ]*\|W (?:with\|[^ ]*\|W )?"
    # "Its first sister city was Reggio Emilia, followed by Trier in 1987"
    r"|(?:(?:in|since)\|[^ ]*\|W \d{4}\|[^ ]*\|W )?,\|[^ ]*\|W "
    r"(?:and\|[^ ]*\|W )?(?:later\|[^ ]*\|W )?followed\|[^ ]*\|W by\|[^ ]*\|W )"
    r"(?:the\|[^ ]*\|W )?"  # "Ensenada, Mexico, and the Gangnam District of Seoul"
    # "Kathmandu and the Swiss village of Grindelwald", "the Shizuoka mountain town of
    # Oyama", "the southern Chinese port of Zhanjiang"
    r"(?:(?:@[CD][A-Z]{2}\|[^ ]*\|[CD] |@P\d+\|[^ ]*\|P "
    # (not "Qingdao, a sister city of Kiel": an apposition, no coordination)
    r"|(?!(?:of|and|with|from|to|a|an|sister|twin|partner|friendship)\|)"
    r"[^ @,;][^ ]*\|[^ ]*\|W ){0,3}?"
    r"(?:village|town|city|port|municipality|resort)\|[^ ]*\|W of\|[^ ]*\|W )?"
    # "..., and a second Chinese partner, Foshan": a short description set off before
    r"(?:(?:a|an|its|their)\|[^ ]*\|W (?:[^ @,][^ ]*\|[^ ]*\|W |@D[A-Z]{2}\|[^ ]*\|D ){1,3}?"
    r",\|[^ ]*\|W )?"
)


def _lit(word: str) -> str:
    return re.escape(word.replace("|", "¦")) + r"\|[^ ]*\|W "


def _lemma(word: str) -> str:
    return r"[^ @][^ ]*\|" + re.escape(word) + r"\|W "


_SPECIAL = frozenset("A B PLACE NATION COUNTRY DEM SLASH LPAREN RPAREN START _ *".split())


class PatternError(ValueError):
    pass


_TOKEN = re.compile(r"\s*(\(|\)|\||[^\s()|]+)")
_QUANT = re.compile(r"^(.*?)(\?|\+|\*|\{\d*,?\d*\})?$")


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    source: str
    regex: re.Pattern
    data: dict  # everything else in the JSONL record (kind, confidence, ...)


def compile_pattern(source: str, macros: dict[str, list[str]]) -> re.Pattern:
    tokens = [m.group(1) for m in _TOKEN.finditer(source)]
    pos = 0

    def parse_seq(stop: tuple[str, ...]) -> str:
        nonlocal pos
        parts = []
        while pos < len(tokens) and tokens[pos] not in stop:
            parts.append(parse_item())
        return "".join(parts)

    def parse_alt() -> str:
        nonlocal pos
        options = [parse_seq((")", "|"))]
        while pos < len(tokens) and tokens[pos] == "|":
            pos += 1
            options.append(parse_seq((")", "|")))
        return "(?:" + "|".join(f"(?:{o})" for o in options) + ")"

    def parse_item() -> str:
        nonlocal pos
        tok = tokens[pos]
        name = None
        if "=" in tok and not tok.startswith("="):
            name, tok = tok.split("=", 1)
            if not tok:
                pos += 1
                tok = tokens[pos]
        if tok == "(":
            pos += 1
            body = parse_alt()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise PatternError(f"unbalanced parenthesis in {source!r}")
            pos += 1
            quant = ""
            if pos < len(tokens) and re.fullmatch(r"\?|\*|\+|\{\d*,?\d*\}", tokens[pos]):
                quant = tokens[pos]
                pos += 1
            out = body + quant
        else:
            pos += 1
            m = _QUANT.match(tok)
            core, quant = m.group(1), m.group(2) or ""
            if not core:  # a bare "*" is the any-unit atom, not a quantifier of nothing
                core, quant = tok[:1], tok[1:]
            if core in ("A", "B") and quant == "+":
                out = f"(?:{_PLACE}(?:{_COORD_SEP}{_PLACE})*)"
                name = name or core
                quant = ""
            else:
                out = _atom(core, macros, source)
                if core in ("A", "B"):
                    name = name or core
                if core == "_" and quant.startswith("{"):
                    quant += "?"  # gaps are lazy: the nearest match is the right one
            out = f"(?:{out}){quant}" if quant else out
        if name:
            out = f"(?P<{name}>{out})"
        return out

    body = parse_seq(())
    if pos != len(tokens):
        raise PatternError(f"unexpected {tokens[pos]!r} in {source!r}")
    return re.compile(body)


def _atom(core: str, macros: dict[str, list[str]], source: str) -> str:
    if core.startswith("!"):
        return f"(?!{_atom(core[1:], macros, source)})"
    if core in ("A", "B", "PLACE"):
        return _PLACE
    if core == "NATION":
        return _NATION
    if core == "COUNTRY":
        return r"@C[A-Z]{2}\|[^ ]*\|C "
    if core == "DEM":
        return r"@D[A-Z]{2}\|[^ ]*\|D "
    if core == "_":
        # Any word or country, never a place: a gap cannot skip over another city.
        return r"(?![;:]\|)(?:" + _WORD + "|" + _NATION + ")"
    if core == "*":
        return _ANY
    if core == "START":
        # The sentence's first unit (the unit string opens with one space).
        return r"(?<=\A )"
    if core == "SLASH":
        return _lit("/")
    if core == "LPAREN":
        return _lit("(")
    if core == "RPAREN":
        return _lit(")")
    if core.startswith("$"):
        options = macros.get(core[1:])
        if options is None:
            raise PatternError(f"unknown macro {core} in {source!r}")
        return "(?:" + "|".join(compile_pattern(o, macros).pattern for o in options) + ")"
    if core.startswith("~"):
        # "~end/cut" and "~end/~cut" alike: every alternative is a lemma
        return "(?:" + "|".join(_lemma(w.lstrip("~")) for w in core[1:].split("/")) + ")"
    words = core.split("/")
    special = [w for w in words if w in _SPECIAL or w.startswith(("$", "~", "!"))]
    if special and len(words) > 1:
        # "NATION/the" would silently mean the words "nation" or "the".
        raise PatternError(
            f"{core!r} mixes {special[0]} into a word list in {source!r}; use ( a | b )"
        )
    return "(?:" + "|".join(_lit(w) for w in words) + ")"


def read_jsonl(name: str) -> list[dict]:
    text = resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")
    records = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise PatternError(f"{name}:{lineno}: {exc}") from exc
    return records


@lru_cache(maxsize=1)
def lexicon() -> dict:
    return json.loads(resources.files("pipeline.data").joinpath("lexicon.json").read_text())


# "■ Denver (State of Colorado, United States)" over "Sister city affiliation: 1960": a
# municipal page's entry per partner, the line under the name saying what tie and when.
# An interview's turns: "Q: Which partner matters most?" / "A: I would say Poitiers."
QUESTION = re.compile(r"^(?:Q|Question)\s*[:.]\s")
ANSWER = re.compile(r"^(?:A|Answer)\s*[:.]\s")
# ... or a transcript's: "WHITFORD: Does Thunder Bay have other sister cities?" /
# "LACROIX: We do. Gifu in Japan, ..." (a speaker's name in capitals, a role after it)
_SPEAKER = re.compile(
    r"^(?:\[[\d:.]+\]\s*)?([A-Z][A-Z'’.-]+(?:[ \t]+[A-Z][A-Z'’.-]+){0,3})"
    r"(?:,[ \t]*[A-Z][A-Z ,'’.-]{0,40})?:\s"
)


def question_turn(para: str) -> bool:
    """An interview's question: "Q: ..." or a speaker's turn that asks."""
    return bool(QUESTION.match(para)) or (
        _SPEAKER.match(para) is not None and para.rstrip().endswith("?")
    )


def answer_turn(para: str, question: str) -> bool:
    """The turn that answers `question` (which `question_turn` accepts)."""
    if ANSWER.match(para):
        return True
    asked, said = _SPEAKER.match(question), _SPEAKER.match(para)
    return asked is not None and said is not None and asked.group(1) != said.group(1)


# The mark of a list item opening its line: "(ii)", "a)", "1.", "4)".
ITEM_MARK = re.compile(r"\s*(?:\(?[ivx]{1,4}\)|\(?[a-h]\)|\d{1,2}[.)])\s+")

# The first words of a section under a partner's name that tell what the tie is:
# "1. Jalapa, Nicaragua" / "Established by Council resolution in 1984."
SECTION_OPENING = re.compile(
    r"^(?:Established|Signed|Formalized|Formalised|Twinned|Partnered|Agreed|Approved|"
    r"Sister city since|Twinned since|Partners since|Friends since)\b"
)

ENTRY_LINE = re.compile(
    r"(?i)^(?:sister|twin|friendship|partner)[\w\s-]{0,50}:\s*(?:1[89]|20)\d\d\b"
)


@lru_cache(maxsize=1)
def keyword_res() -> tuple[re.Pattern, re.Pattern]:
    """Document keywords ("sister city", "twinning"): a text about ties; and relevance
    words ("agreement") that count in such a text."""
    lex = lexicon()
    keywords = lex["document_keywords"]
    # Most positions of off-topic news start with none of the keywords' first letters; a
    # lookahead on those letters lets the regex skip them (six times faster, same matches).
    # Phrases that say the same without the words ("the city's agreement with Taiyuan")
    # are regular expressions, each opening with a word group of its own.
    phrases = lex["document_phrases"]
    initials = {k[0] for k in keywords} | {
        w[0] for p in phrases for w in re.findall(r"\(\?:([a-z|]+)\)", p)[0].split("|")
    }
    first = "".join(sorted({c.lower() for c in initials} | {c.upper() for c in initials}))
    strong = re.compile(
        f"(?=[{re.escape(first)}])(?:"
        + "|".join([*(re.escape(k) for k in keywords), *phrases])
        + ")",
        re.I,
    )
    weak = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in lex["relevance_words"]) + r")\b", re.I
    )
    return strong, weak


@lru_cache(maxsize=1)
def rel_nouns() -> frozenset[str]:
    """Nouns that name the relationship itself ("ties", "partnership"): $RELNOUN."""
    return frozenset(w for alt in lexicon()["macros"]["RELNOUN"] for w in alt.split("/"))


@lru_cache(maxsize=8)
def load_patterns(name: str) -> tuple[Pattern, ...]:
    macros = {k: v for k, v in lexicon()["macros"].items()}
    patterns = []
    seen = set()
    for rec in read_jsonl(name):
        pid = rec["id"]
        if pid in seen:
            raise PatternError(f"{name}: duplicate pattern id {pid}")
        seen.add(pid)
        data = {k: v for k, v in rec.items() if k not in ("id", "pattern")}
        patterns.append(Pattern(pid, rec["pattern"], compile_pattern(rec["pattern"], macros), data))
    return tuple(patterns)


# --- units -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    tok_start: int
    tok_end: int
    kind: str  # P, C, D, W
    ref: int | str | None  # place mention index, or ISO code for C/D


@dataclass(frozen=True, slots=True)
class UnitString:
    """A sentence as units, with the map from string offsets back to units."""

    text: str
    units: tuple[Unit, ...]
    offsets: tuple[int, ...]  # offset in text where each unit starts

    def unit_at(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.offsets, offset) - 1

    def units_in(self, start: int, end: int) -> list[int]:
        first = self.unit_at(start)
        out = []
        for k in range(max(first, 0), len(self.units)):
            if self.offsets[k] >= end:
                break
            if self.offsets[k] >= start:
                out.append(k)
        return out


def encode(units: list[Unit], tokens) -> UnitString:
    parts = [" "]
    offsets = []
    pos = 1
    for u in units:
        if u.kind == "P":
            code = f"@P{u.ref}|place|P"
        elif u.kind in ("C", "D"):
            code = f"@{u.kind}{u.ref}|nation|{u.kind}"
        else:
            tok = tokens[u.tok_start]
            form = tok.lower.replace("|", "¦").replace(" ", "_") or "_"
            lemma = tok.lemma.replace("|", "¦").replace(" ", "_") or "_"
            if tok.lower in ("’s", "'s", "’", "'"):
                form = lemma = "'s"
            code = f"{form}|{lemma}|W"
        offsets.append(pos)
        parts.append(code + " ")
        pos += len(code) + 1
    return UnitString("".join(parts), tuple(units), tuple(offsets))
