"""What an ingestion run did, as console lines and as a Markdown report.

The report counts source states and document outcomes (new, changed, re-extracted,
unchanged, failed, skipped, with reasons), the pairs and events by type that the run's
sources hold in the dataset now, what this run extracted, and the slowest documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import dataset
from pipeline.models import Extraction
from pipeline.runner import Summary
from pipeline.schema import ACTORS, DOCUMENTS, EVENTS, RELATIONS
from pipeline.state import CATEGORIES, Run, SourceRecord

SLOWEST = 10


@dataclass(frozen=True, slots=True)
class Slow:
    source: str
    fetch_seconds: float
    clean_seconds: float
    n_chars: int | None


@dataclass(frozen=True)
class RunReport:
    run: Run
    seconds: float
    states: dict[str, int]  # every source row of the run: ok, unchanged, failed:x, skipped:y
    categories: dict[str, int]  # document sources only: new, changed, ... (CATEGORIES)
    problems: tuple[tuple[str, str, str | None], ...]  # (source, state, detail)
    holdings: Summary  # what the dataset holds for the run's current documents
    extracted: Summary = field(default_factory=Summary)  # what this run extracted
    superseded: int = 0
    slowest: tuple[Slow, ...] = ()

    def lines(self) -> list[str]:
        states = ", ".join(f"{n} {s}" for s, n in sorted(self.states.items()))
        cats = ", ".join(f"{self.categories.get(c, 0)} {c}" for c in CATEGORIES)
        return [
            f"sources    {sum(self.states.values())} ({states})",
            *self.holdings.lines(),
            f"this run   {cats}; {self.extracted.documents} extracted, "
            f"{self.superseded} superseded, {self.seconds:.1f} s",
        ]

    def markdown(self) -> str:
        out = [f"# Ingestion run {self.run.run_id}", ""]
        out += [f"Started {self.run.started}, took {self.seconds:.1f} s.", ""]
        out += ["## Documents", "", "| outcome | sources |", "| --- | --- |"]
        out += [f"| {c} | {self.categories.get(c, 0)} |" for c in CATEGORIES]
        out += ["", "## Source states", "", "| state | sources |", "| --- | --- |"]
        out += [f"| {s} | {n} |" for s, n in sorted(self.states.items())]
        if self.problems:
            out += ["", "## Failed and skipped", "", "| source | state | detail |"]
            out += ["| --- | --- | --- |"]
            out += [f"| {_cell(s)} | {st} | {_cell(d or '')} |" for s, st, d in self.problems]
        out += ["", "## Holdings of this run's sources", "", "```", *self.holdings.lines(), "```"]
        out += ["", "## Extracted by this run", "", "```", *self.extracted.lines(), "```"]
        out += ["", f"Superseded versions this run: {self.superseded}."]
        if self.slowest:
            out += ["", "## Slowest documents", "", "| source | fetch s | clean s | chars |"]
            out += ["| --- | ---: | ---: | ---: |"]
            out += [
                f"| {_cell(s.source)} | {s.fetch_seconds:.2f} | {s.clean_seconds:.2f} | "
                f"{s.n_chars if s.n_chars is not None else ''} |"
                for s in self.slowest
            ]
        return "\n".join(out) + "\n"

    def problem_rows(self) -> list[dict]:
        return [{"source": s, "state": st, "detail": d or ""} for s, st, d in self.problems]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def build(
    out_dir: str | Path,
    run: Run,
    records: Sequence[SourceRecord],
    outcomes: Sequence,  # pipeline.ingest.Outcome
    extracted: Sequence[Extraction],
    superseded: int,
    seconds: float,
) -> RunReport:
    current = {o.record.doc_id for o in outcomes if o.record.doc_id}
    this_run = Summary()
    for ex in extracted:
        this_run.add(ex)
    slowest = sorted(
        (o for o in outcomes if o.fetch_seconds or o.clean_seconds),
        key=lambda o: (-(o.fetch_seconds + o.clean_seconds), o.record.source),
    )[:SLOWEST]
    return RunReport(
        run=run,
        seconds=round(seconds, 3),
        states=dict(Counter(r.state for r in records)),
        categories=dict(Counter(o.category for o in outcomes)),
        problems=tuple(
            (r.source, r.state, r.detail)
            for r in records
            if r.state.startswith(("failed:", "skipped:"))
        ),
        holdings=holdings(out_dir, current),
        extracted=this_run,
        superseded=superseded,
        slowest=tuple(
            Slow(o.record.source, o.fetch_seconds, o.clean_seconds, o.n_chars) for o in slowest
        ),
    )


def holdings(out_dir: str | Path, doc_ids: set[str]) -> Summary:
    """Summary of the dataset's rows for these documents."""
    summary = Summary()
    for doc in dataset.read_records(out_dir, DOCUMENTS):
        if doc["doc_id"] in doc_ids:
            summary.documents += 1
            if doc["status"] != "ok":
                summary.skipped[doc["status"].removeprefix("skipped:")] += 1
    for rel in dataset.read_records(out_dir, RELATIONS):
        if rel["doc_id"] in doc_ids:
            if rel["city_b"] is None:
                summary.partials += 1
            else:
                summary.pairs += 1
    for ev in dataset.read_records(out_dir, EVENTS):
        if ev["doc_id"] in doc_ids:
            summary.events[ev["type"]] += 1
    summary.actors = sum(1 for a in dataset.read_records(out_dir, ACTORS) if a["doc_id"] in doc_ids)
    return summary
