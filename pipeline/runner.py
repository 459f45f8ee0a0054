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

from pipeline import clean as cleaner
from pipeline import dataset, registry, sources
from pipeline.config import Settings
from pipeline.extract import Extractor
from pipeline.ids import content_hash, doc_id_for
from pipeline.models import CleanDocument, Extraction


@dataclass
class Summary:
    documents: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    pairs: int = 0
    partials: int = 0
    events: Counter = field(default_factory=Counter)  # type -> count
    actors: int = 0

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
        return out


def read_and_clean(path: Path) -> CleanDocument:
    """A file as a cleaned document; unreadable files become a skipped record."""
    try:
        raw = sources.read_file(path)
    except sources.READ_ERRORS as exc:
        return unreadable(path, str(exc))
    return cleaner.clean(raw)


def unreadable(path: Path, error: str) -> CleanDocument:
    """The skipped record of a file that could not be read."""
    reason = "unreadable"
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
) -> Summary:
    """Clean and extract every file, then write the dataset into out_dir."""
    settings = settings or Settings.from_env()
    extractor = Extractor(settings)
    summary = Summary()
    with dataset.lock(out_dir):
        writer = dataset.DatasetWriter(out_dir)
        for batch in batched(list(paths), batch_size):
            docs = [read_and_clean(p) for p in batch]
            for ex in extractor.extract(docs):
                writer.add(ex)
                summary.add(ex)
            if progress is not None:
                progress(len(batch))
        writer.commit()
        # The registry is rebuilt from the whole dataset, so it never lags the tables.
        registry.write(out_dir, registry.build_for(out_dir))
    return summary


def extract_documents(
    docs: Sequence[CleanDocument], settings: Settings | None = None
) -> list[Extraction]:
    """Extraction without writing anything (evaluation, tests)."""
    return Extractor(settings).extract(docs)
