"""Run the whole pipeline over local files in batches: read -> clean -> extract -> write,
then rebuild the relationship registry of the whole dataset.

The CLI and the flows share this. A document that cannot be read or cleaned is
recorded with its status and the run goes on; only our own bugs raise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import manifest, sources
from pipeline.config import Settings
from pipeline.ids import content_hash, doc_id_for
from pipeline.models import CleanDocument, Extraction

# The cleaner (trafilatura), the dataset writer (pandas), the registry and the extractor
# are imported where they are used: a rerun over unchanged files needs none of them and
# takes a fraction of a second instead of the second or more that importing them costs.


@dataclass
class Summary:
    documents: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    pairs: int = 0
    partials: int = 0
    events: Counter = field(default_factory=Counter)  # type -> count
    actors: int = 0
    unchanged: int = 0  # files skipped: same bytes, same code, rows already written

    def add(self, ex: Extraction) -> None:
        self.documents += 1
        if not ex.document.ok:
            self.skipped[ex.document.status.removeprefix("skipped:")] += 1
        for r in ex.relations:
            if r.city_b is None:
                self.partials += 1
            else:
                self.pairs += 1
        self.events.update(e.type for e in ex.events)
        self.actors += len(ex.actors)

    def lines(self) -> list[str]:
        ok = self.documents - sum(self.skipped.values())
        out = [f"documents  {self.documents} ({ok} ok" + "".join(
            f", {n} skipped:{reason}" for reason, n in sorted(self.skipped.items())
        ) + ")"]  # fmt: skip
        out.append(f"pairs      {self.pairs}   partial relations {self.partials}")
        if self.events:
            by_type = ", ".join(f"{t} {n}" for t, n in sorted(self.events.items()))
            out.append(f"events     {sum(self.events.values())} ({by_type})")
        else:
            out.append("events     0")
        out.append(f"actors     {self.actors}")
        if self.unchanged:
            out.append(f"unchanged  {self.unchanged} files, kept as extracted before")
        return out


def read_and_clean(path: Path) -> CleanDocument:
    """A file as a cleaned document; unreadable files become a skipped record."""
    try:
        raw = sources.read_file(path)
    except sources.TooLarge as exc:
        return unreadable(path, str(exc), "too-large")
    except sources.READ_ERRORS as exc:
        return unreadable(path, str(exc))
    from pipeline import clean as cleaner

    return cleaner.clean(raw)


def unreadable(path: Path, error: str, reason: str = "unreadable") -> CleanDocument:
    """The skipped record of a file that could not be read (or is over the size cap)."""
    return CleanDocument(
        doc_id=doc_id_for(f"skipped:{reason}:{content_hash(str(path))}"),
        source=str(path),
        source_name=path.name,
        text="",
        status=f"skipped:{reason}",
        title=error[:200] or None,
    )


def batched(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def extract_paths(
    paths: Sequence[Path],
    out_dir: str | Path,
    settings: Settings | None = None,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
) -> Summary:
    """Clean and extract every file, then write the dataset into out_dir.

    Files whose bytes are the same as when they were last extracted into out_dir, by
    the same code and settings, are skipped (their rows stay); `force` redoes them.
    Documents are extracted on every core (`Settings.workers`).
    """
    settings = settings or Settings.from_env()
    if not force and _nothing_to_do(paths, out_dir, settings):
        if progress is not None:
            progress(len(paths))
        return Summary(unchanged=len(paths))
    from pipeline import dataset, registry
    from pipeline.parallel import ParallelExtractor

    summary = Summary()
    with dataset.lock(out_dir):
        before = manifest.Manifest.load(out_dir)
        after = manifest.Manifest(manifest.fingerprint(settings))
        if before.fingerprint == after.fingerprint:
            after.files = dict(before.files)
        todo: list[Path] = []
        hashes: dict[str, str] = {}
        tables = manifest.tables_hash(out_dir)
        if force or not after.files:
            known: set[str] = set()
        elif tables == before.tables:  # as the last run left them: its documents are there
            known = {entry["doc_id"] for entry in after.files.values()}
        else:
            known = _known_documents(out_dir)
        for path in paths:
            key = str(path)
            try:
                hashes[key] = manifest.file_hash(path)
            except OSError:
                todo.append(path)  # read_and_clean records why it cannot be read
                continue
            if not force and after.unchanged(out_dir, key, hashes[key], known):
                summary.unchanged += 1
            else:
                todo.append(path)
        if progress is not None and summary.unchanged:
            progress(summary.unchanged)
        if todo:
            writer = dataset.DatasetWriter(out_dir, settings)
            extractor = ParallelExtractor(settings)
            for path, ex in zip(
                todo, extractor.stream(todo, read_and_clean, batch_size), strict=True
            ):
                writer.add(ex)
                summary.add(ex)
                key = str(path)
                if key in hashes:
                    after.record(key, hashes[key], ex.document)
                if progress is not None:
                    progress(1)
            writer.commit()
            tables = manifest.tables_hash(out_dir)
        # The registry is rebuilt from the whole dataset, so it never lags the tables. Its
        # inputs are hashed before it reads them: a review decision saved meanwhile makes
        # the next run see different inputs and rebuild, instead of being missed.
        inputs = manifest.registry_inputs(out_dir, tables, after.fingerprint)
        if todo or force or not before.registry_current(out_dir, tables, after.fingerprint):
            registry.write(out_dir, registry.build_for(out_dir))
        after.tables = tables
        after.registry = inputs
        after.save(out_dir)
    return summary


def _nothing_to_do(paths: Sequence[Path], out_dir: str | Path, settings: Settings) -> bool:
    """Every file unchanged, the tables and the registry as the last run left them.

    Such a run writes nothing, so it needs no lock: a run that is writing now has not
    yet replaced the tables, or they no longer match the manifest and the full check
    (under the lock) runs instead.
    """
    saved = manifest.Manifest.load(out_dir)
    fp = manifest.fingerprint(settings) if saved.files else None
    if fp is None or saved.fingerprint != fp:
        return False
    tables = manifest.tables_hash(out_dir)
    if tables != saved.tables:
        return False
    known = {entry["doc_id"] for entry in saved.files.values()}
    for path in paths:
        try:
            raw = manifest.file_hash(path)
        except OSError:
            return False
        if not saved.unchanged(out_dir, str(path), raw, known):
            return False
    return saved.registry_current(out_dir, tables, fp)


def _known_documents(out_dir: str | Path) -> set[str]:
    from pipeline import dataset
    from pipeline.schema import DOCUMENTS

    return set(dataset.read_table(out_dir, DOCUMENTS)["doc_id"])


def extract_documents(
    docs: Sequence[CleanDocument], settings: Settings | None = None
) -> list[Extraction]:
    """Extraction without writing anything (evaluation, tests)."""
    from pipeline.extract import Extractor

    return Extractor(settings).extract(docs)
