"""Crashes, full disks, concurrent runs and reviewers at work during a run: a run never
loses what was written before it. The quick versions of `make reliability`."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time

import pyarrow.parquet as pq
import pytest

from pipeline import dataset, registry, runner
from pipeline.errors import DatasetError
from pipeline.schema import DOCUMENTS, TABLES

from . import faults
from .conftest import SEEDS, bench_pages


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A small mixed corpus (the seeds and real news pages) and its dataset from one
    uninterrupted run, with how long that run took."""
    root = tmp_path_factory.mktemp("mixed")
    docs = root / "docs"
    docs.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, docs / path.name)
    for i, page in enumerate(bench_pages(12)):
        (docs / f"page{i:03d}.html.gz").write_bytes(page)
    out = root / "reference"
    started = time.monotonic()
    proc = faults.run(faults.extract_cmd(docs, out))
    assert proc.returncode == 0, proc.stderr
    return docs, faults.snapshot(out), time.monotonic() - started


@pytest.mark.parametrize("share", [0.35, 0.8])
def test_run_killed_at_any_point_then_rerun_equals_an_uninterrupted_run(mixed, tmp_path, share):
    docs, reference, seconds = mixed
    out = tmp_path / "out"
    killed = faults.run_and_kill(faults.extract_cmd(docs, out), out, share * seconds)
    assert killed.orphans == 0  # the workers die with their parent
    proc = faults.run(faults.extract_cmd(docs, out))
    assert proc.returncode == 0, proc.stderr
    assert faults.differences(reference, faults.snapshot(out)) == []
    assert faults.leftovers(out) == []


