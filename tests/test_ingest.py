"""Ingestion steps without Prefect: discovery over folders, feeds and sitemaps, and the
outcome of each fetched source."""

import dataclasses
import gzip

import pytest

from pipeline import clean, dataset, ingest, parallel, runner, sourcelist, sources, state
from pipeline.config import Settings

from .conftest import SEEDS, seed_html

FETCH = "[fetch]\nallow_private = true\ndelay = 0.0\nbackoff = 0.01\nretries = 0\n"


def listing(tmp_path, *entries):
    path = tmp_path / "sources.toml"
    path.write_text(FETCH + "".join(f"\n[[source]]\n{e}\n" for e in entries), encoding="utf-8")
    return sourcelist.load(path)


def urlset(*urls):
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>"


def rss(*urls):
    items = "".join(f"<item><link>{u}</link></item>" for u in urls)
    return f"<rss version='2.0'><channel>{items}</channel></rss>"


def test_discovery_covers_folders_pages_feeds_and_nested_sitemaps(tmp_path, site):
    docs = tmp_path / "docs"
    docs.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        (docs / seed.name).write_bytes(seed.read_bytes())
    u = {p: site.url(f"/{p}.html") for p in "abcde"}
    feed = site.add("/rss.xml", rss(u["a"], u["b"]), content_type="application/rss+xml")
    site.add("/sm1.xml", urlset(u["b"], u["c"]), content_type="application/xml")
    site.add("/sm2.xml.gz", gzip.compress(urlset(u["d"]).encode()), content_type="application/gzip")
    index = site.add(
        "/sitemap.xml",
        "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<sitemap><loc>{site.url('/sm1.xml')}</loc></sitemap>"
        f"<sitemap><loc>{site.url('/sm2.xml.gz')}</loc></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    lst = listing(
        tmp_path,
        "name = 'local'\npath = 'docs'\ntags = ['seed']",
        f"name = 'one'\nurl = '{u['e']}'",
        f"name = 'news'\nfeed = '{feed}'\ntags = ['uk', 'news']",
        f"name = 'map'\nsitemap = '{index}'",
    )
    found = ingest.discover(lst, state.load(tmp_path / "out"), ingest.new_run(), tmp_path / "out")
    files = [str(p) for p in sorted(docs.iterdir())]
    assert [(r.source, r.listing) for r in found.refs] == [
        (files[0], "local"), (files[1], "local"), (u["e"], "one"), (u["a"], "news"),
        (u["b"], "news"), (u["c"], "map"), (u["d"], "map"),
    ]  # fmt: skip
    assert found.refs[3].tags == ("uk", "news")
    assert [(r.source, r.kind, r.state, r.detail) for r in found.records] == [
        (str(docs), "folder", "ok", "2 files"),
        (feed, "feed", "ok", "2 pages"),
        (index, "sitemap", "ok", "0 pages, 2 sitemaps"),
        (site.url("/sm1.xml"), "sitemap", "ok", "2 pages"),
        (site.url("/sm2.xml.gz"), "sitemap", "ok", "1 pages"),
    ]


def test_limit_caps_the_pages_taken_from_a_sitemap(tmp_path, site):
    sm = site.add("/sitemap.xml", urlset(*(site.url(f"/{i}") for i in range(10))))
    lst = listing(tmp_path, f"sitemap = '{sm}'\nlimit = 3")
    found = ingest.discover(lst, state.load(tmp_path / "out"), ingest.new_run(), tmp_path / "out")
    assert len(found.refs) == 3


def test_unchanged_feed_is_listed_again_from_its_kept_body(tmp_path, site):
    feed = site.add("/rss.xml", rss(site.url("/a.html")), content_type="text/xml", etag='"f1"')
    lst = listing(tmp_path, f"feed = '{feed}'")
    out = tmp_path / "out"
    first = ingest.discover(lst, state.load(out), ingest.new_run(), out)
    writer = dataset.DatasetWriter(out)
    writer.set_sources(dataclasses.asdict(r) for r in first.records)
    writer.commit()
    again = ingest.discover(lst, state.load(out), ingest.new_run(), out)
    assert again.refs == first.refs
    assert [r.state for r in again.records] == ["unchanged"]
    assert site.requests("/rss.xml")[-1].headers["If-None-Match"] == '"f1"'


