"""Fetching against real HTTP servers on loopback addresses: politeness, bounds,
conditional requests, retries, robots.txt and what is not a web page."""

import gzip
import time

import pytest

from pipeline.config import FetchSettings
from pipeline.fetch import Fetcher, FetchRequest

from .conftest import bench_pages, gunzip
from .webserver import Meter, Site, http_date

# Loopback servers need allow_private; no politeness delay unless a test sets one.
FAST = FetchSettings(
    allow_private=True, delay=0.0, backoff=0.01, retries=2, connect_timeout=2.0,
    read_timeout=2.0, total_timeout=5.0, max_bytes=1_000_000,
)  # fmt: skip


def fetch(url_or_request, settings=FAST):
    return Fetcher(settings).fetch(url_or_request)


def test_real_page_arrives_decompressed_with_type_and_validators(site):
    page = bench_pages(1)[0]
    url = site.add("/news/a.html", page, gzip=True, etag='"v1"')
    result = fetch(url)
    assert result.status == "ok"
    assert result.content == gunzip(page)
    assert (result.media_type, result.charset, result.etag) == ("text/html", "utf-8", '"v1"')


def test_descriptive_user_agent_is_sent(site):
    fetch(site.add("/a", "<p>x</p>"))
    assert site.requests("/a")[0].headers["User-Agent"].startswith("sistercities/")


def test_etag_gets_not_modified_without_a_body(site):
    url = site.add("/a", "<p>x</p>", etag='"v1"')
    result = fetch(FetchRequest(url, etag='"v1"'))
    assert (result.status, result.http_status, result.content) == ("not-modified", 304, None)
    assert site.requests("/a")[0].headers["If-None-Match"] == '"v1"'


def test_last_modified_gets_not_modified(site):
    stamp = http_date(time.time() - 3600)
    url = site.add("/a", "<p>x</p>", last_modified=stamp)
    assert fetch(FetchRequest(url, last_modified=stamp)).status == "not-modified"


def test_changed_page_comes_back_whole_to_a_conditional_request(site):
    url = site.add("/a", "<p>new</p>", etag='"v2"')
    result = fetch(FetchRequest(url, etag='"v1"'))
    assert (result.status, result.etag, result.content) == ("ok", '"v2"', b"<p>new</p>")


def test_404_fails_at_once(site):
    result = fetch(site.url("/missing"))
    assert result.status == "failed:http-404"
    assert len(site.requests("/missing")) == 1


def test_500_is_retried_then_fails(site):
    url = site.add("/a", "oops", status=500)
    result = fetch(url)
    assert result.status == "failed:http-500"
    assert len(site.requests("/a")) == FAST.retries + 1


def test_passing_503s_are_retried_until_the_page_comes(site):
    url = site.add("/a", "<p>x</p>", failures=2)
    result = fetch(url)
    assert (result.status, result.attempts) == ("ok", 3)


def test_silent_server_times_out_after_retries(site):
    url = site.add("/slow", "<p>x</p>", delay=1.5)
    result = fetch(url, FetchSettings(**{**_fast(), "read_timeout": 0.3, "retries": 1}))
    assert result.status == "failed:timeout"
    assert result.attempts == 2


def test_trickling_body_hits_the_total_deadline(site):
    url = site.add("/drip", b"x" * 40_000, trickle=0.1)
    settings = FetchSettings(**{**_fast(), "read_timeout": 1.0, "total_timeout": 0.5})
    assert fetch(url, settings).status == "failed:timeout"


def test_redirects_are_followed_to_the_page(site):
    site.add("/new", "<p>x</p>")
    url = site.add("/old", status=301, headers={"Location": "/new"})
    result = fetch(url)
    assert (result.status, result.final_url) == ("ok", site.url("/new"))


def test_redirect_loop_is_capped(site):
    url = site.add("/loop", status=302, headers={"Location": "/loop"})
    result = fetch(url)
    assert result.status == "failed:too-many-redirects"
    assert len(site.requests("/loop")) == FAST.max_redirects + 1


def test_redirect_to_another_scheme_is_not_followed(site):
    url = site.add("/ftp", status=302, headers={"Location": "ftp://example.org/a.html"})
    assert fetch(url).status == "skipped:unsupported-scheme"


def test_declared_oversized_body_is_refused(site):
    url = site.add("/big", b"x" * (FAST.max_bytes + 1))
    result = fetch(url)
    assert result.status == "failed:too-large"
    assert result.content is None


def test_undeclared_oversized_body_is_cut_off(site):
    url = site.add("/big", b"x" * (FAST.max_bytes * 2), length=False)
    assert fetch(url).status == "failed:too-large"


