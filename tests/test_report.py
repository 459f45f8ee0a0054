"""The HTML report: opened in real headless Chromium, offline, with untrusted text escaped."""

from collections import Counter

import pytest

from pipeline import registry, report

from .test_registry import Corpus


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


class Visit:
    """A page with every console message, page error and request it caused."""

    def __init__(self, browser, url):
        self.page = browser.new_page()
        self.console, self.errors, self.requests = [], [], []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    @property
    def outside_requests(self):
        return [u for u in self.requests if not u.startswith(("file://", "data:"))]


@pytest.fixture(scope="module")
def seed_report(seed_dataset, tmp_path_factory):
    dest = tmp_path_factory.mktemp("report") / "report.html"
    return report.write_report(seed_dataset, dest)


@pytest.fixture(scope="module")
def seed_visit(browser, seed_report):
    visit = Visit(browser, seed_report.path.as_uri())
    yield visit
    visit.page.close()


def test_report_opens_without_console_errors(seed_visit):
    assert seed_visit.errors == []
    assert [m for m in seed_visit.console if m[0] in ("error", "warning")] == []


def test_report_needs_no_network(seed_visit):
    assert seed_visit.outside_requests == []


def test_report_lists_every_relationship(seed_visit, seed_dataset):
    n = len(registry.build_for(seed_dataset).relationships)
    assert seed_visit.page.locator("#pairs tbody tr").count() == n


def test_report_draws_its_charts(seed_visit):
    for section in ("#summary", "#timeline", "#countries"):
        box = seed_visit.page.locator(f"{section} svg").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 10, section
    assert seed_visit.page.locator("#timeline svg rect").count() > 0


def test_report_lists_the_contradictions(seed_visit):
    rows = seed_visit.page.locator("#review tbody tr")
    assert rows.count() >= 1
    assert "termination_dates_differ" in " ".join(rows.all_inner_texts())


def _hostile_registry():
    c = Corpus()
    text = (
        "Prague and Beijing are sister cities. "
        '<img src="http://example.org/x.png" onerror="window.pwned=1">'
    )
    d = c.doc("d1", text, published="2020", source="javascript:window.pwned=1")
    c.docs[0]["title"] = "<script>window.pwned=1</script>"
    c.event(c.rel(d), "established", "1990", trigger="<img")
    reg = c.build()
    return reg, report.documents_from_rows(c.docs)


def test_document_text_is_escaped(browser, tmp_path):
    reg, docs = _hostile_registry()
    html = report.render(reg, docs)
    assert "<script>" not in html and "<img" not in html
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    visit = Visit(browser, path.as_uri())
    assert visit.page.evaluate("window.pwned === undefined")
    assert visit.outside_requests == []
    assert "<script>window.pwned=1</script>" in visit.page.locator("#sources").inner_text()
    assert visit.page.locator("#sources a[href^='javascript']").count() == 0
    visit.page.close()


def test_year_counts_count_each_relationship_once_per_series():
    c = Corpus()
    d1 = c.doc("d1", published="2022")
    r1 = c.rel(d1)
    c.event(r1, "established", "1990")
    c.event(r1, "terminated", "2020")
    d2 = c.doc("d2", published="2022")
    c.event(c.rel(d2), "terminated", "2021")  # same pair, a later date: still one ending
    counts = report.year_counts(c.build())
    assert counts == {1990: Counter(established=1), 2020: Counter(terminated=1)}
