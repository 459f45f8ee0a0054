"""Decisions: recorded with who and when, re-attached after re-extraction, never lost."""

import dataclasses
import shutil

import pytest

from pipeline.review import candidates as cands
from pipeline.review import config
from pipeline.review import decisions as dec
from pipeline.review.store import DecisionStore, ReviewError

from .conftest import XSS_DOC, extract_into, input_paths
from .helpers import decide, kiel, resolve


@pytest.fixture
def kiel_alone(tmp_path, extractor):
    """(input file, dataset) for the Kiel document alone, from a copy the test may edit."""
    src = tmp_path / "inputs" / XSS_DOC.name
    src.parent.mkdir()
    shutil.copyfile(XSS_DOC, src)
    out = tmp_path / "kiel"
    extract_into(extractor, [src], out)
    return src, out


def _rewrite_and_extract(extractor, src, transform, out):
    """The document edited in place (same source, new cleaned text), extracted into out."""
    src.write_text(transform(src.read_text(encoding="utf-8")), encoding="utf-8")
    extract_into(extractor, [src], out)


def test_a_decision_records_reviewer_time_note_and_evidence(ds, db_url):
    rs = resolve(ds, db_url)
    rel = kiel(rs, "relation")
    d = decide(ds, db_url, rel.candidate_id, "accept", note="checked the council minutes")
    assert (d.reviewer, d.note, d.fingerprint) == (
        "alice",
        "checked the council minutes",
        rel.fingerprint,
    )
    assert d.created_at.endswith("+00:00")
    assert "Qingdao" in d.snapshot["evidence_text"]


def test_decisions_survive_a_full_re_extraction(ds, db_url, extractor):
    rs = resolve(ds, db_url)
    rel, ev = kiel(rs, "relation"), kiel(rs, "event", "terminated")
    decide(ds, db_url, rel.candidate_id, "accept")
    decide(ds, db_url, ev.candidate_id, "reject")
    extract_into(extractor, input_paths(), ds)
    rs = resolve(ds, db_url)
    assert rs.state(rel.candidate_id).status == "accepted"
    assert rs.state(ev.candidate_id).status == "rejected"
    assert rs.state(rel.candidate_id).via == "id" and not rs.orphans


def test_decisions_follow_their_evidence_when_the_cleaned_text_changes(
    kiel_alone, extractor, tmp_path
):
    src, ds = kiel_alone
    db_url = config.db_url(ds)
    rs = resolve(ds, db_url)
    rel = kiel(rs, "relation")
    ev = kiel(rs, "event", "established")
    decide(ds, db_url, rel.candidate_id, "reject", note="not a sister city")
    decide(ds, db_url, ev.candidate_id, "edit", changes={"date": "2005"})
    fresh = tmp_path / "re-extracted"
    _rewrite_and_extract(
        extractor, src, lambda t: t.replace("\n\n", "\n\nCorrection.\n\n", 1), fresh
    )
    rs = resolve(fresh, db_url)
    new_rel, new_ev = kiel(rs, "relation"), kiel(rs, "event", "established")
    assert new_rel.candidate_id != rel.candidate_id  # the text, so every id, changed
    assert rs.state(new_rel.candidate_id).status == "rejected"
    assert rs.state(new_rel.candidate_id).via == "fingerprint"
    assert rs.state(new_ev.candidate_id).changes == {"date": "2005"}
    assert not rs.orphans


def test_a_decision_whose_candidate_disappeared_is_kept_as_an_orphan(
    kiel_alone, extractor, tmp_path
):
    src, ds = kiel_alone
    db_url = config.db_url(ds)
    ev = kiel(resolve(ds, db_url), "event", "terminated")
    made = decide(ds, db_url, ev.candidate_id, "reject")
    fresh = tmp_path / "re-extracted"
    _rewrite_and_extract(extractor, src, lambda t: t.split("In 2023 Kiel")[0], fresh)
    rs = resolve(fresh, db_url)
    assert [o.decision_id for o in rs.orphans] == [made.decision_id]
    with DecisionStore(db_url) as store:
        assert made in store.all()


