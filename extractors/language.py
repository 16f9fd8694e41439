"""Language detection with py3langid (offline; its model ships with the package)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Below this confidence (py3langid's normalised probability) we say "unknown" rather
# than guess: short or mixed texts otherwise get confidently wrong labels.
MIN_CONFIDENCE = 0.5
# The classifier's cost grows with the sample; 1,500 characters of a body (a lead and a few
# paragraphs) gave the same label as 5,000 on every labelled document in bench/ and seeds/,
# for a third less time per article (issue 7).
_SAMPLE_CHARS = 1500


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from extractors.langid_model import identifier  # numpy and the model: on first use

    return identifier()


def detect_language(text: str) -> str | None:
    sample = text[:_SAMPLE_CHARS]
    if len(sample.split()) < 3:
        return None
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE else None
