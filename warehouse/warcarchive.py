"""The HTTP archive: every response a run receives, in one gzipped WARC file per run.

Files live beside the warehouse (`news.duckdb` -> `news.warc/<run_id>.warc.gz`), start
with a warcinfo record, and hold one `response` record per response (status line,
headers, body), each its own gzip member so a (file, offset) pair, kept in `documents`
and `candidates`, reads one record back without the rest. `warcio check` validates them.
Error responses, redirect hops and retried attempts are records too; a body that was cut
short (over the size cap, the deadline, a dropped connection, not read) carries
``WARC-Truncated`` with the reason, and is never taken for the whole page.

The body kept is the decoded one (the fetcher removes gzip/br while capping the size),
so Content-Encoding, Transfer-Encoding and Content-Length are renamed to
``X-Archive-Orig-*`` and a Content-Length of the stored body is added, as archiving
crawlers do; otherwise a replay tool would try to decode the body twice.
Newsflow's own provenance (source, candidate URL, query, kind, run) travels in
``Newsflow-*`` record headers, so a WARC alone is enough to re-ingest a run offline.
"""

from __future__ import annotations

import http
import io
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_RENAMED = {"content-encoding", "transfer-encoding", "content-length"}
_META_PREFIX = "Newsflow-"


@dataclass(frozen=True)
class WarcPosition:
    file: str  # relative to the WARC folder
    offset: int


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    date: str  # WARC-Date, ISO 8601
    meta: Mapping[str, str] = field(default_factory=dict)  # Newsflow-* headers, unprefixed
    position: WarcPosition | None = None
    truncated: str | None = None  # WARC-Truncated: why `content` is not the whole body


def warc_root(warehouse: Path | str) -> Path:
    path = Path(warehouse)
    return path.with_name(path.stem + ".warc")


class WarcArchive:
    """Appends responses to `<root>/<run_id>.warc.gz`; safe to share between threads."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.root = root
        self.name = f"{run_id}.warc.gz"
        self._lock = threading.Lock()
        self._handle: IO[bytes] | None = None

    def write(
        self,
        url: str,
        status: int,
        headers: Sequence[tuple[str, str]],
        content: bytes,
        date: datetime,
        meta: Mapping[str, str],
        *,
        reason: str = "",
        truncated: str | None = None,
    ) -> WarcPosition:
        """Append one response; `reason` is the server's phrase (else the standard one)."""
        http_headers = StatusAndHeaders(
            _status_line(status, reason), _archived(headers, content), protocol="HTTP/1.1"
        )
        warc_headers = {"WARC-Date": _warc_date(date)}
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        warc_headers |= {_META_PREFIX + k: v for k, v in meta.items() if v}
        record = _serialised(
            lambda w: w.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(content),
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
        )
        with self._lock:
            handle = self._open()
            offset = handle.tell()
            handle.write(record)
            handle.flush()
        return WarcPosition(self.name, offset)

    def _open(self) -> IO[bytes]:
        if self._handle is None:
            self.root.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.root / self.name, "ab")  # noqa: SIM115 (closed in close())
            if self._handle.tell() == 0:
                info = {"software": "newsflow", "format": "WARC File Format 1.1"}
                self._handle.write(_serialised(lambda w: w.create_warcinfo_record(self.name, info)))
        return self._handle

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
            self._handle = None


def _serialised(make: Callable[[WARCWriter], Any]) -> bytes:
    """One record as gzip bytes, so it reaches the file in one write (a run killed mid-way
    leaves whole records behind, not half of one)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(make(writer))
    return buffer.getvalue()


def _status_line(status: int, reason: str) -> str:
    phrase = " ".join(reason.split())  # a header line must stay one line
    if not phrase:
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
    return f"{status} {phrase}"


def _archived(headers: Sequence[tuple[str, str]], content: bytes) -> list[tuple[str, str]]:
    kept = [
        (f"X-Archive-Orig-{name}" if name.lower() in _RENAMED else name, value)
        for name, value in headers
    ]
    return [*kept, ("Content-Length", str(len(content)))]


def _warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_response(root: Path, position: WarcPosition) -> ArchivedResponse:
    """The one record at `position` (offline re-extraction of one document)."""
    with open(root / position.file, "rb") as handle:
        handle.seek(position.offset)
        for record in ArchiveIterator(handle):
            return _response(record, position)
    raise LookupError(f"no WARC record at {position.file}:{position.offset}")


def iter_responses(path: Path) -> Iterator[ArchivedResponse]:
    """Every response record of a WARC file, in file order, with its position."""
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            if record.rec_type == "response":
                response = _response(record, None)  # before the offset: asking reads on
                offset = records.get_record_offset()
                yield replace(response, position=WarcPosition(path.name, offset))


def _response(record: Any, position: WarcPosition | None) -> ArchivedResponse:
    warc = record.rec_headers
    meta = {
        name[len(_META_PREFIX) :]: value
        for name, value in warc.headers
        if name.startswith(_META_PREFIX)
    }
    return ArchivedResponse(
        url=warc.get_header("WARC-Target-URI"),
        status=int(record.http_headers.get_statuscode()),
        headers=tuple(record.http_headers.headers),
        content=record.content_stream().read(),
        date=warc.get_header("WARC-Date"),
        meta=meta,
        position=position,
        truncated=warc.get_header("WARC-Truncated"),
    )
