"""A seeded Brownian walk that can be read at any tick without stepping to it.

Anchors every 4096 ticks are a cumulative sum (cached, a few thousand a
year); between two anchors, the value at a tick comes from bisecting the
interval as a Brownian bridge, each midpoint's shock hashed from the seed, the
symbol and the midpoint. A reading costs about a dozen hashes, whatever the
time since the last one, so a quiet simulated month is free.
"""
from __future__ import annotations

import hashlib
import math
from statistics import NormalDist

BLOCK = 4096
_NORMAL = NormalDist()


class BrownianWalk:
    def __init__(self, seed: int, name: str) -> None:
        self._prefix = f"{seed}:{name}:".encode()
        self._anchors: list[float] = [0.0]

    def _shock(self, kind: bytes, index: int) -> float:
        digest = hashlib.blake2b(self._prefix + kind + str(index).encode(), digest_size=8).digest()
        uniform = (int.from_bytes(digest, "big") + 0.5) / 2**64
        return _NORMAL.inv_cdf(uniform)

    def _anchor(self, block: int) -> float:
        anchors = self._anchors
        while len(anchors) <= block:
            anchors.append(anchors[-1] + self._shock(b"a", len(anchors)) * math.sqrt(BLOCK))
        return anchors[block]

    def at(self, tick: int) -> float:
        """W(tick), a standard random walk with unit variance per tick (tick >= 0)."""
        block, offset = divmod(tick, BLOCK)
        low, high = 0, BLOCK
        w_low, w_high = self._anchor(block), self._anchor(block + 1)
        base = block * BLOCK
        while offset not in (low, high):
            middle = (low + high) // 2
            span = high - low
            mean = w_low + (w_high - w_low) * (middle - low) / span
            std = math.sqrt((middle - low) * (high - middle) / span)
            w_middle = mean + std * self._shock(b"b", base + middle)
            if offset < middle:
                high, w_high = middle, w_middle
            else:
                low, w_low = middle, w_middle
        return w_low if offset == low else w_high
