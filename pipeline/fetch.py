"""HTTP fetching for ingestion: polite, bounded, conditional, and never raising on the web.

`Fetcher(settings, state).fetch_all(requests)` fetches a batch concurrently and returns
one `FetchResult` per request, in order. Whatever a server does, the result says it in
`status`: "ok", "not-modified" (a 304 to a conditional request), "failed:<reason>"
(timeout, connection-error, tls-error, dns-error, http-404, too-large, bad-encoding,
too-many-redirects, robots-unreachable, ...) or "skipped:<reason>" (robots-disallowed,
private-address, unsupported-scheme, invalid-url, pdf, image, media, unsupported-type).

Politeness: one request in flight per host and `delay` seconds (or the site's longer
Crawl-delay, capped at a minute) between the end of one request and the start of the
next; at most `max_connections` requests in flight overall. robots.txt is read once
per site and obeyed (RFC 9309: a missing one allows everything; one the server fails
to give forbids the site for the run, as failed:robots-unreachable, or as the timeout
or connection error that kept it from us; so does a redirect to where we may not go).
`HostState` carries the politeness clock and the robots.txt files from one batch to the
next, so batches run one after another stay polite even in different processes.

Bounds: connect, read and total deadlines per attempt; redirects are followed by hand
(each hop is checked like the first: http/https only, robots, private addresses) up to
`max_redirects`; bodies are streamed and decompressed here, so neither a huge body nor
a small gzip bomb ever holds more than `max_bytes` in memory. TLS is always verified.
Timeouts, connection errors, 429 and 5xx are retried with exponential backoff
(a Retry-After up to a minute is honoured; a longer one ends the fetch at once, saying so).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from pipeline.config import FetchSettings

ACCEPT_PAGE = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
ACCEPT_LISTING = (
    "application/rss+xml,application/atom+xml,application/xml," + "text/xml;q=0.9,*/*;q=0.1"
)
ACCEPT_ROBOTS = "text/plain,*/*;q=0.1"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
MAX_WAIT = 60.0  # longest Retry-After or Crawl-delay we honour; longer ones give up


@dataclass(frozen=True, slots=True)
class FetchRequest:
    url: str
    etag: str | None = None  # sent as If-None-Match
    last_modified: str | None = None  # sent as If-Modified-Since
    listing: bool = False  # a feed or sitemap: XML and gzip are welcome


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # as requested
    status: str  # ok | not-modified | failed:<reason> | skipped:<reason>
    final_url: str | None = None  # after redirects
    http_status: int | None = None
    content: bytes | None = None  # decompressed body, for "ok"
    media_type: str | None = None  # "text/html", without parameters
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    detail: str | None = None  # what went wrong, for a person to read
    attempts: int = 0  # HTTP requests made, retries and redirects included
    seconds: float = 0.0  # time spent in those requests (not waiting for a turn)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True, slots=True)
class HostState:
    """Politeness memory handed from one batch to the next (picklable)."""

    last_request: Mapping[str, float] = field(default_factory=dict)  # host -> epoch s
    robots: Mapping[str, str] = field(default_factory=dict)  # origin -> robots.txt text
    # origin -> (status, detail) of a robots.txt that could not be read: the site is off
    # limits for the rest of the run, with the reason its pages report.
    unreachable: Mapping[str, tuple[str, str]] = field(default_factory=dict)


class _Failure(Exception):
    def __init__(self, status: str, detail: str, transient: bool = False, http: int | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.transient = transient
        self.http = http


@dataclass(slots=True)
class _Response:
    status_code: int
    headers: httpx.Headers
    content: bytes | None
    detail: str | None = None  # why an error response was given up on


@dataclass(slots=True)
class _Trace:
    attempts: int = 0
    seconds: float = 0.0


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None, state: HostState | None = None):
        self.settings = settings or FetchSettings()
        state = state or HostState()
        self._last = dict(state.last_request)
        self._robots_text = dict(state.robots)
        self._unreachable = dict(state.unreachable)
        self._robots: dict[str, RobotFileParser] = {}
        self._delays: dict[str, float] = {}
        self._addresses: dict[str, str | None] = {}  # host -> refusal reason or None

    @property
    def state(self) -> HostState:
        return HostState(dict(self._last), dict(self._robots_text), dict(self._unreachable))

    def fetch(self, request: FetchRequest | str) -> FetchResult:
        return self.fetch_all([request])[0]

    def fetch_all(self, requests: Sequence[FetchRequest | str]) -> list[FetchResult]:
        reqs = [FetchRequest(r) if isinstance(r, str) else r for r in requests]
        if not reqs:
            return []
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._fetch_all(reqs))
        # Called from inside an event loop (a notebook, an async caller): ours needs a
        # thread of its own.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self._fetch_all(reqs)).result()

    async def _fetch_all(self, requests: list[FetchRequest]) -> list[FetchResult]:
        s = self.settings
        self._slots = asyncio.Semaphore(s.max_connections)
        self._host_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        timeout = httpx.Timeout(
            connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=None
        )
        headers = {"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"}
        async with httpx.AsyncClient(
            headers=headers,
            timeout=timeout,
            follow_redirects=False,
            verify=True,
            limits=httpx.Limits(max_connections=s.max_connections),
            event_hooks={"response": [_hide_location]},
        ) as client:
            self._client = client
            return list(await asyncio.gather(*(self._fetch(r) for r in requests)))

    async def _fetch(self, req: FetchRequest) -> FetchResult:
        trace = _Trace()
        headers = {"Accept": ACCEPT_LISTING if req.listing else ACCEPT_PAGE}
        if req.etag:
            headers["If-None-Match"] = req.etag
        if req.last_modified:
            headers["If-Modified-Since"] = req.last_modified
        url = req.url
        kind = "listing" if req.listing else "page"
        try:
            for _ in range(self.settings.max_redirects + 1):
                await self._check_address(url)
                await self._check_robots(url)
                resp = await self._with_retries(url, headers, kind, trace)
                location = resp.headers.get("location")
                if resp.status_code in REDIRECTS and location:
                    url = _join(url, location)
                    continue
                return self._result(req, url, resp, trace)
            raise _Failure(
                "failed:too-many-redirects", f"more than {self.settings.max_redirects} redirects"
            )
        except _Failure as f:
            return FetchResult(
                req.url, f.status, final_url=url, http_status=f.http, detail=f.detail,
                attempts=trace.attempts, seconds=round(trace.seconds, 3),
            )  # fmt: skip

    def _result(self, req: FetchRequest, url: str, resp: _Response, trace: _Trace) -> FetchResult:
        code = resp.status_code
        common = {
            "final_url": url,
            "http_status": code,
            "attempts": trace.attempts,
            "seconds": round(trace.seconds, 3),
        }
        if code == 304 and (req.etag or req.last_modified):
            return FetchResult(
                req.url, "not-modified",
                etag=resp.headers.get("etag", req.etag),
                last_modified=resp.headers.get("last-modified", req.last_modified),
                **common,
            )  # fmt: skip
        if not 200 <= code < 300:
            detail = resp.detail or f"HTTP {code}"
            return FetchResult(req.url, f"failed:http-{code}", detail=detail, **common)
        media, charset = content_type(resp.headers.get("content-type"))
        return FetchResult(
            req.url, "ok", content=resp.content, media_type=media, charset=charset,
            etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
            **common,
        )  # fmt: skip

    # --- One URL, with retries ---------------------------------------------------------

    async def _with_retries(self, url: str, headers: dict, kind: str, trace: _Trace) -> _Response:
        s = self.settings
        for attempt in range(s.retries + 1):
            wait = s.backoff * 2**attempt
            try:
                resp = await self._request(url, headers, kind, trace)
            except _Failure as f:
                if not f.transient or attempt == s.retries:
                    raise
            else:
                if resp.status_code not in TRANSIENT or attempt == s.retries:
                    return resp
                wait = max(wait, retry_after(resp.headers.get("retry-after")) or 0.0)
                if wait > MAX_WAIT:
                    resp.detail = (
                        f"HTTP {resp.status_code}, Retry-After {wait:.0f} s: longer than the "
                        f"{MAX_WAIT:g} s we wait"
                    )
                    return resp
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _request(self, url: str, headers: dict, kind: str, trace: _Trace) -> _Response:
        s = self.settings
        host = urlsplit(url).hostname or ""
        async with self._host_locks[host]:
            wait = self._last.get(host, 0.0) + self._delays.get(host, s.delay) - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
            started = time.monotonic()
            trace.attempts += 1
            try:
                async with (
                    self._slots,
                    asyncio.timeout(s.total_timeout),
                    self._client.stream("GET", url, headers=headers) as resp,
                ):
                    return await self._read(resp, kind)
            except TimeoutError:
                raise _Failure(
                    "failed:timeout", f"no complete response within {s.total_timeout:g} s", True
                ) from None
            except httpx.TimeoutException as exc:
                raise _Failure("failed:timeout", f"{type(exc).__name__}", True) from None
            except httpx.UnsupportedProtocol as exc:
                raise _Failure("skipped:unsupported-scheme", str(exc)) from None
            except httpx.InvalidURL as exc:  # not a TransportError
                raise _Failure("skipped:invalid-url", str(exc)[:200]) from None
            except httpx.TransportError as exc:
                text = str(exc) or type(exc).__name__
                if "CERTIFICATE" in text or "SSL" in text:
                    raise _Failure("failed:tls-error", text[:200]) from None
                raise _Failure("failed:connection-error", text[:200], True) from None
            finally:
                trace.seconds += time.monotonic() - started
                self._last[host] = time.time()

    async def _read(self, resp: httpx.Response, kind: str) -> _Response:
        code = resp.status_code
        if "location" in resp.extensions:
            resp.headers["location"] = resp.extensions["location"]
        if not 200 <= code < 300:
            return _Response(code, resp.headers, None)  # the body of an error is not wanted
        media, _ = content_type(resp.headers.get("content-type"))
        refusal = None if kind == "robots" else refused_type(media, kind == "listing")
        if refusal:
            raise _Failure(f"skipped:{refusal}", f"content type {media}", http=code)
        cap = self.settings.max_bytes
        length = resp.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise _Failure("failed:too-large", f"Content-Length {length} > {cap} bytes", http=code)
        try:
            decoder = BoundedDecoder(resp.headers.get("content-encoding"), cap)
            async for chunk in resp.aiter_raw():
                decoder.feed(chunk)
            body = decoder.finish()
        except BodyTooLarge:
            raise _Failure("failed:too-large", f"body over {cap} bytes", http=code) from None
        except BadEncoding as exc:
            raise _Failure("failed:bad-encoding", str(exc), http=code) from None
        return _Response(code, resp.headers, body)

    # --- Admission: scheme, address, robots.txt ------------------------------------------

    async def _check_address(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            port = parts.port  # raises on a port that is not a number from 0 to 65535
        except ValueError as exc:
            raise _Failure("skipped:invalid-url", f"{url[:200]}: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Failure("skipped:unsupported-scheme", f"not an http(s) URL: {url[:200]}")
        if self.settings.allow_private:
            return
        host = parts.hostname
        if host not in self._addresses:
            self._addresses[host] = await _private_address(host, port)
        if self._addresses[host]:
            raise _Failure("skipped:private-address", self._addresses[host])

    async def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        async with self._robots_locks[origin]:
            if origin not in self._robots_text and origin not in self._unreachable:
                try:
                    self._robots_text[origin] = await self._fetch_robots(origin)
                except _Failure as f:
                    self._unreachable[origin] = (f.status, f.detail)
        if origin in self._unreachable:
            status, detail = self._unreachable[origin]
            raise _Failure(status, f"{origin}/robots.txt: {detail}")
        text = self._robots_text[origin]
        parser = self._robots.get(origin)
        if parser is None:
            parser = self._robots[origin] = _robots_parser(text)
            crawl_delay = parser.crawl_delay(self.settings.user_agent)
            if crawl_delay:
                host = parts.hostname or ""
                delay = max(self.settings.delay, min(float(crawl_delay), MAX_WAIT))
                self._delays[host] = max(self._delays.get(host, 0.0), delay)
        if not parser.can_fetch(self.settings.user_agent, url):
            raise _Failure("skipped:robots-disallowed", f"{origin}/robots.txt disallows it")

    async def _fetch_robots(self, origin: str) -> str:
        """robots.txt text, "" when there is none (4xx); raises _Failure when unreachable."""
        url = f"{origin}/robots.txt"
        headers = {"Accept": ACCEPT_ROBOTS}
        for _ in range(self.settings.max_redirects + 1):
            try:
                await self._check_address(url)
                resp = await self._with_retries(url, headers, "robots", _Trace())
                location = resp.headers.get("location")
                if resp.status_code in REDIRECTS and location:
                    url = _join(url, location)
                    continue
            except _Failure as f:
                if f.status == "failed:too-large":
                    return ""  # not a robots.txt anyone meant
                if f.status.startswith("skipped:"):  # redirected where we may not go
                    raise _Failure("failed:robots-unreachable", f"{f.status}: {f.detail}") from None
                raise
            if 200 <= resp.status_code < 300:
                # utf-8-sig: a byte order mark would hide the first line from the parser.
                return (resp.content or b"").decode("utf-8-sig", "replace")
            # A 4xx means there is none, except a 429: that is the server asking us to
            # slow down, not telling us its rules (treated as a server error, as Google does).
            if 400 <= resp.status_code < 500 and resp.status_code != 429:
                return ""
            raise _Failure("failed:robots-unreachable", resp.detail or f"HTTP {resp.status_code}")
        return ""  # RFC 9309: too many redirects counts as no robots.txt


async def _hide_location(response: httpx.Response) -> None:
    """Keep Location from httpx, which parses it even when it follows no redirects and
    raises on one it cannot parse; `_read` puts it back and we judge it hop by hop."""
    if "location" in response.headers:
        response.extensions["location"] = response.headers.pop("location")


def _join(url: str, location: str) -> str:
    try:
        return urljoin(url, location)
    except ValueError as exc:  # e.g. an unclosed "[" of an IPv6 address
        raise _Failure("skipped:invalid-url", f"redirect to {location[:200]!r}: {exc}") from None


def _robots_parser(text: str) -> RobotFileParser:
    """The parsed robots.txt; lines the standard parser chokes on are ignored (RFC 9309
    asks parsers to skip what they cannot read, urllib.robotparser raises on some)."""
    lines = text.splitlines()
    parser = RobotFileParser()
    try:
        parser.parse(lines)
    except ValueError:
        parser = RobotFileParser()
        parser.parse([ln for ln in lines if _parses(ln)])
    return parser


def _parses(line: str) -> bool:
    try:
        RobotFileParser().parse(["User-agent: *", line])
    except ValueError:
        return False
    return True


async def _private_address(host: str, port: int | None) -> str | None:
    """Why fetching from host is refused (it is on this machine or a private network)."""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port or 443, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as exc:  # UnicodeError: a label over 63 characters
            raise _Failure("failed:dns-error", f"{host}: {exc}") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    private = [str(a) for a in addresses if not a.is_global]
    return f"{host} resolves to non-public address {private[0]}" if private else None


def content_type(value: str | None) -> tuple[str | None, str | None]:
    """("text/html", "utf-8") from 'text/html; charset="UTF-8"'."""
    if not value:
        return None, None
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip().strip("\"'"):
            charset = val.strip().strip("\"'")
    return media.strip().lower() or None, charset


def refused_type(media: str | None, listing: bool) -> str | None:
    """Why a body of this media type is not downloaded (skip reason), or None."""
    if not media:
        return None  # undeclared: cleaning sniffs the bytes
    if media == "application/pdf":
        return "pdf"
    if media.startswith("image/"):
        return "image"
    if media.startswith(("audio/", "video/")):
        return "media"
    if media in PAGE_TYPES:
        return None
    if listing and ("xml" in media or "gzip" in media or media.startswith("text/")):
        return None
    if listing and media == "application/octet-stream":
        return None  # gzipped sitemaps are often served so
    return "unsupported-type"


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):  # OverflowError: a year of 30 digits
        return None


class BodyTooLarge(Exception):
    pass


class BadEncoding(Exception):
    pass


class BoundedDecoder:
    """Undo Content-Encoding while counting, so no more than `cap` bytes ever exist."""

    def __init__(self, encoding: str | None, cap: int):
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        self.raw = 0
        coding = (encoding or "identity").strip().lower()
        if coding in ("gzip", "x-gzip"):
            self._wbits: int | None = 16 + zlib.MAX_WBITS
        elif coding == "deflate":
            self._wbits = 0  # zlib or raw deflate: decided on the first byte
        elif coding in ("identity", ""):
            self._wbits = None
        else:
            raise BadEncoding(f"unsupported Content-Encoding {coding!r}")
        self._z = None

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise BodyTooLarge
        if data:
            self.parts.append(data)

    def feed(self, data: bytes) -> None:
        self.raw += len(data)
        if self.raw > self.cap:
            raise BodyTooLarge
        if self._wbits is None:
            self._add(data)
            return
        try:
            while data:
                if self._z is None:
                    wbits = self._wbits
                    if wbits == 0:  # "deflate" is zlib-wrapped by the spec, raw in practice
                        wbits = zlib.MAX_WBITS if data[0] & 0x0F == 8 else -zlib.MAX_WBITS
                    self._z = zlib.decompressobj(wbits)
                self._add(self._z.decompress(data, self.cap - self.size + 1))
                data = self._z.unconsumed_tail
                if self._z.eof:
                    data = self._z.unused_data.lstrip(b"\x00")
                    self._z = None  # another gzip member may follow
        except zlib.error as exc:
            raise BadEncoding(f"bad compressed data: {exc}") from None

    def finish(self) -> bytes:
        if self._z is not None:
            try:
                self._add(self._z.flush())
            except zlib.error as exc:
                raise BadEncoding(f"bad compressed data: {exc}") from None
        return b"".join(self.parts)
