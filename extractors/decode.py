"""Bytes to text, the way a browser would decide the charset.

Order: byte-order mark, then the declared charset (HTTP header, then an HTML meta tag),
then strict UTF-8, then charset_normalizer's guess. Labels map through the WHATWG aliases
that matter in practice (a page labelled latin-1 is really cp1252).
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from extractors.errors import BinaryContent, EmptyDocument

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG Encoding Standard: these labels all mean windows-1252.
_WHATWG_ALIASES = {
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "l1": "cp1252",
    "x-sjis": "shift_jis",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_SNIFF_BYTES = 4096


def decode_bytes(
    data: bytes, declared: str | None = None, *, html: bool = False
) -> tuple[str, str]:
    """Return (text, charset used). Raises EmptyDocument or BinaryContent."""
    if not data.strip():
        raise EmptyDocument("empty file (no text)")
    bom_charset, body = _strip_bom(data)
    if bom_charset:
        return body.decode(bom_charset, errors="replace"), bom_charset
    _reject_binary(data)
    for label in (declared, _meta_charset(data) if html else None):
        charset = _known_charset(label)
        if charset:
            return data.decode(charset, errors="replace"), charset
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _guess(data)


def _strip_bom(data: bytes) -> tuple[str | None, bytes]:
    for bom, charset in _BOMS:
        if data.startswith(bom):
            return charset, data[len(bom) :]
    return None, data


# Control bytes that text does not hold (tab, LF, vertical tab, form feed and CR are text).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or b > 13)


def _reject_binary(data: bytes) -> None:
    head = data[:_SNIFF_BYTES]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C
    if b"\x00" in head or controls > len(head) * 0.05:
        raise BinaryContent("binary content, not text (control bytes in the first 4 KiB)")


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    return match.group(1).decode("ascii", "ignore") if match else None


def _known_charset(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _guess(data: bytes) -> tuple[str, str]:
    best = from_bytes(data[:65536]).best()
    charset = best.encoding if best is not None else "cp1252"
    return data.decode(charset, errors="replace"), charset
