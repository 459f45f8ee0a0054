"""Shared fixtures. The spaCy model and the gazetteer load once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import runner, sources
from pipeline.config import Settings
from pipeline.extract import Extractor

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "documents"
SEEDS_GOLD = ROOT / "tests" / "data" / "seeds_gold.jsonl"
DEVSET = ROOT / "tests" / "data" / "devset"


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
