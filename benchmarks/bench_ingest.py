"""Ingestion benchmark: what a cold run costs, what an unchanged rerun costs, and what
Prefect adds, on the sample corpus and on real news pages served from this machine.

    python benchmarks/bench_ingest.py [BENCH_DATA]

BENCH_DATA is the article-extraction benchmark folder (its html/*.html.gz pages are
served with ETags from a local HTTP server and listed in a sitemap). Each scenario runs
twice into a fresh folder: cold, then again over unchanged sources. "library" runs the
pipeline.ingest steps in sequence in this process; "flow" runs the Prefect flow
(its first call includes starting Prefect's temporary server, shown separately).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from pipeline import dataset, ingest, sourcelist, state  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.extract import Extractor  # noqa: E402
from tests.webserver import Site  # noqa: E402


def library_run(sources: Path, out: Path, batch_size: int = 32):
    """The flow's steps in sequence, without Prefect."""
    started = time.monotonic()
    listing = sourcelist.load(sources)
    settings = Settings.from_env()
    run = ingest.new_run()
    with dataset.lock(out):
        prior = state.load(out, settings)
        found = ingest.discover(listing, prior, run, out)
        writer = dataset.DatasetWriter(out, settings)
        host_state = found.host_state
        processed = []
        for number, group in enumerate(ingest.batches(found.refs, batch_size), 1):
            fetched = ingest.fetch_batch(group, listing.fetch, host_state, number)
            host_state = fetched.host_state
            ingest.keep_raw(out, fetched)
            batch = ingest.process_batch(fetched, settings, run)
            ingest.write_batch(writer, batch)
            processed.append(batch)
        return ingest.finish(out, writer, prior, run, found, processed, time.monotonic() - started)


def flow_run(sources: Path, out: Path, batch_size: int = 32):
    from flows.ingest import run

    return run(sources, out, batch_size)


def timed(fn, *args):
    started = time.perf_counter()
    report = fn(*args)
    return time.perf_counter() - started, report


def scenario(name: str, sources: Path, work: Path) -> None:
    print(f"\n== {name} ==")
    print(f"{'':10} {'cold s':>8} {'rerun s':>8}  cold outcome / rerun outcome")
    for label, fn in (("library", library_run), ("flow", flow_run)):
        out = work / f"{name}-{label}"
        cold, first = timed(fn, sources, out)
        rerun, again = timed(fn, sources, out)
        print(
            f"{label:10} {cold:8.2f} {rerun:8.2f}  {_cats(first.categories)} / "
            f"{_cats(again.categories)}"
        )


def _cats(categories: dict) -> str:
    return ", ".join(f"{n} {c}" for c, n in sorted(categories.items()))


def main() -> None:
    default = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
    bench = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    pages = sorted((bench / "html").glob("*.html.gz")) if bench.is_dir() else []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        from flows.ingest import ingest_flow  # noqa: F401 (import cost, shown below)

        print(f"importing prefect and the flow: {time.perf_counter() - started:.2f} s")
        # The temporary Prefect server starts on the first flow call; measure it alone.
        empty = work / "empty"
        empty.mkdir()
        (empty / "a.txt").write_text("Nothing about twinning here.\n")
        one = work / "one.toml"
        one.write_text(f"[[source]]\npath = '{empty}'\n")
        loading, _ = timed(lambda: Extractor(Settings()).nlp)
        print(f"loading the spaCy model (once per process, before the scenarios): {loading:.2f} s")
        first_call, _ = timed(flow_run, one, work / "warmup")
        print(f"first flow call (starts Prefect's temporary server): {first_call:.2f} s")

        scenario("sample corpus", ROOT / "corpus" / "sources.toml", work)
        if not pages:
            print(f"\n(no benchmark pages under {bench}; web scenario skipped)")
            return
        with Site("127.0.0.1") as site:
            urls = [
                site.add(f"/news/{p.name[:-3]}", p.read_bytes(), gzip=True, etag=f'"{p.name[:12]}"')
                for p in pages
            ]
            locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
            sitemap = site.add(
                "/sitemap.xml",
                f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>",
                content_type="application/xml",
                etag='"sm"',
            )
            web = work / "web.toml"
            web.write_text(
                "[fetch]\nallow_private = true\ndelay = 0.0\nmax_connections = 8\n"
                f"\n[[source]]\nsitemap = '{sitemap}'\n"
            )
            scenario(f"{len(urls)} benchmark pages over HTTP", web, work)
            bodies = sum(1 for h in site.hits if h.path.startswith("/news/"))
            full = sum(
                1
                for h in site.hits
                if h.path.startswith("/news/") and "If-None-Match" not in h.headers
            )
            print(
                f"page requests {bodies}: {full} unconditional, {bodies - full} conditional (304)"
            )


if __name__ == "__main__":
    main()
