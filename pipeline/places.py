"""Recognise and resolve places in parsed text.

The small spaCy model misses or mislabels many cities (Wagga Wagga, Kiel, Qingdao and
Rockhampton come out as PERSON). So a name becomes a place when the gazetteer knows it
*and* the parser or the syntax agrees ("the city of X", "X, Illinois", "X city
council", "its Chinese counterpart, X", "sister city of X"), or when the parser tags it
as a place. Names inside institutions ("Xiamen University") are kept but flagged, and
each name is resolved to one GeoNames entry using its qualifier ("Columbia, Maryland"),
nearby country cues ("In the UK, Newcastle ...") and the document's countries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipeline.gazetteer import City, Gazetteer, alias_choices, capitalised, norm
from pipeline.models import Parsed, Place, PlaceMention, Token
from pipeline.patterns import ENTRY_LINE, rel_nouns
from pipeline.placescan import (
    MONTHS_DAYS,
    NAMESAKE_MAX,
    ROMANCE_PARTICLES,
    WELL_KNOWN_POPULATION,
    DocPlaces,
    council_letterhead,
    cues,
    fuller_name,
    later_cell,
    named_division,
    resolve,
    surname_particle_before,
    title,
    titled_name,
)

PLACE_LABELS = ("GPE", "LOC", "FAC")
_PLURAL_PLACES = frozenset("countries cities nations peoples provinces regions".split())
_UNLISTED_CUES = frozenset(
    (
        "place.city_of", "place.qualified", "place.list_item", "place.neighbour",
        "place.described", "place.discourse",
    )
)  # fmt: skip
_MARKED_CUES = frozenset(("place.apposition", "place.city_of", "place.qualified"))
_OFFICES_AFTER_NAME = frozenset(("governor", "mayor"))
_ITS_BODIES = frozenset(
    "council board mayor government assembly administration councillors councilors "
    "aldermen officials".split()
)
_CITY_BODIES = frozenset("council councillors councilors hall government officials".split())


@dataclass(frozen=True, slots=True)
class CountryMention:
    """A country named ("China") or implied by a demonym ("Chinese")."""

    start: int
    end: int
    tok_start: int
    tok_end: int
    country: str
    demonym: bool


@dataclass(slots=True)
class _Candidate:
    tok_start: int
    tok_end: int  # exclusive
    key: str
    cities: tuple[City, ...]
    divisions: list = field(default_factory=list)
    ner: str = ""  # label of the entity that covers it exactly ("" if none)
    container: str = ""  # label of a larger entity containing it
    container_text: str = ""
    qual_end: int = 0  # token after the qualifiers
    qual_country: str | None = None
    qual_admin1: set = field(default_factory=set)
    qual_parent: City | None = None
    cue: str = ""
    framed: bool = False  # a name the gazetteer lacks, framed as a side of a twinning
    suffix_kind: str = ""  # "district", "county"... when the name carries such a suffix


@dataclass(frozen=True, slots=True)
class Places:
    """All place knowledge about one document."""

    mentions: tuple[PlaceMention, ...]  # in parsed text, in text order
    countries: tuple[CountryMention, ...]  # in parsed text
    context: tuple[PlaceMention, ...]  # every place the string pass found (no tokens)
    focus: tuple[str, ...]  # the document's countries, most mentioned first
    list_items: tuple[tuple[int, int], ...] = ()  # lines of partner lists (see placescan)
    focal: Place | None = None  # the place the document names most often
    # its first mention in the paragraphs that matter (the same whether or not the
    # others were parsed)
    focal_first: PlaceMention | None = None
    section_heads: tuple[tuple[int, int], ...] = ()  # a partner's name as a heading


def recognise(
    parsed: Parsed, gaz: Gazetteer, doc: DocPlaces, relevant: frozenset[int] | None = None
) -> Places:
    """Places in the parsed paragraphs, using what the whole text says about names.

    `relevant` paragraphs (default: all parsed) are those the document's own city is
    judged on, whatever else was parsed.
    """
    scan = doc.scan
    tokens = parsed.tokens
    by_start = {t.start: t.i for t in tokens}
    by_end = {t.end: t.i for t in tokens}
    ent_at: dict[int, tuple] = {}
    for ent in parsed.entities:
        end = ent.tok_end
        while end - ent.tok_start > 1 and tokens[end - 1].text in ("'s", "’s"):
            end -= 1  # ("Kutná Hora's", a PERSON to the tagger with its "'s")
        for i in range(ent.tok_start, end):
            ent_at[i] = (ent.label, ent.tok_start, end, ent.text)

    candidates: dict[tuple[int, int], _Candidate] = {}
    countries: list[CountryMention] = []

    def add(ts: int, te: int, key: str) -> None:
        if (ts, te) in candidates or te <= ts or key in gaz.stop:
            return  # "the West Coast city": a phrase, whatever the tagger says
        cities = gaz.cities_for_key(key)
        divisions = gaz.admin1.get(key, [])
        if not cities and not divisions:
            return
        candidates[(ts, te)] = _Candidate(ts, te, key, cities, divisions)

    # 1. Names found by the string scan, aligned to tokens.
    parsed_ranges = [parsed.paragraphs[p] for p in parsed.parsed]
    # a country's name that the text shows once to be its namesake town is that town
    # throughout ("The Guanacaste capital of Liberia ... Liberia's municipal building")
    namesakes = {
        span.key for span in scan
        if span.key in gaz.countries and _country_namesake(span, parsed.text, gaz)
    }  # fmt: skip
    for span in scan:
        if not any(s <= span.start and span.end <= e for s, e in parsed_ranges):
            continue
        ts, te = by_start.get(span.start), by_end.get(span.end)
        if ts is None or te is None:
            continue
        te += 1
        if span.key in gaz.countries or span.key in gaz.demonyms:
            iso = gaz.countries.get(span.key) or gaz.demonyms[span.key]
            countries.append(
                CountryMention(span.start, span.end, ts, te, iso, span.key not in gaz.countries)
            )
            if (
                span.key in gaz.countries
                and span.key not in ("georgia",)
                and span.key not in namesakes
            ):
                continue
        key = span.key
        if key.endswith(" city") and te < len(tokens) and tokens[te].lower in _CITY_BODIES:
            # "Orange City Council" is the council of Orange, named so elsewhere in the
            # text, not of another town called "Orange City".
            bare = key[: -len(" city")]
            if bare in doc.known and gaz.cities_for_key(bare):
                key = bare
        add(ts, te, key)

    # 1b. "Howard County Council", "Mapo District Office": a gazetteer name with an
    #     administrative suffix is the county or district of that name.
    for (ts, te), cand in list(candidates.items()):
        if _borough_of(te, tokens):
            del candidates[(ts, te)]  # "the London Borough of Tower Hamlets"
            continue
        if (
            ts > 0
            and tokens[ts - 1].pos == "PROPN"
            and tokens[ts - 1].text[:1].isupper()
            and parsed.sentences[tokens[ts].sent].tok_start < ts - 1
        ):
            continue  # "Queenstown Lakes District": the name goes on to the left
        if (
            te < len(tokens)
            and (
                (tokens[te].text[:1].isupper() and tokens[te].lower in _ADMIN_AFFIXES)
                # "Istanbul's Üsküdar district and Sarajevo's Stari Grad municipality"
                or (
                    tokens[te].text in ("district", "municipality", "ward")
                    and ts > 0
                    and tokens[ts - 1].lower in ("'s", "’s", "the")
                    and _tie_talk(parsed.sentences[tokens[ts].sent], tokens)
                )
                # "friendly province-region relations with Uzbekistan's Samarkand region":
                # the region around the town, a side of its own
                or (
                    tokens[te].text in ("region", "oblast", "province")
                    and ts > 0
                    and tokens[ts - 1].lower in ("'s", "’s")
                    and _PROVINCE_TIES.search(
                        parsed.text,
                        parsed.sentences[tokens[ts].sent].start,
                        parsed.sentences[tokens[ts].sent].end,
                    )
                    is not None
                )
            )
            and (ts, te + 1) not in candidates
            and tokens[te - 1].sent == tokens[te].sent
        ):
            candidates[(ts, te + 1)] = _Candidate(
                ts, te + 1, cand.key, cand.cities, cand.divisions,
                suffix_kind=tokens[te].lower,
            )  # fmt: skip

    # 2. Names the parser tagged that the scan skipped ("Reading" is a weak name), and
    #    tagged names with a place suffix ("Yangpu District", "Suzhou City").
    for ent in parsed.entities:
        # ("the Magallanes regional government", whatever the tagger calls the name)
        regional_body = _acting_region(ent.tok_end, tokens)
        if ent.label not in PLACE_LABELS + ("PERSON", "ORG", "NORP") and not regional_body:
            continue
        ts, te = ent.tok_start, ent.tok_end
        while ts < te and tokens[ts].lower in ("the", "a", "an"):
            ts += 1
        if (
            te - ts >= 3
            and tokens[ts].lower in ("city", "town", "municipality")
            and tokens[ts + 1].lower == "of"
            and gaz.cities_for_key(norm(parsed.text[tokens[ts + 2].start : tokens[te - 1].end]))
        ):
            ts += 2  # "The City of Tagbilaran": the city is Tagbilaran
        while te - ts > 1 and tokens[te - 1].text in ("'s", "’s"):
            te -= 1  # "Arakawa Ward's sister city": the tagger's entity takes the "'s"
        while te - ts > 1 and tokens[te - 1].text in ("city", "town", "port", "village"):
            te -= 1  # "Port city keeps its twinning": a lowercase head is no part of a name
        if ts >= te:
            continue
        text = parsed.text[tokens[ts].start : tokens[te - 1].end]
        key = norm(text)
        if ent.label == "NORP":
            iso = gaz.demonyms.get(key)
            if iso and not any(c.tok_start == ts for c in countries):
                countries.append(
                    CountryMention(tokens[ts].start, tokens[te - 1].end, ts, te, iso, True)
                )
            continue
        if ent.label in PLACE_LABELS and key in gaz.countries:
            if not any(c.tok_start == ts for c in countries):
                countries.append(
                    CountryMention(
                        tokens[ts].start, tokens[te - 1].end, ts, te, gaz.countries[key], False
                    )
                )
            continue
        if ent.label in PLACE_LABELS or (regional_body and key in gaz.admin1):
            add(ts, te, key)
        last = tokens[te - 1].lower
        if te - ts >= 2 and _borough_of(te - 1, tokens):
            continue  # "the London Borough of Tower Hamlets" is Tower Hamlets
        if te - ts >= 2 and last in cues()["place_suffixes"]:
            # "Yangpu District", "Suzhou City": the suffix is part of the mention.
            k = te - 1  # "Ballina Municipal District" is Ballina's district
            while k - 1 > ts and (
                tokens[k - 1].lower in _AREA_MODIFIERS
                # "Istanbul's Esenler district municipality" is Esenler's
                or (tokens[k - 1].lower == "district" and tokens[k].lower == "municipality")
            ):
                k -= 1
            inner = norm(parsed.text[tokens[ts].start : tokens[k - 1].end])
            cities = gaz.cities_for_key(inner)
            divisions = gaz.admin1.get(inner, [])
            whole = candidates.get((ts, te))
            if whole is not None and whole.cities:
                pass  # "Nevada City" is a town's own name, not the state of Nevada + "City"
            elif (
                inner in gaz.demonyms
                or inner in gaz.countries
                or inner in gaz.stop
                # "the Metropolitan Municipality of Ankara": a body's title, no name
                or all(t.lower in _GENERIC_NAME_WORDS for t in tokens[ts:te])
            ):
                # "the Kazakh city of Turkistan": a people's city, not a place "Kazakh";
                # "| Sister City |" in a table: a kind of tie
                pass
            elif cities or divisions or (ent.label in PLACE_LABELS and tokens[ts].pos == "PROPN"):
                candidates[(ts, te)] = _Candidate(
                    ts, te, inner, cities, divisions, suffix_kind=last
                )

    # 3. "Songpa-gu, a district of Seoul": a name the text itself describes as a place.
    for sent in parsed.sentences:
        for i in range(sent.tok_start + 1, sent.tok_end - 3):
            if not (
                tokens[i].text == ","
                and tokens[i + 1].lower in ("a", "the")
                and tokens[i + 2].lower in _DESCRIBED
                and tokens[i + 3].lower in ("of", "in", "near", "outside")
            ):
                continue
            j = i
            while j > sent.tok_start and (
                (
                    tokens[j - 1].pos == "PROPN"
                    and (tokens[j - 1].text[:1].isupper() or tokens[j - 2].text == "-")
                )
                or (tokens[j - 1].text == "-" and j - 2 >= sent.tok_start)
            ):
                j -= 1
            if j == i or (j, i) in candidates:
                continue
            key = norm(parsed.text[tokens[j].start : tokens[i - 1].end])
            parent = gaz.cities_for_key(norm(tokens[i + 4].text)) if i + 4 < sent.tok_end else ()
            cand = _Candidate(
                j, i, key, gaz.cities_for_key(key), [], suffix_kind=tokens[i + 2].lower
            )
            cand.qual_parent = parent[0] if parent else None
            candidates[(j, i)] = cand

    # 4. Names the gazetteer lacks, where the text itself says they are places: the name
    #    opening a line of a partner list ("Annapolis Royal, Nova Scotia, Canada – since
    #    1990") or one followed by its country ("Stykkishólmur (Iceland)").
    person_spans = {
        i for e in parsed.entities if e.label == "PERSON" for i in range(e.tok_start, e.tok_end)
    }
    for sent in parsed.sentences:
        listed = any(a <= sent.start < b for a, b in doc.list_items)
        tie_talk = _tie_talk(sent, tokens)
        i = sent.tok_start
        while i < sent.tok_end:
            run = _name_run(i, sent, tokens)
            if run is None or (
                run > i + 1
                and (
                    tokens[i].lower in cues()["neighbour_words"] or tokens[i].lower in gaz.demonyms
                )
            ):
                # ("Neighbouring Southwark", "Aktobe and Turkish Trabzon": the name starts
                # after the word)
                i += 1
                continue
            j = run
            while j - i > 1 and tokens[j - 1].lower in _OFFICES_AFTER_NAME:
                j -= 1  # "Albay Governor and Kagoshima Governor signed": the office's place
            if tokens[i].lower in _OFFICES_AFTER_NAME:
                i += 1  # (the office itself names no place)
                continue
            on = next((k for k in range(i + 1, j - 1) if tokens[k].lower == "on"), None)
            if on is not None and norm(parsed.text[tokens[on + 1].start : tokens[j - 1].end]) in (
                gaz.admin1
            ):
                j = on  # "Nevelsk on Sakhalin": the island it lies on, not "Southend on Sea"
            if all(t.lower in _GENERIC_NAME_WORDS for t in tokens[i:j]):
                i = j  # "the Metropolitan Municipality of Ankara": a body's title, no name
                continue
            if j - i > 1 and tokens[j - 1].lower in cues()["institution_words"]:
                i = j  # "Kio University in Nara Prefecture": an institution, no town
                continue
            if j - i > 1 and all(t.lower in _GENERIC_NAME_WORDS | _TIE_WORDS for t in tokens[i:j]):
                i = j  # "Sister City: Toyama, Japan (est. 1989)": a field's label
                continue
            if _capitals_heading(i, j, sent, tokens, parsed.text) and not gaz.cities_for_key(
                norm(parsed.text[tokens[i].start : tokens[j - 1].end])
            ):
                i = j  # "HIGHLIGHTS OF THE YEAR": a report's heading
                continue
            for k in range(i + 1, j - 1):
                if tokens[k].lower in _ADMIN_AFFIXES and tokens[k + 1].text[:1].islower():
                    j = k + 1  # "Dongdaemun District on Monday signed": the name ends
                    break
            # A name the gazetteer lacks opening a list line ends at punctuation, a
            # bracket or a number; "Former partner" is a heading
            # ("Reminders" alone on its line is one too).
            ends = j < sent.tok_end and not tokens[j].text[:1].islower()
            first_in_line = (
                (listed or any(a <= tokens[i].start < b for a, b in doc.list_items))
                and ends
                and _line_opener(i, sent, tokens)
                and not later_cell(parsed.text, tokens[i].start)
                and not _field_label(j, sent, tokens)
            )
            # (a listed partner too: "sister cities are Nerima in Japan and Rjukan in Norway")
            partner = tie_talk and i > sent.tok_start and tokens[i - 1].lower in _LISTED_AFTER
            follows = _country_follows(j, sent, tokens, gaz, partner)
            # A name the model calls a person is still a town when its country follows
            # in brackets or a table's next cell ("Laukaa with Borgholm (Sweden)",
            # "Zaporizhzhia | Ukraine | 2023") or it opens a list line with its region
            # ("* Annapolis Royal, Nova Scotia, Canada"); a person's full name with a
            # country in running text ("Anna Berg (Sweden)") stays a person.
            tied = _tie_frames(i, j, sent, tokens)
            acting = tie_talk and _acting_on_own_tie(i, j, sent, tokens)
            # "the Seodaemun District Council" is the council of Seodaemun District
            bodied = j - i > 2 and tokens[j - 1].text in ("Council", "Office", "Government")
            affix = _admin_affix(i, j - 1 if bodied else j, sent, tokens) if tie_talk else None
            lower_affix = False
            if affix is None and tie_talk:
                affix = _lower_affix(i, j, sent, tokens)
                lower_affix = affix is not None
            # "Lewisham Council has formally ended its twinning": the council's place
            # "Llanbadarn Fawr Community Council": the kind of council is no part of the name
            kind_word = 1 if j - i >= 3 and tokens[j - 2].text in _COUNCIL_KIND_WORDS else 0
            council_named = (
                j - i >= 2
                and tokens[j - 1].text == "Council"
                and tokens[j - 1].dep in ("nsubj", "nsubjpass")
                and all(t.text[:1].isupper() for t in tokens[i : j - 1])
                # a name the gazetteer knows is found by it ("Hobart City Council")
                and not any(a < j - 1 and i < b for a, b in candidates)
                and not any(
                    t.lower in _COUNCIL_OF | _AREA_MODIFIERS | _COUNCIL_KINDS
                    for t in tokens[i : j - 1 - kind_word]
                )
                and (i == sent.tok_start or not tokens[i - 1].text[:1].isupper())
                and tie_talk
                # not "Arts Council": a word the text also writes in lower case
                and not _written_lower(tokens[i].text, parsed.text)
            )
            # "Luang Prabang of Laos" (house style of Chinese state media)
            of_country = tie_talk and _of_country(i, j, sent, tokens, gaz, parsed.text)
            # "the municipal council of Tepebaşı": the place a council governs
            council_of = (
                i - 2 >= sent.tok_start
                and tokens[i - 1].text == "of"
                # (a resolution's title case: "Between the City of Nome and the City of
                # Provideniya")
                and (
                    tokens[i - 2].text in _OF_TOWN
                    or tokens[i - 2].text in _OF_TOWN_TITLED
                    # "the Bürgermeister of Metten"
                    or tokens[i - 2].lower in cues()["mayor_titles"]
                    # "The Gradsko vijeće (Town Council) of Korčula": a gloss's council
                    or (
                        tokens[i - 2].text == ")"
                        and i - 3 >= sent.tok_start
                        and tokens[i - 3].lower in ("council", "assembly")
                    )
                )
                and tie_talk
                # a name the gazetteer knows is found by it ("the city of Matsuyama on
                # Tuesday" is no longer name)
                and not any(a < j and i < b for a, b in candidates)
            )
            # "the mayors of Llandeilo and Le Conquet": the second of two the plural names
            council_of = council_of or (
                tie_talk
                and _second_of_plural(i, sent, tokens)
                and not any(a < j and i < b for a, b in candidates)
            )
            described = _described_as_place(i, j, sent, tokens) or (
                tie_talk
                and (
                    _bracket_partner(i, j, sent, tokens)
                    or _named_after_its_country(i, j, sent, tokens, parsed.text, gaz)
                    or _visitors_from(i, j, tokens)
                )
            )
            # "partnerships with Dartmouth (1972), Kilrush (1986) and Betanzos (2004)":
            # in a sentence about ties, a name listed with a bracketed year beside a
            # known place that has one too is a town as well
            coordinated = (
                tie_talk
                and j - i <= 3
                and (
                    _listed_with_place(i, j, sent, tokens, candidates)
                    or _tie_subject_with_place(i, j, tokens, candidates)
                    or _tie_subject_before_place(i, j, tokens, candidates)
                )
            )
            person = bool(set(range(i, j)) & person_spans) and not (
                follows
                and (first_in_line or (j - i == 1 and (tokens[j].text in ("(", "|") or partner)))
            )
            # "twinned with Redu"; "Chipping Norton ... ditched its link" (the model's
            # person is "Norton" alone, not the whole name)
            # (nor a commune's joined name: "the town's twinning with Épinay-sur-Odon")
            person = person and not (
                (tied or acting)
                and (j - i == 1 or i not in person_spans or _particled(i, j, tokens))
            )
            person = person and not described and not affix  # "Jongno District" (PERSON)
            # ("Wujiang District - Bunbury (Australia), 2011" opening a list line)
            person = person and not (first_in_line and tokens[j - 1].lower in _LINE_SUFFIXES)
            person = person and not (coordinated and j - i == 1)
            person = person and not council_of and not council_named
            # "the neighbouring Port of Los Angeles" is a body, not a town
            if (i, j) in candidates and described and not person and not candidates[(i, j)].cue:
                # ("guests from Concarneau", a name the tagger called an organisation)
                candidates[(i, j)].cue = "place.described"
            neighbour = (
                i > 0
                and tokens[i - 1].lower in cues()["neighbour_words"]
                and not (j < sent.tok_end and tokens[j].lower == "of")
            )
            if (
                (i, j) not in candidates
                and not person
                and (
                    first_in_line
                    or follows
                    or neighbour
                    or tied
                    or acting
                    or described
                    or affix
                    or council_of
                    or council_named
                    or of_country
                    or coordinated
                )
            ):
                # "the neighbouring Tasman District Council": the council's district
                end = j - 1 if j - i > 1 and tokens[j - 1].text == "Council" else j
                if end < j and end - i > 1 and tokens[end - 1].text in ("Regional", "Shire"):
                    end -= 1  # "neighbouring Gladstone Regional Council": Gladstone's
                elif (
                    end - i > 2
                    and tokens[end - 1].text in _BODY_HEADS
                    and tokens[end - 2].text in ("Municipal", "City", "Metropolitan")
                ):
                    end -= 2  # "the neighbouring Pimpri Chinchwad Municipal Corporation"
                end = end - kind_word if council_named else end
                end = j - 1 if affix and bodied else end
                end = j + 1 if lower_affix else end  # "the Osmangazi municipality"
                suffix = tokens[end - 1].lower if end - i > 1 else ""
                suffix = suffix if suffix in cues()["council_areas"] else ""
                key = norm(parsed.text[tokens[i].start : tokens[end - 1].end])
                if affix:
                    suffix, key = affix
                elif suffix:
                    key = norm(parsed.text[tokens[i].start : tokens[end - 2].end])
                elif (
                    end - i > 1
                    and tokens[end - 1].lower in ("city", "town")
                    and gaz.cities_for_key(
                        short := norm(parsed.text[tokens[i].start : tokens[end - 2].end])
                    )
                ):
                    key = short  # "Kunshan City - Wavre (Belgium)": the city Kunshan
                if (
                    key not in gaz.countries
                    and key not in gaz.admin1
                    and key not in gaz.demonyms
                    and key not in gaz.stop  # ("with European and American cities")
                    and not _FEATURE_NAME.search(key)  # ("across the Korea Strait")
                ):
                    divisions = gaz.admin1.get(key, []) if suffix else []
                    cand = _Candidate(
                        i, end, key, gaz.cities_for_key(key), divisions, suffix_kind=suffix
                    )
                    cand.cue = (
                        "place.list_item" if first_in_line
                        else "place.described" if described or coordinated or acting
                        # "with Sør-Varanger, across the border in Norway": a listed
                        # partner set in its country
                        # (not "... Friendship with Foreign Countries, China": a body's)
                        or (follows and partner and tokens[end - 1].lower not in _PLURAL_PLACES)
                        else "place.city_of" if council_of or council_named or of_country else ""
                    )  # fmt: skip
                    cand.framed = tied
                    candidates[(i, end)] = cand
            i = j

    # Longest candidate wins where two overlap.
    chosen: list[_Candidate] = []
    taken: set[int] = set()
    for cand in sorted(
        candidates.values(), key=lambda c: (-(c.tok_end - c.tok_start), c.tok_start)
    ):
        if any(i in taken for i in range(cand.tok_start, cand.tok_end)):
            continue
        if _fragment(cand, tokens):
            continue
        chosen.append(cand)
        taken.update(range(cand.tok_start, cand.tok_end))
    chosen.sort(key=lambda c: c.tok_start)

    # Entity context of each candidate.
    for cand in chosen:
        info = ent_at.get(cand.tok_start)
        if info is None:
            continue
        label, es, ee, etext = info
        inner_s = es
        # (and a sentence's opening preposition the tagger took in: "Unlike Lublin", PERSON)
        while inner_s < ee and (
            tokens[inner_s].lower in ("the", "a", "an") or tokens[inner_s].pos == "ADP"
        ):
            inner_s += 1
        if ee - 1 > inner_s and tokens[ee - 1].lower in ("'s", "’s"):
            ee -= 1  # the tagger's "Moose Jaw's" is the name "Moose Jaw"
        if (
            (inner_s, ee) == (cand.tok_start, cand.tok_end)
            or (
                inner_s == cand.tok_start
                and ee == cand.tok_end + 1
                and tokens[ee - 1].lower in cues()["place_suffixes"]
            )
            # "Frankfurt (Oder)": the tagger's "Frankfurt" without the bracketed part
            or (
                inner_s == cand.tok_start
                and ee == cand.tok_end - 3
                and tokens[ee].text == "("
                and tokens[cand.tok_end - 1].text == ")"
            )
        ):
            cand.ner = label
        elif es <= cand.tok_start and cand.tok_end <= ee:
            tie_phrase = _TIE_BETWEEN.search(
                parsed.text, tokens[es].start, tokens[cand.tok_start].start
            )
            if tie_phrase is not None:
                # "the Sister City Agreement between Shellharbour and Kaizuka", tagged as
                # one organisation: a tie between places, no body
                continue
            if _is_name_list(inner_s, ee, chosen, tokens):
                # "Amiens, Rostov-on-Don and Novi Sad" tagged as one ORG is a list of
                # places, not an organisation.
                cand.ner = "LIST"
            else:
                cand.container = label
                cand.container_text = etext

    # 3. Qualifiers and cues.
    accepted: list[_Candidate] = []
    qualifier_tokens: set[int] = set()
    province_talk = bool(_PROVINCE_TIES.search(parsed.text))
    region_anaphors: list[_Candidate] = []
    for cand in chosen:
        if cand.tok_start in qualifier_tokens:
            continue  # "Arizona" in "Phoenix, Arizona" qualifies, it is not a place of its own
        if _region_anaphor(cand, tokens) and (
            cand.divisions or tokens[cand.tok_end].lower in ("town", "village")
        ):
            # "the Ontario city": a city of Ontario named before; "The Kent town": the
            # town just named (Kent the county, not a town of that name)
            region_anaphors.append(cand)
            continue
        if (
            cand.divisions
            and cand.tok_start >= 2
            and tokens[cand.tok_start - 1].lower == "of"
            and tokens[cand.tok_start - 2].lower in _DIVISION_WORDS
        ):
            # "the Mexican state of Nuevo León": the state, not a town of that name
            cand.cities = ()
            cand.suffix_kind = cand.suffix_kind or "province"
            country = _demonym_before(cand.tok_start - 2, tokens, gaz)
            if country is not None:
                cand.divisions = [d for d in cand.divisions if d.country == country] or (
                    cand.divisions
                )
        if cand.divisions and _acting_region(cand.tok_end, tokens):
            # "the Magallanes regional government": the region's, not a town's
            cand.cities = ()
            cand.suffix_kind = cand.suffix_kind or "province"
        if (
            cand.divisions
            and cand.cities
            and not cand.suffix_kind
            and (
                _governed(cand, tokens)
                # "Penang, North Sumatra ink sister-state pact": a state's own name, which
                # is only another name of its capital (George Town), in a story of states
                or (
                    all(norm(c.name) != cand.key for c in cand.cities)
                    and _PROVINCE_TIES.search(
                        parsed.text,
                        parsed.sentences[tokens[cand.tok_start].sent].start,
                        parsed.sentences[tokens[cand.tok_start].sent].end,
                    )
                    is not None
                )
            )
        ):
            # "Kagoshima Governor", "the Governor of Albay": a governor's is the province
            cand.cities = ()
            cand.suffix_kind = "province"
        if cand.divisions and not cand.cities and not cand.suffix_kind:
            if not _province_context(cand, tokens, parsed, province_talk):
                continue  # a state or province on its own is a qualifier, not a city
            cand.suffix_kind = "province"  # "sister-province ties with Alberta"
        _bracketed_part(cand, tokens, gaz)
        _qualify(cand, tokens, gaz, candidates)
        qualifier_tokens.update(range(cand.tok_end, cand.qual_end))
        cue = _cue(cand, tokens, parsed, gaz, doc)
        if not cue and cand.suffix_kind == "province" and _acting_region(cand.tok_end, tokens):
            cue = "place.body_of"  # "the Magallanes regional government is negotiating"
        if cue:
            cand.cue = cue
            accepted.append(cand)

    # One sense per discourse: a name the text marks as a place somewhere (or that a cue
    # accepted in the same paragraph) is a place wherever it recurs.
    para_known = {
        (tokens[c.tok_start].sent, c.key) for c in accepted if not c.cue.startswith("org")
    }
    para_of = {i: parsed.sentences[i].paragraph for i in range(len(parsed.sentences))}
    para_known = {(para_of[s], k) for s, k in para_known}
    # (a partner in a stated tie, anywhere: "twinning agreements with Severomorsk and
    # Monchegorsk. ... The Severomorsk agreement dates from 1991")
    partners = {c.key for c in accepted if c.cue == "place.relation"}
    # (and a gazetteer town the text sets off as one, anywhere: "with Russian spa town,
    # Mariánské Lázně" ... "In Mariánské Lázně, the town council voted")
    partners |= {c.key for c in accepted if c.cue in _MARKED_CUES and c.cities}
    for cand in chosen:
        if cand.tok_start in qualifier_tokens or cand.cue or not cand.cities:
            continue
        para = para_of[tokens[cand.tok_start].sent]
        if (
            cand.key not in doc.known
            and (para, cand.key) not in para_known
            and cand.key not in partners
        ):
            continue
        info = ent_at.get(cand.tok_start)
        if info and info[0] == "PERSON" and info[2] - info[1] > cand.tok_end - cand.tok_start:
            continue
        if not capitalised(tokens[cand.tok_start].text) or cand.container:
            continue
        if cand.tok_start > 0 and _titled(tokens[cand.tok_start - 1]):
            continue  # "the birthplace of the navigator Vasco da Gama": a person
        if _SAYS_HE.match(parsed.text, tokens[cand.tok_end - 1].end):
            continue  # "Nelson said he wanted ...": a candidate, whatever the town
        if _PERSONS_HOME.match(parsed.text, tokens[cand.tok_end - 1].end):
            continue  # "Vasco da Gama's hometown": a person's
        _qualify(cand, tokens, gaz, candidates)
        cand.cue = "place.discourse"
        accepted.append(cand)
    # So is a name the gazetteer lacks that the text has shown to be a place
    # ("The relationship with Douroula, in Burkina Faso ... suspended its cooperation
    # agreement with Douroula in 2022").
    unlisted = {
        c.key for c in accepted
        if not c.cities and not c.divisions and not c.cue.startswith(("org", "place.discourse"))
        and c.key not in gaz.stop
        # a heading's "Sister Cities" is no name: the text writes it in lower case too
        and not _written_lower(c.key, parsed.text)
        # (judged on the paragraphs that matter, so parsing more changes nothing)
        and (relevant is None or para_of[tokens[c.tok_start].sent] in relevant)
    }  # fmt: skip
    taken_now = {i for c in accepted for i in range(c.tok_start, max(c.tok_end, c.qual_end))}
    for sent in parsed.sentences if unlisted else ():
        i = sent.tok_start
        while i < sent.tok_end:
            j = _name_run(i, sent, tokens)
            if j is None:
                i += 1
                continue
            key = norm(parsed.text[tokens[i].start : tokens[j - 1].end])
            if key in unlisted and not taken_now & set(range(i, j)):
                cand = _Candidate(i, j, key, (), [], cue="place.discourse")
                _qualify(cand, tokens, gaz, candidates)
                accepted.append(cand)
            i = j
    # A gazetteer name coordinated with a place is a place ("Provo and Orem", Orem
    # tagged an organisation).
    at = {i: c for c in accepted for i in range(c.tok_start, c.tok_end)}
    # (or with its qualifier, where the parser hangs the next name: "Clermont-Ferrand in
    # France and Narbonne")
    at_qualified = {i: c for c in accepted for i in range(c.tok_start, max(c.tok_end, c.qual_end))}
    # (both ways along a list: "with three Sakhalin cities, Korsakov, Nevelsk and
    # Yuzhno-Sakhalinsk", each name the parser's head of the next)
    for cand in [*chosen, *reversed(chosen)]:
        if cand.cue or not cand.cities or cand.tok_start in qualifier_tokens:
            continue
        first = tokens[cand.tok_start]
        if not capitalised(first.text) or cand.container == "PERSON":
            continue
        partner = at_qualified.get(first.head) if first.dep == "conj" else None
        if partner is None:
            partner = next(
                (at[t.i] for t in tokens[cand.tok_end : cand.tok_end + 4]
                 if t.dep == "conj" and t.head == first.i and t.i in at),
                None,
            )  # fmt: skip
        if partner is None or partner.cue.startswith("org"):
            continue
        lo, hi = sorted((partner.tok_start, cand.tok_start))
        if not any(t.lower in ("and", "or", "&") for t in tokens[lo:hi]) and not _list_goes_on(
            max(partner.tok_end, cand.tok_end), tokens
        ):
            # a comma is no coordination: "Yunnan Province, People's Republic"; but one
            # of a list that ends in "and" is ("Erlangen, Lugoj and San Marcos")
            continue
        _qualify(cand, tokens, gaz, candidates)
        cand.cue = "place.coordinated"
        accepted.append(cand)
        at.update((i, cand) for i in range(cand.tok_start, cand.tok_end))
        at_qualified.update(
            (i, cand) for i in range(cand.tok_start, max(cand.tok_end, cand.qual_end))
        )
    accepted.sort(key=lambda c: c.tok_start)

    # 4. Resolve each accepted name to a place.
    local_country = _local_country_cues(tokens, countries, parsed)
    mentions: list[PlaceMention] = []
    for cand in accepted:
        surface = parsed.text[tokens[cand.tok_start].start : tokens[cand.tok_end - 1].end]
        place = _resolve(cand, gaz, local_country.get(cand.tok_start), doc, surface)
        if place is None:
            continue
        if cand.suffix_kind in _NAMED_WITH_SUFFIX and place.geonameid is not None:
            # "Howard County", "Cebu Province": not the town of that name the gazetteer
            # knows, but the area around it, which it does not.
            place = Place(
                f"{place.name.removesuffix(' City')} {cand.suffix_kind.title()}",
                place.country, None, place.admin1, cand.suffix_kind,
            )  # fmt: skip
        if surface.isupper() and 2 <= len(surface) <= 4:
            # "QC cuts sister-city ties" over a story about Quezon City: the initials of
            # a place the text names, whatever else the letters abbreviate (Quebec)
            place = _initialled(surface, doc.mentions) or place
        mentions.append(
            PlaceMention(
                start=tokens[cand.tok_start].start,
                end=tokens[cand.tok_end - 1].end,
                text=parsed.text[tokens[cand.tok_start].start : tokens[cand.tok_end - 1].end],
                place=place,
                tok_start=cand.tok_start,
                tok_end=cand.tok_end,
                span_end_tok=max(cand.qual_end, cand.tok_end),
                cue=cand.cue,
                in_org=cand.cue.startswith("org"),
            )
        )

    mentions = _one_country_per_name(mentions, parsed.text, gaz)
    mentions = _districts_of_owner(mentions, tokens)
    if relevant is not None:
        para_of_tok = parsed.sentences

        def counts(m: PlaceMention) -> bool:
            return m.tok_start < 0 or para_of_tok[tokens[m.tok_start].sent].paragraph in relevant
    else:

        def counts(m: PlaceMention) -> bool:
            return True

    mentions = _one_place_per_name(mentions, counts, parsed.text)
    mentions = _short_forms(mentions, counts)
    mentions = _coreference(mentions, doc.mentions, countries, tokens, parsed, gaz)
    mentions = _region_coreference(mentions, doc.mentions, region_anaphors, tokens, parsed)
    mentions = _region_adjective_coreference(mentions, doc.mentions, tokens, parsed, gaz)
    mentions = _council_acronyms(mentions, doc.mentions, tokens, parsed)
    mentions = _capital_of_dateline(mentions, tokens, parsed.text)
    mentions = _bare_capital(mentions, tokens, parsed, gaz)
    mentions = _same_partner(mentions, tokens, parsed)
    if relevant is not None:
        sentences = parsed.sentences
        in_focus = [
            m for m in mentions
            if m.tok_start < 0 or sentences[tokens[m.tok_start].sent].paragraph in relevant
        ]  # fmt: skip
    else:
        in_focus = mentions
    focal = focal_place(doc, in_focus, parsed.text, _paper_masthead(parsed.text, gaz, doc))
    mentions = _own_city(mentions, doc, tokens, parsed, focal, gaz)
    mentions = _region_largest_city(mentions, tokens, parsed.text, focal, gaz)
    mentions = _capital_of_region(mentions, parsed.text)
    countries.sort(key=lambda c: c.tok_start)
    focal_first = next(
        (m for m in in_focus if focal is not None and m.place.key == focal.key and m.end > m.start),
        None,
    )
    if focal_first is None and focal is not None and focal.geonameid is None:
        # "Llandovery Town Council | ...": the page's own town, named only in its masthead
        head = _council_masthead(parsed.text)
        focal_first = head if head is not None and head.place == focal else None
    return Places(
        tuple(mentions), tuple(countries), doc.mentions, doc.focus, doc.list_items, focal,
        focal_first, doc.section_heads,
    )  # fmt: skip


_WITH_JUST_BEFORE = re.compile(r"\bwith\s+(?:the\s+)?$")


def _same_partner(mentions, tokens, parsed):
    """ "Hamburg put its relationship with St Petersburg ... on ice, and Milan suspended its
    1967 agreement with the same city": the partner named just before in the paragraph."""
    out = list(mentions)
    text = parsed.text
    for k in range(2, len(tokens) - 1):
        if not (
            tokens[k].lower == "same"
            and tokens[k - 1].lower == "the"
            and tokens[k - 2].lower == "with"
            and tokens[k + 1].lower in ("city", "town", "municipality")
        ):
            continue
        para = parsed.sentences[tokens[k].sent].paragraph
        before = [
            m for m in mentions
            if m.tok_start >= 0 and m.end <= tokens[k - 1].start
            and parsed.sentences[tokens[m.tok_start].sent].paragraph == para
            and _WITH_JUST_BEFORE.search(text, max(0, m.start - 12), m.start)
        ]  # fmt: skip
        if not before:
            continue
        head = tokens[k + 1]
        out.append(
            PlaceMention(
                start=tokens[k - 1].start, end=head.end, text=text[tokens[k - 1].start : head.end],
                place=before[-1].place, tok_start=k - 1, tok_end=head.i + 1,
                span_end_tok=head.i + 1, cue="coref.same_partner",
            )
        )  # fmt: skip
    out.sort(key=lambda m: m.start)
    return out


