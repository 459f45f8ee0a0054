"""The rules that decide what a run redoes, and which versions are superseded."""

import dataclasses

from pipeline.manifest import rules_version
from pipeline.schema import SOURCES
from pipeline.state import Known, Prior, SourceRecord, conditional, supersessions, unchanged_raw


def record(source, doc_id, **kw):
    base = dict(
        source=source, kind="page", listing="l", tags=None, state="ok", detail=None,
        doc_id=doc_id, http_status=200, final_url=source, media_type="text/html", charset=None,
        etag='"e"', last_modified=None, raw_sha256="r", n_bytes=1, run_id="1",
        checked_at="t", changed_at="t",
    )  # fmt: skip
    return SourceRecord(**{**base, **kw})


def prior(*records, versions=None, superseded=None):
    docs = {r.doc_id for r in records if r.doc_id}
    return Prior(
        sources={r.source: r for r in records},
        doc_versions=versions or dict.fromkeys(docs, rules_version()),
        doc_ok=dict.fromkeys(docs, True),
        superseded=superseded or {},
    )


def test_record_fields_are_the_sources_table_columns():
    assert [f.name for f in dataclasses.fields(SourceRecord)] == SOURCES.column_names


def test_changed_source_supersedes_its_old_document():
    before = prior(record("u", "A"))
    assert supersessions(before, [record("u", "B")]) == ({"A": "B"}, set())


def test_document_another_source_still_yields_is_not_superseded():
    before = prior(record("u", "A"), record("v", "A"))
    assert supersessions(before, [record("u", "B")]) == ({}, set())


def test_superseded_document_yielded_again_is_current_again():
    before = prior(record("u", "B"), superseded={"A": "B"})
    assert supersessions(before, [record("u", "A")]) == ({"B": "A"}, {"A"})


def test_documents_of_older_rules_are_not_current():
    before = prior(record("u", "A"), versions={"A": "0.0.1"})
    known = before.known("u")
    assert not known.current
    assert conditional(known) == (None, None)
    assert not unchanged_raw(known, "r")


def test_validators_are_sent_for_a_current_document():
    assert conditional(prior(record("u", "A")).known("u")) == ('"e"', None)


def test_unknown_source_knows_nothing():
    assert prior().known("u") == Known()
