"""The list of sources an ingestion run reads: `corpus/sources.toml`.

Each `[[source]]` names exactly one of

    path    = "documents"                 a local folder or file (relative to the list)
    url     = "https://example.org/a"     one web page
    feed    = "https://example.org/rss"   an RSS or Atom feed: every entry's page
    sitemap = "https://example.org/sitemap.xml"   a sitemap or sitemap index: every page

with an optional `name` (default: the location), `tags` (a list of words recorded with
every document it yields) and `limit` (most pages taken from one feed or sitemap). A
`[fetch]` table overrides the HTTP settings of `pipeline.config.FetchSettings`.
Mistakes are reported with the file name and the source they are in.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import FetchSettings
from pipeline.errors import InputError

KINDS = ("path", "url", "feed", "sitemap")
DEFAULT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    kind: str  # one of KINDS
    location: str  # a path (resolved against the list's folder) or an http(s) URL
    tags: tuple[str, ...] = ()
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True, slots=True)
class SourceList:
    path: str
    sources: tuple[Source, ...]
    fetch: FetchSettings = FetchSettings()


def load(path: str | Path) -> SourceList:
    """Read and check a sources file; every mistake is an InputError naming its place."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{file} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file} is not valid TOML: {exc}") from None
    unknown = set(data) - {"source", "fetch"}
    if unknown:
        raise InputError(f"{file}: unknown table(s) {', '.join(sorted(unknown))}")
    fetch = data.get("fetch", {})
    if not isinstance(fetch, dict):
        raise InputError(f"{file}: [fetch] must be a table")
    entries = data.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{file} lists no [[source]]")
    sources = tuple(_source(file, i, entry) for i, entry in enumerate(entries, 1))
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(f"{file}: source names must differ: {', '.join(duplicates)}")
    return SourceList(str(file), sources, FetchSettings.from_mapping(fetch, f"{file} [fetch]"))


def _source(file: Path, number: int, entry) -> Source:
    where = f"{file}, source {number}"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: must be a table")
    unknown = set(entry) - {*KINDS, "name", "tags", "limit"}
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    kinds = [k for k in KINDS if k in entry]
    if len(kinds) != 1:
        raise InputError(f"{where}: give exactly one of {', '.join(KINDS)}")
    kind = kinds[0]
    location = entry[kind]
    if not isinstance(location, str) or not location.strip():
        raise InputError(f"{where}: {kind} must be a non-empty string")
    if kind == "path":
        location = str(file.parent / location)
    elif not _http_url(location):
        raise InputError(f"{where}: {location!r} is not an http(s) URL")
    name = entry.get("name", entry[kind])
    tags = entry.get("tags", [])
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where}: name must be a non-empty string")
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise InputError(f"{where}: tags must be a list of words")
    limit = entry.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise InputError(f"{where}: limit must be a whole number of at least 1")
    return Source(name.strip(), kind, location, tuple(t.strip() for t in tags), limit)


def _http_url(location: str) -> bool:
    # A bad port is left to the fetcher, which records it as that source's state.
    try:
        parts = urlsplit(location)
    except ValueError:  # "http://[::1/x": an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
