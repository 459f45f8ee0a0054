"""Extraction over worker processes gives what one process gives, in the same order."""

import dataclasses
import multiprocessing
import threading

import pytest

from pipeline import parallel, runner, sources
from pipeline.config import Settings
from pipeline.models import CleanDocument

from .conftest import SEEDS


def _rows(extractions):
    return [
        (
            ex.document,
            [dataclasses.astuple(r) for r in ex.relations],
            [dataclasses.astuple(e) for e in ex.events],
            [dataclasses.astuple(a) for a in ex.actors],
        )
        for ex in extractions
    ]


def test_two_workers_give_the_single_process_rows(seed_extractions, devset_extractions):
    single = list(devset_extractions) + list(seed_extractions)
    docs = [ex.document for ex in single]
    both = parallel.ParallelExtractor(Settings(workers=2)).extract(docs)
    assert _rows(both) == _rows(single)


def test_workers_read_and_clean_files_in_input_order(seed_extractions):
    paths = sources.discover(SEEDS)
    there = parallel.ParallelExtractor(Settings(workers=2)).stream(paths, runner.read_and_clean)
    assert _rows(there) == _rows(seed_extractions)


def test_a_kept_pool_serves_every_call_and_ends_with_the_block(seed_extractions):
    docs = [ex.document for ex in seed_extractions]
    before = {p.pid for p in multiprocessing.active_children()}  # e.g. a flow's kept pool
    with parallel.ParallelExtractor(Settings(workers=2)) as pool:
        first = pool.extract(docs[:2])
        workers = {p.pid for p in multiprocessing.active_children()} - before
        second = pool.extract(docs[2:])
        assert {p.pid for p in multiprocessing.active_children()} - before == workers
    assert {p.pid for p in multiprocessing.active_children()} == before
    assert _rows(first + second) == _rows(seed_extractions)


def test_spawned_workers_load_their_own_model_and_give_the_same_rows(seed_extractions):
    docs = [ex.document for ex in seed_extractions[:2]]
    with parallel.ParallelExtractor(Settings(workers=2), start_method="spawn") as pool:
        assert _rows(pool.extract(docs)) == _rows(seed_extractions[:2])


def test_workers_started_by_a_thread_outlive_it(seed_extractions):
    # A worker dies with the thread that started it; a Prefect task's thread ends early.
    docs = [ex.document for ex in seed_extractions[:2]]
    found = {}
    with parallel.ParallelExtractor(Settings(workers=2), start_method="spawn") as pool:
        starter = threading.Thread(target=lambda: found.update(first=_rows(pool.extract(docs))))
        starter.start()
        starter.join()
        assert _rows(pool.extract(docs)) == found["first"] == _rows(seed_extractions[:2])


def test_a_process_keeps_one_shared_pool_per_settings():
    settings = Settings.from_env()  # the flows' settings: the same pool, not another one
    assert parallel.shared(settings) is parallel.shared(Settings.from_env())
    assert parallel.shared(Settings(workers=1)) is None


def _broken(path):
    raise ValueError(f"cannot prepare {path}")


def test_an_error_in_a_worker_raises_in_the_caller():
    paths = sources.discover(SEEDS)
    with pytest.raises(ValueError, match="cannot prepare"):
        list(parallel.ParallelExtractor(Settings(workers=2)).stream(paths, _broken))


def test_an_error_in_one_caller_leaves_a_kept_pool_serving_the_others(seed_extractions):
    docs = [ex.document for ex in seed_extractions[:2]]
    paths = sources.discover(SEEDS)
    with parallel.ParallelExtractor(Settings(workers=2)) as pool:
        first = _rows(pool.extract(docs))
        workers = {p.pid for p in multiprocessing.active_children()}
        with pytest.raises(ValueError, match="cannot prepare"):
            list(pool.stream(paths, _broken))
        assert _rows(pool.extract(docs)) == first
        assert {p.pid for p in multiprocessing.active_children()} == workers


def test_chunks_close_at_the_document_or_size_limit():
    docs = [
        CleanDocument(doc_id=str(i), source="s", source_name="s", text="x" * size)
        for i, size in enumerate([100] * 10 + [parallel.CHUNK_CHARS] + [100] * 9)
    ]
    chunks = list(parallel.chunks(iter(docs)))
    assert [c for c, _ in chunks] == [docs[:8], docs[8:10], [docs[10]], docs[11:19], [docs[19]]]
    assert sum(size for _, size in chunks) == sum(len(d.text) for d in docs)


def test_a_generator_of_documents_streams_through_the_workers(seed_extractions):
    docs = (ex.document for ex in seed_extractions)
    out = parallel.ParallelExtractor(Settings(workers=2)).stream(docs)
    assert _rows(out) == _rows(seed_extractions)


def test_worker_count_is_never_more_than_the_items():
    assert parallel.worker_count(4, 1) == 1
    assert parallel.worker_count(0, 100) == parallel.available_cores()
    assert parallel.worker_count(3, 100) == 3


def test_item_size_is_characters_of_a_document_or_bytes_of_a_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 42)
    doc = CleanDocument(doc_id="d", source="s", source_name="s", text="abc")
    assert parallel.item_size(doc) == 3
    assert parallel.item_size(path) == 42
    assert parallel.item_size(tmp_path / "missing.txt") == 0
