"""Review candidates: every relation and event of a dataset with the evidence a
reviewer reads, and the fingerprint that recognises it again after re-extraction.

A candidate's stable id is its relation_id / event_id. Those are content hashes of the
document id and what was found, so they survive a re-run on the same cleaned text but
change when the cleaned text changes at all. The fingerprint does not depend on ids or
offsets: it hashes the sentence(s) that state the candidate (whitespace-normalised)
plus what the candidate points at inside them (the city mentions; for an event also
its type, the trigger and its position in the sentence). `decisions.resolve` uses the id first
and the fingerprint second (see docs/review.md).

Every span is checked against the stored text (`text[start:end]` must equal the
recorded surface text); a mismatch means the texts and the tables disagree and is
reported as a DatasetError rather than shown to a reviewer.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline import dataset
from pipeline.errors import DatasetError
from pipeline.ids import content_hash

RELATION = "relation"
EVENT = "event"
EXTRACTION = "extraction"
REVIEWER = "reviewer"


@dataclass(frozen=True, slots=True)
class Mark:
    """A span to highlight: role picks the colour, label is the tooltip."""

    start: int
    end: int
    role: str  # city | trigger | date | actor
    label: str


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str  # RELATION or EVENT
    candidate_id: str
    doc_id: str
    source: str
    title: str | None
    relation_id: str
    confidence: float
    row: dict = field(hash=False)  # the dataset row, nulls as None
    relation: dict = field(hash=False)  # the relation row (the row itself for relations)
    evidence_start: int  # the sentence(s) stating it
    evidence_end: int
    paragraph_start: int
    paragraph_end: int
    fingerprint: str
    marks: tuple[Mark, ...]
    origin: str = EXTRACTION

    @property
    def event_type(self) -> str | None:
        return self.row["type"] if self.kind == EVENT else None

    @property
    def countries(self) -> set[str]:
        return {c for c in (self.relation["country_a"], self.relation["country_b"]) if c}

    @property
    def pair(self) -> str:
        r = self.relation
        b = r["city_b"] or f"({r['country_b'] or '?'} partner)"
        return f"{r['city_a']} – {b}"


# --- text geometry --------------------------------------------------------------

_BLOCK = re.compile(r"[^\n]+")
# A sentence ends at . ! ? (and closing quotes/brackets) before whitespace and a capital,
# digit or opening quote, unless the word before the stop is a known abbreviation.
_STOP = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[A-Z0-9“\"‘'(\[])")
_ABBREV = set(
    "st mr mrs ms dr prof gen col lt sgt gov sen rep jr sr inc co corp ltd no nos vs "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt ft e.g i.e u.s u.k u.n etc".split()
)


_WORD_WINDOW = 32


def paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    """The non-empty line containing pos (the extractor's notion of a paragraph)."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _sentence_starts(text: str, p_start: int, p_end: int) -> Iterator[int]:
    yield p_start
    for m in _STOP.finditer(text, p_start, p_end):
        # The word before the stop, looked for in a short window: searching the whole
        # paragraph before every stop is quadratic, and a paragraph can be megabytes.
        # A word cut by the window is _WORD_WINDOW long, so never an abbreviation.
        word = re.search(r"([\w.]+)$", text[max(p_start, m.start() - _WORD_WINDOW) : m.start()])
        w = word.group(1).lower() if word else ""
        if w in _ABBREV or (len(w) == 1 and w.isalpha()):
            continue
        yield m.end()


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) covering [start, end), within the paragraph of start."""
    p_start, p_end = paragraph_bounds(text, start)
    end = max(min(end, p_end), start + 1)
    s = p_start
    e = p_end
    for b in _sentence_starts(text, p_start, p_end):
        if b <= start:
            s = b
        elif b >= end:
            e = b
            break
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def normalise(s: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", s or "").split())


# --- fingerprints ---------------------------------------------------------------


def relation_fingerprint(text: str, rel: dict) -> tuple[str, int, int]:
    """(fingerprint, evidence start, evidence end) of a relation row."""
    s, e = sentence_bounds(text, rel["evidence_start"], rel["evidence_end"])
    names = sorted([normalise(rel["a_text"]), normalise(rel["b_text"])])
    partner = rel["country_b"] if rel["city_b"] is None else ""
    return content_hash("review:relation", normalise(text[s:e]), *names, partner), s, e


def event_fingerprint(
    text: str, rel: dict, type: str, trigger_start: int, trigger_end: int
) -> tuple[str, int, int]:
    """(fingerprint, evidence start, evidence end) of an event of a type on relation rel.

    The type is part of it: one trigger can carry two events ("stalled a plan to
    establish": proposed and blocked), and each is judged on its own.
    """
    s, e = sentence_bounds(text, trigger_start, trigger_end)
    names = sorted([normalise(rel["a_text"]), normalise(rel["b_text"])])
    trigger = normalise(text[trigger_start:trigger_end])
    offset = len(normalise(text[s:trigger_start] + "x")) - 1  # position in normalised text
    return (
        content_hash("review:event", normalise(text[s:e]), type, trigger, offset, *names),
        s,
        e,
    )


# --- building the candidate set ----------------------------------------------


def records(df) -> list[dict]:
    """DataFrame rows as dicts with None for nulls (plain Python values)."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def check_span(text: str, start, end, expected, what: str) -> None:
    if start is None:
        return
    if not (0 <= start <= end <= len(text)) or text[start:end] != expected:
        raise DatasetError(
            f"{what}: text[{start}:{end}] is {text[start:end]!r}, the table says {expected!r}"
        )


@dataclass
class CandidateSet:
    """The candidates of one dataset folder, in queue order (least confident first)."""

    out_dir: Path
    documents: dict[str, dict]  # doc_id -> documents row (active documents only)
    items: dict[str, Candidate]  # candidate_id -> candidate
    actors: dict[str, list[dict]]  # event_id -> actor rows
    tables: dict = field(default_factory=dict, repr=False)  # as read by dataset.load
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    def text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            self._texts[doc_id] = read_text(self.out_dir, doc_id)
        return self._texts[doc_id]

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    def get(self, candidate_id: str) -> Candidate | None:
        return self.items.get(candidate_id)

    def by_fingerprint(self) -> dict[tuple[str, str], list[Candidate]]:
        out: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for c in self:
            out[(c.kind, c.fingerprint)].append(c)
        return out

    def docs_by_source(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for d in self.documents.values():
            out[d["source"]].append(d["doc_id"])
        return out

    def relations_of(self, doc_id: str) -> list[Candidate]:
        return [c for c in self if c.kind == RELATION and c.doc_id == doc_id]


def read_text(out_dir: Path, doc_id: str) -> str:
    path = Path(out_dir) / "texts" / f"{doc_id}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetError(f"{path} is missing: the dataset's texts and tables disagree") from None


def active_documents(docs: Iterable[dict]) -> dict[str, dict]:
    """Documents that are current: a later version of a document supersedes it."""
    return {d["doc_id"]: d for d in docs if not d.get("superseded_by")}


def load(out_dir: str | Path) -> CandidateSet:
    """Candidates of the dataset in out_dir (the extraction rows, nothing reviewed yet)."""
    out = Path(out_dir)
    if not out.is_dir():
        raise DatasetError(f"{out} is not a dataset folder")
    tables = dataset.load(out)
    if len(tables["documents"]) == 0:
        raise DatasetError(f"{out} holds no dataset (no documents.parquet rows)")
    return build(out, tables)


def build(out: Path, tables: dict) -> CandidateSet:
    docs = active_documents(records(tables["documents"]))
    rels = [r for r in records(tables["relations"]) if r["doc_id"] in docs]
    evs = [e for e in records(tables["events"]) if e["doc_id"] in docs]
    actors: dict[str, list[dict]] = defaultdict(list)
    for a in records(tables["actors"]):
        if a["doc_id"] in docs:
            actors[a["event_id"]].append(a)
    events_of: dict[str, list[dict]] = defaultdict(list)
    for e in evs:
        events_of[e["relation_id"]].append(e)
    rel_by_id = {r["relation_id"]: r for r in rels}
    cs = CandidateSet(out, docs, {}, dict(actors), tables)
    found: list[Candidate] = []
    for r in rels:
        text = cs.text(r["doc_id"])
        found.append(relation_candidate(text, docs[r["doc_id"]], r, events_of, actors))
    for e in evs:
        rel = rel_by_id.get(e["relation_id"])
        if rel is None:
            raise DatasetError(f"event {e['event_id']} points at a missing relation")
        text = cs.text(e["doc_id"])
        found.append(
            event_candidate(text, docs[e["doc_id"]], rel, e, actors.get(e["event_id"], []))
        )
    found.sort(key=queue_key)
    cs.items = {c.candidate_id: c for c in found}
    return cs


def queue_key(c: Candidate) -> tuple:
    return (c.confidence, c.doc_id, c.evidence_start, c.kind != RELATION, c.candidate_id)


def _city_marks(text: str, rel: dict) -> list[Mark]:
    where = f"relation {rel['relation_id']}"
    check_span(text, rel["a_start"], rel["a_end"], rel["a_text"], where)
    check_span(text, rel["b_start"], rel["b_end"], rel["b_text"], where)
    marks = [Mark(rel["a_start"], rel["a_end"], "city", _place_label(rel, "a"))]
    if rel["b_start"] is not None:
        marks.append(Mark(rel["b_start"], rel["b_end"], "city", _place_label(rel, "b")))
    return marks


def _mentions(text: str, rel: dict, start: int, end: int, marks: list[Mark]) -> list[Mark]:
    """Other mentions of the two places in [start, end): the sentence that states an
    event often names the cities again after the relation's first mention."""
    fixed = [(m.start, m.end) for m in marks]
    # The spans found here never overlap each other, so sorted by start they are sorted
    # by end too and one neighbour tells whether a new span overlaps any: a paragraph
    # naming the pair a thousand times stays linear instead of cubic over its candidates.
    found: list[tuple[int, int]] = []
    out = []
    for side in ("a", "b"):
        names = {rel[f"{side}_text"], rel[f"city_{side}"]} - {None, ""}
        for name in sorted(names, key=len, reverse=True):
            for s, e in _occurrences(text, start, end, name):
                if any(a < e and s < b for a, b in fixed):
                    continue
                i = bisect.bisect_left(found, (e,))
                if i > 0 and found[i - 1][1] > s:
                    continue
                found.insert(i, (s, e))
                out.append(Mark(s, e, "city", _place_label(rel, side)))
    return out


@lru_cache(maxsize=64)
def _occurrences(text: str, start: int, end: int, name: str) -> tuple[tuple[int, int], ...]:
    """Where name stands as a word in text[start:end]. Every candidate of a paragraph asks
    the same: a paragraph of megabytes is searched once per name, not once per candidate."""
    found = re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text[start:end])
    return tuple((start + m.start(), start + m.end()) for m in found)


def _place_label(rel: dict, side: str) -> str:
    return f"city: {rel['city_' + side]} ({rel['country_' + side] or '?'})"


def event_marks(text: str, ev: dict, actors: Iterable[dict]) -> list[Mark]:
    where = f"event {ev['event_id']}"
    check_span(text, ev["trigger_start"], ev["trigger_end"], ev["trigger_text"], where)
    marks = [Mark(ev["trigger_start"], ev["trigger_end"], "trigger", f"trigger: {ev['type']}")]
    if ev.get("date_start") is not None and ev.get("date_end") is not None:
        marks.append(Mark(ev["date_start"], ev["date_end"], "date", f"date: {ev['date']}"))
    for a in actors:
        check_span(text, a["start"], a["end"], a["name"], f"actor {a['actor_id']}")
        marks.append(Mark(a["start"], a["end"], "actor", f"actor: {a['role'] or a['kind']}"))
    return marks


def relation_candidate(text, doc, rel, events_of, actors) -> Candidate:
    fp, s, e = relation_fingerprint(text, rel)
    marks = _city_marks(text, rel)
    for ev in events_of.get(rel["relation_id"], []):
        marks += event_marks(text, ev, actors.get(ev["event_id"], []))
    ps, pe = paragraph_bounds(text, s)
    marks += _mentions(text, rel, ps, pe, marks)
    return Candidate(
        RELATION, rel["relation_id"], rel["doc_id"], doc["source"], doc["title"],
        rel["relation_id"], float(rel["confidence"]), rel, rel, s, e, ps, pe, fp,
        tuple(marks),
    )  # fmt: skip


def event_candidate(text, doc, rel, ev, actors, origin: str = EXTRACTION) -> Candidate:
    fp, s, e = event_fingerprint(text, rel, ev["type"], ev["trigger_start"], ev["trigger_end"])
    marks = _city_marks(text, rel) + event_marks(text, ev, actors)
    ps, pe = paragraph_bounds(text, s)
    marks += _mentions(text, rel, ps, pe, marks)
    return Candidate(
        EVENT, ev["event_id"], ev["doc_id"], doc["source"], doc["title"], rel["relation_id"],
        float(ev["confidence"]), ev, rel, s, e, ps, pe, fp, tuple(marks), origin,
    )  # fmt: skip
