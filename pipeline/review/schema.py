"""Data dictionary of the reviewed dataset: the extraction tables plus review columns.

Generates the `datapackage.json` written next to a reviewed export and
docs/reviewed-data-dictionary.md (a test keeps them in step).
"""

from __future__ import annotations

from dataclasses import replace

from pipeline import schema as base
from pipeline.schema import Column, Table

REVIEWED_VERSION = "1.0.0"

REVIEW_COLUMNS = (
    Column("origin", "string", "extraction (found by the rules) or reviewer (added by a reviewer)."),
    Column("review_status", "string", "unreviewed, accepted, edited or added (rejected rows are left out)."),
    Column("reviewer", "string", "Who made the latest decision.", True),
    Column("reviewed_at", "string", "When (UTC, ISO 8601).", True),
    Column("review_note", "string", "The reviewer's note.", True),
    Column("review_disagreement", "boolean", "Reviewers' own latest decisions on this row differ; the latest one was applied."),
    Column("review_changed", "boolean", "The extraction's evidence or values changed since the decision was made: worth another look."),
    Column("review_original", "string", "JSON object of the extracted values an edit replaced ({column: value}).", True),
)  # fmt: skip

_EVENT_OVERRIDES = {
    "date_source": "explicit, citation, relative, publication, or reviewer (a date set by a reviewer; then date_start/date_end are null).",
    "rule_id": "Trigger rule id (see events.parquet), or 'reviewer' for an event a reviewer added.",
    "confidence": "0-1; 1.0 for an event a reviewer added.",
    "type": "proposed, established, blocked, termination_proposed, terminated, suspended or retained (as reviewed).",
}  # fmt: skip
_RELATION_OVERRIDES = {
    "geonameid_a": "GeoNames id of city_a when resolved; null when a reviewer changed city_a.",
    "geonameid_b": "GeoNames id of city_b when resolved; null when a reviewer changed city_b.",
}  # fmt: skip


def _with_review(table: Table, overrides: dict[str, str], description: str) -> Table:
    cols = tuple(
        replace(c, description=overrides[c.name]) if c.name in overrides else c
        for c in table.columns
    )
    return Table(table.name, table.key, description, cols + REVIEW_COLUMNS)


DOCUMENTS = base.DOCUMENTS
RELATIONS = _with_review(
    base.RELATIONS,
    _RELATION_OVERRIDES,
    base.RELATIONS.description + " Reviewed: rejected relations are removed and edits applied.",
)
EVENTS = _with_review(
    base.EVENTS,
    _EVENT_OVERRIDES,
    base.EVENTS.description + " Reviewed: rejected events and the events of rejected "
    "relations are removed, edits applied, reviewer-added events included.",
)
ACTORS = Table(
    base.ACTORS.name,
    base.ACTORS.key,
    base.ACTORS.description + " Reviewed: only the actors of events that were kept.",
    base.ACTORS.columns,
)
TABLES = (DOCUMENTS, RELATIONS, EVENTS, ACTORS)

CSV_NOTE = (
    "CSV files are UTF-8 with a byte-order mark, every text cell quoted. A text cell "
    "that would start with = + - @ tab, carriage return or ' is prefixed with ' so a "
    "spreadsheet shows it as text instead of running it as a formula; strip one leading "
    "' from such cells to get the value back. Ids are text: import them as text."
)


def datapackage(fmt: str) -> dict:
    """Frictionless Data Package descriptor of a reviewed export (parquet or csv)."""
    resources = []
    for t in TABLES:
        res = {
            "name": t.name,
            "path": f"{t.name}.{fmt}",
            "format": fmt,
            "description": t.description,
            "schema": {
                "primaryKey": list(t.key),
                "fields": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "description": c.description,
                        "constraints": {"required": not c.nullable},
                    }
                    for c in t.columns
                ],
            },
        }
        if fmt == "csv":
            res["encoding"] = "utf-8-sig"
            res["mediatype"] = "text/csv"
            res["dialect"] = {"delimiter": ",", "quoteChar": '"', "header": True}
        resources.append(res)
    out = {
        "name": "sistercities-reviewed",
        "version": REVIEWED_VERSION,
        "profile": "data-package",
        "description": "Sister-city relationships and their events as reviewed by hand: "
        f"extraction dataset {base.DATASET_VERSION} with review decisions applied. "
        "Offsets point into texts/<doc_id>.txt of the extraction dataset.",
        "resources": resources,
    }
    if fmt == "csv":
        out["description"] += " " + CSV_NOTE
    return out


def markdown() -> str:
    """docs/reviewed-data-dictionary.md."""
    lines = [
        "# Reviewed dataset: data dictionary",
        "",
        f"Reviewed export version {REVIEWED_VERSION}, over extraction dataset version "
        f"{base.DATASET_VERSION}. Generated from `pipeline/review/schema.py`; the same "
        "content ships as `datapackage.json` in every reviewed export "
        "(`sistercities export DATASET --reviewed`).",
        "",
        "Review columns are added to relations and events; documents and actors keep "
        "the extraction columns (see data-dictionary.md).",
        "",
        CSV_NOTE,
        "",
    ]
    for t in (RELATIONS, EVENTS):
        lines += [f"## {t.name}", "", t.description, "", f"Key: `{', '.join(t.key)}`", ""]
        lines += ["| column | type | null | description |", "| --- | --- | --- | --- |"]
        for c in t.columns:
            lines.append(
                f"| {c.name} | {c.type} | {'yes' if c.nullable else 'no'} | {c.description} |"
            )
        lines.append("")
    return "\n".join(lines)
