"""Find which places a text says are paired, sentence by sentence.

Each sentence becomes a string of units (places and countries collapsed, see
`pipeline.patterns`), the pair and partial pattern files run over it, and every match
becomes a `RelationMention` that remembers its rule id, its evidence span and the
relationship noun that events later attach to. A few discourse rules that patterns
cannot express live here too: a "with Y" whose other side is only the nearest place in
the sentence, and a one-sided relation whose partner is named later ("seek a U.S.
sister city ... She selected the city of Columbia, Maryland").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.dates import timeline_year
from pipeline.models import Parsed, Place, PlaceMention, Token
from pipeline.patterns import (
    ENTRY_LINE,
    ITEM_MARK,
    SECTION_OPENING,
    Unit,
    UnitString,
    answer_turn,
    encode,
    keyword_res,
    lexicon,
    load_patterns,
    question_turn,
    read_jsonl,
    rel_nouns,
)
from pipeline.places import COMPASS, Places, cues, tie_label
from pipeline.placescan import (
    SECTION_LEAD,
    council_letterhead,
    header_intro,
    later_cell,
    name_heading,
    note_line,
    place_run,
    table_header,
)

_FOOTNOTE = re.compile(r"^\[?\d{1,3}\]?$")


@dataclass(frozen=True, slots=True)
class RelationMention:
    """One statement, in one sentence, that two places (or one and a country) are paired."""

    a: PlaceMention
    b: PlaceMention | None  # None for a partial relation
    country_b: str | None  # the partner's country when only that is known
    sentence: int
    anchor: int | None  # token index of the relationship noun or verb
    start: int  # evidence span (character offsets)
    end: int
    rule_id: str
    kind: str
    confidence: float
    strong: bool  # said with sister/twin vocabulary, not just "partnership"


@dataclass(frozen=True, slots=True)
class SentenceUnits:
    sentence: int
    units: UnitString
    mentions: tuple[PlaceMention, ...]  # indexed by the P<n> codes in the string


def sentence_units(parsed: Parsed, places: Places, sent_index: int) -> SentenceUnits:
    sent = parsed.sentences[sent_index]
    tokens = parsed.tokens
    place_at: dict[int, PlaceMention] = {}
    for m in places.mentions:
        if sent.tok_start <= m.tok_start < sent.tok_end and not m.in_org:
            place_at[m.tok_start] = m
    nation_at = {
        c.tok_start: c for c in places.countries if sent.tok_start <= c.tok_start < sent.tok_end
    }
    units: list[Unit] = []
    mentions: list[PlaceMention] = []
    compared = _compared_until(sent, tokens)
    i = sent.tok_start
    while i < sent.tok_end:
        tok = tokens[i]
        if i in place_at and i >= compared:
            m = place_at[i]
            end = min(max(m.span_end_tok, m.tok_end), sent.tok_end)
            # "Fukuoka Prefecture's Omuta": the division only says where the town is.
            divisions = cues()["divisions"]
            k = end + 1 if end < sent.tok_end and tokens[end].lower in divisions else end
            owned = place_at.get(k + 1)
            if (
                owned is not None
                and tokens[k].lower in ("'s", "’s")
                # ("Seoul's Jung District", "Tokyo's Chuo Ward": the city says where the
                # district is)
                and (k > end or m.place.kind in divisions or _district_name(owned, tokens))
            ):
                m, end = owned, min(max(owned.span_end_tok, owned.tok_end), sent.tok_end)
            units.append(Unit(i, end, "P", len(mentions)))
            mentions.append(m)
            i = end
            continue
        if i in nation_at:
            c = nation_at[i]
            units.append(Unit(i, c.tok_end, "D" if c.demonym else "C", c.country))
            i = c.tok_end
            continue
        if tok.text.isspace() or _is_footnote(tokens, i):
            i = _skip_footnote(tokens, i)
            continue
        gloss = _gloss_end(tokens, i, sent.tok_end)
        if gloss is not None:
            i = gloss  # "its friendship agreement (vänortsavtal) with ...": a word glossed
            continue
        units.append(Unit(i, i + 1, "W", None))
        i += 1
    return SentenceUnits(sent_index, encode(units, tokens), tuple(mentions))


_TWINNED = frozenset(("twinned", "twins", "paired", "partnered"))
# "... and Erlangen and Jena all concluded agreements": a tie verb with its document
_COUPLES_SIGNED = frozenset("concluded signed sealed formed forged inked".split())
_COUPLES_DOCUMENTS = frozenset(
    "agreements partnerships twinnings charters pacts accords ties links".split()
)


def _couples(su: SentenceUnits, tokens, strong_words) -> list:
    """ "Chennai and Chongqing, Hyderabad and Qingdao, and Aurangabad and Dunhuang were
    declared sister cities", "Wuppertal and Schwerin, Hamburg and Dresden, ... all
    concluded agreements": two or more couples of places, each "X and Y", listed before
    the tie word. The couples' units, spans and the tie word's token; [] for any other
    sentence."""
    units = su.units.units
    words = [tokens[u.tok_start].lower if u.kind == "W" else u.kind for u in units]
    # (the run may follow an opening: "... produced a second batch: Chennai and ...")
    k = next(
        (n for n in range(len(words) - 2) if words[n] == "P" and words[n + 1] in ("and", "&")),
        len(words),
    )
    couples = []
    while k + 2 < len(units) and words[k] == "P" and words[k + 1] in ("and", "&"):
        if words[k + 2] != "P":
            return []
        span = (tokens[units[k].tok_start].start, tokens[units[k + 2].tok_end - 1].end)
        couples.append(((k, k + 2), span))
        k += 3
        while k < len(units) and words[k] in (",", "and", ";"):
            k += 1
    if len(couples) < 2:
        return []
    tie = next(
        (n for n in range(k, min(k + 6, len(units))) if words[n] in strong_words | _TWINNED),
        None,
    )
    if tie is None:
        signed = next(
            (n for n in range(k, min(k + 4, len(units))) if words[n] in _COUPLES_SIGNED), None
        )
        if signed is not None:
            tie = next(
                (
                    n
                    for n in range(signed + 1, min(signed + 4, len(units)))
                    if words[n] in _COUPLES_DOCUMENTS
                ),
                None,
            )
            tie = signed if tie is not None else None
    if tie is None:
        return []
    if {"all", "others"} <= set(words[tie : tie + 8]):
        return []  # "... have each been twinned with all of the others": one group
    return [(pair, span, units[tie].tok_start) for pair, span in couples]


_DISTRICT_HEADS = frozenset("district ward gu ku borough".split())


def _district_name(m: PlaceMention, tokens) -> bool:
    """A name of a city's district: "Jung District", "Chuo Ward", "Gangnam-gu"."""
    last = tokens[m.tok_end - 1].lower
    return last in _DISTRICT_HEADS or last.endswith(("-gu", "-ku"))


def _gloss_end(tokens: Sequence[Token], i: int, end: int) -> int | None:
    """The token after a bracketed gloss of the noun before it, in lower case: "friendship
    agreement (vänortsavtal)", "twinning (jumelage)" (or a name's acronym before its
    "'s"); None for anything else."""
    if tokens[i].text != "(" or i == 0 or tokens[i - 1].pos not in ("NOUN", "PROPN"):
        return None
    if (
        i + 3 < end
        and tokens[i + 1].text.isupper()
        and tokens[i + 2].text == ")"
        and tokens[i + 3].text in ("'s", "’s")
    ):
        return i + 3  # "Papua New Guinea (PNG)'s East New Britain Province": an acronym
    for k in range(i + 1, min(end, i + 5)):
        if tokens[k].text == ")":
            return k + 1 if k > i + 1 else None
        if not (tokens[k].text.isalpha() and tokens[k].text.islower()):
            return None
    return None


_RELATIVES = frozenset("which whose who that where".split())
_COMPARING = (
    ("like",),
    ("unlike",),
    ("as", "in"),
    ("as", "with"),
    ("similar", "to"),
    # "Besides Kiel, Tallinn is twinned with Helsinki": a place set beside the clause
    ("besides",),
    ("apart", "from"),
    ("aside", "from"),
    ("in", "addition", "to"),
)


def _compared_until(sent, tokens: Sequence[Token]) -> int:
    """The end of an opening comparison ("Like Tacoma, Seattle is twinned with Kobe"):
    the places in it are what the clause is compared with, no side of its ties."""
    lo = sent.tok_start
    while lo < sent.tok_end and tokens[lo].text in ('"', "“", "'", "‘"):
        lo += 1
    words = tuple(t.lower for t in tokens[lo : lo + 3])
    opening = next((w for w in _COMPARING if words[: len(w)] == w), None)
    if opening is None:
        return lo
    for k in range(lo + len(opening), min(sent.tok_end, lo + 12)):
        if tokens[k].text == ",":
            # "Unlike Kamloops, which ended its link with Pingdingshan, ...": a place
            # the comparison says more of keeps its own ties
            relative = k + 1 < sent.tok_end and tokens[k + 1].lower in _RELATIVES
            return lo if relative else k
    return lo


def _same_place(a: Place, b: Place) -> bool:
    """ "Ciudad Lerdo, our sister city" beside "Lerdo": a name the gazetteer lacks that
    contains the whole of another name of the same country is that place."""
    if a.country != b.country or (a.geonameid is not None and b.geonameid is not None):
        return False
    wa, wb = a.name.lower().split(), b.name.lower().split()
    short, long = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    return len(short) < len(long) and (long[-len(short) :] == short or long[: len(short)] == short)


def _questioned(anchor: int, tokens: Sequence[Token], parsed: Parsed, s: int) -> bool:
    """The tie word sits in a "whether" clause, a yes/no question ("Is Aberystwyth
    twinned with Trelew?") or a sentence that imagines: asked about, not stated."""
    sent = parsed.sentences[s]
    if any(
        t.lower == "whether" and not decided_whether(t.i, tokens)
        for t in tokens[sent.tok_start : anchor]
    ):
        return True
    first = tokens[sent.tok_start].lower
    if first in ("imagine", "suppose") or (
        first == "what"
        and sent.tok_start + 1 < sent.tok_end
        and tokens[sent.tok_start + 1].lower == "if"
    ):
        return True  # "Imagine if Christchurch ... decided to twin with Taipei": made up
    return is_question(parsed, s)


def _interview_question(anchor: int, tokens: Sequence[Token], parsed: Parsed, s: int) -> bool:
    """ "Asked by the Resident whether Lagos might look for a partner in Guinea-Bissau
    next, the mayor said ...": a reporter's question, not a proposal (a councillor who
    "asked whether the council could explore a link" makes one)."""
    sent = parsed.sentences[s]
    return tokens[sent.tok_start].lower == "asked" and any(
        t.lower in ("whether", "if") for t in tokens[sent.tok_start : anchor]
    )


_DECIDING = frozenset(
    "vote votes voted voting decide decides decided deciding decision consult consulted "
    "consultation debate debated consider considering considered".split()
)


def decided_whether(i: int, tokens: Sequence[Token]) -> bool:
    """ "will vote on whether to twin the town with Saint-Ismier": a "whether" a body is
    to decide puts the tie forward, it does not merely ask about it."""
    for t in reversed(tokens[max(0, i - 5) : i]):  # ("will vote next week on whether")
        if t.sent != tokens[i].sent or t.pos == "PUNCT":
            return False
        if t.lower in _DECIDING:
            return True
    return False


def is_question(parsed: Parsed, s: int) -> bool:
    """A yes/no question ("Was the Hiratsuka relationship suspended during the
    pandemic?"): it asks, it does not report."""
    sent = parsed.sentences[s]
    return parsed.tokens[sent.tok_start].lower in _QUESTION_OPENERS and parsed.text[
        sent.start : sent.end
    ].rstrip().endswith("?")


_QUESTION_OPENERS = frozenset(
    "is are was were has have had does do did will would could should can".split()
)


def _is_footnote(tokens: Sequence[Token], i: int) -> bool:
    """ "[4]" footnote markers sit between a name and its apposition."""
    tok = tokens[i]
    if tok.text == "[" and i + 2 < len(tokens) and tokens[i + 2].text == "]":
        return tokens[i + 1].text.isdigit()
    return bool(_FOOTNOTE.match(tok.text)) and tok.text.startswith("[")


def _skip_footnote(tokens: Sequence[Token], i: int) -> int:
    if tokens[i].text == "[":
        return i + 3
    return i + 1


def _group_units(us: UnitString, match: re.Match, name: str) -> list[int]:
    if match.group(name) is None:
        return []
    return us.units_in(match.start(name), match.end(name))


