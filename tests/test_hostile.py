"""Hostile inputs end to end: every case of data/hostile_cases.jsonl is written as a file
into one folder and one `runner.extract_paths` run goes over all of them. The run must
complete, each document must end with its expected status (or be extracted), and every
span of every row must quote the stored text. Then targeted tests for what one run
cannot show (memory held while reading a gzip bomb, the spaCy length limit, exports)
and a property test of clean -> extract on random fragments."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import dataset, nlp, runner, sources
from pipeline.clean import clean
from pipeline.config import MAX_BYTES, Settings
from pipeline.models import RawDocument
from pipeline.schema import ACTORS as ACTORS_TABLE
from pipeline.schema import DOCUMENTS, EVENTS, RELATIONS

from .conftest import ROOT

CASES = [
    json.loads(line)
    for line in (ROOT / "tests" / "data" / "hostile_cases.jsonl").open(encoding="utf-8")
    if line.strip()
]
PRECISION_RANK = {"year": 0, "month": 1, "day": 2}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def case_chunks(spec: dict):
    """The bytes of a case's file, in pieces (a generated input can be 200 MB)."""
    if "hex" in spec:
        yield bytes.fromhex(spec["hex"])
    elif "text" in spec:
        yield spec["text"].encode(spec.get("encoding", "utf-8"))
    else:
        gen = spec["generate"]
        yield gen["head"].encode("utf-8")
        unit = gen["unit"].encode("utf-8")
        left = gen["times"]
        while left:
            n = min(left, 10_000)
            yield unit * n
            left -= n
        yield gen["tail"].encode("utf-8")


def write_case(folder: Path, case: dict) -> Path:
    spec = case["input"]
    sub = folder / case["id"]  # one folder per case: file names may repeat across cases
    sub.mkdir()
    path = sub / spec["file"]
    opener = gzip.GzipFile if spec.get("gzip") else open
    kwargs = {"compresslevel": 9, "mtime": 0} if spec.get("gzip") else {}
    with opener(path, "wb", **kwargs) as fh:
        for chunk in case_chunks(spec):
            fh.write(chunk)
    return path


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    docs = root / "docs"
    docs.mkdir()
    paths = {c["id"]: write_case(docs, c) for c in CASES}
    found = sources.discover(docs)
    assert sorted(found) == sorted(paths.values())  # every case is a file the run reads
    out = root / "out"
    summary = runner.extract_paths(found, out, Settings())
    by_source = {r["source"]: r for r in dataset.read_records(out, DOCUMENTS)}
    return {
        "out": out,
        "summary": summary,
        "paths": paths,
        "documents": by_source,
        "relations": dataset.read_records(out, RELATIONS),
        "events": dataset.read_records(out, EVENTS),
        "actors": dataset.read_records(out, ACTORS_TABLE),
    }


def test_the_run_completes_with_one_document_per_file(hostile_run):
    assert hostile_run["summary"].documents == len(CASES)
    assert len(hostile_run["documents"]) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(hostile_run, case):
    expect = case["expect"]
    doc = hostile_run["documents"][str(hostile_run["paths"][case["id"]])]
    status = doc["status"]
    if "status" in expect:
        assert status == expect["status"], case["note"]
    if "status_in" in expect:
        assert status in expect["status_in"], case["note"]
    text = dataset.read_text(hostile_run["out"], doc["doc_id"]) if status == "ok" else ""
    rels = [r for r in hostile_run["relations"] if r["doc_id"] == doc["doc_id"]]
    events = [e for e in hostile_run["events"] if e["doc_id"] == doc["doc_id"]]
    if status != "ok":
        assert not rels and not events
    if "relations" in expect:
        assert len(rels) == expect["relations"], [(r["city_a"], r["city_b"]) for r in rels]
    pairs = {frozenset((r["city_a"], r["city_b"])) for r in rels}
    for a, b in expect.get("pairs", []):
        assert frozenset((a, b)) in pairs, (pairs, case["note"])
    for wanted in expect.get("text_contains", []):
        assert wanted in text
    if "title" in expect:
        assert doc["title"] == expect["title"]
    dated = [e for e in events if e["date_start"] is not None]
    for e in dated:
        surface = text[e["date_start"] : e["date_end"]].casefold()
        assert surface not in [s.casefold() for s in expect.get("date_texts_not", [])], e
    if "max_date_precision" in expect:
        top = PRECISION_RANK[expect["max_date_precision"]]
        assert all(PRECISION_RANK[e["date_precision"]] <= top for e in dated), dated


