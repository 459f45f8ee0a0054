"""A self-contained HTML report of a registry: counts, a timeline chart, the pairs with
their status and sources, a per-country breakdown and the contradictions to review.

One file, no scripts, no network: charts are inline SVG drawn from numbers computed
here, styles are inline. Everything read from documents (titles, quotes, names) is
untrusted and goes through Jinja2's auto-escaping; links are made only for http(s)
sources.
"""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from pipeline import __version__, atomic
from pipeline.registry import STATUSES, Registry, Relationship, TimelineEntry
from pipeline.schema import DATASET_VERSION

STATUS_COLOURS = {
    "active": "#2e7d32",
    "suspended": "#ef6c00",
    "terminated": "#c62828",
    "contested": "#8e24aa",
    "proposed": "#1565c0",
    "blocked": "#6d4c41",
    "unknown": "#9e9e9e",
}
# Establishments go up from the axis, endings down.
SERIES_UP = (
    ("established", "Established (stated)", "#2e7d32"),
    ("derived", "Established (derived from a duration)", "#a5d6a7"),
)
SERIES_DOWN = (("suspended", "Suspended", "#ef6c00"), ("terminated", "Terminated", "#c62828"))


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """What the report shows of a documents row."""

    doc_id: str
    source: str
    source_name: str
    title: str | None
    published: str | None
    status: str

    @property
    def url(self) -> str | None:
        """A link target only for web sources: document text never becomes a script URL."""
        return self.source if urlsplit(self.source).scheme in ("http", "https") else None


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG drawing as plain shapes; the template writes the elements."""

    width: float
    height: float
    rects: tuple[Rect, ...] = ()
    labels: tuple[Label, ...] = ()
    lines: tuple[Line, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()  # (label, colour)
    description: str = ""

    @property
    def empty(self) -> bool:
        return not self.rects


@dataclass(frozen=True, slots=True)
class CountryRow:
    iso: str
    name: str
    total: int
    by_status: Mapping[str, int]
    partners: str  # the most frequent partner countries


@dataclass(frozen=True, slots=True)
class PairView:
    rel: Relationship
    timeline: tuple[TimelineEntry, ...]
    label_a: str
    label_b: str


@dataclass
class Page:
    title: str
    generator: str
    dataset_version: str
    counts: dict[str, int]
    status_counts: list[tuple[str, int, str]]
    status_bar: Chart
    year_chart: Chart
    year_table: list[tuple[int, dict[str, int]]]
    country_chart: Chart
    countries: list[CountryRow]
    pairs: list[PairView]
    flagged: list[PairView]
    documents: list[SourceDoc]
    docs_by_id: dict[str, SourceDoc]
    pairs_per_doc: dict[str, int]
    status_colours: dict[str, str] = field(default_factory=lambda: dict(STATUS_COLOURS))


def country_names() -> dict[str, str]:
    with resources.files("pipeline.data").joinpath("countries.tsv").open(encoding="utf-8") as fh:
        return {
            row[0]: row[1]
            for row in csv.reader(fh, delimiter="\t")
            if row and not row[0].startswith("#")
        }


# --- figures ----------------------------------------------------------------------------


def year_counts(registry: Registry) -> dict[int, Counter]:
    """Per year: relationships established (stated or derived), first suspended or terminated."""
    years: dict[int, Counter] = defaultdict(Counter)
    for r in registry.relationships:
        if r.established:
            years[int(r.established[:4])][
                "derived" if r.established_derived else "established"
            ] += 1
    firsts: dict[tuple[str, str], int] = {}
    for t in registry.timeline:
        if t.type in ("suspended", "terminated") and t.date:
            key = (t.relationship_id, t.type)
            firsts[key] = min(firsts.get(key, 9999), int(t.date[:4]))
    for (_, kind), year in firsts.items():
        years[year][kind] += 1
    return dict(sorted(years.items()))


def _nice_step(top: int, ticks: int = 4) -> int:
    return max(1, math.ceil(top / ticks))


def timeline_chart(counts: Mapping[int, Counter]) -> Chart:
    if not counts:
        return Chart(0, 0, description="No dated establishments, suspensions or terminations.")
    first, last = min(counts), max(counts)
    n = last - first + 1
    bar = max(4.0, min(18.0, 900.0 / n))
    left, right, top, bottom = 44.0, 12.0, 12.0, 34.0
    up_max = max((sum(c[k] for k, _, _ in SERIES_UP) for c in counts.values()), default=0)
    down_max = max((sum(c[k] for k, _, _ in SERIES_DOWN) for c in counts.values()), default=0)
    plot = 220.0
    total = max(1, up_max + down_max)
    unit = plot / total
    axis_y = top + up_max * unit
    width = left + n * bar + right
    height = top + plot + bottom
    rects, labels, lines = [], [], []
    for year, c in counts.items():
        x = left + (year - first) * bar + 0.5
        y = axis_y
        for key, name, colour in SERIES_UP:
            if c[key]:
                h = c[key] * unit
                y -= h
                rects.append(Rect(x, y, bar - 1, h, colour, f"{year}: {c[key]} {name.lower()}"))
        y = axis_y
        for key, name, colour in SERIES_DOWN:
            if c[key]:
                h = c[key] * unit
                rects.append(Rect(x, y, bar - 1, h, colour, f"{year}: {c[key]} {name.lower()}"))
                y += h
    lines.append(Line(left, axis_y, width - right, axis_y))
    # Each side gets its own ticks: one side can be ten times the other.
    for side_max, sign in ((up_max, -1), (down_max, 1)):
        step = _nice_step(side_max)
        for v in range(step, side_max + 1, step):
            y = axis_y + sign * v * unit
            labels.append(Label(left - 6, y + 4, str(v), "end"))
            lines.append(Line(left - 3, y, left, y))
    every = next(k for k in (1, 2, 5, 10, 20, 25, 50, 100) if k * bar >= 34)
    for year in range(first, last + 1):
        if year % every == 0 or (year == first and n < every):
            x = left + (year - first) * bar + bar / 2
            labels.append(Label(x, height - 12, str(year)))
            lines.append(Line(x, top + plot, x, top + plot + 4))
    legend = tuple((name, colour) for _, name, colour in SERIES_UP + SERIES_DOWN)
    described = ", ".join(
        f"{y}: " + " ".join(f"{c[k]} {k}" for k, _, _ in SERIES_UP + SERIES_DOWN if c[k])
        for y, c in counts.items()
    )
    return Chart(width, height, tuple(rects), tuple(labels), tuple(lines), legend, described)


def status_bar(rels: Sequence[Relationship]) -> Chart:
    counts = Counter(r.status for r in rels)
    total = sum(counts.values())
    if not total:
        return Chart(0, 0, description="No relationships.")
    width, height = 900.0, 26.0
    x = 0.0
    rects = []
    for s in STATUSES:
        if counts[s]:
            w = width * counts[s] / total
            rects.append(Rect(x, 0, w, height, STATUS_COLOURS[s], f"{s}: {counts[s]}"))
            x += w
    legend = tuple((f"{s} {counts[s]}", STATUS_COLOURS[s]) for s in STATUSES if counts[s])
    return Chart(
        width,
        height,
        tuple(rects),
        legend=legend,
        description=", ".join(f"{s} {counts[s]}" for s in STATUSES if counts[s]),
    )


def country_rows(rels: Sequence[Relationship], names: Mapping[str, str]) -> list[CountryRow]:
    """Every country with the relationships its places are in (a pair within one
    country counts once), by status, and its most frequent partner countries."""
    totals: dict[str, Counter] = defaultdict(Counter)
    partners: dict[str, Counter] = defaultdict(Counter)
    for r in rels:
        sides = [c for c in (r.country_a, r.country_b) if c]
        for c in set(sides):
            totals[c][r.status] += 1
        if r.country_a and r.country_b:
            partners[r.country_a][r.country_b] += 1
            if r.country_b != r.country_a:
                partners[r.country_b][r.country_a] += 1
    rows = []
    for iso, by_status in totals.items():
        top = sorted(partners[iso].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        rows.append(
            CountryRow(
                iso,
                names.get(iso, iso),
                sum(by_status.values()),
                dict(by_status),
                ", ".join(f"{names.get(p, p)} ({n})" for p, n in top),
            )
        )
    rows.sort(key=lambda r: (-r.total, r.name))
    return rows


def country_chart(rows: Sequence[CountryRow], limit: int = 20) -> Chart:
    rows = list(rows[:limit])
    if not rows:
        return Chart(0, 0, description="No countries.")
    left, bar_h, gap, width = 150.0, 16.0, 4.0, 760.0
    top_total = max(r.total for r in rows)
    scale = (width - left - 40) / top_total
    rects, labels = [], []
    for i, row in enumerate(rows):
        y = i * (bar_h + gap)
        labels.append(Label(left - 6, y + bar_h - 4, row.name, "end"))
        x = left
        for s in STATUSES:
            n = row.by_status.get(s, 0)
            if n:
                rects.append(
                    Rect(x, y, n * scale, bar_h, STATUS_COLOURS[s], f"{row.name}: {n} {s}")
                )
                x += n * scale
        labels.append(Label(x + 4, y + bar_h - 4, str(row.total), "start"))
    height = len(rows) * (bar_h + gap)
    shown = [s for s in STATUSES if any(r.by_status.get(s) for r in rows)]
    return Chart(
        width,
        height,
        tuple(rects),
        tuple(labels),
        legend=tuple((s, STATUS_COLOURS[s]) for s in shown),
        description=", ".join(f"{r.name} {r.total}" for r in rows),
    )


# --- the page ---------------------------------------------------------------------------


def _place_label(name: str | None, country: str | None, region: str | None, names) -> str:
    where = ", ".join(
        p
        for p in (
            region if region and region != name else None,
            names.get(country, country) if country else None,
        )
        if p
    )
    return f"{name} ({where})" if where else str(name)


def page(
    registry: Registry,
    documents: Sequence[SourceDoc],
    title: str,
    n_events: int | None = None,
) -> Page:
    names = country_names()
    by_rel: dict[str, list[TimelineEntry]] = defaultdict(list)
    for t in registry.timeline:
        by_rel[t.relationship_id].append(t)
    pairs = []
    for r in registry.relationships:
        label_a = _place_label(r.place_a, r.country_a, r.region_a, names)
        if r.partial:
            partner = names.get(r.country_b, r.country_b) if r.country_b else "an unnamed country"
            label_b = f"a partner in {partner}"
        else:
            label_b = _place_label(r.place_b, r.country_b, r.region_b, names)
        pairs.append(PairView(r, tuple(by_rel[r.relationship_id]), label_a, label_b))
    rels = registry.relationships
    per_doc: Counter = Counter()
    for r in rels:
        for d in r.doc_ids.split("; "):
            per_doc[d] += 1
    ok = sum(1 for d in documents if d.status == "ok")
    counts = {
        "documents": len(documents),
        "documents_ok": ok,
        "documents_skipped": len(documents) - ok,
        "relationships": len(rels),
        "pairs": sum(1 for r in rels if not r.partial),
        "partial": sum(1 for r in rels if r.partial),
        "multi_document": sum(1 for r in rels if r.n_documents > 1),
        "events": n_events if n_events is not None else sum(r.n_events for r in rels),
        "derived": sum(1 for t in registry.timeline if t.derived),
        "flagged": sum(1 for r in rels if r.flags),
        "countries": len({c for r in rels for c in (r.country_a, r.country_b) if c}),
    }
    status = Counter(r.status for r in rels)
    years = year_counts(registry)
    crows = country_rows(rels, names)
    docs_sorted = sorted(
        documents, key=lambda d: (d.published is None, d.published or "", d.source_name)
    )
    return Page(
        title=title,
        generator=f"sistercities {__version__}",
        dataset_version=DATASET_VERSION,
        counts=counts,
        status_counts=[(s, status[s], STATUS_COLOURS[s]) for s in STATUSES if status[s]],
        status_bar=status_bar(rels),
        year_chart=timeline_chart(years),
        year_table=[(y, dict(c)) for y, c in years.items()],
        country_chart=country_chart(crows),
        countries=crows,
        pairs=pairs,
        flagged=[p for p in pairs if p.rel.flags],
        documents=docs_sorted,
        docs_by_id={d.doc_id: d for d in documents},
        pairs_per_doc=dict(per_doc),
    )


def _highlight(entry: TimelineEntry) -> tuple[str, str, str] | None:
    """The quote split around the evidence, for <mark>."""
    if not entry.quote:
        return None
    if entry.text and entry.text in entry.quote:
        i = entry.quote.index(entry.text)
        return entry.quote[:i], entry.text, entry.quote[i + len(entry.text) :]
    return entry.quote, "", ""


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        # Titles and quotes come from documents: always escaped.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["highlight"] = _highlight
    env.filters["num"] = lambda v: f"{v:.1f}".rstrip("0").rstrip(".")
    return env


def render(
    registry: Registry,
    documents: Sequence[SourceDoc],
    title: str = "Sister-city relationships",
    n_events: int | None = None,
) -> str:
    """The report as one HTML document."""
    template = _environment().get_template("report.html.j2")
    return template.render(p=page(registry, documents, title, n_events))


def documents_from_rows(rows: Iterable[Mapping]) -> list[SourceDoc]:
    return [
        SourceDoc(
            r["doc_id"],
            r["source"],
            r["source_name"],
            r.get("title"),
            r.get("published"),
            r["status"],
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    bytes: int
    relationships: int
    flagged: int


def write_report(
    out_dir: str | Path,
    dest: str | Path,
    title: str | None = None,
    tables: Mapping | None = None,
) -> Written:
    """Build the registry of the dataset in out_dir (from `tables` when given, e.g. with
    reviewer decisions applied) and write its report to dest. Reads the dataset only."""
    from pipeline import dataset, registry

    out = Path(out_dir)
    tables = tables if tables is not None else registry.source_tables(out)
    reg = registry.build_for(out, tables)  # refuses a folder that is not a dataset
    docs = documents_from_rows(dataset.records(tables["documents"]))
    html = render(
        reg,
        docs,
        title or f"Sister-city relationships: {out.resolve().name}",
        len(tables["events"]),
    )
    data = html.encode("utf-8")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(dest, data, "the earlier report is unchanged")
    return Written(
        dest, len(data), len(reg.relationships), sum(1 for r in reg.relationships if r.flags)
    )
