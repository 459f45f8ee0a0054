"""Ingestion steps over a sources list: discover -> fetch -> clean + extract -> write.

Plain functions over frozen records; the Prefect flow (flows/ingest.py) only wires
them into tasks, and tests run each one alone. A batch step never raises on bad input:
each source ends the run in exactly one state (see pipeline.state for the rules that
decide what is redone), and one bad source never stops the others.

- `discover` lists local folders and reads feeds and sitemaps (conditionally, reusing
  the kept body on a 304) into `DocRef`s, plus one record per folder/feed/sitemap.
- `fetch_batch` reads files and fetches pages of one batch; batches are fetched one
  after another, handing on the politeness state.
- `process_batch` decides per document: unchanged (no work), or clean, then extract the
  new and changed documents in one spaCy call.
- `write_batch` and `finish` (in the process that holds the dataset lock) add the rows,
  mark superseded versions, write the source states and build the run report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from uuid import uuid4

from pipeline import clean as cleaner
from pipeline import dataset, feeds, registry, runner, runreport, sources, state
from pipeline.config import FetchSettings, Settings
from pipeline.errors import InputError
from pipeline.extract import Extractor
from pipeline.fetch import Fetcher, FetchRequest, FetchResult, HostState
from pipeline.models import CleanDocument, Extraction, RawDocument
from pipeline.parallel import ParallelExtractor
from pipeline.sourcelist import Source, SourceList
from pipeline.state import Known, Prior, Run, SourceRecord

# One spaCy pipeline is loaded per process (nlp.load caches it) and spaCy pipelines are
# not safe to use from two threads at once; batches in threads take turns.
_NLP_LOCK = threading.Lock()
MAX_SITEMAP_DEPTH = 3  # an index of indexes of sitemaps, and no deeper


@dataclass(frozen=True, slots=True)
class DocRef:
    """One document source to read: a file or a web page."""

    source: str  # path or URL
    kind: str  # file | page
    listing: str  # name of the sources.toml entry
    tags: tuple[str, ...]
    known: Known = Known()


@dataclass(frozen=True, slots=True)
class Discovery:
    refs: tuple[DocRef, ...]
    records: tuple[SourceRecord, ...]  # folders, feeds and sitemaps
    host_state: HostState


@dataclass(frozen=True, slots=True)
class Fetched:
    ref: DocRef
    result: FetchResult  # content moved into `raw`
    raw: RawDocument | None = None
    raw_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class FetchedBatch:
    number: int
    items: tuple[Fetched, ...]
    host_state: HostState
    seconds: float = 0.0

    def describe(self) -> str:
        states = _count(i.result.status for i in self.items)
        return f"{len(self.items)} sources read ({states}) in {self.seconds:.1f} s"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one document source ended the run, with what it cost."""

    record: SourceRecord
    category: str  # one of state.CATEGORIES
    fetch_seconds: float = 0.0
    clean_seconds: float = 0.0
    n_chars: int | None = None


@dataclass(frozen=True, slots=True)
class ProcessedBatch:
    number: int
    outcomes: tuple[Outcome, ...]
    extractions: tuple[Extraction, ...]  # documents to write (new versions, current skips)
    seconds: float = 0.0

    def describe(self) -> str:
        cats = _count(o.category for o in self.outcomes)
        extracted = sum(1 for ex in self.extractions if ex.document.ok)
        return f"{cats}; {extracted} extracted in {self.seconds:.1f} s"


def new_run(run_id: str | None = None) -> Run:
    started = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Run(run_id or uuid4().hex, started)


def batches(refs: Sequence[DocRef], size: int) -> list[tuple[DocRef, ...]]:
    return [tuple(b) for b in runner.batched(list(refs), size)]


# --- Records ---------------------------------------------------------------------------


def _tags(tags: Iterable[str]) -> str | None:
    return "; ".join(tags) or None


