"""Registry benchmark: build time, report size, and derived establishment years against gold.

Usage: python benchmarks/bench_registry.py DOCS GOLD [--repeat N]

Extracts DOCS into a temporary dataset, then times the registry build (from the tables
on disk, median of N) and the report, and prints what the registry made of the corpus.
Derived years are scored against the gold file's establishment events (GUIDELINES.md):
a derived year is right when it is within one year of a gold establishment year of the
same pair in the same document; implied establishments (gold "optional") are recall.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import registry, report, runner, sources  # noqa: E402
from pipeline.evaluate import load_gold, name_key  # noqa: E402


def _names(rel: registry.Relationship, side: str) -> set[str]:
    names = getattr(rel, f"names_{side}") or ""
    return {name_key(n) for n in names.split("; ") if n} | {
        name_key(getattr(rel, f"place_{side}") or "")
    }


def _matches(rel: registry.Relationship, pair) -> bool:
    gold_a = {name_key(n) for n in pair.a}
    if pair.b is None:
        return rel.partial and bool(_names(rel, "a") & gold_a)
    gold_b = {name_key(n) for n in pair.b}
    a, b = _names(rel, "a"), _names(rel, "b")
    return (bool(a & gold_a) and bool(b & gold_b)) or (bool(a & gold_b) and bool(b & gold_a))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dataset"
        t0 = time.perf_counter()
        summary = runner.extract_paths(sources.discover(args.docs), out)
        extract_s = time.perf_counter() - t0
        registry.build_for(out)  # warm: gazetteer and pattern caches
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            reg = registry.build_for(out)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        written = report.write_report(out, Path(tmp) / "report.html")
        report_s = time.perf_counter() - t0
        csv_kb = sum((out / f"{t}.csv").stat().st_size for t in ("relationships", "timeline"))

    rels = reg.relationships
    print(f"documents        {summary.documents}  (extract + registry {extract_s:.1f} s)")
    print(
        f"registry build   {statistics.median(times) * 1000:.0f} ms median of {args.repeat} "
        f"(tables on disk -> relationships + timeline)"
    )
    print(f"report           {report_s * 1000:.0f} ms, {written.bytes / 1024:.0f} KB")
    print(f"csv              {csv_kb / 1024:.0f} KB (relationships + timeline)")
    print(
        f"relationships    {len(rels)} ({sum(not r.partial for r in rels)} pairs, "
        f"{sum(r.partial for r in rels)} partial), {sum(r.n_documents > 1 for r in rels)} "
        f"in more than one document, timeline rows {len(reg.timeline)}"
    )
    status = Counter(r.status for r in rels)
    print("status           " + ", ".join(f"{s} {status[s]}" for s in registry.STATUSES))
    flags = Counter(f for r in rels for f in r.flag_list)
    print("flags            " + (", ".join(f"{f} {n}" for f, n in sorted(flags.items())) or "none"))

    gold = {g.doc: g for g in load_gold(args.gold)}
    by_id = {r.relationship_id: r for r in rels}
    derived = [t for t in reg.timeline if t.derived]
    right, wrong, unscored = [], [], []
    for t in derived:
        g = gold.get(t.source_name)
        rel = by_id[t.relationship_id]
        pairs = [p for p in ((g.pairs + g.partial) if g else ()) if _matches(rel, p)]
        years = {e.year for p in pairs for e in p.events if e.type == "established" and e.year}
        if not years:
            unscored.append((rel, t))
        elif min(abs(int(t.date) - y) for y in years) <= 1:
            right.append((rel, t))
        else:
            wrong.append((rel, t, sorted(years)))
    implied = [
        (g.doc, p)
        for g in gold.values()
        for p in g.pairs + g.partial
        for e in p.events
        if e.type == "established" and e.optional and e.year
    ]
    found = sum(
        1
        for doc, p in implied
        if any(t.source_name == doc and _matches(by_id[t.relationship_id], p) for _, t in right)
    )
    print(
        f"derived years    {len(derived)}: {len(right)} within a year of gold, {len(wrong)} off, "
        f"{len(unscored)} with no gold establishment year"
    )
    print(f"implied (gold)   {found}/{len(implied)} implied establishments recovered")
    for rel, t, years in wrong:
        print(f"  off   {rel.place_a} - {rel.place_b}: {t.date} vs gold {years} ({t.derivation})")
    for rel, t in unscored:
        print(f"  ?     {rel.place_a} - {rel.place_b}: {t.date} ({t.derivation})")


if __name__ == "__main__":
    main()
