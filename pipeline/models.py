"""Frozen records that the pipeline stages hand each other.

Data flows one way: sources -> clean -> nlp -> extract -> dataset. Each stage takes
and returns these records, never dicts, so a field renamed in one place breaks loudly
everywhere it is used. Every character offset points into `CleanDocument.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PRECISIONS = ("year", "month", "day")
EVENT_TYPES = (
    "proposed",
    "established",
    "blocked",
    "termination_proposed",
    "terminated",
    "suspended",
    "retained",
)
DATE_SOURCES = ("explicit", "citation", "relative", "publication")
RELATION_KINDS = ("sister", "twin", "friendship", "partner")


@dataclass(frozen=True, slots=True)
class RawDocument:
    """Bytes as they arrived from a source, before any cleaning."""

    source: str  # path or URL
    source_name: str  # file name (or last URL segment)
    content: bytes
    media_type: str  # "text/html", "text/plain", or whatever the source declared
    charset: str | None = None  # declared charset, if any (may be wrong)


@dataclass(frozen=True, slots=True)
class DateValue:
    """A calendar date at a stated precision, with where the text says it."""

    value: str  # ISO: "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    precision: str  # one of PRECISIONS
    start: int | None = None  # span in the cleaned text; None for metadata dates
    end: int | None = None

    @property
    def year(self) -> int:
        return int(self.value[:4])


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """A document after cleaning: the text every offset points into."""

    doc_id: str  # stable hash of `text`
    source: str
    source_name: str
    text: str
    title: str | None = None
    author: str | None = None
    published: DateValue | None = None
    status: str = "ok"  # "ok" or "skipped:<reason>"

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# --- NLP output: plain records so nothing downstream needs spaCy -----------------


@dataclass(frozen=True, slots=True)
class Token:
    i: int  # index in Parsed.tokens
    start: int  # character offsets into the cleaned text
    end: int
    text: str
    lower: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int  # index of the syntactic head (itself for the root)
    ent_type: str  # spaCy entity label or ""
    sent: int  # index in Parsed.sentences
    space: bool  # followed by whitespace


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    tok_start: int  # token index range [tok_start, tok_end)
    tok_end: int
    paragraph: int  # index into Parsed.paragraphs


@dataclass(frozen=True, slots=True)
class Entity:
    label: str
    start: int
    end: int
    tok_start: int
    tok_end: int
    text: str


@dataclass(frozen=True, slots=True)
class Parsed:
    """The linguistic analysis of the parts of one document that were parsed."""

    text: str
    paragraphs: tuple[tuple[int, int], ...]  # all paragraphs of the document
    parsed: tuple[int, ...]  # indexes of the paragraphs that went through the parser
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]


# --- Places ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A real-world place, resolved as far as the gazetteer and context allow."""

    name: str  # canonical English name
    country: str | None  # ISO 3166 alpha-2
    geonameid: int | None
    admin1: str | None = None  # GeoNames admin1 code (US state code for the US)
    kind: str = "city"  # city, district, county, province, state

    @property
    def key(self) -> str:
        """Identity used to merge mentions of the same place within a document."""
        if self.geonameid is not None:
            return f"gn:{self.geonameid}"
        return f"nm:{self.name.casefold()}|{self.country or ''}"


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    text: str
    place: Place
    tok_start: int  # token range of the name itself (without qualifiers)
    tok_end: int
    span_end_tok: int  # token after the name *and* its qualifiers (", Illinois")
    cue: str  # why it was accepted as a place (rule id)
    in_org: bool = False  # part of an organisation name ("Kunming Municipal Government")


# --- Extraction output (one row each in the dataset) -------------------------------


@dataclass(frozen=True, slots=True)
class Relation:
    relation_id: str
    doc_id: str
    city_a: str
    city_b: str | None  # None: partial relation, the partner is not named
    country_a: str | None
    country_b: str | None
    geonameid_a: int | None
    geonameid_b: int | None
    kind: str  # one of RELATION_KINDS
    a_start: int
    a_end: int
    a_text: str  # text[a_start:a_end], the surface form in this document
    b_start: int | None
    b_end: int | None
    b_text: str | None
    evidence_start: int
    evidence_end: int
    rule_id: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    relation_id: str
    doc_id: str
    type: str  # one of EVENT_TYPES
    date: str | None
    date_precision: str | None
    date_source: str | None  # one of DATE_SOURCES
    date_start: int | None
    date_end: int | None
    trigger_start: int
    trigger_end: int
    trigger_text: str
    rule_id: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Actor:
    actor_id: str
    event_id: str
    doc_id: str
    name: str
    kind: str  # person | org
    role: str | None
    place: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document."""

    document: CleanDocument
    relations: tuple[Relation, ...] = field(default_factory=tuple)
    events: tuple[Event, ...] = field(default_factory=tuple)
    actors: tuple[Actor, ...] = field(default_factory=tuple)