def _record(
    run: Run,
    source: str,
    kind: str,
    listing: str,
    tags: Iterable[str],
    known: Known,
    state_: str,
    result: FetchResult | None = None,
    *,
    new_version: bool = False,
    doc_id: str | None = None,
    raw_sha256: str | None = None,
    n_bytes: int | None = None,
) -> SourceRecord:
    """A source row. With new_version it records what this run read; otherwise the last
    good version (document, media type, validators, raw hash) is kept and only the
    state of this run changes."""
    old = known.record
    r = result or FetchResult(source, state_)
    if new_version or old is None:
        version = (doc_id, r.media_type, r.charset, r.etag, r.last_modified, raw_sha256, n_bytes)
        changed_at = run.started if new_version else None
    else:
        etag, last_modified = old.etag, old.last_modified
        if state_ == "unchanged":  # the server may have sent fresh validators
            etag, last_modified = r.etag or etag, r.last_modified or last_modified
        version = (old.doc_id, old.media_type, old.charset, etag, last_modified,
                   old.raw_sha256, old.n_bytes)  # fmt: skip
        changed_at = old.changed_at
    doc_id, media_type, charset, etag, last_modified, raw_sha256, n_bytes = version
    return SourceRecord(
        source=source,
        kind=kind,
        listing=listing,
        tags=_tags(tags),
        state=state_,
        detail=r.detail,
        doc_id=doc_id,
        http_status=r.http_status,
        final_url=r.final_url,
        media_type=media_type,
        charset=charset,
        etag=etag,
        last_modified=last_modified,
        raw_sha256=raw_sha256,
        n_bytes=n_bytes,
        run_id=run.run_id,
        checked_at=run.started,
        changed_at=changed_at,
    )


# --- Discover --------------------------------------------------------------------------


def discover(listing: SourceList, prior: Prior, run: Run, out_dir: str | Path) -> Discovery:
    """Every document source the list names, and a record per folder, feed and sitemap."""
    refs: dict[str, DocRef] = {}
    records: list[SourceRecord] = []
    fetcher = Fetcher(listing.fetch)

    def add(src: Source, location: str, kind: str) -> None:
        if location not in refs:  # the first listing that names a page owns it
            refs[location] = DocRef(location, kind, src.name, src.tags, prior.known(location))

    web: list[tuple[Source, str]] = []  # (listing entry, feed or sitemap URL) to read
    for src in listing.sources:
        if src.kind == "path":
            _discover_path(src, prior, run, add, records)
        elif src.kind == "url":
            add(src, src.location, "page")
        else:
            web.append((src, src.location))

    remaining = {src.name: src.limit for src, _ in web}
    depth = 0
    while web and depth < MAX_SITEMAP_DEPTH:
        results = fetcher.fetch_all([_listing_request(prior, out_dir, url) for _, url in web])
        children: list[tuple[Source, str]] = []
        for (src, url), result in zip(web, results, strict=True):
            kind = "feed" if src.kind == "feed" else "sitemap"
            record, pages, more = _read_listing(
                src, url, kind, result, prior, run, out_dir, listing.fetch.max_bytes
            )
            records.append(record)
            for page in pages[: remaining[src.name]]:
                add(src, page, "page")
            remaining[src.name] = max(0, remaining[src.name] - len(pages))
            children += [(src, u) for u in more if remaining[src.name] > 0]
        seen = {r.source for r in records}
        web = [(s, u) for s, u in dict.fromkeys(children) if u not in seen]
        depth += 1
    return Discovery(tuple(refs.values()), tuple(records), fetcher.state)


def _discover_path(src: Source, prior: Prior, run: Run, add, records: list) -> None:
    known = prior.known(src.location)
    try:
        files = sources.discover(src.location)
    except InputError as exc:
        path = Path(src.location)
        reason = "no-documents" if path.exists() else "not-found"
        kind = "folder" if path.is_dir() or not path.suffix else "file"
        result = FetchResult(src.location, f"failed:{reason}", detail=str(exc))
        records.append(
            _record(run, src.location, kind, src.name, src.tags, known, result.status, result)
        )
        return
    if Path(src.location).is_dir():
        result = FetchResult(src.location, "ok", detail=f"{len(files)} files")
        records.append(
            _record(run, src.location, "folder", src.name, src.tags, known, "ok", result,
                    new_version=True)
        )  # fmt: skip
    for file in files:
        add(src, str(file), "file")


