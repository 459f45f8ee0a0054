"""extract_paths: an unchanged rerun skips its files and leaves the dataset as it was."""

import errno
import os
import shutil

import pytest

from pipeline import manifest, runner
from pipeline.config import Settings
from pipeline.errors import DatasetError

from .conftest import SEEDS


def _files(folder):
    return {
        p.relative_to(folder): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def _mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.parquet")}


@pytest.fixture(scope="module")
def two_seeds(tmp_path_factory):
    """Two seed files and a dataset extracted from them (copy both before changing them)."""
    root = tmp_path_factory.mktemp("two-seeds")
    docs = root / "docs"
    docs.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(path, docs / path.name)
    runner.extract_paths(sorted(docs.glob("*.txt")), root / "out")
    return root


def _copy(two_seeds, tmp_path):
    """The module's dataset and its source files at the same paths as before."""
    out = tmp_path / "out"
    shutil.copytree(two_seeds / "out", out)
    return sorted((two_seeds / "docs").glob("*.txt")), out


def test_an_unchanged_rerun_extracts_nothing_and_changes_no_file(two_seeds, tmp_path):
    paths, out = _copy(two_seeds, tmp_path)
    before, mtimes = _files(out), _mtimes(out)
    summary = runner.extract_paths(paths, out)
    assert (summary.documents, summary.unchanged) == (0, 2)
    assert _files(out) == before
    assert _mtimes(out) == mtimes  # not even rewritten with the same bytes


def test_a_changed_file_is_extracted_again_and_only_it(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(path, docs / path.name)
    paths = sorted(docs.glob("*.txt"))
    runner.extract_paths(paths, tmp_path / "out")
    paths[1].write_text(paths[1].read_text() + "\nA line added later.\n")
    summary = runner.extract_paths(paths, tmp_path / "out")
    assert (summary.documents, summary.unchanged) == (1, 1)


def test_force_extracts_unchanged_files_again(two_seeds, tmp_path):
    paths, out = _copy(two_seeds, tmp_path)
    summary = runner.extract_paths(paths, out, force=True)
    assert (summary.documents, summary.unchanged) == (2, 0)


def test_other_settings_extract_everything_again(two_seeds, tmp_path):
    paths, out = _copy(two_seeds, tmp_path)
    summary = runner.extract_paths(paths, out, Settings(prefilter=False))
    assert (summary.documents, summary.unchanged) == (2, 0)


def test_a_missing_text_file_brings_its_document_back(two_seeds, tmp_path):
    paths, out = _copy(two_seeds, tmp_path)
    texts = sorted((out / "texts").glob("*.txt"))
    kept = texts[0].read_bytes()
    texts[0].unlink()
    summary = runner.extract_paths(paths, out)
    assert (summary.documents, summary.unchanged) == (1, 1)
    assert texts[0].read_bytes() == kept


def test_tables_changed_by_another_writer_are_checked_for_the_documents(two_seeds, tmp_path):
    paths, out = _copy(two_seeds, tmp_path)
    runner.extract_paths(paths[:1], out, force=True)  # rewrites the tables
    saved = manifest.Manifest.load(out)
    saved.tables = "written by someone else"
    saved.save(out)
    summary = runner.extract_paths(paths, out)
    assert (summary.documents, summary.unchanged) == (0, 2)


def test_a_deleted_registry_is_rebuilt_on_an_unchanged_rerun(two_seeds, tmp_path):
    paths, out = _copy(two_seeds, tmp_path)
    kept = (out / "relationships.parquet").read_bytes()
    (out / "relationships.parquet").unlink()
    runner.extract_paths(paths, out)
    assert (out / "relationships.parquet").read_bytes() == kept


def test_the_registry_inputs_include_the_review_store(tmp_path):
    code = manifest.fingerprint(Settings())
    tables = manifest.tables_hash(tmp_path)
    without = manifest.registry_inputs(tmp_path, tables, code)
    (tmp_path / "review.sqlite").write_bytes(b"decisions")
    assert manifest.registry_inputs(tmp_path, tables, code) != without


def test_an_unreadable_manifest_counts_every_file_as_new(tmp_path):
    (tmp_path / manifest.FILE_NAME).write_text("{not json")
    assert manifest.Manifest.load(tmp_path) == manifest.Manifest()


def test_a_manifest_that_cannot_be_synced_leaves_the_old_one(tmp_path, monkeypatch):
    old = manifest.Manifest("fp", {"a.txt": {"sha256": "x", "doc_id": "d", "text": False}})
    old.save(tmp_path)
    before = (tmp_path / manifest.FILE_NAME).read_bytes()

    def full_disk(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(DatasetError, match="size limit is full.*next run will extract"):
        manifest.Manifest("other").save(tmp_path)
    monkeypatch.undo()
    assert (tmp_path / manifest.FILE_NAME).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [manifest.FILE_NAME]
