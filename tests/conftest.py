"""Shared fixtures. The spaCy model and the gazetteer load once per session; so does
one Prefect test server. Web tests get real HTTP servers on loopback addresses."""

from __future__ import annotations

import gzip
import html
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Prefect reads these when it is first imported: state inside the project, no analytics.
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")

from pipeline import runner, sources  # noqa: E402 (after the environment above)
from pipeline.config import Settings  # noqa: E402
from pipeline.extract import Extractor  # noqa: E402

SEEDS = ROOT / "corpus" / "documents"
SEEDS_GOLD = ROOT / "tests" / "data" / "seeds_gold.jsonl"
DEVSET = ROOT / "tests" / "data" / "devset"
# The later development sets (tests/data/devset2 ...): floored and checked for identity.
LATER_DEVSETS = tuple(f"devset{n}" for n in range(2, 58))
# Real news pages (read-only, next to the repository); web tests that need them skip
# when the folder is absent.
BENCH_HTML = ROOT.parent / "shared" / "benchmarks" / "article-extraction" / "html"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor(Settings())


@pytest.fixture(scope="session")
def seed_documents():
    return [runner.read_and_clean(p) for p in sources.discover(SEEDS)]


@pytest.fixture(scope="session")
def seed_extractions(extractor, seed_documents):
    return extractor.extract(seed_documents)


@pytest.fixture(scope="session")
def devset_extractions(extractor):
    docs = [runner.read_and_clean(p) for p in sources.discover(DEVSET / "docs")]
    return extractor.extract(docs)


@pytest.fixture(scope="session")
def seed_dataset(tmp_path_factory) -> Path:
    """The seed documents extracted into a dataset folder (registry included)."""
    out = tmp_path_factory.mktemp("seed-dataset")
    runner.extract_paths(sorted(SEEDS.glob("*.txt")), out)
    return out


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """One headless Debian Chromium for the whole session.

    Playwright's sync API runs one event loop per process, so every browser test shares
    this context instead of starting its own.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield context
        context.close()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server and database for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def site():
    from .webserver import Site

    with Site("127.0.0.1") as s:
        yield s


def seed_html(path: Path) -> str:
    """A seed text as a news page: site chrome around an article, one <p> per line."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    paragraphs = "\n".join(f"<p>{html.escape(ln)}</p>" for ln in lines[1:])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(lines[0])}</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/contact">Contact</a></li></ul></nav>
<main><article><h1>{html.escape(lines[0])}</h1>
{paragraphs}
</article></main>
<footer><p>Copyright 2024 Example News. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p></footer>
</body></html>
"""


def bench_pages(n: int) -> list[bytes]:
    """The first n real news pages of the benchmark, gzipped as stored."""
    if not BENCH_HTML.is_dir():
        pytest.skip(f"{BENCH_HTML} is not present")
    return [p.read_bytes() for p in sorted(BENCH_HTML.glob("*.html.gz"))[:n]]


def gunzip(data: bytes) -> bytes:
    return gzip.decompress(data)
