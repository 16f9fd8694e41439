"""`newsflow extract`: the ingest batch path without the warehouse."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

from extractors.batch import extract_batch
from extractors.records import ArticleRecord, Failure, RawDocument
from extractors.rulesconfig import configured_spec
from fetchers.files import iter_input_paths

BATCH_SIZE = 200


def extract_paths(paths: Sequence[Path]) -> Iterator[tuple[Path, ArticleRecord | Failure]]:
    """Each file with its record or failure, in input order, extracted in batches."""
    pairs = (pair for path in paths for pair in iter_input_paths(path))
    rules = configured_spec()  # newsflow.toml's rule files and disabled rules apply here too
    while batch := list(islice(pairs, BATCH_SIZE)):
        raws = [item for _, item in batch if isinstance(item, RawDocument)]
        extracted = iter(extract_batch(raws, rules))
        for path, item in batch:
            yield path, next(extracted) if isinstance(item, RawDocument) else item
