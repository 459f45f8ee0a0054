"""The `registry` and `report` commands (registered in pipeline/cli.py)."""

from __future__ import annotations

from pathlib import Path

import typer


def registry(
    dataset: Path = typer.Argument(
        Path("extracted"), help="Dataset folder written by `sistercities extract`."
    ),
) -> None:
    """Merge every document's relations into relationships and timeline tables.

    \b
    Examples:
      sistercities registry extracted/
      sistercities registry /tmp/one

    Writes relationships.parquet/.csv and timeline.parquet/.csv into DATASET,
    replacing the previous ones. `extract` already does this after every run; use
    this after changing the tables (or the registry rules) without re-extracting.
    """  # fmt: skip
    from pipeline import registry as reg

    result = reg.refresh(dataset)
    typer.echo(f"wrote {dataset}/relationships.parquet, timeline.parquet (and .csv)")
    for line in reg.summary_lines(result):
        typer.echo(line)


def report(
    dataset: Path = typer.Argument(
        Path("extracted"), help="Dataset folder written by `sistercities extract`."
    ),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="HTML file to write."),
    title: str = typer.Option(None, help="Page title (default: from the folder name)."),
) -> None:
    """Write a self-contained HTML report of the dataset's relationships.

    \b
    Examples:
      sistercities report extracted/ --out report.html
      sistercities report /tmp/one -o /tmp/one.html --title "Seed documents"

    Counts, establishments and endings per year, every pair with its status,
    timeline and sources, a per-country breakdown and the contradictions to review.
    One file with inline charts: it opens without a network. Reads the dataset only.
    """  # fmt: skip
    from pipeline import report as reporter

    written = reporter.write_report(dataset, out, title)
    typer.echo(
        f"wrote {written.path} ({written.bytes // 1024} KB): {written.relationships} "
        f"relationships, {written.flagged} with contradictions to review"
    )