_LARGEST_CITY = re.compile(
    r"['’]s?\s+(?:(?:second|third)[- ])?(?:largest|biggest|most\s+populous|capital|main|"
    r"principal|oldest)\s+(?:city|town|port)\b"
    # "Florida city ends sister-city tie with Russian city" (a headline's own city; not
    # "Kansas City", a name)
    r"|[ \t]+(?:city|town)\b(?![ \t]+of\b)"
)


def _region_largest_city(mentions, tokens, text: str, focal: Place | None, gaz: Gazetteer):
    """ "Vermont's largest city weighs ending a frozen Russian sister-city tie", "Florida
    city ends sister-city tie": a city named by its state, the story's own city when it
    lies there; never the state."""
    out = []
    home = (focal.country, focal.admin1) if focal is not None else None
    for m in mentions:
        # (a state that is also a town's name: "Florida", a city in Cuba)
        home_state = any((d.country, d.code) == home for d in gaz.admin1.get(norm(m.text), ()))
        said = (
            _LARGEST_CITY.match(text, m.end) if m.place.kind == "province" or home_state else None
        )
        if said is None:
            out.append(m)
            continue
        if focal is None or not (home_state or (m.place.country, m.place.admin1) == home):
            continue  # a city the story does not name
        end = next(
            (t.i + 1 for t in tokens[m.tok_end : m.tok_end + 8] if t.end == said.end()), None
        )
        if end is None:
            continue
        out.append(
            PlaceMention(
                m.start, said.end(), text[m.start : said.end()], focal, m.tok_start, end, end,
                "coref.region_largest_city",
            )
        )  # fmt: skip
    return out


def _capital_of_region(mentions, text: str):
    """ "the sister-city agreement signed with the capital of Shandong province": the city
    of that province the story has named (Jinan), not the province."""
    out: list[PlaceMention] = []
    for m in mentions:
        if (
            m.place.kind == "province"
            and m.place.admin1
            and _CAPITAL_OF_BEFORE.search(text, max(0, m.start - 40), m.start)
        ):
            named = [
                o for o in out
                if o.place.kind == "city"
                and (o.place.country, o.place.admin1) == (m.place.country, m.place.admin1)
            ]  # fmt: skip
            if named:
                out.append(replace(m, place=named[-1].place, cue="coref.capital_of_region"))
                continue
        out.append(m)
    return out


# A sea's, strait's or range's name the gazetteer lacks is no town's
_FEATURE_NAME = re.compile(
    r" (?:strait|straits|sea|ocean|channel|gulf|river|mountains|peninsula|desert)$"
)
_TIE_BETWEEN = re.compile(
    r"(?i)\b(?:agreement|relationship|partnership|twinning|charter|memorandum|friendship)"
    r"\s+(?:between|with)\b"
)
_PEOPLES_PLACE = frozenset("city town capital port village municipality region".split())
_DESCRIBED = frozenset(
    "district suburb borough ward neighbourhood neighborhood town village municipality county "
    "township commune prefecture".split()
)
_PROVINCE_WORDS = frozenset(
    "province provinces provincial state states prefecture prefectures prefectural region "
    "regions oblast krai sister-province sister-state".split()
)


# A text that speaks of ties between provinces or states ("sister-province", "friendly
# province-state relations", "provincial relationships", "the two provinces").
_PROVINCE_TIES = re.compile(
    r"\b(?:sister|twin|twinned|friendship|friendly|partner)[- ]"
    r"(?:province|state|prefecture|region)s?\b"
    r"|\bprovince[- ]state\b|\bstate[- ]province\b|\bprovince[- ]to[- ]province\b"
    r"|\bprovincial (?:relationships?|twinning|ties|partnerships?)\b"
    r"|\bthe two (?:provinces|states|prefectures)\b",
    re.IGNORECASE,
)
_TIE_WORDS_HERE = frozenset(
    "sister friendship friendly twinned twin twinning twinnings partnership partner "
    "sister-province sister-state".split()
)


def _list_goes_on(k: int, tokens) -> bool:
    """From token ``k``, only names and commas up to an "and" before another name."""
    for t in tokens[k : k + 10]:
        if t.lower in ("and", "or", "&"):
            return t.i + 1 < len(tokens) and tokens[t.i + 1].text[:1].isupper()
        if t.sent != tokens[k].sent or not (t.text == "," or t.text[:1].isupper()):
            return False
    return False


def _districts_of_owner(mentions: list[PlaceMention], tokens) -> list[PlaceMention]:
    """ "Taipei's Xinyi District": a district of the city that owns it, in its country
    (not the Chinese city of Xinyi the gazetteer knows)."""
    out = list(mentions)
    for k in range(1, len(out)):
        owner, m = out[k - 1], out[k]
        if (
            m.place.kind == "district"
            and owner.place.kind == "city"
            and m.tok_start == owner.span_end_tok + 1
            and tokens[owner.span_end_tok].lower in ("'s", "’s")
            and m.place.country != owner.place.country
        ):
            place = Place(m.place.name, owner.place.country, None, owner.place.admin1, "district")
            out[k] = replace(m, place=place)
    return out


def _one_country_per_name(
    mentions: list[PlaceMention], text: str, gaz: Gazetteer
) -> list[PlaceMention]:
    """A place the gazetteer lacks, named once with its country ("Xiqing District in
    Tianjin, China") and once without, is the same place both times."""
    known: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.place.geonameid is None and m.place.country:
            known[m.place.name.casefold()].add(m.place.country)
    out = []
    for m in mentions:
        countries = known.get(m.place.name.casefold(), set())
        if m.place.geonameid is None and not m.place.country and not countries:
            # "City of Nome, Alaska" in a masthead the parser may never see: the string
            # says it wherever it stands
            countries = _string_countries(m.place.name, text, gaz)
        if m.place.geonameid is None and not m.place.country and len(countries) == 1:
            p = m.place
            m = replace(m, place=Place(p.name, next(iter(countries)), None, p.admin1, p.kind))
        out.append(m)
    return out


def _string_countries(name: str, text: str, gaz: Gazetteer) -> set[str]:
    """Countries the text gives the name by a comma: "Nome, Alaska", "Redu, Belgium"."""
    out: set[str] = set()
    for m in re.finditer(
        rf"(?<!\w){re.escape(name)},\s+([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?)", text
    ):
        found = named_division(m.group(1).split(), gaz)
        if found is not None:
            out.add(found[0])
    return out


_CITY_BODY_AFTER = re.compile(
    r"(?i)\s+(?:island\s+)?(?:city\s+|town\s+|municipal\s+)?(?:council|mayor|corporation)\b"
)


def _one_place_per_name(mentions: list[PlaceMention], counts, text: str) -> list[PlaceMention]:
    """A name pinned down once ("Horodok, Lviv Oblast, Ukraine") and bare elsewhere, where
    the bare mention found another place of that name in the same country, is the pinned
    one throughout (not across countries: "Christchurch, England" in a story about
    Christchurch, New Zealand is the other one). Only mentions in the paragraphs that
    matter pin (`counts`), so parsing more paragraphs changes nothing."""
    out = list(mentions)
    pinned: dict[tuple[str, str], set] = defaultdict(set)
    for m in out:
        if m.place.geonameid is not None and m.span_end_tok > m.tok_end and counts(m):
            pinned[(norm(m.text), m.place.country)].add(m.place)
        elif m.place.kind == "province" and m.place.geonameid is None and counts(m):
            # "the Chinese province of Jilin" ... "Jilin is a major market": the province
            pinned[(norm(m.text), m.place.country)].add(m.place)
    for k, m in enumerate(out):
        choice = pinned.get((norm(m.text), m.place.country))
        if (
            choice is not None
            and len(choice) == 1
            and m.place.geonameid is not None
            and m.place not in choice
            # (the state "Penang" says nothing of "Penang council votes ...", "The Penang
            # Island City Council": the city's own body)
            and not (next(iter(choice)).kind == "province" and _CITY_BODY_AFTER.match(text, m.end))
        ):
            out[k] = replace(m, place=next(iter(choice)))
    return out


def _short_forms(mentions: list[PlaceMention], counts) -> list[PlaceMention]:
    """A name's first words standing for the whole name the text gives elsewhere: "the
    Sainte-Foy link" after "Sainte-Foy-lès-Lyon", "Foz" after "Foz do Iguaçu", when the
    gazetteer's place of the short name lies in another country (or is unknown)."""
    longs: dict[str, set] = defaultdict(set)
    for m in mentions:
        if m.place.geonameid is not None and counts(m):
            longs[norm(m.text)].add(m.place)
    out = list(mentions)
    for k, m in enumerate(out):
        short = norm(m.text)
        if len(short) < 3 or m.span_end_tok > m.tok_end:
            continue  # (a name pinned by its own qualifier is what it says)
        found = {
            p for name, places in longs.items()
            if name.startswith((short + "-", short + " ")) for p in places
        }  # fmt: skip
        if len(found) != 1 or m.place in found:
            continue
        long = next(iter(found))
        # ("Spokane" beside "Spokane Valley": a city of its own in the same country)
        if m.place.geonameid is None or m.place.country != long.country:
            out[k] = replace(m, place=long)
    return out


_TOWN_WORDS = frozenset("village town city commune community municipality port".split())


def _acting_region(k: int, tokens) -> bool:
    """ "regional government", "provincial council" from token `k`, acting as the
    clause's subject: a region's body ("the Magallanes regional government is
    negotiating"; not "a memorandum with the Syunik provincial administration")."""
    return (
        k + 1 < len(tokens)
        and tokens[k].lower in ("regional", "provincial", "prefectural")
        and tokens[k + 1].lower in _ITS_BODIES
        and tokens[k + 1].dep in ("nsubj", "nsubjpass")
    )


def _province_context(cand: _Candidate, tokens, parsed: Parsed, province_talk: bool) -> bool:
    """A state or province is a partner of its own in talk of sister provinces/states,
    in its sentence or, for a sentence with a tie word, anywhere in the text."""
    sent = parsed.sentences[tokens[cand.tok_start].sent]
    words = {t.lower for t in tokens[sent.tok_start : sent.tok_end]}
    before = tokens[cand.tok_start - 2 : cand.tok_start] if cand.tok_start >= 2 else ()
    if len(before) == 2 and before[1].lower == "of" and before[0].lower in _PROVINCE_WORDS:
        return True  # "the Canadian province of Alberta"
    if (
        len(before) == 2
        and before[1].lower == "in"
        and before[0].lower in _TOWN_WORDS
        and words & _TIE_WORDS_HERE
    ):
        return True  # "its twinning with a village in Normandy": where the partner lies
    ties = bool(words & _TIE_WORDS_HERE)
    if ties and tokens[cand.tok_end - 1].lower in _DIVISION_NAME_TAILS:
        return True  # "twinned with Primorsky Krai": a name that says it is a region
    return ties and (province_talk or bool(words & _PROVINCE_WORDS))


# the last word of a region's own name ("Primorsky Krai", "Zakarpattia Oblast")
_DIVISION_NAME_TAILS = frozenset("krai oblast voivodeship prefecture governorate".split())


_HYPHEN_PARTICLES = frozenset(
    "sur sous on upon in en le la les de du des am an der in-the by under lès".split()
)


_CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur "
    "thurs fri sat sun january february march april may june july august september october "
    "november december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


# lowercase words inside a place's name: "Bagni di Lucca", "Southend on Sea", "Frankfurt am
# Main"
# ("Poggio a Caiano": the Italian "a" between two capitalised words)
_RUN_PARTICLES = ROMANCE_PARTICLES | frozenset("upon on am an der sur a im ob vor bei".split())


def _governed(cand: _Candidate, tokens) -> bool:
    """The name is a governor's: "Kagoshima Governor", "the Governor of Kagoshima"."""
    k = cand.tok_end
    after = k < len(tokens) and tokens[k].text == "Governor"
    before = (
        cand.tok_start >= 2
        and tokens[cand.tok_start - 1].lower == "of"
        and tokens[cand.tok_start - 2].text == "Governor"
    )
    return after or before


def _particled_town(cand: _Candidate, tokens) -> bool:
    """ "Kronberg im Taunus", "Frankfurt am Main": a town's full name the gazetteer
    knows, with a particle no person's name has, whatever the tagger says."""
    inner = [t.lower for t in tokens[cand.tok_start + 1 : cand.tok_end - 1]]
    return bool(cand.cities) and any(w in _TOWN_PARTICLES for w in inner)


# (the German and English ones: "Vasco da Gama" has a Romance particle too)
_TOWN_PARTICLES = _RUN_PARTICLES - ROMANCE_PARTICLES - {"a", "on"}


def _name_run(i: int, sent, tokens) -> int | None:
    """End of a run of capitalised name tokens starting at i ("San Cristóbal de las
    Casas", "Abingdon-on-Thames"), or None."""
    tok = tokens[i]
    hyphenated = (
        i + 4 < sent.tok_end
        and tokens[i + 1].text == "-"
        and tokens[i + 2].lower in _HYPHEN_PARTICLES
        and tokens[i + 3].text == "-"
        and tokens[i + 4].text[:1].isupper()
    )  # "Hay-on-Wye", whatever the tagger makes of "Hay"
    # "(with Svetly)": a bracketed partner, whatever the tagger makes of the word
    bracketed = _in_with_brackets(i, i + 1, sent, tokens)
    if not (
        tok.text[:1].isupper()
        and (tok.pos in ("PROPN", "NOUN", "ADJ", "X") or hyphenated or bracketed)
    ):
        return None
    j = i + 1
    while j < sent.tok_end and j - i < 6:
        t = tokens[j]
        if t.text[:1].isupper() and t.pos in ("PROPN", "NOUN", "X"):
            j += 1
        elif (
            t.text == "-"
            and j + 3 < sent.tok_end
            and tokens[j + 1].lower in _HYPHEN_PARTICLES
            and tokens[j + 2].text == "-"
            and tokens[j + 3].text[:1].isupper()
            and not any(x.space for x in tokens[j - 1 : j + 3])
        ):
            j += 4  # "Juvisy-sur-Orge", "Hay-on-Wye", "Stratford-upon-Avon"
        elif (t.text in ("-", "–") and not tokens[j - 1].space and not t.space) or t.lower in (
            _RUN_PARTICLES
        ):
            if (
                j + 1 < sent.tok_end
                and tokens[j + 1].text[:1].isupper()
                # "Southend on Sea", not "Machupicchu on Monday"
                and tokens[j + 1].lower.rstrip(".") not in _CALENDAR_WORDS
            ):
                j += 2
            else:
                break
        else:
            break
    return j


_NAME_PARTICLES = frozenset("de del la le les du des sur en on upon am an der im".split())


def _fragment(cand: _Candidate, tokens) -> bool:
    """ "Saint-Jean" in "Saint-Jean-Pied-de-Port": a name that goes on, hyphenated and
    unspaced, through a particle is a longer name (not "the Rockford-Changzhou tie")."""
    j = cand.tok_end
    if j >= len(tokens) or tokens[j].text != "-" or tokens[j - 1].space:
        return False
    while j + 1 < len(tokens) and tokens[j].text == "-" and not tokens[j].space:
        if tokens[j + 1].lower in _NAME_PARTICLES:
            return True
        j += 2
    return False


def _particled(i: int, j: int, tokens) -> bool:
    """A commune's name joined by hyphens around a particle: "Magny-en-Vexin"; or a
    saint's: "Saint-James" (a person's name keeps the space: "Saint James")."""
    if j - i >= 3 and tokens[i].text in ("Saint", "Sainte") and tokens[i + 1].text == "-":
        return True
    return any(
        tokens[k].text == "-" and tokens[k + 1].lower in _HYPHEN_PARTICLES
        for k in range(i + 1, j - 1)
    )