def _listing_request(prior: Prior, out_dir: str | Path, url: str) -> FetchRequest:
    record = prior.sources.get(url)
    # A 304 helps only while the body it stands for is still kept.
    if record and record.raw_sha256 and dataset.raw_path(out_dir, record.raw_sha256).exists():
        return FetchRequest(url, record.etag, record.last_modified, listing=True)
    return FetchRequest(url, listing=True)


def _read_listing(
    src: Source,
    url: str,
    kind: str,
    result: FetchResult,
    prior: Prior,
    run: Run,
    out_dir,
    max_bytes: int,
) -> tuple[SourceRecord, tuple[str, ...], tuple[str, ...]]:
    """The listing's record, the pages it lists and the further sitemaps it names."""
    known = Known(prior.sources.get(url))
    old = known.record
    if result.status == "not-modified" and old and old.raw_sha256:
        content = dataset.load_raw(out_dir, old.raw_sha256)
        sha = old.raw_sha256
    elif result.ok and result.content is not None:
        content = result.content
        sha = dataset.store_raw(out_dir, content)
    else:
        return _record(run, url, kind, src.name, src.tags, known, result.status, result), (), ()
    try:
        if kind == "feed":
            pages, more = feeds.parse_feed(content or b"", url, src.limit, max_bytes), ()
        else:
            sitemap = feeds.parse_sitemap(content or b"", url, src.limit, max_bytes)
            pages, more = sitemap.pages, sitemap.sitemaps
    except feeds.FeedError as exc:
        failed = dataclasses.replace(result, detail=str(exc)[:200])
        status = f"failed:not-a-{kind}"
        return _record(run, url, kind, src.name, src.tags, known, status, failed), (), ()
    unchanged = old is not None and old.raw_sha256 == sha
    detail = f"{len(pages)} pages" + (f", {len(more)} sitemaps" if more else "")
    listed = dataclasses.replace(result, detail=detail)
    record = _record(
        run, url, kind, src.name, src.tags, known, "unchanged" if unchanged else "ok", listed,
        new_version=not unchanged, raw_sha256=sha, n_bytes=len(content or b""),
    )  # fmt: skip
    return record, pages, more


# --- Fetch -----------------------------------------------------------------------------


def fetch_batch(
    refs: Sequence[DocRef], settings: FetchSettings, host_state: HostState, number: int = 1
) -> FetchedBatch:
    """Read the batch's files and fetch its pages (concurrently, politely)."""
    started = time.monotonic()
    pages = [r for r in refs if r.kind == "page"]
    fetcher = Fetcher(settings, host_state)
    requests = [FetchRequest(r.source, *state.conditional(r.known)) for r in pages]
    fetched = iter(fetcher.fetch_all(requests))
    items = [
        _read_file(r, settings.max_bytes) if r.kind == "file" else _page(r, next(fetched))
        for r in refs
    ]
    return FetchedBatch(number, tuple(items), fetcher.state, round(time.monotonic() - started, 3))


def _read_file(ref: DocRef, max_bytes: int) -> Fetched:
    started = time.monotonic()
    try:
        raw = sources.read_file(Path(ref.source), max_bytes)
    except sources.READ_ERRORS as exc:
        seconds = round(time.monotonic() - started, 3)
        # The same state as a page over the fetcher's byte cap; _settle gives both states
        # the document row `extract` writes for such a file.
        state = "failed:too-large" if isinstance(exc, sources.TooLarge) else "failed:unreadable"
        result = FetchResult(ref.source, state, detail=str(exc)[:200] or None)
        return Fetched(ref, dataclasses.replace(result, seconds=seconds))
    result = FetchResult(
        ref.source, "ok", media_type=raw.media_type, attempts=1,
        seconds=round(time.monotonic() - started, 3),
    )  # fmt: skip
    return Fetched(ref, result, raw, hashlib.sha256(raw.content).hexdigest())


def _page(ref: DocRef, result: FetchResult) -> Fetched:
    if not result.ok or result.content is None:
        return Fetched(ref, result)
    raw = RawDocument(
        source=ref.source,
        source_name=url_name(ref.source),
        content=result.content,
        media_type=result.media_type or "application/octet-stream",
        charset=result.charset,
    )
    sha = hashlib.sha256(result.content).hexdigest()
    return Fetched(ref, dataclasses.replace(result, content=None), raw, sha)