def find_relations(parsed: Parsed, places: Places, doc_strong: bool) -> list[RelationMention]:
    """All relation mentions in the parsed sentences, in text order."""
    lex = lexicon()
    strong_words = set(lex["strong_words"])
    rules = load_patterns("pair_patterns.jsonl")
    pair_rules = [r for r in rules if not r.data.get("nearest")]
    nearest_rules = [r for r in rules if r.data.get("nearest")]
    partial_rules = load_patterns("partial_patterns.jsonl")
    tokens = parsed.tokens
    out: list[RelationMention] = []
    all_units = [sentence_units(parsed, places, s) for s in range(len(parsed.sentences))]
    out.extend(_list_relations(parsed, places, all_units, strong_words))
    out.extend(_entry_relations(parsed, places, all_units))
    if doc_strong:
        out.extend(_section_relations(parsed, places, all_units))
    out.extend(_answer_relations(parsed, places, all_units, doc_strong))
    for s in range(len(parsed.sentences)):
        su = all_units[s]
        text = su.units.text
        no_place = "|P " not in text
        if no_place and (places.focal is None or "|C " not in text and "|D " not in text):
            continue  # (a sentence naming only a country may be the document city's partial)
        found: dict[tuple, RelationMention] = {}
        again: list[RelationMention] = []
        paired_units: set[int] = set()
        partner_countries: dict[int, set] = defaultdict(set)
        for rule in pair_rules:
            for m in _all_matches(rule.regex, su.units):
                a_units = _members(su, m, "A", tokens, rule.data.get("shared_possessive", False))
                # "In Northumberland, Hexham has been paired with Noyon": the opening
                # "In X," says where the town named next lies
                a_units = [
                    u for u in a_units if not _opening_frame(su.units.units[u], tokens)
                ] or a_units
                b_units = _members(su, m, "B", tokens)
                if (
                    (rule.id.startswith("pair.coordinated") or rule.id == "pair.with")
                    and a_units
                    and _listed_partner(su.units.units[a_units[0]].tok_start, tokens)
                ):
                    # "Napier's other sister cities, Victoria ... and Tomakomai ..., have
                    # remained active": partners listed, no pair of their own
                    continue
                r_units = _group_units(su.units, m, "R") if "R" in m.re.groupindex else []
                strong, anchor = _anchor(r_units, su.units, tokens, strong_words)
                if not strong and not doc_strong:
                    continue  # "partnership" alone only counts in a sister-city text
                if _not_civic(r_units, su.units, tokens, strong_words):
                    continue  # "Direct flight ties between Tromsø and Murmansk"
                if anchor is not None and _BETWEEN_THEM.match(parsed.text, tokens[anchor].end):
                    continue  # "Birgu, Senglea and Cospicua ... have 14 twinnings between
                    # them": a count of their ties, none with each other
                if "V" in m.re.groupindex and m.group("V") is not None:
                    # The verb that carries the event, where the parser may not hang the
                    # noun on it ("A proposal to add Lagos, Portugal, as the city's
                    # seventh sister city was put before the Council").
                    anchor = su.units.units[su.units.unit_at(m.start("V"))].tok_start
                if rule.data.get("comma_needs_qualifier", False) and any(
                    _comma_before_and(su.mentions[su.units.units[u].ref], tokens) for u in a_units
                ):
                    # "Florence, Alabama, and Kendal": the comma closes a qualifier; after a
                    # bare name it sets it off ("The provincial capital of Hebei,
                    # Shijiazhuang, and Des Moines"), which another rule reads
                    continue
                if rule.data.get("subjects", False) and any(
                    tokens[su.units.units[u].tok_start].dep in ("dobj", "pobj")
                    and not _body_of(tokens[su.units.units[u].tok_start], tokens)
                    and not _kinds_subject(tokens[su.units.units[u].tok_start], tokens)
                    for u in a_units
                ):
                    continue  # "which covers both Abingdon and Wantage, has no twinning"
                if rule.data.get("no_verb_gap") and anchor is not None:
                    # "Municipal partnerships carry on whatever happens between Ankara and
                    # Berlin": a verb of its own between the noun and its "between"
                    stop = next(
                        (k for k in range(anchor + 1, len(tokens)) if tokens[k].lower == "between"),
                        anchor,
                    )
                    if any(tokens[k].pos == "VERB" for k in range(anchor + 1, stop)):
                        continue
                if anchor is not None and _owned_by_other(anchor, tokens, su):
                    continue  # "the airport's ties with Tokyo", "the university's partners"
                if anchor is not None and _questioned(anchor, tokens, parsed, s):
                    continue  # "often asked whether X is twinned with Y": not said
                if anchor is not None and _denied(anchor, tokens):
                    continue  # "Guadalajara in Spain, which has no agreement with Córdoba"
                if anchor is not None and _hypothetical(anchor, tokens):
                    continue  # "would consider a similar arrangement with Florence"
                if not rule.data.get("events", True):
                    anchor = None  # a statement about many partners is no event of one
                kind = _kind(r_units, su.units, tokens, rule.data.get("kind", "sister"))
                conf = rule.data.get("confidence", 0.8) * (1.0 if strong else 0.85)
                span = _span(su.units, m, tokens)
                a_units = _acting_side(su, a_units, b_units, anchor, rule, tokens)
                a_units = [_compound_head(su, u, tokens) for u in a_units]
                if (
                    rule.data.get("a_not_partner")
                    # "to end the relationship with Zhoushan and review the link with
                    # Iwaki": two partners of one owner, whatever the rule
                    or (
                        anchor is not None
                        and tokens[anchor].pos == "NOUN"
                        and b_units
                        and all(_partner_position(su.units.units[u], tokens) for u in b_units)
                    )
                ) and all(_partner_position(su.units.units[u], tokens) for u in a_units):
                    continue  # "The agreement with Donetsk ..., and ties with Estelí"
                # "a Jingdezhen porcelain enterprise ... with a Limoges retailer": a place
                # after "a" naming something else is where a business is, not a partner.
                a_units_all = a_units
                located = len(a_units) == 1 and _locator(
                    su.units.units[a_units[0]].tok_start, tokens
                )
                a_units = [
                    u for u in a_units
                    if not _names_a_thing(su.units.units[u], tokens)
                    # ("an enquiry from a city in Umbria seeking a partnership with
                    # Heidelberg": where the unnamed side lies)
                    and not _locates_unnamed(su.units.units[u], tokens)
                    # ("The Chilean city, ... 100 km west of Santiago, is the first ...
                    # to form such ties with Ningbo": the place that locates the subject)
                    and not located
                ]  # fmt: skip
                loc_at = su.units.units[a_units_all[0]].tok_start if located else 0
                if located and tokens[loc_at - 3].lower in _NEAR_HEADS:
                    # "Uji, the tea-growing city south of Kyoto that has been twinned with
                    # Kamloops": the place the description is of
                    placed = [
                        u for u in range(a_units_all[0])
                        if su.units.units[u].kind == "P"
                        and any(t.text == "," for t in tokens[su.units.units[u].tok_end : loc_at])
                    ]  # fmt: skip
                    a_units = placed[-1:]
                b_units = [
                    u for u in b_units
                    if not _names_a_thing(su.units.units[u], tokens)
                    and not _apposed_elsewhere(su, u, tokens)
                ]  # fmt: skip
                # "Baguio's sister cities in California and South Korea": where the
                # partners lie, not a partner
                # ("it also has a sister city in Timaru": a town is the partner; so are
                # towns listed after "sister cities in Ashdod, Israel; Hanover, ...")
                towns = sum(
                    su.mentions[su.units.units[u].ref].place.kind == "city" for u in b_units
                )
                b_units = [
                    u for u in b_units
                    if not (
                        _where_partners_lie(su.units.units[u], tokens)
                        and (
                            su.mentions[su.units.units[u].ref].place.kind != "city"
                            or (
                                tokens[su.units.units[u].tok_start - 2].lower.endswith("s")
                                and towns < 2
                            )
                        )
                    )
                ]  # fmt: skip
                if (
                    anchor is not None
                    and a_units
                    # ("the agreement that Varanasi and Kyoto signed": the clause is the tie's)
                    and not rule.data.get("sides_in_clause")
                    and all(_aside(su.units.units[u].tok_start, anchor, tokens) for u in a_units)
                ):
                    continue  # "Mayor Baca, whose trip took in Incheon, signed ... with Jeonju"
                if rule.data.get("b_not_of"):
                    # "Shinagawa, a ward of Tokyo, with which Portland ...": the ward is
                    # the partner, not the city it belongs to.
                    # Nor is "Anshan, a steel-making city in China's Liaoning province,
                    # with which Lethbridge signed" the province's.
                    # (nor "Zhukovsky, near Moscow, with which Gödöllő signed")
                    b_units = [
                        u for u in b_units
                        if not _where_it_lies(tokens[su.units.units[u].tok_start], tokens)
                        and tokens[su.units.units[u].tok_start - 1].lower not in ("near", "outside")
                    ]  # fmt: skip
                b_units = [_owned_district(su, u, tokens) for u in b_units]
                b_units, gapped = _gapped(su, b_units, tokens)
                if _respectively(su, b_units, tokens):
                    # "Provo and Orem ended their twinnings with Saratov and Tambov
                    # respectively": each with its own; a match that sees only part of
                    # either side cannot tell which.
                    if len(a_units) != len(b_units):
                        continue
                    matched = list(zip(a_units, b_units, strict=True))
                else:
                    matched = [(ua, ub) for ua in a_units for ub in b_units]
                for ua, ub in [*matched, *gapped]:
                    ma = su.mentions[su.units.units[ua].ref]
                    mb = su.mentions[su.units.units[ub].ref]
                    whose = any(
                        t.lower == "whose" for t in tokens[ma.tok_end : ma.tok_end + 14]
                    )  # ("Sint-Niklaas in Belgium, whose own twin, Schongau": the partner's)
                    if rule.data.get("pronoun_owner") and not whose:
                        # "Armidale's sister city in Japan is Ome, and its Chinese partner
                        # is Zhenjiang": "its" is the owner's, not the partner just named
                        ma = _owner_of_partner(found, ma)
                    elif len(a_units) > 1 and _owner_of_partner(found, ma) is not ma:
                        # "X's twins are A and B, ...": partners just named are no side of
                        # the next tie, the city they are partners of is
                        ma = _owner_of_partner(found, ma)
                    elif len(a_units) > 1 and _dated_list(su, a_units, parsed.text):
                        # "The others are Bremen in Germany (1994), ... and Dundee (2014),
                        # along with a letter of intent with Xuzhou": partners listed with
                        # their years are no side of the next tie; the document's city is
                        ma = _named_focal(places, su, parsed)
                        listed = {su.mentions[su.units.units[u].ref].place.key for u in a_units}
                        if ma is None or ma.place.key in listed:
                            continue
                    if ma.place.key == mb.place.key or _same_place(ma.place, mb.place):
                        continue
                    if _co_partners(ma.place, mb.place, out, su, tokens):
                        continue
                    key = _pair_key(ma.place, mb.place)
                    end = max(span[1], mb.end)  # a gapped clause's partner is past the match
                    start = min(span[0], ma.start)  # an acting side named before the match
                    mention = RelationMention(
                        ma, mb, mb.place.country, s, anchor, start, end, rule.id,
                        kind, round(conf, 3), strong,
                    )  # fmt: skip
                    if key in found:
                        if _second_telling(found[key], anchor, tokens):
                            # "Ocala and Gainesville ended their agreements with Yangzhou
                            # and Novorossiysk respectively, although the Gainesville link
                            # with the Russian port had been suspended": each tells its own
                            again.append(mention)
                        continue
                    found[key] = mention
                    paired_units.update((ua, ub))
                    partner_countries[ua].add(mb.place.country)
                    partner_countries[ub].add(ma.place.country)
        # "... signed an official sister city agreement with Taipei": the other side is
        # the nearest place before it in the sentence.
        for nearest, m in (
            (rule, m) for rule in nearest_rules for m in _all_matches(rule.regex, su.units)
        ):
            # "friendly relations with Daegu (RoK), Oakland (US) ... and Nakhon Phanom":
            # every listed partner
            listed = _members(su, m, "B", tokens) or [su.units.unit_at(m.start("B"))]
            for b_unit in listed:
                r_units = _group_units(su.units, m, "R")
                strong, anchor = _anchor(r_units, su.units, tokens, strong_words)
                if not strong and not doc_strong:
                    continue
                if _not_civic(r_units, su.units, tokens, strong_words):
                    continue
                mb = su.mentions[su.units.units[b_unit].ref]
                if anchor is not None and _owned_by_other(anchor, tokens, su):
                    continue  # "the Finnish government's relations with Moscow"
                if anchor is not None and _denied(anchor, tokens):
                    continue  # "The English capital has no formal link with its namesake"
                if anchor is not None and _hypothetical(anchor, tokens):
                    continue  # "A twinning with Busan could make sense one day"
                if _names_a_thing(su.units.units[b_unit], tokens) or _apposed_elsewhere(
                    su, b_unit, tokens
                ):
                    continue
                before = [
                    u for u in range(su.units.unit_at(m.start()))
                    if su.units.units[u].kind == "P"
                    and not _names_a_thing(su.units.units[u], tokens)
                    and su.mentions[su.units.units[u].ref].place.key != mb.place.key
                    # ("The Chilean city, in the Valparaiso Region about 100 km west of
                    # Santiago, is the first ... to form such ties with Ningbo")
                    and not _locator(su.units.units[u].tok_start, tokens)
                    and not _locates_unnamed(su.units.units[u], tokens)
                    and not _apposed_possessor(su, u, tokens)
                ]  # fmt: skip
                item = _list_item_start(su, m.start(), tokens)
                if item is not None:
                    # "...; (b) That the twinning agreement with Windhoek be retained": a
                    # resolution's lettered item is a clause of its own
                    before = [u for u in before if su.units.units[u].tok_start > item]
                aside_only = False
                if anchor is not None:
                    # a place in a relative clause that does not hold the tie is no side
                    # ("The Gangwon State government, which oversees Gangneung, said its
                    # friendship ties with ..."), unless it is the document's own city
                    # and the sentence names no other
                    kept = [
                        u for u in before
                        if not _aside(su.units.units[u].tok_start, anchor, tokens)
                    ]  # fmt: skip
                    aside_only = bool(before) and not kept
                    before = kept or [
                        u for u in before if _is_focal(places, su.mentions[su.units.units[u].ref])
                    ]
                partners_only = bool(before) and all(
                    _partner_position(su.units.units[u], tokens)
                    or (
                        _names_the_tie(su.units.units[u], tokens)
                        and not _is_focal(places, su.mentions[su.units.units[u].ref])
                    )
                    for u in before
                )
                if nearest.data.get("previous_only") and before:
                    # "Edinburgh became a friendship city in 1985, and Isfahan followed in
                    # 1989": the places before are partners too, of the city named before
                    before, partners_only = [], True
                if (
                    not partners_only
                    and anchor is not None
                    and before
                    and _partner_position(su.units.units[b_unit], tokens)
                    and _partner_position(su.units.units[before[-1]], tokens)
                ):
                    # "the Council voted to end the relationship with Zhoushan and review
                    # the link with Iwaki": a partner named before is no side of the
                    # next partner's tie when the clauses' subject is a place; it may be
                    # when another subject comes between ("... with Prague after the
                    # mayor signed an agreement with Taipei")
                    subject = _first_subject_unit(anchor, tokens, su)
                    if subject is not None and subject in before:
                        before = [subject]
                    elif subject is None and _body_subject(anchor, tokens, su):
                        # "Timaru District Council has ended its relationship with
                        # Weihai, but councillors refused to cut ties with Orange": the
                        # council's city, not the partner just named
                        own = [
                            u for u in before if not _partner_position(su.units.units[u], tokens)
                        ]  # fmt: skip
                        before = own[:1] or before
                    elif subject is None:
                        # "Cirencester's twinning with Itzehoe ... goes back to 1976, and the
                        # link with Saint-Genis-Laval ... was added in 1980": the owner of
                        # the tie the sentence opened on
                        owners = [
                            u for u in before
                            if _possessive(su.units.units[u], tokens)
                            and not _partner_position(su.units.units[u], tokens)
                        ]  # fmt: skip
                        before = owners[:1] or before
                if partners_only:
                    # "The agreement with Donetsk ..., and ties with Estelí": partners
                    # only, of the city the story is about
                    before = []
                whole_list = nearest.data.get("whole_list", False)  # ("kept those with X and Y")
                if anchor is not None and _owned_ties(anchor, tokens):
                    # "manages the city's ties with Celle, Germany; Amiens, France; ...":
                    # ties its owner holds, every one listed
                    whole_list = True
                if b_unit != listed[0] and (
                    (before and not whole_list) or not (strong or doc_strong)
                ):
                    # beside a place named before, only the first partner is its; a list
                    # needs sister-city words, in it or in the story, to go on past the first
                    continue
                if not before and anchor is not None and _institution_subject(anchor, tokens, su):
                    continue  # "Ports boast of their ties with Rotterdam": no town's
                if not before:
                    # "A fourth relationship, with Osogbo, ... lapsed": a sentence naming no
                    # other place goes on about the city of the pair named just before it.
                    # ("and Kraków, a twin since 1995": the city the sentence's earlier
                    # pairs share)
                    upto = mb.start if nearest.data.get("previous_only") else -1
                    head = _run_in_head(parsed, places, s)
                    # ("Rostock. The partnership with Rostock was established in 1964": a
                    # report's entry headed by the partner, of the report's own city)
                    partner_heading = head is not None and head.place.key == mb.place.key
                    ma = (
                        (None if partner_heading else head)
                        or _paragraph_owner(parsed, places, s)
                        or _owner_just_named(parsed, places, s, [*out, *found.values()], mb.place)
                        or _previous_a(
                            [*out, *found.values()], mb.place, parsed, s, places.focal, upto
                        )
                    )
                    if ma is None and (
                        (
                            strong
                            and (_timeline_entry(parsed, s) or _focal_named_near(places, parsed, s))
                        )
                        or (
                            # ("this body rejected calls to sever ties with Holguín")
                            anchor is not None
                            and _body_acts(anchor, tokens, parsed.text)
                            and _focal_council(places, parsed)
                        )
                        or (doc_strong and partner_heading)
                        # "It is not the city's only relationship of its kind. The
                        # agreement with Donetsk ...": the paragraph just spoke of the city
                        or (doc_strong and _focal_earlier_in_paragraph(places, parsed, s))
                        # a council's own letter or page ("Newport City Council" heading
                        # its answer to a request): the ties it speaks of are its city's
                        or (doc_strong and _own_council_page(places, parsed))
                        # "The link with Cosenza, in Calabria, was formalised in 2002" on
                        # a council's page: a tie as the subject, the page's city's
                        or (
                            doc_strong
                            and anchor is not None
                            and tokens[anchor].dep in ("nsubj", "nsubjpass")
                            and _focal_named_near(places, parsed, s)
                        )
                    ):
                        # "1993 – Twinning with Guadalajara, Mexico, is signed": an entry of the
                        # city's own timeline; "Is Lawrence considering any new sister cities? In
                        # 2023 the Board recommended ... a sister city relationship with
                        # Cuernavaca": the city the passage just named
                        ma = _named_focal(places, su, parsed)
                        # (nor one of the partners listed with it: "The sister city
                        # agreements with Harbin, Hangzhou and Jinan were all signed ...")
                        listed_keys = {su.mentions[su.units.units[u].ref].place.key for u in listed}
                        if ma is not None and ma.place.key in listed_keys | {mb.place.key}:
                            ma = None
                    named_before = (
                        m.start() > 0 and "|P" in su.units.text[: m.start()] and not aside_only
                    )
                    if ma is None or (named_before and not partners_only):
                        continue
                    key = _pair_key(ma.place, mb.place)
                    if key in found or _already_paired_with(found, mb.place, anchor):
                        continue
                    r_start = (
                        tokens[su.units.units[r_units[0]].tok_start].start if r_units else mb.start
                    )
                    found[key] = RelationMention(
                        # ("Denver in the United States followed in 1984": the partner
                        # before the words)
                        ma, mb, mb.place.country, s, anchor, min(r_start, mb.start),
                        max(mb.end, tokens[su.units.units[r_units[-1]].tok_end - 1].end)
                        if r_units else mb.end,
                        "pair.with_previous" if nearest.id == "pair.with_nearest" else nearest.id,
                        _kind(r_units, su.units, tokens, "sister"),
                        0.55 if strong else 0.45, strong,
                    )  # fmt: skip
                    continue
                ua = before[-1]
                ma = None
                subj = None
                if anchor is not None:
                    subj = _subject_place(anchor, tokens, su)
                    if subj is not None and subj != b_unit:
                        ua = subj
                    elif subj is None and _council_acts_instead(
                        su.units.units[ua].tok_start, anchor, tokens, places, parsed
                    ):
                        # "London and Buenos Aires did not restore relations until 1990,
                        # and only then did the council restore the twinning with Puerto
                        # Madryn": the council's city, not a place of another clause
                        ma = _named_focal(places, su, parsed)
                        if ma is None or ma.place.key == mb.place.key:
                            continue
                if ma is None:
                    ma = su.mentions[su.units.units[ua].ref]
                    if (
                        anchor is not None
                        and subj is None
                        and tokens[anchor].dep in ("nsubj", "nsubjpass")
                        and _joined_partner(tokens[ma.tok_start], tokens)
                    ):
                        # "Bydgoszcz in Poland was added in 1998, ..., and the link with
                        # Haikou was formalised in 2009": a partner just added is no side
                        # of the next tie told as its own clause's subject; the city the
                        # story's pairs share is
                        ma = _previous_a(
                            [*out, *found.values()], ma.place, parsed, s, places.focal
                        ) or _named_focal(places, su, parsed)
                        if ma is None or ma.place.key == mb.place.key:
                            continue
                if anchor is not None and any(
                    t.head == anchor
                    and (
                        t.lower in ("its", "their")
                        or (t.dep == "poss" and t.lower in ("city", "town", "municipality"))
                    )
                    for t in tokens[max(0, anchor - 4) : anchor]
                ):
                    # "Bridgwater's twinning with La Ciotat began in 1986; its link with
                    # Homberg followed": "its" is the owner's, not the partner's just named
                    # (so is "the city's": "ended its agreements with Taunton and Wichita,
                    # but kept the city's link with Petrópolis")
                    ma = _owner_of_partner(found, ma)
                key = _pair_key(ma.place, mb.place)
                if key in found and _second_telling(found[key], anchor, tokens):
                    # "Manchester, which twinned with Leningrad in 1962, ..., only to
                    # suspend its partnership with St Petersburg in March 2022"
                    again.append(
                        RelationMention(
                            ma, mb, mb.place.country, s, anchor,
                            tokens[su.units.units[ua].tok_start].start,
                            tokens[su.units.units[b_unit].tok_end - 1].end, nearest.id,
                            _kind(r_units, su.units, tokens, "sister"),
                            0.6 if strong else 0.5, strong,
                        )
                    )  # fmt: skip
                    continue
                if key in found or _already_paired_with(found, mb.place, anchor):
                    continue
                if any(rm.b is not None and rm.b.start == mb.start for rm in found.values()):
                    # "its partnership with Hennef, with which Banbury has been twinned": a
                    # rule already found whose partner this very mention is.
                    continue
                span_start = tokens[su.units.units[ua].tok_start].start
                span_end = tokens[su.units.units[b_unit].tok_end - 1].end
                found[key] = RelationMention(
                    ma, mb, mb.place.country, s, anchor, span_start, span_end, nearest.id,
                    _kind(r_units, su.units, tokens, "sister"), 0.6 if strong else 0.5, strong,
                )  # fmt: skip
        if not any(k[0] != "partial" for k in found):
            two = _between_the_two(su, parsed, places, tokens, strong_words, doc_strong)
            if two is not None:
                found[_pair_key(two.a.place, two.b.place)] = two
        if doc_strong:
            alone = not any(k[0] != "partial" for k in found)
            for named in _named_ties(su, parsed, places, tokens, out):
                if alone or _opens_as_subject(named, parsed, tokens):
                    found.setdefault(_pair_key(named.a.place, named.b.place), named)
        for rule in partial_rules:
            for m in _all_matches(rule.regex, su.units):
                a_units = (
                    [u for u in _group_units(su.units, m, "A") if su.units.units[u].kind == "P"]
                    if "A" in m.re.groupindex
                    else []
                )
                n_units = _group_units(su.units, m, "N")
                if "N2" in m.re.groupindex:
                    n_units += _group_units(su.units, m, "N2")  # "Russian and Belarusian cities"
                focal_side = None
                if rule.data.get("a_division") and not all(
                    su.mentions[su.units.units[u].ref].place.kind == "province" for u in a_units
                ):
                    continue  # (a province's tie with a province: not a city's)
                if rule.data.get("focal_a"):
                    # a sentence naming no place of its own ("the board would look into a
                    # partnership with a city in Ukraine") speaks for the document's city
                    # (or naming only that city: "noting the size of London's Punjabi
                    # community")
                    # (not the partner's own region: "with a town in Mexico's Oaxaca state")
                    n_last = max(_group_units(su.units, m, "N"), default=-9)
                    units = su.units.units
                    owned = (
                        n_last + 2
                        if n_last + 2 < len(units)
                        and tokens[units[n_last + 1].tok_start].lower in ("'s", "’s")
                        else None
                    )
                    named = [u for k, u in enumerate(units) if u.kind == "P" and k != owned]
                    if places.focal is None or any(
                        not su.mentions[u.ref].in_org
                        and su.mentions[u.ref].place.key != places.focal.key
                        for u in named
                    ):
                        continue
                    # (another partial of the sentence's is another side's; one more of
                    # the city's own may follow: "... once the arrangement with the
                    # Japanese partner", after "a similar agreement with a city in France")
                    if any(k[0] == "partial" and k[1] != places.focal.key for k in found):
                        continue
                    focal_side = _its_place(su, parsed, places) or _named_focal(places, su, parsed)
                    if focal_side is None:
                        continue
                elif not a_units:
                    continue
                if not n_units:
                    continue
                r_units = _group_units(su.units, m, "R")
                strong, anchor = _anchor(r_units, su.units, tokens, strong_words)
                if _not_civic(r_units, su.units, tokens, strong_words):
                    continue  # "flight links with a city in China"
                if anchor is not None and (
                    _denied(anchor, tokens) or _denied_above(anchor, tokens)
                ):
                    continue  # "has no plans to seek a sister city in Korea": none sought
                if anchor is not None and _interview_question(anchor, tokens, parsed, s):
                    continue  # "Asked whether Lagos might look for a partner in Guinea-Bissau"
                if anchor is not None and _other_bodies_hold(anchor, tokens):
                    continue  # "European municipalities that have cut their links with
                    # Russian cities": other towns' ties
                if len(a_units) == 1 and _locator(su.units.units[a_units[0]].tok_start, tokens):
                    # "in Steinbach, southeast of Winnipeg, where a motion to end the
                    # city's agreement ...": the place that locates another is not it
                    placed = [u for u in range(a_units[0]) if su.units.units[u].kind == "P"]
                    if placed:
                        a_units = [placed[-1]]
                if len(a_units) == 1 and anchor is not None:
                    subj = _subject_place(anchor, tokens, su)  # "Jinju, in X Province, froze ..."
                    if subj is not None:
                        a_units = [subj]
                    elif _council_acts_instead(
                        su.units.units[a_units[0]].tok_start, anchor, tokens, places, parsed
                    ):
                        # "while the Hefei tie was frozen, a council member proposed adding
                        # a sister city in Taiwan": the council's city
                        focal_side = _named_focal(places, su, parsed)
                        if focal_side is None:
                            continue
                # (N may be a place: "with a district of Baku" is a partner in Baku's country)
                if (
                    rule.data.get("n_region")
                    and not _DISTRICT_IN.search(m.group(0))
                    and any(
                        su.units.units[n].kind == "P"
                        and su.mentions[su.units.units[n].ref].place.kind != "province"
                        for n in n_units
                    )
                ):
                    # "a village in Normandy", not "a town in Reading" (but "a district in
                    # Berlin" is one of the city's)
                    continue
                countries = [
                    su.mentions[su.units.units[n].ref].place.country
                    if su.units.units[n].kind == "P"
                    else su.units.units[n].ref
                    for n in n_units
                ]
                # "its three Russian partner cities, among them Ivanovo": the unnamed
                # rest stand beside the one named
                among = _AMONG_TEXT.match(parsed.text, _span(su.units, m, tokens)[1]) is not None
                for country in dict.fromkeys(c for c in countries if c):
                    sides = [(ua, su.mentions[su.units.units[ua].ref]) for ua in a_units]
                    if focal_side is not None:
                        sides = [(-1, focal_side)]
                    for ua, ma in sides:
                        # (a paired place's partial is that partner, unless it is in
                        # another country: "Masterton, already twinned with Hatsukaichi
                        # in Japan, has floated the idea of a third sister city, in
                        # South Korea")
                        if ma.place.country == country or (
                            ua in paired_units
                            and not among
                            and (country in partner_countries[ua] or None in partner_countries[ua])
                        ):
                            continue
                        key = ("partial", ma.place.key, country)
                        if key in found:
                            continue
                        span = _span(su.units, m, tokens)
                        # (from the side's own name when a rule moved it before the match)
                        own = ma.tok_start >= 0 and tokens[ma.tok_start].sent == s
                        lo = min(span[0], ma.start) if own else span[0]
                        found[key] = RelationMention(
                            ma, None, country, s, anchor, lo, span[1], rule.id,
                            _kind(r_units, su.units, tokens, "sister"),
                            rule.data.get("confidence", 0.7), strong,
                        )  # fmt: skip
        couples = _couples(su, tokens, strong_words)
        if couples:
            # "Chennai and Chongqing, Hyderabad and Qingdao, and Aurangabad and Dunhuang
            # were declared sister cities": each couple a pair, no other
            # (a later clause's own pair stays: "..., and Karnataka and Sichuan became
            # sister states")
            coupled = {
                su.mentions[su.units.units[u].ref].start for pair, _, _ in couples for u in pair
            }
            found = {
                k: r for k, r in found.items()
                if r.b is None or (r.a.start not in coupled and r.b.start not in coupled)
            }  # fmt: skip
            for (ua, ub), (start, end), tie in couples:
                ma, mb = su.mentions[su.units.units[ua].ref], su.mentions[su.units.units[ub].ref]
                found[_pair_key(ma.place, mb.place)] = RelationMention(
                    ma, mb, mb.place.country, s, tie, start, end, "pair.couples", "sister",
                    0.8, True,
                )  # fmt: skip
        out.extend(found.values())
        seen_again = set()
        for m in again:
            if (_pair_key(m.a.place, m.b.place), m.anchor) not in seen_again:
                seen_again.add((_pair_key(m.a.place, m.b.place), m.anchor))
                out.append(m)
    out.extend(_the_two_cities(parsed, places, all_units, out, tokens, strong_words, doc_strong))
    out.extend(_paragraph_partner(parsed, places, all_units, out, tokens, doc_strong))
    out = [r for r in out if r.b is None or not _denied_next(parsed, r.sentence)]
    denied = _denied_pairs(parsed, places)
    out = [r for r in out if r.b is None or _pair_key(r.a.place, r.b.place) not in denied]
    # (a place is never its own partner, however a rule reached both sides)
    out = [r for r in out if r.b is None or r.a.place.key != r.b.place.key]
    out.sort(key=lambda r: (r.start, r.rule_id))
    return out