_MONTH_STEMS = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())


def _field_label(j: int, sent, tokens) -> bool:
    """A page's field label, not a listed town: "Update: March 28, 2024", "Page ID:
    P012044" (a date or a code after the colon)."""
    if j + 1 >= sent.tok_end or tokens[j].text != ":":
        return False
    value = tokens[j + 1]
    return any(c.isdigit() for c in value.text) or value.lower[:3] in _MONTH_STEMS


def _tie_label_before(colon: int, sent, tokens) -> bool:
    """A line opening on a tie's label and its colon: "Sister City:", "Twin town 2:"."""
    start = colon
    while start > sent.tok_start and "\n" not in tokens[start - 1].text:
        start -= 1
    return tie_label(tokens, start, colon)


def tie_label(tokens, start: int, colon: int) -> bool:
    """tokens[start:colon] label a field as a tie, and a colon follows: "Sister City:",
    "Twin City:" (a place of that name exists), "Partner town 2:"."""
    return (
        start < colon < len(tokens)
        and tokens[colon].text == ":"
        and all(
            t.lower in _GENERIC_NAME_WORDS or t.lower in _TIE_WORDS or t.text.isdigit()
            for t in tokens[start:colon]
        )
    )


_LINE_SUFFIXES = frozenset("district county city town prefecture province ward".split())


def _line_opener(i: int, sent, tokens) -> bool:
    """Nothing but bullets and punctuation before token i on its line (the sentence may
    run on over an earlier line: "These include:" / "Wujiang District - Bunbury")."""
    for k in range(i - 1, sent.tok_start - 1, -1):
        if "\n" in tokens[k].text:
            return True
        if tokens[k].text == ":" and k == i - 1 and _tie_label_before(k, sent, tokens):
            return True  # "Sister City: Poggio a Caiano, Italy (est. 2007)"
        # (a row's number is no word: "4 | Versailles | France")
        if tokens[k].text[:1].isalnum() and not (
            tokens[k].text.isdigit() and len(tokens[k].text) <= 3
        ):
            return False
    return True


def _opens_list_line(cand: _Candidate, tokens, parsed: Parsed, doc: DocPlaces) -> bool:
    sent = parsed.sentences[tokens[cand.tok_start].sent]
    return (
        any(a <= sent.start < b for a, b in doc.list_items)
        and _line_opener(cand.tok_start, sent, tokens)
        and not later_cell(parsed.text, tokens[cand.tok_start].start)
    )


def _heads_an_entry(cand: _Candidate, tokens, parsed: Parsed) -> bool:
    sent = parsed.sentences[tokens[cand.tok_start].sent]
    if not _line_opener(cand.tok_start, sent, tokens):
        return False
    nxt = parsed.text.find("\n", sent.end)
    if nxt < 0:
        return False
    return ENTRY_LINE.match(parsed.text[nxt + 1 : nxt + 120].lstrip()) is not None


def _country_follows(j: int, sent, tokens, gaz: Gazetteer, partner: bool = False) -> bool:
    """ "(Iceland)", ", Iceland" or a table's "| Iceland" right after the name; after
    "with" in a tie sentence also "in Burkina Faso" ("with Douroula, in Burkina Faso")."""
    if partner and j + 1 < sent.tok_end and tokens[j].text == "," and tokens[j + 1].lower == "in":
        j += 1
    elif (
        partner
        and j + 4 < sent.tok_end
        and tokens[j].text == ","
        and [t.lower for t in tokens[j + 1 : j + 4]]
        in (["across", "the", "border"], ["over", "the", "border"])
        and tokens[j + 4].lower == "in"
    ):
        j += 4  # "with Sør-Varanger, across the border in Norway"
    if j + 1 >= sent.tok_end:
        return False
    if not (tokens[j].text in ("(", ",", "|") or (partner and tokens[j].lower == "in")):
        return False
    for n in (3, 2, 1):
        if j + 1 + n > sent.tok_end:
            continue
        words = " ".join(t.text for t in tokens[j + 1 : j + 1 + n])
        key = norm(words.replace(" .", "."))
        if key in gaz.countries or key in gaz.admin1:
            return True
    return False


_LISTED_AFTER = frozenset("with are include includes included , and :".split())

_LIST_JOINERS = frozenset([",", "and", "&", "-", "–", "—", "/", "or"])


def _is_name_list(start: int, end: int, chosen: list[_Candidate], tokens) -> bool:
    """Tokens start..end are only known names joined by commas, "and", or hyphens."""
    covered: set[int] = set()
    names = 0
    for c in chosen:
        if start <= c.tok_start and c.tok_end <= end:
            covered.update(range(c.tok_start, c.tok_end))
            names += 1
    if names < 2 or not any(tokens[i].lower in _LIST_JOINERS for i in range(start, end)):
        return False  # "Gold Rush": two names side by side are one name, not a list
    return all(i in covered or tokens[i].lower in _LIST_JOINERS for i in range(start, end))


# --- qualifiers ---------------------------------------------------------------


def _phrase_head(tokens, i: int) -> Token:
    """The head of the noun phrase a token is a compound of ("Ota" in "Ota Ward")."""
    tok = tokens[i]
    while tok.dep == "compound" and tok.head != tok.i:
        tok = tokens[tok.head]
    return tok


_CAPITAL_OF = re.compile(r"the (?:state |provincial |regional )?capital of ")


def _qualify(cand: _Candidate, tokens: tuple[Token, ...], gaz: Gazetteer, candidates) -> None:
    """Absorb ", Illinois" / ", China" / ", Shanghai" / " in East China" after a name."""
    end = cand.tok_end
    cand.qual_end = end
    sent = tokens[cand.tok_start].sent
    n = len(tokens)
    i = end
    for _ in range(2):  # "Lhasa, Tibet Autonomous Region (TAR)", "Columbus, Ohio, USA"
        described = False
        if i < n and tokens[i].sent == sent and tokens[i].text == "(":
            # "Bergen (Norway)", "Turku (Finland, 1989)": a country or state in brackets.
            matched = _qualifier_at(i + 1, tokens, gaz, cand, False)
            if matched is None:
                # "Lymington (Hampshire, England)": a county the gazetteer lacks first
                matched = _county_then_qualifier(i + 1, tokens, gaz, cand)
            if matched is None:
                break
            stop, country, admin1, _ = matched
            close = next((k for k in range(stop, min(stop + 4, n)) if tokens[k].text == ")"), None)
            if close is None:
                break
            cand.qual_country = cand.qual_country or country
            if admin1:
                cand.qual_admin1.add(admin1)
            cand.qual_end = i = close + 1
            break
        after_in = False
        if (
            i + 1 < n
            and tokens[i].lower in ("city", "town")
            and tokens[i + 1].lower == "in"
            and tokens[i].sent == sent
        ):
            i += 1  # "Zhuzhou city in central China's Hunan Province"
        if i < n and tokens[i].sent == sent and tokens[i].text == ",":
            j = i + 1
            near = _NEAR.match(" ".join(t.lower for t in tokens[j : j + 4]) + " ")
            if near is not None and cand.cities:
                # "Sale, on the edge of Manchester", "Wülfrath, near Düsseldorf": a
                # bigger city nearby says which of the towns of that name it is
                k = j + len(near.group(0).split())
                parents = gaz.cities_for_key(norm(tokens[k].text)) if k < n else ()
                if parents and tokens[k].text[:1].isupper():
                    best = max(parents, key=lambda c: c.population)
                    if _smaller_in(cand.cities, best):
                        cand.qual_parent = best
                        cand.qual_end = k + 1
                break
            capital = _CAPITAL_OF.match(" ".join(t.lower for t in tokens[j : j + 4]) + " ")
            described = capital is not None and bool(cand.cities)
            if described:
                # "Salem, the state capital of Oregon": the state says which Salem
                after_in = True
                j += len(capital.group(0).split())
            elif (
                j < n
                and tokens[j].lower == "in"
                and (cand.tok_end - cand.tok_start == 1 or cand.cities)
            ):
                # "Douroula, in Burkina Faso", "Coral Gables, in Florida": a country or
                # state after the comma, too
                after_in = True
                j += 1
                while j < n and tokens[j].lower in cues()["region_words"] | {"the"}:
                    j += 1
            elif (
                j + 2 < n
                and tokens[j].lower == "on"
                and cand.tok_end - cand.tok_start == 1
                and tokens[j + 2].lower in ("'s", "’s")
                and any(t.lower in _SHORE_WORDS and t.sent == sent for t in tokens[j + 3 : j + 8])
            ):
                # "Miyazu, on Japan's Sea of Japan coast": where on the country's map
                after_in = True
                j += 1
        elif i < n and tokens[i].lower == "in" and tokens[i].sent == sent:
            after_in = True
            j = i + 1
            while j < n and tokens[j].lower in cues()["region_words"] | {"the"}:
                j += 1
        elif i < n and tokens[i].lower == "of" and tokens[i].sent == sent:
            # "Luang Prabang of Laos", "Yueyang of Hunan" (Chinese state media)
            after_in = True
            j = i + 1
        else:
            break
        if (
            after_in
            and j + 2 < n
            and tokens[j].lower in cues()["divisions"]
            and tokens[j + 1].lower == "of"
        ):
            j += 2  # "Dublin in the state of Ohio"
        matched = _qualifier_at(j, tokens, gaz, cand, after_in)
        if matched is None and after_in:
            matched = _county_then_qualifier(j, tokens, gaz, cand)
        if matched is None:
            break
        stop, country, admin1, parent = matched
        if (
            not cand.cities
            and cand.divisions
            and country
            and all(d.country != country for d in cand.divisions)
        ):
            break  # "Penang, North Sumatra ink sister-state pact": a state beside a state
        if (
            country
            and admin1 is None
            and parent is None
            and cand.cities
            and all(c.country != country for c in cand.cities)
            and stop < n
            and tokens[stop].lower in ("'s", "’s")
        ):
            break  # "Mysuru, Japan's Matsue sign ...": the country owns the next name
        cand.qual_country = cand.qual_country or country
        if admin1:
            cand.qual_admin1.add(admin1)
        if parent is not None:
            cand.qual_parent = parent
        if described:
            break  # (a description, not a qualifier: the clause goes on about the city)
        i = stop
        if (
            country
            and i + 2 < n
            and tokens[i].lower in cues()["divisions"]
            and tokens[i + 1].lower == "of"
        ):
            # "Dublin in the US state of Ohio": the country's division qualifies too
            inner = _qualifier_at(i + 2, tokens, gaz, cand, True)
            if inner is not None and inner[2] is not None and inner[1] == country:
                cand.qual_admin1.add(inner[2])
                i = inner[0]
        if (
            admin1
            and i + 2 < n
            and tokens[i].lower in cues()["divisions"] | {"department"}
            and tokens[i + 1].lower == "of"
        ):
            # "Thiers, in the Auvergne region of France": the division's country too
            inner = _qualifier_at(i + 2, tokens, gaz, cand, True)
            if inner is not None and inner[1] == country and inner[2] is None:
                i = inner[0]
        if i + 1 < n and tokens[i].lower in ("'s", "’s") and country:
            # "Changshu in China's Jiangsu province": the country's division qualifies too
            inner = _qualifier_at(i + 1, tokens, gaz, cand, True)
            if inner is not None and inner[2] is not None and inner[1] == country:
                cand.qual_admin1.add(inner[2])
                i = inner[0]
                # (and its word: "Jiangsu province", "Canada's Yukon Territory")
                if i < n and tokens[i].lower in cues()["divisions"] | {"territory"}:
                    i += 1
            else:
                # "Pinhel in Portugal's Guarda district": a division of the country the
                # gazetteer cannot pin down still says where the town lies, and is no
                # place of its own beside it
                k = i + 1
                while k < min(n, i + 4) and tokens[k].text[:1].isupper():
                    k += 1
                if k > i + 1 and k < n and tokens[k].lower in cues()["divisions"] | {"district"}:
                    i = k + 1
                else:
                    # "Miyazu, on Japan's Sea of Japan coast"
                    shore = next(
                        (k for k in range(i + 1, min(n, i + 7)) if tokens[k].lower in _SHORE_WORDS),
                        None,
                    )
                    if shore is not None and all(
                        t.text not in (",", ".") for t in tokens[i + 1 : shore]
                    ):
                        i = shore + 1
        # "(TAR)" and footnote markers ride along with the qualifier.
        if (
            i + 2 < n
            and tokens[i].text == "("
            and tokens[i + 2].text == ")"
            and tokens[i + 1].text.isalpha()
            and tokens[i + 1].text.isupper()
        ):
            i += 3
        cand.qual_end = i


# "as Nelson's sister city": the place named before is the owner's partner
_SHORE_WORDS = frozenset(
    "coast coastline shore shores island islands border peninsula edge outskirts bank "
    "banks delta".split()
)
_ABOVE_CITY = frozenset("province prefecture state county region oblast".split())


def _qualifier_at(j, tokens, gaz: Gazetteer, cand: _Candidate, after_in: bool):
    n = len(tokens)
    best = None
    for k in range(min(n, j + 4), j, -1):
        if any(tokens[x].sent != tokens[j].sent for x in range(j, k)):
            continue
        if not tokens[j].text[:1].isupper():
            return None
        text = " ".join(t.text for t in tokens[j:k])
        key = norm(text.replace(" .", ".").replace(" - ", "-"))
        iso = gaz.countries.get(key)
        if iso and (
            not cand.cities
            or any(c.country == iso for c in cand.cities)
            or not after_in
            or _namesake_partner(cand, tokens)
        ):
            best = (k, iso, None, None)
            break
        divisions = gaz.admin1.get(key, [])
        if divisions:
            cities = cand.cities
            match = [
                d
                for d in divisions
                if any((c.country, c.admin1) == (d.country, d.code) for c in cities)
            ]
            # "Jinan, Shandong Province, China": the division's own word goes with it
            worded = (
                k < n and tokens[k].lower in cues()["divisions"] and tokens[k].text[:1].isupper()
            )
            end = k + 1 if worded else k
            if match:
                d = match[0]
                best = (end, d.country, (d.country, d.code), None)
                break
            if not cities and (cand.suffix_kind or len(divisions) == 1):
                d = divisions[0]
                best = (end, d.country, (d.country, d.code), None)
                break
        if not after_in:
            # "Yangpu District, Shanghai" / "Kunshan, Suzhou City": a bigger city of the
            # same country qualifies a district or a smaller town.
            parents = gaz.cities_for_key(key)
            # "Lerdo, Durango": of the cities so named, the one the town lies in
            # (Victoria de Durango, not Durango in Spain)
            parents = sorted(parents, key=lambda p: not _smaller_in(cand.cities, p))
            # (not a province: "the capital of Hebei, Shijiazhuang, and Des Moines")
            below_city = cand.suffix_kind and cand.suffix_kind not in _ABOVE_CITY
            if (
                parents
                and (below_city or _smaller_in(cand.cities, parents[0]))
                and not _listed_next(k, tokens, gaz)
            ):
                best = (k, parents[0].country, None, parents[0])
                if k < n and tokens[k].lower == "city":
                    best = (k + 1, parents[0].country, None, parents[0])
                break
    return best


def _namesake_partner(cand: _Candidate, tokens) -> bool:
    """ "twinned since 2009 with Antequera in Paraguay": a partner after "with", where
    the towns the gazetteer knows by the name are all small, is a namesake in the
    country the text gives (a big city "in" another country is where something
    happened: "talks with Shanghai in Japan")."""
    return (
        cand.tok_start > 0
        and tokens[cand.tok_start - 1].lower == "with"
        and all(c.population < NAMESAKE_MAX for c in cand.cities)
    )


def _county_then_qualifier(j, tokens, gaz: Gazetteer, cand: _Candidate):
    """ "Ipswich in Suffolk, England": a county the gazetteer lacks (or knows only as a
    town elsewhere), then a division or country where the town lies, qualify it."""
    n = len(tokens)
    for k in range(j + 1, min(n - 1, j + 4)):
        if not all(t.text[:1].isupper() for t in tokens[j:k]) or tokens[k].sent != tokens[j].sent:
            return None
        if tokens[k].text != ",":
            continue
        inner = _qualifier_at(k + 1, tokens, gaz, cand, True)
        if inner is None or inner[3] is not None or not cand.cities:
            return None
        if inner[2] is None and all(c.country != inner[1] for c in cand.cities):
            return None
        return inner
    return None


def _listed_next(k: int, tokens, gaz: Gazetteer) -> bool:
    """What follows a bigger city after a comma makes it a name of its own, not the
    town's parent: a list goes on ("Tacoma, Seattle and Brisbane", "Tacoma, Seattle,
    Kobe") or the city is a subject ("Like Tacoma, Seattle has ..."); "Kunshan, Suzhou,
    Jiangsu" and "Kunshan, Suzhou, China" go on with the town's region or country."""
    if k >= len(tokens) or tokens[k].sent != tokens[k - 1].sent:
        return False
    nxt = tokens[k]
    if nxt.lower in ("and", "or", "&", "'s", "’s") or nxt.pos in ("VERB", "AUX"):
        return True
    if nxt.text != "," or k + 1 >= len(tokens) or not tokens[k + 1].text[:1].isupper():
        return False
    key = norm(tokens[k + 1].text)
    return key not in gaz.countries and key not in gaz.admin1 and bool(gaz.cities_for_key(key))


_NEAR_PHRASES = r"(?:near|outside|just outside|close to|on the edge of|on the outskirts of)"
_NEAR = re.compile(_NEAR_PHRASES + " ")
_LANDMARK_BEFORE = re.compile(r"\b" + _NEAR_PHRASES + r"\s+$", re.IGNORECASE)
_TIE_BEFORE = frozenset("twinning twinned twinnings jumelage".split())
_WHOSE_TIES = frozenset("bond link links ties twinning partnership friendship".split())
_WHOSE_TWIN = frozenset("partner twin sister town city twin-town sister-city".split())
_OPENING_TIES = frozenset("bond link twinning friendship ties".split())
_TIED_UNITS = frozenset("city cities town towns -".split())
_TIE_KINDS = frozenset("friendship twinning sister-city twin-city twin-town sister twin".split())


PLACE_NOUNS = frozenset(
    "town commune village city municipality suburb borough port resort capital".split()
)
_COUNCIL_MEMBERS = frozenset("councillors councilors councilmen aldermen officials".split())
_COUNCIL_OF = frozenset("town city village borough parish municipal".split())
# "Shellharbour City Council", "Llanbadarn Fawr Community Council": no part of the name
_COUNCIL_KIND_WORDS = frozenset(("Community", "Parish", "Town", "City"))
# Words of a body's title that name no place by themselves
_GENERIC_NAME_WORDS = frozenset(
    "metropolitan municipal municipality provincial regional city town village county "
    "district borough parish council board government administration corporation assembly "
    "authority local".split()
)
_TIE_WORDS = frozenset("sister twin partner friendship sister-city twin-town cities towns".split())


def _capitals_heading(i: int, j: int, sent, tokens, text: str) -> bool:
    """A line in capitals of two words or more, on a line of its own."""
    if not tokens[i].text.isupper():
        return False  # (asked of every name run: the cheap test first)
    start = text.rfind("\n", 0, tokens[i].start) + 1
    end = text.find("\n", tokens[j - 1].end)
    line = text[start : end if end >= 0 else len(text)]
    words = re.findall(r"[^\W\d_]+", line)
    return len(words) >= 2 and all(w.isupper() for w in words)


_COUNCIL_BODIES = frozenset("council councillors councilors hall".split())
COMPASS = frozenset("north south east west northeast northwest southeast southwest".split())


# "the municipal council of Tepebaşı", "the Lithuanian spa towns of Druskininkai", "the
# district of Machupicchu"
_OF_TOWN_TITLED = frozenset("City Town Village Municipality Borough".split())
_BODY_HEADS = frozenset("Corporation Council Government".split())
_OF_TOWN = frozenset(
    "council municipality mayor mayors towns cities villages municipalities communes "
    "city town village district commune parish".split()
)


def _bracket_partner(i: int, j: int, sent, tokens) -> bool:
    """A town paired with its partner in brackets: "the spa towns of Druskininkai (with
    Zelenogradsk) and Birstonas (with Svetly) terminated their agreements"."""
    opens = j + 2 < sent.tok_end and tokens[j].text == "(" and tokens[j + 1].lower == "with"
    return opens or _in_with_brackets(i, j, sent, tokens)


def _in_with_brackets(i: int, j: int, sent, tokens) -> bool:
    """tokens[i:j] is all of a "(with ...)" bracket."""
    return (
        i - 2 >= sent.tok_start
        and tokens[i - 2].text == "("
        and tokens[i - 1].lower == "with"
        and j < sent.tok_end
        and tokens[j].text == ")"
    )


_YEAR_TOKEN = re.compile(r"(?:1[89]|20)\d\d")


def _dated_list_item(cand: _Candidate, tokens) -> bool:
    """A one-word name after a dated item of a list and dated itself the same way: "...,
    since 1965, and Kholmsk, on Sakhalin, since 1975"."""
    i, j = cand.tok_start, cand.tok_end
    if j - i != 1 or i < 4:
        return False
    sent = tokens[i].sent
    before = [t for t in tokens[i - 4 : i] if t.sent == sent]
    if (
        not before
        or before[-1].lower not in ("and", ",")
        or not any(_YEAR_TOKEN.fullmatch(t.text) for t in before[-3:])
    ):
        return False
    after = [t for t in tokens[j : j + 7] if t.sent == sent]
    for k, t in enumerate(after[:-1]):
        if t.lower in ("since", "(") and _YEAR_TOKEN.fullmatch(after[k + 1].text):
            return True
        if t.text == "." or t.lower in ("and", "with", "who", "which"):
            break
    return False


def _opens_dated_list(cand: _Candidate, tokens) -> bool:
    """A name with a year in brackets, followed by more such items: "Béthune (1960),
    Schwerte (1982) and Oudenaarde (1992)"."""
    j = cand.tok_end
    sent = tokens[cand.tok_start].sent
    after = [t for t in tokens[j : j + 10] if t.sent == sent]
    if len(after) < 8 or after[0].text != "(" or after[2].text != ")":
        return False
    if not _YEAR_TOKEN.fullmatch(after[1].text) or after[3].lower not in (",", ";", "and"):
        return False
    return any(
        t.text == "("
        and _YEAR_TOKEN.fullmatch(after[k + 1].text)
        and after[k - 1].text[:1].isupper()
        for k, t in enumerate(after[4:-1], start=4)
    )


def _listed_with_place(i: int, j: int, sent, tokens, candidates) -> bool:
    """A name with a year in brackets ("Kilrush (1986)"), coordinated in a list with a
    place the gazetteer knows ("Dartmouth (1972), Kilrush (1986) and Betanzos (2004)")."""
    if not (j + 2 < sent.tok_end and tokens[j].text == "(" and tokens[j + 2].text == ")"):
        return False
    if not _YEAR_TOKEN.fullmatch(tokens[j + 1].text):
        return False
    known = [
        c for c in candidates.values() if c.cities and sent.tok_start <= c.tok_start < sent.tok_end
    ]
    for c in known:
        # the known place also carries a bracketed year, and the two are one list:
        # only commas, "and" and other such items between them
        e = c.tok_end
        if not (e + 2 < sent.tok_end and tokens[e].text == "(" and tokens[e + 2].text == ")"):
            continue
        lo, hi = (e + 3, i) if c.tok_end <= i else (j + 3, c.tok_start)
        between = tokens[lo:hi]
        if len(between) <= 12 and all(
            t.text in (",", "(", ")", ";")
            or t.lower in ("and", "&")
            or t.text[:1].isupper()
            or _YEAR_TOKEN.fullmatch(t.text)
            for t in between
        ):
            return True
    return False


_SUBJECT_TIES = frozenset(
    "sister twin twinning friendship partnership sister-city twin-town".split()
)


def _tie_subject_with_place(i: int, j: int, tokens, candidates) -> bool:
    """A name coordinated with a place the gazetteer knows as the subjects of a verb
    whose object or complement is their tie ("Bathurst and Ohkuma signed a sister city
    agreement in 1991")."""
    if i < 2 or tokens[i - 1].lower not in ("and", "&"):
        return False
    known = next((c for c in candidates.values() if c.cities and c.tok_end == i - 1), None)
    # (the name's head: "Sesto Fiorentino and Norcia to become twin towns")
    if known is None or tokens[known.tok_end - 1].dep != "nsubj":
        return False
    verb = tokens[known.tok_end - 1].head
    if tokens[j - 1].head != known.tok_end - 1 and tokens[j - 1].dep != "conj":
        return False
    return any(
        t.head == verb
        and t.dep in ("dobj", "attr")
        and any(w.lower in _SUBJECT_TIES for w in tokens[max(verb + 1, t.i - 3) : t.i + 1])
        for t in tokens[verb + 1 : verb + 6]
    )


def _tie_subject_before_place(i: int, j: int, tokens, candidates) -> bool:
    """The same, the name first: "Lismore and Yamato-Takada have been sister cities
    since 1963"."""
    if j + 1 >= len(tokens) or tokens[j].lower not in ("and", "&"):
        return False
    known = next((c for c in candidates.values() if c.cities and c.tok_start == j + 1), None)
    if known is None or tokens[j - 1].dep != "nsubj":
        return False
    verb = tokens[j - 1].head
    return any(
        t.head == verb
        and t.dep in ("dobj", "attr")
        and any(w.lower in _SUBJECT_TIES for w in tokens[max(verb + 1, t.i - 3) : t.i + 1])
        for t in tokens[verb + 1 : verb + 6]
    )


def _titled_name_before(of: int, sent, tokens, c) -> bool:
    """ "Mayor Jens Johansen of": a mayor's title and name right before "of"."""
    for k in range(of - 1, max(sent.tok_start, of - 5) - 1, -1):
        if k < of - 1 and tokens[k].lower in c["mayor_titles"]:
            return True
        if tokens[k].pos != "PROPN":
            return False
    return False


def _named_after_its_country(i, j, sent, tokens, text: str, gaz: Gazetteer) -> bool:
    """ "a sister city in South Korea, Paju, with which it signed": the partner named in
    apposition right after the country it is in (not the first of a list)."""
    start = tokens[i].start
    before = _PARTNER_IN_COUNTRY.search(text, max(sent.start, start - 60), start)
    return (
        before is not None
        and gaz.countries.get(norm(before.group(1))) is not None
        and j < sent.tok_end
        and _APPOSITION_END.match(text, tokens[j - 1].end) is not None
    )


_FEATURE_NAMES = frozenset("River Delta Estuary Basin Gorge".split())


def _set_in_own_region(cand: _Candidate, tokens, gaz: Gazetteer) -> bool:
    """ "X, a/an ... in (northwestern) <its own province or country>,": the name a
    gazetteer town whose description locates it where that town lies."""
    j = cand.tok_end
    sent_end = len(tokens)
    if j + 3 >= sent_end or tokens[j].text != "," or tokens[j + 1].lower not in ("a", "an", "the"):
        return False
    for k in range(j + 2, min(j + 10, sent_end - 1)):
        t = tokens[k]
        if t.text in ",;:" or t.pos == "AUX" or t.tag in ("VBD", "VBZ", "VBP"):
            return False
        if t.lower != "in":
            continue
        k += 1
        if k < sent_end and tokens[k].lower == "the":
            k += 1
        if k < sent_end and (
            tokens[k].lower in _COMPASS or tokens[k].lower in ("north", "south", "east", "west")
        ):
            k += 1
        run = []
        while k < sent_end and tokens[k].text[:1].isupper() and len(run) < 3:
            run.append(tokens[k].text)
            k += 1
        if not run:
            return False
        key = norm(" ".join(run))
        regions = {(d.country, d.code) for d in gaz.admin1.get(key, [])}
        country = gaz.countries.get(key)
        return any((c.country, c.admin1) in regions or c.country == country for c in cand.cities)
    return False


