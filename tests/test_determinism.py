"""The same input gives byte-identical output; parsing fewer paragraphs changes nothing."""

import dataclasses

import pytest

from pipeline import runner
from pipeline.config import Settings
from pipeline.extract import Extractor

from .conftest import LATER_DEVSETS, SEEDS


def _rows(extractions):
    return [
        (
            [dataclasses.astuple(r) for r in ex.relations],
            [dataclasses.astuple(e) for e in ex.events],
            [dataclasses.astuple(a) for a in ex.actors],
        )
        for ex in extractions
    ]


def test_two_runs_write_byte_identical_files(tmp_path):
    paths = sorted(SEEDS.glob("*.txt"))
    runner.extract_paths(paths, tmp_path / "a")
    runner.extract_paths(paths, tmp_path / "b")
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_prefilter_gives_the_same_rows_as_parsing_everything(seed_documents, seed_extractions):
    full = Extractor(Settings(prefilter=False)).extract(seed_documents)
    assert _rows(full) == _rows(seed_extractions)


def test_prefilter_same_rows_on_devset(extractor, devset_extractions):
    docs = [ex.document for ex in devset_extractions]
    full = Extractor(Settings(prefilter=False)).extract(docs)
    assert _rows(full) == _rows(devset_extractions)


@pytest.mark.parametrize("name", LATER_DEVSETS)
def test_prefilter_same_rows_on_later_devsets(extractor, name):
    folder = SEEDS.parents[1] / "tests" / "data" / name / "docs"
    docs = [runner.read_and_clean(p) for p in sorted(folder.glob("*.txt"))]
    assert _rows(Extractor(Settings(prefilter=False)).extract(docs)) == _rows(
        extractor.extract(docs)
    )
