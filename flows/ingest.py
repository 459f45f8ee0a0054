"""The ingestion flow: discover -> fetch -> clean + extract -> write -> summarise.

Thin wiring of `pipeline.ingest` into Prefect: one task per batch of documents, fetch
batches one after another (each hands its politeness state to the next) while earlier
batches are cleaned and extracted, and the writing in the flow's own process, which
holds the dataset lock for the whole run. Each run leaves a Markdown report and a table
of failed and skipped sources as artifacts.

Batches run in threads of this process by default, which hand the cleaning and
extraction to worker processes (one per core; `SISTERCITIES_WORKERS`). With a Dask
scheduler address (`dask_address`, $SISTERCITIES_DASK_ADDRESS or `sistercities run
--dask`) they run on that cluster through prefect-dask, and "local" starts a temporary
cluster here.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.schedules import CronSchedule
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    PREFECT_SERVER_EPHEMERAL_ENABLED,
    temporary_settings,
)
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows import server
from pipeline import dataset, ingest, parallel, sourcelist, state
from pipeline.config import FetchSettings, Settings
from pipeline.errors import InputError
from pipeline.fetch import HostState
from pipeline.parallel import ParallelExtractor
from pipeline.runreport import RunReport

# Batches cleaned and extracted ahead of the writer; bounds the rows held in memory.
WINDOW = 16


@task(name="discover", cache_policy=NO_CACHE)
def discover(listing, prior, run, out: str) -> ingest.Discovery:
    found = ingest.discover(listing, prior, run, out)
    get_run_logger().info(
        "%d document sources from %d listed entries", len(found.refs), len(listing.sources)
    )
    return found


@task(
    name="fetch",
    task_run_name="fetch batch {number}/{total}",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
)
def fetch(refs, settings: FetchSettings, host_state: HostState, number: int, total: int):
    batch = ingest.fetch_batch(refs, settings, host_state, number)
    get_run_logger().info("batch %d/%d: %s", number, total, batch.describe())
    return batch


@task(
    name="clean and extract",
    task_run_name="clean + extract batch {number}/{total}",
    cache_policy=NO_CACHE,
)
def clean_and_extract(batch, settings: Settings, run, number: int, total: int, pool=None):
    processed = ingest.process_batch(batch, settings, run, pool)
    get_run_logger().info("batch %d/%d: %s", number, total, processed.describe())
    return processed


@task(name="write", task_run_name="write batch {number}/{total}", cache_policy=NO_CACHE)
def write(writer, processed, number: int, total: int) -> int:
    return ingest.write_batch(writer, processed)


@task(name="summarise", cache_policy=NO_CACHE)
def summarise(out: str, writer, prior, run, found, processed, seconds: float) -> RunReport:
    report = ingest.finish(out, writer, prior, run, found, processed, seconds)
    create_markdown_artifact(
        markdown=report.markdown(),
        key="sistercities-ingest-report",
        description=f"Ingestion run into {out}",
    )
    if report.problems:
        create_table_artifact(
            table=report.problem_rows(),
            key="sistercities-ingest-problems",
            description="Sources that failed or were skipped",
        )
    for line in report.lines():
        get_run_logger().info(line)
    return report


@flow(name="sistercities-ingest", flow_run_name="ingest {sources}", validate_parameters=True)
def ingest_flow(
    sources: str = "corpus/sources.toml", out: str = "extracted", batch_size: int = 32
) -> RunReport:
    """One ingestion run over the sources listed in `sources` into the dataset `out`."""
    started = time.monotonic()
    listing = sourcelist.load(sources)
    settings = Settings.from_env()
    run = ingest.new_run(str(flow_run.id) if flow_run.id else None)
    pool = local_workers(settings)
    with dataset.lock(out):
        prior = state.load(out, settings)
        found = discover(quote(listing), quote(prior), run, out)
        groups = ingest.batches(found.refs, batch_size)
        total = len(groups)
        done = 0
        _progress(done, len(found.refs))
        writer = dataset.DatasetWriter(out, settings)
        processed: list = []
        pending: deque = deque()

        def write_oldest() -> None:
            nonlocal done
            batch = pending.popleft().result()
            write(quote(writer), quote(batch), batch.number, total)
            processed.append(batch)
            done += len(batch.outcomes)
            _progress(done, len(found.refs))

        # Submitted arguments are not quote()d: prefect-dask turns a quote into a tuple.
        future = (
            fetch.submit(groups[0], listing.fetch, found.host_state, 1, total) if groups else None
        )
        for number in range(1, total + 1):
            fetched = future.result()
            ingest.keep_raw(out, fetched)
            if number < total:
                future = fetch.submit(
                    groups[number], listing.fetch, fetched.host_state, number + 1, total
                )
            pending.append(clean_and_extract.submit(fetched, settings, run, number, total, pool))
            if len(pending) > WINDOW:
                write_oldest()
        while pending:
            write_oldest()
        return summarise(
            out, quote(writer), quote(prior), run, quote(found), quote(processed),
            time.monotonic() - started,
        )  # fmt: skip


def local_workers(settings: Settings) -> ParallelExtractor | None:
    """Worker processes of this machine for cleaning and extraction, when batches run in
    threads here (under Dask the cluster's workers do it): the threads then only hand
    out documents. Spawned, never forked (this process runs threads), and kept for the
    life of the process, so each loads its model once."""
    context = FlowRunContext.get()
    if context is None or not isinstance(context.task_runner, ThreadPoolTaskRunner):
        return None
    return parallel.shared(settings)


def task_runner(address: str | None):
    """None (threads of this process), or a DaskTaskRunner for 'local' or an address."""
    if not address:
        return None
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner() if address == "local" else DaskTaskRunner(address=address)


def _flow(dask_address: str | None):
    runner = task_runner(dask_address)
    return ingest_flow if runner is None else ingest_flow.with_options(task_runner=runner)


# Told of every batch written, with the documents done and found (a progress bar).
_progress_hook: Callable[[int, int], None] | None = None


def _progress(done: int, total: int) -> None:
    if _progress_hook is not None:
        _progress_hook(done, total)


def run(
    sources: str | Path = "corpus/sources.toml",
    out: str | Path = "extracted",
    batch_size: int = 32,
    dask_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """One ingestion run, here and now; `progress(done, total)` hears of each batch
    written (the flow's parameters must stay plain data, so it is no parameter)."""
    global _progress_hook
    _progress_hook = progress
    try:
        with _one_off():
            return _flow(dask_address)(sources=str(sources), out=str(out), batch_size=batch_size)
    finally:
        _progress_hook = None


def _one_off():
    """On Prefect's temporary server (no PREFECT_API_URL), which ends with this process,
    no heartbeats: they let a lasting server notice a crashed run, nobody watches them
    here, and stopping their thread holds up the end of every run by up to a second."""
    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return contextlib.nullcontext()
    server.start_temporary()  # stopped with this process, even a killed one
    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def serve(
    cron: str,
    sources: str | Path,
    out: str | Path,
    batch_size: int = 32,
    dask_address: str | None = None,
    name: str = "scheduled",
) -> None:
    """Register the flow with the Prefect server on a cron schedule and run it when due."""
    try:
        CronSchedule(cron=cron)
    except ValueError:
        raise InputError(f"{cron!r} is not a cron expression (e.g. '0 6 * * *')") from None
    _flow(dask_address).serve(
        name=name,
        cron=cron,
        # Paths as given, like `sistercities run`: source rows are keyed by them, and
        # scheduled runs start in this process's working directory.
        parameters={"sources": str(sources), "out": str(out), "batch_size": batch_size},
    )