def test_broken_feeds_are_recorded_and_the_other_sources_still_listed(tmp_path, site):
    html = site.add("/news", "<html><body><p>not a feed</p></body></html>")
    page = site.url("/a.html")
    lst = listing(
        tmp_path, f"feed = '{site.url('/gone.xml')}'", f"feed = '{html}'", f"url = '{page}'"
    )
    found = ingest.discover(lst, state.load(tmp_path / "out"), ingest.new_run(), tmp_path / "out")
    assert [r.source for r in found.refs] == [page]
    assert [r.state for r in found.records] == ["failed:http-404", "failed:not-a-feed"]


def test_each_fetched_source_gets_its_outcome_and_only_articles_are_extracted(tmp_path, site):
    article = site.add("/story.html", seed_html(sorted(SEEDS.glob("*.txt"))[3]))
    pdf = site.add("/report.pdf", b"%PDF-1.7", content_type="application/pdf")
    empty = site.add("/empty.html", "")
    missing = site.url("/missing.html")
    lst = listing(tmp_path, *(f"url = '{u}'" for u in (article, pdf, empty, missing)))
    run = ingest.new_run()
    found = ingest.discover(lst, state.load(tmp_path / "out"), run, tmp_path / "out")
    fetched = ingest.fetch_batch(found.refs, lst.fetch, found.host_state)
    processed = ingest.process_batch(fetched, Settings(), run)
    assert [(o.category, o.record.state) for o in processed.outcomes] == [
        ("new", "ok"), ("skipped", "skipped:pdf"), ("skipped", "skipped:empty"),
        ("failed", "failed:http-404"),
    ]  # fmt: skip
    (story, blank) = processed.extractions
    assert {(r.city_a, r.city_b) for r in story.relations} >= {("Linköping", "Guangzhou")}
    assert blank.document.status == "skipped:empty"  # recorded, as `extract` records it


def test_worker_processes_give_what_this_process_gives(tmp_path, site):
    pages = [site.add(f"/{p.stem}.html", seed_html(p)) for p in sorted(SEEDS.glob("*.txt"))]
    lst = listing(tmp_path, *(f"url = '{u}'" for u in pages))
    run = ingest.new_run()
    found = ingest.discover(lst, state.load(tmp_path / "out"), run, tmp_path / "out")
    fetched = ingest.fetch_batch(found.refs, lst.fetch, found.host_state)
    pool = parallel.shared(Settings.from_env())
    if pool is None:
        pytest.skip("one usable core: no worker processes")
    here = ingest.process_batch(fetched, Settings.from_env(), run)
    there = ingest.process_batch(fetched, Settings.from_env(), run, pool)
    assert [o.record for o in there.outcomes] == [o.record for o in here.outcomes]
    assert there.extractions == here.extractions


def test_kept_response_cleans_again_to_the_same_document(tmp_path, site):
    article = site.add("/story.html", seed_html(sorted(SEEDS.glob("*.txt"))[4]).encode("cp1252"),
                       content_type="text/html; charset=windows-1252")  # fmt: skip
    lst = listing(tmp_path, f"url = '{article}'")
    run, out = ingest.new_run(), tmp_path / "out"
    found = ingest.discover(lst, state.load(out), run, out)
    fetched = ingest.fetch_batch(found.refs, lst.fetch, found.host_state)
    ingest.keep_raw(out, fetched)
    (outcome,) = ingest.process_batch(fetched, Settings(), run).outcomes
    raw = ingest.stored_raw(out, outcome.record)
    assert clean.clean(raw).doc_id == outcome.record.doc_id


def test_a_file_over_the_configured_cap_gets_the_document_row_extract_gives_it(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    big = folder / "big.txt"
    big.write_bytes((sorted(SEEDS.glob("*.txt"))[3]).read_bytes())
    lst = listing(tmp_path, f"path = '{folder}'")
    lst = dataclasses.replace(lst, fetch=dataclasses.replace(lst.fetch, max_bytes=100))
    run, out = ingest.new_run(), tmp_path / "out"
    found = ingest.discover(lst, state.load(out), run, out)
    fetched = ingest.fetch_batch(found.refs, lst.fetch, found.host_state)
    processed = ingest.process_batch(fetched, Settings(), run)
    (outcome,) = processed.outcomes
    (ex,) = processed.extractions
    assert (outcome.category, outcome.record.state) == ("failed", "failed:too-large")
    assert outcome.record.doc_id == ex.document.doc_id
    with pytest.raises(sources.TooLarge) as exc:
        sources.read_file(big, max_bytes=100)
    assert ex.document == runner.unreadable(big, str(exc.value), "too-large")