def test_gzip_bomb_is_stopped_at_the_cap(site):
    bomb = gzip.compress(b"\0" * (FAST.max_bytes * 20))
    assert len(bomb) < FAST.max_bytes // 10
    url = site.add("/bomb", bomb, gzip=True)
    assert fetch(url).status == "failed:too-large"


def test_pdf_and_images_are_recorded_as_skipped(site):
    pdf = site.add("/a.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    png = site.add("/a.png", b"\x89PNG...", content_type="image/png")
    results = Fetcher(FAST).fetch_all([pdf, png])
    assert [r.status for r in results] == ["skipped:pdf", "skipped:image"]


def test_robots_disallow_is_obeyed_without_asking_for_the_page(site):
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    url = site.add("/private/a.html", "<p>x</p>")
    assert fetch(url).status == "skipped:robots-disallowed"
    assert site.requests("/private/a.html") == []


def test_robots_rules_for_our_agent_apply(site):
    site.add("/robots.txt", "User-agent: sistercities\nDisallow: /\n", content_type="text/plain")
    assert fetch(site.add("/a", "<p>x</p>")).status == "skipped:robots-disallowed"


def test_unreachable_robots_txt_forbids_the_site(site):
    site.add("/robots.txt", "down", status=503)
    url = site.add("/a", "<p>x</p>")
    assert fetch(url).status == "failed:robots-unreachable"
    assert site.requests("/a") == []


def test_robots_txt_is_read_once_per_site_even_across_batches(site):
    urls = [site.add(f"/p{i}", "<p>x</p>") for i in range(4)]
    first = Fetcher(FAST)
    first.fetch_all(urls[:2])
    Fetcher(FAST, first.state).fetch_all(urls[2:])
    assert len(site.requests("/robots.txt")) == 1


def test_one_request_in_flight_per_host(site):
    urls = [site.add(f"/p{i}", "<p>x</p>", delay=0.1) for i in range(5)]
    results = Fetcher(FAST).fetch_all(urls)
    assert all(r.ok for r in results)
    assert site.meter.most["127.0.0.1"] == 1


def test_global_limit_holds_across_hosts():
    meter = Meter()
    with (
        Site("127.0.0.1", meter) as a,
        Site("127.0.0.2", meter) as b,
        Site("127.0.0.3", meter) as c,
    ):
        urls = [s.add(f"/p{i}", "<p>x</p>", delay=0.2) for s in (a, b, c) for i in range(2)]
        settings = FetchSettings(**{**_fast(), "max_connections": 2})
        results = Fetcher(settings).fetch_all(urls)
    assert all(r.ok for r in results)
    assert meter.most_total == 2
    assert max(meter.most.values()) == 1


def test_delay_separates_requests_to_a_host_also_across_batches(site):
    urls = [site.add(f"/p{i}", "<p>x</p>") for i in range(4)]
    settings = FetchSettings(**{**_fast(), "delay": 0.3})
    first = Fetcher(settings)
    first.fetch_all(urls[:2])
    Fetcher(settings, first.state).fetch_all(urls[2:])
    hits = sorted((h for h in site.hits if h.path != "/robots.txt"), key=lambda h: h.start)
    gaps = [b.start - a.end for a, b in zip(hits, hits[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.3


def test_private_addresses_are_refused_by_default(site):
    url = site.add("/a", "<p>x</p>")
    assert fetch(url, FetchSettings()).status == "skipped:private-address"
    assert site.hits == []


def test_refused_connection_is_a_failure_not_an_exception():
    with Site("127.0.0.1") as s:
        url = s.url("/a")
    result = fetch(url, FetchSettings(**{**_fast(), "retries": 0}))
    assert result.status == "failed:connection-error"


def _fast() -> dict:
    return {f: getattr(FAST, f) for f in FAST.__dataclass_fields__}


@pytest.mark.parametrize("encoding", ["deflate-zlib", "deflate-raw"])
def test_deflate_bodies_of_either_kind_are_read(site, encoding):
    import zlib

    body = b"<p>" + b"sister city " * 200 + b"</p>"
    wbits = zlib.MAX_WBITS if encoding == "deflate-zlib" else -zlib.MAX_WBITS
    packer = zlib.compressobj(wbits=wbits)
    packed = packer.compress(body) + packer.flush()
    url = site.add("/d", packed, headers={"Content-Encoding": "deflate"})
    assert fetch(url).content == body


def test_fetching_works_from_inside_a_running_event_loop(site):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    url = site.add("/a", "<p>x</p>")

    async def caller():
        return Fetcher(FAST).fetch(url)

    # A thread of its own: the test's may already run a loop (browser tests leave one).
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, caller()).result().status == "ok"
