"""The command line: real runs, and one clear line for known errors."""

import os
import subprocess
import sys

import pytest

from pipeline import dataset

from .conftest import ROOT, SEEDS, SEEDS_GOLD

CLI = [sys.executable, "-c", "from pipeline.cli import main; main()"]


def run(*args, cwd=ROOT, env=None):
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_extract_writes_the_dataset_and_prints_a_summary(tmp_path):
    proc = run("extract", str(SEEDS), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "documents  5 (5 ok)" in proc.stdout
    assert "pairs" in proc.stdout and "events" in proc.stdout
    assert (tmp_path / "out" / "relations.parquet").exists()


def test_missing_input_is_one_error_line():
    proc = run("extract", "/no/such/folder")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error: /no/such/folder does not exist"


def test_bad_gold_file_is_one_error_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc": "x.txt", "pairs": [{"a": [], "b": ["Y"]}]}\n')
    proc = run("evaluate", str(SEEDS), "--gold", str(gold))
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: gold.jsonl:1, pair 1:")


def test_evaluate_prints_the_figures():
    proc = run("evaluate", str(SEEDS), "--gold", str(SEEDS_GOLD), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "pairs      P 1.000  R 1.000  F1 1.000" in proc.stdout


def test_help_shows_examples():
    proc = run("extract", "--help")
    assert "sistercities extract corpus/documents --out extracted/" in proc.stdout


def test_run_refuses_a_dataset_another_run_is_writing(tmp_path):
    with dataset.lock(tmp_path / "out"):
        proc = run("run", "--out", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"Error: another run (pid {os.getpid()}) is writing to {tmp_path / 'out'}; "
        "wait for it to finish"
    )


def test_run_with_a_broken_sources_list_is_one_error_line(tmp_path):
    (tmp_path / "s.toml").write_text("[[source]]\nurl = 'ftp://x.org/a'\n")
    proc = run("run", "--sources", str(tmp_path / "s.toml"))
    assert proc.returncode == 1
    assert proc.stderr.strip().endswith("'ftp://x.org/a' is not an http(s) URL")


def test_serve_without_a_prefect_server_says_how_to_start_one():
    proc = run("serve", "--cron", "0 6 * * *", env={"PREFECT_API_URL": ""})
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: schedules need a Prefect server: run `prefect server")


@pytest.mark.usefixtures("prefect_harness")
def test_run_ingests_the_sample_list_and_prints_the_summary(tmp_path):
    from prefect.settings import PREFECT_API_URL

    proc = run(
        "run", "--out", str(tmp_path / "out"), env={"PREFECT_API_URL": PREFECT_API_URL.value()}
    )
    assert proc.returncode == 0, proc.stderr
    assert "documents  5 (5 ok)" in proc.stdout
    assert "sources    6 (6 ok)" in proc.stdout
