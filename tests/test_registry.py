"""The relationship registry: merging across documents, status, contradictions, derived dates."""

import dataclasses
import json

import pyarrow.parquet as pq
import pytest

from pipeline import dataset, registry
from pipeline.schema import RELATIONSHIPS, TIMELINE

from .conftest import ROOT

PRAGUE, BEIJING, TAIPEI = 3067696, 1816670, 1668341


# --- the seed dataset ------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_rows(seed_dataset):
    rels = dataset.records(dataset.read_table(seed_dataset, RELATIONSHIPS))
    timeline = dataset.records(dataset.read_table(seed_dataset, TIMELINE))
    return rels, timeline


def _pair(rows, a, b):
    found = [r for r in rows if {r["geonameid_a"], r["geonameid_b"]} == {a, b}]
    assert len(found) == 1, found
    return found[0]


def test_prague_beijing_is_one_relationship_from_three_documents(seed_rows):
    rels, _ = seed_rows
    row = _pair(rels, PRAGUE, BEIJING)
    assert row["n_documents"] == 3
    assert len(row["doc_ids"].split("; ")) == 3


def test_prague_taipei_is_one_relationship_from_two_documents(seed_rows):
    rels, _ = seed_rows
    row = _pair(rels, PRAGUE, TAIPEI)
    assert row["n_documents"] == 2
    assert row["status"] == "active"


def test_merged_timeline_keeps_every_documents_events(seed_rows):
    rels, timeline = seed_rows
    rid = _pair(rels, PRAGUE, BEIJING)["relationship_id"]
    events = [t for t in timeline if t["relationship_id"] == rid and t["type"] == "terminated"]
    assert {t["date"] for t in events if t["date"]} == {"2019", "2020"}
    assert len({t["doc_id"] for t in events}) == 3


def test_differing_termination_years_are_flagged(seed_rows):
    rels, _ = seed_rows
    row = _pair(rels, PRAGUE, BEIJING)
    assert row["status"] == "terminated"
    assert "termination_dates_differ" in row["flags"]


def test_seed_durations_give_derived_establishment_years(seed_rows):
    rels, _ = seed_rows
    by_a = {r["place_a"]: r for r in rels}
    assert by_a["Arnhem"]["established"] == "2000"
    assert by_a["Arnhem"]["established_derived"]
    assert by_a["Newcastle upon Tyne"]["established_basis"].startswith("2022 - 37 = 1985")


def test_partial_relation_is_its_own_row(seed_rows):
    rels, _ = seed_rows
    irvine = [r for r in rels if r["place_a"] == "Irvine"]
    assert len(irvine) == 1
    assert irvine[0]["partial"] and irvine[0]["place_b"] is None
    assert irvine[0]["country_b"] == "CN"


def test_superseded_document_versions_are_left_out(seed_dataset, seed_rows):
    old = _pair(seed_rows[0], PRAGUE, BEIJING)["doc_ids"].split("; ")[0]
    tables = dataset.load(seed_dataset)
    docs = tables["documents"]
    docs.loc[docs["doc_id"] == old, "superseded_by"] = "a-newer-version"
    built = registry.build(
        registry.inputs_from_tables(tables, lambda d: dataset.read_text(seed_dataset, d))
    )
    row = _pair([registry.as_row(r) for r in built.relationships], PRAGUE, BEIJING)
    assert row["n_documents"] == 2 and old not in row["doc_ids"]