def test_two_reviewers_deciding_differently_is_a_disagreement(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "accept", reviewer="alice")
    decide(ds, db_url, rel.candidate_id, "reject", reviewer="bob")
    st = resolve(ds, db_url).state(rel.candidate_id)
    assert st.disagreement and st.status == "rejected"
    assert set(st.by_reviewer) == {"alice", "bob"}


def test_accepting_an_edited_candidate_confirms_the_edit(ds, db_url):
    ev = kiel(resolve(ds, db_url), "event", "established")
    decide(ds, db_url, ev.candidate_id, "edit", reviewer="alice", changes={"date": "2005"})
    decide(ds, db_url, ev.candidate_id, "accept", reviewer="bob")
    st = resolve(ds, db_url).state(ev.candidate_id)
    assert st.status == "edited" and st.changes == {"date": "2005"}
    assert not st.disagreement


def test_undo_restores_the_previous_decision(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "accept")
    decide(ds, db_url, rel.candidate_id, "reject")
    rs = resolve(ds, db_url)
    with DecisionStore(db_url) as store:
        store.append(dec.new_undo(rs, rel.candidate_id, "alice"))
    assert resolve(ds, db_url).state(rel.candidate_id).status == "accepted"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"date": "2004-13"}, "not a calendar date"),
        ({"date": "March 2004"}, "YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"type": "married"}, "type must be one of"),
        ({"city_a": "Kiel"}, "cannot edit city_a of a event"),
    ],
)
def test_invalid_edits_are_refused(ds, db_url, changes, message):
    ev = kiel(resolve(ds, db_url), "event", "established")
    with pytest.raises(ReviewError, match=message):
        decide(ds, db_url, ev.candidate_id, "edit", changes=changes)


def test_a_country_edit_is_normalised_and_drops_nothing_else(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "edit", changes={"country_b": "tw"})
    st = resolve(ds, db_url).state(rel.candidate_id)
    assert st.changes == {"country_b": "TW"} and st.status == "edited"


def test_an_added_event_is_re_anchored_when_the_text_changes(kiel_alone, extractor, tmp_path):
    src, ds = kiel_alone
    db_url = config.db_url(ds)
    rs = resolve(ds, db_url)
    rel = kiel(rs, "relation")
    new = dec.new_event(
        rs, rel.candidate_id, "alice", "proposed", "2003", trigger_text="sister city relationship"
    )
    with DecisionStore(db_url) as store:
        store.append(new)
    fresh = tmp_path / "re-extracted"
    _rewrite_and_extract(extractor, src, lambda t: "Updated story.\n\n" + t, fresh)
    rs = resolve(fresh, db_url)
    added = [c for c in rs.candidates if c.origin == cands.REVIEWER]
    assert len(added) == 1
    text = rs.candidates.text(added[0].doc_id)
    row = added[0].row
    assert text[row["trigger_start"] : row["trigger_end"]] == "sister city relationship"
    assert rs.state(added[0].candidate_id).status == "added"


def test_a_decision_on_values_that_since_changed_is_flagged(ds, db_url):
    rs = resolve(ds, db_url)
    rel = kiel(rs, "relation")
    new = dec.new_decision(rs, rel.candidate_id, "accept", "alice")
    seen = dict(new.snapshot, values=dict(new.snapshot["values"], city_b="Tsingtao"))
    with DecisionStore(db_url) as store:
        store.append(dataclasses.replace(new, snapshot=seen))
    assert resolve(ds, db_url).state(rel.candidate_id).changed


def test_the_review_store_lives_beside_the_dataset_by_default(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "accept")
    assert (ds / "review.sqlite").exists()
    shutil.rmtree(ds / "texts")  # a re-extraction rewrites texts and tables, not the store
    assert (ds / "review.sqlite").exists()
