"""The reviewed tables: rejected out, edits in, reviewer-added events included."""

import json

import pandas as pd

from pipeline.review import decisions as dec
from pipeline.review import reviewed, schema
from pipeline.review.store import DecisionStore

from .helpers import decide, kiel, resolve


def _tables(ds, db_url, accepted_only=False):
    return reviewed.reviewed_tables(ds, db_url, accepted_only=accepted_only)


def test_reviewed_tables_have_the_reviewed_dictionary_columns(ds, db_url):
    tables = _tables(ds, db_url)
    for t in schema.TABLES:
        assert list(tables[t.name].columns) == t.column_names


def test_a_rejected_relation_leaves_with_its_events_and_actors(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "reject")
    tables = _tables(ds, db_url)
    assert rel.candidate_id not in set(tables["relations"]["relation_id"])
    assert rel.candidate_id not in set(tables["events"]["relation_id"])
    assert not tables["actors"]["doc_id"].eq(rel.doc_id).any()


def test_an_edited_date_replaces_the_extracted_one_and_keeps_the_original(ds, db_url):
    ev = kiel(resolve(ds, db_url), "event", "established")
    decide(ds, db_url, ev.candidate_id, "edit", changes={"date": "2005"}, note="signed in 2005")
    row = _tables(ds, db_url)["events"].set_index("event_id").loc[ev.candidate_id]
    assert (row["date"], row["date_precision"], row["date_source"]) == ("2005", "year", "reviewer")
    assert row["review_status"] == "edited" and row["reviewer"] == "alice"
    assert row["review_note"] == "signed in 2005"
    assert json.loads(row["review_original"]) == {"date": "2004"}


def test_a_changed_city_loses_its_geonames_id(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "edit", changes={"city_b": "Tsingtao"})
    row = _tables(ds, db_url)["relations"].set_index("relation_id").loc[rel.candidate_id]
    assert row["city_b"] == "Tsingtao" and pd.isna(row["geonameid_b"])


def test_a_reviewer_added_event_is_included(ds, db_url):
    rs = resolve(ds, db_url)
    rel = kiel(rs, "relation")
    new = dec.new_event(
        rs, rel.candidate_id, "bob", "proposed", "2003", trigger_text="sister city relationship"
    )
    with DecisionStore(db_url) as store:
        store.append(new)
    events = _tables(ds, db_url)["events"].set_index("event_id")
    row = events.loc[new.candidate_id]
    assert (row["origin"], row["review_status"], row["rule_id"]) == (
        "reviewer",
        "added",
        "reviewer",
    )
    assert row["trigger_text"] == "sister city relationship"


def test_unreviewed_rows_stay_unless_only_accepted_rows_are_asked_for(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "accept")
    everything = _tables(ds, db_url)
    accepted = _tables(ds, db_url, accepted_only=True)
    assert set(everything["relations"]["review_status"]) == {"accepted", "unreviewed"}
    assert list(accepted["relations"]["relation_id"]) == [rel.candidate_id]
    assert len(accepted["events"]) == 0  # none of its events was accepted


def test_apply_is_a_plain_function_over_tables(ds, db_url):
    rel = kiel(resolve(ds, db_url), "relation")
    decide(ds, db_url, rel.candidate_id, "reject")
    tables, resolved = reviewed.resolved_for(ds, db_url)
    out = reviewed.apply(tables, resolved)
    assert len(out["relations"]) == len(tables["relations"]) - 1