def test_every_span_quotes_the_stored_text(hostile_run):
    out = hostile_run["out"]
    texts = {
        d["doc_id"]: dataset.read_text(out, d["doc_id"]) for d in hostile_run["documents"].values()
    }
    checked = 0
    for r in hostile_run["relations"]:
        text = texts[r["doc_id"]]
        assert text[r["a_start"] : r["a_end"]] == r["a_text"]
        if r["b_start"] is not None:
            assert text[r["b_start"] : r["b_end"]] == r["b_text"]
        assert 0 <= r["evidence_start"] < r["evidence_end"] <= len(text)
        checked += 1
    for e in hostile_run["events"]:
        text = texts[e["doc_id"]]
        assert text[e["trigger_start"] : e["trigger_end"]] == e["trigger_text"]
        if e["date_start"] is not None:
            assert 0 <= e["date_start"] < e["date_end"] <= len(text)
    for a in hostile_run["actors"]:
        assert 0 <= a["start"] < a["end"] <= len(texts[a["doc_id"]])
    assert checked >= 10  # the cases that should be extracted were


# --- Size cap ---------------------------------------------------------------------------


def test_a_gzip_bomb_is_never_decompressed_whole(tmp_path):
    path = tmp_path / "bomb.html.gz"
    chunk = b" " * 1_000_000
    with gzip.open(path, "wb", compresslevel=9) as fh:
        for _ in range(100):  # 100 MB unpacked, about 100 KB packed
            fh.write(chunk)
    tracemalloc.start()
    try:
        with pytest.raises(sources.TooLarge, match="over the cap"):
            sources.read_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * MAX_BYTES


def test_the_cap_counts_decompressed_bytes_and_a_file_at_the_cap_reads(tmp_path):
    at_cap = tmp_path / "a.txt"
    at_cap.write_bytes(b"x" * 1000)
    assert len(sources.read_file(at_cap, max_bytes=1000).content) == 1000
    packed = tmp_path / "b.txt.gz"
    packed.write_bytes(gzip.compress(b"x" * 1001))
    assert packed.stat().st_size < 1000
    with pytest.raises(sources.TooLarge):
        sources.read_file(packed, max_bytes=1000)
    skipped = runner.unreadable(packed, "over", "too-large")
    assert skipped.status == "skipped:too-large"


# --- spaCy's length limit ---------------------------------------------------------------


def test_a_long_paragraph_is_cut_into_pieces_at_sentence_ends():
    sentence = "The council met on Tuesday and talked about the twin towns for an hour. "
    text = sentence * 30_000  # 2.2 MB, one line
    cut = nlp.pieces(text, 0, len(text.rstrip()))
    assert len(cut) > 1
    assert all(e - s <= nlp.MAX_PIECE_CHARS for s, e in cut)
    assert cut[0][0] == 0 and cut[-1][1] == len(text.rstrip())
    for (_, end), (start, _) in zip(cut, cut[1:], strict=False):
        assert text[end - 1] == "." and text[end:start].isspace()


def test_a_paragraph_without_spaces_is_still_cut():
    text = "x" * 250_000
    assert nlp.pieces(text, 0, len(text)) == [(0, 100_000), (100_000, 200_000), (200_000, 250_000)]


# --- Exports of hostile titles ------------------------------------------------------------


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _formula_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [
            cell
            for row in csv.reader(fh)
            for cell in row
            if cell.startswith(FORMULA_STARTS) and not _numeric(cell)
        ]


