"""Page addresses from RSS 2.0, RSS 1.0 (RDF) and Atom feeds and from XML sitemaps.

The XML parser neither resolves entities nor loads DTDs or anything over the network, so
a hostile feed cannot read local files or expand into gigabytes. Addresses are resolved
against the feed's own URL, stripped of fragments, deduplicated in document order, and
only http(s) addresses are kept. Gzipped sitemaps are unpacked up to a byte cap.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from pipeline.config import MAX_BYTES

GZIP_MAGIC = b"\x1f\x8b"


class FeedError(ValueError):
    """The bytes are not a feed or sitemap we can read."""


@dataclass(frozen=True, slots=True)
class Sitemap:
    pages: tuple[str, ...]  # <urlset> entries
    sitemaps: tuple[str, ...]  # <sitemapindex> entries: more sitemaps to read


def _parse(content: bytes, max_bytes: int):
    if content[:2] == GZIP_MAGIC:
        content = gunzip(content, max_bytes)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not XML: {exc}") from None
    if root is None:
        raise FeedError("not XML")
    return root


def gunzip(content: bytes, max_bytes: int) -> bytes:
    """Decompress gzip, refusing to produce more than max_bytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(content, max_bytes + 1)
    except zlib.error as exc:
        raise FeedError(f"bad gzip data: {exc}") from None
    if len(out) > max_bytes:
        raise FeedError(f"unpacks to more than {max_bytes} bytes")
    return out


def _local(el) -> str:
    return etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""


def _children(el, name: str):
    return [c for c in el if _local(c) == name]


def _absolute(links, base: str, limit: int) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for link in links:
        if not link:
            continue
        url = urldefrag(urljoin(base, link.strip())).url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            out.setdefault(url)
        if len(out) >= limit:
            break
    return tuple(out)


def parse_feed(content: bytes, base_url: str, limit: int = 1000, max_bytes: int = MAX_BYTES):
    """The page addresses an RSS or Atom feed links to, in feed order."""
    root = _parse(content, max_bytes)
    kind = _local(root)
    links: list[str] = []
    if kind in ("rss", "rdf"):
        for item in root.iter():
            if _local(item) != "item":
                continue
            link = next((c.text for c in _children(item, "link") if c.text), None)
            if link is None:  # RSS 2.0 allows a permalink guid instead of a link
                link = next(
                    (
                        g.text
                        for g in _children(item, "guid")
                        if g.text and g.get("isPermaLink", "true").lower() != "false"
                    ),
                    None,
                )
            links.append(link)
    elif kind == "feed":
        for entry in root.iter():
            if _local(entry) != "entry":
                continue
            candidates = [
                c for c in _children(entry, "link") if c.get("rel", "alternate") == "alternate"
            ]
            html = [c for c in candidates if "html" in c.get("type", "text/html")]
            chosen = (html or candidates or [None])[0]
            links.append(chosen.get("href") if chosen is not None else None)
    else:
        raise FeedError(f"not an RSS or Atom feed (root element <{kind}>)")
    return _absolute(links, base_url, limit)


def parse_sitemap(
    content: bytes, base_url: str, limit: int = 1000, max_bytes: int = MAX_BYTES
) -> Sitemap:
    """Pages of a <urlset>, or the sitemaps of a <sitemapindex>."""
    root = _parse(content, max_bytes)
    kind = _local(root)
    if kind not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap (root element <{kind}>)")
    entry = "url" if kind == "urlset" else "sitemap"
    locs = [
        next((c.text for c in _children(el, "loc") if c.text), None)
        for el in root
        if _local(el) == entry
    ]
    found = _absolute(locs, base_url, limit)
    return Sitemap(found, ()) if kind == "urlset" else Sitemap((), found)
