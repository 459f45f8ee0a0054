"""Article-extraction benchmark: our `clean()` against plain `trafilatura.extract()`.

Usage: python benchmarks/bench_clean.py DATA_DIR [--worst N]

DATA_DIR holds `html/<sha256>.html.gz` and `ground-truth.json`
(`{sha256: {"articleBody": ..., "url": ...}}`). Scoring follows the benchmark's README:
tokens are `\\w+` matches, each text becomes a multiset of word 4-grams, per page
tp/fp/fn are the multiset overlap normalised so that tp + fp + fn = 1, precision and
recall are means over pages (a page with fp = fn = 0 scores 1) and F1 comes from
those two means. Only the body text is scored: our title is kept apart and not counted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.clean import clean  # noqa: E402
from pipeline.models import RawDocument  # noqa: E402

_TOKEN = re.compile(r"\w+")
NGRAM = 4


def shingles(text: str) -> Counter[str]:
    tokens = _TOKEN.findall(text or "")
    # A text shorter than one shingle still counts as one (shorter) shingle.
    count = max(1, len(tokens) - NGRAM + 1)
    return Counter(s for i in range(count) if (s := " ".join(tokens[i : i + NGRAM])))


def page_scores(expected: str, predicted: str) -> tuple[float, float]:
    """Precision and recall of one page."""
    truth, pred = shingles(expected), shingles(predicted)
    tp = sum((truth & pred).values())
    fp = sum((pred - truth).values())
    fn = sum((truth - pred).values())
    if fp == fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    # Normalising to tp + fp + fn = 1 leaves these ratios unchanged.
    return tp / (tp + fp), tp / (tp + fn)


def load(data_dir: Path) -> list[tuple[str, str, bytes, str]]:
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        path = data_dir / "html" / f"{key}.html.gz"
        pages.append((key, str(path), gzip.decompress(path.read_bytes()), truth[key]))
    return pages


def ours(path: str, html: bytes) -> str:
    raw = RawDocument(
        source=path, source_name=Path(path).name[:-3], content=html, media_type="text/html"
    )
    # The benchmark measures the cleaner: its non-English pages are cleaned, not skipped.
    return clean(raw, check_language=False).text


def trafilatura_defaults(path: str, html: bytes) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def run(name: str, extract: Callable[[str, bytes], str], pages) -> dict:
    outputs = {}
    start = time.perf_counter()
    for key, path, html, _truth in pages:
        outputs[key] = extract(path, html)
    seconds = time.perf_counter() - start
    per_page = {key: page_scores(truth["articleBody"], outputs[key]) for key, *_, truth in pages}
    precision = sum(p for p, _ in per_page.values()) / len(per_page)
    recall = sum(r for _, r in per_page.values()) / len(per_page)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "name": name,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pages_per_s": len(pages) / seconds,
        "per_page": per_page,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--worst", type=int, default=0, help="list our N lowest-F1 pages")
    args = parser.parse_args(argv)
    if not (args.data_dir / "ground-truth.json").is_file():
        print(f"Error: {args.data_dir} has no ground-truth.json", file=sys.stderr)
        return 2
    pages = load(args.data_dir)
    # Import and warm up both extractors so neither pays one-off start-up costs in its timing.
    ours(pages[0][1], pages[0][2])
    trafilatura_defaults(pages[0][1], pages[0][2])
    results = [
        run("clean() [ours]", ours, pages),
        run("trafilatura.extract() defaults", trafilatura_defaults, pages),
    ]
    print(f"{len(pages)} pages from {args.data_dir}")
    print(f"{'extractor':32s} {'precision':>9s} {'recall':>7s} {'F1':>7s} {'pages/s':>8s}")
    for r in results:
        print(
            f"{r['name']:32s} {r['precision']:9.4f} {r['recall']:7.4f} {r['f1']:7.4f}"
            f" {r['pages_per_s']:8.1f}"
        )
    if args.worst:
        urls = {key: truth["url"] for key, *_, truth in pages}
        mine, base = results[0]["per_page"], results[1]["per_page"]

        def f1(pr: tuple[float, float]) -> float:
            return 2 * pr[0] * pr[1] / (pr[0] + pr[1]) if sum(pr) else 0.0

        print(f"\nworst {args.worst} pages (ours P/R vs defaults P/R):")
        for key in sorted(mine, key=lambda k: f1(mine[k]))[: args.worst]:
            (p, r), (bp, br) = mine[key], base[key]
            print(f"{key[:12]} {p:.3f}/{r:.3f} vs {bp:.3f}/{br:.3f} {urls[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
