"""`sistercities run` and `sistercities serve`: ingestion runs through the Prefect flow.

The sources file and the dataset lock are checked before Prefect starts, so the common
mistakes cost no server start-up and print one "Error: ..." line.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from pipeline import dataset, sourcelist
from pipeline.config import Settings
from pipeline.errors import InputError

SOURCES = typer.Option(
    Path("corpus/sources.toml"), "--sources", "-s", help="The sources list (TOML)."
)
OUT = typer.Option(Path("extracted"), "--out", "-o", help="Output folder of the dataset.")
BATCH = typer.Option(32, min=1, help="Documents per batch (one Prefect task each).")
DASK = typer.Option(
    None,
    "--dask",
    help="Run batches on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' "
    "(default: $SISTERCITIES_DASK_ADDRESS, else threads of this process).",
)


def _preflight(sources: Path, out: Path) -> None:
    sourcelist.load(sources)
    dataset.ensure_unlocked(out)


def run(sources: Path = SOURCES, out: Path = OUT, batch_size: int = BATCH, dask: str = DASK):
    """One ingestion run over the sources list into the dataset in --out.

    \b
    Examples:
      sistercities run
      sistercities run --sources corpus/sources.toml --out extracted/
      sistercities run --dask tcp://scheduler:8786
      SISTERCITIES_DASK_ADDRESS=local sistercities run

    Only new and changed documents are cleaned and extracted; an older version of a
    changed document stays in the dataset, marked superseded. Every source ends in one
    state (ok, unchanged, failed:<reason>, skipped:<reason>) in sources.parquet.
    """  # fmt: skip
    _preflight(sources, out)
    if not os.environ.get("PREFECT_API_URL"):
        # The temporary server logs spurious errors about events it has not flushed when
        # it is stopped at the end of the run; they say nothing about the run.
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
        # Its first start in a new PREFECT_HOME creates the database, which on a busy
        # machine takes longer than Prefect's default 20 s.
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from flows import ingest as ingest_flow
    from pipeline.cli import progress_bar

    address = dask or Settings.from_env().dask_address
    with progress_bar("ingesting") as bar:
        task = bar.add_task("ingest", total=None)
        report = ingest_flow.run(
            sources, out, batch_size, address,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    typer.echo(f"wrote {out}/")
    for line in report.lines():
        typer.echo(line)


def serve(
    cron: str = typer.Option(..., help="When to run, as a cron expression (UTC): '0 6 * * *'."),
    sources: Path = SOURCES,
    out: Path = OUT,
    batch_size: int = BATCH,
    dask: str = DASK,
    name: str = typer.Option("scheduled", help="Name of the deployment in the Prefect UI."),
) -> None:
    """Run the ingestion flow on a schedule (needs a Prefect server).

    \b
    Examples:
      prefect server start &
      export PREFECT_API_URL=http://127.0.0.1:4200/api
      sistercities serve --cron "0 6 * * *"
      sistercities serve --cron "*/30 * * * *" --sources corpus/sources.toml -o extracted

    Stays in the foreground and starts a run whenever one is due; stop it with Ctrl-C.
    """  # fmt: skip
    if not os.environ.get("PREFECT_API_URL"):
        raise InputError(
            "schedules need a Prefect server: run `prefect server start` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    sourcelist.load(sources)
    from flows import ingest as ingest_flow

    address = dask or Settings.from_env().dask_address
    ingest_flow.serve(cron, sources, out, batch_size, address, name)
