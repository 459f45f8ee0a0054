"""Regression cases from data: small texts with the pairs and events they must (not) give."""

import json

import pytest

from pipeline.evaluate import name_key
from pipeline.ids import doc_id_for
from pipeline.models import CleanDocument, DateValue

from .conftest import ROOT

CASES = [
    json.loads(line)
    for line in (ROOT / "tests/data/extraction_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def _doc(case) -> CleanDocument:
    pub = case.get("published")
    precision = {4: "year", 7: "month", 10: "day"}.get(len(pub)) if pub else None
    return CleanDocument(
        doc_id_for(case["text"]),
        case["id"],
        case["id"] + ".txt",
        case["text"],
        published=DateValue(pub, precision) if pub else None,
    )


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset((name_key(a), name_key(b)))


def _names(rel) -> list[set[str]]:
    a = {name_key(rel.city_a), name_key(rel.a_text)}
    b = {name_key(rel.city_b), name_key(rel.b_text)} if rel.city_b else set()
    return [a, b]


def _has_pair(rels, a, b) -> bool:
    ka, kb = name_key(a), name_key(b)
    for r in rels:
        na, nb = _names(r)
        if (ka in na and kb in nb) or (kb in na and ka in nb):
            return True
    return False


@pytest.fixture(scope="module")
def results(extractor):
    return dict(
        zip([c["id"] for c in CASES], extractor.extract([_doc(c) for c in CASES]), strict=True)
    )


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case, results):
    ex = results[case["id"]]
    full = [r for r in ex.relations if r.city_b is not None]
    for a, b in case.get("pairs", []):
        assert _has_pair(full, a, b), f"missing {a}-{b}: {case['note']}"
    for a, b in case.get("not_pairs", []):
        assert not _has_pair(full, a, b), f"false {a}-{b}: {case['note']}"
    for name, geonameid in case.get("geonames", []):
        ids = {r.geonameid_a for r in full if name_key(r.city_a) == name_key(name)}
        ids |= {r.geonameid_b for r in full if name_key(r.city_b) == name_key(name)}
        assert ids == {geonameid}, f"{name} resolved to {ids}: {case['note']}"
    if "partials" in case:
        got = {(name_key(r.city_a), r.country_b) for r in ex.relations if r.city_b is None}
        assert got == {(name_key(a), c) for a, c in case["partials"]}, case["note"]
    by_rel = {r.relation_id: r for r in ex.relations}
    events = [(by_rel[e.relation_id], e) for e in ex.events]
    for a, b, etype, year in case.get("events", []):
        hits = [e for r, e in events if _has_pair([r], a, b) and e.type == etype]
        if not hits and not any(_has_pair([r], a, b) for r in full):
            continue  # the pair itself is out of this case's scope
        assert hits, f"missing {etype} for {a}-{b}: {case['note']}"
        if year is not None and case.get("only_these_years"):
            # every event of the type has the year: no second, undated telling of it
            assert all(e.date and int(e.date[:4]) == year for e in hits), case["note"]
        elif year is not None:
            assert any(e.date and int(e.date[:4]) == year for e in hits), case["note"]
        else:
            assert all(e.date is None for e in hits), case["note"]
    for a, country, etype in case.get("partial_events", []):
        assert [
            e
            for r, e in events
            if r.city_b is None
            and (name_key(r.city_a), r.country_b) == (name_key(a), country)
            and e.type == etype
        ], case["note"]
    for a, b, etype in case.get("not_events", []):
        assert not [e for r, e in events if _has_pair([r], a, b) and e.type == etype], case["note"]
    if "events" in case and not case["events"]:
        assert not ex.events, case["note"]


def test_case_ids_are_unique():
    assert len({c["id"] for c in CASES}) == len(CASES)
