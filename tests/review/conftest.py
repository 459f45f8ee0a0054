"""Review fixtures: a real dataset (the seed documents plus a document carrying
script and onerror payloads) extracted once per session; each test works on a copy,
so decisions never leak between tests."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from pipeline import dataset, runner, sources
from pipeline.review import config

from ..conftest import ROOT, SEEDS

XSS_DOC = ROOT / "tests" / "data" / "review" / "xss_kiel.txt"


def extract_into(extractor, paths, out: Path) -> None:
    """The pipeline's read -> clean -> extract -> write, with the session's model."""
    docs = [runner.read_and_clean(Path(p)) for p in paths]
    with dataset.lock(out):
        writer = dataset.DatasetWriter(out)
        for ex in extractor.extract(docs):
            writer.add(ex)
        writer.commit()


def input_paths() -> list[Path]:
    return [*sources.discover(SEEDS), XSS_DOC]


@pytest.fixture(scope="session")
def review_source(tmp_path_factory, extractor) -> Path:
    out = tmp_path_factory.mktemp("review-source")
    extract_into(extractor, input_paths(), out)
    return out


@pytest.fixture
def ds(review_source, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the dataset, with no decisions yet."""
    monkeypatch.delenv("SISTERCITIES_REVIEW_DB", raising=False)
    monkeypatch.delenv("SISTERCITIES_REVIEWER", raising=False)
    out = tmp_path / "extracted"
    shutil.copytree(review_source, out)
    return out


@pytest.fixture
def db_url(ds) -> str:
    return config.db_url(ds)


class LiveServer:
    """The review app served by uvicorn on 127.0.0.1 in a thread of this process."""

    def __init__(self, app):
        import uvicorn

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("review server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()


@pytest.fixture(scope="session")
def browser(chromium):
    return chromium


@pytest.fixture
def page(browser):
    pg = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.dialogs = dialogs
    pg.js_errors = errors
    yield pg
    pg.close()
