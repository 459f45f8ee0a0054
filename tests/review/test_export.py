"""Exports: Parquet, CSV for spreadsheets, Label Studio tasks; spans checked first."""

import csv
import json

import pyarrow.parquet as pq
import pytest

from pipeline.errors import DatasetError
from pipeline.review import export as exporter
from pipeline.review import schema

from ..conftest import ROOT
from .helpers import decide, kiel, resolve


def test_parquet_export_has_the_dictionary_columns_and_a_datapackage(ds, db_url):
    result = exporter.export(ds, "parquet", ds.parent / "out")
    folder = result.folder
    for t in schema.TABLES:
        assert pq.read_schema(folder / f"{t.name}.parquet").names == t.column_names
    package = json.loads((folder / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == [t.name for t in schema.TABLES]
    assert (folder / "texts").is_dir()


def test_csv_export_is_utf8_with_a_bom_and_quoted_ids(ds, db_url):
    folder = exporter.export(ds, "csv", ds.parent / "out").folder
    raw = (folder / "relations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    first_row = raw.decode("utf-8-sig").splitlines()[1]
    assert first_row.startswith('"') and '","' in first_row


def test_csv_cells_cannot_run_as_spreadsheet_formulas():
    for payload in ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "'quoted"]:
        cell = exporter.csv_cell(payload)
        assert cell.startswith("\"'"), cell
        assert exporter.uncell(next(csv.reader([cell]))[0]) == payload
    assert exporter.csv_cell(-3) == "-3"


def test_a_note_with_a_formula_is_defused_in_the_reviewed_csv(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "accept", note="=cmd|' /C calc'!A0")
    folder = exporter.export(ds, "csv", ds.parent / "out").folder
    with open(folder / "relations.csv", encoding="utf-8-sig", newline="") as fh:
        notes = [r["review_note"] for r in csv.DictReader(fh) if r["review_note"]]
    assert notes == ["'=cmd|' /C calc'!A0"]


def test_label_studio_tasks_carry_offsets_that_point_at_their_text(ds, db_url):
    folder = exporter.export(ds, "labelstudio", ds.parent / "out").folder
    tasks = json.loads((folder / "tasks.json").read_text())
    assert (folder / "labelstudio-config.xml").read_text().startswith("<View>")
    kinds = set()
    for task in tasks:
        text = task["data"]["text"]
        for r in task["predictions"][0]["result"]:
            kinds.add(r["type"])
            if r["type"] == "labels":
                v = r["value"]
                assert text[v["start"] : v["end"]] == v["text"]
    assert kinds == {"labels", "relation"}


def test_a_rejected_relation_is_not_pre_annotated_for_label_studio(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "reject")
    tasks = json.loads(
        (exporter.export(ds, "labelstudio", ds.parent / "o").folder / "tasks.json").read_text()
    )
    assert rel.doc_id not in {t["data"]["doc_id"] for t in tasks}


def test_an_export_whose_spans_do_not_match_the_text_writes_nothing(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    path = ds / "texts" / f"{rel.doc_id}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Kiel", "Kyle"), encoding="utf-8")
    with pytest.raises(DatasetError, match="the table says"):
        exporter.export(ds, "csv", ds.parent / "out")
    assert not (ds.parent / "out").exists()


def test_reviewed_data_dictionary_doc_is_generated_from_the_schema():
    doc = ROOT / "docs" / "reviewed-data-dictionary.md"
    assert doc.read_text(encoding="utf-8") == schema.markdown() + "\n"