# "People often assume Minneapolis and St. Paul are themselves sister cities. They are
# not."
_DENIAL = re.compile(
    r"(?i)\s*(?:they|it|the two(?: cities| towns)?)\s+(?:are|were|is|was|have|has|had)"
    r"(?:\s+not|n[’']t|\s+never)"
    r"(?:\s+(?:been|and never have been|either|twinned|sister cities))*\s*[.!,;]"
)
# "Moscow and Pullman are sometimes described as the Palouse's sister cities, ..., but the
# two cities have never had a formal agreement with each other"
_DENIED_AFTER = re.compile(
    r"(?i)\b(?:but|though|although|yet)\s+(?:the two(?: cities| towns)?|they)\s+"
    r"(?:have|had|are|were)\s+(?:never|not)\b"
    # "signed a memorandum with Thunder Bay ..., which officials said was not a twinning
    # agreement"
    r"|\b(?:which|it|that)\s+(?:[\w ]{0,40}\s)?(?:is|was)\s+not\s+an?\s+"
    r"(?:twinning|sister[- ]city|twin[- ]town|friendship[- ]city)\s+(?:agreement|deal|accord)"
)


def _denied_next(parsed: Parsed, s: int) -> bool:
    """The sentence that pairs two places, or the one after it, says they are not a
    pair."""
    sent = parsed.sentences[s]
    if _DENIED_AFTER.search(parsed.text, sent.start, sent.end):
        return True
    if s + 1 >= len(parsed.sentences):
        return False
    nxt = parsed.sentences[s + 1]
    if nxt.paragraph != sent.paragraph:
        return False
    return _DENIAL.match(parsed.text, nxt.start, nxt.end) is not None


# "San Diego and Wuhan have never been sister cities", "Leeds and Dortmund are not twin
# towns"
_NEVER_BEEN = re.compile(
    r"\s+(?:have|has|had)\s+never\s+been\s+|\s+(?:are|were)\s+not\s+(?:officially\s+)?",
    re.I,
)
_NEVER_BEEN_WHAT = re.compile(
    r"(?:sister|twin|twinned|partner|friendship)(?:[- ](?:cities|towns))?\b", re.I
)
# "San Diego never had a sister-city relationship with Wuhan"
_NEVER_HAD = re.compile(
    r"\s+(?:has\s+|have\s+|had\s+)?never\s+(?:had|signed|formed|established)\s+"
    r"(?:a|an|any)\s+(?:formal\s+|official\s+)?(?:sister[- ]city|twin[- ]town|twinning|"
    r"friendship[- ]city)\s+(?:relationship|agreement|link|tie|partnership)\s+with\s+"
    r"(?:the\s+\w+\s+(?:city|town)\s+of\s+)?",
    re.I,
)


def _denied_pairs(parsed: Parsed, places: Places) -> frozenset[tuple]:
    """Pairs the document says outright were never tied ("San Diego and Wuhan have never
    been sister cities"): whatever else it reports others saying of them (a fact-check's
    claim) makes no pair."""
    text = parsed.text
    named = sorted(
        (m for m in places.mentions if not m.cue.startswith("coref")), key=lambda m: m.start
    )
    out = set()
    for m1, m2 in zip(named, named[1:], strict=False):
        if text[m1.end : m2.start] in (" and ", " & "):
            # "San Diego and Wuhan have never been sister cities"
            nb = _NEVER_BEEN.match(text, m2.end)
            if nb and _NEVER_BEEN_WHAT.match(text, nb.end()):
                out.add(_pair_key(m1.place, m2.place))
        nh = _NEVER_HAD.match(text, m1.end)
        if nh and nh.end() == m2.start:
            out.add(_pair_key(m1.place, m2.place))
    return frozenset(out)


_TWO_HEADS = frozenset("cities towns municipalities communities".split())


_TWO_AS_STRONG = frozenset("twinned twins".split())
_TWO_AS = _TWO_AS_STRONG | frozenset("partners partnered paired friends".split())


_COMMITTING = frozenset("commit bind oblige require encourage invite urge".split())


def _the_two_cities(
    parsed: Parsed,
    places: Places,
    all_units,
    found: list[RelationMention],
    tokens,
    strong_words,
    doc_strong,
) -> list[RelationMention]:
    """ "Take Dakar and Recife. When the two Atlantic port cities sealed their twinning in
    2008, ...": "the two cities" as a subject stands for the two places the sentence
    before names, when they are all it names; or, when the sentence itself names one
    place only, that place and the document's own city ("Students from Tsuru arrived
    Sunday ..., since the two cities signed their sister city agreement in 1994")."""
    out = []
    done = {r.sentence for r in found if r.b is not None}
    for s, sent in enumerate(parsed.sentences):
        if s in done:
            continue
        same_para = s > 0 and parsed.sentences[s - 1].paragraph == sent.paragraph
        for i in range(sent.tok_start, sent.tok_end - 2):
            t = tokens[i]
            if not (t.lower == "the" and tokens[i + 1].lower == "two"):
                continue
            span = range(i + 2, min(i + 7, sent.tok_end))
            head = next((k for k in span if tokens[k].lower in _TWO_HEADS), None)
            if head is None:
                continue
            tie_noun = None
            told = (
                # "the friendship-city relationship the two port cities established in
                # 1979": a tie noun, then the two and their verb, however parsed
                head + 1 < sent.tok_end
                and tokens[i - 1].lower in rel_nouns()
                and tokens[head + 1].head == head
                and tokens[head + 1].dep in ("acl", "relcl")
                and tokens[head + 1].tag in ("VBN", "VBD")
            )
            if told:
                verb, tie_noun = head + 1, i - 1
            elif tokens[head].dep == "appos" and tokens[tokens[head].head].lower in rel_nouns():
                # "the friendship agreement the two cities signed in 2006", parsed as an
                # apposition with its own participle
                acl = next(
                    (k for k in span if tokens[k].head == head and tokens[k].dep == "acl"), None
                )
                if acl is None:
                    continue
                verb, tie_noun = acl, tokens[head].head
            elif tokens[head].dep in ("nsubj", "nsubjpass"):
                verb = tokens[head].head
            elif tokens[head].dep == "dobj" and tokens[tokens[head].head].lemma in _COMMITTING:
                # "signed a memorandum committing the two cities to negotiate a sister-city
                # agreement": what they are bound to is theirs
                verb = head
            elif tokens[head].dep == "pobj" and tokens[tokens[head].head].lower == "from":
                # "Under the 2005 partnership agreement, young people from the two towns
                # had planned a camp": the tie the sentence opened on is theirs
                opened = [
                    k for k in range(sent.tok_start, i)
                    if tokens[k].lower in rel_nouns()
                    and any(tokens[d].lower == "the" and tokens[d].head == k
                            for d in range(max(sent.tok_start, k - 4), k))
                ]  # fmt: skip
                if not opened:
                    continue
                verb, tie_noun = head, opened[-1]
            else:
                continue
            # (or the verb itself, or its complement: "The two cities have been twinned
            # since 1986", "... have been partners since 1986")
            ties = [
                k for k in range(verb, min(verb + 8, sent.tok_end))
                if tokens[k].lower in rel_nouns() or tokens[k].lower in strong_words
                or tokens[k].lower in _TWO_AS
            ]  # fmt: skip
            if tokens[head].dep == "pobj":
                ties = [tie_noun]
            # ("the friendship agreement the two cities signed in 2006": the tie the
            # clause is about)
            if not ties and tie_noun is None and tokens[verb].dep == "relcl":
                tie_noun = tokens[verb].head
            if not ties and tie_noun is not None and tokens[tie_noun].lower in rel_nouns():
                ties = [tie_noun]
            if not ties or any(_denied(k, tokens) or _denied_above(k, tokens) for k in ties):
                continue  # ("the two cities have no partnership")
            strong = any(
                tokens[k].lower in strong_words or tokens[k].lower in _TWO_AS_STRONG for k in ties
            )
            if not strong and not doc_strong:
                continue

            # the one place this sentence names before "the two", else the places of
            # the sentence before (in the same paragraph) when this one names none
            here = _named_places(all_units[s], tokens, i)
            if here:
                # ("Klaipėda received a letter from ... Qinhuangdao ... under the
                # agreement the two cities signed": both named before it)
                named = here if len(here) <= 2 else []
            else:
                named = _named_places(all_units[s - 1], tokens) if same_para else []
            if len(named) == 1 and places.focal is not None:
                # "Students from Tsuru arrived ..., since the two cities signed ...";
                # "A delegation from Gdynia arrived. The two cities signed ... in 1985."
                own = _named_focal(places, all_units[s], parsed)
                if own is None or own.place.key == named[0].place.key:
                    continue
                named = [own, named[0]]
            if len(named) != 2:
                continue
            ma, mb = named
            anchor = ties[-1]
            if (told or tokens[head].dep == "appos") and tie_noun is not None:
                anchor = verb  # ("the relationship the two cities established": its verb)
            out.append(
                RelationMention(
                    ma, mb, mb.place.country, s, anchor,
                    min(tokens[i].start, tokens[anchor].start),
                    max(tokens[i].end, tokens[anchor].end),
                    "pair.the_two_cities", "twin", 0.6, strong,
                )
            )  # fmt: skip
            break
    return out


_BARE_TIES = frozenset("partnership tie twinning link relationship".split())


def _paragraph_partner(
    parsed: Parsed, places: Places, all_units, found: list[RelationMention], tokens, doc_strong
) -> list[RelationMention]:
    """ "Jelgava, in Latvia, received a reprieve. The council's finance committee had
    recommended that the partnership be wound up ...": a paragraph that opens on a town as
    its subject, in a story about the document's own city's ties, and then speaks of "the
    partnership" naming no place, speaks of the tie of that city and the town."""
    if not doc_strong or places.focal is None:
        return []
    out: list[RelationMention] = []
    paired = {_pair_key(r.a.place, r.b.place) for r in found if r.b is not None}
    sides = {r.a.place.key for r in found} | {r.b.place.key for r in found if r.b is not None}
    told = {r.sentence for r in found}
    opened: dict[int, PlaceMention] = {}  # paragraph -> the town opening it
    for s, sent in enumerate(parsed.sentences):
        para = sent.paragraph
        if s == 0 or parsed.sentences[s - 1].paragraph != para:
            units = all_units[s].units.units
            first = units[0] if units else None
            if (
                first is not None
                and first.kind == "P"
                and s not in told
                and tokens[first.tok_start].dep in ("nsubj", "nsubjpass")
                and sum(u.kind == "P" for u in units) == 1
            ):
                m = all_units[s].mentions[first.ref]
                if (
                    m.place.key != places.focal.key
                    and m.place.key not in sides
                    # (a town abroad: "Gainesville is the clearest example", in a story
                    # on American cities, is another owner, no partner)
                    and m.place.country != places.focal.country
                ):
                    opened[para] = m
            continue
        partner = opened.get(para)
        su = all_units[s]
        if (
            partner is None
            or s in told
            # ("The council's finance committee ...": the city itself may be named)
            or any(
                u.kind == "P"
                and su.mentions[u.ref].place.key != places.focal.key
                and su.mentions[u.ref].cue != "coref.own_city"
                for u in su.units.units
            )
        ):
            continue
        tie = next(
            (
                i for i in range(sent.tok_start + 1, sent.tok_end)
                if tokens[i].lower in _BARE_TIES and tokens[i - 1].lower == "the"
            ),
            None,
        )  # fmt: skip
        if tie is None:
            continue
        own = _named_focal(places, su, parsed)
        if own is None or _pair_key(own.place, partner.place) in paired:
            continue
        paired.add(_pair_key(own.place, partner.place))
        out.append(
            RelationMention(
                own, partner, partner.place.country, s, tie, tokens[tie].start,
                tokens[tie].end, "pair.paragraph_partner", "partner", 0.55, False,
            )
        )  # fmt: skip
    return out


def _named_places(su: SentenceUnits, tokens, before: int | None = None) -> list[PlaceMention]:
    """The distinct places a sentence names (before token `before`), in order."""
    named: list[PlaceMention] = []
    for u in su.units.units:
        if u.kind != "P" or _names_a_thing(u, tokens):
            continue
        if before is not None and u.tok_start >= before:
            continue
        if _lies_near(u.tok_start, tokens):
            continue  # "Bourg-la-Reine, a commune south of Paris": where the other lies
        m = su.mentions[u.ref]
        if all(m.place.key != n.place.key for n in named):
            named.append(m)
    return named


_NEAR_WORDS = frozenset("outside near".split())


def _lies_near(i: int, tokens) -> bool:
    """The place at token i is named only for where another lies ("south of Paris",
    "just outside Tours")."""
    if i >= 1 and tokens[i - 1].lower in _NEAR_WORDS:
        return True
    return i >= 2 and tokens[i - 1].lower == "of" and tokens[i - 2].lower in COMPASS


_DASHES = frozenset("- – —".split())
_LIST_WORDS = frozenset(
    "partners partner twinned paired partnered relationships partnerships".split()
)


def _list_relations(
    parsed: Parsed, places: Places, all_units, strong_words
) -> list[RelationMention]:
    """Partners listed after a colon ("twinned with five cities: Lorient in France;
    Cambridge, Massachusetts; ...") or one per line after an intro line or heading
    ("Vannes is twinned with:", "Former twin towns", a table of partner cities)."""
    tokens = parsed.tokens
    out = []
    in_list = [
        any(s <= parsed.sentences[su.sentence].start < e for s, e in places.list_items)
        for su in all_units
    ]
    for k, su in enumerate(all_units):
        if in_list[k]:
            continue
        units = su.units.units
        colon = next(
            (i for i, u in enumerate(units) if u.kind == "W" and tokens[u.tok_start].text == ":"),
            None,
        )
        if colon is None:
            colon = _semicolon_list(units, tokens, strong_words)
        intro = units[:colon] if colon is not None else units
        rest = units[colon + 1 :] if colon is not None else []
        words = {tokens[u.tok_start].lower for u in intro if u.kind == "W"}
        after = {tokens[u.tok_start].lower for u in rest if u.kind == "W"}
        if colon is not None and not words & strong_words and after & strong_words:
            # "4. Reference: Sister cities and friendship cities of Hakodate City": a
            # label, then the heading itself
            intro, rest, words, colon = rest, [], after, None
        here = parsed.sentences[su.sentence]
        here_text = parsed.text[here.start : here.end]
        # (under the line above, parsed or not: "... sister cities ... The table below
        # lists all current agreements."; looked up only for a header row)
        if table_header(here_text) and header_intro(
            here_text, _line_above(parsed.text, here.start)
        ):
            pass  # "No. | City | Country | Date" under "The table lists ... sister cities"
        elif (
            k + 1 < len(all_units)
            and in_list[k + 1]
            and [u.kind for u in units if tokens[u.tok_start].text.strip()] in (["P"], ["P", "W"])
            and name_heading(here_text, _line_below(parsed.text, here.end))
        ):
            pass  # "Kobe City" over "- Seattle, USA: sister city (1957)": that place's list
        elif not (words & strong_words or words & _LIST_WORDS) and not (
            # "... have their own partners. These include:": the sentence before says
            # what the list is
            colon is not None
            and not rest
            and k > 0
            and parsed.sentences[all_units[k - 1].sentence].paragraph
            == parsed.sentences[su.sentence].paragraph
            and {tokens[u.tok_start].lower for u in all_units[k - 1].units.units if u.kind == "W"}
            & (strong_words | _LIST_WORDS)
        ):
            continue
        intro_places = [su.mentions[u.ref] for u in intro if u.kind == "P"]
        items: list[tuple[PlaceMention, int, int, str]] = []  # partner, start, end, rule
        dashed: list[RelationMention] = []  # lines naming both sides
        if (
            colon is not None
            and any(u.kind == "P" for u in rest)
            and _clause_after_colon(rest, tokens)
        ):
            pass  # "... its neighbour across the gulf: Tallinn and Helsinki have been twin
            # cities since 1993": a clause of its own, no list of the intro's partners
        elif colon is not None and any(u.kind == "P" for u in rest):
            first_start = tokens[rest[0].tok_start].start
            both = (
                _dashed_pair(su, rest, tokens, first_start, _line_end(parsed.text, first_start))
                # (on a line of its own: not "Sister Cities: Lerdo, Mexico - Nienburg")
                if "\n" in parsed.text[tokens[units[colon].tok_start].end : first_start]
                else None
            )
            if both is not None:
                # ("These include:" run on into its first line by the parser)
                dashed.append(both)
                rest = rest[3:]
            items = _inline_items(su, rest, tokens)
        elif (
            colon is not None
            and not rest
            and k + 1 < len(all_units)
            and not in_list[k + 1]
            and parsed.sentences[all_units[k + 1].sentence].paragraph
            == parsed.sentences[su.sentence].paragraph
        ):
            # "Hakodate also has two friendship cities: Tianjin, China, with which ...":
            # the parser ends the sentence at the colon; the list runs on after it.
            nxt = all_units[k + 1]
            if not _clause_after_colon(list(nxt.units.units), tokens):
                items = _inline_items(nxt, list(nxt.units.units), tokens)
        elif (
            colon is None
            and intro_places
            and words & _COUNTED
            and k + 1 < len(all_units)
            and not in_list[k + 1]
            and (
                among := _AMONG_THEM.match(
                    parsed.text[parsed.sentences[all_units[k + 1].sentence].start :][:80]
                )
            )
        ):
            # "Yekaterinburg has sister-city ties with more than a dozen cities around the
            # world. Among them are Guangzhou (China), Ho Chi Minh City (Vietnam) ..."
            nxt = all_units[k + 1]
            # (past an opening "In addition to Jinan,": the partner told before)
            opened = parsed.sentences[nxt.sentence].start + among.end()
            items = _inline_items(
                nxt, [u for u in nxt.units.units if tokens[u.tok_start].start >= opened], tokens
            )
            # "... The first is Takatsuki in Japan. The second is Paju in South Korea."
            for later in all_units[k + 2 : k + 6]:
                sent = parsed.sentences[later.sentence]
                if sent.paragraph != parsed.sentences[nxt.sentence].paragraph or not (
                    _THE_NEXT_ONE.match(parsed.text[sent.start :][:40])
                ):
                    break
                items.extend(_inline_items(later, list(later.units.units), tokens))
        elif (
            colon is None
            and words & _COUNTED
            and words & strong_words
            and k + 1 < len(all_units)
            and not in_list[k + 1]
            and parsed.sentences[all_units[k + 1].sentence].paragraph == here.paragraph
            and _fragment_list(all_units[k + 1], parsed, tokens)
        ):
            # "We've got two sister cities already. Ikeda since '65, Taiyuan since '95.":
            # the partners named in a clause of no verb after the count
            nxt = all_units[k + 1]
            items = _inline_items(nxt, list(nxt.units.units), tokens)
        elif any(in_list[k + 1 : k + 3]):
            # One partner per following line, as far as the list goes.
            for nxt, listed in zip(all_units[k + 1 :], in_list[k + 1 :], strict=False):
                sent = parsed.sentences[nxt.sentence]
                if not listed:
                    if not items and table_header(parsed.text[sent.start : sent.end]):
                        continue  # "City | Country | Year established" over the rows
                    if not items and note_line(parsed.text[sent.start : sent.end]):
                        continue  # "(year of agreement in brackets)" over the lines
                    break
                if later_cell(parsed.text, sent.start):
                    # "Limerick, Ireland (2002). Mayor's delegation attended ...": the
                    # entry's notes after its first sentence name no partner of it
                    continue
                segments = _dot_segments(nxt.units.units, tokens)
                line = next(parsed.text[s:e] for s, e in places.list_items if s <= sent.start < e)
                if len(segments) == 1 and place_run(line):
                    # "Bergen, Norway; Deventer, Netherlands; ...": every name of the run
                    items.extend(_inline_items(nxt, list(nxt.units.units), tokens))
                    continue
                if len(segments) > 1:
                    # "Belize City, Belize · Dakar, Senegal": a partner opens each part
                    for seg in segments:
                        head = next((u for u in seg if u.kind == "P"), None)
                        lead = seg[: seg.index(head)] if head is not None else seg
                        if head is not None and not any(
                            tokens[u.tok_start].text[:1].isalpha() for u in lead
                        ):
                            b = nxt.mentions[head.ref]
                            items.append((b, sent.start, sent.end, "pair.list_block"))
                    continue
                first = next(
                    (
                        u for u in nxt.units.units
                        if u.kind == "P" and not tie_label(tokens, u.tok_start, u.tok_end)
                    ),
                    None,
                )  # fmt: skip
                if first is None:
                    continue
                both = _dashed_pair(nxt, list(nxt.units.units), tokens, sent.start, sent.end)
                if both is not None:
                    dashed.append(both)
                    continue
                before = nxt.units.units[: nxt.units.units.index(first)]
                opens_cell = (
                    parsed.text[sent.start : tokens[first.tok_start].start]
                    .rstrip(" ")
                    .endswith(("\t", "|"))
                )
                # ("Chile – La Calera (since 2001)": the partner's country, then a dash)
                country_first = (
                    len(before) == 2
                    and before[0].kind == "C"
                    and tokens[before[1].tok_start].text in _DASHES
                )
                # ("Sister City: Toyama, Japan (est. 1989)": a field labelled as a tie)
                labelled = len(before) >= 2 and tie_label(
                    tokens, before[0].tok_start, before[-1].tok_start
                )
                if (
                    not opens_cell
                    and not country_first
                    and not labelled
                    and any(tokens[u.tok_start].text[:1].isalpha() for u in before)
                ):
                    # the line does not start with the partner's name, nor is it a table
                    # row whose City cell holds it ("1<tab>Sisterhood relationship<tab>
                    # Shreveport<tab>USA")
                    continue
                items.append((nxt.mentions[first.ref], sent.start, sent.end, "pair.list_block"))
        out.extend(dashed)
        if not items:
            continue
        if len({m.place.key for m in intro_places}) == 1:
            a = intro_places[0]  # ("Council confirmed that the City's relationships ...")
        elif (
            not intro_places
            and (told_before := _list_owner_before(su, parsed, places, strong_words)) is not None
        ):
            # "Des Moines has since added five more sister cities. Two were signed in
            # 1985: Saint-Étienne ... and Shijiazhuang": the sentence before says whose
            a = told_before
        elif not intro_places and places.focal is not None:
            a = _focal_mention(places, su, parsed)  # "Former twin towns": the document's city
        else:
            continue
        # No anchor: the intro's verb ("is twinned with five cities:") is no event of the
        # items; a year on an item's line is (see events).
        for b, start, end, rule in items:
            if b.place.key == a.place.key or b.in_org:
                continue
            out.append(
                RelationMention(
                    a, b, b.place.country, tokens[b.tok_start].sent, None, start, end, rule,
                    "sister", 0.85 if a.tok_start >= 0 else 0.7, True,
                )
            )  # fmt: skip
    return out