def _described_as_place(i: int, j: int, sent, tokens) -> bool:
    """A name the gazetteer lacks described as a place in apposition: "Juvisy-sur-Orge,
    a commune south of Paris, put its twinning ..." (not "Ann Lee, a town councillor"),
    or named with its council: "Hay-on-Wye town councillors discussed ..."."""
    if (
        j + 1 < sent.tok_end
        and tokens[j].lower in _COUNCIL_OF
        and tokens[j + 1].lower in (_COUNCIL_BODIES)
    ):
        return True
    if i == sent.tok_start and j < sent.tok_end and tokens[j].text == "(":
        # "Tenby (Welsh: Dinbych-y-pysgod) is a walled seaside town": an encyclopedia's
        # bracketed other names before what the place is
        close = next(
            (k for k in range(j, min(j + 20, sent.tok_end)) if tokens[k].text == ")"), None
        )
        if close is not None:
            j = close + 1
    if (
        i == sent.tok_start
        and j + 3 < sent.tok_end
        and tokens[j].lower in ("is", "was")
        and tokens[j + 1].lower in ("a", "an")
    ):
        # "Kendal is a market town in Cumbria"
        for k in range(j + 2, min(j + 5, sent.tok_end - 1)):
            t = tokens[k]
            if t.lower in PLACE_NOUNS:
                return tokens[k + 1].lower in ("in", "on", "near", "of")
            if t.pos not in ("ADJ", "PROPN") and t.dep not in ("amod", "compound"):
                return False
        return False
    if j + 2 >= sent.tok_end or tokens[j].text != ",":
        return False
    if (
        _particled(i, j, tokens)
        and tokens[j + 1].lower in ("near", "outside")
        and tokens[j + 2].text[:1].isupper()
    ):
        return True  # "Saint-Jean-de-Braye, near Orléans in France, which ..."
    # "Gien, the riverside town on the Loire" too
    if tokens[j + 1].text[:1].isupper() and j + 3 < sent.tok_end:
        # "Mariana, Ouro Preto's smaller neighbour": described by the place it neighbours
        k = j + 2
        while k < min(j + 4, sent.tok_end - 1) and tokens[k].pos == "PROPN":
            k += 1
        if tokens[k].lower in ("'s", "’s"):
            k += 1
            while k < sent.tok_end - 1 and tokens[k].pos == "ADJ":
                k += 1
            return k < sent.tok_end and tokens[k].lower in ("neighbour", "neighbor")
    if tokens[j + 1].lower not in ("a", "an", "the"):
        return False
    hyphened = 0
    for k in range(j + 2, min(j + 7, sent.tok_end)):
        t = tokens[k]
        if t.text == "-" or (k + 1 < sent.tok_end and tokens[k + 1].text == "-"):
            hyphened += 1  # "a cider-making town", "a well-known spa"
            continue
        if k - hyphened > j + 4:
            return False
        if t.lower in PLACE_NOUNS and not (
            k + 1 < sent.tok_end and t.dep == "compound" and tokens[k + 1].lower in PLACE_NOUNS
        ):  # ("Mindelo, the port city on São Vicente": the last of the nouns)
            nxt = tokens[k + 1] if k + 1 < sent.tok_end else None
            # (the parser may hang "a commune south of Paris" on "south")
            appos = t.dep == "appos" or tokens[t.head].dep == "appos"
            # ("Asilah, the whitewashed port south of Tangier", misparsed as an object:
            # where it lies says what it is)
            located = nxt is not None and nxt.lower in COMPASS and k + 2 < sent.tok_end
            located = located and tokens[k + 2].lower == "of"
            return (appos or located) and (
                nxt is None
                or nxt.lower in COMPASS
                # (not "Santiago Wanderers, the city's football club")
                or (nxt.pos not in ("NOUN", "PROPN") and nxt.lower not in ("'s", "’s"))
            )
        # "a small market town", "a Somerset village", "a fishing town of 3,000"
        if t.pos not in ("ADJ", "NUM", "PROPN") and t.dep not in ("amod", "compound"):
            return False
    return False


_ADMIN_AFFIXES = frozenset("county district borough province prefecture state governorate".split())
_NAMED_WITH_SUFFIX = frozenset("county province region oblast".split())
_AREA_MODIFIERS = frozenset(
    "municipal metropolitan rural urban local new special autonomous administrative".split()
)
_COUNTY_BODIES = frozenset(
    "executive executives council councils councillor councilor commissioner commissioners "
    "fair court courts board government hall seat clerk attorney sheriff administrator "
    "manager office officials police schools library line road chairman chair mayor".split()
)
# Words that make a sentence talk of a tie, for names known only by their affix.
_AFFIX_TIE_WORDS = frozenset(
    "sister twin twinned twinning friendship friendly partnership partner partnered partners "
    "twins paired relationship "
    "relationships agreement agreements partnerships twinnings ties tie link links sister-city "
    "sister-county sister-province sister-state jumelage städtepartnerschaft "
    "hermanamiento gemellaggio".split()
)


_FEATURES = frozenset(
    "sea seas gulf bay ocean strait straits lake river coast island islands peninsula "
    "mountains republic kingdom people government".split()
)


def _of_country(i: int, j: int, sent, tokens, gaz: Gazetteer, text: str) -> bool:
    """ "Luang Prabang of Laos": a name the gazetteer lacks followed by "of" and a
    country (which `_qualify` then reads); not "Bank of China", "University of Malaya"."""
    if j + 1 >= sent.tok_end or tokens[j].lower != "of":
        return False
    c = cues()
    words = {t.lower for t in tokens[i:j]}
    if words & (
        c["institution_words"] | c["person_titles"] | _COUNCIL_KINDS | _COUNCIL_BODIES | _FEATURES
    ):
        return False  # (nor "the Sea of Japan", "the Gulf of Thailand")
    if _written_lower(tokens[i].text, text):
        return False  # a word the text also writes in lower case: "Bank of China"
    return any(
        norm(" ".join(t.text for t in tokens[j + 1 : j + 1 + n])) in gaz.countries
        for n in (3, 2, 1)
        if j + 1 + n <= sent.tok_end
    )


def _tie_talk(sent, tokens) -> bool:
    """Whether a sentence speaks of a tie (the condition for names known only by their
    affix, their council or their country)."""
    return bool({t.lower for t in tokens[sent.tok_start : sent.tok_end]} & _AFFIX_TIE_WORDS)


