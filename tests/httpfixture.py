"""A scriptable HTTP/1.1 server on 127.x.x.x, for tests that need a real socket.

    from tests.httpfixture import LocalServer, Reply

    with LocalServer() as site:  # 127.0.0.1 on an ephemeral port; LocalServer("127.0.0.2")
        site.route("/", Reply.html("<h1>News</h1>"))
        site.route("/flaky", Reply(status=503), Reply(status=503), Reply.html("ok"))
        site.route("/robots.txt", Reply.robots("User-agent: *\\nDisallow: /private"))
        site.url("/flaky")   # "http://127.0.0.1:PORT/flaky"
        site.authority       # "127.0.0.1:PORT", the form FetchConfig.allow_hosts takes
        ...
        assert site.paths() == ["/robots.txt", "/flaky", "/flaky", "/flaky"]

Routes. `route(path, *answers)` scripts a path (with its query string, if the test
requests one; otherwise the bare path). Answers are served in order and the last one
repeats. An answer is a `Reply`, or a function from the `RecordedRequest` to a `Reply`
(see `conditional`). Unrouted paths answer 404, so a missing robots.txt allows all.

Replies. `Reply` fields script the status, headers and body and how they are sent:
`delay_s` before the status line (`Reply.silent()` never answers), `trickle_s` between
single body bytes, `chunked`, `endless` filler after the body until the client hangs up,
`declared_length` to announce a Content-Length other than the truth, `close` to end the
connection. Constructors: `html`, `text`, `redirect`, `robots`, `compressed`, `bomb`
(gzip/deflate/br of zeros), `silent`, `trickle`, `endless_stream`, `huge_declared`.

Log. `requests` lists every `RecordedRequest` (method, path, headers, body, monotonic
`started_at`/`finished_at`, `bytes_sent`); `start_gaps()` gives the seconds between
request starts, `connections` counts accepted TCP connections (a canary should show 0),
and `max_in_flight` is the peak of concurrent requests.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http
import itertools
import math
import select
import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import brotli

FILLER = b"\0" * 65536
_POLL_S = 0.02


@dataclass
class RecordedRequest:
    """One request as the server saw it. Times come from `time.monotonic()`."""

    method: str
    target: str  # path with query string
    headers: tuple[tuple[str, str], ...]
    started_at: float
    finished_at: float | None = None
    bytes_sent: int = 0  # headers and body, as written to the socket
    body: bytes = b""  # what the client sent (a POST's form), by its Content-Length

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Reply:
    """One scripted response; the defaults give an empty 200."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    delay_s: float = 0.0  # before the status line; math.inf: never answer
    trickle_s: float = 0.0  # pause after each single body byte
    chunked: bool = False
    endless: bool = False  # after the body, zeros until the client hangs up
    declared_length: int | None = None  # Content-Length to announce instead of len(body)
    close: bool = False  # close the connection after this reply

    @classmethod
    def html(cls, body: str | bytes = "<html><body>ok</body></html>", **kw: Any) -> Reply:
        return cls.text(body, content_type="text/html; charset=utf-8", **kw)

    @classmethod
    def text(
        cls, body: str | bytes, content_type: str = "text/plain; charset=utf-8", **kw: Any
    ) -> Reply:
        data = body.encode() if isinstance(body, str) else body
        headers = (("Content-Type", content_type), *kw.pop("headers", ()))
        return cls(body=data, headers=headers, **kw)

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status=status, headers=(("Location", location),))

    @classmethod
    def robots(cls, text: str, **kw: Any) -> Reply:
        return cls.text(text, **kw)

    @classmethod
    def compressed(cls, body: bytes, encoding: str, content_type: str = "text/html") -> Reply:
        headers = (("Content-Type", content_type), ("Content-Encoding", encoding))
        return cls(body=compress(body, encoding), headers=headers)

    @classmethod
    def bomb(cls, encoding: str, decoded_size: int, content_type: str = "text/html") -> Reply:
        """`decoded_size` zero bytes, compressed: tiny on the wire, huge when decoded."""
        headers = (("Content-Type", content_type), ("Content-Encoding", encoding))
        return cls(body=zeros_compressed(encoding, decoded_size), headers=headers)

    @classmethod
    def silent(cls) -> Reply:
        return cls(delay_s=math.inf)

    @classmethod
    def trickle(cls, body: bytes, every_s: float, content_type: str = "text/html") -> Reply:
        return cls(body=body, trickle_s=every_s, headers=(("Content-Type", content_type),))

    @classmethod
    def endless_stream(cls, content_type: str = "text/html") -> Reply:
        return cls(endless=True, chunked=True, headers=(("Content-Type", content_type),))

    @classmethod
    def huge_declared(cls, length: int, content_type: str = "text/html") -> Reply:
        headers = (("Content-Type", content_type),)
        return cls(declared_length=length, endless=True, headers=headers)


