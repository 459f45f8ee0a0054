"""Throughput benchmark: raw spaCy, our extraction, the CLI path and the Prefect flow on
the same texts, each stage in a fresh process so that its time and memory are its own.

Usage: python benchmarks/bench_throughput.py DATA_DIR [--seeds DIR] [--gold FILE]
       [--repeat N] [--scale K] [--skip-full]

Corpora (built once, before any timing): "mixed" is the benchmark's 181 news pages
(DATA_DIR/html/*.html.gz, cleaned with pipeline.clean.clean) plus the seed documents,
mostly off-topic like a real feed; "seeds" is the seed documents alone; "mixed xK" is
the mixed corpus K times over, each copy's texts ending in a line "(copy k)" so that
every copy is a new document (its own doc_id) and nothing is deduplicated away; the
copies are made as the extractor reads them (a stream, as from a feed).

Stages (each timed over the same cleaned texts, model loading timed apart):
  raw          nlp.pipe of the full pipeline, as spacy.load gives it, over every full
               text (one process)
  extract/1    Extractor.extract in batches of 32 documents, one process
  extract      the same through pipeline.parallel (what `sistercities extract` runs)
  no prefilter extract with Settings(prefilter=False): every paragraph parsed, for the
               identity check
  cli txt      runner.extract_paths over the cleaned texts saved as .txt files
               (read, clean, extract, write tables and texts, rebuild the registry),
               then again on the unchanged files into the same folder (rerun)
  cli html     the same over the original pages and seeds (cleaning included)
  flow         the Prefect flow over the same files, when flows/ is there
Times are the median of --repeat passes in one process (long stages run once); RSS is
the largest single process (getrusage of the stage's process tree); PSS the peak of the
sampled sum over the tree, which counts pages shared by forked workers once.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")

# Stages so long that one pass averages the machine's noise out.
LONG = {"raw", "full"}


# --- stages (each runs in its own process) ----------------------------------------


def _cpu() -> float:
    self_, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return self_.ru_utime + self_.ru_stime + kids.ru_utime + kids.ru_stime


def _passes(work, repeat: int) -> tuple[list[float], list[float], object]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        c, t = _cpu(), time.perf_counter()
        result = work()
        walls.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    return walls, cpus, result


def _digest(extractions) -> tuple[str, int, int]:
    h = hashlib.sha256()
    relations = events = 0
    for ex in extractions:
        h.update(repr((ex.relations, ex.events, ex.actors)).encode())
        relations += len(ex.relations)
        events += len(ex.events)
    return h.hexdigest()[:16], relations, events


def stage(
    name: str, corpus: Path, repeat: int, out: Path | None, gold: Path | None, scale: int = 1
) -> dict:
    from pipeline.config import Settings

    result: dict = {"stage": name}
    if name == "raw":
        docs = pickle.loads(corpus.read_bytes())
        import spacy

        t = time.perf_counter()
        # The naive ceiling: the model as spaCy ships it, every component as it is.
        nlp = spacy.load(Settings().model)
        nlp("A first call, outside the timing, like the warm-up of the stages below.")
        result["load"] = time.perf_counter() - t
        texts = [d.text for d in docs]
        walls, cpus, tokens = _passes(lambda: sum(len(doc) for doc in nlp.pipe(texts)), repeat)
        result.update(docs=len(docs), tokens=tokens)
    elif name in ("extract1", "extract", "full"):
        docs = pickle.loads(corpus.read_bytes())
        from pipeline.parallel import ParallelExtractor

        settings = Settings(workers=1 if name == "extract1" else 0, prefilter=name != "full")
        t = time.perf_counter()
        extractor = ParallelExtractor(settings)
        extractor.warm_up()
        result["load"] = time.perf_counter() - t

        def work():
            # Like a run: extractions are handed on and dropped, never all kept.
            h = hashlib.sha256()
            n = [0, 0]
            found = []
            # A larger corpus comes as a stream, as from a feed, not as a list in memory.
            items = docs if scale == 1 else copies(docs, scale)
            for ex in extractor.stream(items, batch_size=32):
                h.update(repr((ex.relations, ex.events, ex.actors)).encode())
                n[0] += len(ex.relations)
                n[1] += len(ex.events)
                if gold is not None:
                    found.append(ex)
            return h.hexdigest()[:16], n[0], n[1], found

        walls, cpus, (digest, relations, events, found) = _passes(work, repeat)
        result.update(docs=len(docs) * scale, digest=digest, relations=relations, events=events)
        if gold is not None:
            from pipeline import evaluate

            report = evaluate.score(found, evaluate.load_gold(gold))
            result["gold"] = report.summary().splitlines()[:2]
    elif name in ("cli", "rerun"):
        from pipeline import runner, sources

        t = time.perf_counter()
        if name == "cli":  # loaded apart, as in the other stages; a rerun needs no model
            from pipeline import gazetteer
            from pipeline import nlp as nlp_mod

            gazetteer.load()
            nlp_mod.load(Settings().model)
        result["load"] = time.perf_counter() - t
        paths = sources.discover(corpus)
        walls, cpus, summary = _passes(lambda: runner.extract_paths(paths, out), 1)
        result.update(
            docs=len(paths),
            processed=summary.documents,
            unchanged=summary.unchanged,
            pairs=summary.pairs,
            events=sum(summary.events.values()),
        )
    elif name in ("flow", "flow-rerun"):
        from flows.ingest import run as flow_run

        # Prefect's temporary server starts on the first flow call, and the flow's
        # worker processes (kept for the life of the process) load the model: both on
        # two one-line documents before the timed run, as the other stages load theirs.
        t = time.perf_counter()
        warm = Path(tempfile.mkdtemp(prefix="flow-warm-", dir=out.parent))
        (warm / "docs").mkdir()
        (warm / "docs" / "a.txt").write_text("Nothing about twinning here.\n")
        (warm / "docs" / "b.txt").write_text("Nor here.\n")
        (warm / "sources.toml").write_text(f"[[source]]\npath = '{warm / 'docs'}'\n")
        flow_run(warm / "sources.toml", warm / "out")
        result["load"] = time.perf_counter() - t
        toml = out.parent / f"{out.name}.toml"
        toml.write_text(f"[[source]]\npath = '{corpus}'\n", encoding="utf-8")
        walls, cpus, report = _passes(lambda: flow_run(toml, out), 1)
        result.update(
            docs=len(sources_of(corpus)),
            outcome=", ".join(f"{n} {c}" for c, n in sorted(report.categories.items())),
        )
    else:
        raise SystemExit(f"unknown stage {name}")
    result.update(walls=walls, cpus=cpus)
    return result


# --- the parent: corpora, processes, memory sampling, the table ------------------


def sources_of(folder: Path) -> list[Path]:
    from pipeline import sources

    return sources.discover(folder)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_stage(
    name: str, corpus: Path, repeat: int, out: Path | None = None, gold=None, scale: int = 1
) -> dict:
    cmd = [sys.executable, __file__, "--stage", name, "--input", str(corpus)]
    cmd += ["--repeat", str(repeat), "--scale", str(scale)]
    if out is not None:
        cmd += ["--out", str(out)]
    if gold is not None:
        cmd += ["--score-gold", str(gold)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(proc.pid)))
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"stage {name} failed ({proc.returncode})")
    line = next(x for x in stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["process_wall"] = time.perf_counter() - started
    result["rss_mb"] = usage.ru_maxrss / 1024
    result["pss_mb"] = peak[0] / 1024
    return result


def clean_pages(data: Path) -> list:
    from pipeline.clean import clean
    from pipeline.models import RawDocument

    docs = []
    for path in sorted((data / "html").glob("*.html.gz")):
        raw = RawDocument(
            source=str(path),
            source_name=path.name[:-3],
            content=gzip.decompress(path.read_bytes()),
            media_type="text/html",
        )
        docs.append(clean(raw))
    return docs


def copies(docs: list, k: int):
    """k copies of docs, made as they are read; every copy after the first gets a line
    of its own at the end, so it is a document of its own."""
    from pipeline.ids import doc_id_for

    yield from docs
    for n in range(1, k):
        for d in docs:
            text = f"{d.text}\n(copy {n})" if d.ok else d.text
            yield dataclasses.replace(
                d, text=text, doc_id=doc_id_for(text), source_name=f"{n:02d}_{d.source_name}"
            )


def write_txt(docs: list, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for i, d in enumerate(docs):
        name = Path(d.source_name).stem.removesuffix(".html")
        (folder / f"{i:05d}_{name}.txt").write_text(d.text, encoding="utf-8")
    return folder


def link_files(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for f in files:
        (folder / f.name).symlink_to(f.resolve())
    return folder


def _spin(n: int) -> float:
    started = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - started


def free_cores(n: int = 10_000_000) -> float:
    """How many cores this machine gives us right now: the same loop in one process,
    then in two at once (2.0 on an idle two-core machine, nearer 1 when it is shared)."""
    import multiprocessing

    one = _spin(n)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        both = max(pool.map(_spin, [n, n]))
    return round(2 * one / both, 2)


def flow_available() -> bool:
    try:
        import flows.ingest  # noqa: F401
    except ImportError:
        return False
    return True


def _fmt_row(label: str, r: dict, tokens: int | None) -> str:
    wall = statistics.median(r["walls"])
    tok = f"{tokens / wall:9.0f}" if tokens else f"{'':>9}"
    return (
        f"{label:<22}{r['docs']:>6}{wall:9.2f}{statistics.median(r['cpus']):8.2f}"
        f"{r['docs'] / wall:9.1f}{tok}{r.get('load', 0):7.2f}{r['rss_mb']:8.0f}{r['pss_mb']:8.0f}"
    )


HEADER = (
    f"{'stage':<22}{'docs':>6}{'wall s':>9}{'cpu s':>8}{'docs/s':>9}{'tok/s':>9}"
    f"{'load s':>7}{'RSS MB':>8}{'PSS MB':>8}"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", type=Path, help="article-extraction benchmark folder")
    ap.add_argument("--seeds", type=Path, default=ROOT / "corpus" / "documents")
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "seeds_gold.jsonl")
    ap.add_argument("--repeat", type=int, default=3, help="passes per stage (median)")
    ap.add_argument("--scale", type=int, default=10, help="copies of the mixed corpus for memory")
    ap.add_argument("--skip-full", action="store_true", help="no prefilter-off identity run")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--score-gold", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        result = stage(args.stage, args.input, args.repeat, args.out, args.score_gold, args.scale)
        print("RESULT " + json.dumps(result))
        return
    if args.data is None:
        ap.error("DATA_DIR is required")

    from pipeline import runner, sources

    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, "
        f"free cores {free_cores()} at start"
    )
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        pages = clean_pages(args.data)
        clean_s = time.perf_counter() - t
        seed_files = sources.discover(args.seeds)
        seeds = [runner.read_and_clean(p) for p in seed_files]
        mixed = pages + seeds
        print(
            f"corpora: {len(pages)} pages cleaned in {clean_s:.1f} s (one process, not counted "
            f"below) + {len(seeds)} seeds; mixed {sum(len(d.text) for d in mixed)} chars, "
            f"seeds {sum(len(d.text) for d in seeds)} chars"
        )
        pk = {}
        for name, docs in (("mixed", mixed), ("seeds", seeds)):
            pk[name] = work / f"{name}.pkl"
            pk[name].write_bytes(pickle.dumps(docs))
        txt = write_txt(mixed, work / "mixed-txt")
        txt_scaled = write_txt(copies(mixed, args.scale), work / "scaled-txt")
        pages_html = sorted((args.data / "html").glob("*.html.gz"))
        html = link_files(pages_html + seed_files, work / "html")

        results: dict[str, dict] = {}
        for corpus in ("mixed", "seeds"):
            gold = args.gold if corpus == "seeds" and args.gold.exists() else None
            stages = ["raw", "extract1", "extract"] + ([] if args.skip_full else ["full"])
            for name in stages:
                reps = 1 if name in LONG and corpus == "mixed" else args.repeat
                g = gold if name in ("extract", "full") else None
                results[f"{corpus}/{name}"] = run_stage(name, pk[corpus], reps, gold=g)
                print(".", end="", flush=True)
        results["scaled/extract"] = run_stage("extract", pk["mixed"], 1, scale=args.scale)
        for label, folder in (("txt", txt), ("html", html), ("scaled", txt_scaled)):
            out = work / f"out-{label}"
            results[f"cli-{label}"] = run_stage("cli", folder, 1, out)
            if label != "scaled":
                results[f"rerun-{label}"] = run_stage("rerun", folder, 1, out)
            print(".", end="", flush=True)
        flow = flow_available()
        if flow:
            for label, folder in (("txt", txt), ("html", html)):
                out = work / f"flow-{label}"
                results[f"flow-{label}"] = run_stage("flow", folder, 1, out)
                results[f"flow-rerun-{label}"] = run_stage("flow-rerun", folder, 1, out)
        print()
        report(results, args, flow)
    print(f"load average {os.getloadavg()[0]:.2f}, free cores {free_cores()} at the end")


def report(results: dict, args, flow: bool) -> None:
    def med(key: str) -> float:
        return statistics.median(results[key]["walls"])

    for corpus in ("mixed", "seeds"):
        tokens = results[f"{corpus}/raw"]["tokens"]
        print(f"\n== {corpus} corpus ({results[f'{corpus}/raw']['docs']} docs, {tokens} tokens) ==")
        print(HEADER)
        labels = {
            "raw": "(1) raw nlp.pipe",
            "extract1": "(2) extract, 1 proc",
            "extract": "(2) extract",
            "full": "    no prefilter",
        }
        for name, label in labels.items():
            if f"{corpus}/{name}" in results:
                print(_fmt_row(label, results[f"{corpus}/{name}"], tokens))
        raw = med(f"{corpus}/raw")
        print(
            f"(2)/(1) speed: extract {raw / med(f'{corpus}/extract'):.2f}x, "
            f"1 process {raw / med(f'{corpus}/extract1'):.2f}x"
        )
        digests = {
            results[k]["digest"]
            for k in (f"{corpus}/extract1", f"{corpus}/extract", f"{corpus}/full")
            if k in results
        }
        ours = results[f"{corpus}/extract"]
        print(
            f"output: {ours['relations']} relations, {ours['events']} events; "
            + (
                "identical across 1 process, parallel"
                + ("" if args.skip_full else " and no prefilter")
                if len(digests) == 1
                else "DIFFERENT between stages: " + str(digests)
            )
        )
        for key in (f"{corpus}/extract", f"{corpus}/full"):
            if "gold" in results.get(key, {}):
                print(f"gold ({key.split('/')[1]}): " + " | ".join(results[key]["gold"]))

    tokens = results["mixed/raw"]["tokens"]
    print("\n== CLI path: runner.extract_paths (read, clean, extract, write, registry) ==")
    print(f"{'run':<22}{'docs':>6}{'call s':>9}{'cpu s':>8}{'docs/s':>9}{'tok/s':>9}"
          f"{'proc s':>7}{'RSS MB':>8}{'PSS MB':>8}  processed/unchanged")  # fmt: skip
    for key, label in (
        ("cli-txt", "cold, cleaned .txt"),
        ("rerun-txt", "rerun, unchanged"),
        ("cli-html", "cold, html + seeds"),
        ("rerun-html", "rerun, unchanged"),
    ):
        r = results[key]
        wall = med(key)
        print(
            f"{label:<22}{r['docs']:>6}{wall:9.2f}{statistics.median(r['cpus']):8.2f}"
            f"{r['docs'] / wall:9.1f}{tokens / wall:9.0f}{r['process_wall']:7.2f}"
            f"{r['rss_mb']:8.0f}{r['pss_mb']:8.0f}  {r['processed']}/{r['unchanged']}"
        )
    for label in ("txt", "html"):
        cold, again = results[f"cli-{label}"], results[f"rerun-{label}"]
        call = 100 * med(f"rerun-{label}") / med(f"cli-{label}")
        proc = 100 * again["process_wall"] / cold["process_wall"]
        print(f"rerun/cold ({label}): {call:.1f}% of the call, {proc:.1f}% of the process")
    print(
        f"cli txt: {results['cli-txt']['pairs']} pairs, {results['cli-txt']['events']} events "
        f"(mixed extract: {results['mixed/extract']['relations']} relations, "
        f"{results['mixed/extract']['events']} events)"
    )

    print("\n== Prefect flow ==")
    if not flow:
        print("flow: not available (no flows/ package in this checkout)")
    else:
        for label in ("txt", "html"):
            f, c = results[f"flow-{label}"], results[f"cli-{label}"]
            fr = results[f"flow-rerun-{label}"]
            print(
                f"flow {label}: cold {med(f'flow-{label}'):.2f} s "
                f"(process {f['process_wall']:.2f} s,"
                f" RSS {f['rss_mb']:.0f} MB, PSS {f['pss_mb']:.0f} MB), rerun "
                f"{med(f'flow-rerun-{label}'):.2f} s; (3)/(2) = "
                f"{med(f'flow-{label}') / med(f'cli-{label}'):.2f} ({fr['outcome']}; "
                f"cli {c['docs']} files)"
            )

    print(f"\n== memory as the corpus grows (mixed x{args.scale}, copies made distinct) ==")
    for small, big, label in (
        ("mixed/extract", "scaled/extract", "extract"),
        ("cli-txt", "cli-scaled", "cli txt"),
    ):
        a, b = results[small], results[big]
        print(
            f"{label:<10} x1: {a['docs']} docs RSS {a['rss_mb']:.0f} MB PSS {a['pss_mb']:.0f} MB"
            f" | x{args.scale}: {b['docs']} docs in {med(big):.1f} s, RSS {b['rss_mb']:.0f} MB"
            f" PSS {b['pss_mb']:.0f} MB | RSS {100 * (b['rss_mb'] / a['rss_mb'] - 1):+.1f}%,"
            f" PSS {100 * (b['pss_mb'] / a['pss_mb'] - 1):+.1f}%"
        )


if __name__ == "__main__":
    main()
