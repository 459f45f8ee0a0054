"""Cleaned documents in, extraction records out: the plain library the CLI and the
flows both call.

Per batch: split each text into paragraphs, scan it at string speed for places and
relationship words, parse only the paragraphs that can hold a relationship (one
spaCy call for the batch), then find places, pairs, events, dates and actors and turn
them into the rows of the dataset, with deterministic content-hash ids.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from pipeline import actors as actors_mod
from pipeline import dating, gazetteer, nlp, pairs, placescan
from pipeline import events as events_mod
from pipeline import places as places_mod
from pipeline.config import Settings
from pipeline.dates import relative_base
from pipeline.dating import EventDate
from pipeline.gazetteer import norm
from pipeline.ids import content_hash
from pipeline.models import Actor, CleanDocument, DateValue, Event, Extraction, Parsed, Relation
from pipeline.patterns import (
    ENTRY_LINE,
    SECTION_OPENING,
    answer_turn,
    keyword_res,
    question_turn,
)

_BLOCK = re.compile(r"[^\n]+")


def paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """Blocks of the cleaned text: one per non-empty line."""
    out = []
    for m in _BLOCK.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Plan:
    """What the cheap pass decided for one document."""

    doc: CleanDocument
    paragraphs: tuple[tuple[int, int], ...]
    selected: tuple[int, ...]
    places: placescan.DocPlaces
    strong: bool  # the document talks about sister/twin relationships at all
    # The paragraphs the cheap pass picked, also when everything is parsed: what the
    # document is about is judged on these alone, so parsing more changes nothing.
    relevant: tuple[int, ...] = ()


def plan(doc: CleanDocument, gaz: gazetteer.Gazetteer, prefilter: bool = True) -> Plan:
    """Pick the paragraphs worth parsing: relationship vocabulary plus places."""
    text = doc.text
    paras = paragraphs(text)
    docplaces = (
        placescan.scan_document(text, gaz) if doc.ok else placescan.DocPlaces((), frozenset())
    )
    scan = docplaces.scan
    strong_re, weak_re = _KEYWORDS
    strong = bool(strong_re.search(text))
    if not doc.ok or not paras:
        return Plan(doc, paras, (), docplaces, strong)
    cities_in: dict[int, int] = defaultdict(int)
    starts = [p[0] for p in paras]
    import bisect

    for span in scan:
        if span.weak or span.key in gaz.countries or span.key in gaz.demonyms:
            continue
        k = bisect.bisect_right(starts, span.start) - 1
        if k >= 0:
            cities_in[k] += 1
    # Every paragraph a rule could use must be selected, so that parsing fewer
    # paragraphs never changes the output: pair statements (a place and relationship
    # vocabulary), partner-list lines, sentences about "the twinning" that name no place
    # (they attach to the relation in focus, which in a story about one tie is that tie
    # however far down) and, a few paragraphs after a selected one, "the motion was
    # defeated" referring back.
    selected: list[int] = []
    items = docplaces.list_items
    last = -10
    for k, (s, e) in enumerate(paras):
        chunk = text[s:e]
        if (
            any(s <= i_s < e for i_s, _ in items)
            or strong_re.search(chunk)
            # "the agreement" can refer to the one tie of a story however far down
            or (
                strong
                and (
                    weak_re.search(chunk)
                    or _ORDINAL_WITH.search(chunk)
                    or _ONE_WITH.search(chunk)
                    or _DASHED_YEAR.search(chunk)
                )
            )
            # (minutes record the vote up to five paragraphs after the motion)
            or (
                strong
                and k - last <= events_mod.OUTCOME_PARAGRAPHS
                and events_mod.outcome_words().search(chunk)
            )
            # ("The memorandum was first proposed in 2022" dates the proposal above it)
            or (
                strong
                and k - last <= 2
                and _PROPOSED_WORD.search(chunk)
                and _YEAR_WORD.search(chunk)
            )
            # ("The idea came from traders and was first raised at a committee last
            # fall": the proposal of the tie above, however it is dated)
            or (strong and k - last <= 2 and _RAISED_IDEA.search(chunk))
        ):
            if ENTRY_LINE.match(chunk) and k > 0 and (not selected or selected[-1] != k - 1):
                selected.append(k - 1)  # the partner's name on the line above
            selected.append(k)
            last = k
        elif (
            selected
            and selected[-1] == k - 1
            and question_turn(question := text[paras[k - 1][0] : paras[k - 1][1]])
            and answer_turn(chunk, question)
        ):
            # "Q: Kutaisi once had a Russian sister city." / "A: Podolsk, near Moscow.":
            # the answer names the partner the question asks about
            selected.append(k)
            last = k
    # A partner's name as the heading of its section, over a selected paragraph or one
    # that opens on what the tie is ("Established in 1987 ...")
    heads = {s for s, _ in docplaces.section_heads}
    chosen_set = set(selected)
    for k, (s, _) in enumerate(paras):
        if s not in heads or k + 1 >= len(paras) or k in chosen_set:
            continue
        opening = strong and SECTION_OPENING.match(text[paras[k + 1][0] : paras[k + 1][1]])
        if k + 1 in chosen_set:
            selected.append(k)
        elif opening:
            selected.extend((k, k + 1))
    # A place's name heading its list ("Kobe City" / "- Seattle, USA: sister city
    # (1957)"): whose the partners are
    chosen_set = set(selected)
    for k in sorted(chosen_set):
        if k > 0 and k - 1 not in chosen_set:
            s, e = paras[k]
            hs, he = paras[k - 1]
            if placescan.name_heading(text[hs:he], text[s:e]):
                selected.append(k - 1)
    # "That year, Geoje ... suspended its sister-city agreement": the year is told in the
    # paragraph before
    chosen_set = set(selected)
    for k in sorted(chosen_set):
        s, e = paras[k]
        opening = text[s : min(e, s + 200)]
        if k > 0 and k - 1 not in chosen_set and dating.DATED_BEFORE.search(opening):
            selected.append(k - 1)
    selected = sorted(set(selected))
    everything = tuple(range(len(paras)))
    chosen = tuple(selected) if prefilter else everything
    return Plan(doc, paras, chosen, docplaces, strong, tuple(selected))


# A proposal's outcome: the move that kept a tie, the block of a proposed one
_OUTCOME_OF = {"termination_proposed": "retained", "proposed": "blocked"}


def _dated_by_outcome(events: list[Event]) -> list[Event]:
    """ "the report ... recommending that it be ended. ... The recommendation was lost
    8-3": a proposal no words date was made by the time of its outcome, told after it;
    it takes the outcome's year."""
    out = []
    for e in events:
        if e.date is None and e.type in _OUTCOME_OF:
            later = [
                o for o in events
                if o.relation_id == e.relation_id and o.type == _OUTCOME_OF[e.type]
                and o.date is not None and o.trigger_start > e.trigger_start
                # (a plan to form a tie may be years older than a block its own year
                # dates: "An earlier plan ... stalled in 2020"; not one blocked this week)
                and (e.type != "proposed" or o.date_source in ("relative", "publication"))
            ]  # fmt: skip
            if later:
                o = min(later, key=lambda o: o.trigger_start)
                e = replace(e, date=o.date[:4], date_precision="year", date_source=o.date_source,
                            date_start=o.date_start, date_end=o.date_end)  # fmt: skip
        out.append(e)
    return out