def _written_lower(word: str, text: str) -> bool:
    """The text also writes the word in lower case: a common word, not a name ("Sister
    Cities" over "sister city", "Arts Council")."""
    return bool(re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", text))


def _lower_affix(i: int, j: int, sent, tokens) -> tuple[str, str] | None:
    """ "The Osmangazi municipality of Türkiye's Bursa province", "Istanbul's Üsküdar
    district": a name the gazetteer lacks, called a municipality or district in a
    sentence about a tie."""
    if j >= sent.tok_end or tokens[j].text not in ("municipality", "district"):
        return None
    if i == sent.tok_start or tokens[i - 1].lower not in ("the", "'s", "’s"):
        return None
    return "district", norm(" ".join(t.text for t in tokens[i:j]))


_VISITORS = frozenset(
    "guests visitors visitor delegation delegates residents students pupils officials".split()
)


def _visitors_from(i: int, j: int, tokens) -> bool:
    """ "more than 60 guests from Concarneau arrived to celebrate the 30-year
    partnership": in a sentence about a tie, where the visitors came from is a town."""
    return (
        j - i <= 3 and i >= 2 and tokens[i - 1].lower == "from" and tokens[i - 2].lower in _VISITORS
    )


def _borough_of(k: int, tokens) -> bool:
    """Token k opens "Borough of <Name>": the borough is the name after it, not the
    city before it ("the London Borough of Tower Hamlets" is Tower Hamlets)."""
    return (
        k + 2 < len(tokens)
        and tokens[k].text == "Borough"
        and tokens[k + 1].text == "of"
        and tokens[k + 2].text[:1].isupper()
    )


def _admin_affix(i: int, j: int, sent, tokens) -> tuple[str, str] | None:
    """(kind, name key) of a name the gazetteer lacks that carries an administrative
    affix ("County Kerry", "Jongno District", "Cebu Province") in a sentence about a
    tie; None otherwise."""
    if j - i < 2:
        return None
    first, last = tokens[i], tokens[j - 1]
    if first.lower == "county" and first.text == "County":
        name = tokens[i + 1 : j]
        kind = "county"
        if name[0].lower in _COUNTY_BODIES:
            return None  # "the County Executive", "County Council"
    elif last.lower in _ADMIN_AFFIXES and last.text[:1].isupper():
        if j < sent.tok_end and tokens[j].lower == "of":
            return None  # "the Royal Borough of Greenwich": the name follows
        name = tokens[i : j - 1]
        while name and name[-1].lower in _AREA_MODIFIERS:
            name = name[:-1]  # "Ballina Municipal District" is Ballina's district
        kind = last.lower
    else:
        return None
    if not name:
        return None
    if any(not t.text[:1].isupper() and t.text not in ("-", "'") for t in name[:1]):
        return None
    return kind, norm(" ".join(t.text for t in name))


_OF_TOWNS = frozenset("mayors towns cities villages municipalities communes councils".split())


def _second_of_plural(i: int, sent, tokens) -> bool:
    """A name after "and" ending "<the mayors / towns> of X and ...": the second of the two
    places the plural names."""
    if i - 3 < sent.tok_start or tokens[i - 1].lower != "and":
        return False
    k = i - 2
    while k > max(sent.tok_start, i - 7) and tokens[k].text[:1].isupper():
        k -= 1
    return (
        k < i - 2
        and tokens[k].lower == "of"
        and k - 1 >= sent.tok_start
        and tokens[k - 1].lower in _OF_TOWNS
    )


def _tie_frames(i: int, j: int, sent, tokens) -> bool:
    """A name the gazetteer lacks framed as one side of a twinning: "the town's twinning
    with Erquy", "Hay is also twinned with Redu"."""
    if i >= 2 and tokens[i - 1].lower == "with" and tokens[i - 2].lower in _TIE_BEFORE:
        return True
    if (
        i >= 3
        and tokens[i - 1].lower == "with"
        and tokens[i - 2].text == ","
        and tokens[i - 3].lower in _TIE_BEFORE
    ):
        return True  # "credited with the first formal twinning, with Poix-du-Nord"
    if (
        i >= 4
        and tokens[i - 1].lower == "with"
        and tokens[i - 2].text.isdigit()
        and tokens[i - 3].lower in ("since", "in")
        and tokens[i - 4].lower in _TIE_BEFORE
    ):
        return True  # "has been twinned since 1996 with Ribeira Grande de Santiago"
    if i >= 3 and tokens[i - 1].lower == "with" and j - i <= 6:
        k = i - 2
        while k > max(sent.tok_start, i - 6) and tokens[k].text[:1].isupper():
            k -= 1
        if k < i - 2 and tokens[k].lower in ("twin", "twinning"):
            return True  # "Plans to twin Ely with Rupt-sur-Moselle"
    if (
        i >= 3
        and tokens[i - 1].lower == "with"
        and tokens[i - 2].lower in rel_nouns()
        and (
            tokens[i - 3].lower in _TIE_KINDS
            # "Ipswich's sister city relationship with Nerima"
            or (i >= 4 and tokens[i - 3].lower in _TIED_UNITS and tokens[i - 4].lower in _TIE_KINDS)
        )
        and j - i <= 2
    ):
        return True  # "its friendship agreement with Pechenga" (the model's ORG)
    if (
        i >= 2
        and tokens[i - 1].lower == "with"
        and (tokens[i - 2].lower in rel_nouns() or tokens[i - 2].lower in _TALKS)
        and _particled(i, j, tokens)
    ):
        # ("began talks with Saint-Aubin-du-Cormier ..., and the twinning charter")
        return True  # "its dormant link with Magny-en-Vexin": a commune's name
    if (
        i >= 3
        and tokens[i - 1].lower == "between"
        and tokens[i - 2].lower in rel_nouns()
        and tokens[i - 3].lower in _TIE_KINDS | {"city", "town"}
        and j - i <= 2
        and j < sent.tok_end
        and tokens[j].lower in ("and", "&")
    ):
        return True  # "the Sister City Agreement between Shellharbour and Kaizuka"
    if (
        i >= 3
        and tokens[i - 1].lower == "with"
        and tokens[i - 2].lower in _WHOSE_TIES
        and tokens[i - 3].lower == "whose"
        # a town's, not "the city's football club, whose partnership with CD Tenerife"
        and i >= 5
        and tokens[i - 4].text == ","
        and tokens[i - 5].pos == "PROPN"
        and j - i <= 2
    ):
        return True  # "Calne, whose bond with Charlieu in the Loire department"
    if (
        i == sent.tok_start + 3
        and tokens[i - 1].lower == "with"
        and tokens[i - 2].lower in _OPENING_TIES
        and tokens[i - 3].lower in ("the", "its", "our", "their")
        and j - i <= 3
        and j < sent.tok_end
        and tokens[j].text == ","
    ):
        return True  # "The bond with St. Moritz, sealed in 1985, still brings ..."
    k = i - 1
    while k > i - 3 and k > sent.tok_start and tokens[k].lower in _WHOSE_TWIN:
        k -= 1
    if (
        k < i - 1
        and k >= sent.tok_start + 2
        and tokens[k].lower == "whose"
        and tokens[k - 1].text == ","
        and tokens[k - 2].pos == "PROPN"
        and j - i <= 2
    ):
        return True  # "Corsham, whose partner Bourgueil", "..., whose twin town Redu"
    if (
        j + 3 < sent.tok_end
        and tokens[j].text == ","
        and tokens[j + 1].lower == "whose"
        and tokens[j + 2].lower in _WHOSE_TIES
        and tokens[j + 3].lower == "with"
        and j - i <= 2
    ):
        return True  # "Calne, whose bond with Charlieu ...": the town that holds it
    # The subject starts its clause: not the tail of a longer name ("Bad Homburg vor
    # der Höhe is twinned with").
    prev = tokens[i - 1] if i > sent.tok_start else None
    after = [t.lower for t in tokens[j : min(j + 4, sent.tok_end)]]
    # A possessor may follow a lower-case word ("the war that froze Pwllheli's
    # twinning"); a capitalised one is the head of a longer name.
    if (
        prev is not None
        and prev.text.isalpha()
        and prev.lower not in ("and", "but", "while")
        and prev.lower not in cues()["neighbour_words"]  # "Neighbouring Lewisham is twinned"
        and (
            prev.text[:1].isupper()
            or after[:1] not in (["'s"], ["’s"])
            or prev.pos not in ("VERB", "AUX", "ADP", "CCONJ", "SCONJ", "DET")
            # ("the Yogyakarta Special Region's": a name of words; not "of Council's")
            or any(t.lower in _BODY_WORDS for t in tokens[i:j])
            or (prev.pos == "DET" and j - i < 2)
        )
    ):
        return False
    if after[:1] in (["'s"], ["’s"]) and (
        after[1:2] == ["twinning"]
        or (
            after[1:2] in (["sister"], ["twin"], ["partner"], ["friendship"])
            and after[2:3]
            and after[2] in _TIED_UNITS
        )
    ):
        return True  # "Lismore's sister city relationships", "Hay's twinning with Redu"
    if after[:1] in (["'s"], ["’s"]) and after[1:3] in (
        ["friendship", "with"],
        ["partnership", "with"],
    ):
        return True  # "Lismore's friendship with Yangzhou"
    held = [t.lower for t in tokens[j : min(j + 7, sent.tok_end)]]
    if (
        held[:1] in (["has"], ["had"], ["maintains"], ["signed"])
        and held[1:2] in (["a"], ["an"])
        and any(w in _REL_WORDS or w in _TIE_WORDS for w in held[2:4])
        and "with" in held[3:6]
    ):
        return True  # "Sør-Varanger has a twinning agreement with Severomorsk"
    if after[:2] in (["has", "been"], ["had", "been"], ["have", "been"]):
        after = after[1:] + [""]  # "since 2007 Tenby has been twinned with"
    if (
        prev is not None
        and prev.lower in ("and", "&")
        and after[:1] in (["are"], ["were"], ["been"])
        and after[1:2] == ["twinned"]
    ):
        return True  # "Kinsale and Mumbles have been twinned since 1979": the second side
    return after[:1] in (["is"], ["was"], ["been"]) and "twinned" in after[1:3] and "with" in after


def _acting_on_own_tie(i: int, j: int, sent, tokens) -> bool:
    """The name acts, or is asked to act, on its own tie."""
    if any(t.lower in _BODY_WORDS for t in tokens[i:j]):
        # ("Faversham Town Council ended its twinning", "voted to ask City Council to
        # end ...": the council's own cue)
        return False
    return _acts_on_own_tie(i, j, sent, tokens) or _urged_to_act(i, j, sent, tokens)


_TALKS = frozenset(("talks", "negotiations"))
_BODY_WORDS = frozenset("council town city county".split())


def _acts_on_own_tie(i: int, j: int, sent, tokens) -> bool:
    """A name the gazetteer lacks as the subject acting on its own tie: "Shellharbour has
    ended its agreement with Kaizuka"."""
    if i > sent.tok_start and tokens[i - 1].text.isalpha():
        return False  # (the subject starts its clause)
    if j - i > 3:
        return False
    # "Żabbar local council voted in May to end its twinning with ...": the name's own
    # body acts for it
    k = j + 1 if j < sent.tok_end and tokens[j].lower in ("'s", "’s") else j
    while k < sent.tok_end and k - j < 3 and tokens[k].lower in _GENERIC_NAME_WORDS:
        k += 1
    bodied = k > j and tokens[k - 1].lower in _BODIES
    if bodied:
        j = k
    if j < sent.tok_end and tokens[j].text == ",":
        # "Chipping Norton, on the other hand, ditched its dormant link with ...": past
        # a phrase set off after the subject
        hi = min(j + 7, sent.tok_end)
        close = next((k for k in range(j + 1, hi) if tokens[k].text == ","), None)
        if close is not None:
            j = close + 1
    words = list(tokens[j : min(j + 9, sent.tok_end)])
    if not words or words[0].pos not in ("AUX", "VERB"):
        return False
    for k, t in enumerate(words[:4]):
        # "Fremantle has cut ties with its sister city Kobe" (or "with Kobe, its sister
        # city"): the partner is its own
        if (
            t.lower in _TIE_PLURALS
            and k + 2 < len(words)
            and words[k + 1].lower == "with"
            and tokens[t.head].lemma in _ACTS_ON_TIES
            and _its_own_partner(words[k + 2].i, sent, tokens)
        ):
            return True
    # (a body's vote reaches further: "voted in May to end its twinning with")
    for k, t in enumerate(words[: 7 if bodied else 5]):
        if t.lower in ("its", "their") and k + 2 < len(words):
            if any(w.pos == "PROPN" and w.ent_type != "DATE" for w in words[:k]):
                return False  # "Opposition MPs urged Vilnius to abandon its ...": Vilnius's
            verb = tokens[t.head].head if t.head != t.i else t.i
            n = k + 1
            while n < len(words) - 2 and words[n].pos == "ADJ":
                n += 1  # "ditched its dormant link with Magny-en-Vexin"
            return (
                tokens[verb].lemma in _ACTS_ON_TIES
                and words[n].lower in _tie_words()
                and words[n + 1].lower == "with"
            )
    return False


_BODIES = frozenset("council board assembly corporation".split())
_ACTS_ON_TIES = frozenset(
    "end sever cut terminate suspend freeze scrap cancel sign renew formalise formalize "
    "review break dissolve ditch drop axe abandon rescind".split()
)
_TIE_PLURALS = frozenset("ties links relations".split())
_URGING = frozenset("urge urges urged urging ask asks asked asking press pressed pressing".split())


def _urged_to_act(i: int, j: int, sent, tokens) -> bool:
    """A name asked to act on its own tie: "a petition calling on Bath to sever ties with
    Braunschweig", "urged Vilnius to end its partnership with Minsk"."""
    if i < 2 or j - i > 3 or j + 2 >= sent.tok_end:
        return False
    called_on = tokens[i - 1].lower == "on" and tokens[i - 2].lemma == "call"
    if not (called_on or tokens[i - 1].lower in _URGING):
        return False
    if tokens[j].lower != "to" or tokens[j + 1].lemma not in _ACTS_ON_TIES:
        return False
    rest = tokens[j + 2 : min(j + 6, sent.tok_end)]
    return any(
        t.lower in _tie_words() and k + 1 < len(rest) and rest[k + 1].lower == "with"
        for k, t in enumerate(rest)
    )


def _its_own_partner(k: int, sent, tokens) -> bool:
    """The partner at `k` is called the subject's own: "its sister city Kobe", "Kobe,
    its Japanese sister city"."""
    if tokens[k].pos == "PROPN":
        while k < sent.tok_end and tokens[k].pos == "PROPN":
            k += 1
        if k + 1 >= sent.tok_end or tokens[k].text != ",":
            return False
        k += 1
    if tokens[k].lower not in ("its", "their"):
        return False
    return any(w.lower in _REL_WORDS for w in tokens[k + 1 : min(k + 4, sent.tok_end)])


def _smaller_in(cities: tuple[City, ...], parent: City) -> bool:
    return any(
        c.country == parent.country
        and c.admin1 == parent.admin1
        and c.population < parent.population
        and c.geonameid != parent.geonameid
        for c in cities
    )


# --- cues -----------------------------------------------------------------------


_DIVISION_WORDS = frozenset(
    "state province region oblast governorate department voivodeship prefecture".split()
)


def _demonym_before(i: int, tokens, gaz: Gazetteer) -> str | None:
    """The country of a demonym just before a word ("the Mexican state")."""
    if i >= 1:
        return gaz.demonyms.get(tokens[i - 1].lower) or gaz.demonyms.get(norm(tokens[i - 1].text))
    return None


_BODY_KINDS = frozenset(
    "regional city town district municipal county borough shire common metropolitan".split()
)
_UNITED_COUNTRY = re.compile(r"\bunited (?:kingdom|states|arab emirates|republic)\b")


_PERSONS_HOME = re.compile(r"['’]s (?:home ?town|birthplace|native (?:town|city|village))\b")


def _cue(
    cand: _Candidate, tokens: tuple[Token, ...], parsed: Parsed, gaz: Gazetteer, doc: DocPlaces
) -> str:
    """Why this name is a place here, or "" when it is not (or not sure)."""
    c = cues()
    first = tokens[cand.tok_start]
    if cand.key in c["continents"]:
        return ""  # "Tauranga's ties with Asia": a continent is no partner
    if cand.key in MONTHS_DAYS and not cand.cities:
        return ""  # "In late January, Nauru's government ...": a month, whatever follows
    if cand.key in doc.acronyms:
        return ""  # "asked SKR to help it": the association the text abbreviated so
    if cand.tok_end < len(tokens) and tokens[cand.tok_end].text in _FEATURE_NAMES:
        return ""  # "In Davenport, on the Mississippi River": a river, not the state
    if cand.key in doc.rivers or cand.key in doc.nicknames:
        return ""  # "the Ahr valley ... pictures of the Ahr": a river, not Ahar in Iran
    if cand.tok_end < len(tokens) and tokens[cand.tok_end].lower in _REGION_ADJECTIVES:
        return ""  # "Central Asian countries"
    if _SAYS_HE.match(parsed.text, tokens[cand.tok_end - 1].end):
        return ""  # "Nelson said he wanted to wake up the sister-city relationship": a
        # candidate by surname (a city says "it")
    if cand.cue in ("place.list_item", "place.described", "place.city_of"):
        return cand.cue
    if _particled_town(cand, tokens) and capitalised(first.text):
        return "place.known"  # "Twinned with Aberystwyth since 1977, Kronberg im Taunus sent"
    if _PERSONS_HOME.match(parsed.text, tokens[cand.tok_end - 1].end):
        return ""  # "a sister-city tie with Vasco da Gama's hometown": a person
    sent = parsed.sentences[first.sent]
    if _described_as_place(cand.tok_start, cand.tok_end, sent, tokens):
        return "place.described"  # "Juvisy-sur-Orge, a commune south of Paris, .."
    if _tie_talk(sent, tokens) and _bracket_partner(cand.tok_start, cand.tok_end, sent, tokens):
        return "place.described"  # "Druskininkai (with Zelenogradsk)", tagged as people
    if cand.cities and _OWN_TIE_APPOSED.match(parsed.text, tokens[cand.tok_end - 1].end):
        return "place.described"  # "Napier, the city's New Zealand link", tagged ORG
    if cand.cities and _WHOSE_TOWN.match(parsed.text, tokens[cand.tok_end - 1].end):
        return "place.described"  # "his colleague from Vila Real, whose town has been"
    if cand.cities and _set_in_own_region(cand, tokens, gaz):
        # "Xiangyang, an automobile manufacturing base in northwestern Hubei, and Dayton"
        # (tagged a person): a description that puts the town in its own province
        return "place.described"
    if _opens_list_line(cand, tokens, parsed, doc):
        return "place.list_item"  # "Zaporizhzhia | Ukraine | 2023 |", whatever the tagger says
    if _heads_an_entry(cand, tokens, parsed):
        return "place.entry"  # "■ Lijiang (Yunnan Province)" over "Friendship city ...: 2000"
    if not capitalised(first.text):
        return ""
    if (
        cand.key in gaz.demonyms
        and cand.tok_start > 0
        and tokens[cand.tok_start - 1].lower in ("the", "a", "an")
        and cand.tok_end < len(tokens)
        and tokens[cand.tok_end].lower in _PEOPLES_PLACE
    ):
        return ""  # "the Kazakh city of Turkistan": a people's city, not Petropavl
    if (
        cand.container
        and cand.tok_end + 1 < len(tokens)
        and tokens[cand.tok_end].lower in _COUNCIL_ABBREVIATIONS
        and cand.container_text.endswith(tokens[cand.tok_end].text)
        and cand.cities
    ):
        return "place.modifier"  # "Kandy MC approves ...": the town's municipal council
    if cand.container:
        # ("the United Kingdom and Elyria": a country's "United" is no football club's)
        words = set(_UNITED_COUNTRY.sub(" ", norm(cand.container_text)).replace("-", " ").split())
        if cand.container == "PERSON":
            return ""  # "Paris Hilton", "Kai Pan"
        if (
            _twinning_body(words)
            and cand.cities
            # (a town the text names as a place elsewhere, by its own name; not "The
            # Cumbria Twinning Association", a county the gazetteer knows only as
            # another name of a town)
            and cand.key in doc.known
            and any(norm(city.name) == cand.key for city in cand.cities)
            and not cand.divisions  # ("The Cumbria Twinning Association": a county's)
            # (not "the Exeter-Rennes Twinning Association": a name is no statement of
            # the pair it names)
            and not re.search(r"\w[-–]\w", cand.container_text.replace(" ", ""))
        ):
            # "The Stroud Twinning Association celebrated 30 years of links with
            # Saint-Ismier": a town's twinning body speaks for the town's ties
            return "place.twinning_body"
        if words & c["institution_words"] and not _city_body(words):
            return "org.institution"  # "Xiamen University", "Tianjin Conservatory of Music"
    # (words of this sentence only: a headline ending "... with German town" is not
    # "German town Ho" in the dateline parsed right after it)
    before = [t.lower for t in tokens[max(sent.tok_start, cand.tok_start - 3) : cand.tok_start]]
    # (a word of this sentence only: a headline "... twin town Reinickendorf" is not
    # "Reinickendorf Press" with the "Press release" line below it)
    nxt = tokens[cand.tok_end].lower if cand.tok_end < sent.tok_end else ""
    if (
        nxt in c["institution_words"]
        and cand.tok_end < len(tokens)
        and tokens[cand.tok_end].text[:1].isupper()
    ):
        return "org.institution"  # "Sydney Airport", "Limerick University" untagged
    if (
        cand.qual_end > cand.tok_end
        and (cand.qual_country or cand.qual_admin1 or cand.qual_parent)
        # (not "... Association for Friendship with Foreign Countries, China": a name
        # ending in a plural of places is a body's, not a town's)
        and tokens[cand.tok_end - 1].lower not in _PLURAL_PLACES
    ):
        return "place.qualified"
    if (
        len(before) >= 2
        and before[-1] == "of"
        and (before[-2] in c["institution_words"] or before[-2] == "port")
        and tokens[cand.tok_start - 2].text[:1].isupper()
    ):
        # "the Port of Los Angeles", "the University of Limerick"; not "the port of Qingdao"
        return "org.institution"
    if (
        len(before) >= 2
        and before[-1] == "of"
        and (before[-2] in c["before_of"] or before[-2] in c["mayor_titles"])
    ):
        return "place.city_of"
    if before[-1:] == ["of"] and _titled_name_before(cand.tok_start - 1, sent, tokens, c):
        return "place.city_of"  # "Mayor Jens Johansen of Tromsø"
    if before and before[-1] in c["neighbour_words"] and nxt != "of":
        return "place.neighbour"  # not "the neighbouring Port of Los Angeles"
    if len(before) >= 2 and before[-1] in ("'s", "’s") and before[-2] in c["divisions"]:
        return "place.of_division"  # "Kumamoto Prefecture's Arao"
    if (
        len(before) >= 2
        and before[-1] in ("'s", "’s")
        and gaz.country(before[-2]) in {city.country for city in cand.cities}
    ):
        return "place.of_division"  # "Thailand's Chiang Rai", tagged a person
    if cand.suffix_kind:
        return "place.suffix"
    opening_word = cand.key in gaz.weak and cand.tok_start == sent.tok_start
    if nxt in _DEPUTY and cand.tok_end + 1 < sent.tok_end:
        nxt = tokens[cand.tok_end + 1].lower  # "Irpin Deputy Mayor Viktor Horbenko"
    if nxt in c["after_place"] and nxt != "'s" and not opening_word:
        # "Wagga Wagga city council", "Kiel city council"; not "Port city keeps ...", a
        # word capitalised only for opening its sentence
        return "place.modifier"
    if (
        nxt in ("'s", "’s")
        and cand.tok_end + 1 < len(tokens)
        and (
            tokens[cand.tok_end + 1].lower in c["after_place"] - {"people", "'s"}
            # "Mackay's regional council", "Derby's city council"
            or (
                tokens[cand.tok_end + 1].lower in _BODY_KINDS
                and cand.tok_end + 2 < len(tokens)
                and tokens[cand.tok_end + 2].lower in ("council", "government", "assembly")
            )
        )
        and cand.cities
    ):
        return "place.body_of"  # "Moose Jaw's council vetoed ...", "Lahti's mayor"
    if (
        nxt == ","
        and cand.tok_end + 2 < len(tokens)
        and tokens[cand.tok_end + 1].lower == "whose"
        and tokens[cand.tok_end + 2].lower in ("council", "mayor", "councillors", "councilors")
        and cand.cities
    ):
        return "place.body_of"  # "Bartoszyce, whose council pulled the plug on ..."
    if (
        nxt == ","
        and cand.tok_end + 3 < len(tokens)
        and tokens[cand.tok_end + 1].lower == "whose"
        and tokens[cand.tok_end + 2].lower in _tie_words()
        and tokens[cand.tok_end + 3].lower == "with"
        and cand.cities
    ):
        return "place.relation"  # "Millau, whose link with Dori dates from the 1980s"
    if before and before[-1] == "," and len(before) >= 2 and before[-2] in c["place_heads"]:
        return "place.apposition"  # "its Chinese counterpart, Qingdao"
    framing = ("industrial", "port", "coastal", "capital")
    if (
        before
        and before[-1] in c["place_heads"]
        and len(before) >= 2
        and (gaz.demonyms.get(before[-2]) or before[-2] in framing)
    ):
        return "place.apposition"  # "Chinese industrial city Taiyuan"
    if (
        cand.cities
        and before[-1:] in ([":"], [","])
        and nxt == "in"
        and cand.tok_end + 1 < sent.tok_end
        and gaz.country(tokens[cand.tok_end + 1].lower) is not None
        and _tie_talk(sent, tokens)
    ):
        return "place.list_item"  # "... sister cities: Deauville in France, ...", tagged ORG
    if (
        cand.cities
        and _tie_talk(sent, tokens)
        and _PAIR_WITH_YEARS.match(parsed.text, tokens[cand.tok_end - 1].end)
    ):
        # "...: Kharkiv with Belgorod (1997-2014), Chernivtsi with Saratov (1973-2014)":
        # a pair with the years of its tie
        return "place.relation"
    if (
        before[-2:] == [",", "and"]
        and nxt == "with"
        and cand.cities
        and _tie_talk(sent, tokens)
        and any(tokens[k].lower == "with" for k in range(sent.tok_start, cand.tok_start))
    ):
        return "place.relation"  # "... with Trenčín in 2023, and Irpin with Chełm": gapped
    if _tie_talk(sent, tokens) and _acting_on_own_tie(cand.tok_start, cand.tok_end, sent, tokens):
        return "place.relation"  # "Chipping Norton, on the other hand, ditched its link with"
    if _relationship_context(cand, tokens, weak=cand.key in gaz.weak):
        return "place.relation"
    if cand.key in gaz.weak:
        if (
            cand.tok_end - cand.tok_start == 1
            and first.pos == "PROPN"
            and first.dep == "nsubj"
            and cand.cities
            and cand.cities[0].population >= 15_000
            and _its_tie_follows(first, tokens)
        ):
            return "place.subject_of_tie"  # "Bath ended its twinning with Kaposvár"
        return ""  # "Xinhua" the agency, "Asia" the continent: only syntax can tell
    if cand.divisions and cand.cities and _called_a_region(cand, tokens, parsed):
        return ""  # "Piedmont town twins with ...", where the text speaks of the Piedmont region
    if cand.ner in PLACE_LABELS:
        return "place.ner"
    travelled_to = len(before) >= 2 and before[-1] == "to" and before[-2] in _TRAVEL_WORDS
    if (
        before
        and (before[-1] == "in" or travelled_to)
        and cand.cities
        and cand.cities[0].population >= 15_000
        and not cand.container
        and _tie_sentence(cand, tokens)
    ):
        # "Only in Imatra did a motion to end a partnership fail", "46 members travelled
        # to Kutná Hora to celebrate the 20th anniversary of our twinning"
        return "place.in_tie_sentence"
    if (
        len(before) >= 2
        and before[-1] == "in"
        and before[-2] in _COUNCIL_MEMBERS
        and cand.cities
        and not cand.container
        and _tie_sentence(cand, tokens)
    ):
        return "place.body_of"  # "Councillors in Differdange voted to open twinning talks"
    if cand.ner == "LIST" and cand.cities and cand.cities[0].population >= 5000:
        return "place.list"
    if cand.ner == "PERSON" and cand.cities and _dated_list_item(cand, tokens):
        # "Burnaby, in British Columbia, since 1965, and Kholmsk, on Sakhalin, since 1975"
        return "place.list"
    if (
        cand.ner in ("", "PERSON", "ORG")
        and not cand.container
        and cand.cities
        and cand.cities[0].population >= 5000
        and _opens_dated_list(cand, tokens)
    ):
        return "place.list"  # "has added Béthune (1960), Schwerte (1982) and ..."
    if (
        cand.ner == "PERSON"
        and not cand.container
        and cand.tok_end - cand.tok_start >= 2
        and len(cand.cities) == 1
        and cand.key not in doc.person_like
        and not _title_before(cand.tok_start, tokens)
        and (
            tokens[cand.tok_end - 1].dep == "conj"
            or (
                tokens[cand.tok_end - 1].dep == "nsubj"
                and tokens[tokens[cand.tok_end - 1].head].lemma in _TIE_ACTS
            )
        )
        and _tie_sentence(cand, tokens)
    ):
        # "Arad in Israel, Bethlehem in the West Bank and Puerto Cabezas on Nicaragua's
        # Caribbean coast", "Umm Al Quwain signed a letter of intent with Kollam": a
        # town's whole name of several words, of one town only, listed or acting in a
        # sentence about ties, is that town, whatever the tagger calls it (not "heard
        # that Victoria Falls had drawn more visitors")
        return "place.in_tie_sentence"
    if (
        cand.ner == "PERSON"
        and not cand.container
        and cand.tok_end - cand.tok_start >= 2
        and cand.key in alias_choices()
        and not cand.key.startswith(("st ", "st. ", "saint "))  # (a saint, a king)
    ):
        return "place.alias"  # "Droitwich Spa", a town's name from our alias table
    if (
        cand.ner == "PERSON"
        # one word ("Glasgow"), or a big city's whole multi-word name ("Ras Al Khaimah")
        and (cand.tok_end - cand.tok_start == 1 or (cand.cities and not cand.container))
        and cand.key not in doc.person_like
        and not (before and before[-1].rstrip(".") in c["person_titles"])
        and cand.cities
        and cand.cities[0].population >= WELL_KNOWN_POPULATION
    ):
        return "place.known_person_tag"  # "Glasgow", "Kyiv" tagged PERSON by the model
    if (
        # (or a people: "as well as Yaroslavl", NORP; not a people's own name, "the
        # Thai Ambassador", which is also a town's alternate name)
        cand.ner in ("", "ORG", "PRODUCT", "WORK_OF_ART", "NORP")
        and not (cand.ner == "NORP" and cand.key in gaz.demonyms)
        and not cand.container
        and first.pos == "PROPN"
    ):
        # A big city the tagger missed or called an organisation ("Oxford said ...") or
        # a product ("with which Winnipeg has had a relationship"),
        # but not a surname after a title and a first name ("Cr Dougal Brent").
        pop = cand.cities[0].population if cand.cities else 0
        titled = (
            len(before) >= 2
            and tokens[cand.tok_start - 1].text[:1].isupper()
            and before[-2].rstrip(".") in c["person_titles"]
        ) or (
            # "MS. TRUJILLO (Office of International Affairs):", "Councilor Quintana"
            _title_before(cand.tok_start, tokens)
        )
        if pop >= WELL_KNOWN_POPULATION and not titled:
            return "place.known"
    # the name's own head word: "West" of "Key West" is the subject, "Key" its compound
    head = next(
        (
            t
            for t in tokens[cand.tok_start : cand.tok_end]
            if not cand.tok_start <= t.head < cand.tok_end or t.head == t.i
        ),
        first,
    )
    # (the tagger may read a sentence's opening name as an adverb: "Tartu froze its
    # partnership with Pskov")
    # (also after auxiliaries, "Tartu has paused its partnership", or an opening phrase,
    # "Following the invasion, Tartu suspended ...")
    # (or after an opening date, "That year Neunkirchen, to which Wiebelskirchen
    # belongs, signed a partnership with Lübben": past an aside set off by commas)
    opening_subject = (
        (
            cand.tok_start == sent.tok_start
            or tokens[cand.tok_start - 1].text == ","
            or all(
                t.ent_type == "DATE" or t.lower in ("in", "on")
                for t in tokens[sent.tok_start : cand.tok_start]
            )
        )
        and head.dep in ("advmod", "npadvmod")
        and tokens[head.head].pos == "VERB"
        and head.head >= cand.tok_end
        and all(
            t.dep in ("aux", "neg")
            for t in tokens[_past_aside(cand.tok_end, head.head, tokens) : head.head]
        )
        and (
            tokens[head.head].tag in ("VBD", "VBZ")
            or (tokens[head.head].tag == "VBN" and head.head > cand.tok_end)
        )
    )
    if (
        cand.cities
        and cand.cities[0].population >= 15_000
        and (head.dep in ("nsubj", "nsubjpass") or opening_subject)
        and cand.key not in doc.person_like  # "Reyes also proposed ...": Councilor Reyes
        and not (before and before[-1] in ("the", "a", "an", "this", "that"))  # "The Leader"
        and _owns_a_tie(head, tokens)
    ):
        return "place.subject_of_tie"  # "Lahti" (tagged NOUN) "has decided to suspend its twinning"
    e = cand.tok_end
    if (
        cand.cities
        and cand.cities[0].population >= 5_000  # (strong syntax: Wagga Wagga, 7,690 listed)
        and e + 3 < len(tokens)
        and tokens[e].lower == "to"
        and tokens[e + 1].pos == "VERB"
        and any(
            (t.lower in ("its", "their") and tokens[t.i + 1].lower in _tie_words())
            # "A bid by Wagga Wagga to cut ties with Kunming"
            or (t.i == e + 2 and t.lower in rel_nouns() and tokens[t.i + 1].lower == "with")
            for t in tokens[e + 2 : e + 5]
            if t.i + 1 < len(tokens)
        )
    ):
        return "place.subject_of_tie"  # "A petition calling on Lewes to end its twinning"
    if cand.container == "ORG" and first.pos == "PROPN" and cand.cities:
        # "the Kunming Municipal Government": a body of the city, the city is real.
        return "place.in_government" if _governmental(cand.container_text) else ""
    if (
        cand.cities
        and not cand.container
        and cand.tok_start == parsed.sentences[first.sent].tok_start
        and _ITS_COUNCIL_NEXT.match(parsed.text, parsed.sentences[first.sent].end)
    ):
        # "Tromsø went furthest. The city council on Wednesday voted to cut all links
        # with Arkhangelsk": a town opening the sentence before its council acts
        return "place.council_next"
    return ""


_ITS_COUNCIL_NEXT = re.compile(
    r"\s*(?:The|Its)\s+(?:city\s+|town\s+|municipal\s+)?(?:council|assembly|municipality)\b"
)


def _past_aside(i: int, end: int, tokens) -> int:
    """Past an aside set off by commas right at i (", to which Wiebelskirchen belongs,"),
    before end; else i."""
    if i < end and tokens[i].text == ",":
        close = next((k for k in range(i + 1, end) if tokens[k].text == ","), None)
        if close is not None:
            return close + 1
    return i


# a council's initials after its town's name ("Kandy MC", "Galle MC", "Nuwara Eliya UC")
_COUNCIL_ABBREVIATIONS = frozenset("mc mcc uc".split())


_OWNER_BEFORE = re.compile(r"([A-Z][\w]*(?: [A-Z][\w]*)?)(?:'s|’s) $")
_COUNTRY_AFTER = re.compile(r"(?:,\s*|\s+in\s+)([A-Z][\w]*(?: [A-Z][\w]*)?)")
_MUNICIPAL_BEFORE = re.compile(
    r"(?:\b(?:[Mm]ayors?|[Tt]he (?:city|town|municipality)) of "
    r"|\b([A-Z]\w+(?: [A-Z]\w+)?) capital of )$"
)
# (not "Lebanon's city of Tripoli", "Poland's municipal authorities": a country's)
_MUNICIPAL_AFTER = re.compile(
    r"(?:'s|’s) (?:municipal (?:building|council|offices)\b|mayor\b"
    r"|(?:city|town) (?:council|hall)\b)"
)


def _country_namesake(span, text: str, gaz: Gazetteer) -> bool:
    """A country's name that is a town's in the country the text puts it in: "Colombia's
    Armenia", "the city of Armenia in Colombia"."""
    own = gaz.countries[span.key]
    towns = {c.country for c in gaz.cities_for_key(span.key) if c.country != own}
    if not towns:
        return False
    before = _OWNER_BEFORE.search(text, max(0, span.start - 30), span.start)
    after = _COUNTRY_AFTER.match(text, span.end)
    said = [m.group(1) for m in (before, after) if m is not None]
    if any(gaz.country(norm(name)) in towns for name in said):
        return True
    # "the mayor of Liberia", "Liberia's municipal building", "The Guanacaste capital of
    # Liberia": a country has no mayor or town hall, and no province's capital is one
    municipal = _MUNICIPAL_BEFORE.search(text, max(0, span.start - 30), span.start)
    if municipal is not None:
        region = municipal.group(1)
        return region is None or any(d.country in towns for d in gaz.admin1.get(norm(region), ()))
    return _MUNICIPAL_AFTER.match(text, span.end) is not None


def _titled(before: Token) -> bool:
    """A person's title or role right before a name: "Mayor", "the navigator"."""
    word = before.lower.rstrip(".")
    return word in cues()["person_titles"] or word in cues()["person_roles"]


def _title_before(i: int, tokens) -> bool:
    """A capitalised person's title right before the name ("Councilor", "MS.")."""
    k = i - 1
    if k >= 1 and tokens[k].text == ".":
        k -= 1
    return (
        k >= 0
        and tokens[k].text[:1].isupper()
        and tokens[k].lower.rstrip(".") in cues()["person_titles"]
    )


_TWINNING_BODY_TIES = frozenset("twinning twin sister".split())
_TWINNING_BODIES = frozenset("association committee society club commission".split())


def _twinning_body(words: set[str]) -> bool:
    """A town's twinning association or sister city committee ("Stroud Twinning
    Association", "Kiel Sister City Committee"), not an institution of its own."""
    return bool(words & _TWINNING_BODY_TIES) and bool(words & _TWINNING_BODIES)


def _city_body(words: set[str]) -> bool:
    """The governing body of a city, whatever it is called: "Hyderabad Municipal
    Corporation", "Rajshahi City Corporation" (not "Sydney Ferries Corporation")."""
    return bool(words & {"municipal", "metropolitan", "city"}) and bool(
        words & {"corporation", "council", "committee", "government", "assembly"}
    )


_TRAVEL_WORDS = frozenset(
    "travelled traveled travel travels went go goes flew fly returned return trip trips "
    "visit visits journey delegation".split()
)


def _governmental(text: str) -> bool:
    words = set(norm(text).split())
    return bool(
        words
        & {"council", "government", "municipal", "municipality", "mayor", "city", "office",
           "congress", "assembly", "administration", "committee", "hall", "county"}
    )  # fmt: skip


# (with "be": "asked in 1988 to be paired with Wittenberg")
_PAIRED_AUX = frozenset("be been is was are were formally officially also long".split())
_REL_WORDS = frozenset(
    "sister twin twinned twinning twinnings partner friendship counterpart".split()
)


# A city's dealings with a partner (lemmas), and the verbs that pause or end them: in a
# story about ties, the pausing of "its cooperation" is the tie's (not "a student
# exchange": an event of its own).
DEALINGS = frozenset(("contact", "cooperation"))
_PAUSING_VERBS = frozenset(
    "put place suspend freeze pause halt end terminate sever cut break".split()
)


@lru_cache(maxsize=1)
def _tie_words() -> frozenset[str]:
    return _REL_WORDS | rel_nouns()


def _owns_a_tie(subj: Token, tokens: tuple[Token, ...]) -> bool:
    """Whether the subject's own clause speaks of a tie: "X is a sister city of Y",
    "X ... its twinning"; or the next sentence does, of its own: "Ware, in
    Hertfordshire, has no such problem. Its partnership with Wülfrath ..."."""
    for t in tokens[subj.i + 1 : subj.i + 48]:
        if t.sent != subj.sent:
            following = {w.lower for w in tokens[t.i + 1 : t.i + 4]}
            return t.text == "Its" and bool(following & _tie_words())
        # past a long relative clause, only in the subject's own clause: "Cahors, which
        # in the spring had hosted ..., said Thursday it had suspended its twinning"
        if t.i >= subj.i + 16 and not _under_verb(t, subj.head, tokens):
            continue
        if t.lower in _REL_WORDS:
            return True
        if (
            t.lower == "partners"
            and tokens[t.i - 1].lower == "of"
            and tokens[t.i - 2].lower in ("list", "network", "family", "circle")
        ):
            return True  # "Karlovy Vary has an unusually international list of partners"
        if (
            t.lower in rel_nouns()
            and t.i + 1 < len(tokens)
            and tokens[t.i + 1].lower == "with"
            # (or the object of the subject's own verb: "Brno has ties with Dortmund")
            and (tokens[t.i - 1].lower in ("a", "an") or (t.head == subj.head and t.dep == "dobj"))
        ):
            return True  # "Harrogate began talks on establishing a partnership with ..."
        if t.lower in ("its", "their") and t.i + 1 < len(tokens):
            following = {w.lower for w in tokens[t.i + 1 : t.i + 4]}
            if following & _tie_words():
                return True
            dealt = {w.lemma for w in tokens[t.i + 1 : t.i + 4]} & DEALINGS
            if dealt and tokens[subj.head].lemma in _PAUSING_VERBS:
                return True  # "Luleå put its cooperation with Harbin on hold"
    return False


def _its_tie_follows(subj: Token, tokens: tuple[Token, ...]) -> bool:
    """The subject's verb has "its"/"their" + a tie word as its object, right after it."""
    verb = subj.head
    for t in tokens[verb + 1 : verb + 4]:
        if t.lower in ("its", "their") and t.i + 1 < len(tokens):
            obj = tokens[t.head]
            return obj.head == verb and obj.dep == "dobj" and obj.lower in _tie_words()
    return False


def _under_verb(t: Token, verb: int, tokens) -> bool:
    for _ in range(6):
        if t.head == verb:
            return True
        if t.head == t.i:
            return False
        t = tokens[t.head]
    return False


_TIE_ACTS = frozenset(
    "sign ink seal twin pair partner link establish form forge agree end cut sever suspend "
    "freeze terminate propose seek approve join renew".split()
)


def _tie_sentence(cand: _Candidate, tokens: tuple[Token, ...]) -> bool:
    sent = tokens[cand.tok_start].sent
    lo, hi = max(0, cand.tok_start - 40), min(len(tokens), cand.tok_end + 40)
    return any(t.sent == sent and t.lower in _tie_words() for t in tokens[lo:hi])


def _called_a_region(cand: _Candidate, tokens, parsed: Parsed) -> bool:
    """The text calls this name a region elsewhere: "the Piedmont region", "the
    province of Cuneo", or names a town in it: "the Arizona desert city of Scottsdale"
    (Arizona is also a town in Honduras)."""
    name = re.escape(parsed.text[tokens[cand.tok_start].start : tokens[cand.tok_end - 1].end])
    return (
        re.search(rf"\b{name}\s+(?:region|province|Region|Province|oblast|Oblast)\b", parsed.text)
        is not None
        or re.search(rf"\b(?:region|province) of {name}\b", parsed.text) is not None
        or re.search(
            rf"\bthe {name}(?:\s+[a-z]+){{0,2}}\s+(?:city|town|village|port|resort) of\b",
            parsed.text,
        )
        is not None
    )


# Nouns naming one tie after its partner ("the Duderstadt link"); not "agreement" ("the
# Paris Agreement") nor "ties"/"relations" (a country's).
_NAMED_LINK_NOUNS = frozenset("link twinning friendship relationship partnership".split())
_TIED_WITH = frozenset("twinned paired partnered linked".split())


def _gapped_with(cand: _Candidate, tokens: tuple[Token, ...]) -> bool:
    """A second "with" in a sentence whose first "with" follows a tie: "has been twinned
    with Aberdeen since 1967 and with Wismar", "has had a friendship with X, and with Y"."""
    sent = tokens[cand.tok_start].sent
    lo = max(0, cand.tok_start - 14)
    words = [t.lower for t in tokens[lo : cand.tok_start - 2] if t.sent == sent]
    return any(
        w == "with" and (prev in _TIED_WITH or prev in rel_nouns() or prev in _REL_WORDS)
        for prev, w in zip(words, words[1:], strict=False)
    )


_YEAR_WORD = re.compile(r"1[89]\d\d|20\d\d")


def _relationship_context(cand: _Candidate, tokens: tuple[Token, ...], weak: bool = False) -> bool:
    """Right next to relationship vocabulary: "sister city of X", "X's sister city".

    A `weak` name (also a word: "Bay", "Mobile") needs more than a general noun after
    it: "the Bay's links with Asia" is a region's trade.
    """
    lo = max(0, cand.tok_start - 5)
    before = [t.lower for t in tokens[lo : cand.tok_start] if t.sent == tokens[cand.tok_start].sent]
    hi = min(len(tokens), max(cand.tok_end, cand.qual_end) + 6)
    after = [t.lower for t in tokens[max(cand.tok_end, cand.qual_end) : hi]]
    if after[:1] in (["'"], ["’"]) and tokens[cand.tok_end - 1].lower.endswith("s"):
        after[0] = "'s"  # "Hastings' twinning with Béthune"
    # A noun naming the tie itself: a name right after "<noun> with" is the partner.
    if before[-2:-1] and before[-2] in rel_nouns() and before[-1] == "with":
        return True  # "voted against suspending ties with Munakata"
    if (
        before[-3:-2]
        and before[-3] in rel_nouns()
        and before[-2] in ("is", "was", "are", "were")
        and before[-1] == "with"
    ):
        return True  # "its only hermanamiento is with Alcalá la Real"
    if (
        before[-3:-2]
        and before[-2] in ("paired", "partnered")
        and before[-1] == "with"
        and before[-3] in (",", "been", "was", "is", "were", "are")
    ):
        return True  # "Wakkanai in Hokkaido, paired with Nevelsk on Sakhalin since 1972,"
    if (
        before[-2:-1]
        and before[-2] in _TALKS
        and before[-1] == "with"
        and _particled(cand.tok_start, cand.tok_end, tokens)
        and any(
            t.lower in _tie_words()
            for t in tokens[cand.tok_end : hi + 20]
            if t.sent == tokens[cand.tok_start].sent
        )
    ):
        return True  # "began talks with Saint-Aubin-du-Cormier ..., and the twinning charter"
    if before[-1:] == ["with"] and tokens[tokens[cand.tok_start - 1].head].lower in _tie_words():
        return True  # "The twinnings of Stourport-on-Severn and Bewdley with Villeneuve-le-Roi"
    if (
        before[-1:] in (["counts"], ["count"], ["counted"], ["lists"], ["includes"])
        and after[:2] in (["among", "its"], ["among", "their"])
        and any(w in _REL_WORDS for w in after[2:5])
    ):
        return True  # "Beppu counts Rotorua among its sister cities"
    if before[-2:] in (["and", "with"], ["also", "with"], [",", "with"]) and _gapped_with(
        cand, tokens
    ):
        return True  # "twinned with Aberdeen since 1967 and with Wismar since 1990"
    if (
        before[-4:-3]
        and before[-1] == "with"
        and before[-2] in ("signed", "concluded", "sealed", "had", "has", "formed")
        and before[-3] in ("it", "they")
        and any(w in rel_nouns() for w in before[-5:-3])  # (or "the agreement that it")
    ):
        return True  # "ended the twinning agreement it signed with Gatchina"
    if (
        before[-3:-2]
        and before[-1] == "with"
        and before[-2] in ("paired", "partnered", "linked")
        and before[-3] in _PAIRED_AUX
    ):
        return True  # "Worcester, which has been paired with Kleve since 1975"
    if any(w in _REL_WORDS for w in before[-4:]) and (
        before[-1] in ("of", "to", "with", ",")
        or before[-1] in _REL_WORDS
        or before[-1] in ("city", "cities", "town", "towns")
    ):
        return True
    if (
        before[-1:] in (["is"], ["was"], ["remains"], ["are"], ["were"])
        and any(w in _REL_WORDS for w in before[-5:-1])
    ) or (
        # ("the municipality's only formal twin town has been Sainte-Maxime")
        before[-2:] in (["has", "been"], ["have", "been"], ["had", "been"])
        and any(w in _REL_WORDS for w in before[-5:-2])
    ):
        # "Wichita's oldest sister city is Orléans", "its sister cities are", "whose
        # sister city in Japan is Inagi"
        return True
    if (
        before[-3:-1] in (["of", "which"], ["of", "whom"])
        and before[-1] in ("is", "are", "was", "were")
        and any(
            t.lower in _REL_WORDS and t.sent == tokens[cand.tok_start].sent
            for t in tokens[max(0, cand.tok_start - 12) : cand.tok_start]
        )
    ):
        return True  # "has five sister cities, the newest of which is Grimsby"
    if before[-1:] == ["between"] and after[:1] == ["and"]:
        return True  # "the twinning charter between Landerneau and Carrigaline"
    if before[-1:] == ["and"] and "between" in before[-4:-1]:
        return True  # "the partnership between Neunkirchen and Lübben"
    if after[:1] == ["-"] and len(after) > 1:
        return True  # "Rockford-Changzhou relationship"
    if after[:1] in (["'s"], ["’s"]) and any(w in _REL_WORDS for w in after[1:6]):
        return True  # "Kiel's sister city", "Kidderminster's 36-year twinning"
    if after[:2] == [",", "whose"] and any(
        w in _REL_WORDS or w in ("partners", "twins") for w in after[2:5]
    ):
        return True  # "Mackay, whose partners include Matsuura"
    if after[:1] in (["twinning"], ["jumelage"]) and not weak:
        return True  # "calls to end Timbuktu twinning"
    if (
        before[-1:] == ["the"]
        and after[:1]
        and after[0] in rel_nouns()
        and after[1:2] == ["with"]
        and not weak
    ):
        return True  # "although the Orem link with the Russian city had been suspended"
    if (
        before[-1:] == ["the"]
        and after[:1]
        and after[0] in _NAMED_LINK_NOUNS
        and after[1:2] != ["-"]
        and not weak
        and cand.cities
    ):
        return True  # "Stroud first twinned with Saint-Ismier; the Duderstadt link followed"
    dated = 1 if after[1:2] and _YEAR_WORD.fullmatch(after[1]) else 0  # "Kennewick's 1983 charter"
    if (
        after[:1] in (["'s"], ["’s"])
        and after[1 + dated : 2 + dated]
        and after[1 + dated] in rel_nouns()
        and after[2 + dated : 3 + dated] == ["with"]
        and not weak
    ):
        return True  # "the termination of Joensuu's agreement with Petrozavodsk"
    if (
        after[:1]
        and after[0] in ("has", "have", "had", "maintains")
        and any(w in _REL_WORDS for w in after[1:4])
    ):
        return True  # "Nelson has four sister cities"
    if after[:2] == ["signed", "with"] and not weak and cand.cities:
        # "Anacortes signed with Obihiro in 1974" in a history of sister cities (the
        # paragraph's tie words may be sentences away)
        return True
    if any(w in ("twinned", "paired", "partnered") for w in after[:3]):
        return True  # "Tartu is twinned with", "Reading, twinned with"
    if _linked_by_tie(cand, tokens):
        return True  # "The first twinning ... linked Saarlouis with Eisenhüttenstadt"
    apposed = after[:1] == [","] and len(after) > 2 and after[1] in ("our", "its", "their", "the")
    if apposed and any(w in _REL_WORDS for w in after[2:4]):
        return True  # "Bremen, our partner city since 1976"
    if after[:1] == [","] and len(after) > 1 and after[1] in ("which", "whom"):
        end = max(cand.tok_end, cand.qual_end)
        sent = tokens[cand.tok_start].sent
        clause = [t.lower for t in tokens[end : end + 10] if t.sent == sent]
        if any(w in _REL_WORDS for w in clause) or any(
            a in ("twinned", "paired", "partnered", "linked") and b == "with"
            for a, b in zip(clause, clause[1:], strict=False)
        ):
            # "Corvallis, which Uzhhorod has been twinned with since 2003", "Döbling,
            # which has been linked with Tokyo's Setagaya ward since 1985"
            return True
    return bool(after[:1] == ["and"] and any(w in _REL_WORDS for w in after[1:]))


_JOINING = frozenset("linked links link joined joins united unites connected connects".split())


def _linked_by_tie(cand: _Candidate, tokens) -> bool:
    """Either place a tie joins: "The first twinning ... linked Saarlouis with
    Eisenhüttenstadt" (the tie the verb's subject, not a road or a rail line)."""
    k = cand.tok_start - 1
    if k >= 0 and tokens[k].lower in ("with", "and", "to"):
        k -= 1  # the second place: back over the first one's name
        while (
            k >= 0
            and tokens[k].text[:1].isupper()
            and tokens[k].sent == tokens[cand.tok_start].sent
        ):
            k -= 1
        if k == cand.tok_start - 2:
            return False
    elif not (cand.tok_end < len(tokens) and tokens[cand.tok_end].lower in ("with", "and", "to")):
        return False
    if k < 0 or tokens[k].lower not in _JOINING:
        return False
    subject = [t for t in tokens[max(0, k - 12) : k] if t.head == k and t.dep == "nsubj"]
    return any(t.lower in _REL_WORDS or t.lower in rel_nouns() for t in subject)


# --- resolution ------------------------------------------------------------------


def _local_country_cues(tokens, countries: list[CountryMention], parsed: Parsed) -> dict[int, str]:
    """Country each name is framed by in its own sentence.

    "In the UK, Newcastle ended ...", "the German port city of Kiel", "Chinese
    industrial city Taiyuan", "Kunming in China".
    """
    out: dict[int, str] = {}
    by_sent: dict[int, list[CountryMention]] = defaultdict(list)
    for cm in countries:
        by_sent[tokens[cm.tok_start].sent].append(cm)
    for sent_i, cms in by_sent.items():
        sent = parsed.sentences[sent_i]
        # Sentence-initial frame: "In Australia, ..." / "In the Netherlands, ..."
        frame = None
        for cm in cms:
            toks = tokens[sent.tok_start : cm.tok_start]
            words = [t.lower for t in toks]
            if (
                not cm.demonym
                and words in (["in"], ["in", "the"])
                and cm.tok_end < len(tokens)
                and tokens[cm.tok_end].text == ","
            ):
                frame = cm.country
        for i in range(sent.tok_start, sent.tok_end):
            if frame:
                out[i] = frame
        for cm in cms:
            # A demonym right before a place noun frames the next name.
            if cm.demonym:
                for k in range(cm.tok_end, min(cm.tok_end + 5, sent.tok_end)):
                    out[k] = cm.country
    return out


_DIVISION_SUFFIXES = frozenset("province prefecture state oblast voivodeship".split())


def _initialled(letters: str, mentions) -> Place | None:
    """The place of several words the document names whose initials are `letters`."""
    for m in mentions:
        words = re.findall(r"[^\W\d_]+", m.place.name)
        if len(words) >= 2 and "".join(w[0] for w in words).upper() == letters:
            return m.place
    return None


def _resolve(
    cand: _Candidate, gaz: Gazetteer, local: str | None, doc: DocPlaces, surface: str = ""
) -> Place | None:
    kind = "district" if cand.suffix_kind in ("district", "new district", "ward") else "city"
    if cand.suffix_kind in ("suburb", "neighbourhood", "neighborhood"):
        kind = "district"
    if cand.suffix_kind in ("county", "prefecture", "township", "borough", "province"):
        kind = cand.suffix_kind
    if cand.suffix_kind == "governorate":
        kind = "province"  # "Luxor Governorate": the first-level division around the city
    if cand.suffix_kind in ("region", "oblast", "state", "voivodeship"):
        kind = "province"  # "Ghana's Ashanti Region", which the gazetteer may lack
    if cand.divisions and cand.suffix_kind in _DIVISION_SUFFIXES:
        cand.cities = ()  # "Jilin Province" is the province, not its city of Jilin
    if not cand.cities:
        if cand.divisions and cand.suffix_kind:
            d = cand.divisions[0]
            return Place(d.name, d.country, None, d.code, "province")
        # Without a gazetteer entry only what the text says makes a place: its city or
        # country named with it, a list line, "neighbouring", or "twinned with Redu".
        said = cand.cue in _UNLISTED_CUES or (cand.framed and cand.cue == "place.relation")
        if not cand.suffix_kind and not said:
            return None
        parent = cand.qual_parent.country if cand.qual_parent is not None else None
        # the text's own spelling ("Tepebaşı") where it is the whole name
        name = surface if surface and norm(surface) == cand.key else title(cand.key)
        return Place(name, cand.qual_country or parent or local, None, None, kind)
    qual_country, qual_admin1 = cand.qual_country, set(cand.qual_admin1)
    if not qual_country and not qual_admin1 and cand.qual_parent is None:
        # A bare mention means the place a qualified mention elsewhere pinned down.
        hinted_country, hinted_admin1 = doc.hints.get(cand.key, (None, None))
        qual_country = hinted_country
        if hinted_admin1:
            qual_admin1.add(hinted_admin1)
    if not qual_country and not qual_admin1 and cand.qual_parent is None and kind == "city":
        # "Greater Sudbury signed ... Sudbury residents", "Halle (Saale) ... Halle": the
        # bare name of a city the text also names in full, not a namesake elsewhere
        greater = [
            c for c in cand.cities
            if fuller_name(norm(c.name), cand.key) and norm(c.name) in doc.known
        ]  # fmt: skip
        if len(greater) == 1:
            (city,) = greater
            return Place(city.name, city.country, city.geonameid, city.admin1, kind)
    place = resolve(
        cand.key, cand.cities, qual_country, qual_admin1, cand.qual_parent, local,
        doc.countries, kind, surface,
    )  # fmt: skip
    if place.geonameid is None and kind == "city":
        # "České Budějovice (Budweis) ... The Budweis partnership": another name of a
        # town the text names by its own is that town, however small
        # (not a namesake in the country the text gives: "with Antequera in Paraguay")
        named = [
            c for c in cand.cities
            if norm(c.name) in doc.known and (not qual_country or c.country == qual_country)
        ]  # fmt: skip
        if len(named) == 1:
            (city,) = named
            return Place(city.name, city.country, city.geonameid, city.admin1, kind)
    return place


# --- coreference ----------------------------------------------------------------------

_REGION_ANAPHOR_HEADS = ("capital", "city", "town", "port", "metropolis", "municipality")


# words that name a kind of council, not its place ("Regional Council", "Arts Council")
_COUNCIL_KINDS = frozenset(
    "regional state provincial national general executive legislative security arts "
    "district county shire parish community youth student students "
    # "Ithaca's Common Council", "the Metropolitan Council", "the Municipal Council"
    "common metropolitan municipal city town borough village".split()
)
_REGION_ADJECTIVES = frozenset("asian african european american pacific atlantic".split())
_NOT_ANAPHOR_AFTER = frozenset(
    "of hall centre center council councillors councilors square clerk".split()
)


def _bracketed_part(cand: _Candidate, tokens, gaz: Gazetteer) -> None:
    """ "Frankfurt (Oder)", "Halle (Saale)": a bracketed part of the name itself, which
    tells the town from its better-known namesake."""
    k = cand.tok_end
    if k + 2 >= len(tokens) or tokens[k].text != "(" or tokens[k + 2].text != ")":
        return
    key = f"{cand.key} ({norm(tokens[k + 1].text)})"
    cities = gaz.cities_for_key(key)
    if cities:
        cand.key, cand.cities, cand.tok_end = key, tuple(cities), k + 3


def _anaphor_article(cand: _Candidate, tokens) -> int | None:
    """The "the" opening "the Ontario city", "the north Clare town"."""
    k = cand.tok_start - 1
    if k > 0 and tokens[k].lower in COMPASS:
        k -= 1  # "the north Clare town"
    return k if k >= 0 and tokens[k].lower == "the" else None


def _region_anaphor(cand: _Candidate, tokens) -> bool:
    after = tokens[cand.tok_end] if cand.tok_end < len(tokens) else None
    following = tokens[cand.tok_end + 1] if cand.tok_end + 1 < len(tokens) else None
    named_after = (
        following is not None
        and following.lower in _NOT_ANAPHOR_AFTER
        # "the Alberta city of Red Deer", "the Oxford town hall" (but "the Clare town of
        # about 1,000 people" is a town named before)
        and not (
            following.lower == "of"
            and cand.tok_end + 2 < len(tokens)
            and not tokens[cand.tok_end + 2].text[:1].isupper()
        )
    )
    return (
        _anaphor_article(cand, tokens) is not None
        and after is not None
        and after.lower in _REGION_ANAPHOR_HEADS
        and not named_after
    )


def _region_coreference(mentions, context, anaphors, tokens, parsed):
    """ "the Ontario city" -> the latest city of Ontario named before."""
    out = list(mentions)
    for cand in anaphors:
        article = _anaphor_article(cand, tokens)
        start = tokens[article].start
        head = tokens[cand.tok_end]
        regions = {(d.country, d.code) for d in cand.divisions}
        earlier = [
            m for m in context
            if m.end <= start and (m.place.country, m.place.admin1) in regions
        ]  # fmt: skip
        county = bool(cand.divisions) and all(d.second_level for d in cand.divisions)
        if county:
            # "Richmond in North Yorkshire ... the North Yorkshire town": a county shares
            # its code with every town of its region; the town said to lie in it, or else
            # (below) the one the paragraph named
            earlier = [
                m for m in earlier if cand.key in norm(parsed.text[m.end : min(m.end + 40, start)])
            ]
        if earlier or regions and not county:
            if not earlier and head.lower in ("town", "village"):
                # "the Clare town" after a town too small for the gazetteer: the one the
                # last paragraphs named
                para = parsed.sentences[tokens[cand.tok_start].sent].paragraph
                lo = parsed.paragraphs[max(0, para - 3)][0]
                earlier = [
                    m for m in mentions
                    if lo <= m.start and m.end <= start and m.place.geonameid is None
                    and m.place.kind == "city" and m.tok_start >= 0 and not m.in_org
                    and not m.cue.startswith("coref")
                    # (not a town placed in another country: "the Lower Saxony town" is
                    # no Breton one)
                    and m.place.country in (None, *(d.country for d in cand.divisions))
                ]  # fmt: skip
        else:
            # a region the gazetteer lacks: the town the paragraph has just named
            para = parsed.sentences[tokens[cand.tok_start].sent].paragraph
            p_start = parsed.paragraphs[para][0]
            earlier = [
                m for m in mentions
                if p_start <= m.start and m.end <= start and norm(m.text) != cand.key
                and m.tok_start >= 0 and not m.in_org
            ]  # fmt: skip
        if not earlier:
            continue
        out.append(
            PlaceMention(
                start=start,
                end=head.end,
                text=parsed.text[start : head.end],
                place=earlier[-1].place,
                tok_start=article,
                tok_end=head.i + 1,
                span_end_tok=head.i + 1,
                cue="coref.region_" + head.lower,
            )
        )
    out.sort(key=lambda m: m.start)
    return out


_OWN_HEADS = frozenset(
    "city town metropolis metro municipality borough council district county province prefecture "
    "governorate ward".split()
)
_ASSEMBLY_KINDS = frozenset("municipal metropolitan district".split())
_DIVISION_HEADS = frozenset("district borough county province prefecture governorate".split())
# "the county's partnership": only a county named before can be meant, never the
# document's most frequent city.
_NAMED_KIND_ONLY = frozenset("county province prefecture".split())
# "the governorate" with no governorate named: Egyptian governorates are named after
# their capital, the city the story is about.
_FOCAL_KIND = frozenset(["governorate"])
_OWN_MODIFIERS = frozenset("city town municipal county borough".split())
_OWN_PLAIN_RELATION = frozenset("agreement agreements accord".split())
_OWN_RELATION = frozenset(
    "sister twin twinned twinning partner partners partnered paired linked partnership "
    "partnerships link links brother ties relationship relationships jumelage friendship "
    "friendly tie arrangement arrangements pact twinnings jumelages hermanamiento "
    "hermanamientos gemellaggio gemellaggi".split()
)


# "Bad Salzdetfurth, a spa town in Lower Saxony", "the port city on the island of São
# Vicente": where a place lies, named to describe it, is no place the text is about
_LOCATION_BEFORE = re.compile(
    r"\b(?:(?:town|city|village|port|commune|municipality|resort|suburb)\s+(?:in|on|near)"
    r"|island\s+of)\s+(?:the\s+)?$"
)
_OWNS_TIES = re.compile(
    r"(?i)(?:\s+(?:district|city|borough|shire|region|town|county))?['’]s\s+"
    r"(?:[\w-]+\s+){0,2}?(?:(?:sister[- ]cit(?:y|ies)|twinning|international|twin[- ]town)\s+"
    r"(?:relationships|ties|links|partnerships|agreements)|sister cities|twin towns|"
    r"partner (?:cities|towns)|twinnings)\b"
)
_ACTED_ON_BEFORE = re.compile(
    r"(?i)\b(?:cut|cuts|end|ends|sever|severs|scrap|scraps|keep|keeps|drop|drops|suspend|"
    r"suspends|freeze|freezes|review|reviews)\s+(?:its\s+|their\s+|the\s+)?$"
)
_TIE_AFTER = re.compile(r"(?i)\s+(?:ties|tie|links?|twinning|partnership|relationship)\b")
# "Poltava idea stalls", "Kaliningrad twinning plan": a place naming a proposed tie
_PROPOSAL_AFTER = re.compile(
    r"(?i)\s+(?:(?:sister[- ]city|twinning|twin[- ]town|partnership)\s+)?"
    r"(?:idea|proposal|plan|bid)\b"
)
_OWNS_TIE_WITH = re.compile(
    r"(?i)['’]s\s+(?:[\w-]+\s+){0,2}?(?:sister[- ]city|twinning|twin[- ]town|friendship)\s+"
    r"(?:relationship|tie|link|partnership|agreement)\s+with\b"
)
_HEADLINE_FOR = re.compile(
    r"(?i)\b(?:twinning|sister[- ]city|twin[- ]town|partner|partnership|link|ties?|friendship)"
    r"\b[\w '’-]{0,20}?\bfor[ \t]+$"
)
_COUNCIL_ACTS = (
    r"[ \t]+(?:city[ \t]+|town[ \t]+|municipal[ \t]+)?"
    r"(?:council|councillors|councilors|mayor|MC)[ \t]+"
    r"(?:votes?|moves?|decides?|agrees?|backs?|approves?|rejects?|considers?|debates?)[ \t]+"
    r"(?:[\w'’-]+[ \t]+){0,6}?(?:sister|twin|twinning|partnership|ties?|links?)"
)
# ("Kandy MC approves sister-city ties with Thailand's Ayutthaya": the council whose
# vote the story reports is the home city's, however often it names the partner)
_HEADLINE_COUNCIL_ACTS = re.compile(_COUNCIL_ACTS)
_HEADLINE_OWNS = re.compile(
    r"[ \t]+(?:[\w'’-]+[ \t]+){0,3}?(?:its|their)[ \t]+(?:[\w-]+[ \t]+){0,2}?"
    r"(?:sister|twin|partner|friendship)\b"
    # "Żebbuġ twins with Sicilian baroque town": the headline's city acting on its tie
    r"|[ \t]+(?:twins|partners|is[ \t]+twinned|ends|cuts|severs|suspends|scraps|drops|axes)"
    r"[ \t]+(?:[\w-]+[ \t]+){0,2}?(?:with|ties|links?|sister|twin|twinning|partnership)\b"
    # "Vancouver council votes to end China sister city tie": its council acting on it
    r"|" + _COUNCIL_ACTS + r"\b"
)


def _headline_owner(m: PlaceMention, text: str) -> bool:
    """The name opens one of the document's first lines (its headline, under a section
    label) and the line goes on to speak of its own tie: "Thunder Bay won't drop its
    Minnesota sister city"."""
    if m.start > 300 or (m.start > 0 and text[m.start - 1] != "\n"):
        return False
    end = text.find("\n", m.end)
    return _HEADLINE_OWNS.match(text, m.end, len(text) if end < 0 else end) is not None


def _headline_for(m: PlaceMention, text: str) -> bool:
    """The name ends the headline after a tie "for" it: "Councillors back talks on new
    twinning for Cork"."""
    if m.start > 300:
        return False
    lo = text.rfind("\n", 0, m.start) + 1
    end = text.find("\n", m.end)
    return (
        text[:lo].count("\n") <= 2
        and not text[m.end : len(text) if end < 0 else end].strip()
        and _HEADLINE_FOR.search(text, lo, m.start) is not None
    )


_WITH_BEFORE = re.compile(
    # "with Jinan", "with Russia's Kaliningrad", "with the Chinese city of Jiaozuo"
    r"\bwith\s+(?:[A-Z][\w.]*(?:'s|’s)\s+|the\s+(?:[A-Z]\w+\s+)?(?:city|town|port)\s+of\s+)?$"
    # ... or placed for the reader as somewhere else: "the Black Forest town of
    # Waldkirch", visited or visiting: "a delegation went to Waldkirch", "a brass band
    # from Waldkirch"
    r"|\bthe\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?\s+(?:town|city|village|port)\s+of\s+$"
    r"|\b(?:went|travel(?:l)?ed|flew|trip|visit|visited)\s+to\s+$"
    r"|\b(?:delegation|delegations|visitors|guests|band|choir)\s+from\s+$"
)


_THE_CITY_NEXT = re.compile(
    r"[^\n]{0,40}?(?::|[—–]|--)\s*(?:The|This)\s+(?:city|town|municipality|council|city\s+council)\b"
)
# (", June 9 (BTA) - ": a wire's date before its mark, and a plain hyphen as the dash)
_DATELINE_AFTER = re.compile(
    r"(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2}(?:\s\d{1,2})?)?\s*(?:\([A-Za-z. ]{2,12}\)\s*)?"
    r"(?:[—–]|--|-(?=\s))"
)


_PLACE_DATE_LINE = re.compile(
    r"[ \t]*[|·•][ \t]*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+)?"
    r"(?:\d{1,2}[ \t]+[A-Z][a-z]+|[A-Z][a-z]+\.?[ \t]+\d{1,2}),?[ \t]+(?:19|20)\d\d[ \t]*$",
    re.MULTILINE,
)
_OFFICIAL_SITE = re.compile(r"(?i)\bofficial\s+(?:web\s*)?site\b")
_BODY_OF = re.compile(r"(?:City|Town|Borough|Village|Municipality|Shire) of\s+$")


def _letterhead(m: PlaceMention, text: str) -> bool:
    """A name in a short line of the site's own: its title or its footer."""
    lo = text.rfind("\n", 0, m.start) + 1
    hi = text.find("\n", m.end)
    line = text[lo : len(text) if hi < 0 else hi]
    if len(line) > 80:
        return False
    return bool(_OFFICIAL_SITE.search(line) or _BODY_OF.search(text, lo, m.start))


def _own_body_masthead(m: PlaceMention, text: str) -> bool:
    """ "ANN ARBOR SISTER CITIES", "Kenilworth Twinning Association" opening the text: a
    town's own twinning body's page or newsletter, about that town's partners however
    often it names one of them."""
    lo = text.rfind("\n", 0, m.start) + 1
    if m.start != lo or text[:lo].strip().count("\n") > 1:
        return False
    hi = text.find("\n", m.end)
    return _OWN_BODY.match(text, m.end, len(text) if hi < 0 else hi) is not None


_OWN_BODY = re.compile(
    r"(?i)\s+(?:sister\s+cit(?:y|ies)|twinning|twin\s+towns?|friendship\s+cit(?:y|ies))"
    r"(?:\s+(?:association|committee|society|club|commission|program|programme|inc\.?))?\s*$"
)
# "Llandovery Town Council | Cyngor Tref Llanymddyfri" heading the page: the council's
# own site (a county's or district's council speaks for no one town)
_COUNCIL_MASTHEAD = re.compile(
    # (a name may open in lower case: "eThekwini Municipality")
    r"\A\s*((?:[A-Z]|[a-z](?=[A-Z]))[\w'’.-]+(?:[ -][A-Z][\w'’.-]+){0,3}) "
    r"(?:(?:Town|City|Borough|Parish|Community|District|Shire) Council"
    # "eThekwini Municipality – Office of the Mayor" over a mayor's briefing
    r"|(?:Metropolitan |Local |City )?Municipality|Municipal Council"
    # "TASMAN DISTRICT COUNCIL" over its minutes
    r"|(?:TOWN|CITY|BOROUGH|PARISH|COMMUNITY|DISTRICT|SHIRE) COUNCIL"
    # "Sør-Varanger kommune" over its council's English summary
    r"|[Kk]ommune|[Kk]ommun"
    # "Changwon Special City" over its press release, "Busan Metropolitan City"
    r"|Special City|Metropolitan City|Metropolitan Government|City Government"
    # "Llandeilo Twinning Association" over its newsletter: the town it twins
    r"|Twinning (?:Association|Committee|Society)|Town Twinning (?:Association|Committee))\b"
    r"[^\n]{0,60}(?:\n|\Z)"
)


# "Bendigo Advertiser", "The Cairns Post" as the page's first line: a local paper
_PAPER_NAME = (
    r"(?:The )?([A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,2}) (?:Daily |Evening |Weekly )?"
    r"(?:Advertiser|Post|Times|Herald|Star|News|Courier|Gazette|Chronicle|Examiner|Mail|Echo"
    r"|Telegraph|Standard|Tribune|Journal|Record|Bulletin|Observer|Express|Mercury|Argus"
    r"|Leader|Sentinel|Register|Dispatch)"
)
_PAPER_MASTHEAD = re.compile(rf"\A\s*{_PAPER_NAME}[ \t]*\n")


# (or the paper's name heading its date line under the byline: "Frankenmuth News,
# Wednesday, June 5, 2019")
_PAPER_DATE_LINE = re.compile(
    rf"^{_PAPER_NAME}[ \t]*[,|·–—-][^\n]{{0,30}}\b(?:19|20)\d\d\b[^\n]{{0,20}}$", re.MULTILINE
)
# (or an online paper's one-word brand on a line of its own by the byline: "GuelphToday")
_PAPER_BRAND = re.compile(r"^([A-Z][a-z]{2,})(?:Today|News|Now|Live)[ \t]*$", re.MULTILINE)
_LOCAL_PAPER_TOWN = 1_000_000  # people: a city larger has papers of a whole country


def _paper_masthead(text: str, gaz: Gazetteer, doc: DocPlaces) -> PlaceMention | None:
    """The town of a local paper whose masthead opens the page, when the gazetteer
    knows it as a town (not "The Irish Times"; nor a capital's or a big city's paper, which
    reports on the whole country)."""
    m = (
        _PAPER_MASTHEAD.match(text)
        or _PAPER_DATE_LINE.search(text, 0, 400)
        or _PAPER_BRAND.search(text, 0, 500)
    )
    if m is None:
        return None
    key = norm(m.group(1))
    cities = gaz.cities_for_key(key)
    if not cities or key in gaz.countries or key in gaz.demonyms:
        return None
    place = resolve(key, cities, None, set(), None, None, doc.countries)
    if place.geonameid is None or gaz.is_capital(place):
        return None
    if max(c.population for c in cities if c.geonameid == place.geonameid) > _LOCAL_PAPER_TOWN:
        return None  # "Buenos Aires Times", "Bangkok Post": a national paper, not a town's
    return PlaceMention(
        m.start(1), m.end(1), m.group(1), place, -1, -1, -1, "place.paper_masthead"
    )  # fmt: skip


def _council_masthead(text: str) -> PlaceMention | None:
    """The town of the council whose site this is, named in its masthead, when the
    gazetteer lacks it (a place of no country or id, spanning its name there)."""
    m = _COUNCIL_MASTHEAD.match(text)
    if m is None:
        return None
    name = m.group(1)
    return PlaceMention(
        m.start(1), m.end(1), name, Place(name.title() if name.isupper() else name, None, None),
        -1, -1, -1, "place.masthead",
    )  # fmt: skip


_CAPITAL_OF_BEFORE = re.compile(
    r"(?i)\bthe\s+(?:provincial\s+|state\s+|regional\s+)?capital\s+of\s+$"
)


def _bare_capital(mentions: list[PlaceMention], tokens, parsed, gaz: Gazetteer):
    """ "a similar debate in Wellington, where some councillors have questioned the
    capital's 34-year sister city relationship with Xiamen": "the capital's" is the
    national capital the sentence has just named."""
    out = list(mentions)
    for sent in parsed.sentences:
        for i in range(sent.tok_start + 1, sent.tok_end - 1):
            if not (
                tokens[i].lower == "capital"
                and tokens[i - 1].lower == "the"
                and tokens[i + 1].lower in ("'s", "’s")
            ):
                continue
            if any(m.tok_start <= i < m.tok_end for m in mentions if m.tok_start >= 0):
                continue
            named = [
                m for m in mentions
                if sent.tok_start <= m.tok_start < i - 1 and gaz.is_capital(m.place)
            ]  # fmt: skip
            if not named:
                continue
            out.append(
                PlaceMention(
                    start=tokens[i - 1].start, end=tokens[i].end,
                    text=parsed.text[tokens[i - 1].start : tokens[i].end],
                    place=named[-1].place, tok_start=i - 1, tok_end=i + 1,
                    span_end_tok=i + 1, cue="coref.capital_named",
                )
            )  # fmt: skip
    out.sort(key=lambda m: m.start)
    return out


def _capital_of_dateline(mentions: list[PlaceMention], tokens, text: str) -> list[PlaceMention]:
    """ "MATSUYAMA -- The capital of Ehime Prefecture, ..., has signed a friendship city
    agreement": the capital of the province the dateline's city lies in is that city."""
    datelines = [
        m for m in mentions
        if m.place.kind == "city" and m.place.admin1 and m.start < 400 and _is_dateline(m, text)
    ]  # fmt: skip
    if not datelines:
        return mentions
    out = []
    for m in mentions:
        found = (
            _CAPITAL_OF_BEFORE.search(text, max(0, m.start - 20), m.start)
            if m.place.kind == "province" and m.tok_start >= 3
            else None
        )
        city = next(
            (
                d.place for d in datelines
                if d.place.country == m.place.country and d.place.admin1 == m.place.admin1
            ),
            None,
        ) if found else None  # fmt: skip
        if city is not None:
            start_tok = m.tok_start - 3
            m = replace(
                m, start=tokens[start_tok].start, text=text[tokens[start_tok].start : m.end],
                place=city, tok_start=start_tok, cue="coref.capital_of_dateline",
            )  # fmt: skip
        out.append(m)
    return out


def _is_dateline(m: PlaceMention, text: str) -> bool:
    """A name opening a paragraph before a dash: "KIEL, Germany (AP) —"; in title case
    only with the agency's mark, "Cairns, Queensland (AAP) —", since a paragraph may
    open with a partner's name and a dash."""
    if len(m.text) <= 2 or not (m.start == 0 or text[m.start - 1] == "\n"):
        return False
    if m.text.isupper() and text.startswith(": ", m.end):
        # "IPOH: The city's twin-city agreement ..." (Malaysian, Indian papers), a
        # paragraph of prose, not a heading "PSKOV: THE END OF A CHAPTER"
        hi = text.find("\n", m.end)
        line = text[m.end : len(text) if hi < 0 else hi]
        return len(line) > 80 and not line.isupper()
    if m.start < 400 and _PLACE_DATE_LINE.match(text, m.end):
        return True  # "Queenstown | Friday, 24 March 2023": the story's place and date
    after = _DATELINE_AFTER.match(text, m.end)
    return after is not None and (m.text.isupper() or "(" in after.group())


def _masthead(
    pool: Sequence[PlaceMention], text: str | None
) -> tuple[PlaceMention | None, PlaceMention | None]:
    """A council masthead's town: the mention that names it (`named`), or, when none
    does, the masthead itself (`unknown`)."""
    head = _council_masthead(text) if text is not None else None
    if head is None:
        return None, None
    key = norm(head.text)
    for m in pool:
        # ("Ystads kommun": the Swedish genitive of Ystad)
        if re.search(rf"(?<!\w){re.escape(norm(m.text))}s?(?!\w)", key):
            return m, None
    return None, head


def focal_place(
    doc: DocPlaces,
    parsed_mentions: Sequence[PlaceMention] = (),
    text: str | None = None,
    paper: PlaceMention | None = None,
) -> Place | None:
    """The place a document is about: the one it names most often (earliest on a tie).

    The string scan's names count, and so do those the parse recognised by their cues
    where the scan, unsure, left them out ("Bad Homburg vor der Höhe is twinned with:").
    """
    counts: dict[str, int] = {}
    first: dict[str, PlaceMention] = {}
    scanned = {m.start for m in doc.mentions}
    extra = [
        m for m in parsed_mentions
        if m.tok_start >= 0 and m.start not in scanned
        and (not m.cue.startswith(("org", "coref")) or m.cue == "coref.capital_of_dateline")
    ]  # fmt: skip
    pool = sorted([*doc.mentions, *extra], key=lambda m: m.start)
    opener = None
    for m in pool:
        if text is not None and titled_name().search(text, max(0, m.start - 40), m.start):
            continue  # "Council Member Denver moved to amend": a person, not the place
        if text is not None and _LOCATION_BEFORE.search(text, max(0, m.start - 40), m.start):
            continue
        # A name right after "with" is a partner's ("end our relationship with Jinan"):
        # it counts half, so that a partner named as often loses to the city itself.
        # (so does one that modifies the tie a verb acts on: "Bid to cut Shanghai ties")
        weight = (
            0.5
            if text is not None
            and (
                _WITH_BEFORE.search(text, max(0, m.start - 40), m.start)
                or (
                    _ACTED_ON_BEFORE.search(text, max(0, m.start - 40), m.start)
                    and _TIE_AFTER.match(text, m.end)
                )
                or _PROPOSAL_AFTER.match(text, m.end)
            )
            else 1
        )
        if text is not None and _letterhead(m, text):
            # "Kerrville, TX - Official Website", "City of Kerrville · City Hall": the
            # site's own city, however often its news names a visiting partner
            weight += 2
        if text is not None and (
            _own_body_masthead(m, text) or council_letterhead(text, m.start, m.end)
        ):
            # ("GALWAY CITY COUNCIL" over its report on the Qingdao tie: the council's
            # city, however often the report names the partner)
            weight += 6
        if text is not None and _OWNS_TIES.match(text, m.end):
            # "a review of the New Plymouth District's sister city relationships": the
            # place that holds them all
            weight += 2
        if text is not None and _OWNS_TIE_WITH.match(text, m.end):
            # "Dunedin's 27-year sister city relationship with Shanghai will continue":
            # the tie's owner, however often the story names its partner
            weight += 4
        if text is not None and _headline_owner(m, text):
            # "Thunder Bay won't drop its Minnesota sister city over tariffs": the
            # headline's city owns the tie, however often the interview names the partner
            weight += 3
            if _HEADLINE_COUNCIL_ACTS.match(text, m.end):
                weight += 3  # (its council's vote: the story is the council's city's)
        if text is not None and _headline_for(m, text):
            # ("... new twinning for Cork" over a story that then says "the city" of it
            # and names the proposed partner again and again)
            weight += 5
        if m.cue == "coref.capital_of_dateline":
            # ("MATSUYAMA -- The capital of Ehime Prefecture ... has signed ...": the
            # dateline's city is the story's subject, named again)
            weight += 3
        if text is not None and _is_dateline(m, text):
            # "KIEL, Germany (AP) — Lawmakers in this Baltic port ...": a local story's
            # dateline is its own city, which the story then calls "the city"
            weight += 3
            if _THE_CITY_NEXT.match(text, m.end):
                weight += 6  # "IPOH: The city's twin-city agreement with Foshan ..."
        counts[m.place.key] = counts.get(m.place.key, 0) + weight
        first.setdefault(m.place.key, m)
        if opener is None and weight >= 1:
            opener = m
    if paper is not None:
        # "Bendigo Advertiser" over a story that only ever says "the city": a local
        # paper's town, whatever partner its story names
        counts[paper.place.key] = counts.get(paper.place.key, 0) + 6
        first.setdefault(paper.place.key, paper)
    named_head, masthead = _masthead(pool, text)
    headed = 0
    if named_head is not None:
        # ("Sør-Varanger kommune" over minutes that name its Russian partners as often:
        # the masthead the scan did not read as a mention weighs as a letterhead does)
        headed = 6
        counts[named_head.place.key] = counts.get(named_head.place.key, 0) + headed
        first.setdefault(named_head.place.key, named_head)
    if masthead is not None:
        # A town too small for the gazetteer is still the one whose council's site this
        # is: its news says "our twin" and "the town" of it, whatever partner it names.
        return masthead.place
    if not counts:
        return None
    if text is not None:
        # A town the gazetteer lacks is recognised only where its sentence says it is a
        # place ("Lismore's sister city relationships"); each time the text names it
        # counts.
        scanned_keys = {m.place.key for m in doc.mentions}
        for key, m in first.items():
            if key not in scanned_keys:
                named = len(re.findall(rf"(?<!\w){re.escape(m.text)}(?!\w)", text))
                if named_head is not None and key == named_head.place.key:
                    named += headed  # ("Llandeilo Twinning Association" over its newsletter)
                counts[key] = max(counts[key], named)
    # The place a document opens with (its title, its council's letterhead) counts once
    # more: a staff report about a new partner is still its own city's. A partner the
    # headline names after "with" is not that place ("... votes to keep its twinning
    # with Russia's Kaliningrad").
    # (the first counted: a name skipped above, "a city in Umbria", counts for nothing)
    opener = opener or next(m for m in pool if m.place.key in counts)
    counts[opener.place.key] += 1
    key = max(counts, key=lambda k: (counts[k], -first[k].start))
    top = first[key].place
    if top.kind == "province" and top.admin1:
        # "Des Moines and Kofu mark 65 years", a story that names "Iowa" about as often
        # (its state fair, its capitol, its farmers): the city in the state is the one
        # whose ties it tells
        inside = [
            k for k, m in first.items()
            if m.place.kind == "city"
            and m.place.country == top.country
            and m.place.admin1 == top.admin1
            and counts[k] >= 0.75 * counts[key]
        ]  # fmt: skip
        if inside:
            key = max(inside, key=lambda k: (counts[k], -first[k].start))
    return first[key].place


# "Among the city's partners are Kiel and Seattle": a place listed as the city's
# partner is not the city
_PAIRING_VERBS = frozenset("twin pair link partner".split())


def _it_signs_a_tie(verb: Token, tokens) -> bool:
    """ "It signed a friendship agreement with the Japanese city of Hirado": "it" is a
    city when it signs a tie with another."""
    return _tie_object(verb, tokens, _SIGNING, _SIGNED_PAPERS)


def _we_signed_with(verb: Token, tokens) -> bool:
    """'"We signed the agreement with Kahramanmaraş only earlier this year"': the
    speaker's city signed a paper with a partner."""
    obj = _verb_and_object(verb, tokens, _SIGNING, _SIGNED_PAPERS, 6)
    return obj is not None and obj.i + 1 < len(tokens) and tokens[obj.i + 1].lower == "with"


def _it_has_ties(verb: Token, tokens) -> bool:
    """ "It already has formal twinning relations with several foreign localities": "it"
    is a city when it holds ties of a city's kind."""
    return _tie_object(verb, tokens, _HOLDING, _HELD_TIES)


_SIGNING = frozenset("sign conclude ink seal".split())
_SIGNED_PAPERS = frozenset("agreement memorandum charter pact accord".split())
_HOLDING = frozenset("have maintain keep hold".split())
_HELD_TIES = frozenset("relation tie link partnership agreement".split())
_TIE_OBJECT_KINDS = frozenset("friendship twinning sister partnership sister-city twin".split())


def _verb_and_object(
    verb: Token, tokens, verbs: frozenset, objects: frozenset, reach: int = 8
) -> Token | None:
    """The verb's direct object (within `reach` tokens) when the verb is one of `verbs`
    and the object one of `objects`."""
    if verb.lemma not in verbs:
        return None
    obj = next(
        (t for t in tokens[verb.i + 1 : verb.i + reach] if t.head == verb.i and t.dep == "dobj"),
        None,
    )
    return obj if obj is not None and obj.lemma in objects else None


def _tie_object(verb: Token, tokens, verbs: frozenset, objects: frozenset) -> bool:
    """The verb is one of `verbs` and its object one of `objects`, of a city's kind of tie
    ("a friendship agreement", "formal twinning relations")."""
    obj = _verb_and_object(verb, tokens, verbs, objects)
    return obj is not None and any(t.lower in _TIE_OBJECT_KINDS for t in tokens[verb.i + 1 : obj.i])


def _it_is_a_tie(verb: Token, tokens) -> bool:
    """ "It became a sister city of Obama in 1977": "it" is a city when what it is or
    becomes is a partner city."""
    if verb.lemma not in ("be", "become", "remain"):
        return False
    attr = next(
        (t for t in tokens[verb.i + 1 : verb.i + 8] if t.head == verb.i and t.dep == "attr"), None
    )
    return (
        attr is not None
        and attr.lemma in ("city", "town", "partner", "twin")
        # (not "It will be Cusco's second sister city": "it" is the partner there)
        and not any(t.head == attr.i and t.dep == "poss" for t in tokens[verb.i + 1 : attr.i])
        and (
            attr.lemma in ("partner", "twin")
            or any(
                t.head == attr.i and t.lower in ("sister", "twin", "friendship", "partner")
                for t in tokens[attr.i - 3 : attr.i]
            )
        )
    )


_LISTING_VERBS = frozenset("are were include includes included including".split())


_DEPUTY = frozenset("deputy vice acting".split())
_OFFICIALS = frozenset("mayor governor leader head chairman chairwoman counterpart".split())


def _mayor_and_counterpart(i: int, sent, tokens) -> bool:
    """ "Mayor Lewis Ngata and the (vice-)mayor of Rizhao": a mayor named by title alone,
    coordinated with another place's official."""
    j = i + 1
    while j < sent.tok_end and j <= i + 3 and tokens[j].pos == "PROPN":
        j += 1
    if j == i + 1 or j >= sent.tok_end or tokens[j].lower not in ("and", "&"):
        return False
    rest = [t.lower for t in tokens[j + 1 : min(sent.tok_end, j + 6)]]
    while rest and rest[0] in ("the", "his", "her", "vice", "deputy", "executive", "-"):
        rest = rest[1:]
    return len(rest) >= 2 and rest[0] in _OFFICIALS and rest[1] in ("of", "from")


def _opening_subject(mentions, tokens, parsed, sent) -> Place | None:
    """The place the sentence before (in the same paragraph) opens on as its subject."""
    here = tokens[sent.tok_start].sent
    if here == 0:
        return None
    prev = parsed.sentences[here - 1]
    if prev.paragraph != sent.paragraph:
        return None
    for m in mentions:
        if m.tok_start != prev.tok_start or tokens[m.tok_end - 1].dep not in ("nsubj", "nsubjpass"):
            continue
        # (a sentence introducing it: "Kitakyushu, an industrial city ...", "Kitakyushu
        # is a port ...")
        k = max(m.span_end_tok, m.tok_end)
        described = k + 1 < prev.tok_end and (
            (tokens[k].text == "," and tokens[k + 1].lower in ("a", "an", "the"))
            or tokens[tokens[m.tok_end - 1].head].lemma == "be"
        )
        if not described:
            return None
        # "Shymkent is Lanzhou's third partner city in Central Asia. The city has had
        # sister-city ties with Almaty": the city whose partner it is said to be
        owner = next(
            (
                o for o in mentions
                if k <= o.tok_start < prev.tok_end
                and _PARTNER_OF_OWNER.match(parsed.text, tokens[o.tok_end - 1].end)
            ),
            None,
        )  # fmt: skip
        return owner.place if owner is not None else m.place
    return None


_PARTNER_OF_OWNER = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,3}(?:partner|sister|twin)\b")