Answer = Reply | Callable[[RecordedRequest], Reply]


def compress(data: bytes, encoding: str) -> bytes:
    """`data` in a Content-Encoding: gzip, deflate (zlib-wrapped) or br."""
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=6)
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "br":
        return brotli.compress(data, quality=5)
    raise ValueError(f"unknown encoding {encoding!r}")


@functools.lru_cache(maxsize=8)
def zeros_compressed(encoding: str, size: int) -> bytes:
    """Cached: building a bomb costs real time and memory once per test session."""
    return compress(bytes(size), encoding)


def conditional(
    reply: Reply, *, etag: str | None = None, last_modified: str | None = None
) -> Callable[[RecordedRequest], Reply]:
    """An answer that serves `reply` with validators, or 304 when the client's match."""
    pairs = (("ETag", etag), ("Last-Modified", last_modified))
    validators = tuple((name, value) for name, value in pairs if value)
    full = replace(reply, headers=(*reply.headers, *validators))

    def answer(request: RecordedRequest) -> Reply:
        etag_hit = etag is not None and request.header("if-none-match") == etag
        since = request.header("if-modified-since")
        date_hit = last_modified is not None and since == last_modified
        return Reply(status=304, headers=validators) if etag_hit or date_hit else full

    return answer


@dataclass
class _Route:
    answers: list[Answer]
    served: int = 0

    def next_answer(self) -> Answer:
        answer = self.answers[min(self.served, len(self.answers) - 1)]
        self.served += 1
        return answer


@dataclass
class _Log:
    requests: list[RecordedRequest] = field(default_factory=list)
    connections: int = 0
    in_flight: int = 0
    max_in_flight: int = 0


