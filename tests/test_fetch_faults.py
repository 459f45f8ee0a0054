"""Hostile and broken servers, against real sockets on loopback addresses: resets,
malformed HTTP, drips, endless and lying bodies, compression bombs, 429s, bad
redirects and bad robots.txt files. Each fault must end in a recorded status
(failed:<reason> or skipped:<reason>) and leave the other URLs of the batch alone."""

import dataclasses
import gzip
import time
import zlib

import pytest

from pipeline import dataset, ingest, sourcelist, state
from pipeline import fetch as fetch_module
from pipeline.config import FetchSettings, Settings
from pipeline.fetch import Fetcher

from .conftest import SEEDS, seed_html
from .webserver import Site, drip, endless, head, http_date, reset, send

# Short deadlines so every fault ends within about a second; one retry, so that what is
# retried and what is not shows in the server's request log.
QUICK = FetchSettings(
    allow_private=True, delay=0.0, backoff=0.01, retries=1, connect_timeout=1.0,
    read_timeout=1.0, total_timeout=1.0, max_bytes=1_000_000,
)  # fmt: skip
TEN_GB = "10000000000"
HTML = "text/html"


def quick(**changes) -> FetchSettings:
    return dataclasses.replace(QUICK, **changes)


def fetch_with_a_good_page(site, url, settings=QUICK):
    """The faulty URL and a good page of the same site in one batch."""
    good = site.add("/good.html", "<p>fine</p>")
    bad, ok = Fetcher(settings).fetch_all([url, good])
    assert (ok.status, ok.content) == ("ok", b"<p>fine</p>")
    return bad


def chunked(n: int) -> bytes:
    return f"{n:x}\r\n".encode() + b"x" * n + b"\r\n"


