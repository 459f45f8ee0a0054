"""Candidates: evidence sentences, fingerprints independent of ids and offsets, span checks."""

import pytest

from pipeline.errors import DatasetError
from pipeline.review import candidates as cands


def test_every_relation_and_event_is_a_candidate_least_confident_first(ds):
    cs = cands.load(ds)
    tables = cs.tables
    assert len(cs) == len(tables["relations"]) + len(tables["events"])
    confidences = [c.confidence for c in cs]
    assert confidences == sorted(confidences)


def test_evidence_covers_the_statement_and_stays_in_its_paragraph(ds):
    cs = cands.load(ds)
    for c in cs:
        text = cs.text(c.doc_id)
        assert c.paragraph_start <= c.evidence_start < c.evidence_end <= c.paragraph_end
        assert "\n" not in text[c.evidence_start : c.evidence_end]
        if c.kind == cands.RELATION:
            assert c.evidence_start <= c.row["evidence_start"]


def test_sentence_bounds_skip_abbreviations():
    text = "First one. Officials in St. Paul signed it with Changsha. Then more."
    s, e = cands.sentence_bounds(text, text.index("signed"), text.index("signed") + 6)
    assert text[s:e] == "Officials in St. Paul signed it with Changsha."


def test_fingerprint_does_not_depend_on_offsets_or_ids():
    rel = {"evidence_start": 0, "evidence_end": 30, "a_text": "Kiel", "b_text": "Qingdao",
           "city_b": "Qingdao", "country_b": "CN"}  # fmt: skip
    text = "Kiel is twinned with Qingdao.\nMore."
    shifted = "A new first line.\n" + text
    moved = dict(rel, evidence_start=18, evidence_end=48)
    assert cands.relation_fingerprint(text, rel)[0] == cands.relation_fingerprint(shifted, moved)[0]


def test_fingerprint_tells_two_pairs_in_one_sentence_apart(ds):
    cs = cands.load(ds)
    keys = [(c.doc_id, c.kind, c.fingerprint) for c in cs]
    assert len(keys) == len(set(keys))


def test_a_text_that_no_longer_matches_its_spans_is_refused(ds):
    doc_id = cands.load(ds).tables["relations"]["doc_id"].iloc[0]
    path = ds / "texts" / f"{doc_id}.txt"
    path.write_text("x" * 20 + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DatasetError, match="the table says"):
        cands.load(ds)


def test_a_folder_without_a_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="no dataset"):
        cands.load(tmp_path)
