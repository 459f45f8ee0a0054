"""Extraction on every core: worker processes forked after the model is loaded.

A document's extraction depends on that document alone, so documents can go to any
process and come back in their input order: the output is the same as one
`Extractor` in one process (tests/test_parallel.py). The parent loads the spaCy model
and the gazetteer once and forks the workers, which share those pages instead of
loading their own copies (about a second each).

Work goes out in small chunks, the longest first within a window of chunks, so one
long document does not leave the other core idle at the end; at most two windows are
in flight, so memory stays flat however many documents a run has. Workers can also read
and clean the files themselves (`prepare`), which is most of the cost of HTML pages.
With fewer than two documents or one usable core, everything runs in this process.

A process that runs threads of its own (the Prefect flow) must not fork: it keeps one
pool of spawned workers, each with its own model, for as long as it lives (`shared`),
and sends them any per-document work (`map`), e.g. clean, then extract.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import chain, islice
from typing import Any

from pipeline.config import Settings
from pipeline.extract import Extractor
from pipeline.ids import doc_id_for
from pipeline.models import CleanDocument, Extraction

# A chunk (one task) closes at this many documents or characters: enough to batch the
# parser calls of short documents, small enough that the workers finish together.
CHUNK_DOCS = 8
CHUNK_CHARS = 16_000
# Chunks per worker in one window (ordered longest first, results held until drained).
WINDOW_PER_WORKER = 16
_PR_SET_PDEATHSIG = 1  # prctl option, <linux/prctl.h>

_WARM_TEXT = (
    "Nantes and Cardiff signed a twinning agreement on 12 March 1964, Mayor Jean Dupont said.\n"
    "The sister city partnership was suspended in June last year by the council."
)
WARM_UP = CleanDocument(
    doc_id=doc_id_for(_WARM_TEXT), source="warm-up", source_name="warm-up", text=_WARM_TEXT
)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(requested: int, n_items: int) -> int:
    """Processes to use: `requested` (0: one per usable core), never more than items;
    one inside a daemonic process (e.g. a pool worker), which may not have children."""
    if multiprocessing.current_process().daemon:
        return 1
    wanted = requested if requested > 0 else available_cores()
    return max(1, min(wanted, n_items))


def item_size(item: Any) -> int:
    """Characters of a document, or bytes of a file: the cost estimate for ordering."""
    if isinstance(item, CleanDocument):
        return len(item.text)
    try:
        return os.path.getsize(item)
    except (OSError, TypeError):
        return 0


def chunks(
    items: Iterable, size_of: Callable[[Any], int] = item_size
) -> Iterator[tuple[list, int]]:
    """Consecutive items grouped into tasks, with each task's total size (lazily)."""
    current: list = []
    total = 0
    for item in items:
        size = size_of(item)
        if current and (len(current) >= CHUNK_DOCS or total + size > CHUNK_CHARS):
            yield current, total
            current, total = [], 0
        current.append(item)
        total += size
    if current:
        yield current, total


