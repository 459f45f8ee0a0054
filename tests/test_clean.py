import gzip
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from pipeline.clean import clean
from pipeline.models import RawDocument
from pipeline.sources import read_file
from pipeline.textclean import RULES_PATH, boilerplate_rule, load_rules

ROOT = Path(__file__).resolve().parents[1]
# The seeds ship with the repository (a copy of the shared seeds folder).
SEEDS = ROOT / "corpus" / "documents"
BENCH = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
CASES = [
    json.loads(line) for line in (ROOT / "tests/data/clean_cases.jsonl").open(encoding="utf-8")
]
RULE_ROWS = [json.loads(line) for line in RULES_PATH.open(encoding="utf-8") if line.strip()]


def seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def clean_seed(prefix: str):
    return clean(read_file(seed(prefix)))


def bench_pages(n: int) -> list[Path]:
    if not (BENCH / "html").is_dir():
        pytest.skip(f"benchmark pages not found at {BENCH}")
    return sorted((BENCH / "html").glob("*.html.gz"))[:n]


def html_doc(path: Path) -> RawDocument:
    return RawDocument(str(path), path.name[:-3], gzip.decompress(path.read_bytes()), "text/html")


def assert_text_contract(text: str) -> None:
    assert "\r" not in text
    assert text == text.strip()
    assert "\n\n\n" not in text
    for block in text.split("\n\n"):
        assert block, "empty block"
        assert "\n" not in block, "line break inside a block"
        assert block == block.strip(), "whitespace at a block edge"


# --- Seeds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "value", "precision"),
    [
        ("000", "2010-08-01", "day"),
        ("001", "2023-05", "month"),
        ("002", None, None),
        ("003", None, None),
        ("004", "2021-05-05", "day"),
    ],
)
def test_seed_publication_date(prefix, value, precision):
    published = clean_seed(prefix).published
    if value is None:
        assert published is None
    else:
        assert (published.value, published.precision) == (value, precision)


@pytest.mark.parametrize(
    ("prefix", "span_text"),
    [("000", "August 1, 2010"), ("001", "Fri May, 2023"), ("004", "May 05, 2021")],
)
def test_seed_publication_date_points_into_text(prefix, span_text):
    doc = clean_seed(prefix)
    assert doc.text[doc.published.start : doc.published.end] == span_text


# Lines of the seeds that are page furniture, not article.
SEED_BOILERPLATE = {
    "000": [
        "Home | Photos | Articles & Comments | Books & Writings | Music | Contact Us | Links",
        "Post a Comment",
        "You must be logged in to leave a comment",
        "ID: Password: Forget Password?",
        "If you fail, please register again.",
        "Comments that include profanity or personal attacks",
        "Copyright © 2007 China-U.S. Friendship Exchange",
    ],
    "001": ["Placeholder canvas"],
    "003": ["Close"],
    "004": ["Photo credit: NG-Spacetime /"],
}


@pytest.mark.parametrize(
    ("prefix", "line"), [(p, x) for p, xs in SEED_BOILERPLATE.items() for x in xs]
)
def test_seed_boilerplate_removed(prefix, line):
    assert line not in clean_seed(prefix).text


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_every_article_line_kept(prefix):
    """Every non-boilerplate line of the seed is in the cleaned text, word for word."""
    doc = clean_seed(prefix)
    furniture = SEED_BOILERPLATE.get(prefix, [])
    for line in seed(prefix).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not re.search(r"\w", line) or any(line.startswith(f) for f in furniture):
            continue
        assert line in doc.text


@pytest.mark.parametrize(
    ("prefix", "title", "author"),
    [
        (
            "000",
            "Sino-U.S. Sister City Relations: Subnational Networks and Paradiplomacy",
            "Benjamin Leffel",
        ),
        ("001", "Stealth War 133 Feature: China’s Sister-City Relationships in Focus", "Flora Yan"),
        (
            "002",
            "5th China-US Sister Cities Conference Sheds Light on US-China Grassroot Cooperation",
            None,
        ),
        (
            "003",
            "The Risks of Engagement with China’s Sister Cities",
            "Ariane Gottlieb; Justin Daniels",
        ),
        ("004", "Cities Need to Talk About China", None),
    ],
)
def test_seed_title_and_author(prefix, title, author):
    doc = clean_seed(prefix)
    assert (doc.title, doc.author) == (title, author)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_text_follows_contract(prefix):
    assert_text_contract(clean_seed(prefix).text)


def test_seed_byline_lines_stay_in_text():
    header = "Paradiplomacy\n\nBy Benjamin Leffel\n\nAugust 1, 2010\n\n**The full report"
    assert header in clean_seed("000").text


# --- Regression cases (tests/data/clean_cases.jsonl) ---------------------------------