# (the word after "sister cities" that opens its list: "in", "including", "include")
_LIST_OPENERS = frozenset("in including include includes included".split())


def _line_above(text: str, start: int) -> str:
    """The nearest non-empty line before the one at `start`."""
    lines = text[max(0, start - 2000) : text.rfind("\n", 0, start) + 1].splitlines()
    return next((ln for ln in reversed(lines) if ln.strip()), "")


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _line_below(text: str, end: int) -> str:
    """The next non-empty line after the one ending at `end`."""
    lines = text[end : end + 2000].splitlines()[1:]
    return next((ln for ln in lines if ln.strip()), "")


def _dashed_pair(su, units, tokens, start: int, end: int) -> RelationMention | None:
    """ "Xiaoshan District - Palmerston North (New Zealand), 2016": a list line that names
    both sides of its own tie."""
    if not (
        len(units) >= 3
        and units[0].kind == "P"
        and tokens[units[1].tok_start].text in _DASHES
        and units[2].kind == "P"
    ):
        return None
    m1, m2 = su.mentions[units[0].ref], su.mentions[units[2].ref]
    if m1.place.key == m2.place.key:
        return None
    return RelationMention(
        m1, m2, m2.place.country, tokens[m2.tok_start].sent, None, start, max(end, m2.end),
        "pair.list_dashed_pair", "sister", 0.8, True,
    )  # fmt: skip


def _semicolon_list(units, tokens, strong_words) -> int | None:
    """ "Decorah has sister cities in Fagernes, in Norway's Valdres valley; Zacatlán, a
    cider-making town in Puebla; and, since last year, Musanze", "Sapporo's sister cities
    include Munich, ...; Shenyang in northeast China, since 1980; and Daejeon": a list its
    semicolons mark, run on after the tie word without a colon. The index of the unit that opens
    it, or None."""
    words = [tokens[u.tok_start].lower if u.kind == "W" else "" for u in units]
    for i in range(len(units) - 2):
        if words[i] not in strong_words:
            continue
        k = i + 1 if words[i + 1] not in _COUNTED else i + 2  # "sister cities in"
        if k + 1 < len(units) and words[k] in _LIST_OPENERS and units[k + 1].kind == "P":
            return k if ";" in words[k + 2 :] else None
    return None


def _dot_segments(units, tokens) -> list[list]:
    """A list line's units split at its dots ("·", "•")."""
    out: list[list] = [[]]
    for u in units:
        if u.kind == "W" and tokens[u.tok_start].text in ("·", "•"):
            out.append([])
        else:
            out[-1].append(u)
    return [seg for seg in out if seg]


def _entry_relations(parsed: Parsed, places: Places, all_units) -> list[RelationMention]:
    """A partner named on its own line, the tie and its year on the next; or a
    paragraph that opens on the partner and its year ("Béziers (France), since 1965.",
    "Yaizu, Japan (sister city since 1977)") on a page about the city's ties."""
    out = []
    if places.focal is None:
        return out
    for k in range(len(all_units)):
        sent = parsed.sentences[k]
        if (k == 0 or parsed.sentences[k - 1].paragraph != sent.paragraph) and (
            _ENTRY_OPENING.match(parsed.text, sent.start, sent.end)
        ):
            b = _opening_partner(all_units[k], parsed, places.focal)
            if b is not None and b.start == sent.start:
                a = _focal_mention(places, all_units[k], parsed)
                out.append(_focal_tie(a, b, k, sent.start, sent.end, "pair.list_entry", 0.75))
                continue
        if k == 0:
            continue
        prev = parsed.sentences[k - 1]
        if prev.paragraph != sent.paragraph - 1 or not ENTRY_LINE.match(
            parsed.text[sent.start : sent.end]
        ):
            continue
        su = all_units[k - 1]
        b = _opening_partner(su, parsed, places.focal)
        if b is None:
            continue
        a = _focal_mention(places, su, parsed)
        out.append(_focal_tie(a, b, k - 1, prev.start, sent.end, "pair.list_entry", 0.8))
    return out


# "Béziers (France), since 1965.", "Yaizu, Japan (sister city since 1977)": a partner,
# its country and the year of the tie, all the sentence says
_ENTRY_OPENING = re.compile(
    # (a name: capitalised words, short particles between: "Frankfurt an der Oder")
    r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|[a-z]{1,3})){0,5}"
    r"(?:(?:\s*\([^()\n]{2,30}\)){1,2}|,\s*[A-Z][^.,()\n]{1,30})?,?\s*"
    r"\(?(?:(?:sister|twin|friendship|partner)[\s-](?:city|town)\s+)?since\s+(?:1[89]|20)\d\d\)?\.?\s*$"
)


def _focal_tie(
    a: PlaceMention, b: PlaceMention, sentence: int, start: int, end: int, rule: str, conf: float
) -> RelationMention:
    """The document's city and a partner a line or a short answer names, with no
    relationship noun of its own in the sentence."""
    return RelationMention(
        a, b, b.place.country, sentence, None, start, end, rule, "sister", conf, True
    )


def _opening_partner(su: SentenceUnits, parsed: Parsed, focal: Place) -> PlaceMention | None:
    """The place a line opens with (no word before it but a list item's number), when
    it is another place than the document's own and no organisation's name."""
    units = su.units.units
    tokens = parsed.tokens
    first = next((u for u in units if u.kind == "P"), None)
    if first is None:
        return None
    before = units[: units.index(first)]
    start = tokens[first.tok_start].start
    numbered = bool(before) and (
        ITEM_MARK.fullmatch(parsed.text, tokens[before[0].tok_start].start, start)
        # ("Fifty Years with Saint-Brieuc": a newsletter's section on one partner)
        or SECTION_LEAD.fullmatch(parsed.text, tokens[before[0].tok_start].start, start)
    )
    if not numbered and any(tokens[u.tok_start].text[:1].isalnum() for u in before):
        return None  # the line does not open with the partner's name ("1. Jalapa")
    b = su.mentions[first.ref]
    return None if b.place.key == focal.key or b.in_org else b


def _section_relations(parsed: Parsed, places: Places, all_units) -> list[RelationMention]:
    """A guide that gives each partner a section under its name ("Paju" / "Friends since
    2007. The border city ..."): the heading names a partner of the document's city when
    its section speaks of the tie."""
    out: list[RelationMention] = []
    heads = {s for s, _ in places.section_heads}
    if places.focal is None or not heads:
        return out
    strong_re, weak_re = keyword_res()
    sents = parsed.sentences
    for k in range(len(sents) - 1):
        sent, nxt = sents[k], sents[k + 1]
        if sent.start not in heads or nxt.paragraph != sent.paragraph + 1:
            continue
        ps, pe = parsed.paragraphs[nxt.paragraph]  # (its first paragraph, whole)
        section = parsed.text[ps:pe]
        if not (
            strong_re.search(section) or weak_re.search(section) or SECTION_OPENING.match(section)
        ):
            continue
        su = all_units[k]
        b = _opening_partner(su, parsed, places.focal)
        if b is None:
            continue
        a = _focal_mention(places, su, parsed)
        out.append(_focal_tie(a, b, k, sent.start, sent.end, "pair.section_heading", 0.7))
    return out


def _answer_relations(
    parsed: Parsed, places: Places, all_units, doc_strong: bool
) -> list[RelationMention]:
    """An interview: "Q: Kutaisi once had a Russian sister city." / "A: Podolsk, near
    Moscow. The city assembly walked away from that partnership ...": a short answer
    names the partner of the city the questions are about."""
    tokens = parsed.tokens
    out = []
    if places.focal is None:
        return out
    keywords, relevance = keyword_res()
    firsts = {}
    for k, sent in enumerate(parsed.sentences):
        firsts.setdefault(sent.paragraph, k)
    for para, k in firsts.items():
        p_start, p_end = parsed.paragraphs[para]
        if para - 1 not in firsts:
            continue
        q_start, q_end = parsed.paragraphs[para - 1]
        question = parsed.text[q_start:q_end]
        # (the same test that has the question parsed: "Q: Which towns is Morpeth
        # linked with?" in a twinning association's FAQ)
        if not (
            question_turn(question) and answer_turn(parsed.text[p_start:p_end], question)
        ) or not (keywords.search(question) or (doc_strong and relevance.search(question))):
            continue
        q_places = {m.place.key for s in range(firsts[para - 1], k) for m in all_units[s].mentions}
        if q_places - {places.focal.key}:
            continue  # the question is about another city's partners
        while (
            k + 1 < len(parsed.sentences)
            and parsed.sentences[k + 1].paragraph == para
            and not all_units[k].mentions
            and len(parsed.text[parsed.sentences[k].start : parsed.sentences[k].end].split()) <= 3
        ):
            k += 1  # "A: Two. Burnaby, in British Columbia, since 1965, and Kholmsk, ..."
        su = all_units[k]
        words = [
            u for u in su.units.units
            if u.kind == "W" and tokens[u.tok_start].text.isalpha()
        ]  # fmt: skip
        # the places the answer names, not where they lie ("Saint-Cyr-sur-Loire, just
        # outside Tours")
        units = su.units.units
        named = [
            k for k, u in enumerate(units)
            if u.kind == "P" and su.mentions[u.ref].place.key != places.focal.key
            and not su.mentions[u.ref].in_org
            and not (k > 0 and tokens[units[k - 1].tok_start].lower in _WHERE_WORDS)
        ]  # fmt: skip
        if not named or len(words) > 16 or len(words) > 4 * len(named) + 4:
            continue  # not a short answer naming places
        a = _focal_mention(places, su, parsed)
        sent = parsed.sentences[k]
        for u in named:
            b = su.mentions[su.units.units[u].ref]
            out.append(_focal_tie(a, b, k, b.start, sent.end, "pair.answer_names", 0.6))
    return out


_WHERE_WORDS = frozenset("in of near outside from on at".split())


_COUNTED = frozenset(
    "cities towns municipalities localities partners communities "
    # "Bendigo has one sister city. It is Los Altos in California"
    "city town partner".split()
)
_AMONG_THEM = re.compile(
    # ("In addition to Jinan, they include ...")
    r"(?i)(?:(?:in\s+addition\s+to|besides|apart\s+from|as\s+well\s+as)\s+[^,.;]{1,30},\s+)?"
    r"(?:among\s+them\s+(?:are|is)|(?:they|these)\s+include|one\s+of\s+them\s+is"
    # ("Among the oldest are Aichach in Bavaria, Bad Ischl in Austria and ...")
    r"|among\s+the\s+(?:oldest|newest|earliest|most\s+active|best[- ]known)\s+(?:are|is))\b"
    # "They are Sakai and Dortmund" (not "They are working on exchanges with Sakai")
    r"|(?:they|these)\s+are(?=\s+(?-i:[A-Z]))"
    # "Ballarat has two sister cities. The first, Inagawa, ...", "The oldest is Brest"
    r"|the\s+(?:first|oldest|newest|latest)(?:\s+one)?(?:\s+is\b|\s*,)"
    r"|it\s+is(?=\s+(?-i:[A-Z]))"
)
_THE_NEXT_ONE = re.compile(
    r"(?i)the\s+(?:second|third|fourth|fifth|other|last|latest|newest|most\s+recent)"
    r"(?:\s+one)?(?:\s+is\b|\s*,)"
)


def _clause_after_colon(rest: list[Unit], tokens) -> bool:
    """What follows a colon opens on "X and Y" and goes on with their verb: a sentence
    whose subjects they are, not a list."""
    kinds = [u.kind for u in rest[:4]]
    return (
        kinds == ["P", "W", "P", "W"]
        and tokens[rest[1].tok_start].lower in ("and", "&")
        and tokens[rest[3].tok_start].pos in ("AUX", "VERB")
    )


def _fragment_list(su: SentenceUnits, parsed: Parsed, tokens) -> bool:
    """A sentence of no verb that opens on a place and names two or more: "Ikeda since
    '65, Taiyuan since '95." """
    sent = parsed.sentences[su.sentence]
    units = [u for u in su.units.units if tokens[u.tok_start].text.strip()]
    return (
        bool(units)
        and units[0].kind == "P"
        and sum(u.kind == "P" for u in units) >= 2
        and not any(t.pos in ("VERB", "AUX") for t in tokens[sent.tok_start : sent.tok_end])
    )


def _inline_items(su: SentenceUnits, rest: list[Unit], tokens):
    items = []
    semicolons = any(tokens[u.tok_start].text == ";" for u in rest if u.kind == "W")
    seps = {";"} if semicolons else {",", "and"}
    group: list[Unit] = []
    for u in [*rest, None]:
        if u is None or (u.kind == "W" and tokens[u.tok_start].lower in seps):
            first = next((g for g in group if g.kind == "P"), None)
            # ("Shinagawa, a ward of Tokyo, with which ...": an apposition, no item)
            if group and group[0].kind == "W" and tokens[group[0].tok_start].lower in ("a", "an"):
                first = None
            if first is not None:
                start = tokens[group[0].tok_start].start
                end = tokens[group[-1].tok_end - 1].end
                items.append((su.mentions[first.ref], start, end, "pair.list_inline"))
            group = []
        elif not (u.kind == "W" and tokens[u.tok_start].lower in ("and", "or")):
            group.append(u)
    return items


_TWO_OF = frozenset("towns cities communities municipalities councils places".split())
_AREA_WORDS = frozenset("region province oblast state county prefecture district area".split())


def _between_the_two(su: SentenceUnits, parsed: Parsed, places: Places, tokens, strong_words,
                     doc_strong: bool) -> RelationMention | None:  # fmt: skip
    """ "(members voted to write to the mayor of Berezhany) proposing a formal twinning
    link between the two towns": the place the sentence names and the one the document
    speaks for (or the two places it names)."""
    sent = parsed.sentences[su.sentence]
    for i in range(sent.tok_start, sent.tok_end - 3):
        if not (
            tokens[i].lower == "between"
            and tokens[i + 1].lower == "the"
            and tokens[i + 2].lower == "two"
            and tokens[i + 3].lower in _TWO_OF
        ):
            continue
        nouns = [
            k for k in range(max(sent.tok_start, i - 5), i)
            if tokens[k].lower in rel_nouns() or tokens[k].lower in strong_words
        ]  # fmt: skip
        if not nouns:
            continue
        anchor = nouns[-1]
        strong = any(tokens[k].lower in strong_words for k in range(max(sent.tok_start, i - 5), i))
        if not strong and not doc_strong:
            continue
        named = []
        for u in su.units.units:
            if u.kind != "P" or _names_a_thing(u, tokens):
                continue
            after = tokens[u.tok_end].lower if u.tok_end < len(tokens) else ""
            if after in _AREA_WORDS:
                continue  # "in the Ternopil region": where the town is
            if _SEAT_OF_MISSION.search(parsed.text, max(0, tokens[u.tok_start].start - 24),
                                       tokens[u.tok_start].start):  # fmt: skip
                continue  # "the Chinese Embassy in Dublin ... between the two cities"
            m = su.mentions[u.ref]
            if all(m.place.key != n.place.key for n in named):
                named.append(m)
        if len(named) == 2:
            ma, mb = named
        elif (
            len(named) == 1 and places.focal is not None and places.focal.key != named[0].place.key
        ):
            ma, mb = _named_focal(places, su, parsed), named[0]
            if ma is None:
                return None
        else:
            return None
        return RelationMention(
            ma, mb, mb.place.country, su.sentence, anchor, tokens[anchor].start,
            tokens[i + 3].end, "pair.between_the_two", "twin", 0.6, strong,
        )  # fmt: skip
    return None


_NAMED_TIE_DETS = frozenset("the its our their this that".split())
_SEAT_OF_MISSION = re.compile(r"\b(?:Embassy|Consulate|Consulate-General|High Commission) in $")


def _named_ties(su: SentenceUnits, parsed: Parsed, places: Places, tokens, out):
    """ "The Suqian relationship was signed in 2008", "dropping the Lerdo relationship",
    "The Kato relationship was established in 1981 and the Rizhao relationship in 2002":
    a tie named by its partner alone is the document city's (or that of the pair named
    just before)."""
    units = su.units.units
    nouns = rel_nouns()
    named: list[tuple[int, Token]] = []
    for k in range(len(units) - 1):
        u, nxt = units[k], units[k + 1]
        prev = units[k - 1] if k > 0 else None
        if u.kind != "P" or nxt.kind != "W" or (prev is not None and prev.kind != "W"):
            continue
        if tokens[u.tok_start].lower in ("its", "their"):
            continue  # "Its relationship with Winnipeg": the owner, said again
        # "The Suqian relationship", or a headline's "... to end Timbuktu twinning"
        before = tokens[prev.tok_start] if prev is not None else None
        if before is not None and not (
            before.lower in _NAMED_TIE_DETS
            or (before.pos == "VERB" and before.i + 1 == u.tok_start)
        ):
            continue
        noun = tokens[nxt.tok_start]
        if noun.lower not in nouns or noun.tag in ("NNS", "NNPS"):
            continue
        after = tokens[noun.i + 1] if noun.i + 1 < len(tokens) else None
        if noun.text[:1].isupper() and after is not None and after.text[:1].isupper():
            continue  # "the Burntwood Twinning Association": a body's name, no tie
        if places.focal is not None and su.mentions[u.ref].place.key == places.focal.key:
            return []  # "the Invercargill relationship": the city's own, no partner named
        named.append((k, noun))
    ties = {k for k, _ in named}
    result = []
    for k, noun in named:
        mb = su.mentions[units[k].ref]
        # "Durban officials say the Chicago relationship ...": a place the sentence names
        # before, not as a partner, holds the tie
        own = [
            su.mentions[units[j].ref] for j in range(k)
            if units[j].kind == "P"
            and j not in ties
            and not _partner_position(units[j], tokens)
            and not _names_a_thing(units[j], tokens)
            # (nor "Priorities are the Rostock anniversary ... and the Mykolaiv
            # partnership": another tie's or event's name)
            and not (
                units[j].tok_start > 0
                and tokens[units[j].tok_start - 1].lower == "the"
                and tokens[units[j].tok_end - 1].dep == "compound"
                and tokens[units[j].tok_end - 1].head >= units[j].tok_end
                and tokens[tokens[units[j].tok_end - 1].head].lower not in cues()["after_place"]
            )
            # (nor "a youth summit in Turku": where something happens, unless fronted:
            # "In Kobe, the Tianjin relationship ...")
            and not (
                units[j].tok_start > parsed.sentences[su.sentence].tok_start + 1
                and tokens[units[j].tok_start - 1].lower == "in"
            )
            # (not "between Vermont and the Middle East": a stretch of the map)
            and tokens[tokens[units[j].tok_start].head].lower != "between"
            and su.mentions[units[j].ref].place.key != mb.place.key
        ]  # fmt: skip
        # (the subject of the clause first: "Hamakita was absorbed into Hamamatsu, and
        # Wodonga council ended the Hamakita relationship")
        subject = _subject_place(noun.i, tokens, su)
        if subject is not None and subject not in ties:
            ms = su.mentions[units[subject].ref]
            own = [ms, *own] if ms.place.key != mb.place.key else own
        ma = own[0] if own else _previous_a(out, mb.place, parsed, su.sentence, places.focal)
        if ma is None:
            ma = _named_focal(places, su, parsed)
        if result:
            ma = result[0].a  # "the Wexford relationship ..., while the Karlskrona link": alike
        if ma is None or ma.place.key == mb.place.key:
            return result
        result.append(
            RelationMention(
                ma, mb, mb.place.country, su.sentence, noun.i, mb.start, noun.end,
                "pair.named_tie", "sister", 0.6, False,
            )
        )  # fmt: skip
    return result