def test_formulas_are_stored_verbatim_and_defused_in_the_csv_export(
    hostile_run, tmp_path, monkeypatch
):
    from pipeline.review import export

    monkeypatch.delenv("SISTERCITIES_REVIEW_DB", raising=False)
    titles = {d["title"] for d in hostile_run["documents"].values()}
    assert '=HYPERLINK("http://evil.example","click")' in titles
    out = tmp_path / "dataset"
    shutil.copytree(hostile_run["out"], out)
    folder = export.export(out, "csv", tmp_path / "csv", is_reviewed=False).folder
    files = sorted(folder.glob("*.csv"))
    assert files
    for path in files:
        assert _formula_cells(path) == [], path.name
    text = (folder / "documents.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in text


def test_registry_csvs_defuse_formulas(hostile_run):
    for name in ("relationships.csv", "timeline.csv"):
        assert _formula_cells(hostile_run["out"] / name) == [], name


def test_report_shows_a_script_title_as_text(hostile_run, tmp_path):
    from pipeline import report

    dest = tmp_path / "report.html"
    report.write_report(hostile_run["out"], dest)
    html = dest.read_text(encoding="utf-8")
    assert "<script>window.pwned=1</script>" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt; Twin towns" in html


# --- Property: random fragments through clean -> extract -----------------------------

_SENTENCES = [
    "Nantes and Cardiff signed a twinning agreement in 1964.",
    "The council may end the sister city partnership with Lyon.",
    "Birmingham is twinned with Lyon, the mayor said on Tuesday.",
    "In the 1990s Bei\u200bjing and Zu\u0308rich became sister cities.",
    "Their 21-year friendship was suspended on 3 May 2022.",
    "Sister cities: Paris, Berlin, Tokyo.",
    '=HYPERLINK("x") @SUM(A1) +cmd',
    "Kyiv \u2013 \u201cthe partnership\u201d \u2014 was rescinded last week.",
    "Nantes est jumel\u00e9e avec Cardiff.",
    "\u5317\u4eac\u4e0e\u4e1c\u4eac\u7f14\u7ed3\u53cb\u597d\u57ce\u5e02\u3002",
]
_ODDITIES = [
    "\u200b",
    "\u200f",
    "\u00a0",
    "\u0301",
    "\ufeff",
    "\u2028",
    "\t",
    "\r\n",
    "\x00",
    "\ud7ff",
]
_TAGS = [
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<br>",
    "<b>",
    "</b>",
    "<script>x=1</script>",
    "<!--",
    "-->",
    "<title>",
    "</title>",
]
_fragment = st.one_of(
    st.sampled_from(_SENTENCES),
    st.sampled_from(_ODDITIES),
    st.sampled_from(_TAGS),
    st.sampled_from(["\n", "\n\n", " ", ". "]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(_fragment, max_size=40),
    st.sampled_from(["text/plain", "text/html"]),
)
def test_random_fragments_extract_with_valid_spans(extractor, parts, media_type):
    # One extractor for every example (what runner.extract_documents builds per call).
    raw = RawDocument("h", "h", "".join(parts).encode("utf-8"), media_type)
    doc = clean(raw)
    (ex,) = extractor.extract([doc])
    text = doc.text
    for r in ex.relations:
        assert text[r.a_start : r.a_end] == r.a_text
        if r.b_start is not None:
            assert text[r.b_start : r.b_end] == r.b_text
    for e in ex.events:
        assert text[e.trigger_start : e.trigger_end] == e.trigger_text
        if e.date_start is not None:
            assert 0 <= e.date_start < e.date_end <= len(text)
    for a in ex.actors:
        assert 0 <= a.start < a.end <= len(text)


def test_ingestion_records_a_local_file_over_the_cap_as_too_large(tmp_path):
    from pipeline import ingest

    path = tmp_path / "big.txt.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"a" * (MAX_BYTES + 1))
    fetched = ingest._read_file(ingest.DocRef(str(path), "file", "local", ()), MAX_BYTES)
    assert fetched.result.status == "failed:too-large"
    assert "over the cap" in fetched.result.detail