_YEARS_IN_BRACKETS = r"\s*\((?:since\s+)?(?:1[89]|20)\d\d(?:\s*[-–]\s*(?:(?:1[89]|20)\d\d)?)?\)"
_PAIR_WITH_YEARS = re.compile(
    rf"{_YEARS_IN_BRACKETS}|\s+with\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?{_YEARS_IN_BRACKETS}"
)


_EPITHET_WORDS = frozenset(
    "ancient historic historical medieval coastal seaside riverside lakeside heritage "
    "industrial frontier border mountain harbour harbor".split()
)


def _epithet(i: int, sent, tokens, gaz: Gazetteer) -> bool:
    """ "The Baltic port", "The Hanseatic city" opening a sentence as its subject: a
    place's epithet by a sea, a region or a league that names no country (a country's
    demonym, "the Russian city", is resolved by that country)."""
    if i != sent.tok_start or i + 2 >= sent.tok_end:
        return False
    mod, head = tokens[i + 1], tokens[i + 2]
    return (
        (
            (
                mod.text[:1].isupper()
                and mod.ent_type in ("NORP", "LOC")
                and norm(mod.text) not in gaz.demonyms
            )
            # "The ancient town already has friendship ties ...": a descriptive word
            or mod.lower in _EPITHET_WORDS
        )
        and head.lower in ("port", "city", "town")
        and head.dep in ("nsubj", "nsubjpass")
    )


