"""Review benchmark: how long the review queue and the exports take, and how big the
exports are, for a dataset folder (prints figures; changes nothing in the folder).

Usage: python benchmarks/bench_review.py DATASET [--decisions N]

Works on a copy of DATASET with N synthetic decisions (a mix of accept, reject and
edit by two reviewers) in a fresh decision store, so timings include re-attachment.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402

from pipeline.review import candidates as cands  # noqa: E402
from pipeline.review import config, export, reviewed  # noqa: E402
from pipeline.review import decisions as dec  # noqa: E402
from pipeline.review.app import create_app  # noqa: E402
from pipeline.review.store import DecisionStore  # noqa: E402


def timed(fn, repeat=5):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def row(label: str, seconds: float, extra: str = "") -> None:
    print(f"{label:<48} {seconds * 1000:8.1f} ms  {extra}".rstrip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--decisions", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ds = Path(tmp) / "ds"
        shutil.copytree(
            args.dataset, ds, ignore=shutil.ignore_patterns("review.sqlite*", "exports")
        )
        t_load, cs = timed(lambda: cands.load(ds), 3)
        url = config.db_url(ds)
        with DecisionStore(url) as store:
            rs = dec.resolve(cs, [])
            ids = [c for c in cs]
            news = []
            for i in range(args.decisions):
                c = ids[i % len(ids)]
                action = ("accept", "reject", "edit")[i % 3]
                changes = {"kind": "twin"} if c.kind == "relation" else {"date": "2001"}
                news.append(dec.new_decision(rs, c.candidate_id, action, ("alice", "bob")[i % 2],
                                             changes if action == "edit" else None))  # fmt: skip
            t0 = time.perf_counter()
            store.append_many(news)
            t_store = time.perf_counter() - t0
            t_resolve, _ = timed(lambda: dec.resolve(cs, store.all()))
        app = create_app(ds, url, reviewer="bench")
        with TestClient(app, base_url="http://127.0.0.1") as client:
            client.get("/")
            t_page, res = timed(lambda: client.get("/"), 10)
            doc = next(iter(cs.documents))
            t_doc, _ = timed(lambda: client.get(f"/doc/{doc}"), 10)
            decide = f"/api/candidates/{ids[0].candidate_id}/decision"
            t_dec, _ = timed(lambda: client.post(decide, json={"action": "accept"}), 10)
        t_tables, _ = timed(lambda: reviewed.reviewed_tables(ds, url), 3)
        n_cards = min(50, len(cs))
        print(f"dataset: {len(cs.documents)} documents, {len(cs)} candidates,", end=" ")
        print(f"{args.decisions} decisions")
        row("load candidates (tables, texts, fingerprints)", t_load)
        row(f"store {args.decisions} decisions (one transaction)", t_store)
        row("resolve decisions against candidates", t_resolve)
        row(f"queue page ({n_cards} cards, server side)", t_page, f"{len(res.content):,} bytes")
        row("document page", t_doc)
        row("one decision (POST, re-resolve)", t_dec)
        row("reviewed tables (apply)", t_tables)
        for fmt in export.FORMATS:
            t = time.perf_counter()
            result = export.export(ds, fmt, Path(tmp) / f"out-{fmt}", True, url)
            took = time.perf_counter() - t
            size = sum(v for k, v in result.files.items() if not k.startswith("texts/"))
            row(f"export {fmt}", took, f"{size:,} bytes without texts")


if __name__ == "__main__":
    main()
