"""The relationship registry: one timeline per real-world pair of places, over every document.

The extraction tables hold what each document says; the registry merges them. A pair is
the same pair in every document when both places have the same key: the GeoNames id
where resolved, else the normalised name and country (an unresolved name adopts the id
that other mentions with the same name and country resolved to, when there is exactly
one). A partial relation ("a Chinese sister city") is keyed by the place and the partner
country and never merged with named pairs.

For each pair the registry orders every event from every document into one timeline,
adds establishment years implied by durations ("its 37-year partnership" in 2022 ->
about 1985, derived, with the arithmetic), derives the current status from the latest
dated event and flags contradictions for review. Conflicting claims stay in the
timeline with their sources; nothing is overwritten.

Status, from the timeline's dated state events (established, retained, suspended,
terminated, termination_proposed); the latest decides:
  established, retained -> active; suspended -> suspended; terminated -> terminated;
  termination_proposed (not followed by a resolution) -> contested.
With no dated state event, undated ones decide, taken in lifecycle order (an undated
termination is assumed to follow an undated establishment); with none, a derived
establishment ("celebrating 35 years as sister cities") gives active; failing that, the
last of proposed / blocked gives proposed / blocked; a pair with no events is unknown.
Undated events never override dated ones: when one would change the status it is
flagged instead (undated_event_disagrees).

Plain library: `build(inputs)` is a pure function of frozen records. `inputs_from_tables`
turns the dataset's tables into those records, `refresh(out_dir)` builds and writes
relationships/timeline (Parquet and CSV) under the dataset lock.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.ids import content_hash
from pipeline.models import Event, Relation

# Lifecycle order: breaks ties between events on the same date (a termination reversed
# on the day it was reported comes after it) and orders undated events.
LIFECYCLE = (
    "proposed",
    "blocked",
    "established",
    "termination_proposed",
    "suspended",
    "terminated",
    "retained",
    "reported",
)
_RANK = {t: i for i, t in enumerate(LIFECYCLE)}
STATE_STATUS = {
    "established": "active",
    "retained": "active",
    "suspended": "suspended",
    "terminated": "terminated",
    "termination_proposed": "contested",
}
STATUSES = ("active", "suspended", "terminated", "contested", "proposed", "blocked", "unknown")
# A derived year ("37-year partnership") is off by one when the anniversary has not come
# yet, and its reference date may be the report's rather than the event's.
DERIVED_TOLERANCE = 2
QUOTE_MAX = 400


# --- input records ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    """What the registry needs of a documents row."""

    doc_id: str
    source: str
    source_name: str
    title: str | None
    published: str | None
    published_precision: str | None


@dataclass(frozen=True, slots=True)
class Inputs:
    documents: Mapping[str, Document]
    relations: tuple[Relation, ...]
    events: tuple[Event, ...]
    texts: Mapping[str, str]  # doc_id -> cleaned text; missing texts only lose quotes


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    admin1: str | None
    region: str | None


PlaceLookup = Callable[[int], PlaceInfo | None]


# --- output records (one field per column of pipeline.schema RELATIONSHIPS / TIMELINE) ----


@dataclass(frozen=True, slots=True)
class Relationship:
    relationship_id: str
    partial: bool
    place_a: str
    country_a: str | None
    geonameid_a: int | None
    admin1_a: str | None
    region_a: str | None
    place_b: str | None
    country_b: str | None
    geonameid_b: int | None
    admin1_b: str | None
    region_b: str | None
    names_a: str
    names_b: str | None
    kind: str
    kinds: str
    established: str | None
    established_precision: str | None
    established_derived: bool
    established_basis: str | None
    status: str
    status_date: str | None
    status_basis: str
    last_reported: str | None
    n_events: int
    n_documents: int
    n_sources: int
    doc_ids: str
    source_names: str
    confidence: float
    flags: str | None
    flag_details: str | None
    timeline_summary: str

    @property
    def flag_list(self) -> list[str]:
        return self.flags.split("; ") if self.flags else []


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    relationship_id: str
    seq: int
    type: str
    date: str | None
    date_precision: str | None
    date_source: str | None
    derived: bool
    derivation: str | None
    decides_status: bool
    relation_id: str
    event_id: str | None
    doc_id: str
    source_name: str
    published: str | None
    start: int | None
    end: int | None
    text: str | None
    quote: str | None
    rule_id: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Registry:
    relationships: tuple[Relationship, ...]
    timeline: tuple[TimelineEntry, ...]

    def timeline_of(self, relationship_id: str) -> list[TimelineEntry]:
        return [t for t in self.timeline if t.relationship_id == relationship_id]


def as_row(record) -> dict:
    return {f.name: getattr(record, f.name) for f in fields(record)}


# --- sentences ----------------------------------------------------------------------

# Words whose final period does not end a sentence ("St. Petersburg", "U.S. cities").
_ABBREV = frozenset(
    "st mr mrs ms dr prof gov sen rep gen col lt sgt mt ft jan feb mar apr jun jul aug sep "
    "sept oct nov dec no vs etc inc co corp ltd jr sr".split()
)
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: good enough to find the sentence around a span, no parser needed."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group().startswith("."):
            word = re.search(r"([A-Za-z]+)\.?$", text[max(start, m.start() - 12) : m.start()])
            # "U.S." and initials ("J. Smith") end in a single capital letter.
            if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
                continue
        end = m.start() + 1 if not m.group().startswith("\n") else m.start()
        if text[start:end].strip():
            spans.append(_strip(text, start, end))
        start = m.end()
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_at(spans: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The sentence(s) covering [start, end)."""
    covering = [s for s in spans if s[0] < max(end, start + 1) and s[1] > start]
    if not covering:
        return start, end
    return covering[0][0], covering[-1][1]