def test_registry_files_have_exactly_the_dictionary_columns(seed_dataset):
    for table in (RELATIONSHIPS, TIMELINE):
        assert pq.read_schema(seed_dataset / f"{table.name}.parquet").names == table.column_names
        header = (seed_dataset / f"{table.name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == table.column_names


def test_records_have_one_field_per_dictionary_column():
    assert [f.name for f in dataclasses.fields(registry.Relationship)] == RELATIONSHIPS.column_names
    assert [f.name for f in dataclasses.fields(registry.TimelineEntry)] == TIMELINE.column_names


def test_timeline_evidence_points_into_the_stored_text(seed_dataset, seed_rows):
    _, timeline = seed_rows
    for t in timeline:
        if t["start"] is not None:
            text = dataset.read_text(seed_dataset, t["doc_id"])
            assert text[t["start"] : t["end"]] == t["text"]


# --- hand-built tables ------------------------------------------------------------------


class Corpus:
    """Documents, relations and events written the way the extraction writes them."""

    def __init__(self):
        self.docs, self.rels, self.events, self.texts = [], [], [], {}

    def doc(
        self, doc_id, text="Prague and Beijing are sister cities.", published=None, source=None
    ):
        precision = {4: "year", 7: "month", 10: "day"}.get(len(published or ""))
        self.docs.append(
            {
                "doc_id": doc_id,
                "source": source or f"docs/{doc_id}.txt",
                "source_name": f"{doc_id}.txt",
                "title": f"Title {doc_id}",
                "published": published,
                "published_precision": precision,
                "status": "ok",
            }
        )
        self.texts[doc_id] = text
        return doc_id

    def rel(self, doc_id, a=("Prague", "CZ", PRAGUE), b=("Beijing", "CN", BEIJING), kind="sister"):
        text = self.texts[doc_id]
        rid = f"r{len(self.rels)}"
        a_start = text.find(a[0])
        b_start = text.find(b[0]) if b[0] else -1
        self.rels.append(
            {
                "relation_id": rid,
                "doc_id": doc_id,
                "city_a": a[0],
                "city_b": b[0],
                "country_a": a[1],
                "country_b": b[1],
                "geonameid_a": a[2],
                "geonameid_b": b[2],
                "kind": kind,
                "a_start": a_start,
                "a_end": a_start + len(a[0]),
                "a_text": a[0],
                "b_start": b_start if b[0] else None,
                "b_end": b_start + len(b[0]) if b[0] else None,
                "b_text": b[0],
                "evidence_start": 0,
                "evidence_end": len(text.split(".")[0]),
                "rule_id": "pair.test",
                "confidence": 0.9,
            }
        )
        return rid

    def event(self, rid, type_, date=None, trigger=None):
        doc_id = next(r["doc_id"] for r in self.rels if r["relation_id"] == rid)
        text = self.texts[doc_id]
        start = text.find(trigger) if trigger else 0
        end = start + len(trigger) if trigger else 1
        precision = {4: "year", 7: "month", 10: "day"}.get(len(date or ""))
        self.events.append(
            {
                "event_id": f"e{len(self.events)}",
                "relation_id": rid,
                "doc_id": doc_id,
                "type": type_,
                "date": date,
                "date_precision": precision,
                "date_source": "explicit" if date else None,
                "date_start": None,
                "date_end": None,
                "trigger_start": start,
                "trigger_end": end,
                "trigger_text": text[start:end],
                "rule_id": "trigger.test",
                "confidence": 0.8,
            }
        )

    def build(self):
        inputs = registry.inputs_from_rows(self.docs, self.rels, self.events, self.texts)
        return registry.build(inputs, places=lambda gid: None)

    def only(self):
        reg = self.build()
        assert len(reg.relationships) == 1, reg.relationships
        return reg.relationships[0], reg.timeline


def _one(*events, published="2023-01-01"):
    """One document, one pair, these (type, date) events."""
    c = Corpus()
    d = c.doc("d1", published=published)
    r = c.rel(d)
    for type_, date in events:
        c.event(r, type_, date)
    return c.only()


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([("established", "1990"), ("suspended", "2022-03")], "suspended"),
        ([("established", "1990"), ("terminated", "2020")], "terminated"),
        ([("established", "1990"), ("termination_proposed", "2021")], "contested"),
        ([("termination_proposed", "2021"), ("retained", "2021-06")], "active"),
        ([("terminated", "2019"), ("established", "2022")], "active"),
        ([("proposed", "2014")], "proposed"),
        ([("proposed", "2014"), ("blocked", "2015")], "blocked"),
        ([], "unknown"),
    ],
    ids=[
        "suspended",
        "terminated",
        "contested",
        "motion-defeated",
        "re-established",
        "proposed",
        "blocked",
        "no-events",
    ],
)
def test_status_follows_the_latest_dated_event(events, status):
    rel, _ = _one(*events)
    assert rel.status == status


def test_status_row_is_marked_in_the_timeline():
    rel, timeline = _one(("established", "1990"), ("suspended", "2022-03"))
    deciding = [t for t in timeline if t.decides_status]
    assert [(t.type, t.date) for t in deciding] == [("suspended", "2022-03")]
    assert rel.status_date == "2022-03"


