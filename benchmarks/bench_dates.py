"""Publication dates of plain-text page copies: how many layouts `clean()` reads right.

Usage: python benchmarks/bench_dates.py [FILE.jsonl ...] [--show-misses]

Each line of a layouts file is {"id", "text", "published", "note"}: the visible text of a
web page, PDF or document copied as plain text, and the date a careful reader would
record (ISO, at the precision the text supports, or null). Defaults to both files in
tests/data: `date_layouts.jsonl` (tuned on; also a test) and `date_layouts_heldout.jsonl`
(written apart from it and from the code, never tuned on: the honest figure). Misses
of the held-out file are not shown unless asked for, so as not to tune on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.clean import clean  # noqa: E402
from pipeline.models import RawDocument  # noqa: E402

DEFAULTS = (
    ROOT / "tests/data/date_layouts.jsonl",
    ROOT / "tests/data/date_layouts_heldout.jsonl",
)


def score(path: Path) -> tuple[int, int, list[tuple[str, str | None, str | None]]]:
    right, misses = 0, []
    cases = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    for case in cases:
        doc = clean(RawDocument(case["id"], case["id"], case["text"].encode(), "text/plain"))
        got = doc.published.value if doc.published else None
        if got == case["published"]:
            right += 1
        else:
            misses.append((case["id"], got, case["published"]))
    return right, len(cases), misses


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=list(DEFAULTS))
    ap.add_argument("--show-misses", action="store_true", help="list each layout read wrong")
    args = ap.parse_args(argv)
    print(f"{'layouts file':<32} {'right':>7} {'of':>4} {'accuracy':>9}")
    for path in args.files:
        right, total, misses = score(path)
        print(f"{path.name:<32} {right:>7} {total:>4} {right / max(total, 1):>9.3f}")
        if args.show_misses:
            for case_id, got, want in misses:
                print(f"  {case_id}: got {got}, want {want}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
