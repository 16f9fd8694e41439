"""The versions stamped on every row: bump EXTRACTOR_VERSION when extraction output changes."""

from __future__ import annotations

from importlib.metadata import version

EXTRACTOR_VERSION = f"newsflow-extract/2+trafilatura-{version('trafilatura')}"
