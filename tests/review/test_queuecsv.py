"""The queue as CSV: fill the decision column in a spreadsheet, import it back."""

import csv

import pytest

from pipeline.review import queuecsv
from pipeline.review.store import DecisionStore

from .helpers import kiel, resolve


def _write(ds, db_url, path):
    queuecsv.write_queue(resolve(ds, db_url), path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _save(rows, path):
    # As a spreadsheet saves it: plain minimal quoting, BOM kept.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _import(ds, db_url, path):
    with DecisionStore(db_url) as store:
        return queuecsv.import_file(resolve(ds, db_url), store, path, "carol")


def test_decisions_filled_in_a_spreadsheet_are_imported(ds, db_url, tmp_path):
    rows = _write(ds, db_url, tmp_path / "q.csv")
    rs = resolve(ds, db_url)
    rel, ev = kiel(rs, "relation"), kiel(rs, "event", "established")
    for r in rows:
        if r["candidate_id"] == rel.candidate_id:
            r["decision"] = "reject"
            r["note"] = "not twinned"
        if r["candidate_id"] == ev.candidate_id:
            r["decision"] = "edit"
            r["date"] = "2005"
    _save(rows, tmp_path / "filled.csv")
    parsed = _import(ds, db_url, tmp_path / "filled.csv")
    assert parsed.skipped == len(rows) - 2
    rs = resolve(ds, db_url)
    assert rs.state(rel.candidate_id).status == "rejected"
    assert rs.state(rel.candidate_id).decision.reviewer == "carol"
    assert rs.state(ev.candidate_id).changes == {"date": "2005"}


def test_a_file_with_invalid_rows_applies_nothing_and_names_each_row(ds, db_url, tmp_path):
    rows = _write(ds, db_url, tmp_path / "q.csv")
    rows[0]["decision"] = "accept"
    rows[1]["decision"] = "perhaps"
    rows[2]["candidate_id"] = "0000000000000000"
    rows[2]["fingerprint"] = "nope"
    rows[2]["decision"] = "reject"
    _save(rows, tmp_path / "bad.csv")
    with pytest.raises(queuecsv.ImportRejected) as err:
        _import(ds, db_url, tmp_path / "bad.csv")
    assert [p.split(":")[0] for p in err.value.problems] == ["row 3", "row 4"]
    assert "not 'perhaps'" in err.value.problems[0]
    with DecisionStore(db_url) as store:
        assert store.all() == []


def test_an_edited_value_needs_the_edit_decision(ds, db_url, tmp_path):
    rows = _write(ds, db_url, tmp_path / "q.csv")
    rel_row = next(r for r in rows if r["candidate_kind"] == "relation")
    rel_row["country_a"] = "FR"
    rel_row["decision"] = "accept"
    _save(rows, tmp_path / "bad.csv")
    with pytest.raises(queuecsv.ImportRejected) as err:
        _import(ds, db_url, tmp_path / "bad.csv")
    assert "country_a changed: use decision edit" in err.value.problems[0]


def test_evidence_that_no_longer_matches_the_text_is_refused(ds, db_url, tmp_path):
    rows = _write(ds, db_url, tmp_path / "q.csv")
    rows[0]["decision"] = "accept"
    rows[0]["evidence_text"] = "Something the document never said."
    _save(rows, tmp_path / "bad.csv")
    with pytest.raises(queuecsv.ImportRejected) as err:
        _import(ds, db_url, tmp_path / "bad.csv")
    assert "evidence_text does not match" in err.value.problems[0]