def _opens_as_subject(named: RelationMention, parsed: Parsed, tokens) -> bool:
    """ "The Severomorsk agreement dates from 1991, ... and it was followed in 2005 by a
    second agreement, with ... Monchegorsk": a tie named by its partner that opens the
    sentence as its subject stands beside the other ties the sentence names."""
    sent = parsed.sentences[named.sentence]
    return (
        tokens[named.anchor].dep in ("nsubj", "nsubjpass")
        and named.b is not None
        and named.b.tok_start <= sent.tok_start + 1
    )


def _timeline_entry(parsed: Parsed, s: int) -> bool:
    """The sentence opens a paragraph that starts with a year and a dash ("1993 – ...")."""
    sent = parsed.sentences[s]
    start, end = parsed.paragraphs[sent.paragraph]
    return timeline_year(parsed.text, start, end) is not None and sent.start <= start + 8


_NOBODY = frozenset(("nobody", "none", "noone"))


def _nobody_acts(noun: Token, tokens) -> bool:
    """ "Nobody at City Hall has ever proposed a tie with Moscow, Russia", "No one has
    suggested a twinning with ...": the verb over the tie noun has nobody for subject."""
    verb = next((t for t in ancestors(noun.i, tokens, 3) if t.pos in ("VERB", "AUX")), None)
    if verb is None:
        return False
    return any(
        t.head == verb.i
        and t.dep == "nsubj"
        and (t.lower in _NOBODY or (t.lower == "one" and t.i > 0 and tokens[t.i - 1].lower == "no"))
        for t in tokens[max(0, verb.i - 12) : verb.i]
    )


def _denied(anchor: int, tokens) -> bool:
    """The tie noun is denied: "has no agreement with", "no formal link with",
    "Kitakyushu, which is not a sister city of Surabaya"."""
    noun = tokens[anchor]
    while noun.dep in ("amod", "compound") and noun.head != noun.i and noun.head - noun.i <= 3:
        noun = tokens[noun.head]  # "has no twinning arrangements of its own"
    lo = max(0, noun.i - 5)
    if any(t.head == noun.i and t.lower == "no" and t.dep == "det" for t in tokens[lo : noun.i]):
        return True
    # "Nor is there any formal link with Paris, Tennessee" (not "..., nor is the city's
    # link with Seinäjoki": left unaffected)
    words = [t.lower for t in tokens[max(0, noun.i - 8) : noun.i] if t.sent == noun.sent]
    if any(w in ("nor", "neither") for w in words) and ("there" in words or "any" in words):
        return True
    if _nobody_acts(noun, tokens):
        return True
    if noun.dep != "attr" or noun.head == noun.i:
        return False
    verb = noun.head
    return any(t.head == verb and t.dep == "neg" for t in tokens[max(0, verb - 3) : anchor])


def _is_focal(places: Places, m: PlaceMention) -> bool:
    return places.focal is not None and m.place.key == places.focal.key


def _aside(i: int, anchor: int, tokens) -> bool:
    """Token i sits in a relative clause that does not hold the tie noun: "Mayor Rosa
    Baca, whose six-day trip also took in a trade show in Incheon, signed the agreement
    with Jeonju"."""
    above_anchor = _above(anchor, tokens)
    for t in ancestors(i, tokens, 8):
        if t.dep == "relcl" and t.i not in above_anchor:
            return True
        if t.dep == "relcl":
            break
        if (
            t.dep in ("advcl", "acl")
            and t.tag == "VBG"
            and t.i > 0
            and tokens[t.i - 1].text == ","
            and t.i not in above_anchor
        ):
            return True  # "Seattle's mayor, speaking in Tokyo, said the relationship ..."
    if (
        i < anchor
        and i + 2 < len(tokens)
        and tokens[i + 1].text == ","
        and tokens[i + 2].lower == "where"
        and i > 1
        and tokens[i - 1].lower in ("in", "to", "at")
        # (not the setting a sentence opens with: "In Andong, where the mayor had ...")
        and tokens[i - 2].sent == tokens[i].sent
    ):
        return True  # "traveled to Beijing, where she signed an agreement with Guangzhou"
    if i < anchor and contrast_between(i, anchor, tokens):
        return True  # the other side of a contrast is no side of this tie
    return i < anchor and _comma_clause(i, anchor, tokens)


def contrast_between(i: int, j: int, tokens) -> bool:
    """ "Durham and Kristiansand have been partners since 1990, while the relationship
    with the Chinese city ...": a ", while" (", whereas") between tokens i and j."""
    lo, hi = sorted((i, j))
    return any(
        tokens[k].lower in ("while", "whereas") and tokens[k - 1].text == ","
        for k in range(lo + 1, hi)
    )


_WH_OPENERS = frozenset("where which who whose".split())


def _comma_clause(i: int, anchor: int, tokens) -> bool:
    """ "In Andong, where the mayor had returned from a fair in Osaka, a motion ... to end
    the tie with Hagi": a clause opened by ", where" and closed by a comma before the tie
    noun, however the parser hangs what follows it."""
    sent = tokens[i].sent
    k = i - 1
    while k > 0 and tokens[k].sent == sent and tokens[k].text != ",":
        if tokens[k].lower in _WH_OPENERS and tokens[k - 1].text == ",":
            return any(tokens[j].text == "," for j in range(i + 1, anchor))
        k -= 1
    return False


def ancestors(i: int, tokens, limit: int):
    """The heads above token i, nearest first, at most `limit` of them."""
    tok = tokens[i]
    for _ in range(limit):
        if tok.head == tok.i:
            return
        tok = tokens[tok.head]
        yield tok


def _relative_subject(verb: Token, tokens) -> bool:
    """The verb's subject is a relative phrase ("the name of which", "whose name"): a
    relative clause set off after a noun, which the parser made the sentence's verb."""
    for t in tokens[max(0, verb.i - 8) : verb.i]:
        if t.lower in ("which", "whose") and any(
            a.head == verb.i and a.dep in ("nsubj", "nsubjpass")
            for a in (t, *ancestors(t.i, tokens, 4))
        ):
            return True
    return False


def relative_clause_above(tok: Token, tokens) -> bool:
    """ "working on an agreement with a city in Japan, the name of which has not been
    disclosed": the clause under a misparsed relative clause is the sentence's own."""
    return tok.dep == "ccomp" and tok.i < tok.head and _relative_subject(tokens[tok.head], tokens)


_WISHES = frozenset("consider welcome like love make want be".split())


def _hypothetical(anchor: int, tokens) -> bool:
    """ "Aswan 'would consider' a similar arrangement with Florence", "A twinning with
    Busan could make sense one day", "Imagine if Christchurch ... decided to twin with
    Taipei": a tie someone might want is no tie."""
    if any(t.lemma in ("imagine", "suppose") for t in ancestors(anchor, tokens, 6)):
        return True
    for tok in ancestors(anchor, tokens, 4):
        if tok.pos in ("VERB", "AUX"):
            if tok.dep == "relcl":
                return False  # "a bill that would make Lodi and Kofu sister cities" proposes
            aux = {t.lower for t in tokens[max(0, tok.i - 3) : tok.i] if t.head == tok.i}
            return tok.lemma in _WISHES and bool(aux & {"would", "could", "might"})
    return False


@lru_cache(maxsize=1)
def _ending_denials() -> frozenset[str]:
    """Verbs whose denial ends a tie ("will not renew its agreement"): the triggers
    marked "denied"."""
    return frozenset(
        lemma for rec in read_jsonl("triggers.jsonl") if rec.get("denied")
        for lemma in rec["lemmas"]
    )  # fmt: skip


_DISTRICT_IN = re.compile(r"(?:^| )(?:district|borough|ward)\|[^ ]*\|W in\|")

# Verbs that tell a failure only when denied ("the proposed twinning never went ahead",
# "was not progressed"), some with the word they need after them.
NEVER_HAPPENED = {
    "go": {"ahead"}, "materialise": set(), "materialize": set(), "proceed": set(),
    "eventuate": set(), "happen": set(), "progress": set(), "pursue": set(),
    "take": {"forward", "further"},
}  # fmt: skip


# "did not get a majority", "failed to win support": the votes a proposal needed
_WINNING = frozenset("get win gain secure receive find attract".split())
_BACKING = frozenset("majority support backing seconder vote votes".split())


def lacked_backing(verb: Token, tokens) -> bool:
    """The verb says what a proposal needed and (when denied) did not get: "did not
    get a majority"."""
    return verb.lemma in _WINNING and any(
        t.head == verb.i and t.dep == "dobj" and t.lemma in _BACKING
        for t in tokens[verb.i + 1 : verb.i + 5]
    )


# ("the Russian town of Zhukovsky": the town's own name; not "a district of Seoul", "the
# capital of Shandong", where the name after "of" is where it lies)
_NAMED_TOWN_NOUNS = frozenset("town city village port municipality".split())


def _where_it_lies(tok: Token, tokens) -> bool:
    """The place (or the noun it names: "China's Liaoning province") is the object of
    "of" or "in": where something described before it lies."""
    while tok.dep in ("compound", "poss", "amod", "nmod") and tok.head != tok.i:
        tok = tokens[tok.head]
    if tok.dep != "pobj" or tokens[tok.head].lower not in ("of", "in"):
        return False
    # ("the Russian town of Zhukovsky, near Moscow, with which ...": the town named)
    prep = tokens[tok.head]
    return not (prep.lower == "of" and tokens[prep.head].lemma in _NAMED_TOWN_NOUNS)


def _denied_above(anchor: int, tokens) -> bool:
    """A word above the tie noun denies it: "has no plans to seek a sister city in Korea",
    "does not want a partner in China" (not "will not renew its agreement with a Chinese
    city": an ending)."""
    for tok in ancestors(anchor, tokens, 5):
        if tok.lemma in _ending_denials() or tok.lemma in NEVER_HAPPENED:
            return False  # (a proposal "not progressed" was made, and failed)
        if lacked_backing(tok, tokens):
            return False  # (one that "did not get a majority" too)
        if relative_clause_above(tok, tokens):
            return False  # (", the name of which has not been disclosed": no denial)
        lo = max(0, tok.i - 4)
        if any(
            t.head == tok.i and (t.dep == "neg" or (t.dep == "det" and t.lower == "no"))
            for t in tokens[lo : tok.i]
        ):
            return True
    return False


_ACTING_BODIES = frozenset(
    "council councillor councillors councilor councilors aldermen assembly mayor "
    "municipality body board".split()
)
# (and the papers a body acts on: "The report had initially also recommended ending the
# agreement with Chicago")
_BODY_PAPERS = frozenset("report review".split())


def _council_acts_instead(i: int, anchor: int, tokens, places: Places, parsed: Parsed) -> bool:
    """The place at token i is the subject of another clause, and the clause holding the
    tie noun has the document's own council acting: that council's city is the side."""
    return (
        _other_clause(i, anchor, tokens)
        and _body_acts(anchor, tokens, parsed.text)
        and _focal_council(places, parsed)
    )


def _other_clause(i: int, anchor: int, tokens) -> bool:
    """Token i is the subject of a clause other than the one holding the relationship
    noun: its verb is not on the way up from the noun to the first verb with a subject
    (a setting, "In Krakow, the mayor said ...", is no subject)."""
    tok = tokens[i]
    while tok.dep in ("compound", "conj") and tok.head != tok.i:
        tok = tokens[tok.head]
    if tok.dep not in ("nsubj", "nsubjpass"):
        return False
    chain = set()
    for t in ancestors(anchor, tokens, 8):
        chain.add(t.i)
        if t.pos in ("VERB", "AUX") and any(
            k.head == t.i and k.dep in ("nsubj", "nsubjpass")
            for k in tokens[max(0, t.i - 40) : t.i]
        ):
            break
    return tok.head not in chain


def _body_acts(anchor: int, tokens, text: str) -> bool:
    """The verb over the relationship noun has a city body for subject ("councillors
    rubber-stamped a sister city agreement with Shimanto"): the document's city acts."""
    for tok in ancestors(anchor, tokens, 6):
        # "the board voted to ask City Council to end the relationship with Juigalpa":
        # the body asked is the one to act
        if (
            tok.pos == "VERB"
            and tok.dep == "xcomp"
            and tok.head != tok.i
            and any(
                t.head == tok.head and t.dep == "dobj" and t.lemma in _ACTING_BODIES
                for t in tokens[tok.head + 1 : tok.i]
            )
        ):
            return True
        if tok.pos in ("VERB", "AUX"):
            if recommended_item(tok, tokens, text):
                return True
            # (a subject may stand far before its verb, past a relative clause)
            subjects = [
                t for t in tokens[max(0, tok.i - 40) : tok.i]
                if t.head == tok.i and t.dep in ("nsubj", "nsubjpass")
            ]  # fmt: skip
            if subjects:
                if any(t.lemma in _ACTING_BODIES for t in subjects):
                    return True
                if tok.lemma == "recommend" and any(t.lemma in _BODY_PAPERS for t in subjects):
                    return True
                if any(
                    k.head == t.i and k.lemma in _ACTING_BODIES
                    for t in subjects
                    for k in tokens[max(0, t.i - 4) : t.i]
                ):
                    return True  # "Mayor Rosa Baca ... signed the agreement with Jeonju"
                # "A proposal for a sister city relationship with Weihai ... was shelved
                # by the City Council": the body is the passive's agent
                agents = [
                    t.i for t in tokens[tok.i + 1 : tok.i + 12]
                    if t.head == tok.i and t.dep == "agent"
                ]  # fmt: skip
                return any(
                    t.head in agents and t.lemma in _ACTING_BODIES
                    for t in tokens[tok.i + 1 : tok.i + 16]
                )
            # ("rejected calls to sever ties with Holguín": the subject is higher up)
    return False


def recommended_item(verb: Token, tokens, text: str) -> bool:
    """ "It is recommended that the Committee: / (ii) approves the termination of the
    twinning link with Pskov": an item with no subject of its own, after a lead-in ending
    on a body and a colon, is what that body does."""
    if verb.tag not in ("VBZ", "VB", "VBP"):
        return False
    # (only an item marker before the verb on its line, or an adverb: "(ii)", "a)", "1.
    # formally")
    first = verb.i
    while first > 0 and tokens[first - 1].dep == "advmod" and tokens[first - 1].head == verb.i:
        first -= 1
    line_start = text.rfind("\n", 0, tokens[first].start) + 1
    if not ITEM_MARK.fullmatch(text, line_start, tokens[first].start):
        return False
    # the lines above, back to the lead-in: earlier items, then "... the Committee:"
    above = text[max(0, line_start - 600) : line_start].rstrip().split("\n")
    lines = [line.strip() for line in reversed(above) if line.strip()]
    for n, line in enumerate(lines):
        if ITEM_MARK.match(line + " ") and not line.endswith(":"):
            continue
        if not (line.endswith(":") and _LEAD_BODY.search(line) is not None):
            return False
        # "RECOMMENDATION / That ..., Council: / (ii) formally end ...": a base form is
        # recommended only under a recommendation (a resolution's items are decided)
        return verb.tag == "VBZ" or any(
            _RECOMMEND.search(above_line) for above_line in lines[n : n + 2]
        )
    return False


_RECOMMEND = re.compile(r"(?i)\brecommend")


_LEAD_BODY = re.compile(r"(?i)\b(?:council|committee|cabinet|board|assembly|mayor)\b")


def _own_council_page(places: Places, parsed: Parsed) -> bool:
    """The document's city heads it as its council's ("Newport City Council" as the
    letterhead of a reply)."""
    if places.focal is None:
        return False
    # (the letterhead's name as written there: the parse may not hold that line)
    return any(
        council_letterhead(parsed.text, m.start(), m.end())
        for m in re.finditer(re.escape(places.focal.name), parsed.text[:400], re.IGNORECASE)
    )


def _focal_council(places: Places, parsed: Parsed) -> bool:
    """The text names the council of its own city ("Warrnambool council adopts"), so
    "councillors" and "the council" are that city's."""
    if places.focal is None:
        return False
    # the gazetteer's spelling and the text's own ("Whakatane" / "Whakatāne")
    spellings = {places.focal.name} | {
        m.text for m in places.mentions
        # (a capital in its first two letters: "eThekwini")
        if m.place.key == places.focal.key and m.tok_start >= 0
        and any(c.isupper() for c in m.text[:2])
        and not m.cue.startswith(("coref", "org"))
    }  # fmt: skip
    name = "(?:" + "|".join(sorted(map(re.escape, spellings))) + ")"
    kind = "(?: city| town| district| shire| borough| metropolitan| municipal)?"
    # ("CITY OF SANTA FE / GOVERNING BODY": the city's own record)
    found = re.search(
        rf"(?i)(?<!\w)(?:{name}{kind} council|city of {name}|council(?:lor|or)?s (?:in|of) "
        rf"(?:\w+'s )?{name}(?!\w)|{name}'s (?:city |town |municipal |district )?council)",
        parsed.text,
    )  # ("Councillors in Bursa's Nilüfer district backed keeping ...")
    if found is not None:
        return True
    # "Banská Bystrica has ended three of its fourteen international partnerships ...
    # the city council agreed": a story that opens on its city, then speaks of "the city
    # council"
    first = places.focal_first
    return (
        first is not None
        and first.start < _OPENING_CHARS
        and (
            re.search(r"(?i)\bthe (?:city|town|municipal) council\b", parsed.text) is not None
            # "The city's municipal executive board voted ...": the city's own body
            or re.search(
                r"(?i)\bthe (?:city|town|municipality)['’]s (?:\w+ ){0,2}"
                r"(?:council|board|assembly)\b",
                parsed.text,
            )
            is not None
            # "voted to ask City Council to end ...": no other town's name before it
            # (or "City councillors have voted ..." opening a paragraph)
            or re.search(
                r"(?m)(?:^|[a-z,;:]\s)(?:City|Town) (?:Council\b|[Cc]ouncill?ors\b)", parsed.text
            )
            is not None
        )
    )


_OPENING_CHARS = 600


def _focal_named_near(places: Places, parsed: Parsed, s: int) -> bool:
    """The document's own city is named in this sentence, its paragraph or the three
    before it."""
    if places.focal is None:
        return False
    para = parsed.sentences[s].paragraph
    # a guide's one-line headings ("Paju", "Luoyang") between are no paragraphs of prose
    k, prose = para, 0
    while k > 0 and prose < 3:
        k -= 1
        start, end = parsed.paragraphs[k]
        if not _heading(parsed.text[start:end]):
            prose += 1
    lo = parsed.paragraphs[k][0]
    # (or in the sentence itself: "The tie with Kashiwazaki, sealed on a visit by a
    # Brandon delegation")
    hi = parsed.sentences[s].end
    # (or spoken of as "our twin", "the council", when its own site names it only in
    # the masthead)
    return any(
        lo <= m.start < hi and m.place.key == places.focal.key
        for m in (*places.context, *places.mentions)
    )


def _heading(text: str) -> bool:
    """A short line without a sentence's end: "Luoyang", "What comes next" (or a
    roundup's item heading: "TUESDAY — Sister-city proposal stalls")."""
    text = text.strip()
    return (
        len([w for w in text.split() if w not in ("—", "–", "-", "|")]) <= 4 + (":" not in text)
        and not any(c.isdigit() for c in text)  # "CARRIED 13–1": a vote, no heading
        and not text.endswith((".", "!", "?", ":", '"', "”"))
    )


def _focal_earlier_in_paragraph(places: Places, parsed: Parsed, s: int) -> bool:
    """The sentence just before, in the same paragraph, names the document's own city
    (or speaks of it as "the city")."""
    if places.focal is None or s == 0:
        return False
    prev = parsed.sentences[s - 1]
    if prev.paragraph != parsed.sentences[s].paragraph:
        return False
    return any(
        prev.start <= m.start < prev.end and m.place.key == places.focal.key
        for m in places.mentions
    )


_OTHER_BODIES = frozenset("municipalities cities towns councils communities countries".split())


