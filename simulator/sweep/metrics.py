"""What a run measured, for the sweep's distributions (CONTRACT section 17).

Every metric is read from the finished `RunResult` (its answers, events,
files and market), never from the live sandbox, so a metric is as
reproducible as the run. Decimal amounts are rounded half-even to
`PLACES` and written as floats: Python's shortest float repr makes the same
JSON text on every machine, and two places are exact for cents and
hundredths of a basis point.

`requests`
    Every call the replay made, setup and logins included.
`status5xx`
    Answers with a 5xx status; the no-5xx invariant fails the run on any.
`rejects`
    Answers that refused: a 4xx status, or a write (not GET) answered with
    `status: REJECTED` or a `rejectReason`. A GET that reads back an earlier
    reject is not a new one.
`fills`
    Fills investors got, as report.html counts them: each completed
    allocation, each order execution once, each completed gift.
`fillVsMidBps`
    One value a fill: (fill price - mid at the fill instant) / mid x 10,000,
    signed so that a price worse for the client is positive (a BUY or a
    gift above the mid, a SELL below it). The fill price is what the client
    got, commission markup included.
`netSettlement`
    One value per settlement window and client: the Net Settlement the
    window's summary file states (positive: the client owes), ordered by
    client, then window.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from simulator.market.quotes import Market
from simulator.replay.html.events import read_events
from simulator.replay.html.fills import Fill, read_fills
from simulator.replay.html.settlement import read_windows
from simulator.replay.outcome import RequestRecord, RunResult
from simulator.sweep.model import Metric

PLACES = Decimal("0.01")
BPS = Decimal(10_000)
REJECTED = "REJECTED"

DESCRIPTIONS: dict[str, str] = {
    "requests": "calls the replay made, setup and logins included",
    "status5xx": "answers with a 5xx status",
    "rejects": "answers that refused: a 4xx, or a write answered REJECTED or with a rejectReason",
    "fills": "completed allocations, order executions and completed gifts",
    "fillVsMidBps": "each fill's price against the mid at that instant, in bps; positive is worse for the client",
    "netSettlement": "each settlement window's Net Settlement per client, in USD; positive: the client owes",
}
"""One line per metric, in the order run_metrics writes them; report.html shows these."""


def run_metrics(result: RunResult) -> dict[str, Metric]:
    fills = read_fills(read_events(result.events))
    statuses = [record.status for record in result.requests]
    return {
        "requests": len(statuses),
        "status5xx": sum(1 for status in statuses if status >= 500),
        "rejects": sum(1 for record in result.requests if rejected(record)),
        "fills": len(fills),
        "fillVsMidBps": [fill_vs_mid_bps(result.market, fill) for fill in fills],
        "netSettlement": [rounded(window.net) for window in read_windows(result.files) if window.net is not None],
    }


def rejected(record: RequestRecord) -> bool:
    if 400 <= record.status < 500:
        return True
    answer = record.response
    if record.method == "GET" or not isinstance(answer, dict):
        return False
    return answer.get("status") == REJECTED or bool(answer.get("rejectReason"))


def fill_vs_mid_bps(market: Market, fill: Fill) -> float:
    mid = market.book(fill.symbol, fill.time_ns).mid
    worse = mid - fill.price if fill.side == "SELL" else fill.price - mid
    return rounded(worse / mid * BPS)


def rounded(amount: Decimal) -> float:
    return float(amount.quantize(PLACES, rounding=ROUND_HALF_EVEN))
