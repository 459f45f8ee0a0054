"""The rules that decide what a run redoes, and which versions are superseded."""

import dataclasses

from pipeline import dataset, state
from pipeline.config import Settings
from pipeline.manifest import rules_version
from pipeline.models import CleanDocument, Extraction
from pipeline.schema import DOCUMENTS, SOURCES
from pipeline.state import Known, Prior, SourceRecord, conditional, supersessions, unchanged_raw

VERSION = rules_version(Settings())


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
        doc_versions=versions or dict.fromkeys(docs, VERSION),
        doc_ok=dict.fromkeys(docs, True),
        superseded=superseded or {},
        version=VERSION,
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


def test_documents_made_with_another_model_are_not_current(tmp_path):
    other = Settings(model="xx_another_model")  # only named: the fingerprint loads no model
    assert rules_version(other) != VERSION
    writer = dataset.DatasetWriter(tmp_path, Settings())
    writer.add(Extraction(CleanDocument("A", "u", "u", "", status="skipped:empty")))
    writer.set_sources([dataclasses.asdict(record("u", "A"))])
    writer.commit()
    assert dataset.read_records(tmp_path, DOCUMENTS)[0]["extractor_version"] == VERSION
    assert state.load(tmp_path, Settings()).known("u").current
    assert not state.load(tmp_path, other).known("u").current
