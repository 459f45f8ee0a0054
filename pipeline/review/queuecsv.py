"""The review queue as a spreadsheet: export it to CSV, fill the decision column,
import it back.

Import validates every row first and applies nothing unless the whole file is valid;
problems are reported per row (spreadsheet row numbers, the header being row 1).
A row is matched to its candidate by id, or by evidence fingerprint when the dataset
was re-extracted since the export; its evidence span is checked against the text.

Decisions: accept (the values in the row are right), reject, edit (the row's
city/country/kind or type/date columns were corrected), or empty (skip the row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline import atomic
from pipeline.errors import SisterCitiesError
from pipeline.review import decisions as dec
from pipeline.review.candidates import EVENT, RELATION, normalise
from pipeline.review.export import csv_rows, read_csv
from pipeline.review.store import NewDecision, ReviewError

COLUMNS = [
    "candidate_kind", "candidate_id", "fingerprint", "doc_id", "source", "pair",
    "confidence", "status", "evidence_start", "evidence_end", "evidence_text",
    "city_a", "country_a", "city_b", "country_b", "kind", "type", "date",
    "decision", "note",
]  # fmt: skip
REQUIRED = ["candidate_kind", "candidate_id", "fingerprint", "decision"]
ALIASES = {
    "accept": "accept", "accepted": "accept", "ok": "accept", "yes": "accept",
    "reject": "reject", "rejected": "reject", "no": "reject",
    "edit": "edit", "edited": "edit",
}  # fmt: skip


class ImportRejected(SisterCitiesError):
    """A review CSV with invalid rows; nothing from it was applied."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{path.name}: {len(problems)} invalid row(s), nothing was applied "
            "(fix them and import the file again)"
        )


def write_queue(rs: dec.Resolved, path: Path, status: str | None = None) -> int:
    """The queue (optionally one status only) as CSV; returns the number of rows."""
    rows = []
    for c in rs.candidates:
        st = rs.state(c.candidate_id)
        if status and st.status != status:
            continue
        text = rs.candidates.text(c.doc_id)
        v = dec.reviewed_values(c, st)
        rows.append([
            c.kind, c.candidate_id, c.fingerprint, c.doc_id, c.source, c.pair,
            c.confidence, st.status, c.evidence_start, c.evidence_end,
            text[c.evidence_start : c.evidence_end],
            v.get("city_a"), v.get("country_a"), v.get("city_b"), v.get("country_b"),
            v.get("kind"), v.get("type"), v.get("date"),
            None, None,
        ])  # fmt: skip
    atomic.write_bytes(Path(path), csv_rows(COLUMNS, rows).encode("utf-8-sig"))
    return len(rows)


@dataclass
class Parsed:
    decisions: list[NewDecision] = field(default_factory=list)
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def parse(rs: dec.Resolved, path: Path, reviewer: str) -> Parsed:
    """Every row of the file checked and turned into a decision (nothing stored)."""
    header, rows = read_csv(Path(path))
    out = Parsed()
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        out.problems.append(f"row 1: missing column(s) {', '.join(missing)}")
        return out
    by_fp = rs.candidates.by_fingerprint()
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        try:
            new = _row(rs, row, by_fp, reviewer)
        except ReviewError as exc:
            out.problems.append(f"row {n}: {exc}")
            continue
        if new is None:
            out.skipped += 1
            continue
        if new.candidate_id in seen:
            out.problems.append(
                f"row {n}: the same candidate as row {seen[new.candidate_id]} ({new.candidate_id})"
            )
            continue
        seen[new.candidate_id] = n
        out.decisions.append(new)
    return out


def _row(rs: dec.Resolved, row: dict, by_fp, reviewer: str) -> NewDecision | None:
    kind = (row.get("candidate_kind") or "").strip()
    cid = (row.get("candidate_id") or "").strip()
    if kind not in (RELATION, EVENT):
        raise ReviewError(f"candidate_kind must be relation or event, not {kind!r}")
    word = (row.get("decision") or "").strip().lower()
    c = rs.candidates.get(cid)
    if c is None or c.kind != kind:
        found = by_fp.get((kind, (row.get("fingerprint") or "").strip()), [])
        if len(found) != 1:
            raise ReviewError(f"{kind} {cid} is not in the dataset any more")
        c = found[0]
    _check_evidence(rs, c, row)
    st = rs.state(c.candidate_id)
    shown = dec.reviewed_values(c, st)
    fields = dec.EDITABLE[kind]
    other = dec.EDITABLE[EVENT if kind == RELATION else RELATION]
    stray = [f for f in other if (row.get(f) or "").strip()]
    if stray:
        raise ReviewError(f"{', '.join(stray)} cannot be set on a {kind} row")
    given = {f: row[f] for f in fields if f in row}
    edited = dec.clean_changes(kind, given, shown)
    if not word:
        if edited:
            raise ReviewError(f"{', '.join(edited)} changed but the decision is empty")
        return None
    action = ALIASES.get(word)
    if action is None:
        raise ReviewError(f"decision must be accept, reject, edit or empty, not {word!r}")
    if action == "accept" and edited:
        raise ReviewError(f"{', '.join(edited)} changed: use decision edit")
    if action == "edit" and not edited:
        raise ReviewError("decision is edit but no value was changed")
    changes = {**shown, **edited} if action == "edit" else None
    return dec.new_decision(rs, c.candidate_id, action, reviewer, changes, row.get("note"))


def _check_evidence(rs: dec.Resolved, c, row: dict) -> None:
    """The row's evidence must still be what the text says (text[start:end])."""
    quoted = row.get("evidence_text")
    if quoted is None:
        return
    text = rs.candidates.text(c.doc_id)
    try:
        start, end = int(row["evidence_start"]), int(row["evidence_end"])
    except (KeyError, TypeError, ValueError):
        raise ReviewError("evidence_start and evidence_end must be whole numbers") from None
    if row.get("candidate_id", "").strip() == c.candidate_id and text[start:end] == quoted:
        return
    if normalise(text[c.evidence_start : c.evidence_end]) != normalise(quoted):
        raise ReviewError(
            f"evidence_text does not match text[{start}:{end}] of document {c.doc_id}"
        )


def import_file(rs: dec.Resolved, store, path: Path, reviewer: str) -> Parsed:
    """Validate the whole file, then store its decisions in one transaction."""
    parsed = parse(rs, Path(path), reviewer)
    if parsed.problems:
        raise ImportRejected(Path(path), parsed.problems)
    store.append_many(parsed.decisions)
    return parsed