def _other_bodies_hold(anchor: int, tokens) -> bool:
    """The tie's holders are other towns, unnamed: "follow the example of European
    municipalities that have cut their links with Russian cities"."""
    verb = tokens[tokens[anchor].head]
    if tokens[anchor].dep != "dobj":
        return False
    subj = next(
        (t for t in tokens[max(0, verb.i - 4) : verb.i] if t.head == verb.i and t.dep == "nsubj"),
        None,
    )
    if subj is None:
        return False
    if subj.lower in ("that", "which", "who") and verb.dep == "relcl":
        subj = tokens[verb.head]
    return subj.lower in _OTHER_BODIES


def _locator(i: int, tokens) -> bool:
    """The place at token i only says where another lies: "southeast of Winnipeg", "the
    Japanese city near Nagoya"."""
    if i >= 2 and tokens[i - 1].lower in ("near", "outside") and tokens[i - 2].lower in _NEAR_HEADS:
        return True
    return (
        i >= 3
        and tokens[i - 1].lower == "of"
        and tokens[i - 2].lower.replace("-", "") in COMPASS
        # (or a distance before it: "in the Valparaiso Region about 100 km west of
        # Santiago"; or the town it places: "Uji, the tea-growing city south of Kyoto")
        and (
            tokens[i - 3].text == ","
            or tokens[i - 3].lower in _DISTANCE_UNITS
            or tokens[i - 3].lower in _NEAR_HEADS
        )
    )


_NEAR_HEADS = frozenset("city town village port municipality suburb".split())


_DISTANCE_UNITS = frozenset("km kilometres kilometers miles mi".split())


def _list_owner_before(
    su: SentenceUnits, parsed: Parsed, places: Places, strong_words
) -> PlaceMention | None:
    """The one place that is the subject of the sentence before, in the same paragraph,
    when that sentence speaks of ties ("Des Moines has since added five more sister
    cities.")."""
    sents = parsed.sentences
    s = su.sentence
    if s == 0 or sents[s - 1].paragraph != sents[s].paragraph:
        return None
    prev = sents[s - 1]
    tokens = parsed.tokens
    if not any(tokens[i].lower in strong_words for i in range(prev.tok_start, prev.tok_end)):
        return None
    subjects = [
        m for m in places.mentions
        if prev.tok_start <= m.tok_start < prev.tok_end and not m.in_org
        and tokens[m.tok_end - 1].dep in ("nsubj", "nsubjpass")
    ]  # fmt: skip
    return subjects[0] if len({m.place.key for m in subjects}) == 1 else None


def _focal_mention(places: Places, su: SentenceUnits, parsed: Parsed) -> PlaceMention:
    """The document's own city as the subject of a list headed only by a heading; its
    span is the first time the document names it."""
    focal = places.focal
    first = next((m for m in places.context if m.place.key == focal.key), None)
    if first is None:
        # a town only the parse recognised ("Hay-on-Wye town councillors ...")
        first = places.focal_first
    if first is not None:
        return PlaceMention(first.start, first.end, first.text, focal, -1, -1, -1, "focal")
    sent = parsed.sentences[su.sentence]
    return PlaceMention(sent.start, sent.start, "", focal, -1, -1, -1, "focal")


def _its_place(su: SentenceUnits, parsed: Parsed, places: Places) -> PlaceMention | None:
    """ "Joensuu, in North Karelia, took a quieter route. Its agreement with a city in
    Russian Karelia ...": a sentence opening on "Its" speaks of the one place the sentence
    before it (in its paragraph) names."""
    sents = parsed.sentences
    s = su.sentence
    if s == 0 or parsed.tokens[sents[s].tok_start].lower != "its":
        return None
    prev = sents[s - 1]
    if prev.paragraph != sents[s].paragraph:
        return None
    named = [
        m for m in places.mentions
        if prev.tok_start <= m.tok_start < prev.tok_end and not m.in_org
        and not m.cue.startswith("coref")
    ]  # fmt: skip
    if len({m.place.key for m in named}) != 1 or named[0].place.kind == "province":
        return None
    return named[0]


# A listed partner's year: "Bremen (1994)", "Faro in Portugal (1997)"
_DATED_ITEM = re.compile(r"(?:\s+in\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?\s*\((?:since\s+)?\d{4}\)")


def _dated_list(su: SentenceUnits, units: list[int], text: str) -> bool:
    """Two or more of the places are listed each with its year in brackets."""
    ends = (su.mentions[su.units.units[u].ref].end for u in units)
    return sum(_DATED_ITEM.match(text, end) is not None for end in ends) > 1


def _named_focal(places: Places, su: SentenceUnits, parsed: Parsed) -> PlaceMention | None:
    """The document's city where the text names it, for a side no rule names in the
    sentence; None when the text never does (a side must have a span)."""
    if places.focal is None:
        return None
    m = _focal_mention(places, su, parsed)
    return m if m.end > m.start else None


def _compound_head(su: SentenceUnits, u: int, tokens) -> int:
    """ "the Aberystwyth/Kronberg twinning ..., and the links with Saint-Brieuc": the
    partner written second in a pair's name is not the town that has the links; the
    first one is."""
    units = su.units.units
    if (
        u >= 2
        and units[u - 1].kind == "W"
        and tokens[units[u - 1].tok_start].text in ("/", "-", "–")
        and units[u - 2].kind == "P"
    ):
        return u - 2
    return u


def _members(
    su: SentenceUnits, m: re.Match, name: str, tokens, shared_possessive: bool = False
) -> list[int]:
    """The places of a captured side; a coordination keeps only its real conjuncts
    (with `shared_possessive`, the last conjunct's "'s" is all of theirs: "Beijing and
    Shanghai's agreements")."""
    units = [u for u in _group_units(su.units, m, name) if su.units.units[u].kind == "P"]
    # ("Seattle, with which Daejeon became a sister city in 1989, and Calgary": the owner
    # named in a member's relative clause is no member)
    units = [
        u for u in units
        if not (
            u != units[0]
            and su.units.units[u].tok_start >= 2
            and tokens[su.units.units[u].tok_start - 1].lower == "which"
            and tokens[su.units.units[u].tok_start - 2].lower in ("with", "to")
        )
    ]  # fmt: skip
    if len(units) < 2:
        return units
    us = su.units
    first = us.units[units[0]]
    # "disputes between Prague and Beijing, and the Czech capital's decision ...":
    # after "between" the first two belong to that phrase, not to the subject.
    if first.tok_start > 0 and tokens[first.tok_start - 1].lower == "between":
        return units[-1:]
    if (
        name == "A"
        and _partner_position(us.units[units[0]], tokens)
        and _subject_of_next_verb(us.units[units[-1]], tokens)
    ):
        # "Cardiff ended its partnership with Xiamen and Swansea suspended its ties with
        # Wuhan": only the last conjunct is the next verb's subject
        return units[-1:]
    if (
        name == "A"
        and _unit_head(first, tokens).dep == "pobj"
        and tokens[first.tok_start - 1].lower != "between"
        and (
            _named_subject(us.units[units[-1]], tokens)
            or _subject_of_next_verb(us.units[units[-1]], tokens)
        )
    ):
        # "after the Senate called for the recognition of Nagorno-Karabakh, the
        # Azerbaijani city of Ganja froze ...": a name inside a phrase before the
        # clause's own subject is no conjunct of it
        return units[-1:]
    if name == "B":
        # "with Eureka, the Humboldt County seat": a name in the description of the
        # partner before it is no partner
        units = [units[0]] + [
            u for u in units[1:]
            if not (
                us.units[u].tok_end < len(tokens)
                and tokens[us.units[u].tok_end].lower in ("seat", "capital")
                and tokens[us.units[u].tok_start - 1].lower == "the"
                and tokens[us.units[u].tok_start - 2].text == ","
            )
        ]  # fmt: skip
        # "Bourg-lès-Valence, a neighbour of Valence, and Rustavi": a name in an aside
        # that describes the member before it is no member
        units = [units[0]] + [u for u in units[1:] if not _in_described_aside(us.units[u], tokens)]
        # "... with Bukhara of Uzbekistan, and Yiyang and Ndola ... became": a conjunct
        # that is a verb's subject starts a clause of its own
        for k, u in enumerate(units[1:], 1):
            first_tok = tokens[us.units[u].tok_start]
            if first_tok.dep in ("nsubj", "nsubjpass") or _subject_of_next_verb(
                us.units[u], tokens
            ):
                return units[:k]
            # "... the twin town of Szeged in 1966, and Dubrovnik's partnership with
            # Ravenna ...": a conjunct owning a tie of its own starts a clause of its own
            end = us.units[u].tok_end
            if (
                end + 1 < len(tokens)
                and tokens[end].text in ("'s", "’s")
                and tokens[end + 1].lower in rel_nouns()
            ):
                return units[:k]
            # "Curitiba approves twinning with Coimbra; São Paulo mayor vetoes ...": after
            # a semicolon, a name that modifies the next noun starts a clause of its own
            last_tok = tokens[us.units[u].tok_end - 1]
            if (
                first_tok.i > 0
                and tokens[first_tok.i - 1].text == ";"
                and last_tok.dep in ("compound", "poss", "nmod")
                and last_tok.head > last_tok.i
            ):
                return units[:k]
    if shared_possessive:
        # "Subotica ... became the twin town of Szeged in 1966, and Dubrovnik's
        # partnership with Ravenna": owners sharing the "'s" are joined by commas and
        # "and" alone
        for k in range(len(units) - 1, 0, -1):
            lo, hi = us.units[units[k - 1]].tok_end, us.units[units[k]].tok_start
            if any(t.lower not in (",", "and", "&") for t in tokens[lo:hi]):
                units = units[k:]
                break
    # A possessive conjunct ("the Czech capital's") does not coordinate with plain ones.
    possessive = [u for u in units if _possessive(us.units[u], tokens)]
    if possessive and len(possessive) < len(units) and not shared_possessive:
        return possessive[-1:] if name == "A" else units
    return units


_NAMING_NOUNS = frozenset(
    "village town city port municipality resort district region province county "
    "prefecture oblast commune borough".split()
)


def _apposed_possessor(su: SentenceUnits, u: int, tokens) -> bool:
    """ "Mariana, Ouro Preto's smaller neighbour, ...": the possessor in a description set
    off after another place, which only says what that place is."""
    unit = su.units.units[u]
    s, e = unit.tok_start, unit.tok_end
    if (
        s < 2
        or e >= len(tokens)
        or tokens[s - 1].text != ","
        or tokens[e].lower not in ("'s", "’s")
    ):
        return False
    return u >= 2 and su.units.units[u - 2].kind == "P" and su.units.units[u - 2].tok_end == s - 1


def _in_described_aside(unit: Unit, tokens) -> bool:
    """The place closes ", a neighbour of X" (not ", the town of X", which names one)."""
    s = unit.tok_start
    if s < 3 or tokens[s - 1].lower != "of" or tokens[s - 2].lower in _NAMING_NOUNS:
        return False
    for k in range(s - 2, max(s - 7, 0), -1):
        if tokens[k].text in (",", ";", "(") or tokens[k].lower == "and":
            return False
        if tokens[k].lower in ("a", "an", "another") and tokens[k - 1].text == ",":
            return True
    return False


def _unit_head(unit: Unit, tokens) -> Token:
    """The token of a unit that hangs outside it ("Karabakh" of "Nagorno-Karabakh")."""
    inside = range(unit.tok_start, unit.tok_end)
    return next(
        (tokens[i] for i in inside if tokens[i].head not in inside or tokens[i].head == i),
        tokens[unit.tok_start],
    )


def _named_subject(unit: Unit, tokens) -> bool:
    """The place is its clause's subject, by name or as "the city of X"."""
    tok = tokens[unit.tok_start]
    if tok.dep == "pobj" and tokens[tok.head].lower == "of":
        tok = tokens[tokens[tok.head].head]
    return tok.dep in ("nsubj", "nsubjpass")


_BODIES = frozenset("municipality council government city town mayor people".split())


def _comma_before_and(m: PlaceMention, tokens) -> bool:
    """A bare name (no qualifier of its own) followed by ", and"."""
    k = m.span_end_tok
    return (
        m.span_end_tok == m.tok_end
        and k + 1 < len(tokens)
        and tokens[k].text == ","
        and tokens[k + 1].lower in ("and", "&")
    )


def _subject_of_next_verb(unit: Unit, tokens) -> bool:
    """A name right before a finite verb that has no subject of its own, which the parser
    made a conjunct of the partner before it ("with Xiamen and Swansea suspended ...")."""
    if unit.tok_end >= len(tokens):
        return False
    verb = tokens[unit.tok_end]
    return (
        verb.pos == "VERB"
        and verb.tag in ("VBD", "VBZ")
        and verb.sent == tokens[unit.tok_start].sent
        and not any(
            tokens[k].dep in ("nsubj", "nsubjpass", "expl", "csubj")
            for k in _children_in_sentence(verb, tokens)
        )
    )


def _children_in_sentence(tok: Token, tokens) -> list[int]:
    """The token's dependents, looked for only within its own sentence (a sentence's
    tokens are contiguous), not across the document."""
    lo = tok.i
    while lo > 0 and tokens[lo - 1].sent == tok.sent:
        lo -= 1
    hi = tok.i
    while hi + 1 < len(tokens) and tokens[hi + 1].sent == tok.sent:
        hi += 1
    return [k for k in range(lo, hi + 1) if tokens[k].head == tok.i and k != tok.i]


_KIND_HEADS = frozenset("state province prefecture city town municipality region".split())


def _kinds_subject(tok: Token, tokens) -> bool:
    """ "the states of Gujarat and Guangdong signed ...": the places, named after the
    kind of place that is the subject."""
    of = tokens[tok.head]
    if of.lower != "of" or of.head == of.i:
        return False
    kind = tokens[of.head]
    # (or a conjunct, as the parser may read a second clause's subject: "... became
    # sister cities and the states of Gujarat and Guangdong signed ...")
    return kind.lemma in _KIND_HEADS and kind.dep in ("nsubj", "nsubjpass", "conj")


def _body_of(tok: Token, tokens) -> bool:
    """ "The Provincial Municipality of Cusco and the Spanish city of Santiago de
    Compostela signed ...": the place of a governing body that is the subject acts."""
    prep = tokens[tok.head]
    if tok.dep != "pobj" or prep.lower != "of" or prep.head == prep.i:
        return False
    body = tokens[prep.head]
    return body.lower in _BODIES and body.dep in ("nsubj", "nsubjpass")


def _described_by_possessor(su: SentenceUnits, u: int, tokens) -> int | None:
    """The place unit before ", a county under X's administration": X is named in a
    description set off after that place."""
    units = su.units.units
    end = units[u].tok_end
    if end >= len(tokens) or tokens[end].lower not in ("'s", "’s") or u < 1:
        return None
    k = u - 1
    while k >= 0 and units[k].kind != "P":
        k -= 1
    if k < 0:
        return None
    gap = tokens[units[k].tok_end : units[u].tok_start]
    if (
        len(gap) < 3
        or len(gap) > 8
        or gap[0].text != ","
        or gap[1].lower not in ("a", "an", "the")
        or any(t.text in ",;:" or t.pos in ("VERB", "AUX") for t in gap[1:])
    ):
        return None
    return k


def _acting_side(su: SentenceUnits, a_units, b_units, anchor, rule, tokens) -> list[int]:
    """The A side of a match: the clause's subject rather than the nearest name
    ("Jeonju, the capital of North Jeolla Province, suspended ... with its sister city
    Kanazawa"), unless the rule says otherwise or the name owns the tie."""
    apposed = (
        _described_by_possessor(su, a_units[0], tokens)
        if len(a_units) == 1 and anchor is not None and rule.data.get("subject_a", True)
        else None
    )
    if apposed is not None:
        # "Lingshan County, a county under Qinzhou's administration ..., signed a letter
        # of intent with ...": the place the description is of acts, not its owner
        return [apposed]
    if (
        len(a_units) != 1
        or anchor is None
        or not rule.data.get("subject_a", True)
        # "the Council ... decision to end Kidderminster's twinning with Husum": the
        # possessor owns the tie, whoever acts on it
        or _owns_tie(su.units.units[a_units[0]], anchor, tokens)
        # ("the states of Gujarat and Guangdong signed": the named kinds are the subject)
        or _kinds_subject(tokens[su.units.units[a_units[0]].tok_start], tokens)
    ):
        return a_units
    subj = _subject_place(anchor, tokens, su)
    if subj is None and rule.data.get("subject_before_partner", False):
        subj = _before_partner(a_units[0], tokens, su)
    if (
        subj is None
        and _partner_position(su.units.units[a_units[0]], tokens)
        and _referred_side(anchor, tokens)
    ):
        # "the town's 40-year twinning with Ermont and its partnership with Hennef",
        # "the governorate has been twinned with Xi'an ..., and it maintains a twinning
        # with Mérida": a partner of another tie does not act; an earlier place that
        # is no partner may, or nobody the sentence names
        earlier = [
            u for u in range(a_units[0])
            if su.units.units[u].kind == "P"
            and not _partner_position(su.units.units[u], tokens)
        ]  # fmt: skip
        return earlier[-1:]
    if subj is None or subj in b_units:
        return a_units
    lo, hi = sorted((su.units.units[subj].tok_start, su.units.units[a_units[0]].tok_start))
    if any(t.text == ";" for t in tokens[lo:hi]):
        # "A and B become partner cities; C and D sign twinning agreement": a headline's
        # second clause has its own subject, however the parser joins them
        return a_units
    # A subject that is the partner itself comes from a misparse ("..., whose own twin,
    # Schongau, is also twinned with Abingdon" read as one more verb of "Its link ... was
    # sealed"): keep the named side.
    b_keys = {su.mentions[su.units.units[u].ref].place.key for u in b_units}
    if su.mentions[su.units.units[subj].ref].place.key in b_keys:
        return a_units
    return [subj]


_PARTNER_NOUNS = frozenset("city cities town towns partner partners twin twins".split())


def _where_partners_lie(unit, tokens) -> bool:
    """The name right after "sister cities in": the region the partners are in (a
    town after "a sister city in" may be the partner itself)."""
    i = unit.tok_start
    return i >= 2 and tokens[i - 1].lower == "in" and tokens[i - 2].lower in _PARTNER_NOUNS


_UNNAMED_HEADS = frozenset("city town village municipality port commune district".split())


def _locates_unnamed(unit, tokens) -> bool:
    """The name locates a place left unnamed: "a city in Umbria", "a town in Bavaria"."""
    k = unit.tok_start
    if (
        k >= 4
        and tokens[k - 1].lower == "the"
        and tokens[k - 2].lower == "in"
        and tokens[k - 3].text == ","
        and tokens[k - 4].lower in _UNNAMED_HEADS
        and tokens[k - 4].dep in ("nsubj", "nsubjpass")
    ):
        return True  # "The Chilean city, in the Valparaiso Region ..., is the first ..."
    if (
        k >= 3
        and tokens[k - 1].lower in ("on", "near", "outside")
        and tokens[k - 2].lower in _UNNAMED_HEADS
        and tokens[k - 3].lower == "the"
        and tokens[k - 2].dep in ("nsubj", "nsubjpass")
    ):
        return True  # "the town on Florence's northwestern edge has made its bond with"
    return (
        k >= 3
        and tokens[k - 1].lower == "in"
        and tokens[k - 2].lower in _UNNAMED_HEADS
        and tokens[k - 3].lower in ("a", "an", "another")
    )


def _list_item_start(su: SentenceUnits, at: int, tokens) -> int | None:
    """The token opening the lettered or numbered item ("; (b)", "; ii)") the match at
    unit-text offset `at` lies in, if the sentence runs several items together."""
    end = su.units.units[su.units.unit_at(at)].tok_start
    start = su.units.units[0].tok_start
    for k in range(end - 2, start - 1, -1):
        if tokens[k].text != ";":
            continue
        nxt = [t.text for t in tokens[k + 1 : min(end, k + 4)]]
        if nxt[:1] == ["("] and len(nxt) == 3 and nxt[2] == ")":
            label = nxt[1]  # "; (b)"
        elif len(nxt) >= 2 and nxt[1] == ")":
            label = nxt[0]  # "; ii)"
        else:
            continue
        if len(label) <= 4:
            return k
    return None


def _partner_position(unit, tokens) -> bool:
    """The name is the object of "with", directly or through "the Chinese city of": a
    partner in a tie, not the side that acts ("calling on Saskatchewan to sever its
    twinning" is no partner)."""
    return _partner_at(unit.tok_start, unit.tok_end, tokens) or _after_located_partner(
        unit.tok_start, tokens
    )


def _after_located_partner(start: int, tokens) -> bool:
    """ "the agreements with Jacksonville in the US and Ningbo in China": the parser
    joins the second name to the first one's country; the list goes on all the same."""
    k = start - 1
    if k < 3 or tokens[k].lower != "and":
        return False
    k -= 1 + (tokens[k - 1].lower == ",")
    j = k
    while j > k - 3 and tokens[j].pos == "PROPN":
        j -= 1
    j -= tokens[j].lower == "the"
    if j == k or tokens[j].lower != "in" or tokens[j - 1].pos != "PROPN":
        return False
    end = j
    first = end - 1
    while first > 0 and tokens[first - 1].pos == "PROPN" and tokens[first - 1].dep == "compound":
        first -= 1
    return _partner_at(first, end, tokens)


