"""Page addresses from RSS, Atom and sitemaps; hostile XML stays harmless."""

import gzip

import pytest

from pipeline.feeds import FeedError, parse_feed, parse_sitemap

BASE = "https://news.example.org/feeds/main.xml"

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>News</title>
<item><title>A</title><link>https://news.example.org/a.html</link></item>
<item><title>B</title><link>/b.html#comments</link></item>
<item><title>C</title><guid isPermaLink="true">https://news.example.org/c.html</guid></item>
<item><title>D</title><guid isPermaLink="false">tag:news,2024:d</guid></item>
<item><title>A again</title><link>https://news.example.org/a.html</link></item>
<item><title>Mail</title><link>mailto:desk@example.org</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
<entry><title>A</title><link rel="alternate" type="text/html" href="https://x.org/a"/>
<link rel="enclosure" href="https://x.org/a.mp3"/></entry>
<entry><title>B</title><link href="b"/></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://x.org/"><title>x</title></channel>
<item rdf:about="https://x.org/1"><title>1</title><link>https://x.org/1</link></item>
</rdf:RDF>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://x.org/a</loc><lastmod>2024-01-01</lastmod></url>
<url><loc>https://x.org/b</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.org/sitemap-1.xml</loc></sitemap>
<sitemap><loc>https://x.org/sitemap-2.xml.gz</loc></sitemap>
</sitemapindex>"""


def test_rss_links_are_absolute_unique_and_web_only():
    assert parse_feed(RSS, BASE) == (
        "https://news.example.org/a.html",
        "https://news.example.org/b.html",
        "https://news.example.org/c.html",
    )


def test_atom_takes_the_alternate_link_of_each_entry():
    assert parse_feed(ATOM, "https://x.org/feed") == ("https://x.org/a", "https://x.org/b")


def test_rss_1_rdf_items_are_read():
    assert parse_feed(RDF, "https://x.org/rss") == ("https://x.org/1",)


def test_feed_limit_keeps_the_first_entries():
    assert len(parse_feed(RSS, BASE, limit=2)) == 2


def test_sitemap_lists_pages():
    sitemap = parse_sitemap(URLSET, "https://x.org/sitemap.xml")
    assert (sitemap.pages, sitemap.sitemaps) == (("https://x.org/a", "https://x.org/b"), ())


def test_sitemap_index_lists_sitemaps():
    sitemap = parse_sitemap(INDEX, "https://x.org/sitemap.xml")
    assert sitemap.sitemaps == ("https://x.org/sitemap-1.xml", "https://x.org/sitemap-2.xml.gz")


def test_gzipped_sitemap_is_unpacked():
    assert parse_sitemap(gzip.compress(URLSET), "https://x.org/s.xml.gz").pages[0] == (
        "https://x.org/a"
    )


def test_gzipped_sitemap_bomb_is_refused():
    with pytest.raises(FeedError, match="more than"):
        parse_sitemap(gzip.compress(b" " * 2_000_000), "https://x.org/s.xml.gz", max_bytes=1000)


def test_external_entities_are_not_resolved():
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>
<rss version="2.0"><channel><item><link>https://x.org/&x;</link></item></channel></rss>"""
    links = parse_feed(xxe, BASE)
    assert all(link.startswith("https://x.org/") and len(link) < 20 for link in links)


def test_html_is_not_a_feed():
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>hello</p></body></html>", BASE)


def test_feed_is_not_a_sitemap():
    with pytest.raises(FeedError, match="not a sitemap"):
        parse_sitemap(RSS, BASE)
