"""`newsflow.toml`: the topic, the sources, the search providers and the politeness.

The file is optional (the working directory's, or `--config PATH`); every key has a
default, and a bad or unknown key ends the command with one line naming file and key.
Search providers are used only when their table is present, so a machine without a
config file never contacts a search API. See docs/discovery.md for an example.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from extractors.search import GDELT_MAX_RECORDS, GDELT_URL, GOOGLE_NEWS_URL
from extractors.topic import DEFAULT_THRESHOLD

CONFIG_NAME = "newsflow.toml"


class ConfigError(ValueError):
    """A config file that cannot be used; the message is one line naming file and key."""


@dataclass(frozen=True)
class TopicSettings:
    terms: tuple[str, ...] = ()  # replaces the terms derived from the seeds
    extra_terms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    threshold: float = DEFAULT_THRESHOLD
    seeds: str = "seeds"  # read when the warehouse holds no seed articles yet


@dataclass(frozen=True)
class Politeness:
    user_agent: str = "newsflow/0.1 (+https://github.com/newsflow/newsflow)"
    delay_s: float = 1.0
    per_host_concurrency: int = 1
    max_in_flight: int = 16
    crawl_delay_cap_s: float = 10.0
    deadline_s: float = 30.0
    max_retries: int = 3
    backoff_base_s: float = 0.5
    max_retry_after_s: float = 120.0
    max_body_bytes: int = 5 * 1024 * 1024
    respect_robots: bool = True


@dataclass(frozen=True)
class Limits:
    max_pages: int = 500  # page fetches per run; the rest wait for the next run
    max_attempts: int = 3  # a URL that failed this often is not tried again
    batch_size: int = 50  # pages fetched, extracted and landed together
    max_links_per_source: int = 5000
    sitemap_depth: int = 3  # index -> index -> sitemap
    max_sitemaps: int = 50  # sitemap files read per configured sitemap


@dataclass(frozen=True)
class Gdelt:
    base_url: str = GDELT_URL
    lookback_hours: float = 24.0
    slice_hours: float = 6.0
    min_slice_minutes: float = 15.0
    max_calls: int = 12
    min_interval_s: float = 5.0  # GDELT asks for at most one call per 5 s
    max_records: int = GDELT_MAX_RECORDS


@dataclass(frozen=True)
class GoogleNews:
    base_url: str = GOOGLE_NEWS_URL
    language: str = "en-US"
    country: str = "US"
    when: str = "2d"
    min_interval_s: float = 5.0


@dataclass(frozen=True)
class Settings:
    path: str | None = None  # the file read, if any
    topic: TopicSettings = field(default_factory=TopicSettings)
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()
    queries: tuple[str, ...] = ()  # search queries; default: derived from the topic
    gdelt: Gdelt | None = None
    google_news: GoogleNews | None = None
    politeness: Politeness = field(default_factory=Politeness)
    limits: Limits = field(default_factory=Limits)

    def with_sources(
        self, feeds: tuple[str, ...], sitemaps: tuple[str, ...], allow_hosts: tuple[str, ...]
    ) -> Settings:
        """Ad-hoc sources from the command line replace the configured ones for this run."""
        adhoc = bool(feeds or sitemaps)
        return replace(
            self,
            feeds=feeds if adhoc else self.feeds,
            sitemaps=sitemaps if adhoc else self.sitemaps,
            gdelt=None if adhoc else self.gdelt,
            google_news=None if adhoc else self.google_news,
            allow_hosts=tuple(dict.fromkeys((*self.allow_hosts, *allow_hosts))),
        )


def load_settings(path: Path | None = None) -> Settings:
    """`path`, else ./newsflow.toml if it exists, else the defaults."""
    chosen = path or Path(CONFIG_NAME)
    if path is None and not chosen.exists():
        return Settings()
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{chosen}: cannot read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{chosen}: not valid TOML: {error}") from None
    return _settings(str(chosen), data)


def _settings(name: str, data: dict[str, Any]) -> Settings:
    # [rules] is read by extractors/rulesconfig.py (boilerplate rule files, disabled rules).
    _known(name, "", data, {"topic", "sources", "search", "politeness", "limits", "rules"})
    sources = _table(name, "sources", data)
    search = _table(name, "search", data)
    _known(name, "sources", sources, {"feeds", "sitemaps", "allow_hosts"})
    _known(name, "search", search, {"queries", "gdelt", "google_news"})
    return Settings(
        path=name,
        topic=_build(name, "topic", TopicSettings, _table(name, "topic", data)),
        feeds=_strings(name, "sources.feeds", sources.get("feeds", [])),
        sitemaps=_strings(name, "sources.sitemaps", sources.get("sitemaps", [])),
        allow_hosts=_strings(name, "sources.allow_hosts", sources.get("allow_hosts", [])),
        queries=_strings(name, "search.queries", search.get("queries", [])),
        gdelt=_provider(name, "search.gdelt", Gdelt, search),
        google_news=_provider(name, "search.google_news", GoogleNews, search),
        politeness=_build(name, "politeness", Politeness, _table(name, "politeness", data)),
        limits=_build(name, "limits", Limits, _table(name, "limits", data)),
    )


def _provider(name: str, key: str, kind: type, search: Mapping[str, Any]) -> Any:
    short = key.split(".")[1]
    if short not in search:
        return None
    table = _table(name, key, search, short)
    if table.get("enabled", True) is False:
        return None
    return _build(name, key, kind, {k: v for k, v in table.items() if k != "enabled"})


def _table(name: str, key: str, data: Mapping[str, Any], short: str | None = None) -> Any:
    value = data.get(short or key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: [{key}] must be a table")
    return value


def _known(name: str, key: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        where = f"{key}.{unknown[0]}" if key else unknown[0]
        raise ConfigError(f"{name}: unknown key {where!r}; known: {', '.join(sorted(allowed))}")


def _build(name: str, key: str, kind: type, table: Mapping[str, Any]) -> Any:
    types = {f.name: f.type for f in fields(kind)}
    _known(name, key, table, set(types))
    values = {k: _typed(name, f"{key}.{k}", str(types[k]), v) for k, v in table.items()}
    return kind(**values)


def _typed(name: str, key: str, wanted: str, value: Any) -> Any:
    if wanted == "tuple[str, ...]":
        return _strings(name, key, value)
    if wanted == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return _non_negative(name, key, float(value))
    if wanted == "int" and isinstance(value, int) and not isinstance(value, bool):
        return _non_negative(name, key, value)
    if (wanted, type(value)) in (("bool", bool), ("str", str)):
        return value
    raise ConfigError(f"{name}: {key}: expected {wanted.split('[')[0]}, got {value!r}")


def _non_negative(name: str, key: str, value: float) -> Any:
    if value < 0:
        raise ConfigError(f"{name}: {key}: must not be negative, got {value!r}")
    return value


def _strings(name: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name}: {key}: expected a list of strings, got {value!r}")
    return tuple(v.strip() for v in value if v.strip())