def _partner_at(start: int, end: int, tokens) -> bool:
    tok = tokens[start]
    # (through the list: "twinned with Cardiff, Saarbrücken and Jacksonville"; not to a
    # name right before a verb of its own, which the parser joins to the list: "ended
    # its partnership with Xiamen and Swansea suspended ...")
    own_verb = end < len(tokens) and tokens[end].pos in ("VERB", "AUX")
    for _ in range(8):
        if tok.dep == "conj" and own_verb:
            return False
        if tok.dep not in ("compound", "conj") or tok.head == tok.i:
            break
        tok = tokens[tok.head]
    if tok.dep == "pobj" and tokens[tok.head].lower == "of":
        noun = tokens[tokens[tok.head].head]  # "the Chinese city of Xi'an"
        if noun.lower in ("respect", "regard"):
            # "supported the recommendation in respect of Nanchang but moved that the
            # twinning with Windhoek be retained": a tie spoken about, not a side
            return True
        if noun.lower not in _PLACE_NOUNS:
            return False
        tok = noun
    return tok.dep == "pobj" and tokens[tok.head].lower == "with"


def _names_the_tie(unit, tokens) -> bool:
    """ "The Severomorsk agreement dates from 1991": a tie named by its partner, the
    story's city being the other side."""
    tok = tokens[unit.tok_end - 1]
    if tok.dep != "compound" or tok.head == tok.i:
        return False
    return tokens[tok.head].lower in rel_nouns()


_REGION_WORDS = frozenset("region province state oblast prefecture county governorate".split())


def _unnamed_town_in(i: int, tokens) -> bool:
    """Token i follows "a city in", with a country's possessive between or not."""
    k = i - 1
    if k >= 1 and tokens[k].lower in ("'s", "’s"):
        k -= 2
    return (
        k >= 2
        and tokens[k].lower == "in"
        and tokens[k - 1].lower in _PLACE_NOUNS
        and tokens[k - 2].lower in ("a", "an", "one")
    )


_PLACE_NOUNS = frozenset("city town capital port municipality district village".split())


def _referred_side(anchor: int, tokens) -> bool:
    """The tie's owner is a pronoun: "its partnership with Hennef", "it maintains a
    twinning with Mérida"."""
    tok = tokens[anchor]
    if any(
        t.head == anchor and t.dep == "poss" and t.lower in ("its", "their")
        for t in tokens[max(0, anchor - 4) : anchor]
    ):
        return True
    for _ in range(4):
        if tok.head == tok.i:
            return False
        tok = tokens[tok.head]
        if tok.pos in ("VERB", "AUX"):
            return any(
                t.head == tok.i and t.dep == "nsubj" and t.lower in ("it", "they")
                for t in tokens[max(0, tok.i - 4) : tok.i]
            )
    return False


def _owned_district(su: SentenceUnits, u: int, tokens) -> int:
    """ "sister cities with Taipei's Xinyi District": the district is the partner, the
    city that owns it only says where it lies."""
    units = su.units.units
    if (
        u + 2 < len(units)
        and units[u + 1].kind == "W"
        and tokens[units[u + 1].tok_start].lower in ("'s", "’s")
        and units[u + 2].kind == "P"
        and su.mentions[units[u + 2].ref].place.kind == "district"
        and su.mentions[units[u].ref].place.kind == "city"
    ):
        return u + 2
    return u


def _gapped(su: SentenceUnits, b_units: list[int], tokens):
    """ "Äänekoski is twinned with Ludvika and Laukaa with Borgholm": a conjunct followed
    by "with <place>" starts a clause whose verb is left out, so it is a new subject and
    no partner of the first."""
    units = su.units.units
    for k, u in enumerate(b_units[1:], 1):
        w = u + 1
        if (
            w + 1 < len(units)
            and units[w].kind == "W"
            and tokens[units[w].tok_start].lower == "with"
            and units[w + 1].kind == "P"
        ):
            return b_units[:k], [(u, w + 1)]
    return b_units, []


_MONTH_WORDS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april "
    "june july august september october november december".split()
)


def _dateline_place(unit: Unit, tokens) -> bool:
    """ "(ANSA) - TURIN, NOV 15 - The town of Savigliano signed ...": where the wire
    filed from is no side of the story's ties."""
    first = tokens[unit.tok_start]
    k = unit.tok_end
    if (
        k + 3 < len(tokens)
        and tokens[k].text == "("
        and tokens[k + 2].text == ")"
        and tokens[k + 3].text in _DASHES
        and (
            unit.tok_start == 0
            or "\n" in tokens[unit.tok_start - 1].text
            or tokens[unit.tok_start - 1].sent != first.sent
        )
    ):
        # "Oslo (AFP) - The Norwegian town of Hamar has suspended ...", but not "CHICAGO
        # (AP) - Chicago Sister Cities International said ...", the city's own body
        after = tokens[k + 4].lower if k + 4 < len(tokens) else ""
        return after != first.lower
    if not (first.text.isupper() and len(first.text) > 2):
        return False
    if k + 1 >= len(tokens) or tokens[k].text != ",":
        return False
    nxt = tokens[k + 1]
    return nxt.lower.rstrip(".") in _MONTH_WORDS or nxt.text[:1].isdigit()


_APPOSED_HEADS = frozenset("village town hamlet resort port suburb commune".split())


def _opening_frame(unit: Unit, tokens) -> bool:
    """ "In Northumberland, ...": a place opening its sentence after "In", set off by a
    comma."""
    i, j = unit.tok_start, unit.tok_end
    return (
        i >= 1
        and tokens[i - 1].lower == "in"
        and (i == 1 or tokens[i - 1].sent != tokens[i - 2].sent)
        and j < len(tokens)
        and tokens[j].text == ","
    )


def _apposed_elsewhere(su: SentenceUnits, u: int, tokens) -> bool:
    """ "partnership with Russian spa town, Mariánské Lázně cuts ties": a town of
    another country after the comma is no apposition of the noun, it opens a clause."""
    units = su.units.units
    if u < 3 or tokens[units[u - 1].tok_start].text != ",":
        return False
    country = su.mentions[units[u].ref].place.country
    for k in range(u - 2, max(u - 6, -1), -1):
        if units[k].kind == "P" or tokens[units[k].tok_start].text in (",", ";"):
            return False
        if units[k].kind == "D":
            return units[k].ref != country
    return False


_PLURAL_TOWNS = frozenset("cities towns municipalities villages ports communes".split())


def _names_a_thing(unit: Unit, tokens) -> bool:
    if _dateline_place(unit, tokens):
        return True
    first, last = tokens[unit.tok_start], tokens[unit.tok_end - 1]
    if last.i + 1 < len(tokens) and tokens[last.i + 1].lower in _PLURAL_TOWNS:
        return True  # "agreements with three Sakhalin cities, ...": where the towns lie
    if last.lower in _REGION_WORDS and _unnamed_town_in(first.i, tokens):
        return True  # "a city in Ghana's Ashanti Region": where an unnamed town lies
    if (
        first.i > 1
        and tokens[first.i - 1].lower == "the"
        and tokens[first.i - 2].text == ","
        and last.i + 1 < len(tokens)
        and tokens[last.i + 1].lower in _APPOSED_HEADS
    ):
        return True  # "Street, the Somerset village best known for ...": where it lies
    if not (
        first.i > 0
        and tokens[first.i - 1].lower in ("a", "an")
        and last.dep == "compound"
        and last.head > last.i
    ):
        return False
    # "a Winnipeg city councilor", "a Melbourne City Council official" speak for the city
    own = cues()["after_place"]
    return not any(
        t.lower in own or t.lower.rstrip("s") in own or t.lower + "s" in own
        for t in tokens[last.i + 1 : last.head + 1]
    )


def _respectively(su: SentenceUnits, b_units: list[int], tokens) -> bool:
    if len(b_units) < 2:
        return False
    # "with Liepāja and Palanga in 1992 and 1996 respectively", "with Cabo Frio and
    # Paraty, in that order,"
    after = su.units.units[b_units[-1]].tok_end
    words = []
    for t in tokens[after : after + 10]:
        if t.text in (";", ".") or t.sent != tokens[after - 1].sent:
            break
        words.append(t.lower)
    text = " ".join(words)
    return "respectively" in words or "in that order" in text or "in the same order" in text


_JOINING = frozenset("add join follow come".split())


def _joined_partner(tok: Token, tokens) -> bool:
    """The subject of "was added", "joined", "followed": a partner joining a list."""
    return tok.dep in ("nsubj", "nsubjpass") and tokens[tok.head].lemma in _JOINING


def _owner_of_partner(found: dict, m: PlaceMention) -> PlaceMention:
    """The owner of the pair just found whose partner this very mention is ("X's sister
    city is Y, and its Chinese partner is Z": "its" is X's), else the mention itself."""
    return next((r.a for r in found.values() if r.b is not None and r.b.start == m.start), m)


def _above(anchor: int, tokens) -> set[int]:
    """The tie noun and the heads above it."""
    return {t.i for t in ancestors(anchor, tokens, 12)} | {anchor}


def _owns_tie(unit: Unit, anchor: int, tokens) -> bool:
    """A possessor whose noun holds the tie ("Kidderminster's twinning with Husum"), not
    one in an aside ("Qingdao, which is Kiel's sister city, has partnered with Genoa")."""
    if not _possessive(unit, tokens):
        return False
    above_anchor = _above(anchor, tokens)
    for t in ancestors(unit.tok_end - 1, tokens, 8):
        if t.i in above_anchor:
            return True
        if t.dep == "relcl":
            return False
    return True


def _possessive(unit: Unit, tokens) -> bool:
    nxt = unit.tok_end
    return nxt < len(tokens) and tokens[nxt].lower in ("'s", "’s", "'", "’")


def _all_matches(regex: re.Pattern, us: UnitString):
    """Matches starting at every unit, so overlapping statements are all found."""
    seen = set()
    for off in us.offsets:
        m = regex.match(us.text, off)
        if m is None:
            continue
        sig = tuple(m.span(g) for g in range(1, (m.re.groups or 0) + 1))
        if sig in seen:
            continue
        seen.add(sig)
        yield m


_SUBJECT_PATH = frozenset(
    "dobj pobj prep pcomp attr acl xcomp ccomp advcl conj npadvmod oprd compound".split()
)


_INSTITUTIONS = frozenset(
    "university college school port company firm business airline airport hospital museum "
    "club orchestra bank".split()
)


def _institution_subject(anchor: int, tokens, su: SentenceUnits) -> bool:
    """The first subject above the tie noun is a kind of institution, no town:
    "Ports boast of their ties with Rotterdam", "Universities sign agreements with ..."."""
    subject = _first_subject(anchor, tokens, su)
    return (
        subject is not None
        and subject.dep == "nsubj"
        and subject.pos == "NOUN"
        and subject.lemma.lower() in _INSTITUTIONS
    )


_BODY_SUBJECTS = frozenset(
    "council councils councillors councilors council-members members assembly aldermen "
    "commissioners supervisors legislators deputies".split()
)


def _body_subject(anchor: int, tokens, su: SentenceUnits) -> bool:
    """The first subject above the tie noun is a council's members ("councillors")."""
    subject = _first_subject(anchor, tokens, su)
    return subject is not None and subject.lower in _BODY_SUBJECTS


def _first_subject_unit(anchor: int, tokens, su: SentenceUnits) -> int | None:
    """The place unit holding the first subject above the tie noun, or None when that
    subject is no place (or there is none)."""
    subject = _first_subject(anchor, tokens, su)
    if subject is None:
        return None
    for k, u in enumerate(su.units.units):
        if u.kind == "P" and u.tok_start <= subject.i < u.tok_end:
            return k
    return None


def _owned_ties(anchor: int, tokens) -> bool:
    """The tie noun is plural and owned: "its ties", "the city's partnerships"."""
    noun = tokens[anchor]
    if noun.tag != "NNS" or any(
        t.lower == "respectively" for t in tokens[anchor : anchor + 30] if t.sent == noun.sent
    ):
        return False  # ("ended their agreements with Yangzhou and Novorossiysk respectively")
    return any(
        t.head == anchor and t.dep == "poss" and (t.lower in ("its", "their") or t.lower == "city")
        for t in tokens[max(0, anchor - 4) : anchor]
    )


def _label(t: Token, tokens) -> bool:
    """A field's label the parser took for a subject ("Background: ...")."""
    return t.i + 1 < len(tokens) and tokens[t.i + 1].text == ":"


def _first_subject(anchor: int, tokens, su: SentenceUnits) -> Token | None:
    """The subject of the first verb above the tie noun that has one."""
    tok = tokens[anchor]
    first, last = su.units.units[0].tok_start, su.units.units[-1].tok_end
    for _ in range(12):
        if tok.pos in ("VERB", "AUX"):
            subject = next(
                (
                    t for t in tokens[first:last]
                    if t.head == tok.i and t.dep in ("nsubj", "nsubjpass")
                    and not _label(t, tokens)
                ),
                None,
            )  # fmt: skip
            if subject is not None:
                return subject
        if tok.head == tok.i:
            return None
        tok = tokens[tok.head]
    return None


def _subject_place(anchor: int, tokens, su: SentenceUnits) -> int | None:
    """The place unit that is the subject of the clause holding the relationship noun.

    Walks up from the noun to its verb (and from a coordinated verb to the first one:
    "The city is ... and has a friendship agreement with Y"), then reads the verb's
    subject; a subject like "the Wagga Wagga city council" yields its place.
    """
    units = su.units.units
    unit_of: dict[int, int] = {}
    for k, u in enumerate(units):
        if u.kind == "P" and not _dateline_place(u, tokens):
            m = su.mentions[u.ref]
            for i in range(m.tok_start, m.tok_end):
                unit_of[i] = k
    tok = tokens[anchor]
    first, last = units[0].tok_start, units[-1].tok_end
    for _ in range(8):
        if tok.pos in ("VERB", "AUX"):
            subjects = [
                t for t in tokens[first:last] if t.head == tok.i and t.dep in ("nsubj", "nsubjpass")
            ]
            # A misparsed dateline ("LONDON, March 3 (Reuters) - Oxford said") can hang a
            # second subject on the verb: not the subject.
            # (nor a field label: "Background: Sør-Varanger has a twinning agreement")
            if len(subjects) > 1 and (subjects[0].text.isupper() or _label(subjects[0], tokens)):
                subjects = subjects[1:]
            subject = subjects[0] if subjects else None
            if (
                subject is not None
                and subject.i > 0
                and tokens[subject.i - 1].lower in ("in", "at")
                and subject.i + 1 < len(tokens)
                and tokens[subject.i + 1].text == ","
            ):
                # "In Perak, Ipoh City Council voted ...": the parser makes the place the
                # sentence opens on the subject and the real one its conjunct
                conj = [
                    t
                    for t in tokens[subject.i + 1 : last]
                    if t.head == subject.i and t.dep == "conj"
                ]
                subject = conj[0] if conj else subject
            if subject is not None and not (
                subject.pos == "PRON" and subject.lower in ("they", "it", "we")
            ):
                found = _place_in_phrase(subject, tokens, unit_of)
                k = units[found].tok_start if found is not None else -1
                if k >= 0 and _listed_partner(k, tokens):
                    # "Napier's other sister cities, Victoria ... and Tomakomai ..., have
                    # remained active, and the council also maintains ...": the owner
                    # of the partners listed
                    owner = next(
                        (
                            unit_of[t.i - 1] for t in tokens[max(0, k - 7) : k - 2]
                            if t.lower in ("'s", "’s") and t.i - 1 in unit_of
                        ),
                        None,
                    )  # fmt: skip
                    return owner
                if found is None and tok.dep == "conj" and _city_anaphor(subject, tokens):
                    # "Ballarat has been twinned with Inagawa since 1988, and the city is
                    # now seeking an agreement with Yakima": the first clause's city
                    tok = tokens[tok.head]
                    continue
                return found
            if subjects:
                # "Officials from Zapopan ... said they plan to establish ...": the
                # pronoun's clause hangs under the one that names them.
                if tok.head == tok.i:
                    return None
                tok = tokens[tok.head]
                continue
            if tok.dep == "conj":
                tok = tokens[tok.head]
                continue
            if tok.dep == "xcomp":
                # "Kharkiv asked Bologna to suspend its relationship with Yekaterinburg":
                # the one asked to act is the infinitive's subject
                asked = _asked_place(tokens[tok.head], tokens, unit_of)
                if asked is not None:
                    return asked
        if tok.dep == "conj" and tok.pos == "NOUN" and tokens[tok.head].pos in ("VERB", "AUX"):
            # "has a twinning agreement with X, signed in 1994, and a friendship agreement
            # with Y": the second object, misparsed as a conjunct of the verb, is the verb's
            tok = tokens[tok.head]
            continue
        if tok.dep not in _SUBJECT_PATH or tok.head == tok.i:
            return None
        tok = tokens[tok.head]
    return None


def _asked_place(verb: Token, tokens, unit_of: dict[int, int]) -> int | None:
    """The place a verb asks to act: its object ("urged Leipzig to end"), or the
    object of "on" ("called on Leipzig to end")."""
    for t in tokens[verb.i + 1 : verb.i + 8]:
        if t.head != verb.i:
            continue
        if t.dep == "dobj":
            return _place_in_phrase(t, tokens, unit_of)
        if t.dep == "prep" and t.lower == "on":
            obj = next((o for o in tokens[t.i + 1 : t.i + 6] if o.head == t.i), None)
            return None if obj is None else _place_in_phrase(obj, tokens, unit_of)
    return None


_CITY_ANAPHORS = frozenset("city town municipality council borough village".split())


def _city_anaphor(subject: Token, tokens) -> bool:
    """ "the city", "the municipality": a subject standing for a city named before."""
    return subject.lemma in _CITY_ANAPHORS and any(
        t.head == subject.i and t.lower == "the" for t in tokens[max(0, subject.i - 3) : subject.i]
    )


def _before_partner(ua: int, tokens, su: SentenceUnits) -> int | None:
    """ "Riverside, which ... signed an agreement with Sendai, now counts seven sister
    cities, including ...": a place named as a partner ("with Sendai") is not the one
    whose partners are listed; the sentence's first place is, when it is no partner."""
    units = su.units.units
    if tokens[tokens[units[ua].tok_start].head].lower not in ("with", "to"):
        return None
    first = next((k for k, u in enumerate(units) if u.kind == "P"), None)
    if first is None or first >= ua:
        return None
    if tokens[tokens[units[first].tok_start].head].lower in ("with", "to", "and"):
        return None
    return first


_LOCATORS = frozenset(
    "north south east west northeast northwest southeast southwest near outside".split()
)


def _unit_end(t: Token, tokens, unit_of: dict[int, int]) -> int:
    """The token right after the place unit holding token `t`."""
    k = t.i
    while k + 1 < len(tokens) and unit_of.get(k + 1) == unit_of[t.i]:
        k += 1
    return min(k + 1, len(tokens) - 1)


def _place_in_phrase(head, tokens, unit_of: dict[int, int]) -> int | None:
    if head.i in unit_of:
        return unit_of[head.i]
    if head.lower in ("which", "that") and tokens[head.head].dep == "relcl":
        # "Otaru, the port city west of Sapporo, which announced ...": the clause is
        # said of the place described, not of the one that locates it
        ante = tokens[tokens[head.head].head]
        prep = tokens[ante.head]
        if ante.dep == "pobj" and prep.lower == "of" and tokens[prep.head].lower in _LOCATORS:
            return _place_in_phrase(tokens[tokens[prep.head].head], tokens, unit_of)
        if ante.dep == "pobj" and prep.lower in _LOCATORS:  # "the town near Sapporo, which"
            return _place_in_phrase(tokens[prep.head], tokens, unit_of)
        located = tokens[prep.i - 1] if ante.dep == "pobj" and prep.lower == "in" else None
        if (
            located is not None
            and located.dep == "pobj"
            and tokens[located.head].lower in _LOCATORS
        ):
            # "Saint-Jean-de-Braye, near Orléans in France, which paused ...": past the
            # locator's own country, the place it locates
            return _place_in_phrase(tokens[tokens[located.head].head], tokens, unit_of)
        described = tokens[prep.head]
        if (
            ante.dep == "pobj"
            and prep.lower == "in"
            and described.dep == "appos"
            and described.lemma in _PLACE_NOUNS
        ):
            # "Pingyao, the walled town in Shanxi Province, which marked 10 years of
            # sisterhood with Andong": the town described, not its province
            return _place_in_phrase(tokens[described.head], tokens, unit_of)
    # "the Wagga Wagga city council", "Officials from Zapopan": a place inside the subject.
    inside = [
        t for t in tokens[max(0, head.i - 6) : head.i + 4]
        if t.i in unit_of and (t.head == head.i or tokens[t.head].head == head.i)
    ]  # fmt: skip
    # ("Istanbul's Üsküdar district municipality": the district's, not its city's)
    own = [t for t in inside if tokens[_unit_end(t, tokens, unit_of)].lower not in ("'s", "’s")]
    if head.lower in _UNNAMED_HEADS:
        # "the South Florida city of Weston suspended ...": the city named after "of",
        # not the region that describes it
        named = [t for t in own if t.dep == "pobj" and tokens[t.head].lower == "of"]
        own = named or own
    if own or inside:
        return unit_of[(own or inside)[0].i]
    for t in tokens[max(0, head.i - 6) : head.i + 4]:
        if t.head == head.i and t.lower == "of":
            # "The council of Saint-Méen-le-Grand, a town west of Rennes, voted": a long
            # name's head word lies beyond the window, the locator's within it
            obj = next((o for o in tokens[t.i + 1 : t.i + 10] if o.head == t.i), None)
            if obj is not None and obj.dep == "pobj" and obj.i in unit_of:
                return unit_of[obj.i]
    for t in tokens[head.i + 1 : head.i + 12]:
        if t.head == head.i and t.dep == "appos" and t.i in unit_of:
            # "HEFEI, Oct. 20 (Xinhua) -- Wuhu, a manufacturing hub ..., established":
            # the parser makes the dateline the subject and the city its apposition
            return unit_of[t.i]
    if head.lower in cues()["place_heads"]:
        # 'Jingdezhen, the "porcelain capital" in ..., signed': the description's name
        # stands before it, set off by a comma (the parser may hang it elsewhere).
        first = min((t.i for t in tokens[max(0, head.i - 6) : head.i] if t.head == head.i),
                    default=head.i)  # fmt: skip
        if first >= 2 and tokens[first - 1].text == "," and first - 2 in unit_of:
            return unit_of[first - 2]
    return None


