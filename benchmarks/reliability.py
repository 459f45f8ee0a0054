"""`make reliability`: the long version of tests/test_reliability.py. Prints a table.

  python benchmarks/reliability.py BENCH_DATA [--points 20] [--seed 7]

Scenarios, each on the real command line:
- hostile inputs: every case of tests/data/hostile_cases.jsonl written as files and
  extracted in one run, which must complete with a status for each;
- SIGKILL: the extraction of the mixed corpus (the benchmark pages and the seeds) killed
  at random points, half from an empty folder and half while adding to a dataset of
  half the corpus, then at the moment each step of writing begins (TRIGGERS); after
  each, a rerun must leave exactly the dataset of an uninterrupted run (same files,
  same bytes), no temporary files, no surviving workers;
- SIGKILL of `sistercities run`: the Prefect flow over the same corpus killed at random
  points; after each, a rerun must leave the tables and texts of an uninterrupted flow
  run, and neither its worker processes nor Prefect's temporary server may survive;
- full disk: the same addition on a small file system filled to leave less and less
  room (a tmpfs when this user may mount one, else a file-size limit); every failed
  run must print one "Error: ..." line and leave the earlier dataset as it was;
- concurrent runs: two extractions started at once; one must refuse, one finish;
- reviewers at work: a decision on every candidate written while `extract --force`
  rewrites the dataset; every decision must be stored and attached afterwards.
"Rows lost" counts rows of the uninterrupted run's tables missing after recovery, plus
duplicated rows; it must be 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import dataset  # noqa: E402
from tests import faults  # noqa: E402

TABLES = ("documents", "relations", "events", "actors", "relationships", "timeline")
HOSTILE = ROOT / "tests" / "data" / "hostile_cases.jsonl"
# Files whose appearance marks a moment of a run: a text being written, the tables
# staged, the renames under way (journal), the registry being rebuilt.
TRIGGERS = (
    "texts/.*.tmp",
    ".documents.parquet.*.tmp",
    ".actors.parquet.*.tmp",
    ".commit.json",
    ".registry-stale",
    ".relationships.parquet.*.tmp",
)


# How long a flow run over the mixed corpus goes on after its first text is written.
FLOW_WORK_SECONDS = 6.0


@dataclass
class Row:
    scenario: str
    tried: int = 0
    faults: int = 0
    recovered: int = 0
    rows_lost: int = 0
    notes: list[str] = field(default_factory=list)


def rows_lost(reference: Path, got: Path) -> int:
    """Rows of the reference tables missing from `got`, plus duplicate rows in `got`."""
    lost = 0
    for name in TABLES:
        ref_path, got_path = reference / f"{name}.parquet", got / f"{name}.parquet"
        ref = pq.read_table(ref_path).to_pylist() if ref_path.exists() else []
        new = pq.read_table(got_path).to_pylist() if got_path.exists() else []
        ref_rows = {json.dumps(r, sort_keys=True, default=str) for r in ref}
        new_rows = [json.dumps(r, sort_keys=True, default=str) for r in new]
        lost += len(ref_rows - set(new_rows)) + (len(new_rows) - len(set(new_rows)))
    return lost


def timed_run(cmd: list[str]) -> float:
    started = time.monotonic()
    proc = faults.run(cmd)
    if proc.returncode != 0:
        raise SystemExit(f"reference run failed: {proc.stderr}")
    return time.monotonic() - started


def half_dataset(work: Path, docs: Path) -> Path:
    """The dataset of every other file of `docs`, extracted from the same paths, so a
    run over the whole folder adds the other half to it."""
    stash = work / "stash"
    stash.mkdir()
    for path in sorted(docs.iterdir())[1::2]:
        path.rename(stash / path.name)
    base = work / "half-base"
    try:
        timed_run(faults.extract_cmd(docs, base))
    finally:
        for path in stash.iterdir():
            path.rename(docs / path.name)
        stash.rmdir()
    return base


def kill_points(work: Path, docs: Path, base: Path, points: int, rng: random.Random) -> Row:
    row = Row("SIGKILL mid-run")
    reference = work / "reference"
    cold = timed_run(faults.extract_cmd(docs, reference))
    probe = work / "probe"
    shutil.copytree(base, probe)
    incremental = timed_run(faults.extract_cmd(docs, probe))
    shutil.rmtree(probe)
    phases: dict[str, int] = {}
    orphans = 0

    def rerun_and_compare(killed: faults.Killed, out: Path, label: str) -> None:
        """Count the kill, rerun to the end, compare with the uninterrupted run."""
        nonlocal orphans
        row.tried += 1
        row.faults += not killed.finished
        orphans += killed.orphans
        phases[killed.phase] = phases.get(killed.phase, 0) + 1
        proc = faults.run(faults.extract_cmd(docs, out))
        diffs = faults.differences(faults.snapshot(reference), faults.snapshot(out))
        left = faults.leftovers(out)
        ok = proc.returncode == 0 and not diffs and not left
        row.recovered += ok and not killed.finished
        row.rows_lost += rows_lost(reference, out)
        if not ok:
            row.notes.append(f"{label}: rc {proc.returncode} {diffs[:3]} {left}")
        shutil.rmtree(out)

    for i in range(points):
        out = work / f"kill{i:02d}"
        # Every other point adds the second half to a dataset of the first; half the
        # points fall in the last quarter of the run, where the commit and the registry are.
        estimate = incremental if i % 2 else cold
        share = rng.uniform(0.75, 1.0) if i % 4 >= 2 else rng.uniform(0.05, 1.0)
        for _ in range(6):  # the machine's load varies: a run may end before its kill
            shutil.rmtree(out, ignore_errors=True)
            if i % 2:
                shutil.copytree(base, out)
            after = share * estimate
            killed = faults.run_and_kill(faults.extract_cmd(docs, out), out, after)
            if not killed.finished:
                break
            estimate = killed.seconds
        rerun_and_compare(killed, out, f"point {i} ({after:.2f}s)")
    # Then at the moments a timer rarely hits: as soon as each of these files appears.
    for when in TRIGGERS:
        out = work / "kill-on"
        for _ in range(3):  # a file that lives a millisecond can be missed by the poll
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(base, out)
            killed = faults.run_and_kill(faults.extract_cmd(docs, out), out, 600, when=when)
            if not killed.finished:
                break
        if killed.finished:
            row.notes.append(f"kill on {when}: never seen, not counted")
            shutil.rmtree(out)
            continue
        rerun_and_compare(killed, out, f"kill on {when}")
    row.notes.insert(0, "killed while " + ", ".join(f"{k} {v}" for k, v in sorted(phases.items())))
    row.notes.insert(1, f"workers left alive after their parent was killed: {orphans}")
    row.notes.insert(2, f"uninterrupted: cold {cold:.1f}s, adding half {incremental:.1f}s")
    return row


def flow_kill_points(work: Path, docs: Path, points: int, rng: random.Random) -> Row:
    """`sistercities run` (the Prefect flow on its temporary server) killed at random
    points, then run again: the tables must be those of an uninterrupted flow run, and
    nothing of the killed run (workers, the temporary server) may stay alive."""
    row = Row("SIGKILL `run` (flow)")
    sources = work / "sources.toml"
    sources.write_text(f"[[source]]\npath = '{docs}'\n", encoding="utf-8")
    reference = work / "flow-reference"
    seconds = timed_run(faults.run_cmd(sources, reference))
    phases: dict[str, int] = {}
    orphans = 0
    for i in range(points):
        out = work / f"flow-kill{i:02d}"
        # Every other point at a random moment of the whole run (most of which is the
        # temporary server starting), the others at a random moment after the first
        # text is written, while batches are extracted, written and committed.
        after = rng.uniform(0.05, 1.0) * seconds
        then = rng.uniform(0.0, FLOW_WORK_SECONDS) if i % 2 else 0.0
        for _ in range(4):  # the machine's load varies: a run may end before its kill
            shutil.rmtree(out, ignore_errors=True)
            run = faults.run_cmd(sources, out)
            if i % 2:
                killed = faults.run_and_kill(run, out, 600, when="texts/*.txt", then=then)
            else:
                killed = faults.run_and_kill(run, out, after)
            if not killed.finished:
                break
            after, then = after * 0.8, then * 0.8
        row.tried += 1
        row.faults += not killed.finished
        orphans += killed.orphans
        phases[killed.phase] = phases.get(killed.phase, 0) + 1
        proc = faults.run(faults.run_cmd(sources, out))
        lost = rows_lost(reference, out) + rows_lost(out, reference)  # missing or extra
        texts = faults.differences(
            {k: v for k, v in faults.snapshot(reference).items() if k.startswith("texts/")},
            {k: v for k, v in faults.snapshot(out).items() if k.startswith("texts/")},
        )
        left = faults.leftovers(out)
        ok = proc.returncode == 0 and not lost and not texts and not left
        row.recovered += ok and not killed.finished
        row.rows_lost += lost
        if not ok:
            row.notes.append(f"point {i}: rc {proc.returncode} {texts[:3]} {left}")
        shutil.rmtree(out)
    row.notes.insert(0, "killed while " + ", ".join(f"{k} {v}" for k, v in sorted(phases.items())))
    row.notes.insert(1, f"processes left alive after the run was killed: {orphans}")
    row.notes.insert(2, f"uninterrupted run (temporary server start included): {seconds:.1f}s")
    return row


def disk_use(out: Path) -> int:
    return sum(-(-len(data) // 4096) * 4096 for data in faults.snapshot(out).values())


def disk_full(work: Path, docs: Path, half_base: Path, points: int) -> Row:
    mount = work / "small-disk"
    mount.mkdir()
    tmpfs = _mount_tmpfs(mount, "16m")
    row = Row("full disk (tmpfs)" if tmpfs else "full disk (file-size limit)")
    try:
        base = mount / "base"
        shutil.copytree(half_base, base)
        before = faults.snapshot(base)
        # Room from almost nothing to a little more than adding the other half needs.
        need = disk_use(work / "reference") - disk_use(half_base)
        rooms = [8192 + (need * 11 // 10) * i // max(1, points - 1) for i in range(points)]
        for room in rooms:
            out = mount / "out"
            shutil.copytree(base, out)
            if tmpfs:
                _fill(mount, room)
                proc = faults.run(faults.extract_cmd(docs, out))
            else:
                proc = faults.run(faults.extract_cmd(docs, out), fsize=room)
            row.tried += 1
            after = faults.snapshot(out)
            lines = proc.stderr.strip().splitlines()
            if proc.returncode == 0:
                row.notes.append(f"room {room // 1024} KiB: the run fitted")
                ok = not faults.differences(faults.snapshot(work / "reference"), after)
                row.notes[-1] += "" if ok else " but differs from the uninterrupted run"
            else:
                row.faults += 1
                intact = {k: after.get(k) for k in before} == before
                one_line = len(lines) == 1 and lines[0].startswith("Error: ")
                clean = not faults.leftovers(out) and dataset.lock_holder(out) is None
                row.recovered += intact and one_line and clean
                row.rows_lost += rows_lost(base, out)
                if not (intact and one_line and clean):
                    row.notes.append(f"room {room // 1024} KiB: {lines[-3:]} intact={intact}")
                else:
                    failed_on = lines[0].split("could not write ")[-1].split(":")[0]
                    row.notes.append(f"room {room // 1024} KiB: failed on {Path(failed_on).name}")
            shutil.rmtree(out)
            (mount / "filler").unlink(missing_ok=True)
    finally:
        if tmpfs:
            subprocess.run(["umount", str(mount)], check=False)
    return row


def _mount_tmpfs(mount: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True
    )
    return proc.returncode == 0


def _fill(mount: Path, room: int) -> None:
    """Leave about `room` bytes free on the file system of `mount`."""
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    with open(mount / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - room))


def concurrent(work: Path, docs: Path, pairs: int) -> Row:
    row = Row("two runs at once")
    for i in range(pairs):
        out = work / f"concurrent{i}"
        cmd = faults.extract_cmd(docs, out)
        procs = [
            subprocess.Popen(cmd, env=faults.env(), cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
            for _ in range(2)
        ]  # fmt: skip
        results = [(p.wait(), p.stderr.read().decode()) for p in procs]
        row.tried += 1
        row.faults += 1
        refused = [e for c, e in results if c == 1 and e.startswith("Error: another run")]
        row.recovered += sorted(c for c, _ in results) == [0, 1] and len(refused) == 1
        row.rows_lost += rows_lost(work / "reference", out)
        shutil.rmtree(out)
    return row


def review_race(work: Path, docs: Path, repeats: int) -> Row:
    """Reviewers deciding while the extraction reruns: no decision may be lost."""
    row = Row("review during a rerun")
    for i in range(repeats):
        out = work / f"review{i}"
        shutil.copytree(work / "reference", out)
        race = faults.review_during(faults.extract_cmd(docs, out, "--force"), out)
        row.tried += 1
        row.faults += race.during > 0
        row.recovered += race.returncode == 0 and race.kept == race.stored == race.decided
        row.rows_lost += (race.decided - race.stored) + (race.decided - race.kept) + race.orphans
        row.notes.append(
            f"{race.decided} decisions, {race.during} while the run wrote; "
            f"kept {race.kept}, orphaned {race.orphans}"
        )
        shutil.rmtree(out)
    return row


def hostile(work: Path) -> Row:
    row = Row("hostile inputs")
    if not HOSTILE.exists():
        row.notes.append(f"{HOSTILE.name} missing")
        return row
    from tests.test_hostile import write_case  # the test's own way of writing a case

    cases = [json.loads(line) for line in HOSTILE.read_text().splitlines() if line.strip()]
    folder = work / "hostile"
    folder.mkdir()
    paths = [str(write_case(folder, case)) for case in cases]
    out = work / "hostile-out"
    proc = faults.run(faults.extract_cmd(folder, out))
    row.tried = len(cases)
    row.faults = len(cases)
    if proc.returncode != 0:
        row.notes.append(proc.stderr.strip()[-300:])
        return row
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    by_source = {d["source"]: d["status"] for d in docs}
    row.recovered = sum(1 for p in paths if p in by_source)
    statuses: dict[str, int] = {}
    for status in by_source.values():
        statuses[status] = statuses.get(status, 0) + 1
    row.notes.append(", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench_data", type=Path)
    ap.add_argument("--points", type=int, default=20, help="SIGKILL points")
    ap.add_argument("--disk-points", type=int, default=10, help="full-disk points")
    ap.add_argument("--flow-points", type=int, default=6, help="SIGKILL points of `run`")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    # Stopped with SIGTERM (Ctrl-C is already KeyboardInterrupt): unmount and clean up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pages = sorted((args.bench_data / "html").glob("*.html.gz"))
    if not pages:
        raise SystemExit(f"no pages under {args.bench_data / 'html'}")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="sistercities-reliability-") as tmp:
        work = Path(tmp)
        docs = work / "mixed"
        docs.mkdir()
        files = [*pages, *sorted((ROOT / "corpus" / "documents").glob("*.txt"))]
        for path in files:
            shutil.copy(path, docs / path.name)
        print(f"mixed corpus: {len(files)} files; seed {args.seed}", flush=True)
        results = [hostile(work)]
        print("hostile inputs done", flush=True)
        base = half_dataset(work, docs)
        results.append(kill_points(work, docs, base, args.points, rng))
        print("kill points done", flush=True)
        results.append(flow_kill_points(work, docs, args.flow_points, rng))
        print("flow kill points done", flush=True)
        results.append(disk_full(work, docs, base, args.disk_points))
        print("full disk done", flush=True)
        results.append(concurrent(work, docs, 3))
        results.append(review_race(work, docs, 2))
    print()
    header = f"{'scenario':<28} {'tried':>6} {'faults':>7} {'recovered':>10} {'rows lost':>10}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.scenario:<28} {r.tried:>6} {r.faults:>7} {r.recovered:>10} {r.rows_lost:>10}")
    print()
    for r in results:
        for note in r.notes:
            print(f"{r.scenario}: {note}")
    total_lost = sum(r.rows_lost for r in results)
    failed = sum(r.faults - r.recovered for r in results if r.scenario != "hostile inputs")
    failed += sum(r.tried - r.faults for r in results if r.scenario.startswith("SIGKILL"))
    print(f"\nrows lost: {total_lost}; unrecovered faults: {failed}")
    sys.exit(1 if total_lost or failed else 0)


if __name__ == "__main__":
    main()