# An event dated after its report, as the plan it still is.
_STILL_TO_COME = {"terminated": "termination_proposed", "established": "proposed"}

# "Its first, with Gifu, came in 1963": pair.with_nearest reads an ordinal as the tie
_ORDINAL_WITH = re.compile(
    r"(?i)\b(?:first|second|third|fourth|fifth|sixth)\b[^.\n]{0,80}?\bwith\b"
)
# "A motion to end the one with Zakopane", "ending four of them: those with Tver, ...":
# pair.acted_on_one_with reads the pronoun as a tie named before
_ONE_WITH = re.compile(r"(?i)\b(?:the\s+one|those)\s+with\b")
# "Everett–Iwakuni (1962), Port Angeles–Mutsu (1965)": pair.dashed_list_item
_DASHED_YEAR = re.compile(r"\w\s?[–—-]\s?[A-Z][^()\n]{0,40}\((?:1[89]|20)\d\d\)")
_PROPOSED_WORD = re.compile(r"(?i)\b(?:proposed|suggested|floated|mooted|tabled|submitted)\b")
_YEAR_WORD = re.compile(r"\b(?:1[89]|20)\d\d\b")
_RAISED_IDEA = re.compile(
    r"(?i)\b(?:idea|suggestion|proposal|initiative)\b[^.]{0,120}?\b"
    r"(?:raised|mooted|floated|broached|tabled|submitted|lodged|filed|presented|introduced)\b"
)

_KEYWORDS = keyword_res()