def test_termination_reversed_the_same_day_ends_active_and_is_flagged():
    rel, _ = _one(("retained", "2020-10-12"), ("terminated", "2020-10-12"))
    assert rel.status == "active"
    assert rel.flag_list == ["termination_reversed"]


def test_undated_event_does_not_override_a_dated_one_but_is_flagged():
    rel, _ = _one(("established", "2000"), ("terminated", None), published="2022-05-01")
    assert rel.status == "active"
    assert "undated_event_disagrees" in rel.flag_list


def test_undated_establishment_before_a_dated_termination_is_not_flagged():
    rel, _ = _one(("established", None), ("terminated", "2020"))
    assert rel.status == "terminated"
    assert rel.flags is None


def test_undated_events_alone_decide_in_lifecycle_order():
    rel, _ = _one(("terminated", None), ("established", None))
    assert rel.status == "terminated"
    assert rel.status_basis.startswith("undated terminated")


def test_different_establishment_years_are_flagged_and_both_kept():
    c = Corpus()
    for doc_id, year in (("d1", "1979"), ("d2", "1980")):
        c.event(c.rel(c.doc(doc_id, published="2020")), "established", year)
    rel, timeline = c.only()
    assert rel.flag_list == ["establishment_dates_differ"]
    assert rel.established == "1979"  # the first known
    kept = {(t.date, t.doc_id) for t in timeline if t.type == "established"}
    assert kept == {("1979", "d1"), ("1980", "d2")}


def test_termination_years_differing_between_documents_are_flagged():
    c = Corpus()
    for doc_id, year in (("d1", "2019"), ("d2", "2020")):
        c.event(c.rel(c.doc(doc_id)), "terminated", year)
    rel, _ = c.only()
    assert rel.flag_list == ["termination_dates_differ"]
    assert rel.status_date == "2020"


# --- derived dates ----------------------------------------------------------------------


def test_duration_counts_back_from_the_event_in_its_sentence():
    c = Corpus()
    d = c.doc("d1", "Prague ended its 37-year partnership with Beijing.", published="2023-05")
    c.event(c.rel(d), "terminated", "2022-11-03", trigger="ended")
    rel, timeline = c.only()
    derived = [t for t in timeline if t.derived]
    assert [(t.type, t.date, t.date_source) for t in derived] == [
        ("established", "1985", "derived")
    ]
    assert derived[0].derivation.startswith("2022 - 37 = 1985, derived from '37-year partnership'")
    assert derived[0].text == "37-year partnership"
    assert (rel.established, rel.established_derived) == ("1985", True)


def test_duration_without_an_event_counts_back_from_publication():
    c = Corpus()
    c.rel(
        c.doc(
            "d1", "Prague and Beijing celebrate 35 years as sister cities.", published="2023-06-14"
        )
    )
    rel, _ = c.only()
    assert rel.established == "1988"
    assert "reference: the publication date, 2023-06-14" in rel.established_basis
    assert rel.status == "active"  # a derived establishment is all we know


def test_duration_without_any_date_derives_nothing():
    c = Corpus()
    c.rel(c.doc("d1", "Prague and Beijing celebrate 35 years as sister cities."))
    rel, timeline = c.only()
    assert rel.established is None
    assert not [t for t in timeline if t.derived]


def test_stated_establishment_wins_over_a_derived_one():
    c = Corpus()
    d = c.doc(
        "d1",
        "Prague and Beijing mark 40 years of twinning. They were twinned in 1981.",
        published="2022",
    )
    c.event(c.rel(d), "established", "1981", trigger="twinned in")
    rel, _ = c.only()
    assert (rel.established, rel.established_derived) == ("1981", False)
    assert rel.flags is None  # 2022 - 40 = 1982 is within the tolerance


def test_derived_year_far_from_the_stated_one_is_flagged():
    c = Corpus()
    d = c.doc(
        "d1",
        "Prague and Beijing mark 20 years of twinning. They were twinned in 1981.",
        published="2022",
    )
    c.event(c.rel(d), "established", "1981", trigger="twinned in")
    rel, _ = c.only()
    assert rel.flag_list == ["derived_establishment_differs"]


def test_duration_goes_to_the_nearest_pair_in_a_shared_sentence():
    c = Corpus()
    d = c.doc(
        "d1",
        "Prague has a 30-year partnership with Beijing and a 5-year partnership with Taipei.",
        published="2020",
    )
    c.rel(d)
    c.rel(d, b=("Taipei", "TW", TAIPEI))
    reg = c.build()
    years = {
        r.place_b if r.place_a == "Prague" else r.place_a: r.established for r in reg.relationships
    }
    assert years == {"Beijing": "1990", "Taipei": "2015"}


