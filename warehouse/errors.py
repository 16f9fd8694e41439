"""Why the warehouse could not be used. Every message is one line that says what to do.

WarehouseError
├── WarehouseBusy       another process holds the file past the wait limit (transient)
└── WarehouseMissing    a read was asked of a warehouse that was never created
"""

from __future__ import annotations


class WarehouseError(Exception):
    """Base class: the run itself cannot happen."""


class WarehouseBusy(WarehouseError):
    """Transient: retry later, or close the process that holds the file."""


class WarehouseMissing(WarehouseError):
    """Permanent until something is ingested."""