class Extractor:
    """Holds the loaded model and gazetteer across batches."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self.gaz = gazetteer.load()
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = nlp.load(self.settings.model)
        return self._nlp

    def extract(self, docs: Sequence[CleanDocument]) -> list[Extraction]:
        plans = [plan(d, self.gaz, self.settings.prefilter) for d in docs]
        jobs = [nlp.ParseJob(p.doc.text, p.paragraphs, p.selected) for p in plans if p.selected]
        parsed_iter: Iterator[Parsed] = iter(
            nlp.parse(self.nlp, jobs, batch_size=self.settings.batch_size) if jobs else []
        )
        out = []
        for p in plans:
            if not p.selected:
                out.append(Extraction(p.doc))
                continue
            out.append(extract_parsed(p, next(parsed_iter), self.gaz))
        return out


def extract_parsed(p: Plan, parsed: Parsed, gaz: gazetteer.Gazetteer) -> Extraction:
    doc = p.doc
    places = places_mod.recognise(parsed, gaz, p.places, frozenset(p.relevant))
    mentions = pairs.find_relations(parsed, places, p.strong)
    mentions = pairs.without_governments(parsed, mentions, gaz.is_capital)
    mentions = pairs.fill_partials(parsed, places, mentions)
    mentions = pairs.fold_partials(parsed, mentions)
    found = events_mod.find_events(parsed, mentions)
    return _rows(doc, parsed, places, mentions, found, gaz)


def _rows(doc, parsed, places, mentions, found, gaz) -> Extraction:
    base = relative_base(doc.published)
    claimed = frozenset((e.own_date.start, e.own_date.end) for e in found if e.own_date is not None)

    def _citation_place(source: str) -> bool:
        # "(Finland, 1989)" is a place and a year; "(Xinhua, February 21, 2012)" a source
        # (a news agency that shares a small town's name is a place only in place syntax)
        key = norm(source)
        return gaz.is_known(key) and key not in gaz.weak

    dater = dating.Dater(parsed, doc.published, base, is_place=_citation_place, claimed=claimed)

    # Relations: one row per unordered pair (or per place and partner country).
    groups: dict[tuple, list[pairs.RelationMention]] = defaultdict(list)
    for rm in mentions:
        groups[_relation_key(rm)].append(rm)
    relations: dict[tuple, Relation] = {}
    names = _document_names(places, doc.text)
    for key, rms in groups.items():
        relations[key] = _relation_row(doc.doc_id, key, rms, doc.text, names)

    event_sentences = {e.sentence for e in found}
    events: list[Event] = []
    actors: list[Actor] = []
    citation_spans = {}
    respective = dater.respective(found)
    for k, ev in enumerate(found):
        rel = relations[_relation_key(ev.relation)]
        when = respective[k] if k in respective else dater.date(ev, event_sentences)
        if ".needs_date" in ev.rule_id and when is None:
            continue
        etype = ev.type
        if (
            etype in _STILL_TO_COME
            and when is not None
            and doc.published is not None
            and when.value.value[:4] > doc.published.value[:4]
        ):
            # "will not renew its agreement with Tver when it expires in 2025", reported
            # in 2024: an end (or a start) still to come is as yet a plan, made by then
            etype = _STILL_TO_COME[etype]
            when = EventDate(DateValue(doc.published.value[:4], "year", None, None), "publication")
        event_id = content_hash("event", rel.relation_id, etype, ev.trigger_start, ev.trigger_end)
        events.append(
            Event(
                event_id=event_id,
                relation_id=rel.relation_id,
                doc_id=doc.doc_id,
                type=etype,
                date=when.value.value if when else None,
                date_precision=when.value.precision if when else None,
                date_source=when.source if when else None,
                date_start=when.value.start if when else None,
                date_end=when.value.end if when else None,
                trigger_start=ev.trigger_start,
                trigger_end=ev.trigger_end,
                trigger_text=doc.text[ev.trigger_start : ev.trigger_end],
                rule_id=ev.rule_id,
                confidence=ev.confidence,
            )
        )
        para = parsed.sentences[ev.sentence].paragraph
        if para not in citation_spans:
            citation_spans[para] = [(c.start, c.end) for c in dater.citations(para)]
        for am in actors_mod.find_actors(
            parsed, ev.sentence, places.mentions, citation_spans[para]
        ):
            actors.append(
                Actor(
                    actor_id=content_hash("actor", event_id, am.start, am.end),
                    event_id=event_id,
                    doc_id=doc.doc_id,
                    name=am.name,
                    kind=am.kind,
                    role=am.role,
                    place=am.place,
                    start=am.start,
                    end=am.end,
                )
            )
    events = _dated_by_outcome(events)
    # A partial relation is an event whose other side goes unnamed (GUIDELINES.md): one
    # with nothing happening to it ("reviewing its agreements with Russian cities") is
    # no fact worth a row.
    with_events = {e.relation_id for e in events}
    eventful = {
        k
        for k, rms in groups.items()
        if any(events_mod.clause_has_trigger(parsed, rm) for rm in rms)
    }
    relations = {
        k: r
        for k, r in relations.items()
        if r.city_b is not None or r.relation_id in with_events or k in eventful
    }
    kept = {r.relation_id for r in relations.values()}
    kept_events = {e.event_id for e in events if e.relation_id in kept}
    actors = [a for a in actors if a.event_id in kept_events]
    events = [e for e in events if e.relation_id in kept]
    rel_rows = sorted(relations.values(), key=lambda r: (r.evidence_start, r.relation_id))
    events.sort(key=lambda e: (e.trigger_start, e.relation_id, e.type))
    actors.sort(key=lambda a: (a.start, a.event_id))
    return Extraction(
        doc, tuple(rel_rows), tuple(_unique(events, "event_id")), tuple(_unique(actors, "actor_id"))
    )


def _unique(rows, attr):
    seen = set()
    out = []
    for r in rows:
        k = getattr(r, attr)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def _relation_key(rm: pairs.RelationMention) -> tuple:
    if rm.b is None:
        return ("partial", rm.a.place.key, rm.country_b)
    return ("pair", *sorted((rm.a.place.key, rm.b.place.key)))


# "Naga City, Camarines Sur", "Iloilo City (2013)": the word the name goes by in the text
# (not "Kiel City Council", the city's body)
_CITY_WORD = re.compile(
    r" City\b(?![-\w]| (?:Council|Hall|Government|Administration|Assembly|Office|Mayor"
    r"|Manager|Commission|Corporation|Municipal|Centre|Center|Library|Hospital)\b)"
)


def _surface(m, text: str) -> tuple[int, int]:
    """The mention's span, with a "City" the name goes by in the text."""
    word = _CITY_WORD.match(text, m.end) if m.start >= 0 else None
    return (m.start, word.end()) if word else (m.start, m.end)


