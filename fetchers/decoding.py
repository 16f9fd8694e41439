"""Reading a response body within a size cap, decompressing with bounded memory.

httpx decompresses each network chunk in one go, so 64 KiB of a gzip bomb becomes 64 MiB
before anyone can count it (brotli is worse). Here every decoder is asked for at most
`STEP` output bytes at a time, and reading stops as soon as the decoded total passes the
cap, so memory stays around cap + STEP whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Iterator
from typing import Protocol

import brotli

from fetchers.errors import BadResponse, TooLarge

STEP = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate, br"


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> Iterator[bytes]: ...


class IdentityDecoder:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def finish(self) -> Iterator[bytes]:
        yield from ()


class ZlibDecoder:
    """gzip, or deflate with or without the zlib wrapper (servers send both)."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inflater = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._started and self._wbits == zlib.MAX_WBITS:
            data = self._sniff_raw_deflate(data)
        self._started = self._started or bool(data)
        yield self._inflater.decompress(data, STEP)
        while self._inflater.unconsumed_tail:
            yield self._inflater.decompress(self._inflater.unconsumed_tail, STEP)

    def _sniff_raw_deflate(self, data: bytes) -> bytes:
        # A zlib stream starts with a header whose first 16 bits are a multiple of 31.
        if len(data) >= 2 and (data[0] << 8 | data[1]) % 31 != 0:
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        return data

    def finish(self) -> Iterator[bytes]:
        # Once all input is consumed zlib holds at most one window (32 KiB) of output.
        yield self._inflater.flush()


class BrotliDecoder:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        piece = self._decompressor.process(data, output_buffer_limit=STEP)
        yield piece
        # A full output buffer means more output is pending; drain it before new input.
        while piece and not self._decompressor.is_finished():
            piece = self._decompressor.process(b"", output_buffer_limit=STEP)
            yield piece

    def finish(self) -> Iterator[bytes]:
        yield from ()


def make_decoder(url: str, content_encoding: str | None) -> Decoder:
    """A decoder for the response's Content-Encoding (only what we advertise)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return IdentityDecoder()
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip"):
        return ZlibDecoder(zlib.MAX_WBITS | 16)
    if codings == ["deflate"]:
        return ZlibDecoder(zlib.MAX_WBITS)
    if codings == ["br"]:
        return BrotliDecoder()
    raise BadResponse(url, f"unsupported Content-Encoding {content_encoding!r}")


async def read_capped(
    url: str,
    raw_chunks: AsyncIterable[bytes],
    decoder: Decoder,
    limit: int,
    pieces: list[bytes] | None = None,
) -> bytes:
    """The decoded body; TooLarge as soon as it passes `limit` bytes, BadResponse if corrupt.

    Decoded bytes are appended to `pieces` as they come, at most `limit` of them, so a
    caller that passes a list still holds what was read when reading stops early (the cap,
    a corrupt stream, a deadline) and can archive it.
    """
    pieces = [] if pieces is None else pieces
    size = 0
    try:
        async for raw in raw_chunks:
            for piece in decoder.feed(raw):
                size = _keep(url, pieces, piece, size, limit)
        for piece in decoder.finish():
            size = _keep(url, pieces, piece, size, limit)
    except (zlib.error, brotli.error) as exc:
        raise BadResponse(url, f"cannot decode body: {exc}") from None
    return b"".join(pieces)


def _keep(url: str, pieces: list[bytes], piece: bytes, size: int, limit: int) -> int:
    pieces.append(piece[: max(0, limit - size)])
    size += len(piece)
    if size > limit:
        raise TooLarge(url, f"body exceeds {limit} bytes after decoding")
    return size
