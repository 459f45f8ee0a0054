"""A real HTTP server on a loopback address for fetching tests.

Tests register pages (`Site.add`) with the behaviour they need: status, headers,
validators for conditional requests, delays, slow trickles, failures before success.
Every request is logged with its headers and start/end times, and a shared `Meter`
counts requests in flight per host and overall, so politeness can be checked.

For faults below HTTP (resets, malformed responses, drips, endless bodies) a page can
take a `raw` behaviour instead: a function that writes bytes straight to the socket
(see `send`, `reset`, `drip`, `endless` below). Endless behaviours stop once the client
goes away, or after `RAW_LIMIT` seconds, so no server thread outlives its test for long.
"""

from __future__ import annotations

import email.utils
import gzip
import socket
import struct
import threading
import time
from collections import defaultdict
from collections.abc import Callable
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
    failures: int = 0  # answer this many requests with `failure_status` first
    failure_status: int = 503
    retry_after: str | Callable[[], str] | None = "0"  # their Retry-After (or its maker)
    gzip: bool = False  # send Content-Encoding: gzip
    length: bool = True  # send Content-Length
    raw: Callable[[BaseHTTPRequestHandler, Hit], None] | None = None  # writes the bytes itself


@dataclass
class Hit:
    host: str
    path: str
    headers: dict[str, str]
    start: float
    end: float = 0.0
    sent: int = 0  # bytes written by a raw behaviour
    aborted: bool = False  # the client hung up while the server was still writing

    def wait_end(self, limit: float = 15.0) -> Hit:
        """This hit once the server is done with it (the server may notice a client that
        hung up only at its next write)."""
        stop = time.monotonic() + limit
        while not self.end and time.monotonic() < stop:
            time.sleep(0.01)
        return self


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
        left = []

        def leave() -> None:
            # A request counts as in flight until its answer starts: once the client has
            # the headers it may hang up (it reads no error bodies) and start its next
            # request before this thread runs again.
            if not left:
                left.append(True)
                self.meter.leave(self.host)

        try:
            with self._lock:
                self.hits.append(hit)
                self._served[path] += 1
                served = self._served[path]
            page = self.pages.get(path)
            if page is None:
                return _send(
                    handler, 404, {"Content-Type": "text/plain"}, b"not found", answer=leave
                )
            time.sleep(page.delay)
            if served <= page.failures:
                wait = page.retry_after() if callable(page.retry_after) else page.retry_after
                busy = {"Retry-After": wait} if wait is not None else {}
                return _send(handler, page.failure_status, busy, b"busy", answer=leave)
            if page.raw is not None:
                return page.raw(handler, hit)
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
                return _send(handler, 304, validators, b"", answer=leave)
            headers = {**validators, **page.headers}
            if page.content_type:
                headers["Content-Type"] = page.content_type
            body = page.body
            if page.gzip:
                headers["Content-Encoding"] = "gzip"
                body = body if body[:2] == b"\x1f\x8b" else gzip.compress(body)
            _send(handler, page.status, headers, body, page.length, page.trickle, leave)
        except OSError:
            hit.aborted = (
                True  # the client gave up (broken pipe, reset), as it should on timeouts and caps
            )
        finally:
            hit.end = time.time()
            leave()


def _send(handler, status, headers, body, length=True, trickle=0.0, answer=None) -> None:
    """Write a response; `answer()` is called just before its first byte goes out."""
    handler.send_response(status)
    for k, v in headers.items():
        handler.send_header(k, v)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    if answer:
        answer()
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


# --- Raw behaviours: faults below HTTP ----------------------------------------------------

RAW_LIMIT = 10.0  # seconds an endless behaviour may run when the client never leaves

Raw = Callable[[BaseHTTPRequestHandler, Hit], None]


def send(data: bytes, then: str = "close", pause: float = 0.0) -> Raw:
    """Write `data`, wait `pause` seconds, then "close" (FIN), "reset" (RST) or "hang"."""

    def behave(handler: BaseHTTPRequestHandler, hit: Hit) -> None:
        handler.wfile.write(data)
        hit.sent += len(data)
        time.sleep(pause)
        if then == "reset":
            _reset(handler)
        elif then == "hang":
            _wait_for_client(handler)
        # "close": the server closes the socket when the handler returns

    return behave


def reset(data: bytes = b"", pause: float = 0.0) -> Raw:
    """Send `data` (maybe none), then abort the connection with a TCP RST."""
    return send(data, "reset", pause)


def drip(data: bytes, every: float) -> Raw:
    """Write `data` one byte at a time, a byte every `every` seconds."""

    def behave(handler: BaseHTTPRequestHandler, hit: Hit) -> None:
        stop = time.monotonic() + RAW_LIMIT
        for i in range(len(data)):
            if time.monotonic() > stop:
                return
            handler.wfile.write(data[i : i + 1])
            hit.sent += 1
            time.sleep(every)

    return behave


def endless(head: bytes, chunk: bytes, every: float = 0.0) -> Raw:
    """Write `head`, then `chunk` over and over until the client leaves (or RAW_LIMIT)."""

    def behave(handler: BaseHTTPRequestHandler, hit: Hit) -> None:
        handler.wfile.write(head)
        stop = time.monotonic() + RAW_LIMIT
        while time.monotonic() < stop:
            handler.wfile.write(chunk)
            hit.sent += len(chunk)
            if every:
                time.sleep(every)

    return behave


def head(status: str = "200 OK", **headers: str) -> bytes:
    """A status line and headers as bytes ("Content_Type" -> "Content-Type")."""
    lines = [f"HTTP/1.1 {status}"] + [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _reset(handler: BaseHTTPRequestHandler) -> None:
    # SO_LINGER on with a zero timeout: close() drops the connection with an RST.
    # The descriptor is closed at once (detached: the handler's files still refer to the
    # socket object and would otherwise delay the close until the handler returns).
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    socket.close(handler.connection.detach())


def _wait_for_client(handler: BaseHTTPRequestHandler) -> None:
    handler.connection.settimeout(RAW_LIMIT)
    try:
        while handler.connection.recv(1024):
            pass
    except OSError:
        pass


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            site._serve(self)

        def log_message(self, *args):
            pass

    return Handler


def http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)