def _duration_cases():
    lines = (ROOT / "tests" / "data" / "duration_cases.jsonl").read_text(encoding="utf-8")
    return [json.loads(x) for x in lines.splitlines() if x.strip() and not x.startswith("//")]


@pytest.mark.parametrize("case", _duration_cases(), ids=lambda c: c["id"])
def test_duration_phrases(case):
    found = [
        {"years": d.years, "qualifier": d.qualifier, "rule": d.rule_id}
        for d in registry.find_durations(case["text"])
    ]
    assert found == case["expect"], case["note"]


# --- merging -------------------------------------------------------------------------


def test_unresolved_name_takes_the_id_its_name_and_country_resolve_to_elsewhere():
    c = Corpus()
    c.rel(c.doc("d1"))
    c.rel(c.doc("d2", "Prague and Beijing ended ties."), b=("Beijing", "CN", None))
    rel, _ = c.only()
    assert rel.n_documents == 2


def test_names_that_differ_by_document_still_merge_on_geonames_ids():
    c = Corpus()
    c.rel(c.doc("d1"))
    d2 = c.doc("d2", "Hlavni mesto Praha and Pekin are twinned.")
    c.rel(d2, a=("Hlavni mesto Praha", "CZ", PRAGUE), b=("Pekin", "CN", BEIJING))
    rel, _ = c.only()
    assert rel.n_documents == 2
    surface = set(rel.names_a.split("; ")) | set(rel.names_b.split("; "))
    assert surface == {"Prague", "Hlavni mesto Praha", "Beijing", "Pekin"}


def test_same_name_in_another_country_is_another_place():
    c = Corpus()
    c.rel(
        c.doc("d1", "Newcastle and Ube are twinned."),
        a=("Newcastle", "AU", None),
        b=("Ube", "JP", None),
    )
    c.rel(
        c.doc("d2", "Newcastle and Ube are twinned!"),
        a=("Newcastle", "GB", None),
        b=("Ube", "JP", None),
    )
    assert len(c.build().relationships) == 2


def test_partial_relation_is_not_merged_with_a_named_pair():
    c = Corpus()
    c.rel(c.doc("d1"))
    c.rel(c.doc("d2", "Prague cut ties with a Chinese sister city."), b=(None, "CN", None))
    reg = c.build()
    assert sorted(r.partial for r in reg.relationships) == [False, True]


def test_identical_wording_in_two_documents_is_one_independent_source():
    c = Corpus()
    c.rel(c.doc("d1", "Prague and Beijing are sister cities. More text."))
    c.rel(c.doc("d2", "Prague and Beijing are sister cities. Other text."))
    c.rel(c.doc("d3", "Beijing and Prague are twinned."))
    rel, _ = c.only()
    assert (rel.n_documents, rel.n_sources) == (3, 2)


def test_documents_from_one_web_host_are_one_source():
    c = Corpus()
    c.rel(c.doc("d1", "Prague and Beijing are sisters.", source="https://www.example.org/a"))
    c.rel(c.doc("d2", "Beijing and Prague are twins.", source="https://example.org/b"))
    rel, _ = c.only()
    assert (rel.n_documents, rel.n_sources) == (2, 1)


def test_events_of_a_removed_relation_are_ignored():
    """Reviewer decisions arrive as tables with rows removed; orphans must not crash."""
    c = Corpus()
    c.event(c.rel(c.doc("d1")), "terminated", "2020")
    inputs = registry.inputs_from_rows(c.docs, [], c.events, c.texts)
    assert registry.build(inputs, places=lambda gid: None).relationships == ()


@pytest.mark.parametrize(
    ("a", "b", "result"),
    [("2020", "2020-10-12", 0), ("2020-09", "2020-10-12", -1), ("2021", "2020-12-31", 1)],
)
def test_dates_compare_at_their_common_precision(a, b, result):
    assert registry.compare_dates(a, b) == result


def test_sentences_do_not_end_at_abbreviations():
    text = "Officials in St. Petersburg met U.S. delegates. Then they left."
    assert [text[s:e] for s, e in registry.sentences(text)] == [
        "Officials in St. Petersburg met U.S. delegates.",
        "Then they left.",
    ]
