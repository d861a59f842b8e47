"""A seeded Brownian walk that can be read at any tick without stepping to it.

Anchors every 4096 ticks are a cumulative sum (cached, a few thousand a
year); between two anchors, the value at a tick comes from bisecting the
interval as a Brownian bridge, each midpoint's shock hashed from the seed, the
symbol and the midpoint. A reading costs about a dozen hashes, whatever the
time since the last one, so a quiet simulated month is free.

The walk can also be searched: `ticks_reaching` finds the ticks where it is
at or beyond a threshold without reading every tick. A shock is the inverse
normal of a 64-bit uniform, so it is bounded (SHOCK_BOUND); that bounds how far
the bridge can stray from the line between an interval's two ends
(`bridge_reaches`), and an interval whose ends are farther than that from the
threshold holds no tick that reaches it. The search reads the same midpoints
as `at`, so the values it compares are the values `at` answers.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from statistics import NormalDist

BLOCK = 4096
_NORMAL = NormalDist()
SHOCK_BOUND = 9.2
"""No shock is larger in magnitude. The most extreme uniforms a digest gives are
2**-65 and the largest float below 1, whose inverse normals are -9.155 and
8.210; the rest of the margin covers the rounding of the bridge arithmetic."""


def bridge_reaches() -> dict[int, float]:
    """For each span bisection makes (1 to BLOCK ticks), the farthest a tick inside an
    interval of that span can be from the straight line between its two ends.

    At a tick, each interval holding it down the bisection moves it by its
    midpoint's shock, at most SHOCK_BOUND * sqrt(span) / 2, times that
    interval's tent at the tick (1 at the midpoint, 0 at the ends). The worst
    tick is the one where these add up most.
    """
    reaches = {1: 0.0}
    worst = [0.0]  # worst[t]: the most shocks can move offset t of an interval of `span` ticks
    span = 2
    while span <= BLOCK:
        half = span // 2
        shock = SHOCK_BOUND * math.sqrt(span) / 2
        worst = [shock * (1 - abs(t - half) / half) + worst[t % half] for t in range(span)]
        reaches[span] = max(worst)
        span *= 2
    return reaches


_REACH = bridge_reaches()


class BrownianWalk:
    def __init__(self, seed: int, name: str) -> None:
        prefix = f"{seed}:{name}:".encode()
        self._hashed_prefixes = {kind: hashlib.blake2b(prefix + kind, digest_size=8) for kind in (b"a", b"b")}
        """Hashing state after "seed:name:kind", copied for each shock rather than hashed again."""
        self._anchors: list[float] = [0.0]

    def _shock(self, kind: bytes, index: int) -> float:
        """The shock of anchor (kind b"a") or midpoint (b"b") `index`: blake2b of "seed:name:kind<index>"."""
        hasher = self._hashed_prefixes[kind].copy()
        hasher.update(str(index).encode())
        uniform = (int.from_bytes(hasher.digest(), "big") + 0.5) / 2**64
        return _NORMAL.inv_cdf(uniform)

    def _anchor(self, block: int) -> float:
        anchors = self._anchors
        while len(anchors) <= block:
            anchors.append(anchors[-1] + self._shock(b"a", len(anchors)) * math.sqrt(BLOCK))
        return anchors[block]

    def _midpoint(self, base: int, low: int, high: int, w_low: float, w_high: float) -> float:
        """The bridge's value halfway between offsets `low` and `high` of the block at `base`."""
        middle = (low + high) // 2
        span = high - low
        mean = w_low + (w_high - w_low) * (middle - low) / span
        std = math.sqrt((middle - low) * (high - middle) / span)
        return mean + std * self._shock(b"b", base + middle)

    def at(self, tick: int) -> float:
        """W(tick), a standard random walk with unit variance per tick (tick >= 0)."""
        block, offset = divmod(tick, BLOCK)
        low, high = 0, BLOCK
        w_low, w_high = self._anchor(block), self._anchor(block + 1)
        base = block * BLOCK
        while offset not in (low, high):
            middle = (low + high) // 2
            w_middle = self._midpoint(base, low, high, w_low, w_high)
            if offset < middle:
                high, w_high = middle, w_middle
            else:
                low, w_low = middle, w_middle
        return w_low if offset == low else w_high

    def ticks_reaching(self, threshold: float, *, below: bool, start: int, stop: int) -> Iterator[int]:
        """Every tick in [start, stop), in order, where W is at or below `threshold`
        (at or above it when `below` is false).

        Each block is bisected depth first, earliest half first, and only the
        halves that may hold such a tick are kept: a half whose ends are
        farther from the threshold than its bridge reach is skipped whole. So
        the cost follows how often the walk comes near the threshold, not the
        number of ticks.
        """
        sign = 1.0 if below else -1.0
        level = sign * threshold

        def may_reach(base: int, low: int, high: int, w_low: float, w_high: float) -> bool:
            if base + high <= start or base + low >= stop:
                return False
            return min(sign * w_low, sign * w_high) - _REACH[high - low] <= level

        for block in range(start // BLOCK, (stop - 1) // BLOCK + 1):
            base = block * BLOCK
            whole = (0, BLOCK, self._anchor(block), self._anchor(block + 1))
            pending = [whole] if may_reach(base, *whole) else []  # intervals left to search, earliest last
            while pending:
                low, high, w_low, w_high = pending.pop()
                if high - low == 1:
                    if sign * w_low <= level:
                        yield base + low
                    continue
                middle = (low + high) // 2
                w_middle = self._midpoint(base, low, high, w_low, w_high)
                for half in ((middle, high, w_middle, w_high), (low, middle, w_low, w_middle)):
                    if may_reach(base, *half):
                        pending.append(half)