def url_name(url: str) -> str:
    """Last path segment of a URL ('article.html'), or its host for a bare site."""
    parts = urlsplit(url)
    segment = PurePosixPath(parts.path).name
    return segment or parts.hostname or url


def stored_raw(out_dir: str | Path, record: SourceRecord) -> RawDocument | None:
    """A web source's current version as it was fetched, to be cleaned again."""
    content = dataset.load_raw(out_dir, record.raw_sha256) if record.raw_sha256 else None
    if content is None or record.kind != "page":
        return None
    return RawDocument(
        source=record.source,
        source_name=url_name(record.source),
        content=content,
        media_type=record.media_type or "application/octet-stream",
        charset=record.charset,
    )


def keep_raw(out_dir: str | Path, batch: FetchedBatch) -> None:
    """Keep fetched web pages as raw/<sha256>.gz (files stay where they are)."""
    for item in batch.items:
        if item.raw is not None and item.ref.kind == "page":
            dataset.store_raw(out_dir, item.raw.content)


# --- Clean and extract -----------------------------------------------------------------


def process_batch(
    batch: FetchedBatch, settings: Settings, run: Run, pool: ParallelExtractor | None = None
) -> ProcessedBatch:
    """Outcome per source; the new and changed documents cleaned and extracted, in the
    worker processes of `pool` when there is one, else here."""
    started = time.monotonic()
    outcomes: list[Outcome | None] = []
    written: dict[int, Extraction] = {}  # by position in the batch, to keep source order
    for i, item in enumerate(batch.items):
        outcome, unusable = _settle(item, run)
        outcomes.append(outcome)
        if unusable is not None and outcome and outcome.record.doc_id == unusable.doc_id:
            written[i] = Extraction(unusable)  # a skipped document, now the current one
    todo = [i for i, outcome in enumerate(outcomes) if outcome is None]
    jobs = [ToClean(batch.items[i].raw, batch.items[i].ref.known) for i in todo]  # type: ignore[arg-type]
    if not jobs:
        cleaned: list[Cleaned] = []
    elif pool is not None:
        cleaned = list(pool.map(jobs, clean_and_extract, size_of=ToClean.size))
    else:
        with _NLP_LOCK:
            cleaned = clean_and_extract(Extractor(settings), jobs)
    for i, done in zip(todo, cleaned, strict=True):
        outcome = outcomes[i] = _cleaned(batch.items[i], run, done)
        if done.extraction is not None:
            written[i] = done.extraction
        elif not done.document.ok and outcome.record.doc_id == done.document.doc_id:
            written[i] = Extraction(done.document)
    assert all(o is not None for o in outcomes)
    return ProcessedBatch(
        batch.number,
        tuple(outcomes),  # type: ignore[arg-type]
        tuple(written[i] for i in sorted(written)),
        round(time.monotonic() - started, 3),
    )


@dataclass(frozen=True, slots=True)
class ToClean:
    """A document source's new bytes, to clean and (unless its text is unchanged) extract."""

    raw: RawDocument
    known: Known

    def size(self) -> int:
        return len(self.raw.content)


@dataclass(frozen=True, slots=True)
class Cleaned:
    document: CleanDocument
    clean_seconds: float
    extraction: Extraction | None  # None: unchanged text, or not usable


def clean_and_extract(extractor: Extractor, jobs: list[ToClean]) -> list[Cleaned]:
    """Clean each document, then extract the usable ones whose text is new in one call
    (one parser pass over the chunk). Runs in a worker process or under _NLP_LOCK."""
    docs: list[tuple[CleanDocument, float]] = []
    for job in jobs:
        started = time.monotonic()
        doc = cleaner.clean(job.raw)
        docs.append((doc, round(time.monotonic() - started, 3)))
    fresh = [
        doc.ok and not state.unchanged_doc(job.known, doc.doc_id)
        for job, (doc, _) in zip(jobs, docs, strict=True)
    ]
    extracted = iter(extractor.extract([d for (d, _), f in zip(docs, fresh, strict=True) if f]))
    return [
        Cleaned(doc, seconds, next(extracted) if f else None)
        for (doc, seconds), f in zip(docs, fresh, strict=True)
    ]