def test_flow_run_killed_midway_leaves_no_process_and_the_rerun_gives_the_rows_of_extract(
    mixed, tmp_path
):
    docs, reference, _ = mixed
    sources = tmp_path / "sources.toml"
    sources.write_text(f"[[source]]\npath = '{docs}'\n", encoding="utf-8")
    out = tmp_path / "out"
    # Small batches: the first texts are written while later batches are extracted.
    run = faults.run_cmd(sources, out, "--batch-size", "4")
    killed = faults.run_and_kill(run, out, 300, when="texts/*.txt")
    assert not killed.finished
    assert killed.orphans == 0  # its worker processes and Prefect's temporary server
    proc = faults.run(faults.run_cmd(sources, out))
    assert proc.returncode == 0, proc.stderr
    for table in TABLES:
        expected = dataset.read_table(docs.parent / "reference", table)
        assert dataset.read_table(out, table).equals(expected), table.name
    texts = {k: v for k, v in faults.snapshot(out).items() if k.startswith("texts/")}
    assert texts == {k: v for k, v in reference.items() if k.startswith("texts/")}
    assert faults.leftovers(out) == []


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no cleanup handler catches it."""


def test_run_killed_between_the_renames_of_a_commit_is_rolled_forward(tmp_path, monkeypatch):
    paths = sorted(SEEDS.glob("*.txt"))
    reference = tmp_path / "reference"
    runner.extract_paths(paths, reference)
    out = tmp_path / "out"
    runner.extract_paths(paths[:2], out)
    real_replace = os.replace
    renamed = []

    def dying_replace(src, dst):
        if (out / faults.JOURNAL).exists() and len(renamed) == 2:
            raise _Killed
        if (out / faults.JOURNAL).exists():
            renamed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(_Killed):
        runner.extract_paths(paths, out)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (out / faults.JOURNAL).exists() and len(renamed) == 2  # half the tables are new
    runner.extract_paths(paths, out)
    assert faults.differences(faults.snapshot(reference), faults.snapshot(out)) == []
    assert faults.leftovers(out) == []


def test_a_reader_finishes_a_commit_a_killed_run_left_half_done(tmp_path, monkeypatch):
    paths = sorted(SEEDS.glob("*.txt"))
    out = tmp_path / "out"
    runner.extract_paths(paths[:2], out)
    real_replace = os.replace

    def dying_replace(src, dst):
        if (out / faults.JOURNAL).exists() and str(dst).endswith("relations.parquet"):
            raise _Killed
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(_Killed):
        runner.extract_paths(paths, out)
    monkeypatch.undo()
    dataset.read_table(out, DOCUMENTS)  # as the review app or a report reads it
    assert not (out / faults.JOURNAL).exists()
    reference = tmp_path / "reference"
    runner.extract_paths(paths, reference)
    for table in ("documents.parquet", "relations.parquet", "events.parquet", "actors.parquet"):
        assert (out / table).read_bytes() == (reference / table).read_bytes()
    assert faults.leftovers(out) == []


def test_a_relative_output_folder_commits_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner.extract_paths(sorted(SEEDS.glob("*.txt"))[:2], "out")
    assert (tmp_path / "out" / "relations.parquet").exists()
    assert faults.leftovers(tmp_path / "out") == []


def test_stale_temporary_files_are_removed_by_the_next_writer(tmp_path):
    out = tmp_path / "out"
    runner.extract_paths(sorted(SEEDS.glob("*.txt"))[:1], out)
    stale = [out / ".events.parquet.x1.tmp", out / "texts" / ".abc.txt.x2.tmp"]
    for path in stale:
        path.write_bytes(b"half a file")
    with dataset.lock(out):
        pass
    assert not any(p.exists() for p in stale)


def test_disk_full_while_writing_texts_keeps_the_dataset_and_prints_one_error(mixed, tmp_path):
    docs, _, _ = mixed
    out = tmp_path / "out"
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    assert faults.run(faults.extract_cmd(seeds, out)).returncode == 0
    before = faults.snapshot(out)
    proc = faults.run(faults.extract_cmd(docs, out), fsize=1024)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: could not write ")
    assert "size limit is full" in lines[0]
    after = faults.snapshot(out)
    assert {k: after.get(k) for k in before} == before
    assert faults.leftovers(out) == []
    assert dataset.lock_holder(out) is None


def test_disk_full_while_writing_tables_changes_no_table(seed_dataset, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(seed_dataset, out)
    before = faults.snapshot(out)
    real = pq.write_table
    calls = []

    def full_disk(table, where, **kwargs):
        calls.append(where)
        if len(calls) == 3:  # two tables staged, the third finds the disk full
            real(table, where, **kwargs)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", full_disk)
    with pytest.raises(DatasetError, match="No space left on device"):
        runner.extract_paths(sorted(SEEDS.glob("*.txt")), out, force=True)
    monkeypatch.undo()
    assert faults.differences(before, faults.snapshot(out)) == []
    assert faults.leftovers(out) == []


def test_two_runs_started_at_once_one_refuses_cleanly(mixed, tmp_path):
    docs, reference, _ = mixed
    out = tmp_path / "out"
    cmd = faults.extract_cmd(docs, out)
    procs = [
        subprocess.Popen(cmd, env=faults.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=600), p.stderr.read().decode()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1]
    refused = next(err for code, err in results if code == 1)
    assert refused.strip().startswith("Error: another run (pid ")
    assert refused.strip().endswith("wait for it to finish")
    assert faults.differences(reference, faults.snapshot(out)) == []


def test_review_decisions_made_during_a_rerun_are_all_kept(seed_dataset, tmp_path, monkeypatch):
    monkeypatch.delenv("SISTERCITIES_REVIEW_DB", raising=False)
    out = tmp_path / "out"
    shutil.copytree(seed_dataset, out)
    race = faults.review_during(faults.extract_cmd(SEEDS, out, "--force"), out)
    assert race.returncode == 0, race.stderr
    assert race.decided >= 10
    assert race.during > 0  # some decisions really were written while the run was writing
    assert race.stored == race.kept == race.decided
    assert race.orphans == 0
    # A decision saved after the run read the review store still reaches the registry:
    # the next run sees new inputs and rebuilds it.
    runner.extract_paths(sorted(SEEDS.glob("*.txt")), out)
    fresh = tmp_path / "fresh"
    shutil.copytree(out, fresh)
    registry.refresh(fresh)
    for name in ("relationships.parquet", "timeline.parquet"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes()
