"""The business calendar in Chicago time: cutoffs and the maintenance window."""
from __future__ import annotations

from datetime import time

from simulator.engine.clock import central_datetime, central_instant

SETTLEMENT_CUTOFF = time(9, 0)
MAINTENANCE_START = time(16, 30)
MAINTENANCE_END = time(17, 5)


def maintenance_end_if_inside(ns: int) -> int | None:
    """The instant maintenance ends, when `ns` falls in 16:30 to 17:05 CT."""
    local = central_datetime(ns)
    if MAINTENANCE_START <= local.time().replace(tzinfo=None) < MAINTENANCE_END:
        return central_instant(local.date(), MAINTENANCE_END)
    return None