def _described_twin_object(i: int, sent, tokens, taken) -> int | None:
    """ "proposed twinning the Black Sea city with Sevastopol": the head of a town's
    capitalised description (one to three words, no place) that is the object of "twin";
    its town is the one the sentence or the passage names."""
    k = i + 1
    while k < min(i + 4, sent.tok_end) and tokens[k].text[:1].isupper() and k not in taken:
        k += 1
    if k == i + 1 or k >= sent.tok_end:
        return None
    head = tokens[k]
    if head.lower not in ("city", "town", "port") or head.dep != "dobj":
        return None
    return k if tokens[head.head].lemma in ("twin", "pair", "link") else None


def _fronted_its_tie(i: int, sent, tokens) -> bool:
    """ "Within Spain, its only hermanamiento is with ...": "its" opening the clause
    after a short fronted phrase, on a tie of its own, is the sentence-opening "Its"."""
    if i - sent.tok_start < 2 or i - sent.tok_start > 5 or tokens[i - 1].text != ",":
        return False
    if tokens[sent.tok_start].pos not in ("ADP", "ADV") or any(
        t.pos in ("VERB", "AUX") for t in tokens[sent.tok_start : i]
    ):
        return False
    nouns = rel_nouns()
    return any(t.lower in nouns for t in tokens[i + 1 : min(i + 4, sent.tok_end)])


_CITY_CORPORATION = re.compile(r"\b(?:City|Municipal|Metropolitan) Corporation\b")


