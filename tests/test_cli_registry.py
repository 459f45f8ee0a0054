"""The registry and report commands."""

import shutil

from .test_cli import run


def test_registry_rewrites_the_tables_and_prints_a_summary(seed_dataset, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(seed_dataset, out)
    (out / "relationships.parquet").unlink()
    proc = run("registry", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "relationships" in proc.stdout and "status" in proc.stdout
    assert (out / "relationships.parquet").exists() and (out / "timeline.csv").exists()


def test_report_writes_one_html_file(seed_dataset, tmp_path):
    dest = tmp_path / "report.html"
    proc = run("report", str(seed_dataset), "--out", str(dest))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {dest}")
    assert dest.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_folder_without_a_dataset_is_one_error_line_and_stays_absent(tmp_path):
    missing = tmp_path / "nothing"
    for command in (
        ["registry", str(missing)],
        ["report", str(missing), "-o", str(tmp_path / "r.html")],
    ):
        proc = run(*command)
        assert proc.returncode == 1
        assert proc.stderr.strip() == (
            f"Error: {missing} is not a dataset (no documents.parquet); "
            "run sistercities extract first"
        )
    assert not missing.exists()


def test_report_help_shows_examples():
    proc = run("report", "--help")
    assert "sistercities report extracted/ --out report.html" in proc.stdout