def quote(text: str | None, spans, start: int | None, end: int | None) -> str | None:
    if text is None or start is None or end is None:
        return None
    s, e = _sentence_at(spans, start, end)
    if e - s <= QUOTE_MAX:
        return text[s:e]
    room = max(0, (QUOTE_MAX - (end - start)) // 2)
    s2, e2 = max(s, start - room), min(e, end + room)
    return ("…" if s2 > s else "") + text[s2:e2] + ("…" if e2 < e else "")


# --- derived dates ------------------------------------------------------------------

_UNITS = {
    w: i
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split(),
        1,
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_ORDINAL_UNITS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split(),
        1,
    )
}
_QUALIFIER = {
    "more than": "or earlier",
    "over": "or earlier",
    "at least": "or earlier",
    "nearly": "or later",
    "almost": "or later",
    "close to": "or later",
}


def number_value(word: str, values: Mapping[str, int] | None = None) -> int | None:
    """'37', 'thirty-seven', '40th', 'fortieth', 'six' -> the number."""
    w = word.casefold().strip()
    if values and w in values:
        return values[w]
    digits = re.match(r"(\d+)(?:st|nd|rd|th)?$", w)
    if digits:
        return int(digits.group(1))
    parts = re.split(r"[- ]", w)
    total = 0
    for p in parts:
        if p in _UNITS:
            total += _UNITS[p]
        elif p in _ORDINAL_UNITS:
            total += _ORDINAL_UNITS[p]
        elif p in _TENS:
            total += _TENS[p]
        elif p.endswith("ieth") and p[:-4] + "y" in _TENS:
            total += _TENS[p[:-4] + "y"]
        else:
            return None
    return total or None


@dataclass(frozen=True, slots=True)
class DurationRule:
    rule_id: str
    regex: re.Pattern
    unit: str  # year | decade
    values: Mapping[str, int] | None


@dataclass(frozen=True, slots=True)
class DurationRules:
    rules: tuple[DurationRule, ...]
    guards: tuple[tuple[str, re.Pattern], ...]
    cue: re.Pattern  # every match contains it: sentences without it are skipped