def case_input(spec: dict) -> RawDocument:
    if "hex" in spec:
        content = bytes.fromhex(spec["hex"])
    else:
        content = spec["text"].encode(spec.get("encoding", "utf-8"))
    return RawDocument("case", "case", content, spec["media_type"], spec.get("charset"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_regression_case(case):
    doc = clean(case_input(case["input"]))
    expect = case["expect"]
    assert doc.status == expect["status"], case["note"]
    if doc.ok:
        assert_text_contract(doc.text)
    else:
        assert doc.text == ""
    if "text" in expect:
        assert doc.text == expect["text"]
    for fragment in expect.get("contains", []):
        assert fragment in doc.text
    for fragment in expect.get("excludes", []):
        assert fragment not in doc.text
    if "count" in expect:
        fragment, n = expect["count"]
        assert doc.text.count(fragment) == n
    for key in ("title", "author"):
        if key in expect:
            assert getattr(doc, key) == expect[key]
    if "published" in expect:
        got = doc.published and [doc.published.value, doc.published.precision]
        assert got == expect["published"]
    if "published_span" in expect:
        assert (doc.published.start, doc.published.end) == (None, None)


def test_regression_case_ids_are_unique():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))


# --- Identity and determinism ----------------------------------------------------


def test_same_bytes_give_same_text_and_id():
    first, second = clean_seed("003"), clean_seed("003")
    assert (first.doc_id, first.text) == (second.doc_id, second.text)


def test_different_bad_inputs_get_different_ids():
    a = clean(RawDocument("a", "a", b"\x89PNG\r\n\x1a\n" + b"\x01" * 64, "text/plain"))
    b = clean(RawDocument("b", "b", b"\x89PNG\r\n\x1a\n" + b"\x02" * 64, "text/plain"))
    assert a.status == b.status == "skipped:binary"
    assert a.doc_id != b.doc_id


# --- HTML benchmark pages ----------------------------------------------------------
# Some are not in English (the first is Korean): these tests are about the HTML cleaner.


def test_benchmark_page_gives_blocks_separated_by_blank_lines():
    doc = clean(html_doc(bench_pages(1)[0]), check_language=False)
    assert doc.ok
    assert doc.text.count("\n\n") >= 2
    assert_text_contract(doc.text)


def test_benchmark_page_same_bytes_same_output():
    raw = html_doc(bench_pages(2)[1])
    assert clean(raw, check_language=False) == clean(raw, check_language=False)


@pytest.mark.parametrize("index", range(5))
def test_benchmark_page_script_content_never_in_text(index):
    raw = html_doc(bench_pages(5)[index])
    scripts = [
        " ".join(s.text.split())[:60]
        for s in lxml_html.fromstring(raw.content).iter("script")
        if s.text and len(s.text.strip()) >= 40
    ]
    text = " ".join(clean(raw, check_language=False).text.split())
    assert scripts
    assert not [s for s in scripts if s in text]


def test_benchmark_page_metadata_date_has_no_span():
    doc = clean(html_doc(bench_pages(1)[0]), check_language=False)
    assert doc.published is not None
    assert (doc.published.start, doc.published.end) == (None, None)


# --- Never raises, always the contract -----------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(["text/plain", "text/html", "application/x"]))
def test_arbitrary_bytes_never_raise(content, media_type):
    doc = clean(RawDocument("h", "h", content, media_type))
    if doc.ok:
        assert_text_contract(doc.text)
    else:
        assert doc.status.startswith("skipped:") and doc.text == ""


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_arbitrary_text_follows_contract(text):
    doc = clean(RawDocument("h", "h", text.encode("utf-8"), "text/plain"))
    if doc.ok:
        assert_text_contract(doc.text)
        if doc.published is not None:
            assert doc.published.start is not None


# --- Rule file ---------------------------------------------------------------------


def test_rule_ids_are_unique_and_documented():
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules) == len(RULE_ROWS)
    assert all(r.note for r in rules)


@pytest.mark.parametrize(
    ("rule_id", "example", "scope"),
    [(r["id"], ex, r["scope"][0]) for r in RULE_ROWS for ex in r["examples"]],
)
def test_rule_matches_its_examples(rule_id, example, scope):
    assert boilerplate_rule(example, scope) == rule_id


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_no_rule_matches_article_prose(prefix):
    """Sentences of the seed articles never match a rule, in either scope."""
    for line in seed(prefix).read_text(encoding="utf-8").splitlines():
        if len(line.split()) >= 8:
            assert boilerplate_rule(line, "plain") is None
            assert boilerplate_rule(line, "html") is None


# --- Publication dates of plain-text page copies (tests/data/date_layouts.jsonl) ------

LAYOUTS = [
    json.loads(line)
    for line in (ROOT / "tests/data/date_layouts.jsonl").open(encoding="utf-8")
    if line.strip()
]


@pytest.mark.parametrize("case", LAYOUTS, ids=[c["id"] for c in LAYOUTS])
def test_publication_date_of_page_layout(case):
    doc = clean(RawDocument("case", "case", case["text"].encode("utf-8"), "text/plain"))
    got = doc.published.value if doc.published else None
    assert got == case["published"], case["note"]


def test_navigation_menu_lines_are_dropped_but_partner_lists_kept():
    body = (
        "A new cycle route has been named after the French city of Rennes to celebrate "
        "the long twinning between the two cities, council leaders said."
    )
    menu = "BBC\n\nHome\n\nNews\n\nSport\n\nWeather\n\nDevon\n\n"
    partners = "Our twin towns:\n\nRennes\n\nBad Homburg\n\nTerrassa\n\nYaroslavl\n\n"
    doc = clean(RawDocument("x", "x", (menu + partners + body).encode(), "text/plain"))
    assert "Weather" not in doc.text and "Sport" not in doc.text
    assert all(name in doc.text for name in ("Rennes", "Bad Homburg", "Terrassa", "Yaroslavl"))
