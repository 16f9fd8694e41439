"""Why a document could not become an article.

    ExtractionError            permanent: record in `failures` and move on
    ├── EmptyDocument          nothing to read (0 bytes, or only whitespace / markup)
    ├── BinaryContent          bytes that are not text (NUL bytes, control characters)
    ├── UnsupportedMediaType   a type we have no extractor for
    └── ExtractionDeadline     the extractor ran past its per-document time limit

All of them are permanent for the same bytes and the same code: retrying without a code
or rule change gives the same answer, so the pipeline records them instead of retrying.
Each carries a `stage` and a one-line `reason`; the document is named by the caller.
"""

from __future__ import annotations


class ExtractionError(Exception):
    stage = "extract"

    @property
    def reason(self) -> str:
        return str(self)


class EmptyDocument(ExtractionError):
    stage = "read"


class BinaryContent(ExtractionError):
    stage = "decode"


class UnsupportedMediaType(ExtractionError):
    stage = "read"


class ExtractionDeadline(ExtractionError):
    stage = "extract"