@functools.cache
def duration_rules(name: str = "duration_patterns.jsonl") -> DurationRules:
    text = resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")
    defines: dict[str, str] = {}
    rules, guards = [], []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            rec = json.loads(line)
            if "define" in rec:
                defines[rec["define"]] = rec["pattern"]
                continue
            pattern = rec["pattern"]
            for key, value in defines.items():
                pattern = pattern.replace("{" + key + "}", f"(?:{value})")
            regex = re.compile(pattern, re.IGNORECASE)
            if "guard" in rec:
                guards.append((rec["guard"], regex))
            else:
                if rec["unit"] not in ("year", "decade") or "n" not in regex.groupindex:
                    raise ValueError("a rule needs unit year|decade and a group n")
                rules.append(DurationRule(rec["id"], regex, rec["unit"], rec.get("values")))
        except (ValueError, KeyError, re.error) as exc:
            # Our own data file: a bad line is a bug, raised at once.
            raise ValueError(f"{name}:{lineno}: {exc}") from exc
    return DurationRules(tuple(rules), tuple(guards), re.compile(defines["CUE"], re.IGNORECASE))


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration phrase found in a text: 'its 37-year partnership' = 37 years."""

    start: int
    end: int
    text: str
    years: int
    unit: str
    qualifier: str  # about | or earlier | or later
    rule_id: str


def find_durations(text: str, start: int = 0, end: int | None = None) -> list[Duration]:
    """Duration phrases in text[start:end], longest first where rules overlap."""
    end = len(text) if end is None else end
    rules = duration_rules()
    if not rules.cue.search(text, start, end):
        return []
    found: list[Duration] = []
    for rule in rules.rules:
        for m in rule.regex.finditer(text, start, end):
            if any(g.search(text, max(0, m.start() - 40), m.start()) for _, g in rules.guards):
                continue
            n = number_value(m.group("n"), rule.values)
            if n is None:
                continue
            years = n * 10 if rule.unit == "decade" else n
            if not 0 < years <= 200:
                continue
            q = (m.groupdict().get("q") or "").strip().casefold()
            qualifier = _QUALIFIER.get(q, "about")
            found.append(
                Duration(m.start(), m.end(), m.group(), years, rule.unit, qualifier, rule.rule_id)
            )
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Duration] = []
    for d in found:
        if not any(k.start < d.end and d.start < k.end for k in kept):
            kept.append(d)
    return kept


def derive_year(duration: Duration, reference: str) -> tuple[int, str]:
    """The establishment year a duration implies, and the arithmetic in words."""
    ref_year = int(reference[:4])
    year = ref_year - duration.years
    if duration.unit == "decade":
        sums = f"{ref_year} - {duration.years // 10} decades = {year}"
    else:
        sums = f"{ref_year} - {duration.years} = {year}"
    bound = "" if duration.qualifier == "about" else f" ({duration.qualifier})"
    return year, f"{sums}{bound}, derived from '{duration.text}'"


# --- dates and ordering ----------------------------------------------------------------


def _parts(date: str) -> tuple[int, int | None, int | None]:
    bits = [int(b) for b in date.split("-")]
    return bits[0], (bits[1] if len(bits) > 1 else None), (bits[2] if len(bits) > 2 else None)


def compare_dates(a: str, b: str) -> int:
    """-1/0/1, comparing only the precision both dates have ('2020' == '2020-10-12')."""
    pa, pb = _parts(a), _parts(b)
    for x, y in zip(pa, pb, strict=True):
        if x is None or y is None:
            return 0
        if x != y:
            return -1 if x < y else 1
    return 0


@dataclass(frozen=True, slots=True)
class _Entry:
    """A timeline row before numbering."""

    type: str
    date: str | None
    date_precision: str | None
    date_source: str | None
    derived: bool
    derivation: str | None
    relation_id: str
    event_id: str | None
    doc_id: str
    start: int | None
    end: int | None
    rule_id: str
    confidence: float
    published: str | None

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


def _tiebreak(e: _Entry) -> tuple:
    return (_RANK[e.type], e.published is None, e.published or "", e.doc_id, e.start or 0)


def _cmp(x: _Entry, y: _Entry) -> int:
    c = compare_dates(x.date, y.date)
    if c:
        return c
    tx, ty = _tiebreak(x), _tiebreak(y)
    return (tx > ty) - (tx < ty)


def order(entries: Iterable[_Entry]) -> list[_Entry]:
    """Dated entries by date (ties in lifecycle order), then undated ones."""
    entries = sorted(entries, key=lambda e: (e.date or "", _tiebreak(e)))
    dated = sorted((e for e in entries if e.date), key=functools.cmp_to_key(_cmp))
    undated = sorted((e for e in entries if not e.date), key=_undated_key)
    return dated + undated


def _undated_key(e: _Entry) -> tuple:
    return (e.published is None, e.published or "", e.doc_id, e.start or 0, _RANK[e.type])


# --- place keys -------------------------------------------------------------------------


def norm_name(name: str) -> str:
    from pipeline.gazetteer import norm

    return norm(name)


@dataclass(frozen=True, slots=True)
class _Side:
    key: str
    name: str
    country: str | None
    geonameid: int | None
    surface: str | None


def _sides(relations: Sequence[Relation]) -> dict[str, tuple[_Side, _Side | None]]:
    """Each relation's two sides with their merge keys."""
    resolved: dict[tuple[str, str], set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for r in relations:
        for name, country, gid in (
            (r.city_a, r.country_a, r.geonameid_a),
            (r.city_b, r.country_b, r.geonameid_b),
        ):
            if name and gid is not None and country:
                resolved[(norm_name(name), country)].add(gid)
                names.setdefault(gid, name)

    def side(name, country, gid, surface) -> _Side:
        if gid is None and country:
            ids = resolved.get((norm_name(name), country), set())
            if len(ids) == 1:
                gid = next(iter(ids))
                name = names[gid]
        key = f"gn:{gid}" if gid is not None else f"nm:{norm_name(name)}|{country or ''}"
        return _Side(key, name, country, gid, surface)

    out = {}
    for r in relations:
        a = side(r.city_a, r.country_a, r.geonameid_a, r.a_text)
        b = side(r.city_b, r.country_b, r.geonameid_b, r.b_text) if r.city_b else None
        out[r.relation_id] = (a, b)
    return out


def _gazetteer_lookup() -> PlaceLookup:
    from pipeline import gazetteer

    gaz = gazetteer.load()

    def lookup(geonameid: int) -> PlaceInfo | None:
        city = gaz.city(geonameid)
        if city is None:
            return None
        div = gaz.admin1_by_code.get((city.country, city.admin1))
        return PlaceInfo(city.admin1 or None, div.name if div else None)

    return lookup


# --- building -------------------------------------------------------------------------


def build(inputs: Inputs, places: PlaceLookup | None = None) -> Registry:
    """Merge the relations of every document into one row and timeline per pair."""
    places = places or _gazetteer_lookup()
    sides = _sides(inputs.relations)
    groups: dict[tuple, list[tuple[Relation, bool]]] = defaultdict(list)
    for r in inputs.relations:
        a, b = sides[r.relation_id]
        if b is None:
            groups[("partial", a.key, r.country_b or "")].append((r, False))
        elif a.key == b.key:
            continue  # a place paired with itself is an extraction error, not a pair
        else:
            # Keys, not names, order the pair: names of one place can differ by document.
            first, second = sorted((a.key, b.key))
            groups[("pair", first, second)].append((r, a.key != first))

    events_by_relation: dict[str, list[Event]] = defaultdict(list)
    for e in inputs.events:
        events_by_relation[e.relation_id].append(e)
    sentence_cache: dict[str, list[tuple[int, int]]] = {}

    def spans_of(doc_id: str) -> list[tuple[int, int]]:
        if doc_id not in sentence_cache:
            sentence_cache[doc_id] = sentences(inputs.texts.get(doc_id, ""))
        return sentence_cache[doc_id]

    derived = _derived_entries(inputs, sides, events_by_relation, spans_of)

    relationships, timeline = [], []
    for key in sorted(groups, key=lambda k: (k[0] == "partial", k)):
        members = groups[key]
        rel, rows = _relationship(
            key, members, sides, events_by_relation, derived, inputs, places, spans_of
        )
        relationships.append(rel)
        timeline.extend(rows)
    relationships.sort(
        key=lambda r: (
            r.partial,
            r.place_a.casefold(),
            (r.place_b or "").casefold(),
            r.relationship_id,
        )
    )
    return Registry(tuple(relationships), tuple(timeline))


def _published(inputs: Inputs, doc_id: str) -> str | None:
    doc = inputs.documents.get(doc_id)
    return doc.published if doc else None


def _derived_entries(inputs, sides, events_by_relation, spans_of) -> dict[str, list[_Entry]]:
    """relation_id -> establishment entries derived from durations in its sentences."""
    by_doc: dict[str, list[Relation]] = defaultdict(list)
    for r in inputs.relations:
        by_doc[r.doc_id].append(r)
    by_id = {r.relation_id: r for r in inputs.relations}
    out: dict[str, list[_Entry]] = defaultdict(list)
    for doc_id, rels in by_doc.items():
        text = inputs.texts.get(doc_id)
        if not text:
            continue
        spans = spans_of(doc_id)
        # Which sentences speak of which relation: where it is stated, where its events
        # are, and any sentence naming both places.
        candidates: dict[tuple[int, int], set[str]] = defaultdict(set)
        names: dict[str, list[set[str]]] = {}
        for r in rels:
            a, b = sides[r.relation_id]
            forms = [{a.name, r.a_text}, {b.name, r.b_text} if b else set()]
            names[r.relation_id] = [{f for f in side if f} for side in forms]
            candidates[_sentence_at(spans, r.evidence_start, r.evidence_end)].add(r.relation_id)
            for e in events_by_relation.get(r.relation_id, ()):
                candidates[_sentence_at(spans, e.trigger_start, e.trigger_end)].add(r.relation_id)
            if b:
                for s, e in spans:
                    chunk = text[s:e]
                    if all(any(f in chunk for f in side) for side in names[r.relation_id]):
                        candidates[(s, e)].add(r.relation_id)
        seen: set[tuple[str, int]] = set()
        for (s, e), rel_ids in sorted(candidates.items()):
            for d in find_durations(text, s, e):
                for rid in _nearest(text, s, e, d, sorted(rel_ids), names):
                    entry = _derive(by_id[rid], d, s, e, inputs, events_by_relation)
                    if entry and (rid, entry.year) not in seen:
                        seen.add((rid, entry.year))
                        out[rid].append(entry)
    return out


def _nearest(text, s, e, d: Duration, rel_ids: list[str], names) -> list[str]:
    """The relation(s) a duration phrase belongs to when a sentence holds several."""
    if len(rel_ids) == 1:
        return rel_ids
    all_forms = [set().union(*names[rid]) for rid in rel_ids]
    common = set.intersection(*all_forms)
    chunk = text[s:e]
    dist = {}
    for rid, forms in zip(rel_ids, all_forms, strict=True):
        own = (forms - common) or forms
        gaps = []
        for f in own:
            for m in re.finditer(re.escape(f), chunk):
                ms, me = s + m.start(), s + m.end()
                gaps.append(max(d.start - me, ms - d.end, 0))
        dist[rid] = min(gaps) if gaps else len(text)
    best = min(dist.values())
    return [rid for rid in rel_ids if dist[rid] == best]


def _derive(rel: Relation, d: Duration, s, e, inputs, events_by_relation) -> _Entry | None:
    """An establishment year from a duration, counted back from the sentence's event
    (the moment the duration is stated of), else from the publication date."""
    rid = rel.relation_id
    anchors = [
        ev
        for ev in events_by_relation.get(rid, ())
        if ev.date and ev.type not in ("established", "proposed") and s <= ev.trigger_start < e
    ]
    if anchors:
        ev = min(anchors, key=lambda ev: abs(ev.trigger_start - d.start))
        reference, basis = ev.date, f"the {ev.type} event's date, {ev.date}"
    else:
        reference = _published(inputs, rel.doc_id)
        basis = f"the publication date, {reference}"
    if not reference:
        return None
    year, sums = derive_year(d, reference)
    return _Entry(
        type="established",
        date=f"{year:04d}",
        date_precision="year",
        date_source="derived",
        derived=True,
        derivation=f"{sums} (reference: {basis})",
        relation_id=rid,
        event_id=None,
        doc_id=rel.doc_id,
        start=d.start,
        end=d.end,
        rule_id=d.rule_id,
        confidence=rel.confidence,
        published=_published(inputs, rel.doc_id),
    )


def _event_entry(ev: Event, inputs: Inputs) -> _Entry:
    return _Entry(
        type=ev.type,
        date=ev.date,
        date_precision=ev.date_precision,
        date_source=ev.date_source,
        derived=False,
        derivation=None,
        relation_id=ev.relation_id,
        event_id=ev.event_id,
        doc_id=ev.doc_id,
        start=ev.trigger_start,
        end=ev.trigger_end,
        rule_id=ev.rule_id,
        confidence=ev.confidence,
        published=_published(inputs, ev.doc_id),
    )


def _reported_entry(r: Relation, inputs: Inputs) -> _Entry:
    doc = inputs.documents.get(r.doc_id)
    return _Entry(
        type="reported",
        date=doc.published if doc else None,
        date_precision=doc.published_precision if doc else None,
        date_source="publication" if doc and doc.published else None,
        derived=False,
        derivation=None,
        relation_id=r.relation_id,
        event_id=None,
        doc_id=r.doc_id,
        start=r.evidence_start,
        end=r.evidence_end,
        rule_id=r.rule_id,
        confidence=r.confidence,
        published=doc.published if doc else None,
    )


def _relationship(key, members, sides, events_by_relation, derived, inputs, places, spans_of):
    partial = key[0] == "partial"
    relations = [r for r, _ in members]
    side_a: list[_Side] = []
    side_b: list[_Side] = []
    for r, swapped in members:
        a, b = sides[r.relation_id]
        if swapped:
            a, b = b, a
        side_a.append(a)
        if b is not None:
            side_b.append(b)
    rid = content_hash("relationship", *key)

    entries: list[_Entry] = []
    for r in relations:
        entries.append(_reported_entry(r, inputs))
        entries.extend(_event_entry(e, inputs) for e in events_by_relation.get(r.relation_id, ()))
        entries.extend(derived.get(r.relation_id, ()))
    ordered = order(entries)
    status, decider, basis = _status(ordered, inputs)
    flags = _flags(ordered, decider, inputs)

    stated = [e for e in ordered if e.type == "established" and e.date and not e.derived]
    implied = [e for e in ordered if e.type == "established" and e.date and e.derived]
    first = stated[0] if stated else (implied[0] if implied else None)
    if first is None:
        established_basis = None
    elif first.derived:
        established_basis = first.derivation
    else:
        established_basis = f"{first.date_source or 'stated'} in {_name(inputs, first.doc_id)}"

    doc_ids = sorted(
        {r.doc_id for r in relations},
        key=lambda d: (_published(inputs, d) is None, _published(inputs, d) or "", d),
    )
    kinds = Counter(r.kind for r in relations)
    kind_order = sorted(kinds, key=lambda k: (-kinds[k], k))

    pa = _place(side_a, places)
    if partial:
        partner = Counter(r.country_b for r in relations if r.country_b)
        country = sorted(partner, key=lambda c: (-partner[c], c))[0] if partner else None
        pb = _Place(None, country, None, None, None)
    else:
        pb = _place(side_b, places)
        if (pb.name.casefold(), key[2]) < (pa.name.casefold(), key[1]):  # shown by name
            pa, pb = pb, pa

    rows = []
    for seq, e in enumerate(ordered):
        text = inputs.texts.get(e.doc_id)
        rows.append(
            TimelineEntry(
                relationship_id=rid,
                seq=seq,
                type=e.type,
                date=e.date,
                date_precision=e.date_precision,
                date_source=e.date_source,
                derived=e.derived,
                derivation=e.derivation,
                decides_status=e is decider,
                relation_id=e.relation_id,
                event_id=e.event_id,
                doc_id=e.doc_id,
                source_name=_name(inputs, e.doc_id),
                published=e.published,
                start=e.start,
                end=e.end,
                text=text[e.start : e.end] if text and e.start is not None else None,
                quote=quote(text, spans_of(e.doc_id), e.start, e.end) if text else None,
                rule_id=e.rule_id,
                confidence=float(e.confidence),
            )
        )

    published = [p for p in (_published(inputs, d) for d in doc_ids) if p]
    rel = Relationship(
        relationship_id=rid,
        partial=partial,
        place_a=pa.name,
        country_a=pa.country,
        geonameid_a=pa.geonameid,
        admin1_a=pa.info.admin1 if pa.info else None,
        region_a=pa.info.region if pa.info else None,
        place_b=pb.name,
        country_b=pb.country,
        geonameid_b=pb.geonameid,
        admin1_b=pb.info.admin1 if pb.info else None,
        region_b=pb.info.region if pb.info else None,
        names_a=pa.names,
        names_b=pb.names,
        kind=kind_order[0],
        kinds="; ".join(sorted(kinds)),
        established=first.date if first else None,
        established_precision=first.date_precision if first else None,
        established_derived=bool(first and first.derived),
        established_basis=established_basis,
        status=status,
        status_date=decider.date if decider else None,
        status_basis=basis,
        last_reported=max(published, key=lambda p: _parts(p)) if published else None,
        n_events=sum(1 for e in ordered if e.event_id is not None),
        n_documents=len(doc_ids),
        n_sources=_independent_sources(relations, inputs, spans_of),
        doc_ids="; ".join(doc_ids),
        source_names="; ".join(_name(inputs, d) for d in doc_ids),
        confidence=float(max(r.confidence for r in relations)),
        flags="; ".join(code for code, _ in flags) or None,
        flag_details="; ".join(detail for _, detail in flags) or None,
        timeline_summary=_summary(ordered),
    )
    return rel, rows


@dataclass(frozen=True, slots=True)
class _Place:
    name: str | None
    country: str | None
    geonameid: int | None
    info: PlaceInfo | None
    names: str | None  # surface forms, '; '-separated


def _place(sides: Sequence[_Side], places: PlaceLookup) -> _Place:
    """One place from its mentions: the most used name and country, any resolved id."""
    names = Counter(s.name for s in sides)
    name = sorted(names, key=lambda n: (-names[n], n))[0]
    countries = Counter(s.country for s in sides if s.country)
    country = sorted(countries, key=lambda c: (-countries[c], c))[0] if countries else None
    gid = next((s.geonameid for s in sides if s.geonameid is not None), None)
    info = places(gid) if gid is not None else None
    surfaces = sorted({s.surface for s in sides if s.surface} | {name})
    return _Place(name, country, gid, info, "; ".join(surfaces))


def _name(inputs: Inputs, doc_id: str) -> str:
    doc = inputs.documents.get(doc_id)
    return doc.source_name if doc else doc_id


def _summary(ordered: Sequence[_Entry]) -> str:
    parts = []
    for e in ordered:
        if e.type == "reported":
            continue
        when = (e.date + ("~" if e.derived else "")) if e.date else "undated"
        parts.append(f"{when} {e.type}" + (" (derived)" if e.derived else ""))
    return "; ".join(parts) or "no events"


# --- status and contradictions ----------------------------------------------------------


def _status(ordered: Sequence[_Entry], inputs: Inputs) -> tuple[str, _Entry | None, str]:
    """(status, the entry it rests on, why) following the rules in the module docstring."""
    facts = [e for e in ordered if not e.derived and e.type != "reported"]
    state = [e for e in facts if e.type in STATE_STATUS]
    dated = [e for e in state if e.date]
    if dated:
        last = dated[-1]
        return (
            STATE_STATUS[last.type],
            last,
            f"{last.type} {last.date} in {_name(inputs, last.doc_id)}",
        )
    if state:
        # Undated only: assume lifecycle order, the newest document last.
        last = sorted(state, key=lambda e: (_RANK[e.type], *_undated_key(e)))[-1]
        docs = len({e.doc_id for e in state})
        return (
            STATE_STATUS[last.type],
            last,
            f"undated {last.type} in {_name(inputs, last.doc_id)}"
            + (f" ({docs} documents report undated events)" if docs > 1 else ""),
        )
    implied = [e for e in ordered if e.derived and e.type == "established"]
    if implied:
        first = implied[0]
        where = _name(inputs, first.doc_id)
        return (
            "active",
            first,
            f"established about {first.date} (derived) in {where}; no later event",
        )
    plans = [e for e in facts if e.type in ("proposed", "blocked")]
    if plans:
        dated_plans = [e for e in plans if e.date]
        last = dated_plans[-1] if dated_plans else plans[-1]
        when = last.date or "undated"
        where = _name(inputs, last.doc_id)
        return last.type, last, f"{last.type} {when} in {where}; never reported established"
    return "unknown", None, "the sources state the pairing but report no event"


def _flags(
    ordered: Sequence[_Entry], decider: _Entry | None, inputs: Inputs
) -> list[tuple[str, str]]:
    flags: list[tuple[str, str]] = []

    def where(e: _Entry) -> str:
        return f"{e.date or 'undated'} ({_name(inputs, e.doc_id)})"

    stated = [e for e in ordered if e.type == "established" and e.date and not e.derived]
    years = sorted({e.year for e in stated})
    if len(years) > 1:
        flags.append(
            (
                "establishment_dates_differ",
                "established " + " vs ".join(where(e) for e in _one_per_year(stated)),
            )
        )

    implied = [e for e in ordered if e.type == "established" and e.derived]
    if implied:
        if years:
            off = [e for e in implied if min(abs(e.year - y) for y in years) > DERIVED_TOLERANCE]
            if off:
                flags.append(
                    (
                        "derived_establishment_differs",
                        "derived "
                        + ", ".join(where(e) for e in off)
                        + " vs stated "
                        + ", ".join(str(y) for y in years),
                    )
                )
        elif max(e.year for e in implied) - min(e.year for e in implied) > DERIVED_TOLERANCE:
            flags.append(
                (
                    "derived_establishment_differs",
                    "derived " + " vs ".join(where(e) for e in _one_per_year(implied)),
                )
            )

    ended = [e for e in ordered if e.type == "terminated" and e.date]
    if len({e.year for e in ended}) > 1:
        flags.append(
            (
                "termination_dates_differ",
                "terminated " + " vs ".join(where(e) for e in _one_per_year(ended)),
            )
        )

    position = {id(e): i for i, e in enumerate(ordered)}
    for t in (e for e in ordered if e.type == "terminated"):
        for r in (e for e in ordered if e.type in ("retained", "established") and not e.derived):
            later = (t.date and r.date and position[id(r)] > position[id(t)]) or (
                r.doc_id == t.doc_id
                and not r.date
                and not t.date
                and (r.start or 0) > (t.start or 0)
            )
            if later:
                flags.append(
                    ("termination_reversed", f"terminated {where(t)}, then {r.type} {where(r)}")
                )
                break
        else:
            continue
        break

    if decider is not None and decider.date:
        for e in ordered:
            if e.date or e.derived or e.type not in STATE_STATUS:
                continue
            if STATE_STATUS[e.type] == STATE_STATUS.get(decider.type, decider.type):
                continue
            if _RANK[e.type] <= _RANK[decider.type]:
                continue  # naturally earlier in a relationship's life
            if e.published and compare_dates(e.published, decider.date) < 0:
                continue  # its document predates the deciding event
            flags.append(
                (
                    "undated_event_disagrees",
                    f"undated {e.type} in {_name(inputs, e.doc_id)}"
                    f" vs {decider.type} {where(decider)}",
                )
            )
            break
    elif decider is not None and decider.type in STATE_STATUS:
        per_doc: dict[str, _Entry] = {}
        for e in ordered:
            if e.type in STATE_STATUS and not e.derived:
                per_doc[e.doc_id] = e  # each document's last word, in text order
        statuses = {STATE_STATUS[e.type] for e in per_doc.values()}
        if len(statuses) > 1:
            flags.append(
                (
                    "undated_events_disagree",
                    "documents end on "
                    + " vs ".join(
                        f"{e.type} ({_name(inputs, e.doc_id)})" for e in per_doc.values()
                    ),
                )
            )
    return flags


def _one_per_year(entries: Sequence[_Entry]) -> list[_Entry]:
    seen, out = set(), []
    for e in entries:
        if e.year not in seen:
            seen.add(e.year)
            out.append(e)
    return out


def _independent_sources(relations: Sequence[Relation], inputs: Inputs, spans_of) -> int:
    """Distinct origins: web hosts (each local file its own), documents that state the pair
    in the same words (syndicated copies) counted once."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        parent[find(x)] = find(y)

    by_origin: dict[str, str] = {}
    by_words: dict[str, str] = {}
    for r in relations:
        doc = inputs.documents.get(r.doc_id)
        find(r.doc_id)
        host = urlsplit(doc.source).hostname if doc and "://" in doc.source else None
        if host:
            host = host.removeprefix("www.")
            union(r.doc_id, by_origin.setdefault(host, r.doc_id))
        text = inputs.texts.get(r.doc_id)
        if text:
            s, e = _sentence_at(spans_of(r.doc_id), r.evidence_start, r.evidence_end)
            words = " ".join(text[s:e].casefold().split())
            union(r.doc_id, by_words.setdefault(words, r.doc_id))
    return len({find(r.doc_id) for r in relations})


# --- tables in, tables out ---------------------------------------------------------------


def _record(cls, row: Mapping):
    return cls(**{f.name: row.get(f.name) for f in fields(cls)})


def inputs_from_rows(
    documents: Iterable[Mapping],
    relations: Iterable[Mapping],
    events: Iterable[Mapping],
    texts: Mapping[str, str],
) -> Inputs:
    """Records from plain rows (extra columns, e.g. a reviewer's, are ignored)."""
    docs = {d["doc_id"]: _record(Document, d) for d in documents}
    rels = tuple(_record(Relation, r) for r in relations)
    known = {r.relation_id for r in rels}
    evs = tuple(e for e in (_record(Event, e) for e in events) if e.relation_id in known)
    return Inputs(docs, rels, evs, texts)


def inputs_from_tables(tables: Mapping, text_of: Callable[[str], str | None]) -> Inputs:
    from pipeline import dataset

    # An ingestion run keeps the rows of an article's superseded versions (their reviews
    # stay attached); only current versions are merged, so an edit is not a new source.
    documents = dataset.records(tables["documents"])
    old = {d["doc_id"] for d in documents if d.get("superseded_by")}
    documents = [d for d in documents if d["doc_id"] not in old]
    relations = [r for r in dataset.records(tables["relations"]) if r["doc_id"] not in old]
    events = [e for e in dataset.records(tables["events"]) if e["doc_id"] not in old]
    texts = {}
    for doc_id in sorted({r["doc_id"] for r in relations}):
        text = text_of(doc_id)
        if text is not None:
            texts[doc_id] = text
    return inputs_from_rows(documents, relations, events, texts)


def source_tables(out_dir: str | Path) -> dict:
    """The tables the registry merges, with reviewer decisions applied when the
    dataset has a review store (rejected rows removed, edits applied, added events in).

    Without a store the extraction tables are used as written; the store is never
    created here, so extracting does not leave an empty review database behind.
    """
    import os

    from pipeline import dataset
    from pipeline.review import config as review_config

    if os.environ.get("SISTERCITIES_REVIEW_DB") or (Path(out_dir) / review_config.DB_FILE).exists():
        from pipeline.review import reviewed_tables

        return reviewed_tables(out_dir)
    return dataset.load(out_dir)


def _require_dataset(out: Path) -> None:
    from pipeline.errors import DatasetError

    if not (out / "documents.parquet").exists():
        raise DatasetError(
            f"{out} is not a dataset (no documents.parquet); run sistercities extract first"
        )


def build_for(out_dir: str | Path, tables: Mapping | None = None) -> Registry:
    """The registry of a dataset folder (read only)."""
    from pipeline import dataset

    out = Path(out_dir)
    _require_dataset(out)
    tables = tables if tables is not None else source_tables(out)
    return build(inputs_from_tables(tables, lambda d: dataset.read_text(out, d)))


def write(out_dir: str | Path, registry: Registry) -> dict[str, int]:
    """Replace relationships/timeline (.parquet and .csv). The caller holds the lock."""
    from pipeline import dataset
    from pipeline.schema import RELATIONSHIPS, TIMELINE

    return dataset.write_derived(
        out_dir,
        {
            RELATIONSHIPS: [as_row(r) for r in registry.relationships],
            TIMELINE: [as_row(t) for t in registry.timeline],
        },
    )


def refresh(out_dir: str | Path, tables: Mapping | None = None) -> Registry:
    """Build the registry of a dataset folder and write it, holding the dataset lock."""
    from pipeline import dataset

    _require_dataset(Path(out_dir))  # before the lock, which would create the folder
    with dataset.lock(out_dir):
        registry = build_for(out_dir, tables)
        write(out_dir, registry)
    return registry


def summary_lines(registry: Registry) -> list[str]:
    rels = registry.relationships
    partial = sum(r.partial for r in rels)
    by_status = Counter(r.status for r in rels)
    flagged = sum(1 for r in rels if r.flags)
    derived = sum(1 for t in registry.timeline if t.derived)
    multi = sum(1 for r in rels if r.n_documents > 1)
    return [
        f"relationships {len(rels)} ({len(rels) - partial} pairs, {partial} partial; "
        f"{multi} in more than one document)",
        "status        " + ", ".join(f"{s} {by_status[s]}" for s in STATUSES if by_status[s]),
        f"derived dates {derived}   flagged for review {flagged}",
    ]
