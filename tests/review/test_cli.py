"""The review and export commands, run as a user runs them."""

import csv
import re
import signal
import subprocess
import sys

import httpx

from ..conftest import ROOT

CLI = [sys.executable, "-c", "from pipeline.cli import main; main()"]


def run(*args):
    return subprocess.run(
        [*CLI, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_review_serves_on_localhost_and_prints_the_url(ds):
    proc = subprocess.Popen(
        [*CLI, "review", str(ds), "--port", "0", "--reviewer", "alice"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        url = re.search(r"http://127\.0\.0\.1:\d+/", lines[1]).group(0)
        assert "as alice" in lines[0]
        res = httpx.get(url, timeout=10)  # the socket is listening before the URL is printed
        assert res.status_code == 200 and "sistercities review" in res.text
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def test_export_writes_the_reviewed_csv_and_lists_the_files(ds, tmp_path):
    proc = run("export", ds, "--reviewed", "--format", "csv", "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert "relations.csv" in proc.stdout and "spans checked" in proc.stdout
    assert (tmp_path / "out" / "datapackage.json").exists()


def test_an_unknown_export_format_is_one_error_line(ds):
    proc = run("export", ds, "--format", "xlsx")
    assert proc.returncode == 1
    assert (
        proc.stderr.strip() == "Error: format must be one of parquet, csv, labelstudio, not 'xlsx'"
    )


def test_import_of_an_invalid_file_lists_rows_then_one_error(ds, tmp_path):
    queue = tmp_path / "q.csv"
    assert run("review", "queue-csv", ds, "-o", queue).returncode == 0
    with open(queue, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["decision"] = "maybe"
    with open(queue, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    proc = run("review", "import", queue, "--dataset", ds)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("row 2: decision must be")
    assert lines[-1].startswith("Error: q.csv: 1 invalid row(s), nothing was applied")


def test_status_counts_candidates_and_orphans(ds):
    proc = run("review", "status", ds)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"candidates \d+: unreviewed \d+", proc.stdout)
    assert "orphaned   0" in proc.stdout


def test_review_of_a_folder_without_a_dataset_is_one_error_line(tmp_path):
    proc = run("review", "status", tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"Error: {tmp_path} holds no dataset (no documents.parquet rows)"
