"""Seeded API fault settings (POST /sandbox/v1/faults `api`), kept per core."""
from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum


class ApiFault(Enum):
    NONE = "none"
    ERROR = "error"
    """Answer with the configured status; nothing changes."""
    LOST = "lost"
    """Do the work, then answer 504 as if the response were lost on the way."""


@dataclass
class ApiFaults:
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
