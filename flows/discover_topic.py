"""The run's topic: derived from the seed articles, then adjusted by newsflow.toml.

The seeds are the articles read from files (`sources.kind = 'files'`, what `newsflow
ingest` lands); a warehouse without any falls back to extracting the `[topic] seeds`
folder (default `seeds/`) in memory, so `newsflow topic` works before the first ingest.
Discovered articles never feed the topic back, so it cannot drift with what was found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from extractors.batch import extract_batch
from extractors.records import ArticleRecord, RawDocument
from extractors.topic import (
    TopicProfile,
    TopicTerm,
    configured_term,
    derive_profile,
    with_overrides,
)
from fetchers.files import iter_inputs
from flows.discovery_settings import Settings
from warehouse.connection import reading
from warehouse.discovery import seed_texts
from warehouse.errors import WarehouseMissing


class NoTopic(LookupError):
    """Nothing to derive a topic from and none configured."""


def load_profile(warehouse: str, settings: Settings) -> TopicProfile | None:
    """The topic for this run, or None when there is no seed and no configured term."""
    seeds, origin = _seeds(warehouse, settings.topic.seeds)
    language = _main_language([language for _, language in seeds])
    base = derive_profile([text for text, _ in seeds], language, origin)
    chosen = settings.topic
    profile = with_overrides(
        base,
        terms=[configured_term(text) for text in chosen.terms],
        extra=[configured_term(text) for text in chosen.extra_terms],
        exclude=chosen.exclude,
        threshold=chosen.threshold,
    )
    return None if profile.is_empty else profile


def _seeds(warehouse: str, folder: str) -> tuple[list[tuple[str, str | None]], str]:
    try:
        with reading(warehouse) as con:
            landed = seed_texts(con)
    except WarehouseMissing:
        landed = []
    if landed:
        return landed, f"seed articles in the warehouse ({len(landed)})"
    path = Path(folder)
    if not path.is_dir():
        return [], ""
    raws = [item for item in iter_inputs(path) if isinstance(item, RawDocument)]
    records = [r for r in extract_batch(raws) if isinstance(r, ArticleRecord)]
    texts = [(f"{r.title or ''}\n{r.body}", r.language) for r in records]
    return texts, f"seed files in {folder}/ ({len(texts)})" if texts else ""


def _main_language(languages: Sequence[str | None]) -> str:
    counted = Counter(language for language in languages if language)
    return counted.most_common(1)[0][0] if counted else "en"


def default_queries(profile: TopicProfile | None, limit: int = 2) -> tuple[str, ...]:
    """Search queries from the topic: its two main people, then the main person with the
    main place and key word; phrases in quotes, as GDELT and Google News read them."""
    if profile is None:
        return ()
    who, where = profile.of_kind("who"), profile.of_kind("where")
    words = [t for t in profile.of_kind("what") if t.text.islower()]
    heads = [t for t in (who[:1] + where[:1] + tuple(words[:1]))]
    queries = [_query(who[:2]), _query(heads)] if who else [_query(profile.terms[:3])]
    return tuple(dict.fromkeys(q for q in queries if q))[:limit]


def _query(terms: Sequence[TopicTerm]) -> str:
    return " ".join(f'"{t.text}"' if " " in t.text else t.text for t in terms)