class ParallelExtractor:
    """`Extractor` over a pool of worker processes.

    `extract(docs)` returns what `Extractor(settings).extract(docs)` returns;
    `stream(items, prepare)` yields one extraction per item, in input order, with
    `prepare(item)` (a module-level function, e.g. read and clean a path) run in the
    workers too. Used as a context manager, one pool serves every call until the end of
    the `with` block; otherwise each call starts its own workers and ends them.

    `start_method` "fork" (the default) starts workers in milliseconds, sharing the
    loaded model; "spawn" or "forkserver" suit a caller that runs threads of its own
    (forking a threaded process can copy a lock that some thread holds), at the price of
    each worker loading the model itself: keep such a pool open across calls.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        workers: int | None = None,
        start_method: str = "fork",
    ):
        self.settings = settings or Settings.from_env()
        self.requested = self.settings.workers if workers is None else workers
        self.start_method = start_method
        self.extractor = Extractor(self.settings)
        self.warm = False
        self._pool: ProcessPoolExecutor | None = None
        self._workers = 0
        self._keep = False
        self.shared = False  # see `shared`
        # Calls may come from several threads: one starts the pool, one at a time uses
        # the model of this process.
        self._starting = threading.Lock()
        self._in_process = threading.Lock()
        self._closing = threading.Event()

    def __enter__(self) -> ParallelExtractor:
        self._keep = True
        return self

    def __exit__(self, *exc) -> None:
        self._keep = False
        self.close()

    def close(self) -> None:
        self._closing.set()
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def warm_up(self) -> None:
        """Load the model and run every stage once, so that what loads or compiles on
        first use (dateparser's data, regexes) is done once, here, and shared by the
        workers forked later rather than redone in each of them."""
        if not self.warm:
            self.extractor.extract([WARM_UP])
            self.warm = True

    def extract(self, docs: Sequence[CleanDocument]) -> list[Extraction]:
        return list(self.stream(docs))

    def stream(
        self,
        items: Iterable,
        prepare: Callable[[Any], CleanDocument] | None = None,
        batch_size: int = 32,
    ) -> Iterator[Extraction]:
        """Items are read as the workers need them, so an iterator of any length runs in
        the memory of a few windows of documents."""
        work = partial(_extract_prepared, prepare) if prepare else _extract
        return self.map(items, work, batch_size=batch_size)

    def map(
        self,
        items: Iterable,
        work: Callable[[Extractor, list], list],
        size_of: Callable[[Any], int] = item_size,
        batch_size: int = 32,
    ) -> Iterator:
        """`work(extractor, chunk)` (module-level, one result per item) over every item,
        in the workers; results in input order. Several threads may share one kept pool."""
        it = iter(items)
        head = list(islice(it, 2))
        # An iterator of unknown length gets every worker asked for.
        n = len(items) if isinstance(items, Sized) else len(head) if len(head) < 2 else 1 << 30
        # A started pool takes even a single document; a shared one starts for it, so
        # that the model is never loaded in this process as well as in the workers.
        if self._pool is None and not self.shared:
            workers = worker_count(self.requested, n)
        else:
            workers = self._workers or worker_count(self.requested, 1 << 30)
        if workers == 1:
            yield from self._here(chain(head, it), work, batch_size)
            return
        yield from self._there(chain(head, it), work, size_of, workers)

    def _here(self, items: Iterator, work, batch_size: int) -> Iterator:
        while batch := list(islice(items, batch_size)):
            with self._in_process:
                done = work(self.extractor, batch)
            yield from done

    def _there(self, items: Iterator, work, size_of, workers: int) -> Iterator:
        pool, started = self._start(workers)
        tasks = chunks(items, size_of)
        width = started * WINDOW_PER_WORKER
        in_flight: deque[list[Future]] = deque()
        try:
            for _ in range(2):
                if window := list(islice(tasks, width)):
                    in_flight.append(_submit(pool, window, work))
            while in_flight:
                for future in in_flight[0]:
                    yield from future.result()
                in_flight.popleft()
                if window := list(islice(tasks, width)):
                    in_flight.append(_submit(pool, window, work))
        except BaseException as exc:
            for window in in_flight:  # the one being read included
                for future in window:
                    future.cancel()
            # A kept pool serves other callers (a flow's threads): one caller's error
            # ends only its own work, unless the pool itself is broken or unkept.
            if not self._keep or isinstance(exc, (BrokenProcessPool, KeyboardInterrupt)):
                self.close()
            raise
        if not self._keep:
            self.close()

    def _start(self, workers: int) -> tuple[ProcessPoolExecutor, int]:
        with self._starting:
            if self._pool is None:
                self._closing = threading.Event()
                if threading.current_thread() is threading.main_thread():
                    self._pool, self._workers = self._new_pool(workers)
                else:
                    self._pool, self._workers = self._in_keeper(workers)
            return self._pool, self._workers

    def _in_keeper(self, workers: int) -> tuple[ProcessPoolExecutor, int]:
        """Start the workers from a thread that lives until `close`: a worker dies with
        the thread that started it (PR_SET_PDEATHSIG follows the thread, not the
        process), and a caller's thread (a Prefect task's) may end long before the pool."""
        box: dict[str, Any] = {}
        ready, closing = threading.Event(), self._closing

        def keep() -> None:
            try:
                box["pool"] = self._new_pool(workers)
            except BaseException as exc:
                box["error"] = exc
            ready.set()
            closing.wait()

        threading.Thread(target=keep, name="sistercities-workers", daemon=True).start()
        ready.wait()
        if "error" in box:
            raise box["error"]
        return box["pool"]

    def _new_pool(self, workers: int) -> tuple[ProcessPoolExecutor, int]:
        if self.start_method == "fork":
            self.warm_up()
            initargs: tuple = (self.extractor, None, os.getpid())
        else:
            initargs = (None, self.settings, os.getpid())
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(self.start_method),
            initializer=_start_worker,
            initargs=initargs,
        )
        # Objects that exist at the fork are never collected by the workers' garbage
        # collector, so it does not write to (and copy) the pages they share with us.
        gc.freeze()
        try:
            for f in [pool.submit(_ready) for _ in range(workers)]:
                f.result()  # every worker started (and, unless forked, loaded its model)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
        finally:
            gc.unfreeze()
        return pool, workers


_SHARED: dict[Settings, ParallelExtractor] = {}
_SHARED_LOCK = threading.Lock()


def shared(settings: Settings) -> ParallelExtractor | None:
    """This process's kept pool of spawned workers for `settings`, started on first use
    and ended at exit; None where the settings or the machine allow one process only.
    For callers that run threads: they must not fork, and a spawned worker takes a
    second or two to load its model, paid once per process rather than once per call."""
    if worker_count(settings.workers, 1 << 30) == 1:
        return None
    with _SHARED_LOCK:
        pool = _SHARED.get(settings)
        if pool is None:
            pool = _SHARED[settings] = ParallelExtractor(settings, start_method="spawn")
            pool.shared = True
            pool.__enter__()
            atexit.register(pool.close)
        return pool


def _submit(pool: ProcessPoolExecutor, window: list[tuple[list, int]], work) -> list[Future]:
    """Submit the longest tasks first; the futures come back in input order."""
    futures: list[Future | None] = [None] * len(window)
    for j in sorted(range(len(window)), key=lambda j: -window[j][1]):
        futures[j] = pool.submit(_work, window[j][0], work)
    return futures  # type: ignore[return-value]


_extractor: Extractor | None = None


def _die_with_parent(parent: int) -> None:
    """A worker whose parent is killed (SIGKILL, OOM) ends too, instead of waiting for
    work forever with its share of the model's memory."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # died before the request above took effect
        os._exit(1)


def _start_worker(extractor: Extractor | None, settings: Settings | None, parent: int) -> None:
    global _extractor
    _die_with_parent(parent)
    if extractor is None:  # not forked: load our own model and warm it up
        extractor = Extractor(settings)
        extractor.extract([WARM_UP])
    _extractor = extractor
    # Ctrl-C is the parent's to handle: it stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ready() -> None:
    return None


def _work(chunk: list, work) -> list:
    assert _extractor is not None, "worker started without an extractor"
    return work(_extractor, chunk)


def _extract_prepared(prepare, extractor: Extractor, chunk: list) -> list[Extraction]:
    return extractor.extract([prepare(x) for x in chunk])


def _extract(extractor: Extractor, chunk: list) -> list[Extraction]:
    return extractor.extract(chunk)