class LocalServer:
    """A threaded HTTP/1.1 server with scripted routes and a request log."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._httpd = _HTTPServer((host, port), _Handler, owner=self)
        self._routes: dict[str, _Route] = {}
        self._log = _Log()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and cut every open connection (silent and endless replies too)."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            for sock in self._sockets:
                _shutdown_quietly(sock)
        self._thread.join(timeout=5)

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def authority(self) -> str:
        """``host:port``, as an allow-list entry."""
        return f"{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.authority}"

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}{path}"

    def route(self, path: str, *answers: Answer) -> None:
        """Script `path`: answers in order, the last one repeating."""
        if not answers:
            raise ValueError("route() needs at least one answer")
        with self._lock:
            self._routes[path] = _Route(list(answers))

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log.requests)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    def start_gaps(self, path: str | None = None) -> list[float]:
        """Seconds between consecutive request starts (only requests to `path`, if given)."""
        chosen = self.requests if path is None else self.requests_to(path)
        starts = sorted(request.started_at for request in chosen)
        return [later - earlier for earlier, later in itertools.pairwise(starts)]

    @property
    def connections(self) -> int:
        return self._log.connections

    @property
    def max_in_flight(self) -> int:
        return self._log.max_in_flight

    def clear(self) -> None:
        """Forget the log (routes and their progress stay)."""
        with self._lock:
            self._log = _Log(in_flight=self._log.in_flight)

    # Server side, called from handler threads.

    def _accepted(self, sock: socket.socket) -> None:
        with self._lock:
            self._log.connections += 1
            self._sockets.add(sock)

    def _serve(self, handler: _Handler) -> None:
        record = self._begin(handler)
        try:
            _Sender(handler, record, self._stopping).send(self._reply_for(record))
        except OSError:  # the client hung up: expected from a fetcher that gives up
            handler.close_connection = True
        finally:
            self._end(record)

    def _begin(self, handler: _Handler) -> RecordedRequest:
        headers = tuple((k, v) for k, v in handler.headers.items())
        record = RecordedRequest(handler.command, handler.path, headers, time.monotonic())
        length = handler.headers.get("Content-Length", "")
        record.body = handler.rfile.read(int(length)) if length.isdigit() else b""
        with self._lock:
            self._log.requests.append(record)
            self._log.in_flight += 1
            self._log.max_in_flight = max(self._log.max_in_flight, self._log.in_flight)
        return record

    def _end(self, record: RecordedRequest) -> None:
        record.finished_at = time.monotonic()
        with self._lock:
            self._log.in_flight -= 1

    def _reply_for(self, record: RecordedRequest) -> Reply:
        with self._lock:
            route = self._routes.get(record.target) or self._routes.get(record.path)
            answer = route.next_answer() if route else Reply.text("not found", status=404)
        # Outside the lock: a scripted function may well look at the request log.
        return answer(record) if callable(answer) else answer

    def _closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)


class _Sender:
    """Writes one `Reply` the way it asks to be written."""

    def __init__(
        self, handler: _Handler, record: RecordedRequest, stopping: threading.Event
    ) -> None:
        self._handler = handler
        self._record = record
        self._stopping = stopping

    def send(self, reply: Reply) -> None:
        if reply.delay_s and not self._pause(reply.delay_s):
            self._handler.close_connection = True
            return
        self._write(self._head(reply))
        if self._handler.command != "HEAD":
            self._body(reply)
        self._handler.close_connection = reply.close or reply.endless

    def _head(self, reply: Reply) -> bytes:
        phrase = http.HTTPStatus(reply.status).phrase if reply.status in _KNOWN else "Status"
        lines = [f"HTTP/1.1 {reply.status} {phrase}", "Server: httpfixture", *_framing(reply)]
        lines += [f"{name}: {value}" for name, value in reply.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _body(self, reply: Reply) -> None:
        if reply.trickle_s:
            for index in range(len(reply.body)):
                self._piece(reply, reply.body[index : index + 1])
                if not self._pause(reply.trickle_s):
                    return
        elif reply.body:
            self._piece(reply, reply.body)
        if reply.endless:
            self._fill(reply)
        elif reply.chunked:
            self._write(b"0\r\n\r\n")

    def _fill(self, reply: Reply) -> None:
        remaining = math.inf if reply.declared_length is None else reply.declared_length
        remaining -= len(reply.body)
        while remaining > 0 and not self._stopping.is_set():
            piece = FILLER[: int(min(remaining, len(FILLER)))]
            self._piece(reply, piece)
            remaining -= len(piece)

    def _piece(self, reply: Reply, data: bytes) -> None:
        self._write(b"%x\r\n%s\r\n" % (len(data), data) if _is_chunked(reply) else data)

    def _write(self, data: bytes) -> None:
        self._handler.wfile.write(data)
        self._record.bytes_sent += len(data)

    def _pause(self, seconds: float) -> bool:
        """Wait, but give up early (False) if the server stops or the client hangs up."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self._stopping.wait(min(_POLL_S, deadline - time.monotonic())):
                return False
            if _peer_closed(self._handler.connection):
                return False
        return True


_KNOWN = {status.value for status in http.HTTPStatus}


def _is_chunked(reply: Reply) -> bool:
    return reply.chunked or (reply.endless and reply.declared_length is None)


def _framing(reply: Reply) -> list[str]:
    if _is_chunked(reply):
        return ["Transfer-Encoding: chunked"]
    length = len(reply.body) if reply.declared_length is None else reply.declared_length
    return [f"Content-Length: {length}", *(["Connection: close"] if reply.close else [])]


def _peer_closed(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _shutdown_quietly(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type, *, owner: LocalServer) -> None:
        self.owner = owner
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.owner._accepted(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.owner._closed(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # hang-ups are the clients' right
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def do_GET(self) -> None:
        self.server.owner._serve(self)

    do_HEAD = do_POST = do_GET  # routes see the method in the request log

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is the record; stderr noise helps nobody