def _own_city(mentions, doc: DocPlaces, tokens, parsed, focal: Place | None, gaz: Gazetteer):
    """ "the city's ties with its Slovak partner", "The city is also a sister city of
    Eureka", "the Council voted to end ...", "Its link with Argentan": the city the
    passage is about, when no place is named in the sentence before the phrase.

    That is the first place the paragraph names ("In Canada, a Winnipeg councillor ...
    the city's mayor"); council minutes, city statements and encyclopedia sections often
    name none, and then it is the place the document names most often.
    """
    out = list(mentions)
    taken = {i for m in mentions if m.tok_start >= 0 for i in range(m.tok_start, m.span_end_tok)}
    corporation_story = _CITY_CORPORATION.search(parsed.text) is not None
    for sent in parsed.sentences:
        span = range(sent.tok_start, sent.tok_end)
        words = {tokens[i].lower for i in span}
        # "to end the city's agreement with Taiyuan": a word as plain as "agreement"
        # makes a tie only when the city's own
        # ("ended a smaller cooperation agreement with a second Russian city": the
        # kind of agreement a city signs with another)
        possessed_only = not words & _OWN_RELATION and not any(
            tokens[k].lower == "cooperation" and tokens[k + 1].lower in _OWN_PLAIN_RELATION
            for k in range(sent.tok_start, sent.tok_end - 1)
        )
        if possessed_only and not words & _OWN_PLAIN_RELATION:
            continue
        for i in span:
            tok = tokens[i]
            if i in taken:
                continue
            start = end = None
            partner_side = False
            if (
                possessed_only
                and not (
                    tok.lower == "the"
                    and i + 3 < sent.tok_end
                    and tokens[i + 1].lower in _OWN_HEADS
                    and tokens[i + 2].lower in ("'s", "’s")
                    and tokens[i + 3].lower in _OWN_PLAIN_RELATION
                )
                and not (
                    # "Council and Kasama signed their agreement in 1992"
                    tok.text == "Council"
                    and "their" in words
                    and any(
                        t.dep == "conj" and t.head == i and t.i in taken
                        for t in tokens[i + 1 : min(sent.tok_end, i + 4)]
                    )
                )
                and not (tok.text == "We" and _we_signed_with(tokens[tok.head], tokens))
            ):
                continue
            if tok.lower == "the" and i + 1 < sent.tok_end:
                j = i + 1
                if (
                    tokens[j].lower in _OWN_MODIFIERS
                    and j + 1 < sent.tok_end
                    and tokens[j + 1].lower == "council"
                ):
                    j += 1
                elif (
                    tokens[j].lower in _ASSEMBLY_KINDS
                    and j + 1 < sent.tok_end
                    and tokens[j + 1].lower == "assembly"
                ):
                    # "The Municipal Assembly has signed a partnership agreement with
                    # Verden": a Ghanaian town's council
                    j += 1
                elif _epithet(i, sent, tokens, gaz):
                    j += 1  # "Gdańsk has chosen ... The Baltic port has been twinned"
                elif (k := _described_twin_object(i, sent, tokens, taken)) is not None:
                    j = k  # "councillors in Constanța proposed twinning the Black Sea city"
                elif (
                    tokens[j].lower in _TOWN_KINDS
                    and j + 1 < sent.tok_end
                    and tokens[j + 1].lower in _OWN_HEADS
                ):
                    j += 1  # "Ludlow, which has been twinned with the spa town since ..."
                head = tokens[j]
                nxt = tokens[j + 1].lower if j + 1 < sent.tok_end else ""
                # ("assembly" only as "the Municipal Assembly", never a bare "the assembly")
                municipal_assembly = (head.lower == "assembly" and j == i + 2) or (
                    # ("The corporation had first mooted a tie-up with Kyoto" in a story
                    # of the Mysuru City Corporation: the city's)
                    head.lower == "corporation" and corporation_story
                )
                if (
                    head.lower not in _OWN_HEADS
                    and not municipal_assembly
                    and not (j == i + 2 and head.lower == "port")
                ) or nxt in (
                    "of",
                    "centre",
                    "center",
                    "hall",
                ):
                    continue
                if nxt == "in" and j + 2 in taken:
                    continue  # "the city council in Richmond, British Columbia, voted"
                twinned = head.dep == "dobj" and tokens[head.head].lemma in ("twin", "pair", "link")
                # "Ludlow, which has been twinned with the town": the other side
                partner_side = (
                    head.dep == "pobj"
                    and tokens[head.head].lower == "with"
                    and tokens[tokens[head.head].head].lemma in ("twin", "pair", "link")
                    and tokens[tokens[head.head].head].tag == "VBN"
                )
                if not (
                    nxt in ("'s", "’s")
                    or head.dep in ("nsubj", "nsubjpass")
                    or twinned
                    or partner_side
                ):
                    continue  # "a proposal ... to twin the city with Sevastopol" is one
                start, end = i, j + 1
            elif (
                tok.lower == "council"
                and (tok.text == "Council" or tok.dep in ("nsubj", "dobj", "nsubjpass"))
                and tok.dep != "compound"  # not "Council meeting"
                and (i == sent.tok_start or tokens[i - 1].pos not in ("DET", "PROPN", "ADJ"))
                and (i == sent.tok_start or tokens[i - 1].tag not in ("PRP$", "POS", "NN"))
            ):
                # council reports: "In 2016 Council considered ..."; local news: "had
                # asked council in the spring to consider ..."
                start, end = i, i + 1
            elif (
                tok.lower in _OWN_MODIFIERS
                and i + 1 < sent.tok_end
                and tokens[i + 1].lower == "council"
                and tokens[i + 1].dep not in ("compound", "pobj", "dobj")
                # opening its clause: "The timing was apt: city council last Monday ..."
                and (i == sent.tok_start or tokens[i - 1].pos == "PUNCT")
            ):
                start, end = i, i + 2  # "The timing was apt: city council last Monday approved"
            elif tok.lower == "its" and (
                i == sent.tok_start
                or any(t.lower in _ITS_BODIES for t in tokens[i + 1 : min(i + 4, sent.tok_end)])
                or _fronted_its_tie(i, sent, tokens)
            ):
                # "Its link with Argentan ..." opening a sentence; "After a debate, its
                # municipal executive board pulled the plug on the twinning with ..."
                start, end = i, i + 1
            elif (
                tok.text == "Mayor"
                and i == sent.tok_start
                and _mayor_and_counterpart(i, sent, tokens)
            ):
                # "Mayor Lewis Ngata and the vice-mayor of Rizhao ... signed a sister city
                # agreement": the local paper's own mayor beside the partner's official
                start, end = i, i + 1
            elif tok.lower == "our" and any(
                t.lower in _OWN_RELATION for t in tokens[i + 1 : min(i + 4, sent.tok_end)]
            ):
                start, end = i, i + 1  # a city speaking: "our partner city Kaliningrad"
            elif (
                # (or after a colon: "Curitiba has its own link with the prefecture: it
                # has been a sister city of Himeji since 1984")
                (
                    (tok.text == "It" and i == sent.tok_start)
                    or (tok.text == "it" and i > sent.tok_start and tokens[i - 1].text == ":")
                )
                and tok.dep in ("nsubj", "nsubjpass")
                and (
                    tokens[tok.head].lemma in _PAIRING_VERBS
                    or _it_is_a_tie(tokens[tok.head], tokens)
                    or _it_signs_a_tie(tokens[tok.head], tokens)
                    or _it_has_ties(tokens[tok.head], tokens)
                )
            ):
                start, end = i, i + 1  # "Kendal is a market town in Cumbria. It is twinned with"
            elif (
                tok.text == "We"
                and tok.dep == "nsubj"
                and _we_signed_with(tokens[tok.head], tokens)
                and parsed.text.count('"', sent.start, tok.start) % 2 == 1
            ):
                start, end = i, i + 1  # a mayor quoted: '"We signed the agreement with X ...'
            else:
                continue
            # A place the sentence names before, not as a partner ("Councillors in Dundee
            # voted to suspend ties with the city's Russian twin") comes first; then the
            # paragraph's own city (the first it names); a paragraph naming none (minutes,
            # encyclopedia sections) speaks of the document's city.
            # (a semicolon starts a clause of its own: "San Antonio counts Guadalajara
            # among its oldest sister cities; the city's other partners include ...")
            clause = max(
                (k + 1 for k in range(sent.tok_start, start) if tokens[k].text == ";"),
                default=sent.tok_start,
            )
            before = [
                m for m in mentions
                if m.tok_start >= 0 and clause <= m.tok_start < start
            ]  # fmt: skip
            p_start, _ = parsed.paragraphs[sent.paragraph]
            if tok.lower == "our" and not _quoted(parsed.text[p_start : tok.start]):
                # A document speaking in its own voice (a mayor's statement) speaks for
                # its city, whatever the sentence or the paragraph names before it
                # ("Bremen, our partner city since 1976"); a quoted speaker is the
                # paragraph's ("In Wagga Wagga ... 'our sister city of Kunming'").
                if focal is None or any(m.place.key == focal.key for m in before):
                    continue
                antecedent = focal
            elif (
                tok.lower == "our"
                and before
                and focal is not None
                and all(m.place.key != focal.key for m in before)
                and not any(p_start <= m.start < sent.start for m in mentions if m.tok_start >= 0)
            ):
                # '"Kansas City has been our sister city since 1967," he said' in a
                # paragraph naming no place before: the speaker's city is the story's,
                # unless the paragraph names the speaker's own ('..., said Frankfurt am
                # Main's deputy mayor')
                p_end = parsed.paragraphs[sent.paragraph][1]
                speaker = next(
                    (
                        m for m in mentions
                        if tok.start < m.start < p_end
                        and _SPEAKER_OF.match(parsed.text, m.end)
                    ),
                    None,
                )  # fmt: skip
                antecedent = speaker.place if speaker is not None else focal
            else:
                earlier = [
                    m for m in before
                    if tokens[tokens[m.tok_start].head].lower not in ("with", "to", "and")
                    and tokens[m.tok_start].dep != "dobj"  # "to add Lagos as the city's ..."
                    and not m.cue.startswith("coref")
                    and not _aside(parsed.text, p_start, m.start, tok.start)
                ]  # fmt: skip
                # "Stockton, California, became the city's sister city": the subject
                # becomes the partner of another city, the one the passage is about.
                became = start > sent.tok_start and tokens[start - 1].lemma == "become"
                # "Valencia's city council voted down a proposal to twin the city with Mar
                # del Plata": the object of "twin" is the place the sentence named
                twin_object = (
                    end - start >= 2
                    and tokens[end - 1].dep == "dobj"
                    and tokens[tokens[end - 1].head].lemma in ("twin", "pair", "link")
                )
                # "Pinhel, Gualdo Tadino and Longwy, the city's three partners": set off
                # after the places it calls partners, the phrase is another city's
                apposed = (
                    start > sent.tok_start
                    and tokens[start - 1].text == ","
                    and any(
                        t.lower in ("partner", "partners", "twins", "twin", "link", "sister")
                        for t in tokens[end : end + 4]
                    )
                )
                # "In Ota Ward, home to Haneda Airport, the assembly's committee rejected a
                # proposal to end the ward's relationship with Salem": the scene set at
                # the sentence's opening, too far from the tie for a pattern to reach
                scene = [m for m in earlier if not m.cue.startswith("org")]
                framed = (
                    len(scene) == 1
                    and tokens[sent.tok_start].lower == "in"
                    and _phrase_head(tokens, scene[0].tok_end - 1).head == sent.tok_start
                    and start - scene[0].tok_end > 8
                )
                # "Irpin Deputy Mayor Viktor Horbenko told the Kyiv Independent that the
                # city was also in talks with ...": the speaker's city, named by the title
                spoken = len(scene) == 1 and scene[0].cue == "place.modifier"
                # "Dundee went further: last Thursday its councillors voted to sever the
                # city's partnership with Orenburg": the subject before the colon, which
                # no pattern reaches across it
                # (the one subject, whatever its apposition names: "Curitiba, the
                # capital of Paraná, has its own link ...: it has been a sister city")
                subjects = [m for m in scene if tokens[m.tok_start].dep == "nsubj"]
                across = (
                    len(subjects) == 1
                    and (len(scene) == 1 or tok.lower == "it")
                    and any(t.text in (":", ";") for t in tokens[subjects[0].tok_end : start])
                )
                if framed or spoken:
                    antecedent = scene[0].place
                elif across:
                    antecedent = subjects[0].place
                elif earlier and twin_object:
                    antecedent = earlier[-1].place
                elif earlier and not became and not apposed and not partner_side:
                    continue  # the name itself is the subject; patterns pair it directly
                # "Austin counts Monterrey among its sister cities; the city's other
                # partners include ...": the first clause's subject
                # ("For Cáceres, the agreement is its first in Mexico; the city has been
                # twinned since 1989 with Portalegre": the place the sentence opens on)
                prior = [
                    m for m in mentions
                    if m.tok_start >= 0 and sent.tok_start <= m.tok_start < clause
                    and (
                        tokens[m.tok_start].dep in ("nsubj", "nsubjpass")
                        or (
                            m.tok_start == sent.tok_start + 1
                            and tokens[sent.tok_start].text == "For"
                        )
                    )
                ]  # fmt: skip
                if earlier and (twin_object or framed or spoken or across):
                    pass  # (chosen above)
                elif prior and not earlier:
                    antecedent = prior[0].place
                else:
                    # Names in this very sentence are partners or already its subject: the
                    # antecedent comes from the sentences before.
                    # A place named as a partner ("A new twinning with Ponte de Lima") is
                    # not the one whose council or mayor acts.
                    # The string scan's names and those the parse found by their cues
                    # ("Only in Imatra did a motion ... fail").
                    named = sorted(
                        [
                            # (not a surname: "Van Breda said")
                            *(
                                m
                                for m in doc.mentions
                                if not surname_particle_before(parsed.text, m.start)
                            ),
                            *(m for m in mentions if m.tok_start >= 0),
                        ],
                        key=lambda m: m.start,
                    )
                    # (a partner is the place the parse reads, where it reads one: "with
                    # Antequera in Paraguay" is the Paraguayan town, not the story's own)
                    parse_at = {m.start: m.place for m in mentions if m.tok_start >= 0}
                    # A partner stays a partner when named again ("Motion to terminate the
                    # relationship with Yuxi" / "... notify the Yuxi Municipal Government").
                    partners = set()
                    listed_end = -1
                    for m in named:
                        if m.start >= sent.start:
                            break
                        if m.start < listed_end:
                            continue  # the same name found by the scan and by the parse
                        # "those with Tver, Zenica, Fuxin and Zakopane": the whole list
                        # after "with" is partners
                        if (
                            (
                                _PARTNER_BEFORE.search(parsed.text, max(0, m.start - 45), m.start)
                                # "Lohmer and Kyoto Mayor Tatsuo Nishikawa signed": an
                                # office of the place, no partner
                                and not _OFFICE_AFTER.match(parsed.text, m.end)
                            )
                            or _PARTNER_AFTER.match(parsed.text, m.end)
                            or (
                                listed_end >= 0
                                and _LIST_GAP.fullmatch(parsed.text, listed_end, m.start)
                            )
                        ):
                            partners.add(parse_at.get(m.start, m.place).key)
                            listed_end = m.end
                        else:
                            listed_end = -1
                    in_para = [
                        m for m in named
                        if p_start <= m.start < sent.start and m.place.key not in partners
                        # "a delegation from Jiangsu province": a province has no city council
                        and m.place.kind != "province"
                    ]  # fmt: skip
                    antecedent = in_para[0].place if in_para else focal
                    if focal is not None and any(
                        m.place.key == focal.key
                        and _PARTNER_OF_OWNER.match(parsed.text, m.end)
                        and m.place.key != in_para[0].place.key
                        for m in in_para
                    ):
                        # "Miyazu, on Japan's coast, marks 45 years as Nelson's sister
                        # city ... The council's Japanese garden": the story's own city,
                        # named in the paragraph too
                        antecedent = focal
                    # "Sasebo, the city's oldest partner, ...": not Sasebo's own
                    set_off = {m.place.key for m in before if m.span_end_tok == start - 1}
                    if apposed and antecedent is not None and antecedent.key in set_off:
                        antecedent = focal
                        if focal is None or focal.key in set_off:
                            continue
                    # (or the subject after an opening phrase: "Antigua is no stranger to
                    # twinning. According to the municipality's website, the city counts
                    # more than a dozen sister cities")
                    opener = (
                        _opening_subject(mentions, tokens, parsed, sent)
                        if tok.lower == "the"
                        and (start == sent.tok_start or tokens[end - 1].dep == "nsubj")
                        else None
                    )
                    if opener is not None and opener.key in partners:
                        # "Kitakyushu, an industrial city on Kyushu, is known for ... The
                        # city is already a sister city of Kenosha": the place the sentence
                        # before opens on, though named as a partner before
                        antecedent = opener
                    kind = tokens[end - 1].lower
                    if kind in _DIVISION_HEADS:
                        # "The district also said ...": the district named last, not the
                        # document's most frequent place.
                        named_kind = [
                            m for m in mentions
                            if m.tok_start >= 0 and m.start < tokens[start].start
                            and (m.text.lower().endswith(kind) or m.place.kind == kind)
                        ]  # fmt: skip
                        # a partner named before ("talks ... with County Kerry") is not
                        # the county that acts
                        own_kind = [m for m in named_kind if m.place.key not in partners]
                        # (but a paragraph about a town of its own, "Stafford. The
                        # borough's link with Belfort ...", speaks of that town)
                        earlier_only = in_para and all(
                            m.start < p_start for m in own_kind or named_kind
                        )
                        if earlier_only and any(
                            f"{norm(p.text)} {kind}" == norm(k.place.name)
                            for p in in_para
                            for k in own_kind or named_kind
                        ):
                            # ("For Nantou, the memorandum is the first ... The county
                            # signed": the paragraph names the county by its bare name)
                            earlier_only = False
                        if (own_kind or named_kind) and not earlier_only:
                            antecedent = (own_kind or named_kind)[-1].place
                            home = _home_province(
                                antecedent, focal, partners, named, gaz, parsed.text
                            )
                            if home is not None:
                                antecedent = home
                        elif kind in _NAMED_KIND_ONLY:
                            continue
                        elif kind in _FOCAL_KIND:
                            antecedent = focal
                    if tok.lower in ("its", "it"):
                        # "Nelson has four sister cities. Its oldest relationship ...": the
                        # subject of the sentence before.
                        here = tokens[sent.tok_start].sent
                        prev = [
                            m for m in mentions
                            if m.tok_start >= 0 and tokens[m.tok_start].sent == here - 1
                            and _subject_name(m, tokens)
                            and m.start >= p_start
                        ]  # fmt: skip
                        if prev:
                            antecedent = prev[0].place
                            owner = _owner_of_subject(prev[0], mentions, tokens)
                            if owner is not None:
                                antecedent = owner.place
            # the list of partners that follows ("is twinned with Sainte-Maxime (France),
            # Oberursel (Germany) and ...")
            lists_at = next(
                (
                    k for k in range(end, min(end + 7, sent.tok_end))
                    if tokens[k].lower == "with" or tokens[k].lower in _LISTING_VERBS
                ),
                None,
            )  # fmt: skip
            if antecedent is None or any(
                m.place.key == antecedent.key and end < m.tok_start
                and (
                    (m.tok_start <= end + 6 and tokens[m.tok_start - 1].lower == "with")
                    or tokens[m.tok_start - 1].lower in _LISTING_VERBS
                    or (
                        lists_at is not None
                        and m.tok_start > lists_at
                        # (in the list itself, not a later clause: "..., a link forged
                        # after Westport families raised funds")
                        # ("our oldest twin, with which Stamford sealed ...")
                        and not any(
                            t.pos in ("VERB", "AUX") or t.lower in ("which", "whom")
                            for t in tokens[lists_at : m.tok_start]
                        )
                    )
                )
                for m in mentions if m.tok_start >= 0 and tokens[m.tok_start].sent == tok.sent
                and m.cue != "coref.council_initials"
            ):  # fmt: skip
                # ("to twin the town with Saint-Ismier", "the city's partners are Kiel
                # and Seattle": not the partner itself)
                continue
            out.append(
                PlaceMention(
                    start=tokens[start].start,
                    end=tokens[end - 1].end,
                    text=parsed.text[tokens[start].start : tokens[end - 1].end],
                    place=antecedent,
                    tok_start=start,
                    tok_end=end,
                    span_end_tok=end,
                    cue="coref.own_city",
                )
            )
            taken.update(range(start, end))
    out.sort(key=lambda m: m.start)
    return out


def _home_province(
    said: Place, focal: Place | None, partners: set, named, gaz: Gazetteer, text: str
) -> Place | None:
    """ "Regina and Jinan, the capital of Shandong province, ... The province's own
    twinning with Jilin ... Saskatchewan would keep its trade office": a province named
    for where a partner lies is not the one that acts; the province of the story's own
    city is, when the story names it."""
    if focal is None or focal.admin1 is None or said.kind != "province":
        return None
    if (said.country, said.admin1) == (focal.country, focal.admin1):
        return None
    if not any(
        m.place.key in partners and (m.place.country, m.place.admin1) == (said.country, said.admin1)
        for m in named
    ):
        return None
    own = next(
        (
            d for ds in gaz.admin1.values() for d in ds
            if (d.country, d.code) == (focal.country, focal.admin1) and not d.second_level
        ),
        None,
    )  # fmt: skip
    if own is None or not re.search(rf"(?<!\w){re.escape(own.name)}(?!\w)", text):
        return None
    return Place(own.name, own.country, None, own.code, "province")


def _subject_name(m: PlaceMention, tokens) -> bool:
    """The name is its sentence's subject, or names it: "The state of Vermont once had
    its own version of this"."""
    if tokens[m.tok_end - 1].dep in ("nsubj", "nsubjpass"):
        return True
    k = m.tok_start
    return (
        k >= 2
        and tokens[k - 1].lower == "of"
        and tokens[k - 2].lower in _DIVISION_WORDS
        and tokens[k - 2].dep in ("nsubj", "nsubjpass")
    )


def _owner_of_subject(subject: PlaceMention, mentions, tokens) -> PlaceMention | None:
    """ "Khon Kaen is the 27th international friendship city of Nanning. Its friendly
    cities ...": a subject said to be a partner "of" another place hands "its" on to it."""
    verb = tokens[tokens[subject.tok_end - 1].head]
    if verb.lemma != "be":
        return None
    sent = [t for t in tokens[max(0, verb.i - 40) : verb.i + 40] if t.sent == verb.sent]
    attr = [t for t in sent if t.head == verb.i and t.dep == "attr"]
    if not attr or not (
        set(attr[0].lower.split()) & _OWN_RELATION
        or any(tokens[k].lower in _OWN_RELATION for k in range(verb.i, attr[0].i))
    ):
        return None
    for m in mentions:
        if m.tok_start < 0 or m is subject or tokens[m.tok_start].sent != verb.sent:
            continue
        of = tokens[tokens[m.tok_start].head]
        if of.lower == "of" and of.head == attr[0].i:
            return m
    return None


# "with Yichang", "with the Chinese city of Yichang": named as a partner (not "met with the
# city of X", which may be the place that acts)
_PARTNER_BEFORE = re.compile(
    r"\b(?i:with|between|and)\s+"
    r"(?:(?:the|its|a)\s+[A-Z][\w-]+\s+"
    r"(?:city|town|village|port|capital|municipality|commune|district)\s+of\s+)?$"
)
# "a sister city in South Korea, Paju, with which": the partner named after its country
_PARTNER_IN_COUNTRY = re.compile(
    r"(?i:partner|sister|twin|friendship)[\s-](?i:city|town)\s+in\s+(?:the\s+)?"
    r"([A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,2}),\s+$"
)
_SAYS_HE = re.compile(
    r"\s+(?:said|says|told|tells|added|adds|argued|argues|insisted|insists|believes|"
    r"thinks|thought|wants|wanted|promised|promises|pledged|pledges)\s+(?:that\s+)?(?:he|she)\b"
)
_APPOSITION_END = re.compile(r",\s+(?!and\b)")
_WHOSE_TOWN = re.compile(r",\s+whose\s+(?:town|city|village|municipality|borough)\s")
_OWN_TIE_APPOSED = re.compile(
    # (or another place's: "Šiauliai, Daugavpils's partner across the border")
    r",\s+(?:(?:the|its|our)\s+(?:(?:city|town|council|borough|municipality)(?:'s|’s)\s+)?"
    r"|[A-Z][\w-]+(?:'s|’s)\s+)"
    r"(?:[A-Z][\w'’-]*\s+){0,3}(?:oldest\s+|newest\s+|first\s+|latest\s+)?"
    r"(?:link|partner|twin|sister\s+city|sister\s+town|twin\s+town|friendship\s+city|"
    r"partner\s+city|partner\s+town)\b"
)
# "Ikeda, the Hokkaido town with which Launceston has been linked": a partner
_PARTNER_AFTER = re.compile(
    r",\s+(?:the|a)\s+(?:[\w'’-]+\s+){0,3}(?:city|town|village|municipality|port)\s+"
    r"(?:with|to)\s+which\b"
)
_OFFICE_AFTER = re.compile(r"\s+(?:(?:Deputy|Vice)[\s-])?(?i:mayor|governor|council)\b")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)")
_COUNTY_BEFORE = re.compile(r"\bCounty\s+$")  # "County Cork" is no town


_DASH_ASIDE = re.compile(r"\s[—–]\s|\s--\s")


def _aside(text: str, p_start: int, at: int, later: int) -> bool:
    """Whether a name at `at` sits in a quotation, a dash aside or brackets that close
    before `later`: "... with Jiangmen — whose Taishan area was home to Riverside's
    first residents — was 'not about Beijing,' and suggested that the council ...":
    neither Riverside nor Beijing is whose council acts."""
    before, upto = text[p_start:at], text[p_start:later]
    if _quoted(before) and not _quoted(upto):
        return True
    if len(_DASH_ASIDE.findall(before)) % 2 == 1 and len(_DASH_ASIDE.findall(upto)) % 2 == 0:
        return True
    return before.count("(") > before.count(")") and upto.count("(") == upto.count(")")


def _quoted(before: str) -> bool:
    """Whether a position follows an opening quotation mark left open."""
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


_COMPASS = frozenset(
    "northern southern eastern western central north-eastern north-western south-eastern "
    "south-western northeastern northwestern southeastern southwestern".split()
)


_DIVISION_AFTER = re.compile(r"\s+(?i:prefecture|province|state|county|region|oblast)\b")
_SPEAKER_OF = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,3}?(?:mayor|councillor|councilor|spokes\w+|official|"
    r"governor)\b"
)
_ANAPHOR_HEADS = frozenset("capital city port town metropolis".split())
_TOWN_KINDS = frozenset(
    "spa market harbour harbor port university industrial coastal border seaside".split()
)


def _partner_named_before(cm, head, mentions, tokens, parsed):
    """ "Klaipėda ... ended its twinning with Kaliningrad. The city had suspended all
    contact with its Russian partner in 2014": the one partner of that country named in
    a tie before, in the paragraph; with the anaphor's last token."""
    if head.lower == "sister" and head.i + 1 < len(tokens):
        head = tokens[head.i + 1]
    if head.lower not in ("partner", "twin", "city", "town"):
        return None
    if head.lower in ("city", "town") and tokens[head.i - 1].lower != "sister":
        return None
    if head.i + 1 < len(tokens) and tokens[head.i + 1].lower in ("town", "city"):
        head = tokens[head.i + 1]  # "its Russian partner town"
    if head.i + 1 < len(tokens) and (
        tokens[head.i + 1].text in ("-", "‐") or tokens[head.i + 1].pos in ("NOUN", "PROPN")
    ):
        return None  # "its Russian twin-town agreement": a tie, not the partner
    sent = parsed.sentences[tokens[cm.tok_start].sent]
    if any(
        sent.start <= m.start < tokens[cm.tok_start].start and not m.cue.startswith("coref")
        for m in mentions
    ):
        # "Savonlinna quietly ended a twinning with its Russian partner town": a town
        # named in the sentence has its own partner, not the one named before
        return None
    para = sent.paragraph
    named = [
        m for m in mentions
        if m.end <= tokens[cm.tok_start].start and m.place.country == cm.country
        and m.cue == "place.relation" and m.tok_start >= 0
        and parsed.sentences[tokens[m.tok_start].sent].paragraph == para
    ]  # fmt: skip
    if len({m.place.key for m in named}) != 1:
        return None
    return named[-1], head


# "Shah Alam City Council (MBSA)": a council's initials in brackets after its name
_COUNCIL_INITIALS = re.compile(
    r"\s+(?:City|Municipal|Town|District|Metropolitan|Borough)?\s*"
    r"(?:Council|Corporation|Assembly|Government)\s*\(([A-Z]{3,6})\)"
)


def _council_acronyms(mentions, context, tokens, parsed):
    """ "Shah Alam City Council (MBSA) ... MBSA had also been in discussions with Konya":
    the council's initials stand for its city wherever the text uses them."""
    text = parsed.text
    initials: dict[str, Place] = {}
    for m in (*context, *mentions):
        hit = _COUNCIL_INITIALS.match(text, m.end)
        if hit is not None and m.place.kind == "city":
            initials.setdefault(hit.group(1), m.place)
    if not initials:
        return mentions
    out = []
    at = {m.tok_start: m for m in mentions if m.tok_start >= 0}
    replaced = set()
    for tok in tokens:
        place = initials.get(tok.text)
        if place is None or (tok.i > 0 and tokens[tok.i - 1].text == "("):
            continue
        old = at.get(tok.i)
        if old is not None and old.tok_end != tok.i + 1:
            continue
        replaced.add(tok.i)
        out.append(
            PlaceMention(
                start=tok.start, end=tok.end, text=tok.text, place=place, tok_start=tok.i,
                tok_end=tok.i + 1, span_end_tok=tok.i + 1, cue="coref.council_initials",
            )
        )  # fmt: skip
    out.extend(m for m in mentions if m.tok_start not in replaced)
    out.sort(key=lambda m: m.start)
    return out


_REGION_ADJECTIVE_HEADS = frozenset("town city village port municipality commune".split())


def _region_adjective_coreference(mentions, context, tokens, parsed, gaz: Gazetteer):
    """ "approved a twinning with the Umbrian town": the latest town of that region the
    text named before (Norcia), when the parse has no place there of its own."""
    out = list(mentions)
    taken = {i for m in mentions if m.tok_start >= 0 for i in range(m.tok_start, m.tok_end)}
    for sent in parsed.sentences:
        for i in range(sent.tok_start + 1, sent.tok_end - 1):
            tok = tokens[i]
            region = gaz.region_adjectives.get(tok.lower)
            if region is None or tokens[i - 1].lower != "the" or not tok.text[:1].isupper():
                continue
            head = i + 1
            if (
                tokens[head].lower not in _REGION_ADJECTIVE_HEADS
                and head + 1 < sent.tok_end
                and tokens[head].pos == "ADJ"
            ):
                head += 1  # "the Umbrian hilltop town"
            if tokens[head].lower not in _REGION_ADJECTIVE_HEADS or i in taken:
                continue
            if head + 1 < sent.tok_end and tokens[head + 1].lower in _REGION_ADJECTIVE_HEADS:
                head += 1  # "the Sicilian port town"
            nxt = tokens[head + 1] if head + 1 < sent.tok_end else None
            if nxt is not None and (nxt.lower in ("of", "city") or nxt.pos == "PROPN"):
                continue  # "the Tuscan town of Lucca": not anaphoric
            before = [
                m for m in (*context, *mentions)
                if m.end <= tokens[i - 1].start and m.place.kind == "city"
                and m.place.country in (region.country, None)
            ]  # fmt: skip
            earlier = [m for m in before if m.place.admin1 == region.code]
            if not earlier:
                # a town too small for the gazetteer, whose region (and maybe country) it
                # cannot say
                earlier = [m for m in before if m.place.geonameid is None]
            if not earlier:
                continue
            place = max(earlier, key=lambda m: m.end).place
            out.append(
                PlaceMention(
                    start=tokens[i - 1].start, end=tokens[head].end,
                    text=parsed.text[tokens[i - 1].start : tokens[head].end], place=place,
                    tok_start=i - 1, tok_end=head + 1, span_end_tok=head + 1,
                    cue="coref.region_adjective",
                )
            )  # fmt: skip
            taken.update(range(i - 1, head + 1))
    out.sort(key=lambda m: m.start)
    return out


_SEA_EPITHETS = frozenset("Pacific Atlantic Baltic Arctic Adriatic Caspian Mediterranean".split())


def _coreference(mentions, context, countries, tokens, parsed, gaz: Gazetteer):
    """ "the Czech capital" -> Prague, when Prague was named earlier in the document.

    Antecedents come from the string pass over the whole text, so the answer does not
    depend on which paragraphs were parsed. A national demonym with "capital" means
    that country's capital; a regional one ("the Scottish capital") or "city"/"town"
    means the latest place of that country named before.
    """
    out = list(mentions)
    regional = cues()["regional_demonyms"]
    for cm in countries:
        if not cm.demonym or cm.tok_start == 0 or cm.tok_end >= len(tokens):
            continue
        prev = tokens[cm.tok_start - 1]
        if prev.lower in _COMPASS and cm.tok_start >= 2:
            prev = tokens[cm.tok_start - 2]  # "the southern Russian city"
        head = tokens[cm.tok_end]
        if (
            (
                head.lower in _TOWN_KINDS
                # (or a sea's or a coast's name: "the Russian Pacific port")
                or (head.text in _SEA_EPITHETS and prev.lower == "the")
            )
            and head.i + 1 < len(tokens)
            and tokens[head.i + 1].lower in _ANAPHOR_HEADS
        ):
            head = tokens[head.i + 1]  # "the English spa town", "the German port city"
        if prev.lower in ("its", "their"):
            partner = _partner_named_before(cm, head, mentions, tokens, parsed)
            if partner is not None:
                out.append(
                    PlaceMention(
                        start=prev.start, end=partner[1].end,
                        text=parsed.text[prev.start : partner[1].end], place=partner[0].place,
                        tok_start=prev.i, tok_end=partner[1].i + 1,
                        span_end_tok=partner[1].i + 1, cue="coref.demonym_partner",
                    )
                )  # fmt: skip
            continue
        if prev.lower != "the" or head.lower not in _ANAPHOR_HEADS:
            continue
        nxt = tokens[head.i + 1] if head.i + 1 < len(tokens) else None
        if nxt is not None and (nxt.lower in ("of", "city") or nxt.pos == "PROPN"):
            continue  # "the Czech capital of ..." / "the German city Kiel": not anaphoric
        demonym = norm(parsed.text[tokens[cm.tok_start].start : tokens[cm.tok_end - 1].end])
        # (the string pass's places, and those the parse recognised in the same
        # sentence: "Kandalaksha, its partner on the Kola Peninsula ... froze all
        # official contacts with the Russian town")
        earlier = sorted(
            (
                m for m in (
                    *context,
                    *(
                        m for m in mentions
                        if m.tok_start >= 0 and tokens[m.tok_start].sent == prev.sent
                    ),
                )
                if m.end <= prev.start and m.place.country == cm.country
                and not _COUNTY_BEFORE.search(parsed.text, max(0, m.start - 8), m.start)
            ),
            key=lambda m: m.start,
        )  # fmt: skip
        if head.lower != "capital":
            # "Kariya, in Japan's Aichi prefecture ... the Japanese city": a town, not
            # the prefecture that locates it
            # ("In Suresnes, near Paris, ... called on the French town": the town, not
            # the landmark that places it)
            earlier = [
                m for m in earlier
                if m.place.kind != "province" and not _DIVISION_AFTER.match(parsed.text, m.end)
                and not _LANDMARK_BEFORE.search(parsed.text, max(0, m.start - 24), m.start)
            ]  # fmt: skip
        if head.lower == "capital" and demonym not in regional:
            cap = gaz.capital(cm.country)
            earlier = [m for m in earlier if cap is not None and m.place.geonameid == cap.geonameid]
        if not earlier:
            continue
        out.append(
            PlaceMention(
                start=prev.start,
                end=head.end,
                text=parsed.text[prev.start : head.end],
                place=earlier[-1].place,
                tok_start=prev.i,
                tok_end=head.i + 1,
                span_end_tok=head.i + 1,
                cue="coref.demonym_" + head.lower,
            )
        )
    out.sort(key=lambda m: m.start)
    return out