def _settle(item: Fetched, run: Run) -> tuple[Outcome | None, CleanDocument | None]:
    """(outcome, unusable document or None) when the source is settled without
    cleaning; (None, None) when its bytes must be cleaned."""
    ref, result, known = item.ref, item.result, item.ref.known

    def settled(state_: str, category: str, **kw) -> Outcome:
        record = _record(run, ref.source, ref.kind, ref.listing, ref.tags, known, state_,
                         result, **kw)  # fmt: skip
        return Outcome(record, category, result.seconds)

    if result.status == "not-modified":
        return settled("unchanged", "unchanged"), None
    if ref.kind == "file" and result.status in ("failed:unreadable", "failed:too-large"):
        reason = result.status.removeprefix("failed:")
        doc = runner.unreadable(Path(ref.source), result.detail or "", reason)
        current = not state.keeps_old_document(known, False)
        return settled(result.status, "failed", new_version=current, doc_id=doc.doc_id), doc
    if item.raw is None or item.raw_sha256 is None:
        category = "skipped" if result.status.startswith("skipped:") else "failed"
        return settled(result.status, category), None
    if state.unchanged_raw(known, item.raw_sha256):
        return settled("unchanged", "unchanged"), None
    return None, None


def _cleaned(item: Fetched, run: Run, done: Cleaned) -> Outcome:
    """The outcome of a source whose bytes were cleaned (and maybe extracted)."""
    ref, result, known, doc = item.ref, item.result, item.ref.known, done.document
    n_bytes = len(item.raw.content)  # type: ignore[union-attr]

    def record(state_: str, new_version: bool) -> SourceRecord:
        return _record(
            run, ref.source, ref.kind, ref.listing, ref.tags, known, state_, result,
            new_version=new_version, doc_id=doc.doc_id, raw_sha256=item.raw_sha256,
            n_bytes=n_bytes,
        )  # fmt: skip

    clean_s = done.clean_seconds
    if state.unchanged_doc(known, doc.doc_id):
        # Same text from new bytes: remember the new bytes so the next run skips cleaning.
        same = dataclasses.replace(record("unchanged", True), changed_at=known.record.changed_at)
        return Outcome(same, "unchanged", result.seconds, clean_s, len(doc.text))
    if doc.ok:
        category = state.category(known, doc.doc_id)
        return Outcome(record("ok", True), category, result.seconds, clean_s, len(doc.text))
    current = not state.keeps_old_document(known, False)
    return Outcome(record(doc.status, current), "skipped", result.seconds, clean_s, 0)


# --- Write and summarise -----------------------------------------------------------------


def write_batch(writer: dataset.DatasetWriter, batch: ProcessedBatch) -> int:
    """Add a batch's documents (texts are written now, tables at finish)."""
    for ex in batch.extractions:
        writer.add(ex)
    return len(batch.extractions)


def finish(
    out_dir: str | Path,
    writer: dataset.DatasetWriter,
    prior: Prior,
    run: Run,
    discovery: Discovery,
    processed: Sequence[ProcessedBatch],
    seconds: float,
) -> runreport.RunReport:
    """Mark superseded versions, write the tables and rebuild the registry (only if
    anything changed), write the source states and build the run report."""
    outcomes = [o for b in processed for o in b.outcomes]
    records = [*discovery.records, *(o.record for o in outcomes)]
    replaced, revived = state.supersessions(prior, records)
    for old, new in replaced.items():
        writer.supersede(old, new)
    for doc_id in revived:
        writer.revive(doc_id)
    # Tables and source states in one commit: a run killed in between cannot leave a
    # source marked done whose rows were never written.
    writer.set_sources(dataclasses.asdict(r) for r in records)
    writer.commit()
    if writer.changed or dataset.registry_stale(out_dir):
        # As after `extract`: the registry is rebuilt from the whole dataset.
        registry.write(out_dir, registry.build_for(out_dir))
    extracted = [ex for b in processed for ex in b.extractions if ex.document.ok]
    return runreport.build(out_dir, run, records, outcomes, extracted, len(replaced), seconds)


def _count(values: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing"
