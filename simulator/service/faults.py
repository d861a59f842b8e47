"""A sandbox's fault settings (POST /sandbox/v1/faults), one `Faults` per core.

The four kinds of fault are felt in four places (the outbox, the file
store, the order router and the dispatch), but they are set, echoed and
reset together, so they are one object, held by the core and changed only
through `control_faults.set_faults`.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from simulator.market.router import DEFAULT_LATENCY_MS

LOST_STATUS = 504
"""What a lost response answers: the gateway gave up waiting."""


class ApiFault(Enum):
    NONE = "none"
    ERROR = "error"
    """Answer with the configured status; nothing changes."""
    LOST = "lost"
    """Do the work, then answer 504 as if the response were lost on the way."""


@dataclass(frozen=True)
class QueueFaults:
    """Seeded duplicates and delays of the SQS copies of events, done in simulated time by the outbox."""

    duplicate_rate: float = 0.0
    max_delay_seconds: float = 0.0


@dataclass(frozen=True)
class ApiFaults:
    """Faults on the vendor's API. Set whole, never field by field, so a request
    that reads them sees one setting, not half of two."""

    error_rate: float = 0.0
    status: int = 503
    latency_ms: int = 0
    lost_response_rate: float = 0.0

    def draw(self, rng: random.Random) -> ApiFault:
        """Which fault hits the next call; no draw at all while both rates are zero,
        so turning faults off leaves every other random stream where it was."""
        if self.error_rate and rng.random() < self.error_rate:
            return ApiFault.ERROR
        if self.lost_response_rate and rng.random() < self.lost_response_rate:
            return ApiFault.LOST
        return ApiFault.NONE


@dataclass
class Faults:
    """Every fault setting of one sandbox; each section is replaced whole."""

    queue: QueueFaults = QueueFaults()
    """Duplicates and delays of the SQS copies of events."""
    fail_puts: int = 0
    """S3 uploads still to fail on purpose: a countdown the uploads use up, not a rate."""
    fill_latency_ms: int = DEFAULT_LATENCY_MS
    """How long a market order takes to reach the venue."""
    api: ApiFaults = ApiFaults()
    injected: Counter[int] = field(default_factory=Counter, compare=False)
    """How many answers the API faults gave, by status: the 5xx that are no sandbox bug."""

    def draw_api(self, rng: random.Random) -> ApiFault:
        """Which API fault hits this call; the answer it will give is counted."""
        fault = self.api.draw(rng)
        if fault is ApiFault.ERROR:
            self.injected[self.api.status] += 1
        elif fault is ApiFault.LOST:
            self.injected[LOST_STATUS] += 1
        return fault

    def take_put_failure(self) -> bool:
        """Whether this S3 upload is to fail, using one of `fail_puts` if so."""
        if self.fail_puts <= 0:
            return False
        self.fail_puts -= 1
        return True
