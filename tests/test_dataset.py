"""The dataset writer: contract columns, upserts by document, atomic files, one writer."""

import json

import pytest

from pipeline import dataset
from pipeline.errors import DatasetError
from pipeline.models import CleanDocument, Extraction
from pipeline.schema import ALL_TABLES, TABLES, markdown

from .conftest import ROOT


def _write(out, extractions):
    writer = dataset.DatasetWriter(out)
    for ex in extractions:
        writer.add(ex)
    return writer.commit()


def test_tables_have_exactly_the_dictionary_columns(tmp_path, seed_extractions):
    _write(tmp_path, seed_extractions)
    tables = dataset.load(tmp_path)
    for t in TABLES:
        assert list(tables[t.name].columns) == t.column_names


def test_every_offset_points_into_the_stored_text(tmp_path, seed_extractions):
    _write(tmp_path, seed_extractions)
    tables = dataset.load(tmp_path)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (tmp_path / "texts").glob("*.txt")}
    for row in tables["relations"].itertuples():
        assert texts[row.doc_id][row.a_start : row.a_end] == row.a_text
    for row in tables["events"].itertuples():
        assert texts[row.doc_id][row.trigger_start : row.trigger_end] == row.trigger_text
    for row in tables["actors"].itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.name


def test_a_second_run_keeps_documents_it_did_not_process(tmp_path, seed_extractions):
    _write(tmp_path, seed_extractions)
    _write(tmp_path, seed_extractions[:1])
    tables = dataset.load(tmp_path)
    assert len(tables["documents"]) == len(seed_extractions)
    assert tables["relations"]["doc_id"].nunique() == sum(
        1 for ex in seed_extractions if ex.relations
    )


def test_skipped_document_is_recorded_with_its_reason(tmp_path):
    doc = CleanDocument("abc", "x.txt", "x.txt", "", status="skipped:empty")
    _write(tmp_path, [Extraction(doc)])
    row = dataset.load(tmp_path)["documents"].iloc[0]
    assert row["status"] == "skipped:empty"


def test_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    with (
        dataset.lock(tmp_path),
        pytest.raises(DatasetError, match="another run"),
        dataset.lock(tmp_path),
    ):
        pass


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    (tmp_path / dataset.LOCK_NAME).write_text("999999999")
    with dataset.lock(tmp_path):
        assert (tmp_path / dataset.LOCK_NAME).read_text() != "999999999"


def test_no_temporary_files_are_left_behind(tmp_path, seed_extractions):
    _write(tmp_path, seed_extractions)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_datapackage_describes_every_column(tmp_path, seed_extractions):
    _write(tmp_path, seed_extractions)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    described = {
        r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]
    }
    assert described == {t.name: t.column_names for t in ALL_TABLES}


def test_docs_data_dictionary_is_generated_from_the_schema():
    assert (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == markdown() + "\n"


def test_dataset_from_before_a_column_was_added_reads_with_it_empty(tmp_path, seed_extractions):
    import pyarrow.parquet as pq

    _write(tmp_path, seed_extractions[:1])
    path = tmp_path / "documents.parquet"
    pq.write_table(pq.read_table(path).drop(["superseded_by"]), path)
    docs = dataset.load(tmp_path)["documents"]
    assert docs["superseded_by"].isna().all() and len(docs) == 1


def test_superseded_document_keeps_its_rows_and_mark_when_written_again(tmp_path, seed_extractions):
    old, new = seed_extractions[:2]
    _write(tmp_path, [old, new])
    writer = dataset.DatasetWriter(tmp_path)
    writer.supersede(old.document.doc_id, new.document.doc_id)
    writer.commit()
    _write(tmp_path, [old])  # extracted again, e.g. by `sistercities extract`
    tables = dataset.load(tmp_path)
    docs = tables["documents"].set_index("doc_id")
    assert docs.loc[old.document.doc_id, "superseded_by"] == new.document.doc_id
    assert (tables["relations"]["doc_id"] == old.document.doc_id).sum() == len(old.relations)


def test_source_rows_are_upserted_by_location(tmp_path):
    from pipeline.state import SourceRecord

    def row(source, state):
        values = dict.fromkeys(dataset.SOURCES.column_names)
        return {**values, "source": source, "kind": "page", "listing": "l", "state": state,
                "run_id": "r", "checked_at": "t"}  # fmt: skip

    def write_sources(records):
        writer = dataset.DatasetWriter(tmp_path)
        writer.set_sources(records)
        writer.commit()

    write_sources([row("a", "ok"), row("b", "ok")])
    write_sources([row("b", "failed:timeout")])
    rows = dataset.read_records(tmp_path, dataset.SOURCES)
    assert [(r["source"], r["state"]) for r in rows] == [("a", "ok"), ("b", "failed:timeout")]
    assert SourceRecord(**rows[0]).source == "a"


def test_derived_csv_cells_are_defused_like_review_exports():
    import pandas as pd

    from pipeline.review.export import csv_cell

    df = pd.DataFrame({"a": ["=1+1", "Kiel", None, "'x"], "n": [-1, 2, 3, 4]})
    df = df.astype({"a": "string", "n": "Int64"})
    out = dataset._defused(df)
    assert list(out["a"].fillna("<null>")) == ["'=1+1", "Kiel", "<null>", "''x"]
    assert out["a"].dtype == "string" and list(out["n"]) == [-1, 2, 3, 4]
    for text in ("=1+1", "Kiel", "'x", "@SUM(A1)"):
        assert csv_cell(text) == f'"{dataset.defuse(text)}"'


def test_raw_bytes_are_kept_once_under_their_hash(tmp_path):
    sha = dataset.store_raw(tmp_path, b"<html>x</html>")
    mtime = dataset.raw_path(tmp_path, sha).stat().st_mtime_ns
    assert dataset.store_raw(tmp_path, b"<html>x</html>") == sha
    assert dataset.raw_path(tmp_path, sha).stat().st_mtime_ns == mtime
    assert dataset.load_raw(tmp_path, sha) == b"<html>x</html>"
