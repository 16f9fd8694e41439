"""Header values: those every request sends, and those of a response the fetcher reads."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from fetchers.config import FetchConfig
from fetchers.decoding import ACCEPT_ENCODING

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=utf-8"


def request_headers(
    config: FetchConfig, kind: str, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    """What every request says about us, plus the validators of a conditional request."""
    headers = {
        "User-Agent": config.user_agent,
        "Accept": config.accept_header(kind),
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``"text/HTML; charset=UTF-8"`` -> ``("text/html", "utf-8")``."""
    if not value:
        return None, None
    media_type, *params = (part.strip() for part in value.split(";"))
    charset = None
    for param in params:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'").lower() or None
    return media_type.lower() or None, charset


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None if absent/bad."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
