"""What earlier runs left behind, and the rules that decide what a run must redo.

Every source location (a file, a page, a feed, a sitemap, a folder) has one row in
`sources.parquet` (`SourceRecord`): the state this run left it in (ok, unchanged,
failed:<reason>, skipped:<reason>), the document it currently yields and what is needed
to ask for it again cheaply (ETag, Last-Modified, hash of the raw bytes).

Rules, applied per source:
- the raw bytes are the same as last time (or the server said 304) and the document
  they gave was extracted by the current rules: unchanged, nothing is cleaned or parsed;
- the cleaned text hashes to the same doc_id: unchanged, nothing is parsed;
- otherwise the document is extracted. If the source used to yield another document,
  that older document is marked superseded by the new one; its rows stay, so review
  decisions attached to them stay too.
- a failed fetch or a page that cleans to nothing (skipped) keeps the source's last good
  document, ETag and raw hash, so a passing outage or a consent wall never replaces an
  article and the next run simply tries again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from pipeline import dataset, manifest
from pipeline.config import Settings
from pipeline.schema import DOCUMENTS, SOURCES

# What happened to a document source in a run (the artifact and the summary count these).
CATEGORIES = ("new", "changed", "re-extracted", "unchanged", "failed", "skipped")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One row of sources.parquet (see pipeline/schema.py for the meaning of each field)."""

    source: str
    kind: str  # folder | file | page | feed | sitemap
    listing: str  # name of the sources.toml entry it came from
    tags: str | None
    state: str  # ok | unchanged | failed:<reason> | skipped:<reason>
    detail: str | None
    doc_id: str | None
    http_status: int | None
    final_url: str | None
    media_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    raw_sha256: str | None
    n_bytes: int | None
    run_id: str
    checked_at: str
    changed_at: str | None


@dataclass(frozen=True, slots=True)
class Run:
    run_id: str
    started: str  # ISO 8601 UTC, seconds


@dataclass(frozen=True, slots=True)
class Known:
    """What the dataset knows about one source; travels with it to the batch that reads it."""

    record: SourceRecord | None = None
    current: bool = False  # its document exists and the current rules extracted it
    ok: bool = False  # its document is a usable one (status ok)

    @property
    def doc_id(self) -> str | None:
        return self.record.doc_id if self.record else None


@dataclass(frozen=True, slots=True)
class Prior:
    """The dataset as the run found it: source rows, and each document's rules version."""

    sources: dict[str, SourceRecord]
    doc_versions: dict[str, str]  # doc_id -> extractor_version
    doc_ok: dict[str, bool]  # doc_id -> status == "ok"
    superseded: dict[str, str]  # doc_id -> superseded_by
    version: str  # manifest.rules_version of this run's settings

    def known(self, source: str) -> Known:
        record = self.sources.get(source)
        if record is None:
            return Known()
        doc = record.doc_id
        return Known(
            record,
            current=doc is not None and self.doc_versions.get(doc) == self.version,
            ok=self.doc_ok.get(doc or "", False),
        )


def load(out_dir: str | Path, settings: Settings | None = None) -> Prior:
    """What the folder holds, judged against the rules and settings of this run."""
    names = [f.name for f in dataclasses.fields(SourceRecord)]
    sources = {
        row["source"]: SourceRecord(**{k: row[k] for k in names})
        for row in dataset.read_records(out_dir, SOURCES)
    }
    docs = dataset.read_records(out_dir, DOCUMENTS)
    return Prior(
        sources=sources,
        doc_versions={d["doc_id"]: d["extractor_version"] for d in docs},
        doc_ok={d["doc_id"]: d["status"] == "ok" for d in docs},
        superseded={d["doc_id"]: d["superseded_by"] for d in docs if d["superseded_by"]},
        version=manifest.rules_version(settings or Settings.from_env()),
    )


def conditional(known: Known) -> tuple[str | None, str | None]:
    """ETag and Last-Modified to send, only when a 304 would let the run skip the page."""
    if not known.current or known.record is None or known.record.raw_sha256 is None:
        return None, None
    return known.record.etag, known.record.last_modified


def unchanged_raw(known: Known, raw_sha256: str) -> bool:
    return known.current and known.record is not None and known.record.raw_sha256 == raw_sha256


def unchanged_doc(known: Known, doc_id: str) -> bool:
    return known.current and known.doc_id == doc_id


def category(known: Known, doc_id: str) -> str:
    """new, changed or re-extracted, for a document that is about to be extracted."""
    if known.doc_id is None:
        return "new"
    return "re-extracted" if known.doc_id == doc_id else "changed"


def keeps_old_document(known: Known, new_doc_ok: bool) -> bool:
    """An unusable (skipped) new document never displaces a good old one."""
    return not new_doc_ok and known.ok


def supersessions(prior: Prior, records: list[SourceRecord]) -> tuple[dict[str, str], set[str]]:
    """(old doc_id -> new doc_id) to mark superseded, and superseded doc_ids current again.

    A document is superseded when a source that yielded it now yields another one and
    no source still yields it; one that a source yields again stops being superseded.
    """
    merged = dict(prior.sources)
    merged.update((r.source, r) for r in records)
    current = {r.doc_id for r in merged.values() if r.doc_id}
    replaced: dict[str, str] = {}
    for r in records:
        old = prior.sources.get(r.source)
        if old and old.doc_id and r.doc_id and old.doc_id not in current:
            replaced[old.doc_id] = r.doc_id
    revived = {d for d in current if d in prior.superseded}
    return replaced, revived