# (fault, expected status, retried?)
FAULTS = {
    # Connection resets (TCP RST) and closes (FIN) at every stage of the response.
    "reset-before-any-byte": (reset(), "failed:connection-error", True),
    "close-before-any-byte": (send(b""), "failed:connection-error", True),
    "reset-in-status-line": (reset(b"HTTP/1.1 20", 0.1), "failed:connection-error", True),
    "reset-in-headers": (
        reset(b"HTTP/1.1 200 OK\r\nContent-Type: text/ht", 0.1),
        "failed:connection-error",
        True,
    ),
    "reset-in-body": (
        reset(head(Content_Type=HTML, Content_Length="100000") + b"x" * 5000, 0.2),
        "failed:connection-error",
        True,
    ),
    "close-in-body": (
        send(head(Content_Type=HTML, Content_Length="100000") + b"x" * 5000),
        "failed:connection-error",
        True,
    ),
    "close-in-chunked-body": (
        send(head(Content_Type=HTML, Transfer_Encoding="chunked") + chunked(100) + b"40\r\nxx"),
        "failed:connection-error",
        True,
    ),
    # Malformed HTTP.
    "garbage-status-line": (send(b"HELLO THERE\r\n\r\n<p>x</p>"), "failed:connection-error", True),
    "no-status-line": (send(b"<html><p>x</p></html>"), "failed:connection-error", True),
    "nul-in-header": (
        send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Bad: a\x00b\r\n\r\n<p>x</p>"),
        "failed:connection-error",
        True,
    ),
    "header-without-colon": (
        send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nnonsense\r\n\r\n<p>x</p>"),
        "failed:connection-error",
        True,
    ),
    "bad-chunk-size": (
        send(head(Content_Type=HTML, Transfer_Encoding="chunked") + b"zz\r\nxx\r\n0\r\n\r\n"),
        "failed:connection-error",
        True,
    ),
    "endless-headers": (
        endless(b"HTTP/1.1 200 OK\r\n", b"X-Filler: " + b"a" * 200 + b"\r\n"),
        "failed:connection-error",
        True,
    ),
    # Slow drips: every byte arrives before the read timeout, the whole never does.
    "headers-drip": (
        drip(head(Content_Type=HTML, Content_Length="8", X_Pad="-" * 40) + b"<p>x</p>", 0.02),
        "failed:timeout",
        True,
    ),
    "body-drip": (
        drip(head(Content_Type=HTML, Content_Length="2000") + b"x" * 2000, 0.005),
        "failed:timeout",
        True,
    ),
    # Lying and endless bodies: refused or cut at max_bytes, never read to the end.
    "ten-gb-declared-small-body": (
        send(head(Content_Type=HTML, Content_Length=TEN_GB) + b"<p>x</p>"),
        "failed:too-large",
        False,
    ),
    "ten-gb-declared-endless-body": (
        endless(head(Content_Type=HTML, Content_Length=TEN_GB), b"x" * 65536),
        "failed:too-large",
        False,
    ),
    "endless-chunked-body": (
        endless(head(Content_Type=HTML, Transfer_Encoding="chunked"), chunked(65536)),
        "failed:too-large",
        False,
    ),
    "endless-body-without-length": (
        endless(head(Content_Type=HTML), b"x" * 65536),
        "failed:too-large",
        False,
    ),
    # Compression nobody asked for.
    "brotli-encoding": (
        send(head(Content_Type=HTML, Content_Encoding="br", Content_Length="4") + b"\x0b\x01\x80x"),
        "failed:bad-encoding",
        False,
    ),
    "corrupt-gzip": (
        send(
            head(Content_Type=HTML, Content_Encoding="gzip", Content_Length="12") + b"\x1f\x8b" * 6
        ),
        "failed:bad-encoding",
        False,
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_ends_in_a_recorded_status_and_the_batch_goes_on(site, fault):
    behaviour, expected, retried = FAULTS[fault]
    url = site.add("/fault", raw=behaviour)
    result = fetch_with_a_good_page(site, url)
    assert (result.status, result.content) == (expected, None)
    assert result.detail
    assert result.attempts == len(site.requests("/fault")) == (1 + QUICK.retries if retried else 1)


def test_ten_gb_content_length_is_refused_without_reading_the_body(site):
    url = site.add(
        "/huge", raw=endless(head(Content_Type=HTML, Content_Length=TEN_GB), b"x" * 65536)
    )
    result = fetch_with_a_good_page(site, url)
    assert result.status == "failed:too-large"
    assert TEN_GB in result.detail
    hit = site.requests("/huge")[0].wait_end()
    # The client hung up; what the server got out meanwhile is what sockets buffer.
    assert hit.aborted and hit.sent < 100 * QUICK.max_bytes


def test_endless_chunked_body_is_cut_off_at_the_cap(site):
    url = site.add("/endless", raw=endless(head(Content_Type=HTML, Transfer_Encoding="chunked"),
                                           chunked(65536)))  # fmt: skip
    result = fetch_with_a_good_page(site, url)
    assert result.status == "failed:too-large"
    hit = site.requests("/endless")[0].wait_end()
    assert hit.aborted and hit.sent < 100 * QUICK.max_bytes


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_bomb_is_stopped_at_the_cap(site, wbits):
    packer = zlib.compressobj(9, wbits=wbits)
    bomb = packer.compress(b"\0" * (QUICK.max_bytes * 20)) + packer.flush()
    assert len(bomb) < QUICK.max_bytes // 10
    url = site.add("/bomb", bomb, headers={"Content-Encoding": "deflate"})
    assert fetch_with_a_good_page(site, url).status == "failed:too-large"


def test_many_small_gzip_members_are_counted_together(site):
    member = gzip.compress(b"\0" * (QUICK.max_bytes // 4))
    url = site.add("/members", member * 8, gzip=True)
    assert fetch_with_a_good_page(site, url).status == "failed:too-large"


# --- 429 and Retry-After -----------------------------------------------------------------


def test_429_with_retry_after_seconds_is_retried_after_the_wait(site):
    url = site.add("/busy", "<p>x</p>", failures=1, failure_status=429, retry_after="1")
    result = fetch_with_a_good_page(site, url)
    assert (result.status, result.attempts) == ("ok", 2)
    first, second = site.requests("/busy")
    assert second.start - first.end >= 0.9  # the server's wish, not our 0.01 s backoff


def test_429_with_retry_after_date_is_retried_after_the_wait(site):
    url = site.add("/busy", "<p>x</p>", failures=1, failure_status=429,
                   retry_after=lambda: http_date(time.time() + 2))  # fmt: skip
    result = fetch_with_a_good_page(site, url)
    assert (result.status, result.attempts) == ("ok", 2)
    first, second = site.requests("/busy")
    assert second.start - first.end >= 0.5  # an HTTP date is to the second: 1 to 2 s


@pytest.mark.parametrize("when", ["seconds", "date"])
def test_retry_after_beyond_the_longest_wait_gives_up_at_once(site, when):
    value = "3600" if when == "seconds" else http_date(time.time() + 3600)
    url = site.add("/busy", "<p>x</p>", failures=5, failure_status=429, retry_after=value)
    result = fetch_with_a_good_page(site, url)
    assert (result.status, result.http_status) == ("failed:http-429", 429)
    assert "Retry-After" in result.detail
    assert len(site.requests("/busy")) == 1


@pytest.mark.parametrize(
    "value",
    [
        "soon",
        "-5",
        "1.5",
        "",
        "Mon, 99 Foo 20x6 25:61:00 GMT",
        "Jan 999999999999999999999 00:00:00 0",
    ],
)
def test_unreadable_retry_after_falls_back_to_backoff(site, value):
    url = site.add("/busy", "<p>x</p>", failures=1, failure_status=503, retry_after=value)
    assert (fetch_with_a_good_page(site, url).status, len(site.requests("/busy"))) == ("ok", 2)


def test_absurd_retry_after_gives_up_without_overflowing(site):
    url = site.add("/busy", "<p>x</p>", failures=1, failure_status=503, retry_after="9" * 400)
    result = fetch_with_a_good_page(site, url)
    assert (result.status, len(site.requests("/busy"))) == ("failed:http-503", 1)
    assert "Retry-After" in result.detail


def test_robots_txt_retry_after_beyond_the_longest_wait_puts_the_site_off(site):
    site.add("/robots.txt", failures=5, failure_status=429, retry_after="3600")
    result = Fetcher(QUICK).fetch(site.add("/a", "<p>x</p>"))
    assert result.status == "failed:robots-unreachable"
    assert "Retry-After" in result.detail
    assert [h.path for h in site.hits] == ["/robots.txt"]


def test_503_without_retry_after_is_retried_with_backoff(site):
    url = site.add("/busy", "<p>x</p>", failures=1, retry_after=None)
    assert (fetch_with_a_good_page(site, url).status, len(site.requests("/busy"))) == ("ok", 2)


# --- Redirects ----------------------------------------------------------------------------


def test_long_redirect_chain_over_the_cap_fails(site):
    n = QUICK.max_redirects + 3
    for i in range(n):
        site.add(f"/r{i}", status=302, headers={"Location": f"/r{i + 1}"})
    site.add(f"/r{n}", "<p>x</p>")
    result = fetch_with_a_good_page(site, site.url("/r0"))
    assert result.status == "failed:too-many-redirects"
    assert result.final_url == site.url(f"/r{QUICK.max_redirects + 1}")  # not followed
    assert site.requests(f"/r{n}") == []


def test_chain_within_the_cap_arrives(site):
    n = QUICK.max_redirects
    for i in range(n):
        site.add(f"/r{i}", status=307, headers={"Location": site.url(f"/r{i + 1}")})
    site.add(f"/r{n}", "<p>x</p>")
    result = fetch_with_a_good_page(site, site.url("/r0"))
    assert (result.status, result.final_url) == ("ok", site.url(f"/r{n}"))


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "javascript:alert(1)", "mailto:a@example.org", "data:text/html,<p>x</p>",
     "gopher://example.org/"],
)  # fmt: skip
def test_redirect_to_another_scheme_is_skipped(site, location):
    url = site.add("/away", status=302, headers={"Location": location})
    assert fetch_with_a_good_page(site, url).status == "skipped:unsupported-scheme"


@pytest.mark.parametrize(
    "location", ["http://[::1/x", "http://127.0.0.1:99999/x", "http://h:port/x"]
)
def test_redirect_to_an_invalid_url_is_skipped(site, location):
    url = site.add("/away", status=302, headers={"Location": location})
    result = fetch_with_a_good_page(site, url)
    assert result.status == "skipped:invalid-url"


@pytest.mark.parametrize("url", ["http://[::1/x", "http://127.0.0.1:99999/x", "http://h:port/x"])
def test_invalid_url_to_fetch_is_skipped(site, url):
    result = fetch_with_a_good_page(site, url)
    assert result.status == "skipped:invalid-url"


@pytest.fixture
def public_loopback(monkeypatch):
    """Let 127.0.0.1 pass for a public site; every other address is judged as usual."""
    real = fetch_module._private_address

    async def judge(host, port):
        return None if host == "127.0.0.1" else await real(host, port)

    monkeypatch.setattr(fetch_module, "_private_address", judge)


@pytest.mark.parametrize(
    "target", ["localhost", "10.1.2.3", "[::1]", "0.0.0.0", "2130706433", "169.254.169.254"]
)
def test_redirect_to_a_private_address_is_not_followed(site, public_loopback, target):
    port = f":{site.port}" if target == "localhost" else ""
    url = site.add("/away", status=302, headers={"Location": f"http://{target}{port}/admin"})
    result = fetch_with_a_good_page(site, url, quick(allow_private=False))
    assert result.status == "skipped:private-address"
    assert site.requests("/admin") == []


# --- robots.txt ---------------------------------------------------------------------------


def test_missing_robots_txt_allows_everything(site):
    url = site.add("/a", "<p>x</p>")
    assert fetch_with_a_good_page(site, url).status == "ok"
    assert [h.path for h in site.hits][0] == "/robots.txt"


@pytest.mark.parametrize("code", [500, 502, 503])
def test_robots_txt_server_error_puts_the_site_off_for_the_run(site, code):
    site.add("/robots.txt", "down", status=code)
    urls = [site.add(f"/p{i}", "<p>x</p>") for i in range(3)]
    results = Fetcher(QUICK).fetch_all(urls)
    assert {r.status for r in results} == {"failed:robots-unreachable"}
    assert all("robots.txt" in r.detail for r in results)
    assert [h.path for h in site.hits] == ["/robots.txt"] * (QUICK.retries + 1)


def test_robots_txt_timeout_puts_the_site_off_with_the_timeout_as_reason(site):
    site.add(
        "/robots.txt", raw=drip(head(Content_Type="text/plain") + b"User-agent: *\n" * 20, 0.05)
    )
    urls = [site.add(f"/p{i}", "<p>x</p>") for i in range(2)]
    results = Fetcher(QUICK).fetch_all(urls)
    assert {r.status for r in results} == {"failed:timeout"}
    assert all("robots.txt" in r.detail for r in results)
    assert {h.path for h in site.hits} == {"/robots.txt"}


@pytest.mark.parametrize("fault", ["reset-before-any-byte", "garbage-status-line"])
def test_robots_txt_broken_connection_puts_the_site_off(site, fault):
    site.add("/robots.txt", raw=FAULTS[fault][0])
    url = site.add("/a", "<p>x</p>")
    assert Fetcher(QUICK).fetch(url).status == "failed:connection-error"
    assert site.requests("/a") == []


def test_robots_txt_redirect_is_followed_and_obeyed(site):
    site.add("/robots.txt", status=301, headers={"Location": "/real-robots.txt"})
    site.add("/real-robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    private, public = site.url("/private/a"), site.add("/public/a", "<p>x</p>")
    results = Fetcher(QUICK).fetch_all([private, public])
    assert [r.status for r in results] == ["skipped:robots-disallowed", "ok"]


def test_robots_txt_redirect_to_another_host_is_obeyed(site):
    with Site("127.0.0.2") as other:
        rules = other.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
        site.add("/robots.txt", status=302, headers={"Location": rules})
        assert (
            Fetcher(QUICK).fetch(site.add("/a", "<p>x</p>")).status == "skipped:robots-disallowed"
        )


def test_robots_txt_redirect_loop_counts_as_no_robots_txt(site):
    site.add("/robots.txt", status=302, headers={"Location": "/robots.txt"})
    assert Fetcher(QUICK).fetch(site.add("/a", "<p>x</p>")).status == "ok"


@pytest.mark.parametrize("location", ["ftp://example.org/robots.txt", "http://[::1/robots.txt"])
def test_robots_txt_redirect_to_nowhere_fetchable_puts_the_site_off(site, location):
    site.add("/robots.txt", status=302, headers={"Location": location})
    result = Fetcher(QUICK).fetch(site.add("/a", "<p>x</p>"))
    assert result.status == "failed:robots-unreachable"
    assert "robots.txt" in result.detail
    assert site.requests("/a") == []


def test_robots_txt_redirect_to_a_private_address_puts_the_site_off(site, public_loopback):
    inside = f"http://localhost:{site.port}/inside-robots.txt"
    site.add("/robots.txt", status=302, headers={"Location": inside})
    site.add("/inside-robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    result = Fetcher(quick(allow_private=False)).fetch(site.add("/a", "<p>x</p>"))
    assert result.status == "failed:robots-unreachable"
    assert "private-address" in result.detail
    assert [h.path for h in site.hits] == ["/robots.txt"]


def test_huge_robots_txt_over_the_cap_counts_as_none(site):
    site.add("/robots.txt", b"Disallow: /x\n" * (QUICK.max_bytes // 10), content_type="text/plain")
    assert fetch_with_a_good_page(site, site.add("/a", "<p>x</p>")).status == "ok"


def test_endless_robots_txt_is_cut_off_and_counts_as_none(site):
    site.add(
        "/robots.txt", raw=endless(head(Content_Type="text/plain"), b"# " + b"x" * 1000 + b"\n")
    )
    assert fetch_with_a_good_page(site, site.add("/a", "<p>x</p>")).status == "ok"


def test_large_robots_txt_under_the_cap_is_read_whole(site):
    filler = b"".join(b"Disallow: /dir%d/\n" % i for i in range(20_000))
    site.add("/robots.txt", b"User-agent: *\n" + filler + b"Disallow: /last/\n",
             content_type="text/plain")  # fmt: skip
    results = Fetcher(QUICK).fetch_all([site.url("/last/a"), site.add("/a", "<p>x</p>")])
    assert [r.status for r in results] == ["skipped:robots-disallowed", "ok"]


def test_binary_robots_txt_does_not_break_the_site(site):
    noise = bytes(range(256)) * 50 + gzip.compress(b"Disallow: /\n" * 100)
    site.add("/robots.txt", noise, content_type="application/octet-stream")
    assert fetch_with_a_good_page(site, site.add("/a", "<p>x</p>")).status == "ok"


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["plain", "byte-order-mark"])
def test_garbage_lines_in_robots_txt_are_ignored_and_the_rest_obeyed(site, bom):
    rules = (
        f"{bom}User-agent: *\n"
        "this is not a rule\n"
        ": no key\n"
        "Disallow\n"
        "Crawl-delay: \u00b2\n"  # a digit to str.isdigit, not to int()
        "Request-rate: \u00b9/\u00b2\n"
        "Disallow: //[broken\n"  # not a URL path the parser can read
        "Allow: /\x00\x01\n"
        "Sitemap: ::::\n"
        "Disallow: /private/\n"
    )
    site.add("/robots.txt", rules, content_type="text/plain")
    results = Fetcher(QUICK).fetch_all([site.url("/private/a"), site.add("/a", "<p>x</p>")])
    assert [r.status for r in results] == ["skipped:robots-disallowed", "ok"]


# --- A whole ingestion batch -------------------------------------------------------------


def test_ingestion_records_one_state_per_source_among_many_faults(tmp_path, site):
    seeds = sorted(SEEDS.glob("*.txt"))
    good = [site.add(f"/story{i}.html", seed_html(seeds[i])) for i in (3, 4)]
    cut = head(Content_Type=HTML, Content_Length="9000") + b"<p>" * 500  # then a reset
    bad = {
        site.add("/reset.html", raw=reset()): "failed:connection-error",
        site.add("/cut.html", raw=reset(cut, 0.2)): "failed:connection-error",
        site.add("/garbage.html", raw=send(b"NOT HTTP\r\n\r\n")): "failed:connection-error",
        site.add("/drip.html", raw=drip(head(Content_Type=HTML) + b"<p>x</p>" * 50, 0.05)):
            "failed:timeout",
        site.add("/huge.html", raw=endless(head(Content_Type=HTML, Content_Length=TEN_GB),
                                           b"x" * 65536)): "failed:too-large",  # fmt: skip
        site.add("/bomb.html", gzip.compress(b"\0" * 20_000_000), gzip=True): "failed:too-large",
        site.add("/loop.html", status=302, headers={"Location": "/loop.html"}):
            "failed:too-many-redirects",
        site.add("/away.html", status=302, headers={"Location": "file:///etc/passwd"}):
            "skipped:unsupported-scheme",
        site.add("/busy.html", failures=9, failure_status=429, retry_after="86400"):
            "failed:http-429",
        site.add("/brotli.html", b"\x0b", headers={"Content-Encoding": "br"}):
            "failed:bad-encoding",
        "http://h:port/bad-url": "skipped:invalid-url",
    }  # fmt: skip
    with Site("127.0.0.2") as down:
        down.add("/robots.txt", "down", status=503)
        bad[down.add("/a.html", seed_html(seeds[3]))] = "failed:robots-unreachable"
        order = [good[0], *bad, good[1]]
        listings = [  # feeds and sitemaps that fail as pages do
            ("feed", site.add("/rss.xml", raw=reset()), "failed:connection-error"),
            ("sitemap", site.add("/sitemap.xml", gzip.compress(b"\0" * 20_000_000), gzip=True,
                                 content_type="application/xml"), "failed:too-large"),
        ]  # fmt: skip
        path = tmp_path / "sources.toml"
        path.write_text(
            "[fetch]\nallow_private = true\ndelay = 0.0\nbackoff = 0.01\nretries = 0\n"
            "read_timeout = 1.0\ntotal_timeout = 1.0\nmax_bytes = 1000000\n"
            + "".join(f"\n[[source]]\nurl = '{u}'\n" for u in order)
            + "".join(f"\n[[source]]\n{kind} = '{u}'\n" for kind, u, _ in listings),
            encoding="utf-8",
        )
        lst = sourcelist.load(path)
        run, out = ingest.new_run(), tmp_path / "out"
        found = ingest.discover(lst, state.load(out), run, out)
        assert [(r.source, r.state) for r in found.records] == [(u, s) for _, u, s in listings]
        fetched = ingest.fetch_batch(found.refs, lst.fetch, found.host_state)
    processed = ingest.process_batch(fetched, Settings(), run)
    expected = [(good[0], "ok"), *bad.items(), (good[1], "ok")]
    assert [(o.record.source, o.record.state) for o in processed.outcomes] == expected
    assert [o.category for o in processed.outcomes] == [
        "new" if s == "ok" else s.partition(":")[0] for _, s in expected
    ]
    assert all(o.record.detail for o in processed.outcomes[1:-1])
    stories = [ex for ex in processed.extractions if ex.document.ok]
    assert [ex.document.source for ex in stories] == [good[0], good[1]]
    assert {(r.city_a, r.city_b) for r in stories[0].relations} >= {("Linköping", "Guangzhou")}
    # Written as a run writes them: one row per source, in the state it ended in.
    writer = dataset.DatasetWriter(out)
    ingest.write_batch(writer, processed)
    ingest.finish(out, writer, state.load(out), run, found, [processed], 1.0)
    rows = dataset.read_records(out, state.SOURCES)
    listed = [(u, s) for _, u, s in listings]
    assert sorted((r["source"], r["state"]) for r in rows) == sorted(expected + listed)


def test_host_name_no_resolver_accepts_is_a_dns_error(site, public_loopback):
    url = f"http://{'a' * 64}.example/x"  # a label over 63 characters: refused before DNS
    assert (
        fetch_with_a_good_page(site, url, quick(allow_private=False)).status == "failed:dns-error"
    )