def _document_names(places: places_mod.Places, text: str) -> dict[str, str]:
    """The name a document gives a place whose GeoNames name it never uses ("Legazpi"
    for GeoNames' "Legaspi", "Durango" for "Victoria de Durango"): the name its readers
    know it by, and the one a citation of the text should carry. The GeoNames id keeps
    the place's identity across documents."""
    forms: dict[str, Counter] = defaultdict(Counter)
    places_by_key = {}
    # (the string pass over the whole text: the same with or without the prefilter)
    for m in places.context:
        if m.place.geonameid is None or not m.text[:1].isupper() or m.text.isupper():
            continue
        # ("Legazpi City's council": the name without the word the surface may add)
        name = m.text[:-5] if m.text.endswith(" City") and " " not in m.place.name else m.text
        forms[m.place.key][name] += 1
        places_by_key[m.place.key] = m.place
    plain = norm(text)
    return {
        key: counts.most_common(1)[0][0]
        for key, counts in forms.items()
        if norm(places_by_key[key].name) not in plain
    }


def _relation_row(
    doc_id: str, key: tuple, rms: list[pairs.RelationMention], text: str, names: dict[str, str]
) -> Relation:
    best = max(rms, key=lambda r: (r.confidence, -r.start))
    first = min(rms, key=lambda r: r.start)
    # Several independent statements of the same pair make it more certain.
    miss = 1.0
    for r in rms:
        miss *= 1.0 - r.confidence
    confidence = round(1.0 - miss, 3)
    a, b = first.a, first.b
    kind = next((r.kind for r in rms if r.strong), first.kind)
    a_start, a_end = _surface(a, text)
    b_span = _surface(b, text) if b is not None else (None, None)
    return Relation(
        relation_id=content_hash("relation", doc_id, *key),
        doc_id=doc_id,
        city_a=names.get(a.place.key, a.place.name),
        city_b=names.get(b.place.key, b.place.name) if b is not None else None,
        country_a=a.place.country,
        country_b=b.place.country if b is not None else first.country_b,
        geonameid_a=a.place.geonameid,
        geonameid_b=b.place.geonameid if b is not None else None,
        kind=kind,
        a_start=a_start,
        a_end=a_end,
        a_text=text[a_start:a_end] if a_start >= 0 else a.text,
        b_start=b_span[0] if b is not None else None,
        b_end=b_span[1] if b is not None else None,
        b_text=(text[b_span[0] : b_span[1]] if b.start >= 0 else b.text) if b is not None else None,
        evidence_start=first.start,
        evidence_end=first.end,
        rule_id=best.rule_id,
        confidence=confidence,
    )