def _national_relations(rm: RelationMention, tokens) -> bool:
    """ "as relations between Stockholm and Beijing sink": plain "relations" between two
    places are as often their governments' (see without_governments); they lend no side
    to a tie told after them."""
    return not rm.strong and rm.anchor is not None and tokens[rm.anchor].lower == "relations"


def _paragraph_opening(parsed: Parsed, s: int):
    """The first sentence of sentence `s`'s paragraph, when `s` is not that sentence."""
    para = parsed.sentences[s].paragraph
    first = s
    while first > 0 and parsed.sentences[first - 1].paragraph == para:
        first -= 1
    return None if first == s else parsed.sentences[first]


def _run_in_head(parsed: Parsed, places: Places, s: int) -> PlaceMention | None:
    """ "Crawley. A motion to end the twinning with Dorsten ...": the town named alone as
    the paragraph's run-in heading is the one the paragraph is about."""
    head = _paragraph_opening(parsed, s)
    if head is None:
        return None
    named = [m for m in places.mentions if head.start <= m.start < head.end and m.tok_start >= 0]
    label = parsed.text[head.start : head.end].strip().rstrip(".:")
    if len(named) == 1 and named[0].text == label:
        return named[0]
    return None


_OWNS_PARTNERS = re.compile(
    r"\s+(?:has|had|have)\s+(?:(?:since|also|now|so\s+far)\s+)?(?:added|signed|acquired|gained)"
    r"\s+(?:[\w-]+\s+){0,3}?(?:twin|sister|partner|friendship)[ -](?:towns|cities|states)\b"
    # ("Karlovy Vary has an unusually international list of partners. Besides ...")
    r"|\s+(?:has|had|have)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?(?:list|network|family|circle)\s+of"
    r"\s+(?:[\w-]+\s+)?(?:partners|(?:twin|sister|partner|friendship)[ -](?:towns|cities))\b"
)


def _paragraph_owner(parsed: Parsed, places: Places, s: int) -> PlaceMention | None:
    """ "Des Moines has since added five more sister cities. Two were signed in 1985:
    ... Stavropol followed in 1992": the place whose partners the paragraph opens on."""
    head = _paragraph_opening(parsed, s)
    if head is None:
        return None
    opener = next(
        (m for m in places.mentions if head.start <= m.start < head.end and m.tok_start >= 0),
        None,
    )
    if opener is None or parsed.text[head.start : opener.start].strip():
        return None
    return opener if _OWNS_PARTNERS.match(parsed.text, opener.end) else None


def _owner_just_named(
    parsed: Parsed, places: Places, s: int, out, partner: Place
) -> PlaceMention | None:
    """ "Not every proposal has found support in Žabovřesky. Last year, two councillors
    proposed a partnership with the Shevchenkivskyi district of Lviv": the one place the
    sentence before (in the paragraph) names, when it holds a tie of its own already."""
    if s == 0 or parsed.sentences[s - 1].paragraph != parsed.sentences[s].paragraph:
        return None
    here = parsed.sentences[s]
    first = min(
        (m.start for m in places.mentions
         if m.place.key == partner.key and here.start <= m.start < here.end),
        default=here.end,
    )  # fmt: skip
    if any(
        t.pos == "PROPN" and t.start < first and t.ent_type not in ("DATE", "TIME")
        for t in parsed.tokens[here.tok_start : here.tok_end]
    ):
        return None  # (the sentence names someone or somewhere of its own first; not
        # a day: "At Tuesday's session, the assembly decided that its partnership ...")
    prev = parsed.sentences[s - 1]
    named = [
        m for m in places.mentions
        if prev.start <= m.start < prev.end and m.tok_start >= 0 and not m.in_org
    ]  # fmt: skip
    if len({m.place.key for m in named}) != 1 or named[0].place.key == partner.key:
        return None
    owners = {rm.a.place.key for rm in out if rm.b is not None}
    # (or the sentence's subject, opening it: "Vadsø chose a middle path. Kandalaksha,
    # its partner on the Kola Peninsula since 1992, is not being dropped")
    # (not a partner joining a chain: "Opole in southern Poland followed the same year.
    # Florianópolis ... joined in 1996")
    partners = {rm.b.place.key for rm in out if rm.b is not None}
    opening = (
        named[0].tok_start == prev.tok_start
        and parsed.tokens[named[0].tok_start].dep in ("nsubj", "nsubjpass")
        and named[0].place.key not in partners
    )
    return named[0] if named[0].place.key in owners or opening else None


def _previous_a(out, partner: Place, parsed: Parsed, s: int, focal: Place | None, before: int = -1):
    """The first place of the last pair named in this paragraph or the two before (or
    earlier in the sentence, up to `before`); the document's own city when one of those
    pairs has it, else the place the last two share ("Munich, Edinburgh's twin city ...;
    Florence, twinned with Edinburgh ...; and Kraków, a twin since 1995")."""
    para = parsed.sentences[s].paragraph
    near = [
        rm for rm in out
        if rm.b is not None
        and (rm.sentence < s or (rm.sentence == s and rm.end <= before))
        and parsed.sentences[rm.sentence].paragraph >= para - 4
        and not _national_relations(rm, parsed.tokens)
    ]  # fmt: skip
    for rm in reversed(near):
        # "MOTION: ... to terminate the relationship between Bellingham and Nakhodka ...
        # SUBSTITUTE MOTION: ... to suspend all sister city activities with Nakhodka":
        # the partner's side of the pair named just before (minutes run a line a
        # paragraph).
        if partner.key == rm.b.place.key:
            return rm.a
        if partner.key == rm.a.place.key:
            return rm.b
    sides = {
        (rm.a if rm.b.place.key == partner.key else rm.b).place.key: rm
        for rm in out
        if rm.b is not None
        and rm.sentence < s
        and partner.key in (rm.a.place.key, rm.b.place.key)
        and not _national_relations(rm, parsed.tokens)
    }
    if len(sides) == 1:
        # "in Rovigo, an attempt to cut ties with Tver has failed ... (six paragraphs on)
        # A motion ... to end its twinning with Tver": a partner the story paired with
        # one city only is still that city's
        (rm,) = sides.values()
        return rm.a if rm.b.place.key == partner.key else rm.b
    recent = [
        rm for rm in near if parsed.sentences[rm.sentence].paragraph >= para - 2
    ]  # a heading between
    if focal is not None:
        for rm in reversed(recent):
            for side in (rm.a, rm.b):
                if side.place.key == focal.key:
                    return side
    if len(recent) >= 2:
        last, prev = recent[-1], recent[-2]
        shared = [
            x for x in (last.a, last.b) if x.place.key in (prev.a.place.key, prev.b.place.key)
        ]
        if shared:
            return shared[0]
    if not recent:
        return None
    # "Lancieux ... was twinned with Whitehorse in 1993. Ushiku ... joined in 2002": the
    # side with more partners is the one whose list goes on
    last = recent[-1]
    return (
        last.b if _partner_count(out, last.b.place) > _partner_count(out, last.a.place) else last.a
    )


def _partner_count(out, place: Place) -> int:
    return len(
        {
            (rm.b if rm.a.place.key == place.key else rm.a).place.key
            for rm in out
            if rm.b is not None and place.key in (rm.a.place.key, rm.b.place.key)
        }
    )


_OWN_WORDS = frozenset(
    "city town council municipality borough village county district shire prefecture "
    "province state region capital "
    # "Hamamatsu and Porto Alegre renewed their cities' friendship agreement"
    "cities towns municipalities communities "
    # "Coventry and Stalingrad became the world's first twin cities"
    "world".split()
)


def _owned_by_other(anchor: int, tokens, su: SentenceUnits) -> bool:
    """The tie noun has a possessor that is no place and no pronoun ("the government's
    relations", "the university's partnerships"; not "the city's ties")."""
    places = {i for u in su.units.units if u.kind == "P" for i in range(u.tok_start, u.tok_end)}
    lo = max(0, anchor - 6)
    return any(
        t.head == anchor
        and t.dep == "poss"
        # "Detroit Metro Airport's nonstop ties with Tokyo": a named institution's; "the
        # Welsh Government's cultural memorandum with the Province of Chubut": a
        # nation's (not "the Hamburg Government's", a city's own)
        and (
            t.pos == "NOUN"
            or (t.pos == "PROPN" and t.lower in cues()["institution_words"])
            or (
                t.pos == "PROPN"
                and t.lower in ("government", "ministry")
                and not any(k in places for k in range(max(0, t.i - 4), t.i))
            )
        )
        and t.i not in places
        and t.lower not in _OWN_WORDS
        for t in tokens[lo:anchor]
    )


def _co_partners(a: Place, b: Place, out, su: SentenceUnits, tokens) -> bool:
    """ "Durham and Kristiansand have been sister cities since 1990 and 2002
    respectively": two partners of a city named before, each with its own year, are not
    each other's."""
    words = {tokens[u.tok_start].lower for u in su.units.units if u.kind == "W"}
    if "respectively" not in words:
        return False
    partners_of: dict[str, set[str]] = defaultdict(set)
    for rm in out:
        if rm.b is not None:
            partners_of[rm.a.place.key].add(rm.b.place.key)
    return any({a.key, b.key} <= keys for keys in partners_of.values())


def _second_telling(first: RelationMention, anchor: int | None, tokens) -> bool:
    """A second relationship noun for a pair already found in the sentence, in a clause of
    its own (its events are its own)."""
    if anchor is None or first.anchor is None or anchor == first.anchor:
        return False
    a, b = tokens[anchor], tokens[first.anchor]
    if a.head == b.i or b.head == a.i:
        return False  # "the sister city agreement", one tie in two words
    return _clause_head(a.i, tokens) != _clause_head(b.i, tokens)


def _clause_head(i: int, tokens) -> int:
    tok = tokens[i]
    for _ in range(30):
        if tok.head == tok.i or tok.pos in ("VERB", "AUX") and tok.dep != "amod":
            return tok.i
        tok = tokens[tok.head]
    return tok.i


def _already_paired_with(found: dict, place: Place, anchor: int | None) -> bool:
    """The same relationship noun already pairs this place (a rule found both sides:
    "and Kitakyushu and Dalian followed in 1979")."""
    return any(
        rm.anchor == anchor and rm.b is not None and place.key in (rm.a.place.key, rm.b.place.key)
        for rm in found.values()
    )


_LISTED_TIES = frozenset("cities towns partners twins municipalities".split())


def _listed_partner(k: int, tokens) -> bool:
    """The name at token `k` is set off after a town's partners ("Napier's other sister
    cities, Victoria ..."): one of those partners, no owner of a tie."""
    return k >= 2 and tokens[k - 1].text == "," and tokens[k - 2].lower in _LISTED_TIES


_BETWEEN_THEM = re.compile(r"\s+between (?:them|themselves)\b")


def _not_civic(r_units: list[int], us: UnitString, tokens, strong_words) -> bool:
    """ "the rail link between X and Y", "direct flight ties": a link of transport or
    trade joins places, not councils (unless said with sister-city words)."""
    if not r_units:
        return False
    words = [tokens[us.units[u].tok_start].lower for u in r_units if us.units[u].kind == "W"]
    first = tokens[us.units[r_units[0]].tok_start]
    return (
        not any(w in strong_words for w in words)
        and first.i > 0
        and tokens[first.i - 1].lower in _NOT_CIVIC
    )


def _anchor(r_units: list[int], us: UnitString, tokens, strong_words) -> tuple[bool, int | None]:
    if not r_units:
        return True, None
    words = [tokens[us.units[u].tok_start].lower for u in r_units if us.units[u].kind == "W"]
    strong = any(w in strong_words for w in words)
    # The relationship noun is the last word of the phrase ("sister city relationship").
    anchor = None
    for u in reversed(r_units):
        if us.units[u].kind == "W" and tokens[us.units[u].tok_start].text not in ("-", "/"):
            anchor = us.units[u].tok_start
            break
    if (
        anchor is not None
        and anchor >= 2
        and tokens[anchor - 1].lower == "of"
        and tokens[anchor - 2].lower in ("memorandum", "memoranda", "letter", "letters")
    ):
        # "memorandum of understanding", "letter of intent": the head noun comes first
        anchor -= 2
    return strong, anchor


_NOT_CIVIC = frozenset(
    "rail railway train road bus coach flight air ferry shipping trade business transport "
    "highway motorway bridge tunnel pipeline cable fibre fiber freight research academic "
    "university school hospital sporting football commercial industrial transatlantic "
    "transpacific aviation airline airlines cargo container maritime flights "
    # ("Honiara's own security pact with Beijing": a state's policy, no twinning)
    "security defence defense military policing police intelligence fisheries "
    # ("the political relationship between New Delhi and Beijing": two governments')
    "political diplomatic strategic".split()
)
_KIND_WORDS = (
    ("twin", ("twin", "twins", "twinned", "twinning", "twin-town", "twin-city")),
    ("friendship", ("friendship", "friendly")),
    ("sister", ("sister", "sister-city", "sistercity", "brother", "sibling")),
    ("partner", ("partner", "partners", "partnership", "partnerships")),
)


def _kind(r_units: list[int], us: UnitString, tokens, default: str) -> str:
    words = {tokens[us.units[u].tok_start].lower for u in r_units if us.units[u].kind == "W"}
    for kind, vocab in _KIND_WORDS:
        if words & set(vocab):
            return kind
    return default


def _span(us: UnitString, m: re.Match, tokens) -> tuple[int, int]:
    covered = us.units_in(m.start(), m.end())
    first = us.units[covered[0]]
    last = us.units[covered[-1]]
    return tokens[first.tok_start].start, tokens[last.tok_end - 1].end


def _pair_key(a: Place, b: Place) -> tuple:
    return tuple(sorted((a.key, b.key)))


_SELECT = frozenset("select choose pick find identify match settle recommend propose".split())


def without_governments(
    parsed: Parsed, mentions: list[RelationMention], is_capital: Callable[[Place], bool]
) -> list[RelationMention]:
    """ "Relations between Canberra and Beijing have deteriorated": two national capitals
    whose "relations" are not called sister or twin ties are their governments."""

    def governments(m: RelationMention) -> bool:
        if m.strong or m.b is None or m.anchor is None or m.a.place.country == m.b.place.country:
            return False
        if parsed.tokens[m.anchor].lower != "relations":
            return False
        if any(t.lower in strong for t in parsed.tokens[max(0, m.anchor - 3) : m.anchor]):
            return False  # "Islamabad has sister city relations with Beijing"
        return is_capital(m.a.place) and is_capital(m.b.place)

    strong = set(lexicon()["strong_words"])

    return [m for m in mentions if not governments(m)]


def fill_partials(
    parsed: Parsed, places: Places, relations: list[RelationMention]
) -> list[RelationMention]:
    """A sought partner named later becomes the other side of the pair.

    "the city of Liyang was allowed to seek a U.S. sister city ... She selected the city
    of Columbia, Maryland": a place of the sought country that a later sentence of the
    same paragraph (or the next) says was selected completes the one-sided relation.
    """
    tokens = parsed.tokens
    out = list(relations)
    for rm in relations:
        if rm.b is not None or rm.country_b is None:
            continue
        para = parsed.sentences[rm.sentence].paragraph
        for m in places.mentions:
            if m.tok_start < 0 or m.in_org or m.place.country != rm.country_b:
                continue
            s = tokens[m.tok_start].sent
            if s <= rm.sentence or parsed.sentences[s].paragraph not in (para, para + 1):
                continue
            verb = _selecting_verb(m.tok_start, tokens)
            if verb is None:
                continue
            out.append(
                RelationMention(
                    rm.a, m, m.place.country, s, None, tokens[verb].start, m.end,
                    "pair.partial_filled", rm.kind, round(rm.confidence * 0.9, 3), rm.strong,
                )
            )  # fmt: skip
            break
    out.sort(key=lambda r: (r.start, r.rule_id))
    return out


_ANOTHER = re.compile(r"(?i)\b(?:another|second|third|other|new|further)\b")


# "a city in Liaoning province": a partner placed but left unnamed is not one named
_PLACED_UNNAMED = re.compile(
    r"\b(?:[Aa]|[Aa]n)\s+(?:[\w-]+\s+){0,2}(?:city|town|village|port|municipality|commune)"
    r"\s+(?:in|of)\s"
)


def another_partner(parsed: Parsed, rm: RelationMention) -> bool:
    """A one-sided mention that says its partner is another than one named: "talks on a
    friendship agreement with a second, smaller Czech town", "shelved a proposal to sign
    a friendship agreement with a city in Liaoning province" (the story names Harbin)."""
    if rm.b is not None:
        return False
    text = parsed.text[rm.start : rm.end]
    return _ANOTHER.search(text) is not None or _PLACED_UNNAMED.search(text) is not None


_AMONG_TEXT = re.compile(r"(?:\s+[\w-]+)?,\s+(?:among|including)\b")


_SOUGHT_TOWN = re.compile(r"\b(?:city|town|village|port|municipality)\b")


def fold_partials(parsed: Parsed, relations: list[RelationMention]) -> list[RelationMention]:
    """A one-sided mention whose partner the document names: "Bridgnorth to explore
    twinning with Ukrainian town" over a story that pairs Bridgnorth with Berezhany, its
    only Ukrainian partner, is about that pair. With two partners of that country (or
    none) it stays one-sided; so does one said to be another ("talks ... with a second,
    smaller Czech town")."""
    partners: dict[tuple[str, str], dict[str, PlaceMention]] = {}
    # (partners of unknown country: "Beaminster ends its French link" over a story
    # pairing Beaminster with Saint-James, a commune the gazetteer lacks)
    unplaced: dict[str, dict[str, PlaceMention]] = {}
    for r in relations:
        if r.b is None:
            continue
        for own, other in ((r.a, r.b), (r.b, r.a)):
            if other.place.country:
                key = (own.place.key, other.place.country)
                partners.setdefault(key, {}).setdefault(other.place.key, other)
            else:
                unplaced.setdefault(own.place.key, {}).setdefault(other.place.key, other)
    out = []
    for r in relations:
        named = partners.get((r.a.place.key, r.country_b)) if r.b is None else None
        if named is None and r.b is None and r.country_b:
            named = unplaced.get(r.a.place.key)
            named = named if named is not None and len(named) == 1 else None
        if named is not None and _SOUGHT_TOWN.search(parsed.text, r.start, r.end):
            # "shelves proposed sister city pact with Chinese city": a town of that
            # country, not its province the story names as well
            named = {k: m for k, m in named.items() if m.place.kind == "city"} or named
        if named is not None and _AMONG_TEXT.match(parsed.text, r.end):
            # "froze ties with its three Russian partner cities, among them Ivanovo": what
            # is done to them all is done to the one named, and to the others
            out.append(r)
            out.extend(
                replace(r, b=o.b, country_b=o.b.place.country)
                for o in relations
                if o.b is not None and o.sentence == r.sentence and o.start >= r.start
                and o.a.place.key == r.a.place.key and o.b.place.country == r.country_b
            )  # fmt: skip
            continue
        if (
            named is not None
            and (len(named) == 1 or _all_partners(parsed, r))
            and not another_partner(parsed, r)
        ):
            out.extend(
                replace(r, b=partner, country_b=partner.place.country or r.country_b)
                for partner in named.values()
            )
        else:
            out.append(r)
    return out


# "cuts ties with Russian twin towns", "its two Russian partner cities"
_PLURAL_PARTNERS = re.compile(
    r"[^.\n]*?\b(?:twin|sister|partner|friendship|twinned)[ -](?:towns|cities|municipalities)\b"
)


def _all_partners(parsed: Parsed, rm: RelationMention) -> bool:
    """A one-sided mention in the plural speaks of every partner of that country the
    document names ("Luleå cuts ties with Russian twin towns" over a story naming
    Severomorsk and Monchegorsk)."""
    return _PLURAL_PARTNERS.match(parsed.text, rm.start, rm.end + 30) is not None


def _selecting_verb(i: int, tokens) -> int | None:
    tok = tokens[i]
    for _ in range(4):
        if tok.head == tok.i:
            return None
        head = tokens[tok.head]
        if head.pos == "VERB" and head.lemma in _SELECT:
            return head.i
        if tok.dep not in ("dobj", "pobj", "prep", "appos", "compound", "conj"):
            return None
        tok = head
    return None
