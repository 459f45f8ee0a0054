"""A real HTTP server on a loopback address for fetching tests.

Tests register pages (`Site.add`) with the behaviour they need: status, headers,
validators for conditional requests, delays, slow trickles, failures before success.
Every request is logged with its headers and start/end times, and a shared `Meter`
counts requests in flight per host and overall, so politeness can be checked.
"""

from __future__ import annotations

import email.utils
import gzip
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # before the status line
    trickle: float = 0.0  # between body chunks of 1 kB
    failures: int = 0  # answer this many requests with 503 first
    gzip: bool = False  # send Content-Encoding: gzip
    length: bool = True  # send Content-Length


@dataclass
class Hit:
    host: str
    path: str
    headers: dict[str, str]
    start: float
    end: float = 0.0


class Meter:
    """Requests in flight, per host and overall, shared by several sites."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now: dict[str, int] = defaultdict(int)
        self.most: dict[str, int] = defaultdict(int)
        self.total = 0
        self.most_total = 0

    def enter(self, host: str) -> None:
        with self.lock:
            self.now[host] += 1
            self.total += 1
            self.most[host] = max(self.most[host], self.now[host])
            self.most_total = max(self.most_total, self.total)

    def leave(self, host: str) -> None:
        with self.lock:
            self.now[host] -= 1
            self.total -= 1


class Site:
    def __init__(self, host: str = "127.0.0.1", meter: Meter | None = None):
        self.host = host
        self.meter = meter or Meter()
        self.pages: dict[str, Page] = {}
        self.hits: list[Hit] = []
        self._served: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def add(self, path: str, body: bytes | str = b"", **kw) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(data, **kw)
        return self.url(path)

    def requests(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        hit = Hit(self.host, path, dict(handler.headers.items()), time.time())
        self.meter.enter(self.host)
        try:
            with self._lock:
                self.hits.append(hit)
                self._served[path] += 1
                served = self._served[path]
            page = self.pages.get(path)
            if page is None:
                return _send(handler, 404, {"Content-Type": "text/plain"}, b"not found")
            time.sleep(page.delay)
            if served <= page.failures:
                return _send(handler, 503, {"Retry-After": "0"}, b"busy")
            validators = {}
            if page.etag:
                validators["ETag"] = page.etag
            if page.last_modified:
                validators["Last-Modified"] = page.last_modified
            inm = handler.headers.get("If-None-Match")
            ims = handler.headers.get("If-Modified-Since")
            if (page.etag and inm == page.etag) or (
                page.last_modified and ims == page.last_modified and not inm
            ):
                return _send(handler, 304, validators, b"")
            headers = {**validators, **page.headers}
            if page.content_type:
                headers["Content-Type"] = page.content_type
            body = page.body
            if page.gzip:
                headers["Content-Encoding"] = "gzip"
                body = body if body[:2] == b"\x1f\x8b" else gzip.compress(body)
            _send(handler, page.status, headers, body, page.length, page.trickle)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should on timeouts and caps
        finally:
            hit.end = time.time()
            self.meter.leave(self.host)


def _send(handler, status, headers, body, length=True, trickle=0.0) -> None:
    handler.send_response(status)
    for k, v in headers.items():
        handler.send_header(k, v)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    if status == 304:
        return
    if not trickle:
        handler.wfile.write(body)
        return
    for i in range(0, len(body), 1024):
        handler.wfile.write(body[i : i + 1024])
        handler.wfile.flush()
        time.sleep(trickle)


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            site._serve(self)

        def log_message(self, *args):
            pass

    return Handler


def http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)
