"""Advance an idle sandbox with one client by 30 simulated days (30 cutoffs).

Target: under 1 s of wall time.
"""
from __future__ import annotations

import time

from _common import provision, report

from simulator import Sandbox


def main() -> None:
    with Sandbox(seed=1, start="2026-01-05T14:00:00Z") as sb:
        provision(sb, investors=1)
        started = time.perf_counter()
        sb.advance(30 * 86_400)
        elapsed = time.perf_counter() - started
        report("idle advance, 30 simulated days", {"now": sb.now.isoformat(), "wall seconds": f"{elapsed:.3f}"})


if __name__ == "__main__":
    main()
